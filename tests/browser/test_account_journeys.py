"""In a real browser: the first account on a new installation, and signing in."""

from __future__ import annotations

from reflection import accounts, db as database

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
