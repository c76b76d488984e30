"""Page tests with AppTest: the Insights page (empty, with data, coach view) and the Account page's
export, import and account deletion."""

from datetime import date

from apptest_text import texts

from reflection import accounts, export, journal
from views._common import SESSION_KEY


def open_page(app_test, user, page):
    at = app_test(user)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def charts(at) -> list:
    return at.get("vega_lite_chart")


def test_insights_without_entries_says_where_to_start(app_test, make_user):
    at = open_page(app_test, make_user(), "views/insights.py")
    assert "Write your first entry on the Write page" in texts(at.info)
    assert charts(at) == []
    assert "Entries shared with you" not in texts(at.header)  # teachers have no coach section


def test_insights_with_entries_shows_charts_metrics_and_on_this_day(app_test, make_user, db):
    teacher = make_user()
    today = date.today()
    earlier = today.replace(year=today.year - 4)  # exists even for 29 February
    journal.create_entry(db, teacher, journal.EntryDraft(
        body="Those kids are lazy.", title="A hard lesson", mood=2, tags=["behaviour"], taught_on=earlier))
    journal.create_entry(db, teacher, journal.EntryDraft(
        body="We tried think-pair-share and everyone talked.", mood=4, taught_on=today))

    at = open_page(app_test, teacher, "views/insights.py")

    assert not at.info
    # Entries per week, flags per 100 words, readability, mood, tags.
    assert len(charts(at)) == 5
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Entries with no flags"] == "50%" and metrics["Entries"] == "2"
    assert metrics["Weekly streak"] == "1 week"
    assert "On this day" in texts(at.subheader)
    [memory] = at.expander
    assert "4 years ago" in memory.label and "A hard lesson" in memory.label
    assert "Those kids are lazy" in texts(memory.text)


def test_coach_sees_trends_over_entries_shared_with_them(app_test, make_user, db):
    coach, teacher = make_user("coach"), make_user()
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body="Our group planned the unit together."))
    at = open_page(app_test, coach, "views/insights.py")
    assert "No one has shared an entry with you yet" in texts(at.info)

    db["shares"].insert({"entry_id": entry.id, "owner_id": teacher.id, "coach_id": coach.id, "title": "",
                         "body": entry.body, "created_at": f"{date.today().isoformat()}T09:00:00+00:00"})
    at = open_page(app_test, coach, "views/insights.py")
    assert "Entries shared with you" in texts(at.header)
    assert "No one has shared" not in texts(at.info)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Shared entries"] == "1" and metrics["Shared entries with no flags"] == "—"


def test_account_offers_the_three_exports(app_test, make_user):
    at = open_page(app_test, make_user(), "views/account.py")
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [chosen.label for chosen in export.FORMATS.values()]


def test_account_imports_an_uploaded_export(app_test, make_user, db):
    source, target = make_user(), make_user()
    journal.create_entry(db, source, journal.EntryDraft(body="Moved from the old server.", tags=["archive"]))
    at = open_page(app_test, target, "views/account.py")
    at.file_uploader(key="account_import_file").set_value(
        ("export.json", export.to_json(db, source).encode(), "application/json")).run()
    at.button(key="account_import").click().run()
    assert "Imported 1 entry." in texts(at.success)
    assert journal.list_entries(db, target).entries[0].tags == ["archive"]


def test_delete_with_the_wrong_confirmation_is_refused(app_test, make_user, db):
    teacher = make_user()
    at = open_page(app_test, teacher, "views/account.py")
    at.text_input(key="account_delete_confirmation").input("delete me")
    at.button(key="account_delete").click().run()
    assert "Nothing was deleted" in texts(at.error)
    assert accounts.get_user(db, teacher.id) is not None
    assert SESSION_KEY in at.session_state


def test_delete_with_the_username_deletes_and_signs_out(app_test, make_user, db):
    make_user("admin")  # someone stays, so the app is past its first-run setup
    teacher = make_user()
    journal.create_entry(db, teacher, journal.EntryDraft(body="Private thoughts."))
    at = open_page(app_test, teacher, "views/account.py")
    at.text_input(key="account_delete_confirmation").input(teacher.username)
    at.button(key="account_delete").click().run()
    assert not at.exception
    assert accounts.get_user(db, teacher.id) is None
    assert SESSION_KEY not in at.session_state
    # Signed out: the sign-in form replaces the account page.
    assert "Account" not in texts(at.title)
    assert at.text_input(key="sign_in_username")


def test_the_account_page_shows_the_username_as_typed(app_test, make_user):
    teacher = make_user(username="ms.rivera")
    at = open_page(app_test, teacher, "views/account.py")
    header = next(m.value for m in at.markdown if "username" in m.value)
    assert "username `ms.rivera`" in header  # not `ms\\.rivera`: a code span shows backslashes as typed


def test_a_deletion_held_up_by_a_backup_says_what_is_left_and_how_to_finish(app_test, make_user, db, db_path,
                                                                             monkeypatch):
    from reflection import account_deletion, db as database

    monkeypatch.setattr(account_deletion, "CLEAR_WAIT_SECONDS", 0.5)
    make_user("admin")
    teacher = make_user()
    journal.create_entry(db, teacher, journal.EntryDraft(body="Private thoughts."))
    at = open_page(app_test, teacher, "views/account.py")
    backup = database.connect(db_path)
    backup.conn.execute("BEGIN")  # reading an old snapshot, as a running backup does
    backup.execute("SELECT count(*) FROM entries").fetchone()
    try:
        at.text_input(key="account_delete_confirmation").input(teacher.username)
        at.button(key="account_delete").click().run()
    finally:
        backup.conn.execute("ROLLBACK")
        backup.conn.close()
    assert not at.exception
    assert accounts.get_user(db, teacher.id) is None and SESSION_KEY not in at.session_state
    assert "python -m reflection compact" in texts(at.warning)
