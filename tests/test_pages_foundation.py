"""Page tests with Streamlit's AppTest: first run, sign-in, write, search, edit, delete."""

from datetime import date

from apptest_text import texts

from reflection import accounts, config, journal, setup_code


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_first_run_creates_the_admin_with_the_setup_code_and_signs_in(app_test, db):
    at = app_test()
    at.run()
    assert "Welcome to Reflection" in texts(at.title)
    at.text_input(key="first_run_username").input("principal")
    at.text_input(key="first_run_display_name").input("Dr. Okafor")
    at.text_input(key="first_run_password").input("a long password")
    at.text_input(key="first_run_confirm").input("a long password")
    button(at, "Create admin account").click().run()
    assert "setup code is not right" in texts(at.error)
    assert accounts.needs_first_admin(db)
    at.text_input(key="first_run_code").input(setup_code.display(setup_code.issue()))
    at.text_input(key="first_run_password").input("a long password")
    at.text_input(key="first_run_confirm").input("a long password")
    button(at, "Create admin account").click().run()
    assert not at.exception
    assert accounts.find_user(db, "principal").role == "admin"
    assert "Write" in texts(at.title)


def test_first_run_with_mismatched_passwords_creates_nothing(app_test, db):
    at = app_test()
    at.run()
    at.text_input(key="first_run_username").input("principal")
    at.text_input(key="first_run_password").input("a long password")
    at.text_input(key="first_run_confirm").input("another password")
    button(at, "Create admin account").click().run()
    assert "differ" in texts(at.error)
    assert accounts.needs_first_admin(db)


def test_sign_in_with_wrong_then_right_password(app_test, make_user, password):
    user = make_user()
    at = app_test()
    at.run()
    at.text_input(key="sign_in_username").input(user.username)
    at.text_input(key="sign_in_password").input("wrong password")
    button(at, "Sign in").click().run()
    assert texts(at.error) == "Wrong username or password."
    at.text_input(key="sign_in_password").input(password)
    button(at, "Sign in").click().run()
    assert "Write" in texts(at.title)
    button(at, "Sign out").click().run()
    assert "Reflection" in texts(at.title) and at.text_input(key="sign_in_username")


def test_write_and_save_an_entry(app_test, make_user, db):
    user = make_user()
    at = app_test(user)
    at.run()
    at.text_input(key="write_title").input("Exit tickets")
    at.text_input(key="write_class_period").input("Period 2")
    at.text_area(key="write_body").input("Students explained their thinking in pairs.")
    at.text_input(key="write_tags").input("pairs, exit tickets")
    at.selectbox(key="write_mood").set_value(4)
    at.button(key="write_save").click().run()
    assert not at.exception
    assert "Saved “Exit tickets”" in texts(at.success)
    page = journal.list_entries(db, user)
    assert page.total == 1 and page.entries[0].class_period == "Period 2" and page.entries[0].mood == 4
    assert sorted(page.entries[0].tags) == ["exit tickets", "pairs"]
    assert at.text_area(key="write_body").value == ""


def test_empty_entry_is_refused_and_nothing_saved(app_test, make_user, db):
    user = make_user()
    at = app_test(user)
    at.run()
    at.button(key="write_save").click().run()
    assert "empty" in texts(at.error)
    assert journal.list_entries(db, user).total == 0


def test_overlong_entry_is_refused_and_the_text_stays_in_the_form(app_test, make_user, db):
    user = make_user()
    long_text = "word " * (config.MAX_ENTRY_CHARS // 5 + 1)
    at = app_test(user)
    at.run()
    at.text_area(key="write_body").input(long_text).run()
    at.button(key="write_save").click().run()
    assert "limit is 50,000" in texts(at.error)
    assert at.text_area(key="write_body").value == long_text
    assert journal.list_entries(db, user).total == 0


def test_draft_survives_sign_out_and_sign_in(app_test, make_user):
    user = make_user()
    at = app_test(user)
    at.run()
    at.text_area(key="write_body").input("Half-finished thought about seating").run()
    fresh = app_test(user)
    fresh.run()
    assert fresh.text_area(key="write_body").value == "Half-finished thought about seating"
    assert "draft is back" in texts(fresh.success)


def test_a_draft_with_nothing_typed_does_not_claim_to_be_back(app_test, make_user):
    user = make_user()
    at = app_test(user)
    at.run()
    at.selectbox(key="write_mood").select(4).run()  # stores a draft, but no words
    fresh = app_test(user)
    fresh.run()
    assert fresh.text_area(key="write_body").value == ""
    assert "draft is back" not in texts(fresh.success)


def open_journal(app_test, user):
    at = app_test(user)
    at.run()
    at.switch_page("views/journal.py").run()
    return at


def test_search_finds_and_highlights_own_entries(app_test, make_user, db):
    user = make_user()
    journal.create_entry(db, user, journal.EntryDraft(body="We built a number line on the floor.", title="Floor number line"))
    journal.create_entry(db, user, journal.EntryDraft(body="Poetry circle.", title="Poems"))
    at = open_journal(app_test, user)
    assert "2 entries" in texts(at.caption)
    at.text_input(key="journal_query").input("number").run()
    shown = texts(at.markdown)
    assert "1 matching entry" in texts(at.caption)
    assert "**Floor **number** line**" in shown or "**number**" in shown
    assert "Poems" not in shown


def test_edit_an_entry_from_the_journal(app_test, make_user, db):
    user = make_user()
    entry = journal.create_entry(db, user, journal.EntryDraft(body="First version.", title="Draft title", taught_on=date(2026, 2, 3)))
    at = open_journal(app_test, user)
    at.button(key=f"journal_open_{entry.id}").click().run()
    at.button(key="journal_edit").click().run()
    at.text_area(key="journal_edit_body").input("Second version, with more detail.")
    at.button(key="journal_edit_save").click().run()
    assert not at.exception
    assert "Changes saved." in texts(at.success)
    assert journal.get_entry(db, user, entry.id).body == "Second version, with more detail."


def test_delete_asks_for_confirmation(app_test, make_user, db):
    user = make_user()
    entry = journal.create_entry(db, user, journal.EntryDraft(body="Short-lived entry."))
    at = open_journal(app_test, user)
    at.button(key=f"journal_open_{entry.id}").click().run()
    at.button(key="journal_delete").click().run()
    assert "cannot be undone" in texts(at.warning)
    at.button(key="journal_delete_cancel").click().run()
    assert journal.list_entries(db, user).total == 1
    at.button(key="journal_delete").click().run()
    at.button(key="journal_delete_confirm").click().run()
    assert "Entry deleted." in texts(at.success)
    assert journal.list_entries(db, user).total == 0


def test_markup_in_entries_is_shown_as_text(app_test, make_user, db):
    user = make_user()
    entry = journal.create_entry(db, user, journal.EntryDraft(body="<script>alert('x')</script> **bold** [link](javascript:alert(1))"))
    at = open_journal(app_test, user)
    at.button(key=f"journal_open_{entry.id}").click().run()
    # The whole body is plain text (st.text), exactly as typed; no markdown element carries it.
    assert [t.value for t in at.text] == [entry.body]
    assert not [m.value for m in at.markdown if "script" in m.value or "bold" in m.value]


def test_the_counter_warns_when_normalising_the_text_pushes_it_over_the_limit(app_test, make_user, db):
    user = make_user()
    # U+FB2C has no composed form: NFC turns each into three characters, so 50,000 typed become 50,010.
    text = "a" * (config.MAX_ENTRY_CHARS - 5) + "\ufb2c" * 5
    at = app_test(user)
    at.run()
    at.text_area(key="write_body").input(text).run()
    assert "50,010 characters once saved" in texts(at.warning) and "over the 50,000 limit" in texts(at.warning)
    at.button(key="write_save").click().run()
    assert "limit is 50,000" in texts(at.error)
    assert at.text_area(key="write_body").value == text
    assert journal.list_entries(db, user).total == 0


def edit_in_journal(app_test, user, entry_id):
    """A tab of its own with the entry open in the Journal's edit form."""
    at = open_journal(app_test, user)
    at.button(key=f"journal_open_{entry_id}").click().run()
    at.button(key="journal_edit").click().run()
    return at


def save_edit(at, body: str) -> None:
    at.text_area(key="journal_edit_body").input(body)
    at.button(key="journal_edit_save").click().run()


def test_two_tabs_editing_one_entry_the_later_save_is_refused_and_both_versions_are_kept(app_test, make_user, db):
    user = make_user()
    entry = journal.create_entry(db, user, journal.EntryDraft(body="First version.", title="Field trip"))
    first, second = [edit_in_journal(app_test, user, entry.id) for _ in range(2)]
    save_edit(first, "The first tab's version.")
    save_edit(second, "The second tab's version.")

    assert not second.exception
    assert "changed in another tab" in texts(second.error)
    assert second.text_area(key="journal_edit_body").value == "The second tab's version."  # nothing typed is lost
    assert journal.get_entry(db, user, entry.id).body == "The first tab's version."
    second.button(key="journal_conflict_keep").click().run()
    assert "saved as a new entry" in texts(second.success)
    assert sorted(e.body for e in journal.list_entries(db, user).entries) == [
        "The first tab's version.", "The second tab's version.",
    ]


def test_after_a_conflict_the_saved_version_can_be_loaded_instead(app_test, make_user, db):
    user = make_user()
    entry = journal.create_entry(db, user, journal.EntryDraft(body="First version."))
    at = edit_in_journal(app_test, user, entry.id)
    journal.update_entry(db, user, entry.id, journal.EntryDraft(body="Saved from my phone."), revision=entry.revision)
    save_edit(at, "Typed on the laptop.")
    assert "changed in another tab" in texts(at.error)
    at.button(key="journal_conflict_discard").click().run()
    assert at.text_area(key="journal_edit_body").value == "Saved from my phone."
    save_edit(at, "Saved from my phone, then edited on the laptop.")
    assert "Changes saved." in texts(at.success)
    assert journal.list_entries(db, user).total == 1


def test_an_entry_deleted_in_another_tab_keeps_this_tabs_edit_in_the_form(app_test, make_user, db):
    user = make_user()
    entry = journal.create_entry(db, user, journal.EntryDraft(body="Soon deleted elsewhere."))
    at = edit_in_journal(app_test, user, entry.id)
    at.text_area(key="journal_edit_body").input("My careful edit.")
    journal.delete_entry(db, user, entry.id)
    at.run()
    assert "deleted in another tab" in texts(at.error)
    assert at.text_area(key="journal_edit_body").value == "My careful edit."
    at.button(key="journal_conflict_keep").click().run()
    assert [e.body for e in journal.list_entries(db, user).entries] == ["My careful edit."]
