"""Page tests with AppTest: every rerun re-checks the tab's server-side session; an admin's reset holds the
account at "choose a new password"; changing your password signs your other tabs out."""

from datetime import timedelta

from apptest_text import texts

from reflection import account_deletion, accounts, journal, sessions
from views._common import SESSION_KEY


def sign_in(at, username: str, password: str) -> None:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()


def test_a_tab_whose_account_was_deleted_elsewhere_signs_out_and_never_shows_the_next_account(app_test, make_user, db):
    make_user("admin")
    leaving = make_user()
    tab = app_test(leaving)
    tab.run()
    tab.switch_page("views/journal.py").run()
    account_deletion.delete_account(db, leaving, leaving.username)
    newcomer = accounts.create_user(db, None, "newcomer", "Nadia Newcomer", "a newcomer's password", "teacher")
    journal.create_entry(db, newcomer, journal.EntryDraft(body="Nadia's private worries."))

    tab.run()
    assert not tab.exception
    assert "signed out" in texts(tab.info)
    assert tab.text_input(key="sign_in_username")
    shown = texts(tab.markdown) + texts(tab.title) + texts(tab.sidebar.markdown)
    assert "Nadia" not in shown and "worries" not in shown
    assert SESSION_KEY not in tab.session_state


def test_an_idle_tab_is_signed_out_with_the_reason(app_test, make_user, db):
    user = make_user()
    tab = app_test(user)
    tab.run()
    assert "Write" in texts(tab.title)
    nine_hours_ago = (sessions._now() - timedelta(hours=9)).isoformat(timespec="seconds")
    db.execute("UPDATE sessions SET last_seen_at = ?", [nine_hours_ago])
    tab.run()
    assert "after 8 hours without activity" in texts(tab.info)
    assert tab.text_input(key="sign_in_username")


def test_after_an_admin_reset_the_owner_must_choose_a_password_and_is_told_who_reset_it(app_test, make_user, db):
    admin, teacher = make_user("admin"), make_user()
    teachers_tab = app_test(teacher)
    teachers_tab.run()
    accounts.reset_password(db, admin, teacher.id, "temporary passphrase")
    teachers_tab.run()
    assert teachers_tab.text_input(key="sign_in_username")  # signed out at once

    sign_in(teachers_tab, teacher.username, "temporary passphrase")
    assert texts(teachers_tab.title) == "Choose a new password"
    assert f"reset by {admin.display_name}" in texts(teachers_tab.warning)
    teachers_tab.switch_page("views/journal.py").run()  # a deep link opens nothing else
    assert texts(teachers_tab.title) == "Choose a new password"
    assert "Journal" not in texts(teachers_tab.title)

    teachers_tab.text_input(key="choose_password_new").input("temporary passphrase")
    teachers_tab.text_input(key="choose_password_again").input("temporary passphrase")
    teachers_tab.button(key="FormSubmitter:choose_password-Save my new password").click().run()
    assert "of your own" in texts(teachers_tab.error)
    teachers_tab.text_input(key="choose_password_new").input("a passphrase only I know")
    teachers_tab.text_input(key="choose_password_again").input("a passphrase only I know")
    teachers_tab.button(key="FormSubmitter:choose_password-Save my new password").click().run()
    assert not teachers_tab.exception
    assert "Journal" in texts(teachers_tab.title)
    assert f"reset by {admin.display_name}" in texts(teachers_tab.warning)  # until dismissed
    teachers_tab.button(key="account_notices_dismiss").click().run()
    assert "reset by" not in texts(teachers_tab.warning)
    assert accounts.authenticate(db, teacher.username, "a passphrase only I know").id == teacher.id


def test_changing_your_password_keeps_this_tab_and_signs_out_the_others(app_test, make_user, password):
    user = make_user()
    other_tab = app_test(user)
    other_tab.run()
    this_tab = app_test(user)
    this_tab.run()
    this_tab.switch_page("views/account.py").run()
    this_tab.text_input(key="account_current_password").input(password)
    this_tab.text_input(key="account_new_password").input("a fresh passphrase")
    this_tab.text_input(key="account_new_password_again").input("a fresh passphrase")
    this_tab.button(key="FormSubmitter:change_password-Change password").click().run()
    assert "Password changed" in texts(this_tab.success)
    this_tab.run()
    assert "Account" in texts(this_tab.title)
    other_tab.run()
    assert other_tab.text_input(key="sign_in_username")
