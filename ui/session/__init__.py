"""What a session keeps and how it travels: session state, the link and file codecs, cached runs, the
scenarios the app starts from, and how one server process shares its CPU and memory among sessions."""
