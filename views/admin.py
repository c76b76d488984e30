"""Admin: create accounts, reset passwords, set roles and deactivate accounts. No access to journals."""

import functools

import streamlit as st

from reflection import accounts, circles, groups, journal, language, newcomers, single_sign_on
from views import _common as ui

PAGE = "admin"  # the page's widget keys and message slot
CONFIRM_GROUP_KEY = "admin_confirm_group"  # the group whose deletion waits for a second click
NEW_ACCOUNT_KEYS = ("admin_new_display_name", "admin_new_username", "admin_new_password")

user = ui.require_user()
db = ui.db()
if not user.is_admin:
    st.error("This page is for administrators.")
    st.stop()

act = functools.partial(ui.run_action, PAGE)
state = st.session_state

st.title("Admin")
st.caption("Administrators manage accounts and groups. They cannot read anyone's private entries.")
ui.show_messages(PAGE)

st.subheader("Create an account")
# Forms keep what was typed until the action succeeds (`clear`), so a refused one can be corrected.
with st.form("admin_create_user"):
    name_col, user_col = st.columns(2)
    name_col.text_input("Name", key="admin_new_display_name")
    user_col.text_input("Username", key="admin_new_username")
    password_col, role_col = st.columns(2)
    password_col.text_input("First password (share it privately)", type="password", key="admin_new_password")
    role_col.selectbox("Role", accounts.ROLES, key="admin_new_role")
    st.form_submit_button("Create account", on_click=act, args=(
        lambda: accounts.create_user(db, user, state["admin_new_username"], state["admin_new_display_name"],
                                     state["admin_new_password"], state["admin_new_role"]),
        lambda created: f"Created {created.role} account “{ui.escape(created.username)}”.", NEW_ACCOUNT_KEYS))

st.subheader("Accounts")
for account in accounts.list_users(db):
    label = f"{ui.escape(account.display_name)} · {ui.escape(account.username)} · {account.role}"
    with st.expander(label + ("" if account.active else " · deactivated")):
        role_col, password_col, active_col = st.columns(3)
        role_key = f"admin_role_{account.id}"
        role_col.selectbox("Role", accounts.ROLES, index=accounts.ROLES.index(account.role), key=role_key)
        role_col.button("Set role", key=f"admin_set_role_{account.id}", on_click=act, args=(
            lambda a=account, k=role_key: accounts.set_role(db, user, a.id, state[k]),
            f"Role of “{ui.escape(account.username)}” saved."))
        # A form: the password is read only when the button is pressed (Tab alone never submits a
        # half-typed one), and a callback empties the field once the reset is done.
        password_key = f"admin_password_{account.id}"
        with password_col.form(f"admin_reset_form_{account.id}", border=False):
            st.text_input("New password", type="password", key=password_key)
            st.form_submit_button(
                "Reset password", key=f"admin_reset_{account.id}", on_click=ui.run_action,
                args=(PAGE, lambda a=account, k=password_key: accounts.reset_password(db, user, a.id, state[k]),
                      f"Password of “{ui.escape(account.username)}” reset and every session of the account ended. "
                      "Give the new password to its owner privately: at their next sign-in they are told you "
                      "reset it and choose their own.", (password_key,)))
        active_col.button("Deactivate" if account.active else "Reactivate", key=f"admin_active_{account.id}",
                          on_click=act, args=(
                              lambda a=account: accounts.set_active(db, user, a.id, not a.active),
                              f"“{ui.escape(account.username)}” "
                              + ("deactivated." if account.active else "reactivated.")))
        is_new = newcomers.is_newcomer(db, account)
        active_col.button("Not new this year" if is_new else "Mark new this year", key=f"admin_newcomer_{account.id}",
                          help="Newcomers are offered a peer circle to join and the first-weeks reflection.",
                          on_click=act, args=(lambda a=account, new=is_new: newcomers.mark_newcomer(db, user, a.id, not new),
                                              f"Saved for “{ui.escape(account.username)}”."))
        email_key = f"admin_email_{account.id}"
        state.setdefault(email_key, single_sign_on.email_of(db, account.id))
        email_col, save_col = st.columns([3, 1], vertical_alignment="bottom")
        email_col.text_input("School email (for school sign-in; empty for none)", key=email_key, max_chars=254)
        save_col.button("Save email", key=f"admin_save_email_{account.id}", on_click=act, args=(
            lambda a=account, k=email_key: single_sign_on.set_email(db, user, a.id, state[k]),
            "Saved. Signing in with the school account that has this verified email opens this account."))

st.subheader("School sign-in")
st.caption(
    "When your school's sign-in (set up in .streamlit/secrets.toml, see the README) brings a verified email that "
    "no account has: refuse it, or create a teacher account for emails in these domains."
)
current_policy = single_sign_on.policy(db)
with st.form("admin_sso_policy"):
    st.text_area("Allowed email domains, one per line", value="\n".join(current_policy.domains),
                 key="admin_sso_domains", placeholder="school.example")
    st.checkbox("Create a teacher account on first school sign-in from these domains",
                value=current_policy.create_teachers, key="admin_sso_create_teachers")
    st.form_submit_button("Save school sign-in settings", on_click=act, args=(
        lambda: single_sign_on.set_policy(db, user, state["admin_sso_domains"], state["admin_sso_create_teachers"]),
        "Saved."))

st.subheader("Groups")
st.caption("Create a PLC group and pick its first facilitator, who then invites members, or a peer circle and "
           "its first member, who invites a few peers. Admins do not see a group's debriefs, check-ins or "
           "questions unless they are a member.")
active_accounts = {account.id: account for account in accounts.list_users(db) if account.active}


def create_group() -> groups.Group:
    name, first_id = state["admin_group_name"], state["admin_group_facilitator"]
    if state["admin_group_kind"] == "circle":
        return circles.create_circle(db, user, name, first_member_id=first_id)
    return groups.create_group(db, user, name, facilitator_id=first_id)


with st.form("admin_create_group"):
    group_name_col, facilitator_col = st.columns(2)
    group_name_col.text_input("Group name", key="admin_group_name", max_chars=groups.MAX_GROUP_NAME_CHARS)
    group_name_col.radio("Kind", ["plc", "circle"], horizontal=True, key="admin_group_kind",
                         format_func={"plc": "PLC group", "circle": "Peer circle"}.get)
    facilitator_col.selectbox(
        "Facilitator (a circle's first member)", list(active_accounts), key="admin_group_facilitator",
        format_func=lambda account_id: f"{active_accounts[account_id].display_name} ({active_accounts[account_id].username})",
    )
    st.form_submit_button("Create group", on_click=act, args=(
        create_group, lambda created: f"Created the group “{ui.escape(created.name)}”.", ("admin_group_name",)))

for group in groups.list_groups(db, user):
    members = groups.list_members(db, user, group.id)
    facilitators = ", ".join(ui.escape(m.display_name) for m in members if m.role == "facilitator") or "none"
    led = "peer circle" if group.is_circle else f"facilitated by {facilitators}"
    with st.expander(f"{ui.escape(group.name)} · {len(members)} member{'s' if len(members) != 1 else ''} · {led}"):
        if st.button("Delete group", key=f"admin_delete_group_{group.id}"):
            state[CONFIRM_GROUP_KEY] = group.id
        if state.get(CONFIRM_GROUP_KEY) == group.id:
            st.warning("Delete this group with all its debriefs, notes, action items and group shares? This cannot be undone.")

            def delete_group(group_id: int = group.id) -> None:
                groups.delete_group(db, user, group_id)
                state.pop(CONFIRM_GROUP_KEY, None)

            st.button("Yes, delete it", key=f"admin_delete_group_confirm_{group.id}", type="primary", on_click=act,
                      args=(delete_group, f"Deleted the group “{ui.escape(group.name)}”."))

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
        # Not a callback: the progress bar is drawn here while the entries are checked.
        bar = st.progress(0.0, text="Re-checking…")
        act(lambda: journal.reanalyse_stale_entries(
                db, progress=lambda finished, total: bar.progress(finished / total,
                                                                  text=f"Re-checked {finished:,} of {total:,}")),
            lambda done: f"Re-checked {done:,} entr{'y' if done == 1 else 'ies'} with rules version "
                         f"{language.RULES_VERSION}.")
        st.rerun()
