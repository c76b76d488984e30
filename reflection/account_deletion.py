"""Deleting an account and everything private in it, so that none of its text lingers in the file.

What goes: every entry (and with it its tags, its rows in the full-text index, its shares and the
comments on them), comments the person wrote anywhere, their draft, allowed phrases, personal prompt
sets, sign-in failures under their username, their sessions and account history, and the account
itself.

What stays: what belongs to a group, and what belongs to someone else. Debrief notes they wrote keep
their text with no author (the debrief shows "former member"), action items they owned or created lose
that person, and debriefs they facilitated or presented keep running. Entries teachers shared with a
deleted coach stay with those teachers, withdrawn, with their own replies. The schema's ON DELETE SET
NULL does this.

Deleting rows is not enough for privacy: SQLite leaves deleted text in free pages, FTS5 keeps deleted
tokens in index segments until they are merged, and the write-ahead log keeps old copies of pages.
So the deletion runs with `secure_delete` on (freed content is overwritten with zeros; every
connection sets it, see `db.connect`), merges the full-text index into fresh segments, then copies the
log into the file and empties it. Free pages can still hold text freed without zeroing (by an earlier
release, or a build whose default is off), so when there are any the file is rebuilt with VACUUM and
the log emptied again. A reader such as a running backup keeps the log from being emptied: the
deletion retries for a while and otherwise says it is not complete; `python -m reflection compact`
finishes it once the reader is done.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from sqlite_utils import Database

from . import accounts
from .accounts import User
from .db import utc_now, writing
from .errors import InvalidInput

# How long deletion keeps retrying to empty the log while another connection (a backup) reads it,
# and how long each try waits on that reader.
CLEAR_WAIT_SECONDS = 10.0
_CHECKPOINT_TRY_MS = 500

INCOMPLETE_MESSAGE = (
    "Your account and everything private in it are deleted, but copies of the deleted text are still in the "
    "database's files because another program (a backup) was reading them. Please ask your administrator to "
    "run “python -m reflection compact” once the backup has finished, which removes them."
)


@dataclass(frozen=True)
class DeletionReport:
    complete: bool  # no copy of the deleted text is left in the database or its log

    @property
    def message(self) -> str:
        return "" if self.complete else INCOMPLETE_MESSAGE

# Private rows of the account, in deletion order. Entries go first so the full-text index's delete
# trigger sees each one; foreign keys cascade the same deletions, but listing them makes the promise
# of this module checkable here rather than scattered over the schema.
_PRIVATE_ROWS = (
    ("comments", "author_id = :id"),
    ("entries", "author_id = :id"),
    ("shares", "owner_id = :id"),
    ("drafts", "user_id = :id"),
    ("allowed_phrases", "user_id = :id"),
    ("prompt_sets", "owner_id = :id"),
    ("sessions", "user_id = :id"),
    ("audit_log", "user_id = :id"),
    ("sign_in_attempts", "username = :username"),
    ("users", "id = :id"),
)


def confirmation_phrase(user: User) -> str:
    """What the person must type to confirm: their own username."""
    return user.username


def delete_account(db: Database, user: User, confirmation: str, *,
                   wait_seconds: float | None = None) -> DeletionReport:
    """Delete `user` and all their private data for good, in one transaction, then clear the text
    from the files; the report says whether that second part is complete.

    Refused unless `confirmation` is exactly their username, and for the last active admin, who
    must make another admin first so the installation stays manageable.
    """
    if confirmation != confirmation_phrase(user):
        raise InvalidInput(
            f"Nothing was deleted: to confirm, type your username “{confirmation_phrase(user)}” exactly."
        )
    secure_delete_before = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        with writing(db):
            if user.is_admin:
                accounts.ensure_another_active_admin(db, user.id)
            # Shares sent to them as a coach end here; the foreign key then sets their coach to NULL.
            db.execute("UPDATE shares SET withdrawn_at = ? WHERE coach_id = ? AND withdrawn_at IS NULL",
                       [utc_now(), user.id])
            for table, where in _PRIVATE_ROWS:
                db.execute(f"DELETE FROM {table} WHERE {where}", {"id": user.id, "username": user.username})
            # Rewrites the index as one merged segment, dropping the deleted rows' tokens.
            db.execute("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')")
    finally:
        db.execute(f"PRAGMA secure_delete = {secure_delete_before}")
    return DeletionReport(clear_deleted_text(db, wait_seconds=wait_seconds))


def clear_deleted_text(db: Database, *, wait_seconds: float | None = None) -> bool:
    """Leave no copy of deleted text in the database files; False if a reader kept the log busy.

    The log holds older copies of pages until it is copied into the file and emptied; free pages may
    hold text freed without zeroing, which VACUUM removes by rewriting every page.
    """
    if not _empty_the_log(db, wait_seconds):
        return False
    if db.execute("PRAGMA freelist_count").fetchone()[0] == 0:
        return True
    try:
        db.execute("VACUUM")
    except sqlite3.OperationalError:  # another writer held the lock past the busy timeout
        return False
    return _empty_the_log(db, wait_seconds)


def _empty_the_log(db: Database, wait_seconds: float) -> bool:
    """Checkpoint and truncate the log, retrying in short tries until `wait_seconds` have passed."""
    deadline = time.monotonic() + (CLEAR_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    busy_timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout = {_CHECKPOINT_TRY_MS}")
    try:
        while True:
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
    finally:
        db.execute(f"PRAGMA busy_timeout = {busy_timeout}")
