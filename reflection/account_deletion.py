"""Deleting an account and everything private in it, so that none of its text lingers in the file.

What goes: every entry (and with it its tags, its rows in the full-text index, its shares and the
comments on them), comments the person wrote anywhere, their draft, allowed phrases, personal prompt
sets, sign-in failures under their username, and the account itself.

What stays: what belongs to a group. Debrief notes they wrote keep their text with no author (the
debrief shows "former member"), action items they owned or created lose that person, and debriefs
they facilitated or presented keep running. The schema's ON DELETE SET NULL does this.

Deleting rows is not enough for privacy: SQLite leaves deleted text in free pages, FTS5 keeps deleted
tokens in index segments until they are merged, and the write-ahead log keeps old copies of pages.
So the deletion runs with `secure_delete` on (freed content is overwritten with zeros), merges the
full-text index into fresh segments, and checkpoints and truncates the log afterwards.
"""

from __future__ import annotations

from sqlite_utils import Database

from . import accounts
from .accounts import User
from .db import writing
from .errors import InvalidInput

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
    ("sign_in_failures", "username = :username"),
    ("users", "id = :id"),
)


def confirmation_phrase(user: User) -> str:
    """What the person must type to confirm: their own username."""
    return user.username


def delete_account(db: Database, user: User, confirmation: str) -> None:
    """Delete `user` and all their private data for good, in one transaction.

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
            for table, where in _PRIVATE_ROWS:
                db.execute(f"DELETE FROM {table} WHERE {where}", {"id": user.id, "username": user.username})
            # Rewrites the index as one merged segment, dropping the deleted rows' tokens.
            db.execute("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')")
    finally:
        db.execute(f"PRAGMA secure_delete = {secure_delete_before}")
    # Copies pages into the main file and empties the log, where older copies of the text still sit.
    # While another connection is reading, the log cannot be emptied yet; it is overwritten later.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
