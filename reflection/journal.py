"""Private journal entries: create, edit, delete, list with filters and paging, full-text search.

Every entry is stored with the bias-check analysis made when it was saved, so lists and charts never
re-parse text. Entries analysed by an older rules version are brought up to date in one batch.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlite_utils import Database

from . import access, check_pool, config, language
from .accounts import User
from .db import one_row, utc_now, writing
from .errors import EditConflict, InvalidInput

MAX_TITLE_CHARS = 200
MAX_CLASS_PERIOD_CHARS = 80
MAX_TAGS = 20
MAX_TAG_CHARS = 40
DEFAULT_PAGE_SIZE = 20
MAX_MESSAGE_CHARS = 10_000  # debrief notes and comments
# An allowed phrase is a flagged span of a few words; every phrase is matched in each check of the
# person's (or group's) text, so both their length and their number are capped.
MAX_ALLOWED_PHRASE_CHARS = 200
MAX_ALLOWED_PHRASES = 1_000
# A dismissal names one flagged phrase of one entry; an entry has a few flags, so a few hundred is generous.
MAX_DISMISSALS = 500

EDIT_CONFLICT_MESSAGE = (
    "This entry was changed in another tab or window after you started editing, so your changes were not "
    "saved. They are still in the form: save them as a new entry to keep both versions, or discard them "
    "and load the saved version."
)
EDIT_DELETED_MESSAGE = (
    "This entry was deleted in another tab or window, so your changes were not saved. They are still in "
    "the form: save them as a new entry to keep them."
)

# Search snippets mark matches with private-use characters; the UI escapes the text, then turns
# these into highlight markup, so user text can never inject HTML.
MATCH_START = "\ue000"
MATCH_END = "\ue001"

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class EntryDraft:
    """What a user submits for an entry; validated and normalised by `clean_draft`."""

    body: str
    title: str = ""
    class_period: str = ""
    mood: int | None = None
    tags: Sequence[str] = ()
    taught_on: date | None = None
    prompt_set: str | None = None
    prompt_answers: list[dict] | None = None
    # Flags the writer dismissed for this entry, as (category, flagged words): offsets move with every
    # edit, the words do not, so a dismissal survives edits elsewhere in the text.
    dismissed: Sequence[tuple[str, str]] = ()


@dataclass
class Entry:
    id: int
    author_id: int
    title: str
    body: str
    class_period: str
    mood: int | None
    tags: list[str]
    taught_on: date
    created_at: str
    updated_at: str
    prompt_set: str | None
    prompt_answers: list[dict] | None
    analysis: language.Analysis | None
    word_count: int
    flag_count: int
    revision: int  # raised by every saved edit, so a save from a tab that loaded an older one is refused
    dismissed: list[tuple[str, str]]

    @property
    def display_title(self) -> str:
        return self.title or f"Entry of {self.taught_on.isoformat()}"


@dataclass
class EntryPage:
    entries: list[Entry]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


@dataclass
class SearchHit:
    entry: Entry
    title_highlighted: str
    snippet: str


@dataclass
class EntryFilter:
    tag: str | None = None
    class_period: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def clean_text(text: str) -> str:
    """Normalise line endings and Unicode (NFC) and drop control characters that no editor shows."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", unicodedata.normalize("NFC", text))


def clean_message(text: str, noun: str) -> str:
    """A note or comment as stored: normalised, trimmed, not empty, not overlong."""
    text = clean_text(text).strip()
    if not text:
        raise InvalidInput(f"The {noun} is empty. Please write something first.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            f"This {noun} has {len(text):,} characters; the limit is {MAX_MESSAGE_CHARS:,}. Please shorten it."
        )
    return text


def clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(clean_text(tag).replace(",", " ").split()).lstrip("#")
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise InvalidInput(f"Tags can be at most {MAX_TAG_CHARS} characters (“{tag[:20]}…” is longer).")
        cleaned.setdefault(tag.lower(), tag)
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(f"An entry can have at most {MAX_TAGS} tags.")
    return list(cleaned.values())


def parse_tags(text: str) -> list[str]:
    """Tags typed in one box, separated by commas."""
    return clean_tags((text or "").split(","))


def stored_body(text: str) -> str:
    """An entry's text as it is stored and as its length limit counts it. NFC can lengthen text: some
    characters (U+FB2C, U+0958) have no composed form and become two or three."""
    return clean_text(text).strip("\n")


def clean_draft(draft: EntryDraft) -> EntryDraft:
    body = stored_body(draft.body)
    if not body.strip():
        raise InvalidInput("Please write something before saving: the entry is empty.")
    if len(body) > config.MAX_ENTRY_CHARS:
        raise InvalidInput(
            f"This entry has {len(body):,} characters; the limit is {config.MAX_ENTRY_CHARS:,}. "
            "Your text is still in the form: shorten it or split it into two entries."
        )
    title = " ".join(clean_text(draft.title).split())
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidInput(f"Titles can be at most {MAX_TITLE_CHARS} characters.")
    class_period = " ".join(clean_text(draft.class_period).split())
    if len(class_period) > MAX_CLASS_PERIOD_CHARS:
        raise InvalidInput(f"Class or period can be at most {MAX_CLASS_PERIOD_CHARS} characters.")
    if draft.mood is not None and draft.mood not in range(1, 6):
        raise InvalidInput("Mood is a number from 1 to 5.")
    return EntryDraft(
        body=body,
        title=title,
        class_period=class_period,
        mood=draft.mood,
        tags=clean_tags(draft.tags),
        taught_on=draft.taught_on or date.today(),
        prompt_set=draft.prompt_set or None,
        prompt_answers=draft.prompt_answers or None,
        dismissed=clean_dismissals(draft.dismissed),
    )


def clean_dismissals(dismissed: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """Dismissals as stored: (category, words) pairs of known categories, each once, at most MAX_DISMISSALS."""
    cleaned = {}
    for pair in dismissed:
        if len(pair) != 2 or pair[0] not in language.CATEGORIES or not isinstance(pair[1], str):
            continue
        words = " ".join(clean_text(pair[1]).split())
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
        access.require(db, user, "manage", "group", one_row(db, "SELECT * FROM groups WHERE id = ?", [group_id]))
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
    phrase = " ".join(clean_text(phrase).split())
    if not phrase:
        raise InvalidInput("There is no phrase to allow.")
    if len(phrase) > MAX_ALLOWED_PHRASE_CHARS:
        raise InvalidInput(f"An allowed phrase can be at most {MAX_ALLOWED_PHRASE_CHARS} characters.")
    return phrase


def disallow_phrase(db: Database, user: User, phrase: str) -> None:
    db.execute("DELETE FROM allowed_phrases WHERE user_id = ? AND phrase = ?", [user.id, phrase])


def _analysis_columns(analysis: language.Analysis, dismissed: Iterable[Sequence[str]]) -> dict:
    """The stored analysis respects the entry's dismissals: lists, counts and insights leave them out."""
    analysis = without_dismissed(analysis, dismissed)
    return {
        "analysis": json.dumps(analysis.to_dict()),
        "word_count": analysis.word_count,
        "flag_count": len(analysis.flags),
        "grade_level": analysis.grade_level,
        "reading_ease": analysis.reading_ease,
        "rules_version": analysis.rules_version,
    }


def _write_tags(db: Database, entry_id: int, tags: Sequence[str]) -> None:
    db.execute("DELETE FROM entry_tags WHERE entry_id = ?", [entry_id])
    db.conn.executemany(
        "INSERT INTO entry_tags (entry_id, tag) VALUES (?, ?)", [(entry_id, tag) for tag in tags]
    )


def _draft_columns(draft: EntryDraft) -> dict:
    return {
        "title": draft.title,
        "body": draft.body,
        "class_period": draft.class_period,
        "mood": draft.mood,
        "taught_on": draft.taught_on.isoformat(),
        "prompt_set": draft.prompt_set,
        "prompt_answers": json.dumps(draft.prompt_answers) if draft.prompt_answers else None,
        "dismissed": json.dumps(list(draft.dismissed)),
    }


def create_entry(
    db: Database, user: User, draft: EntryDraft, *, created_at: str | None = None,
    analysis: language.Analysis | None = None,
) -> Entry:
    """Save a new entry with its analysis: `analysis` when the caller already checked the cleaned text
    (bulk imports analyse before taking the write lock), otherwise the checker runs here."""
    draft = clean_draft(draft)
    if analysis is None:
        analysis = check_pool.analyse(draft.body, allowed_phrases(db, user))
    now = created_at or utc_now()
    columns = {
        "author_id": user.id,
        "owner_token": access.owner_token(user.id),
        **_draft_columns(draft),
        **_analysis_columns(analysis, draft.dismissed),
        "created_at": now,
        "updated_at": now,
    }
    with writing(db):
        entry_id = db["entries"].insert(columns).last_pk
        _write_tags(db, entry_id, draft.tags)
    return get_entry(db, user, entry_id)


def _tags_by_entry(db: Database, entry_ids: Sequence[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {entry_id: [] for entry_id in entry_ids}
    if entry_ids:
        placeholders = ",".join("?" * len(entry_ids))
        for entry_id, tag in db.execute(
            f"SELECT entry_id, tag FROM entry_tags WHERE entry_id IN ({placeholders}) ORDER BY tag COLLATE NOCASE",
            list(entry_ids),
        ):
            tags[entry_id].append(tag)
    return tags


def _entry_from_row(row: dict, tags: list[str]) -> Entry:
    return Entry(
        id=row["id"],
        author_id=row["author_id"],
        title=row["title"],
        body=row["body"],
        class_period=row["class_period"],
        mood=row["mood"],
        tags=tags,
        taught_on=date.fromisoformat(row["taught_on"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        prompt_set=row["prompt_set"],
        prompt_answers=json.loads(row["prompt_answers"]) if row["prompt_answers"] else None,
        analysis=language.Analysis.from_dict(json.loads(row["analysis"])) if row["analysis"] else None,
        word_count=row["word_count"],
        flag_count=row["flag_count"],
        revision=row["revision"],
        dismissed=[tuple(pair) for pair in json.loads(row["dismissed"])],
    )


def _entries_from_rows(db: Database, rows: list[dict]) -> list[Entry]:
    tags = _tags_by_entry(db, [row["id"] for row in rows])
    return [_entry_from_row(row, tags[row["id"]]) for row in rows]


def authorised_entry_row(db: Database, user: User, entry_id: int, action: str) -> dict:
    """The entry's row, once access.py agrees that `user` may do `action` with it."""
    row = one_row(db, "SELECT * FROM entries WHERE id = ?", [entry_id])
    access.require(db, user, action, "entry", row)
    return row


def get_entry(db: Database, user: User, entry_id: int) -> Entry:
    row = authorised_entry_row(db, user, entry_id, "read")
    return _entries_from_rows(db, [row])[0]


def update_entry(db: Database, user: User, entry_id: int, draft: EntryDraft, *, revision: int | None = None) -> Entry:
    """Save an edit. `revision` is the entry's revision when the edit began: if another tab saved (or
    deleted the entry) since, EditConflict is raised and nothing is written. None skips the check."""
    row = authorised_entry_row(db, user, entry_id, "edit")
    draft = clean_draft(replace(draft, taught_on=draft.taught_on or date.fromisoformat(row["taught_on"])))
    analysis = check_pool.analyse(draft.body, allowed_phrases(db, user))
    with writing(db):
        # Checked under the write lock: the checker above ran without it, and another save may have landed.
        current = db.execute("SELECT revision FROM entries WHERE id = ?", [entry_id]).fetchone()
        if current is None:
            raise EditConflict(EDIT_DELETED_MESSAGE)
        if revision is not None and current[0] != revision:
            raise EditConflict(EDIT_CONFLICT_MESSAGE)
        db["entries"].update(
            entry_id,
            {**_draft_columns(draft), **_analysis_columns(analysis, draft.dismissed), "updated_at": utc_now(), "revision": current[0] + 1},
        )
        _write_tags(db, entry_id, draft.tags)
    return get_entry(db, user, entry_id)


def delete_entry(db: Database, user: User, entry_id: int) -> None:
    authorised_entry_row(db, user, entry_id, "delete")
    with writing(db):
        db.execute("DELETE FROM entries WHERE id = ?", [entry_id])


def _filter_sql(user: User, entry_filter: EntryFilter | None) -> tuple[list[str], list]:
    owner_sql, params = access.own_entries_where(user)
    clauses = [owner_sql]
    entry_filter = entry_filter or EntryFilter()
    if entry_filter.tag:
        clauses.append("entries.id IN (SELECT entry_id FROM entry_tags WHERE tag = ?)")
        params.append(entry_filter.tag)
    if entry_filter.class_period:
        clauses.append("entries.class_period = ?")
        params.append(entry_filter.class_period)
    if entry_filter.date_from:
        clauses.append("entries.taught_on >= ?")
        params.append(entry_filter.date_from.isoformat())
    if entry_filter.date_to:
        clauses.append("entries.taught_on <= ?")
        params.append(entry_filter.date_to.isoformat())
    return clauses, params


def list_entries(
    db: Database, user: User, entry_filter: EntryFilter | None = None, *, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> EntryPage:
    """The user's own entries, newest first (by teaching date, then by creation)."""
    clauses, params = _filter_sql(user, entry_filter)
    where = " AND ".join(clauses)
    total = db.execute(f"SELECT count(*) FROM entries WHERE {where}", params).fetchone()[0]
    page = max(1, min(page, max(1, math.ceil(total / page_size))))
    rows = list(
        db.query(
            f"SELECT * FROM entries WHERE {where} ORDER BY taught_on DESC, id DESC LIMIT ? OFFSET ?",
            [*params, page_size, (page - 1) * page_size],
        )
    )
    return EntryPage(_entries_from_rows(db, rows), total, page, page_size)


_QUERY_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def fts_query(text: str) -> str | None:
    """Turn what a person types into a safe FTS5 expression: every word must match (AND).

    "double quotes" keep a phrase together and a trailing * matches a prefix; everything else is
    quoted, so operators and punctuation in user text are never FTS5 syntax.
    """
    terms = []
    for phrase, word in _QUERY_TOKEN.findall(clean_text(text)):
        raw = phrase if phrase else word
        prefix = not phrase and raw.endswith("*")
        raw = raw.rstrip("*") if prefix else raw
        if not re.search(r"\w", raw):
            continue
        terms.append('"' + raw.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " AND ".join(terms) if terms else None


def search_entries(
    db: Database, user: User, query: str, entry_filter: EntryFilter | None = None, *, limit: int = 20, offset: int = 0
) -> list[SearchHit]:
    """Full-text search over the user's own entries, best match first (bm25, titles weigh more)."""
    expression = fts_query(query)
    if expression is None:
        return []
    # The author token narrows the match inside FTS5 itself, before ranking.
    match = f'owner_token:"{access.owner_token(user.id)}" AND {{title body}}: ({expression})'
    clauses, params = _filter_sql(user, entry_filter)
    rows = list(
        db.query(
            f"""
            SELECT entries.*,
                   highlight(entries_fts, 0, ?, ?) AS title_highlighted,
                   snippet(entries_fts, 1, ?, ?, '…', 24) AS snippet
            FROM entries_fts JOIN entries ON entries.id = entries_fts.rowid
            WHERE entries_fts MATCH ? AND {' AND '.join(clauses)}
            ORDER BY bm25(entries_fts, 5.0, 1.0, 0.0)
            LIMIT ? OFFSET ?
            """,
            [MATCH_START, MATCH_END, MATCH_START, MATCH_END, match, *params, limit, offset],
        )
    )
    entries = _entries_from_rows(db, rows)
    return [SearchHit(entry, row["title_highlighted"], row["snippet"]) for entry, row in zip(entries, rows)]


def user_tags(db: Database, user: User) -> list[tuple[str, int]]:
    owner_sql, params = access.own_entries_where(user)
    return [
        (tag, count)
        for tag, count in db.execute(
            f"SELECT tag, count(*) FROM entry_tags JOIN entries ON entries.id = entry_tags.entry_id "
            f"WHERE {owner_sql} GROUP BY tag COLLATE NOCASE ORDER BY count(*) DESC, tag COLLATE NOCASE",
            params,
        )
    ]


def user_class_periods(db: Database, user: User) -> list[str]:
    owner_sql, params = access.own_entries_where(user)
    return [
        row[0]
        for row in db.execute(
            f"SELECT DISTINCT class_period FROM entries WHERE {owner_sql} AND class_period != '' "
            "ORDER BY class_period COLLATE NOCASE",
            params,
        )
    ]


def count_stale_entries(db: Database) -> int:
    return db.execute(
        "SELECT count(*) FROM entries WHERE rules_version IS NULL OR rules_version != ?", [language.RULES_VERSION]
    ).fetchone()[0]


def reanalyse_stale_entries(db: Database, progress: Callable[[int, int], None] | None = None, batch_size: int = 200) -> int:
    """Re-run the checker over every entry analysed by older rules, in batches through nlp.pipe.

    Each batch is written in one transaction, so an interrupted run keeps what it finished and can resume.
    Rows come ordered by author so each author's allowed phrases apply to one run of nlp.pipe.
    Returns how many analyses were stored; an entry edited while its text was being checked keeps the
    analysis its edit stored.
    """
    total = count_stale_entries(db)
    done = 0
    while True:
        rows = db.execute(
            "SELECT id, author_id, body, dismissed FROM entries WHERE rules_version IS NULL OR rules_version != ? "
            "ORDER BY author_id LIMIT ?",
            [language.RULES_VERSION, batch_size],
        ).fetchall()
        if not rows:
            return done
        updates = []
        for author_id, author_rows in itertools.groupby(rows, key=lambda row: row[1]):
            author_rows = list(author_rows)
            phrases = allowed_phrases(db, User(author_id, "", "", "teacher"))
            analyses = language.analyse_many((row[2] for row in author_rows), allowed_phrases=phrases)
            updates.extend((row[0], row[2], _analysis_columns(analysis, json.loads(row[3])))
                           for row, analysis in zip(author_rows, analyses))
        with writing(db):
            done += sum(_store_analysis_of(db, entry_id, body, columns) for entry_id, body, columns in updates)
        if progress:
            progress(done, total)


def _store_analysis_of(db: Database, entry_id: int, analysed_body: str, columns: dict) -> bool:
    """Store an analysis only while the entry still holds the text that was analysed.

    The checker runs outside the write lock, so an edit can be saved meanwhile; that edit stored its
    own analysis of the new text, and the old text's flags (with their offsets) must not replace it.
    """
    assignments = ", ".join(f"{column} = :{column}" for column in columns)
    cursor = db.execute(
        f"UPDATE entries SET {assignments} WHERE id = :entry_id AND body = :analysed_body",
        {**columns, "entry_id": entry_id, "analysed_body": analysed_body},
    )
    return cursor.rowcount == 1
