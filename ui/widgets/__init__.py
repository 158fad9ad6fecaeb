"""Streamlit parts drawn on more than one screen, or as one unit: editors, sidebar, sections, controls."""
