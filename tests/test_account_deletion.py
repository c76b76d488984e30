"""Deleting an account: nothing private left in any table, in the full-text index or in the raw file;
group work stays with the group; the confirmation and the last-admin rule hold."""

from datetime import date

import pytest

from reflection import account_deletion, accounts, allowed_phrases, db as database, drafts, journal, prompt_store
from reflection.errors import InvalidInput, SignInFailed

# A word no dictionary has, so finding any trace of it (or of its stem) means private text survived.
SECRET = "Quibblethorpe"


@pytest.fixture
def departing(db, make_user, password):
    """A teacher with private data of every kind, plus group work and other people's data around it."""
    teacher, coach, colleague = make_user(), make_user("coach"), make_user()
    entry = journal.create_entry(db, teacher, journal.EntryDraft(
        body=f"Today {SECRET} struggled with fractions but kept trying.", title=f"{SECRET} notes",
        tags=[SECRET], taught_on=date(2025, 3, 3),
        prompt_answers=[{"title": "What happened?", "prompt": "What happened?", "answer": f"{SECRET} again"}]))
    share_id = db["shares"].insert({"entry_id": entry.id, "owner_id": teacher.id, "coach_id": coach.id,
                                    "title": SECRET, "body": entry.body, "created_at": "2025-03-04"}).last_pk
    db["comments"].insert({"share_id": share_id, "author_id": coach.id, "kind": "question",
                           "body": f"How is {SECRET} now?", "created_at": "2025-03-04"})
    colleague_entry = journal.create_entry(db, colleague, journal.EntryDraft(body="Colleague's private planning."))
    colleague_share = db["shares"].insert({"entry_id": colleague_entry.id, "owner_id": colleague.id,
                                           "coach_id": coach.id, "title": "Planning", "body": "Planning",
                                           "created_at": "2025-03-04"}).last_pk
    db["comments"].insert({"share_id": colleague_share, "author_id": teacher.id, "kind": "note",
                           "body": f"{SECRET} tip for you", "created_at": "2025-03-05"})
    allowed_phrases.allow_phrase(db, teacher, f"{SECRET} phrase")
    prompt_store.add_set(db, teacher, f"{SECRET} set", "What went well?")
    drafts.save_draft(db, teacher, {"body": f"{SECRET} draft"})
    with pytest.raises(SignInFailed):
        accounts.authenticate(db, teacher.username, "wrong password")

    db["groups"].insert({"id": 1, "name": "Maths PLC", "created_by": teacher.id, "created_at": "2025-01-01"})
    for member in (teacher, colleague):
        db["group_members"].insert({"group_id": 1, "user_id": member.id, "role": "member", "joined_at": "2025-01-01"})
    db["debriefs"].insert({"id": 1, "group_id": 1, "protocol": "tuning", "title": "Fractions",
                           "facilitator_id": colleague.id, "presenter_id": teacher.id, "started_at": "2025-03-01"})
    db["debrief_notes"].insert({"id": 1, "debrief_id": 1, "step_index": 0, "author_id": teacher.id,
                                "body": "Try fraction strips.", "created_at": "2025-03-01", "updated_at": "2025-03-01"})
    db["action_items"].insert({"id": 1, "debrief_id": 1, "text": "Share strips", "owner_id": teacher.id,
                               "created_by": teacher.id, "created_at": "2025-03-01"})
    return teacher, colleague


def rows_mentioning(db, user_id: int) -> dict[str, int]:
    """Rows in any table whose user-pointing column holds the id."""
    found = {}
    for table in db.table_names():
        columns = [column.name for column in db[table].columns
                   if column.name in ("user_id", "author_id", "owner_id", "coach_id", "created_by", "used_by",
                                      "facilitator_id", "presenter_id")]
        for column in columns:
            count = db.execute(f"SELECT count(*) FROM [{table}] WHERE [{column}] = ?", [user_id]).fetchone()[0]
            if count:
                found[f"{table}.{column}"] = count
    return found


def test_deletion_leaves_no_private_row_and_keeps_group_work(db, departing):
    teacher, colleague = departing
    account_deletion.delete_account(db, teacher, teacher.username)

    assert accounts.get_user(db, teacher.id) is None
    assert rows_mentioning(db, teacher.id) == {}
    for table in ("entries", "entry_tags", "shares", "comments", "allowed_phrases", "prompt_sets", "drafts"):
        texts = " ".join(str(value) for row in db[table].rows for value in row.values())
        assert SECRET.lower() not in texts.lower(), table
    assert db.execute("SELECT count(*) FROM sign_in_attempts WHERE username = ?", [teacher.username]).fetchone()[0] == 0
    note = db["debrief_notes"].get(1)
    assert (note["author_id"], note["body"]) == (None, "Try fraction strips.")
    item = db["action_items"].get(1)
    assert (item["owner_id"], item["created_by"], item["text"]) == (None, None, "Share strips")
    assert db["debriefs"].get(1)["presenter_id"] is None and db["groups"].get(1)["created_by"] is None
    # Everyone else's data is untouched, including their share to the coach (only the comment on it went).
    assert journal.search_entries(db, colleague, "planning")
    assert db.execute("SELECT count(*) FROM shares WHERE owner_id = ?", [colleague.id]).fetchone()[0] == 1


def test_no_token_of_the_text_remains_in_the_full_text_index(db, departing):
    teacher, _ = departing
    account_deletion.delete_account(db, teacher, teacher.username)
    assert db.execute("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH ?", [SECRET]).fetchone()[0] == 0
    db.execute("CREATE VIRTUAL TABLE temp.index_terms USING fts5vocab(main, entries_fts, row)")
    terms = [row[0] for row in db.execute("SELECT term FROM temp.index_terms")]
    assert terms and not [term for term in terms if term.startswith(SECRET.lower()[:10])]


def test_no_byte_of_the_text_remains_in_the_database_files(db, db_path, departing):
    teacher, _ = departing
    # Some SQLite builds (Debian's among them) default to secure_delete; deletion must not depend on it.
    db.execute("PRAGMA secure_delete = OFF")
    account_deletion.delete_account(db, teacher, teacher.username)
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 0  # the connection's setting is restored
    # The index keeps the stemmed, lower-case form ("quibblethorp"), so search for that prefix.
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        if path.exists():
            assert SECRET.lower()[:10].encode() not in path.read_bytes().lower(), path.name


def test_without_the_exact_username_nothing_is_deleted(db, departing):
    teacher, _ = departing
    for attempt in ("", "yes", teacher.username.upper(), f" {teacher.username}"):
        with pytest.raises(InvalidInput, match="type your username"):
            account_deletion.delete_account(db, teacher, attempt)
    assert accounts.get_user(db, teacher.id) is not None
    assert journal.search_entries(db, teacher, SECRET)


def test_the_last_active_admin_cannot_delete_their_account(db, make_user):
    admin = make_user("admin")
    with pytest.raises(InvalidInput, match="only active admin"):
        account_deletion.delete_account(db, admin, admin.username)
    assert accounts.get_user(db, admin.id) is not None
    make_user("admin")
    account_deletion.delete_account(db, admin, admin.username)
    assert accounts.get_user(db, admin.id) is None



# --- deletion while someone else reads, and text freed without zeroing ----------------------------


def traces_on_disk(db_path) -> list[str]:
    """The database files that still hold the secret (the index keeps its stem, "quibblethorp")."""
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    return [path.name for path in files if path.exists() and SECRET.lower()[:10].encode() in path.read_bytes().lower()]


def test_deletion_during_a_backup_says_it_is_not_complete_until_the_reader_is_done(db, db_path, departing):
    teacher, _ = departing
    backup = database.connect(db_path)
    backup.conn.execute("BEGIN")  # a reader on the old snapshot, as the online backup API is while it copies
    backup.execute("SELECT count(*) FROM entries").fetchone()
    try:
        report = account_deletion.delete_account(db, teacher, teacher.username, wait_seconds=0.5)
        assert not report.complete
        assert "backup" in report.message and "compact" in report.message
        assert accounts.get_user(db, teacher.id) is None  # the account itself is gone all the same
        assert traces_on_disk(db_path)  # so saying "complete" would have been false
    finally:
        backup.conn.execute("ROLLBACK")
        backup.conn.close()
    assert account_deletion.clear_deleted_text(db, wait_seconds=0.5)
    assert traces_on_disk(db_path) == []


def test_text_an_earlier_edit_freed_without_zeroing_is_gone_after_deletion(db, db_path, departing):
    teacher, _ = departing
    # An older release, or a build whose secure_delete is off, left freed pages as they were.
    db.execute("PRAGMA secure_delete = OFF")
    # Long texts, all rewritten: more freed pages than the deletion's own writes reuse. (Their analysis
    # plays no part here, so one short one is stored with each instead of checking 50,000 characters.)
    analysis = journal.language.analyse("A long story.")
    long_drafts = [journal.create_entry(db, teacher, journal.EntryDraft(body=f"{SECRET} wrote a long story. " * 1450),
                                        analysis=analysis) for _ in range(10)]
    for long_draft in long_drafts:
        journal.update_entry(db, teacher, long_draft.id, journal.EntryDraft(body="Rewritten without the name."))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert traces_on_disk(db_path) == ["reflection.db"]
    report = account_deletion.delete_account(db, teacher, teacher.username)
    assert report.complete and report.message == ""
    assert traces_on_disk(db_path) == []

