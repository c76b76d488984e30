"""Reflection: entry point. Page config, the sign-in gate, navigation and the shared sidebar."""

from __future__ import annotations

import sqlite3

import streamlit as st

from views import _common as ui
from reflection import accounts
from reflection import db as database
from reflection.errors import ReflectionError

st.set_page_config(page_title="Reflection", page_icon=":material/self_improvement:", layout="wide")


def first_run() -> None:
    st.title("Welcome to Reflection")
    st.write(
        "This is a new installation. Create the first account: it becomes the administrator, "
        "who creates accounts for teachers and coaches. An administrator cannot read anyone's private journal."
    )
    with st.form("first_run"):
        username = st.text_input("Username", key="first_run_username")
        display_name = st.text_input("Your name", key="first_run_display_name")
        password = st.text_input("Password", type="password", key="first_run_password")
        confirm = st.text_input("Password again", type="password", key="first_run_confirm")
        submitted = st.form_submit_button("Create admin account")
    if submitted:
        if password != confirm:
            st.error("The two passwords differ. Please type them again.")
            return
        try:
            user = accounts.create_first_admin(ui.db(), username, display_name, password)
        except ReflectionError as error:
            ui.show_error(error)
            return
        ui.sign_in(user)
        st.rerun()


def sign_in() -> None:
    st.title("Reflection")
    st.caption("A private place to reflect on teaching, and to check our own language for bias.")
    with st.form("sign_in"):
        username = st.text_input("Username", key="sign_in_username")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try:
            user = accounts.authenticate(ui.db(), username, password)
        except ReflectionError as error:
            ui.show_error(error)
            return
        ui.sign_in(user)
        st.rerun()


def pages_for(user: accounts.User | None) -> dict[str, list]:
    """The navigation for this user; with no user, every page, so a deep link survives signing in."""
    sections = {
        "Reflect": [
            st.Page("views/write.py", title="Write", icon=":material/edit_note:", default=True),
            st.Page("views/journal.py", title="Journal", icon=":material/menu_book:"),
            st.Page("views/prompts.py", title="Prompts", icon=":material/explore:"),
            st.Page("views/insights.py", title="Insights", icon=":material/insights:"),
        ],
        "Together": [
            st.Page("views/debriefs.py", title="PLC debriefs", icon=":material/groups:"),
            st.Page("views/coaching.py", title="Shared & coaching", icon=":material/forum:"),
        ],
        "Settings": [st.Page("views/account.py", title="Account", icon=":material/person:")],
    }
    if user is None or user.is_admin:
        sections["Settings"].append(st.Page("views/admin.py", title="Admin", icon=":material/admin_panel_settings:"))
    return sections


def main() -> None:
    if accounts.needs_first_admin(ui.db()):
        st.navigation(pages_for(None), position="hidden")
        first_run()
        return
    user = ui.current_user()
    if user is None:
        # The requested page is remembered in the URL and opens once the sign-in succeeds.
        st.navigation(pages_for(None), position="hidden")
        sign_in()
        return
    with st.sidebar:
        st.markdown(f"Signed in as **{ui.escape(user.display_name)}** · {user.role}")
        if st.button("Sign out", key="sign_out"):
            ui.sign_out()
            st.rerun()
    st.navigation(pages_for(user)).run()


try:
    main()
except sqlite3.Error as error:
    explained = database.explain_storage_error(error)
    if explained is None:
        raise
    st.error(str(explained))
