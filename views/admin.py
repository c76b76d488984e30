"""Admin: create accounts, reset passwords, set roles and deactivate accounts. No access to journals."""

import streamlit as st

from reflection import accounts, circles, groups, journal, language, newcomers, single_sign_on
from reflection.errors import ReflectionError
from views import _common as ui

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
ui.show_messages("admin")
for account in accounts.list_users(db):
    label = f"{ui.escape(account.display_name)} · {ui.escape(account.username)} · {account.role}"
    with st.expander(label + ("" if account.active else " · deactivated")):
        role_col, password_col, active_col = st.columns(3)
        new_role = role_col.selectbox("Role", accounts.ROLES, index=accounts.ROLES.index(account.role), key=f"admin_role_{account.id}")
        if role_col.button("Set role", key=f"admin_set_role_{account.id}"):
            try:
                accounts.set_role(db, user, account.id, new_role)
                st.rerun()
            except ReflectionError as error:
                ui.show_error(error)
        # A form: the password is read only when the button is pressed (Tab alone never submits a
        # half-typed one), and a callback empties the field once the reset is done.
        password_key = f"admin_password_{account.id}"
        with password_col.form(f"admin_reset_form_{account.id}", border=False):
            st.text_input("New password", type="password", key=password_key)
            st.form_submit_button(
                "Reset password", key=f"admin_reset_{account.id}", on_click=ui.run_action,
                args=("admin", lambda a=account, k=password_key: accounts.reset_password(db, user, a.id, st.session_state[k]),
                      f"Password of “{ui.escape(account.username)}” reset and every session of the account ended. "
                      "Give the new password to its owner privately: at their next sign-in they are told you "
                      "reset it and choose their own.", (password_key,)))
        label = "Deactivate" if account.active else "Reactivate"
        if active_col.button(label, key=f"admin_active_{account.id}"):
            try:
                accounts.set_active(db, user, account.id, not account.active)
                st.rerun()
            except ReflectionError as error:
                ui.show_error(error)
        is_new = newcomers.is_newcomer(db, account)
        if active_col.button("Not new this year" if is_new else "Mark new this year", key=f"admin_newcomer_{account.id}",
                             help="Newcomers are offered a peer circle to join and the first-weeks reflection."):
            try:
                newcomers.mark_newcomer(db, user, account.id, not is_new)
                st.rerun()
            except ReflectionError as error:
                ui.show_error(error)
        email_key = f"admin_email_{account.id}"
        st.session_state.setdefault(email_key, single_sign_on.email_of(db, account.id))
        email_col, save_col = st.columns([3, 1], vertical_alignment="bottom")
        email_col.text_input("School email (for school sign-in; empty for none)", key=email_key, max_chars=254)
        if save_col.button("Save email", key=f"admin_save_email_{account.id}"):
            try:
                single_sign_on.set_email(db, user, account.id, st.session_state[email_key])
                st.success("Saved. Signing in with the school account that has this verified email opens this account.")
            except ReflectionError as error:
                ui.show_error(error)

st.subheader("School sign-in")
st.caption(
    "When your school's sign-in (set up in .streamlit/secrets.toml, see the README) brings a verified email that "
    "no account has: refuse it, or create a teacher account for emails in these domains."
)
current_policy = single_sign_on.policy(db)
with st.form("admin_sso_policy"):
    domains_text = st.text_area("Allowed email domains, one per line", value="\n".join(current_policy.domains),
                                key="admin_sso_domains", placeholder="school.example")
    create_teachers = st.checkbox("Create a teacher account on first school sign-in from these domains",
                                  value=current_policy.create_teachers, key="admin_sso_create_teachers")
    if st.form_submit_button("Save school sign-in settings"):
        try:
            single_sign_on.set_policy(db, user, domains_text, create_teachers)
            st.success("Saved.")
        except ReflectionError as error:
            ui.show_error(error)

st.subheader("Groups")
st.caption("Create a PLC group and pick its first facilitator, who then invites members, or a peer circle and "
           "its first member, who invites a few peers. Admins do not see a group's debriefs, check-ins or "
           "questions unless they are a member.")
active_accounts = {account.id: account for account in accounts.list_users(db) if account.active}
with st.form("admin_create_group", clear_on_submit=True):
    group_name_col, facilitator_col = st.columns(2)
    group_name = group_name_col.text_input("Group name", key="admin_group_name", max_chars=groups.MAX_GROUP_NAME_CHARS)
    group_kind = group_name_col.radio("Kind", ["plc", "circle"], horizontal=True, key="admin_group_kind",
                                      format_func={"plc": "PLC group", "circle": "Peer circle"}.get)
    facilitator_id = facilitator_col.selectbox(
        "Facilitator (a circle's first member)", list(active_accounts), key="admin_group_facilitator",
        format_func=lambda account_id: f"{active_accounts[account_id].display_name} ({active_accounts[account_id].username})",
    )
    group_created = st.form_submit_button("Create group")
if group_created:
    try:
        if group_kind == "circle":
            new_group = circles.create_circle(db, user, group_name, first_member_id=facilitator_id)
        else:
            new_group = groups.create_group(db, user, group_name, facilitator_id=facilitator_id)
        st.success(f"Created the group “{ui.escape(new_group.name)}”.")
    except ReflectionError as error:
        ui.show_error(error)

for group in groups.list_groups(db, user):
    members = groups.list_members(db, user, group.id)
    facilitators = ", ".join(ui.escape(m.display_name) for m in members if m.role == "facilitator") or "none"
    led = "peer circle" if group.is_circle else f"facilitated by {facilitators}"
    with st.expander(f"{ui.escape(group.name)} · {len(members)} member{'s' if len(members) != 1 else ''} · {led}"):
        if st.button("Delete group", key=f"admin_delete_group_{group.id}"):
            st.session_state["admin_confirm_group"] = group.id
        if st.session_state.get("admin_confirm_group") == group.id:
            st.warning("Delete this group with all its debriefs, notes, action items and group shares? This cannot be undone.")
            if st.button("Yes, delete it", key=f"admin_delete_group_confirm_{group.id}", type="primary"):
                try:
                    groups.delete_group(db, user, group.id)
                    st.session_state.pop("admin_confirm_group", None)
                    st.rerun()
                except ReflectionError as error:
                    ui.show_error(error)

st.subheader("Language check rules")
stale = journal.count_stale_entries(db)
if stale == 0:
    st.caption(f"Every entry was checked with the current rules (version {language.RULES_VERSION}).")
else:
    st.write(
        f"{stale:,} entr{'y was' if stale == 1 else 'ies were'} checked with older rules. Re-checking updates the "
        "stored flags and insights; it reads no entry to you and changes no text."
    )
    if st.button("Re-check them now", key="admin_reanalyse"):
        bar = st.progress(0.0, text="Re-checking…")
        done = journal.reanalyse_stale_entries(
            db, progress=lambda finished, total: bar.progress(finished / total, text=f"Re-checked {finished:,} of {total:,}")
        )
        st.success(f"Re-checked {done:,} entr{'y' if done == 1 else 'ies'} with rules version {language.RULES_VERSION}.")
