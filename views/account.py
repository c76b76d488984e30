"""Account: change password, manage the phrases you allowed the language check to skip, export or import
your data, and delete your account."""

import functools

import streamlit as st

from reflection import (
    account_deletion,
    accounts,
    allowed_phrases,
    audit,
    config,
    db as database,
    export,
    importing,
    sessions,
)
from reflection.errors import InvalidInput
from views import _common as ui

PAGE = "account"  # the page's widget keys and message slot
PASSWORD_KEYS = ("account_current_password", "account_new_password", "account_new_password_again")

user = ui.require_user()
db = ui.db()
act = functools.partial(ui.run_action, PAGE)
state = st.session_state

st.title("Account")
ui.show_messages(PAGE)
# Inside a code span markdown shows every character as typed, so escaping would show its backslashes;
# usernames are letters, digits, dots, dashes and underscores (accounts.USERNAME_PATTERN): never a backtick.
st.markdown(f"**{ui.escape(user.display_name)}** · username `{user.username}` · {user.role}")



def change_password() -> None:
    current, new, again = (state[key] for key in PASSWORD_KEYS)
    if new != again:
        raise InvalidInput("The two new passwords differ. Please type them again.")
    accounts.change_password(db, user, current, new)
    # The change ended every session of the account; this tab carries on in a new one, and says so.
    ui.sign_in(user, notice="password_changed")


st.subheader("Change password")
with st.form("change_password"):
    for key, label in zip(PASSWORD_KEYS, ("Current password", "New password", "New password again")):
        st.text_input(label, type="password", key=key)
    st.form_submit_button("Change password", on_click=act, args=(change_password, None, PASSWORD_KEYS))

history = audit.history(db, user)
if history:
    with st.expander("Password history"):
        for event in history:
            st.text(event.message)

st.subheader("Signed-in devices")
st.caption(
    "Signing in lasts on this browser until you sign out, or after "
    f"{sessions.describe(sessions.idle_timeout())} without activity. Left signed in on a shared laptop or a "
    "lost phone? End every session of your account here, this one included."
)


def sign_out_everywhere() -> None:
    accounts.sign_out_everywhere(db, user)
    ui.sign_out()


st.button("Sign out of all devices", key="account_sign_out_everywhere", on_click=act, args=(sign_out_everywhere, None))

st.subheader("Phrases you allowed")
st.caption("The language check skips these phrases in your writing. Remove one to have it checked again.")
phrases = [phrase for phrase in allowed_phrases.allowed_phrases(db, user)]
own = set(allowed_phrases.own_allowed_phrases(db, user))
if not phrases:
    st.write("None yet. On the Write page, “Allow this phrase for me” adds one here.")
for index, phrase in enumerate(phrases):
    phrase_col, remove_col = st.columns([5, 1])
    phrase_col.markdown(f"“{ui.escape(phrase)}”" + ("" if phrase in own else " · allowed by one of your groups"))
    if phrase in own:
        remove_col.button("Remove", key=f"account_disallow_{index}", on_click=act, args=(
            lambda p=phrase: allowed_phrases.disallow_phrase(db, user, p), f"“{ui.escape(phrase)}” is checked again."))

st.subheader("Export my data")
st.caption(
    "Download everything you wrote. The JSON file is complete (entries with their tags, prompt answers and "
    "language check, your shares and the comments on them, comments you wrote, allowed phrases, prompt sets) "
    "and can be imported into another Reflection account. Markdown is your journal as one readable document; "
    "CSV is a table of your entries for a spreadsheet."
)


def export_file(format_name: str):
    """The file is built only when its button is clicked, on a thread of its own with its own connection."""

    def build() -> str:
        connection = database.connect(config.database_path())
        try:
            return export.export(connection, user, format_name)
        finally:
            connection.close()

    return build


for column, chosen in zip(st.columns(len(export.FORMATS)), export.FORMATS.values()):
    column.download_button(
        chosen.label, export_file(chosen.name), file_name=chosen.file_name(user), mime=chosen.mime,
        key=f"account_export_{chosen.name}", on_click="ignore",
    )

st.markdown("**Import entries**")
st.caption(
    "Add the entries of a JSON export to this account, with their dates, tags and prompt answers. "
    "Entries already here (same time and text) are skipped, so importing a file twice adds nothing twice."
)
uploaded = st.file_uploader("JSON export", type=["json"], key="account_import_file",
                            max_upload_size=importing.MAX_IMPORT_BYTES // 2**20)
if uploaded is not None and st.button("Import these entries", key="account_import"):
    # Not a callback: the spinner shows here while each entry is checked.
    with st.spinner("Importing and checking each entry…"):
        act(lambda: importing.import_json(db, user, uploaded.getvalue()), lambda report: report.summary)
    st.rerun()

st.subheader("Delete my account")
st.warning(
    "This deletes your account and everything private in it for good: all your entries, your shares and the "
    "comments on them, comments you wrote, your draft, allowed phrases and prompt sets. Notes you wrote in "
    "group debriefs stay with the group, shown as by a former member. Export your data first if you want a copy."
)
st.text_input(f"Type your username `{account_deletion.confirmation_phrase(user)}` to confirm",
              key="account_delete_confirmation")


def delete_my_account() -> account_deletion.DeletionReport:
    report = account_deletion.delete_account(db, user, state["account_delete_confirmation"])
    ui.sign_out(notice="account_deleted" if report.complete else None)
    return report


if st.button("Delete my account for good", key="account_delete", type="primary"):
    # Not a callback: a deletion a backup held up is explained here, once, after signing out.
    report = act(delete_my_account, None)
    if report is not None and not report.complete:
        st.warning(report.message)  # the next click lands on the sign-in page
        st.stop()
    st.rerun()
