"""Plotly figures: arrays in, a figure out, no Streamlit."""
