"""In a real browser: signing in lasts across reloads and tabs (an HttpOnly cookie), and ends everywhere at once
when it should (sign-out, an admin's reset, "Sign out of all devices")."""

from __future__ import annotations

from browser_app import PASSWORD, StreamlitPage

from reflection import accounts, sessions


def same_browser_tab(app: StreamlitPage) -> StreamlitPage:
    """Another tab of the same browser (it shares the cookie)."""
    return StreamlitPage(app.page.context.new_page(), app.server)


def expect_signed_out(tab: StreamlitPage, reason: str) -> None:
    tab.textbox("Username").wait_for()
    tab.expect_text(reason)
    assert "Signed in as" not in tab.page.locator("body").inner_text()


def test_a_reload_and_a_second_tab_stay_signed_in_and_no_page_script_sees_the_token(app, make_account):
    teacher = make_account("teacher", "Ms. Okoro")
    app.sign_in_to_write(teacher.username)
    cookie = next(c for c in app.page.context.cookies() if c["name"] == sessions.COOKIE_NAME)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert sessions.COOKIE_NAME not in app.page.evaluate("document.cookie")

    app.go_to("Journal")
    app.reload()
    app.expect_heading("Journal")  # the same page, still signed in
    assert "Signed in as Ms. Okoro · teacher" in app.sidebar.inner_text()

    second = same_browser_tab(app).open()
    second.expect_heading("Write")
    assert "Signed in as Ms. Okoro · teacher" in second.sidebar.inner_text()


def test_signing_out_in_one_tab_signs_out_the_other_and_a_reload_stays_out(app, make_account):
    teacher = make_account()
    app.sign_in_to_write(teacher.username)
    other = same_browser_tab(app).open()
    other.expect_heading("Write")

    app.sign_out()
    assert all(c["name"] != sessions.COOKIE_NAME for c in app.page.context.cookies())

    other.nav_link("Journal").click()
    expect_signed_out(other, "you signed out in another tab")
    other.reload()
    other.textbox("Username").wait_for()
    assert "Signed in as" not in other.page.locator("body").inner_text()


def test_an_admins_password_reset_ends_the_teachers_open_session(app_server, make_account, new_tab):
    admin = make_account("admin", "Head Admin")
    teacher = make_account("teacher", "Mr. Reset")
    teachers = StreamlitPage(new_tab(), app_server)
    teachers.sign_in_to_write(teacher.username)
    admins = StreamlitPage(new_tab(), app_server)
    admins.sign_in_to_write(admin.username)

    admins.go_to("Admin")
    admins.main.get_by_text(f"Mr. Reset · {teacher.username}").click()
    admins.keyed(f"admin_password_{teacher.id}").get_by_role("textbox").fill("a temporary passphrase")
    admins.click_key(f"admin_reset_{teacher.id}")
    admins.expect_text(f"Password of “{teacher.username}” reset and every session of the account ended")

    teachers.nav_link("Journal").click()
    expect_signed_out(teachers, "You were signed out")
    teachers.reload()
    teachers.textbox("Username").wait_for()
    assert "Signed in as" not in teachers.page.locator("body").inner_text()


def test_sign_out_of_all_devices_ends_the_session_on_another_browser_too(app_server, make_account, new_tab, app_db):
    teacher = make_account()
    phone, laptop = (StreamlitPage(new_tab(), app_server) for _ in range(2))
    phone.sign_in_to_write(teacher.username)
    laptop.sign_in_to_write(teacher.username)

    laptop.go_to("Account")
    with laptop.page.expect_navigation():
        laptop.keyed("account_sign_out_everywhere").get_by_role("button").click()
    laptop.textbox("Username").wait_for()
    assert app_db.execute("SELECT count(*) FROM sessions WHERE user_id = ?", [teacher.id]).fetchone()[0] == 0

    phone.reload()
    phone.textbox("Username").wait_for()
    assert "Signed in as" not in phone.page.locator("body").inner_text()


def test_changing_the_password_keeps_this_browser_signed_in_and_says_so_after_the_reload(app, make_account, app_db):
    teacher = make_account()
    app.sign_in_to_write(teacher.username)
    app.go_to("Account")
    app.fill("Current password", PASSWORD)
    app.fill("New password", "a fresher passphrase")
    app.fill("New password again", "a fresher passphrase")
    app.signing_in(app.button("Change password").click)
    app.expect_text("Password changed.")
    app.expect_heading("Account")
    app.reload()
    app.expect_heading("Account")
    assert "Password changed." not in app.main.inner_text()  # said once
    assert accounts.authenticate(app_db, teacher.username, "a fresher passphrase").id == teacher.id
