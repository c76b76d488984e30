"""Private journal entries: create, edit, delete, list with filters and paging, full-text search.

Every entry is stored with the bias-check analysis made when it was saved, so lists and charts never
re-parse text. Entries analysed by an older rules version are brought up to date in one batch.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlite_utils import Database

from . import access, check_pool, config, language
from .accounts import User
from .allowed_phrases import allowed_phrases, clean_dismissals, without_dismissed
from .db import from_row, utc_now, writing
from .errors import EditConflict, InvalidInput
from .text_cleaning import clean_line, clean_tags, clean_text, stored_body

MAX_TITLE_CHARS = 200
MAX_CLASS_PERIOD_CHARS = 80
DEFAULT_PAGE_SIZE = 20

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


def clean_draft(draft: EntryDraft) -> EntryDraft:
    body = stored_body(draft.body)
    if not body.strip():
        raise InvalidInput("Please write something before saving: the entry is empty.")
    if len(body) > config.MAX_ENTRY_CHARS:
        raise InvalidInput(
            f"This entry has {len(body):,} characters; the limit is {config.MAX_ENTRY_CHARS:,}. "
            "Your text is still in the form: shorten it or split it into two entries."
        )
    title = clean_line(draft.title)
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidInput(f"Titles can be at most {MAX_TITLE_CHARS} characters.")
    class_period = clean_line(draft.class_period)
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


def _analysis_columns(analysis: language.Analysis, dismissed: Iterable[Sequence[str]]) -> dict:
    """The stored analysis respects the entry's dismissals: lists, counts and insights leave them out."""
    analysis = without_dismissed(analysis, dismissed)
    return {
        "analysis": analysis.to_json(),
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
    return from_row(
        Entry, row,
        tags=tags,
        prompt_answers=json.loads(row["prompt_answers"]) if row["prompt_answers"] else None,
        analysis=language.stored_analysis(row["analysis"]),
        dismissed=[tuple(pair) for pair in json.loads(row["dismissed"])],
    )


def _entries_from_rows(db: Database, rows: list[dict]) -> list[Entry]:
    tags = _tags_by_entry(db, [row["id"] for row in rows])
    return [_entry_from_row(row, tags[row["id"]]) for row in rows]


def get_entry(db: Database, user: User, entry_id: int) -> Entry:
    row = access.authorised_row(db, user, "read", "entry", entry_id)
    return _entries_from_rows(db, [row])[0]


def update_entry(db: Database, user: User, entry_id: int, draft: EntryDraft, *, revision: int | None = None) -> Entry:
    """Save an edit. `revision` is the entry's revision when the edit began: if another tab saved (or
    deleted the entry) since, EditConflict is raised and nothing is written. None skips the check."""
    row = access.authorised_row(db, user, "edit", "entry", entry_id)
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
    access.authorised_row(db, user, "delete", "entry", entry_id)
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
