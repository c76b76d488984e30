"""Reliability under faults and load: concurrent writers, a writer killed mid-transaction, a full disk,
a read-only database and a held write lock. Every write goes through the app's own storage path.

Notes on simulating faults (tests run as root in CI, where chmod 0444 does not stop writes):
- a full disk is `PRAGMA max_page_count` pinned to the current size: SQLite then fails exactly as on a
  full disk, with SQLITE_FULL "database or disk is full";
- a read-only database is `PRAGMA query_only = ON` on the connection, or a `file:...?mode=ro` URI; both
  fail with SQLITE_READONLY "attempt to write a readonly database", the error SQLite gives when it
  falls back to read-only on a file it may not write.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
from datetime import date

import pytest
from sqlite_utils import Database

from reflection import accounts, db as database, debriefs, journal, text_cleaning
from reflection.errors import ReflectionError

WRITERS = 8
ENTRIES_PER_WRITER = 500
SPAWN = multiprocessing.get_context("spawn")


def fts_index_ok(connection: Database) -> bool:
    """FTS5's own check that the search index matches the entries table."""
    try:
        connection.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    return True


def entry_count(connection: Database, user: accounts.User | None = None) -> int:
    if user is None:
        return connection.execute("SELECT count(*) FROM entries").fetchone()[0]
    return connection.execute("SELECT count(*) FROM entries WHERE author_id = ?", [user.id]).fetchone()[0]


def entries_missing_tags(connection: Database) -> int:
    return connection.execute(
        "SELECT count(*) FROM entries WHERE id NOT IN (SELECT entry_id FROM entry_tags)"
    ).fetchone()[0]


# --- many writers at once -----------------------------------------------------------------------

WRITER_BODY = "Writer {worker}, entry {number}: pairs explained fractions with paper strips."


def write_entries(db_path: str, user_id: int, worker: int, count: int, analysis, start, results) -> None:
    """Child process: wait for every writer, then save `count` tagged entries through create_entry.

    With `analysis` given, the checker is skipped and that (real, precomputed) analysis is stored
    with every entry, as bulk imports do. Without it, the live spaCy checker runs for every entry.
    """
    connection = database.connect(db_path)
    user = accounts.get_user(connection, user_id)
    if analysis is None:
        journal.language.analyse("Warm-up, so the model has loaded before the race starts.")
    start.wait(timeout=300)
    saved, errors = [], []
    for number in range(count):
        draft = journal.EntryDraft(
            title=f"w{worker}-n{number}",
            body=WRITER_BODY.format(worker=worker, number=number),
            tags=[f"writer-{worker}", "load"],
        )
        try:
            saved.append(journal.create_entry(connection, user, draft, analysis=analysis).id)
        except Exception as error:  # reported to the parent, which fails the test with it
            errors.append(f"{type(error).__name__}: {error}")
    results.put((worker, saved, errors))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("checker", "entries_per_writer"),
    # 8 x 500 with the live checker takes ~3 minutes on 2 cores (spaCy, not storage): the full load
    # runs with a precomputed analysis, and a shorter run keeps the checker in the loop.
    [("precomputed-analysis", ENTRIES_PER_WRITER), ("live-checker", 40)],
)
def test_eight_concurrent_writers_lose_nothing(db_path, db, make_user, checker, entries_per_writer):
    users = [make_user() for _ in range(WRITERS)]
    analysis = journal.language.analyse(WRITER_BODY) if checker == "precomputed-analysis" else None
    start = SPAWN.Barrier(WRITERS)
    results = SPAWN.Queue()
    writers = [
        SPAWN.Process(
            target=write_entries,
            args=(str(db_path), user.id, worker, entries_per_writer, analysis, start, results),
        )
        for worker, user in enumerate(users)
    ]
    for process in writers:
        process.start()
    outcomes = [results.get(timeout=600) for _ in writers]
    for process in writers:
        process.join(timeout=60)
        assert process.exitcode == 0

    errors = [error for _, _, worker_errors in outcomes for error in worker_errors]
    assert errors == [], f"{len(errors)} writes failed, first: {errors[:3]}"
    assert entry_count(db) == WRITERS * entries_per_writer
    for worker, saved_ids, _ in outcomes:
        assert len(set(saved_ids)) == entries_per_writer
        titles = {row[0] for row in db.execute("SELECT title FROM entries WHERE author_id = ?", [users[worker].id])}
        assert titles == {f"w{worker}-n{number}" for number in range(entries_per_writer)}
        assert journal.user_tags(db, users[worker]) == [("load", entries_per_writer), (f"writer-{worker}", entries_per_writer)]
    assert entries_missing_tags(db) == 0
    assert database.integrity_ok(db) and fts_index_ok(db)


# --- a writer killed in the middle of a transaction ---------------------------------------------


def write_then_hang_before_tags(db_path: str, user_id: int, body: str, ready) -> None:
    """Child process: save a tagged entry, but stop for good just before its tags are written.

    At that point the entry row (and its search index rows) are written inside the open transaction.
    A tiny page cache makes SQLite spill those uncommitted pages into the WAL file before commit.
    """
    connection = database.connect(db_path)
    connection.execute("PRAGMA cache_size = 2")
    user = accounts.get_user(connection, user_id)

    def hang_at_tags(statement: str) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ENTRY_TAGS"):
            ready.set()
            time.sleep(600)

    connection.conn.set_trace_callback(hang_at_tags)
    journal.create_entry(connection, user, journal.EntryDraft(body=body, title="Killed mid-write", tags=["half"]))


@pytest.mark.slow
@pytest.mark.parametrize(
    "body",
    [
        "Short entry written when the power went out.",
        " ".join(f"Long entry word{number} about fractions, groups and exit tickets." for number in range(4_000))[:49_000],
    ],
    ids=["short-entry", "long-entry-spilling-to-wal"],
)
def test_writer_killed_mid_transaction_leaves_no_partial_entry(db_path, db, make_user, body):
    user = make_user()
    journal.create_entry(db, user, journal.EntryDraft(body="Saved before the crash.", tags=["kept"]))
    ready = SPAWN.Event()
    writer = SPAWN.Process(target=write_then_hang_before_tags, args=(str(db_path), user.id, body, ready))
    writer.start()
    try:
        assert ready.wait(timeout=120), "the writer never reached its tag insert"
        assert entry_count(db, user) == 1, "an uncommitted entry must not be visible to others"
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(timeout=30)
    finally:
        if writer.is_alive():
            writer.kill()
    assert writer.exitcode == -signal.SIGKILL

    after = database.connect(db_path)
    try:
        assert database.integrity_ok(after) and fts_index_ok(after)
        assert [entry.title for entry in journal.list_entries(after, user).entries] == [""]
        assert entries_missing_tags(after) == 0
        assert journal.search_entries(after, user, "killed") == []
        # The dead writer's lock is gone: the next write goes through at once.
        journal.create_entry(after, user, journal.EntryDraft(body="Written after the crash.", tags=["after"]))
        assert entry_count(after, user) == 2
    finally:
        after.close()


# --- full disk, read-only file, held lock: clear messages and nothing half-written ---------------


def fill_the_disk(connection: Database) -> None:
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")


def make_read_only(connection: Database) -> None:
    connection.execute("PRAGMA query_only = ON")


STORAGE_FAULTS = {
    "disk-full": (fill_the_disk, "disk is full"),
    "read-only": (make_read_only, "read-only"),
}
# Big enough to need new pages (overflow and index pages), so a pinned page count is really full.
LONG_TEXT = "We tried a gallery walk with sticky-note feedback and it went well. " * 120


@pytest.mark.parametrize("fault", STORAGE_FAULTS, ids=list(STORAGE_FAULTS))
def test_storage_fault_gives_a_clear_message_and_saves_nothing(db, make_user, fault):
    user = make_user()
    break_storage, message_part = STORAGE_FAULTS[fault]
    break_storage(db)
    with pytest.raises(database.StorageError) as raised:
        journal.create_entry(db, user, journal.EntryDraft(body=LONG_TEXT, tags=["walk"]))
    assert message_part in str(raised.value)
    assert "still in the form" in str(raised.value)
    assert isinstance(raised.value.__cause__, sqlite3.Error)
    assert entry_count(db, user) == 0
    assert entries_missing_tags(db) == 0
    assert database.integrity_ok(db)


def test_disk_filling_up_at_any_point_of_a_save_leaves_all_or_nothing(db, make_user):
    """Grow the allowed size page by page: each save either fails whole or succeeds whole."""
    user = make_user()
    db.execute("VACUUM")  # migrations that rebuild a table leave free pages a first save could use
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    refused = 0
    for extra_pages in range(1, 40):
        db.execute(f"PRAGMA max_page_count = {pages + extra_pages}")
        many_tags = [f"tag number {number} " + "x" * 20 for number in range(text_cleaning.MAX_TAGS)]
        try:
            journal.create_entry(db, user, journal.EntryDraft(body=LONG_TEXT, tags=many_tags))
        except database.StorageError:
            assert entry_count(db, user) == 0 and entries_missing_tags(db) == 0
            refused += 1
            continue
        break
    assert refused > 0
    assert entry_count(db, user) == 1 and entries_missing_tags(db) == 0
    assert database.integrity_ok(db) and fts_index_ok(db)


def test_a_file_opened_read_only_refuses_writes_with_a_clear_message(db_path, db, make_user):
    user = make_user()
    read_only = Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None))
    try:
        with pytest.raises(database.StorageError, match="read-only"):
            journal.create_entry(read_only, user, journal.EntryDraft(body="Nothing can be saved here."))
    finally:
        read_only.conn.close()
    assert entry_count(db, user) == 0


def test_a_write_lock_held_past_the_busy_timeout_says_try_again(db_path, db, make_user):
    user = make_user()
    holder = sqlite3.connect(str(db_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA busy_timeout = 200")  # the app waits 10 s; the test need not
    try:
        with pytest.raises(database.StorageError, match="try again"):
            journal.create_entry(db, user, journal.EntryDraft(body="Waiting for the lock."))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    journal.create_entry(db, user, journal.EntryDraft(body="Saved once the lock is free."))
    assert entry_count(db, user) == 1


@pytest.mark.parametrize(
    "error_text",
    [
        "database or disk is full",
        "attempt to write a readonly database",
        "database is locked",
        "unable to open database file",
        "disk I/O error",
    ],
)
def test_every_known_storage_failure_is_explained_in_plain_words(error_text):
    explained = database.explain_storage_error(sqlite3.OperationalError(error_text))
    assert isinstance(explained, database.StorageError) and isinstance(explained, ReflectionError)
    message = str(explained)
    assert message.endswith(".") and "sqlite" not in message.lower() and error_text not in message


def test_a_programming_error_is_not_disguised_as_a_storage_problem():
    assert database.explain_storage_error(sqlite3.OperationalError("no such table: entriez")) is None


# --- the Write page under the same faults -------------------------------------------------------


def page_connection(at) -> Database:
    """The connection the running page holds for this session (views/_common.db)."""
    return at.session_state["_db_connection"][1]


@pytest.mark.parametrize("fault", STORAGE_FAULTS, ids=list(STORAGE_FAULTS))
def test_write_page_keeps_the_text_and_explains_a_storage_fault(app_test, db, make_user, fault):
    user = make_user()
    break_storage, message_part = STORAGE_FAULTS[fault]
    at = app_test(user)
    at.run()
    break_storage(page_connection(at))
    at.text_input(key="write_title").input("Gallery walk")
    at.text_area(key="write_body").input(LONG_TEXT).run()
    at.button(key="write_save").click().run()

    assert not at.exception
    errors = "\n".join(element.value for element in at.error)
    assert message_part in errors and "still in the form" in errors
    assert at.text_area(key="write_body").value == LONG_TEXT
    assert at.text_input(key="write_title").value == "Gallery walk"
    assert entry_count(db, user) == 0
    assert journal.list_entries(db, user, journal.EntryFilter(date_from=date.today())).total == 0



# --- comments, debrief notes and signing in under the same faults ---------------------------------

COMMENT = "Could you say more about how the pairs chose their strategies?"


@pytest.fixture
def conversation(db, make_user):
    """A teacher's share with a coach, and an open debrief in their PLC group."""
    from reflection import groups, prompts, sharing

    admin, teacher, coach = make_user("admin"), make_user(), make_user("coach")
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body="Pairs explained fractions with strips."))
    share = sharing.share_entry(db, teacher, entry.id, coach_id=coach.id)
    group = groups.create_group(db, admin, "Maths PLC", facilitator_id=teacher.id)
    groups.add_member(db, teacher, group.id, coach.username)
    debrief = debriefs.start_debrief(db, teacher, group.id, prompts.load_library().get("tuning"), "Strips", coach.id)
    return coach, share, debrief


def opened(at, page: str, *clicks: str):
    at.switch_page(page).run()
    for key in clicks:
        at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


# (page, buttons that open the thread or debrief, text box, button that writes, rows it writes)
MESSAGE_WRITES = {
    "comment": ("views/coaching.py", "coaching_open_{share}", "coaching_received_comment_body_{share}",
                "coaching_received_comment_add_{share}", "SELECT count(*) FROM comments"),
    "debrief-note": ("views/debriefs.py", "debriefs_open_{debrief}", "debriefs_note_body", "debriefs_add_note",
                     "SELECT count(*) FROM debrief_notes"),
}


@pytest.mark.parametrize("fault", STORAGE_FAULTS, ids=list(STORAGE_FAULTS))
@pytest.mark.parametrize("write", MESSAGE_WRITES, ids=list(MESSAGE_WRITES))
def test_comment_and_note_writes_keep_the_text_and_explain_a_storage_fault(app_test, db, conversation, fault, write):
    coach, share, debrief = conversation
    page, open_key, box_key, add_key, count_sql = (
        part.format(share=share.id, debrief=debrief.id) for part in MESSAGE_WRITES[write])
    break_storage, message_part = STORAGE_FAULTS[fault]
    at = app_test(coach)
    at.run()
    opened(at, page, open_key)
    break_storage(page_connection(at))
    at.text_area(key=box_key).input(COMMENT + " " + LONG_TEXT).run()
    at.button(key=add_key).click().run()

    assert not at.exception, at.exception
    errors = "\n".join(element.value for element in at.error)
    assert message_part in errors and "still in the form" in errors
    assert at.text_area(key=box_key).value == COMMENT + " " + LONG_TEXT
    assert db.execute(count_sql).fetchone()[0] == 0


@pytest.mark.parametrize("fault", STORAGE_FAULTS, ids=list(STORAGE_FAULTS))
def test_signing_in_works_while_the_database_cannot_be_written(app_test, db, make_user, password, fault):
    user = make_user()
    journal.create_entry(db, user, journal.EntryDraft(body="Written before the disk filled up."))
    break_storage, _ = STORAGE_FAULTS[fault]
    at = app_test()
    at.run()
    break_storage(page_connection(at))
    at.text_input(key="sign_in_username").input(user.username)
    at.text_input(key="sign_in_password").input("not the password")
    at.get("form_submit_button")[0].click().run()
    assert [element.value for element in at.error] == ["Wrong username or password."]
    at.text_input(key="sign_in_password").input(password)
    at.get("form_submit_button")[0].click().run()

    assert not at.exception, at.exception
    assert "Write" in [element.value for element in at.title]
    opened(at, "views/journal.py")
    assert any("Written before the disk filled up" in element.value for element in at.markdown) or \
        journal.list_entries(db, user).total == 1
    at.run()  # the next run resumes the session it opened
    assert "Journal" in [element.value for element in at.title]


def test_a_session_opened_while_the_disk_is_read_only_still_ends_when_the_account_changes(db_path, db, make_user,
                                                                                          password):
    from reflection import sessions
    from reflection.errors import SessionEnded

    admin, teacher = make_user("admin"), make_user()
    read_only = Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None))
    try:
        signed_in = accounts.authenticate(read_only, teacher.username, password)
        token = sessions.start(read_only, signed_in.id)
        assert sessions.resume(read_only, token).user_id == teacher.id
        accounts.set_active(db, admin, teacher.id, False)  # the disk takes writes again; the admin deactivates
        with pytest.raises(SessionEnded):
            sessions.resume(read_only, token)
    finally:
        read_only.conn.close()
