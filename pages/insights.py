"""Insights (coming soon)."""

import streamlit as st

from pages import _common as ui

ui.require_user()
st.title("Insights")
st.info("Coming soon: charts of your writing over time, flags per 100 words, mood and readability.")
