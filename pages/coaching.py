"""Shared & coaching (coming soon)."""

import streamlit as st

from pages import _common as ui

ui.require_user()
st.title("Shared & coaching")
st.info("Coming soon: share one entry with a coach or your group and read comments.")
