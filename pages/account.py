"""Account: change password and manage the phrases you allowed the language check to skip."""

import streamlit as st

from pages import _common as ui
from reflection import accounts, journal
from reflection.errors import ReflectionError

user = ui.require_user()
db = ui.db()

st.title("Account")
st.markdown(f"**{ui.escape(user.display_name)}** · username `{ui.escape(user.username)}` · {user.role}")

st.subheader("Change password")
with st.form("change_password", clear_on_submit=True):
    current = st.text_input("Current password", type="password", key="account_current_password")
    new = st.text_input("New password", type="password", key="account_new_password")
    again = st.text_input("New password again", type="password", key="account_new_password_again")
    submitted = st.form_submit_button("Change password")
if submitted:
    if new != again:
        st.error("The two new passwords differ. Please type them again.")
    else:
        try:
            accounts.change_password(db, user, current, new)
            st.success("Password changed.")
        except ReflectionError as error:
            ui.show_error(error)

st.subheader("Phrases you allowed")
st.caption("The language check skips these phrases in your writing. Remove one to have it checked again.")
phrases = [phrase for phrase in journal.allowed_phrases(db, user)]
own = set(journal.own_allowed_phrases(db, user))
if not phrases:
    st.write("None yet. On the Write page, “Allow this phrase for me” adds one here.")
for index, phrase in enumerate(phrases):
    phrase_col, remove_col = st.columns([5, 1])
    phrase_col.markdown(f"“{ui.escape(phrase)}”" + ("" if phrase in own else " · allowed by one of your groups"))
    if phrase in own and remove_col.button("Remove", key=f"account_disallow_{index}"):
        journal.disallow_phrase(db, user, phrase)
        st.rerun()
