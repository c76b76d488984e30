"""Flows that used to trap people: tabs and panels that jumped or closed, an irreversible one-click close, a
due date that carried over, an admin reset that kept the password, sign-in messages that hid the reason,
and an open entry that lived outside the URL."""

from datetime import date

from apptest_text import texts

from reflection import accounts, debriefs, groups, journal


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def test_closing_a_debrief_asks_first_and_can_be_called_off(db, open_debrief):
    at, facilitator, debrief = open_debrief()
    click(at, "debriefs_close")
    assert debriefs.get_debrief(db, facilitator, debrief.id).is_open
    assert "cannot be undone" in texts(at.warning)
    click(at, "debriefs_close_cancel")
    assert debriefs.get_debrief(db, facilitator, debrief.id).is_open
    click(at, "debriefs_close")
    click(at, "debriefs_close_confirm")
    assert not debriefs.get_debrief(db, facilitator, debrief.id).is_open


def test_a_due_date_does_not_carry_over_to_the_next_action_item(db, open_debrief):
    at, facilitator, debrief = open_debrief()
    at.text_input(key="debriefs_item_text").input("Pilot the rubric")
    at.date_input(key="debriefs_item_due").set_value(date(2026, 12, 18))
    click(at, "debriefs_item_add")
    assert at.date_input(key="debriefs_item_due").value is None
    at.text_input(key="debriefs_item_text").input("Share the exemplars")
    click(at, "debriefs_item_add")
    due = {item.text: item.due_on for item in debriefs.list_action_items(db, facilitator, debrief.id)}
    assert due == {"Pilot the rubric": date(2026, 12, 18), "Share the exemplars": None}


def test_the_facilitator_tools_stay_open_after_an_action_inside_them(app_test, db, make_user):
    admin, facilitator, member = make_user("admin"), make_user(), make_user()
    groups.create_group(db, admin, "Science PLC", facilitator_id=facilitator.id)
    at = app_test(facilitator)
    at.switch_page("views/debriefs.py").run()
    at.session_state["debriefs_facilitator_tools"] = True  # the facilitator opened the panel
    at.run()
    at.text_input(key="debriefs_invite_username").input(member.username)
    click(at, "debriefs_invite")
    assert "Member added." in texts(at.success)
    assert at.session_state["debriefs_facilitator_tools"] is True
    tools = next(e for e in at.expander if e.label == "Facilitator tools")
    assert tools.proto.expanded


def test_sharing_keeps_the_share_tab_open(app_test, db, make_user):
    teacher, coach = make_user(), make_user("coach")
    journal.create_entry(db, teacher, journal.EntryDraft(body="Group work went better today."))
    at = app_test(teacher)
    at.switch_page("views/coaching.py").run()
    at.session_state["coaching_tab"] = "Share an entry"
    at.run()
    at.selectbox(key="coaching_share_coach").set_value(coach.id)
    click(at, "coaching_share_submit")
    assert "Shared." in texts(at.success)
    assert at.session_state["coaching_tab"] == "Share an entry"


def test_an_admin_reset_clears_the_password_field_and_takes_the_password_typed(app_test, db, make_user):
    admin, teacher = make_user("admin"), make_user()
    at = app_test(admin)
    at.switch_page("views/admin.py").run()
    at.text_input(key=f"admin_password_{teacher.id}").input("a fresh start 42")
    at.button(key=f"admin_reset_{teacher.id}").click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert "reset and every session of the account ended" in texts(at.success)
    assert at.text_input(key=f"admin_password_{teacher.id}").value == ""
    assert accounts.authenticate(db, teacher.username, "a fresh start 42").id == teacher.id


def sign_in(at, username: str, password: str):
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    return at


def test_a_deactivated_account_is_told_so_but_only_after_the_right_password(app_test, db, make_user, password):
    admin, teacher = make_user("admin"), make_user()
    accounts.set_active(db, admin, teacher.id, False)
    at = app_test()
    at.run()
    sign_in(at, teacher.username, "not the password")
    assert texts(at.error) == "Wrong username or password."
    sign_in(at, teacher.username, password)
    assert texts(at.error) == accounts.DEACTIVATED_MESSAGE


def test_deleting_my_account_says_it_is_done(app_test, db, make_user):
    make_user("admin")
    teacher = make_user()
    at = app_test(teacher)
    at.switch_page("views/account.py").run()
    at.text_input(key="account_delete_confirmation").input(teacher.username)
    click(at, "account_delete")
    assert "were deleted" in texts(at.info)
    assert at.text_input(key="sign_in_username")


def test_an_open_entry_lives_in_the_url_so_back_closes_it_and_a_link_opens_it(app_test, db, make_user):
    teacher = make_user()
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body="Exit tickets showed real progress."))
    at = app_test(teacher)
    at.switch_page("views/journal.py").run()
    click(at, f"journal_open_{entry.id}")
    assert at.query_params["entry"] == str(entry.id)
    assert "real progress" in texts(at.text)
    del at.query_params["entry"]  # what the browser's Back button does to the URL
    at.run()
    assert f"journal_open_{entry.id}" in {button.key for button in at.button}
    link = app_test(teacher)
    link.query_params["entry"] = entry.id
    link.switch_page("views/journal.py").run()
    assert "real progress" in texts(link.text) and link.button(key="journal_back")
