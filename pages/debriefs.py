"""PLC debriefs (coming soon)."""

import streamlit as st

from pages import _common as ui

ui.require_user()
st.title("PLC debriefs")
st.info("Coming soon: run protocol-based debriefs with your PLC group, with shared notes and action items.")
