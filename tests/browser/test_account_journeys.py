"""In a real browser: the first account on a new installation, and signing in."""

from __future__ import annotations

from browser_app import PASSWORD, StreamlitPage

from reflection import accounts, db as database, journal


def setup_code_from_log(server) -> str:
    printed = [line for line in server.log_tail(200).splitlines() if "one-time setup code" in line]
    assert len(printed) == 1, "the server prints the setup code once, on start"
    return printed[0].rsplit(" ", 1)[-1]


def fill_first_run(app: StreamlitPage, code: str) -> None:
    app.fill("Setup code", code)
    app.fill("Username", "principal")
    app.fill("Your name", "Dr. Okafor")
    app.fill("Password", "a long password")
    app.fill("Password again", "a long password")


def test_a_fresh_install_refuses_the_first_admin_without_the_setup_code_from_the_servers_log(page, fresh_server):
    app = StreamlitPage(page, fresh_server).open()
    app.expect_heading("Welcome to Reflection")
    for wrong in ("", "ABCD-EFGH-JKLM-NPQR"):
        fill_first_run(app, wrong)
        app.button("Create admin account").click()
        app.expect_text("That setup code is not right.")
    connection = database.connect(fresh_server.db_path)
    try:
        assert accounts.needs_first_admin(connection)
        fill_first_run(app, setup_code_from_log(fresh_server))
        app.signing_in(app.button("Create admin account").click)
        app.expect_heading("Write")
        assert "Signed in as Dr. Okafor · admin" in app.sidebar.inner_text()
        assert app.nav_link("Admin").is_visible()
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

    app.signing_in(lambda: app.sign_in(teacher.username, PASSWORD))
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
    with deleting.page.expect_navigation():  # through the route that clears the cookie
        deleting.keyed("account_delete").get_by_role("button").click()
    deleting.textbox("Username").wait_for()
    deleting.expect_text("Your account and everything private in it were deleted.")  # it survived the reload
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


def test_no_page_asks_another_host_for_anything(app, make_account):
    """Schools run this offline or behind strict firewalls: the favicon and everything else come from the server."""
    teacher = make_account()
    elsewhere = []
    app.page.on("request", lambda request: elsewhere.append(request.url)
                if not request.url.startswith((app.server.url, "data:", "blob:")) else None)
    app.sign_in_to_write(teacher.username)
    for title in ("Journal", "Prompts", "Insights", "PLC debriefs", "Shared & coaching", "Account"):
        app.go_to(title)
    app.reload()
    assert app.page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href").startswith(
        ("./", "/", app.server.url, "data:"))
    assert elsewhere == []
