"""Flags a writer chose not to see: phrases allowed for a person or a group, and dismissals of one flag.

An allowed phrase is never flagged again for the person who allowed it, nor, when a facilitator allows
it for a PLC group, in anything the group's members write. Which phrases apply is decided here and
nowhere else: a journal entry gets its author's own phrases and those of all their groups
(`allowed_phrases`); a text written in a group (a debrief note, a circle question or answer) gets its
author's and that group's (`check_group_text`), so one group's choice does not travel to another.

A dismissal hides one flag (a category and its words) in one entry only; it is stored with the entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlite_utils import Database

from . import access, check_pool, language
from .accounts import User
from .db import utc_now, writing
from .errors import InvalidInput
from .text_cleaning import clean_line, required_line

# An allowed phrase is a flagged span of a few words; every phrase is matched in each check of the
# person's (or group's) text, so both their length and their number are capped.
MAX_ALLOWED_PHRASE_CHARS = 200
MAX_ALLOWED_PHRASES = 1_000
# A dismissal names one flagged phrase of one entry; an entry has a few flags, so a few hundred is generous.
MAX_DISMISSALS = 500


def allowed_phrases(db: Database, user: User) -> list[str]:
    """Phrases the user allowed for themselves or that one of their groups allowed."""
    return [
        row[0]
        for row in db.execute(
            "SELECT phrase FROM allowed_phrases WHERE user_id = ? OR group_id IN "
            "(SELECT group_id FROM group_members WHERE user_id = ?)",
            [user.id, user.id],
        )
    ]


def own_allowed_phrases(db: Database, user: User) -> list[str]:
    return [row[0] for row in db.execute("SELECT phrase FROM allowed_phrases WHERE user_id = ? ORDER BY phrase", [user.id])]


def allow_phrase(db: Database, user: User, phrase: str, *, group_id: int | None = None) -> bool:
    """Stop flagging `phrase` for this user, or for every member of a group they facilitate.

    Returns False when it was already allowed.
    """
    phrase = clean_phrase(phrase)
    if group_id is not None:
        access.authorised_row(db, user, "manage", "group", group_id)
    owner_column, owner = ("group_id", group_id) if group_id is not None else ("user_id", user.id)
    with writing(db):
        kept = db.execute(f"SELECT count(*) FROM allowed_phrases WHERE {owner_column} = ? AND phrase != ?",
                          [owner, phrase]).fetchone()[0]
        if kept >= MAX_ALLOWED_PHRASES:
            raise InvalidInput(f"There are already {MAX_ALLOWED_PHRASES:,} allowed phrases, the most one person or "
                               "group can keep. Remove some on the Account page first.")
        cursor = db.execute(
            "INSERT OR IGNORE INTO allowed_phrases (user_id, group_id, phrase, created_at) VALUES (?, ?, ?, ?)",
            [None if group_id is not None else user.id, group_id, phrase, utc_now()],
        )
    return cursor.rowcount == 1


def clean_phrase(phrase: str) -> str:
    """A phrase to allow, as stored: normalised, on one line, not empty, not overlong."""
    return required_line(phrase, "phrase", MAX_ALLOWED_PHRASE_CHARS, missing="There is no phrase to allow.",
                         too_long=f"An allowed phrase can be at most {MAX_ALLOWED_PHRASE_CHARS} characters.")


def disallow_phrase(db: Database, user: User, phrase: str) -> None:
    db.execute("DELETE FROM allowed_phrases WHERE user_id = ? AND phrase = ?", [user.id, phrase])


def check_group_text(db: Database, group_id: int, author_id: int | None, body: str) -> language.Analysis:
    """The bias check of a text written in a group, with the phrases the group and its author allowed."""
    phrases = [
        row[0]
        for row in db.execute(
            "SELECT phrase FROM allowed_phrases WHERE user_id = ? OR group_id = ?", [author_id, group_id]
        )
    ]
    return check_pool.analyse(body, phrases)


def clean_dismissals(dismissed: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """Dismissals as stored: (category, words) pairs of known categories, each once, at most MAX_DISMISSALS."""
    cleaned = {}
    for pair in dismissed:
        if len(pair) != 2 or pair[0] not in language.CATEGORIES or not isinstance(pair[1], str):
            continue
        words = clean_line(pair[1])
        if words and len(words) <= MAX_ALLOWED_PHRASE_CHARS:
            cleaned[(pair[0], words.casefold())] = (pair[0], words)
    return list(cleaned.values())[:MAX_DISMISSALS]


def without_dismissed(analysis: language.Analysis, dismissed: Iterable[Sequence[str]]) -> language.Analysis:
    """The analysis less the flags the writer dismissed for this text (same category, same words)."""
    hidden = {(category, " ".join(words.split()).casefold()) for category, words in dismissed}
    if not hidden:
        return analysis
    flags = [flag for flag in analysis.flags if (flag.category, " ".join(flag.text.split()).casefold()) not in hidden]
    return replace(analysis, flags=flags)
