"""Admin: create accounts, reset passwords, set roles and deactivate accounts. No access to journals."""

import streamlit as st

from pages import _common as ui
from reflection import accounts
from reflection.errors import ReflectionError

user = ui.require_user()
db = ui.db()
if not user.is_admin:
    st.error("This page is for administrators.")
    st.stop()

st.title("Admin")
st.caption("Administrators manage accounts and groups. They cannot read anyone's private entries.")

st.subheader("Create an account")
with st.form("admin_create_user", clear_on_submit=True):
    name_col, user_col = st.columns(2)
    display_name = name_col.text_input("Name", key="admin_new_display_name")
    username = user_col.text_input("Username", key="admin_new_username")
    password_col, role_col = st.columns(2)
    password = password_col.text_input("First password (share it privately)", type="password", key="admin_new_password")
    role = role_col.selectbox("Role", accounts.ROLES, key="admin_new_role")
    created = st.form_submit_button("Create account")
if created:
    try:
        new_user = accounts.create_user(db, user, username, display_name, password, role)
        st.success(f"Created {new_user.role} account “{ui.escape(new_user.username)}”.")
    except ReflectionError as error:
        ui.show_error(error)

st.subheader("Accounts")
for account in accounts.list_users(db):
    with st.expander(f"{account.display_name} · {account.username} · {account.role}" + ("" if account.active else " · deactivated")):
        role_col, password_col, active_col = st.columns(3)
        new_role = role_col.selectbox("Role", accounts.ROLES, index=accounts.ROLES.index(account.role), key=f"admin_role_{account.id}")
        if role_col.button("Set role", key=f"admin_set_role_{account.id}"):
            try:
                accounts.set_role(db, user, account.id, new_role)
                st.rerun()
            except ReflectionError as error:
                ui.show_error(error)
        new_password = password_col.text_input("New password", type="password", key=f"admin_password_{account.id}")
        if password_col.button("Reset password", key=f"admin_reset_{account.id}"):
            try:
                accounts.reset_password(db, user, account.id, new_password)
                st.success("Password reset. Give the new password to its owner privately.")
            except ReflectionError as error:
                ui.show_error(error)
        label = "Deactivate" if account.active else "Reactivate"
        if active_col.button(label, key=f"admin_active_{account.id}"):
            try:
                accounts.set_active(db, user, account.id, not account.active)
                st.rerun()
            except ReflectionError as error:
                ui.show_error(error)
