"""In a real browser: the first account on a new installation, and signing in."""

from __future__ import annotations

from reflection import accounts, db as database, journal

from browser_app import PASSWORD, StreamlitPage


def test_first_run_creates_the_admin_who_lands_on_write(page, fresh_server):
    app = StreamlitPage(page, fresh_server).open()
    app.expect_heading("Welcome to Reflection")
    app.fill("Username", "principal")
    app.fill("Your name", "Dr. Okafor")
    app.fill("Password", "a long password")
    app.fill("Password again", "a long password")
    app.button("Create admin account").click()

    app.expect_heading("Write")
    assert "Signed in as Dr. Okafor · admin" in app.sidebar.inner_text()
    assert app.nav_link("Admin").is_visible()
    connection = database.connect(fresh_server.db_path)
    try:
        assert accounts.count_users(connection) == 1
        assert accounts.find_user(connection, "principal").role == "admin"
    finally:
        connection.close()


def test_wrong_password_is_refused_then_the_right_one_signs_in(app, make_account):
    teacher = make_account("teacher", "Ms. Rivera")
    app.open()
    app.sign_in(teacher.username, "not the password")
    app.expect_text("Wrong username or password.")
    assert not app.heading("Write").is_visible()

    app.sign_in(teacher.username, PASSWORD)
    app.expect_heading("Write")
    assert "Signed in as Ms. Rivera · teacher" in app.sidebar.inner_text()
    assert app.nav_link("Admin").count() == 0


def test_deleting_an_account_signs_out_its_other_tab_which_never_shows_the_next_account(
    app_server, app_db, make_account, new_tab
):
    teacher = make_account("teacher", "Ms. Leaving")
    journal.create_entry(app_db, teacher, journal.EntryDraft(body="My own quiet notes.", title="Leaving notes"))
    tabs = [StreamlitPage(new_tab(), app_server) for _ in range(2)]
    for tab in tabs:
        tab.sign_in_to_write(teacher.username)
    deleting, other = tabs
    other.go_to("Journal")
    other.expect_text("Leaving notes")

    deleting.go_to("Account")
    confirmation = deleting.keyed("account_delete_confirmation").get_by_role("textbox")
    confirmation.fill(teacher.username)
    deleting.rerun_after(confirmation.blur)
    deleting.click_key("account_delete")
    deleting.textbox("Username").wait_for()
    # Someone new signs up at once; before ids were kept unique, they received the deleted account's id.
    newcomer = make_account("teacher", "Nadia Newcomer")
    journal.create_entry(app_db, newcomer, journal.EntryDraft(body="Nadia's private worries.", title="Nadia's notes"))
    assert newcomer.id > teacher.id

    other.nav_link("Write").click()
    other.textbox("Username").wait_for()
    other.wait_idle()
    other.expect_text("You were signed out")
    shown = other.page.locator("body").inner_text()
    assert "Nadia" not in shown and "Leaving notes" not in shown and "Signed in as" not in shown
