"""One module per screen: its sections, called in order by that screen's page file."""
