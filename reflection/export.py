"""Take your data with you: export everything you own as JSON, Markdown or CSV, and import a JSON export.

JSON is the complete, machine-readable form and the only one that can be imported. Markdown is one
readable document of the journal; CSV is the entries table for a spreadsheet.

Import restores entries exactly (text, title, tags, mood, class period, teaching date, prompt set and
answers, created and updated times) into the importing account, together with the allowed phrases and
personal prompt sets they depend on. Each entry is re-analysed with the rules of this installation
through `journal.create_entry`, the one code path that writes entries: the stored analysis in the file
may come from older rules or another installation, and the checker's result must match what saving
the text here would give. Shares, comments and the unsaved draft are exported but not imported: they
involve other people, or were never saved.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlite_utils import Database

from . import access, config, journal, language, prompt_store
from .accounts import User
from .db import utc_now, writing
from .errors import InvalidInput

FORMAT_NAME = "reflection-export"
FORMAT_VERSION = 1

# The largest file the server accepts as an upload (`maxUploadSize` in .streamlit/config.toml, which
# a test keeps in step); the command line holds imports to the same size.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# An export nests six levels deep (entries, an entry, its analysis, its flags, a flag, alternatives).
# Much deeper is not an export, and deep nesting is how a small file exhausts the parser's stack.
MAX_IMPORT_DEPTH = 12
_MAX_ANSWERS_CHARS = config.MAX_ENTRY_CHARS + prompt_store.MAX_SET_CHARS
_SURROGATE = re.compile("[\ud800-\udfff]")

# Entry columns as they appear in every export, in this order. author_id and owner_token are
# internal to this installation and left out.
ENTRY_COLUMNS = (
    "id", "title", "body", "class_period", "mood", "taught_on", "created_at", "updated_at", "prompt_set",
    "prompt_answers", "word_count", "flag_count", "grade_level", "reading_ease", "rules_version", "analysis",
)
CSV_COLUMNS = tuple(column for column in ENTRY_COLUMNS if column not in ("prompt_answers", "analysis")) + ("tags",)
# Tags never contain commas (the Write page splits on them), so the joined form can be typed back in.
TAG_JOINER = ", "
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection, OWASP); a text cell
# that starts so gets a leading apostrophe, which spreadsheets show as plain text and do not display.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- reading what the user owns -------------------------------------------------------------------


def _own_entries(db: Database, user: User) -> list[dict]:
    """Every column of the user's entries, newest first, with tags and JSON columns decoded."""
    owner_sql, params = access.own_entries_where(user)
    rows = db.query(
        f"""
        SELECT {", ".join(ENTRY_COLUMNS)},
               (SELECT json_group_array(tag) FROM
                   (SELECT tag FROM entry_tags WHERE entry_id = entries.id ORDER BY tag COLLATE NOCASE)) AS tags
        FROM entries WHERE {owner_sql}
        ORDER BY taught_on DESC, id DESC
        """,
        params,
    )
    return [
        {
            **row,
            "prompt_answers": json.loads(row["prompt_answers"]) if row["prompt_answers"] else None,
            "analysis": json.loads(row["analysis"]) if row["analysis"] else None,
            "tags": json.loads(row["tags"]),
        }
        for row in rows
    ]


def _comments(db: Database, where: str, params: list) -> list[dict]:
    return list(
        db.query(
            f"""
            SELECT comments.id, comments.share_id, users.display_name AS author, comments.kind, comments.body,
                   comments.created_at
            FROM comments LEFT JOIN users ON users.id = comments.author_id
            WHERE {where} ORDER BY comments.created_at, comments.id
            """,
            params,
        )
    )


def _own_shares(db: Database, user: User) -> list[dict]:
    """The user's shares, withdrawn ones included, each with the comments on it."""
    owner_sql, params = access.own_shares_where(user)
    shares = list(
        db.query(
            f"""
            SELECT shares.id, shares.entry_id, coach.display_name AS coach, groups.name AS "group", shares.title,
                   shares.body, shares.include_flags, shares.analysis, shares.created_at, shares.withdrawn_at
            FROM shares
            LEFT JOIN users AS coach ON coach.id = shares.coach_id
            LEFT JOIN groups ON groups.id = shares.group_id
            WHERE {owner_sql} ORDER BY shares.created_at, shares.id
            """,
            params,
        )
    )
    comments_by_share: dict[int, list[dict]] = {share["id"]: [] for share in shares}
    for comment in _comments(db, f"comments.share_id IN (SELECT id FROM shares WHERE {owner_sql})", params):
        comments_by_share[comment.pop("share_id")].append(comment)
    return [
        {
            **share,
            "include_flags": bool(share["include_flags"]),
            "analysis": json.loads(share["analysis"]) if share["analysis"] else None,
            "comments": comments_by_share[share["id"]],
        }
        for share in shares
    ]


def export_data(db: Database, user: User) -> dict:
    """Everything the user owns, as one JSON-safe document."""
    account = next(
        db.query("SELECT username, display_name, role, active, created_at FROM users WHERE id = ?", [user.id])
    )
    draft = next(db.query("SELECT data, updated_at FROM drafts WHERE user_id = ?", [user.id]), None)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": utc_now(),
        "account": {**account, "active": bool(account["active"])},
        "entries": _own_entries(db, user),
        "shares": _own_shares(db, user),
        "comments_written": _comments(db, "comments.author_id = ?", [user.id]),
        "allowed_phrases": list(
            db.query("SELECT phrase, created_at FROM allowed_phrases WHERE user_id = ? ORDER BY phrase", [user.id])
        ),
        "prompt_sets": list(
            db.query("SELECT id, slug, body, created_at FROM prompt_sets WHERE owner_id = ? ORDER BY id", [user.id])
        ),
        "draft": {"data": json.loads(draft["data"]), "updated_at": draft["updated_at"]} if draft else None,
    }


# --- the three formats ----------------------------------------------------------------------------


def to_json(db: Database, user: User) -> str:
    return json.dumps(export_data(db, user), ensure_ascii=False, indent=2)


def _markdown_entry(entry: dict) -> Iterator[str]:
    taught_on = date.fromisoformat(entry["taught_on"])
    yield f"## {entry['title'] or 'Entry of ' + entry['taught_on']}"
    details = [taught_on.strftime("%A %d %B %Y")]
    if entry["class_period"]:
        details.append(entry["class_period"])
    if entry["mood"]:
        details.append(f"mood {entry['mood']}/5")
    yield "*" + " · ".join(details) + "*"
    if entry["tags"]:
        yield "Tags: " + TAG_JOINER.join(entry["tags"])
    yield entry["body"]
    yield "---"


def to_markdown(db: Database, user: User) -> str:
    entries = _own_entries(db, user)
    name = next(db.query("SELECT display_name FROM users WHERE id = ?", [user.id]))["display_name"]
    count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    lines = [f"# Reflection journal of {name}", f"Exported {utc_now()[:10]} · {count}, newest first.", ""]
    for entry in entries:
        for block in _markdown_entry(entry):
            lines += [block, ""]
    return "\n".join(lines)


def _spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet will show, never run; numbers (a negative grade level) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(db: Database, user: User) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for entry in _own_entries(db, user):
        row = {**entry, "tags": TAG_JOINER.join(entry["tags"])}
        writer.writerow({column: _spreadsheet_safe(value) for column, value in row.items()})
    return buffer.getvalue()


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    mime: str
    render: Callable[[Database, User], str]

    def file_name(self, user: User) -> str:
        return f"reflection-{user.username}-{date.today().isoformat()}.{self.extension}"


FORMATS: dict[str, ExportFormat] = {
    "json": ExportFormat("json", "Everything (JSON, can be imported)", "json", "application/json", to_json),
    "markdown": ExportFormat("markdown", "Journal (Markdown)", "md", "text/markdown", to_markdown),
    "csv": ExportFormat("csv", "Entries table (CSV)", "csv", "text/csv", to_csv),
}


def export(db: Database, user: User, format_name: str) -> str:
    try:
        chosen = FORMATS[format_name]
    except KeyError:
        raise InvalidInput(f"Unknown export format “{format_name}”; choose one of {', '.join(FORMATS)}.") from None
    return chosen.render(db, user)


# --- import ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    imported: int
    duplicates_skipped: int
    allowed_phrases_added: int
    prompt_sets_added: int

    @property
    def summary(self) -> str:
        parts = [f"Imported {self.imported} entr{'y' if self.imported == 1 else 'ies'}"]
        if self.duplicates_skipped:
            parts.append(f"skipped {self.duplicates_skipped} already in the journal (same time and text)")
        if self.allowed_phrases_added:
            parts.append(f"added {self.allowed_phrases_added} allowed phrase(s)")
        if self.prompt_sets_added:
            parts.append(f"added {self.prompt_sets_added} prompt set(s)")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class _ImportedEntry:
    draft: journal.EntryDraft
    created_at: str
    updated_at: str


class _Reader:
    """Type checks for one object of the file, with messages that say where the problem is."""

    def __init__(self, raw: object, where: str):
        if not isinstance(raw, dict):
            raise InvalidInput(f"{where} in the file is not an object.")
        self.raw, self.where = raw, where

    def get(self, key: str, kinds: type | tuple[type, ...], *, default: object = ..., nullable: bool = False):
        if key not in self.raw:
            if default is ...:
                raise InvalidInput(f"{self.where} in the file has no “{key}”.")
            return default
        value = self.raw[key]
        if (value is None and nullable) or (isinstance(value, kinds) and not isinstance(value, bool)):
            return value
        expected = " or ".join(kind.__name__ for kind in (kinds if isinstance(kinds, tuple) else (kinds,)))
        raise InvalidInput(f"{self.where} in the file: “{key}” should be {expected}, not {type(value).__name__}.")

    def timestamp(self, key: str, *, default: object = ...) -> str:
        value = self.get(key, str, default=default)
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{self.where} in the file: “{key}” is not a date and time ({value!r}).") from None
        return value


def check_import_size(size: int) -> None:
    """Refuse a file too large to import before it is read."""
    if size > MAX_IMPORT_BYTES:
        raise InvalidInput(
            f"The file is {size / 2**20:,.1f} MB; an import can be at most {MAX_IMPORT_BYTES // 2**20} MB. "
            "Nothing was imported."
        )


def _check_nesting_and_text(document: object) -> None:
    """Refuse nesting deeper than an export has, and strings that are not text: a lone surrogate
    escape such as \\ud800 is valid JSON, but no database or page can store or show it."""
    pending = [(document, ())]
    while pending:  # a loop, not recursion, so no nesting can exhaust the stack
        value, path = pending.pop()
        if len(path) > MAX_IMPORT_DEPTH:
            raise InvalidInput(
                f"The file nests lists or objects more than {MAX_IMPORT_DEPTH} levels deep (at "
                f"{_location(path[:3])} …), so it is not a Reflection export. Nothing was imported."
            )
        children = value.items() if isinstance(value, dict) else enumerate(value, 1) if isinstance(value, list) else ()
        for key, child in children:
            if isinstance(key, str) and _SURROGATE.search(key):
                raise InvalidInput(f"A name in the file at {_location(path)} {_NOT_TEXT}")
            pending.append((child, (*path, key)))
        if isinstance(value, str) and _SURROGATE.search(value):
            raise InvalidInput(f"The file's text at {_location(path)} {_NOT_TEXT}")


_NOT_TEXT = ("holds an escape that is not a character (a lone surrogate such as \\ud800), so it cannot be "
             "imported. Remove it and import again; nothing was imported.")


def _location(path: tuple) -> str:
    """Where a value sits in the file, as a person would look for it: entries › 3 › body."""
    return " › ".join(str(step) for step in path) or "the top level"


def _parse_document(text: str | bytes) -> dict:
    check_import_size(len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass")))
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("The file is not UTF-8 text, so it cannot be a Reflection JSON export.") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
            "Import takes the JSON export; Markdown and CSV exports cannot be imported."
        ) from None
    except RecursionError:
        raise InvalidInput(
            f"The file nests lists or objects more than {MAX_IMPORT_DEPTH} levels deep, so it is not a "
            "Reflection export. Nothing was imported."
        ) from None
    _check_nesting_and_text(document)
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise InvalidInput(f"This is not a Reflection export: the file should say \"format\": \"{FORMAT_NAME}\".")
    version = document.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise InvalidInput(
            f"This export has format version {version!r}; this installation of Reflection reads version "
            f"{FORMAT_VERSION}. Export again from the same version of Reflection, or upgrade this one."
        )
    for key in ("entries", "allowed_phrases", "prompt_sets"):
        if not isinstance(document.get(key, []), list):
            raise InvalidInput(f"The export's “{key}” should be a list.")
    return document


def _read_entry(raw: object, number: int) -> _ImportedEntry:
    where = f"Entry {number}"
    reader = _Reader(raw, where)
    taught_on = reader.get("taught_on", str)
    try:
        taught_on_date = date.fromisoformat(taught_on)
    except ValueError:
        raise InvalidInput(f"{where} in the file: “taught_on” is not a date ({taught_on!r}).") from None
    tags = reader.get("tags", list, default=[])
    answers = reader.get("prompt_answers", list, default=None, nullable=True)
    if not all(isinstance(tag, str) for tag in tags):
        raise InvalidInput(f"{where} in the file: every tag should be text.")
    if answers is not None and not all(
        isinstance(answer, dict) and all(isinstance(value, str) for value in answer.values()) for answer in answers
    ):
        raise InvalidInput(f"{where} in the file: every prompt answer should be an object of texts.")
    # The answers are the entry's text beside the prompts of its set, so they are held to both limits.
    if answers and sum(len(value) for answer in answers for value in answer.values()) > _MAX_ANSWERS_CHARS:
        raise InvalidInput(f"{where} in the file: its prompt answers are longer than an entry and its prompt set "
                           "can be together.")
    draft = journal.EntryDraft(
        body=reader.get("body", str),
        title=reader.get("title", str, default=""),
        class_period=reader.get("class_period", str, default=""),
        mood=reader.get("mood", int, default=None, nullable=True),
        tags=tags,
        taught_on=taught_on_date,
        prompt_set=reader.get("prompt_set", str, default=None, nullable=True),
        prompt_answers=answers,
    )
    try:
        draft = journal.clean_draft(draft)
    except InvalidInput as error:
        raise InvalidInput(f"{where} in the file cannot be imported: {error}") from None
    created_at = reader.timestamp("created_at")
    return _ImportedEntry(draft, created_at, reader.timestamp("updated_at", default=created_at))


@dataclass(frozen=True)
class _ImportedSet:
    old_key: str  # how the file's entries name the set
    body: str
    created_at: str


def _read_prompt_set(raw: object, number: int) -> _ImportedSet:
    reader = _Reader(raw, f"Prompt set {number}")
    body = reader.get("body", str)
    try:
        prompt_store.check_set(body)
    except InvalidInput as error:
        raise InvalidInput(f"Prompt set {number} in the file cannot be imported: {error}") from None
    return _ImportedSet(prompt_store.library_key(reader.get("id", int)), body,
                        reader.timestamp("created_at", default=utc_now()))


def _read_phrase(raw: object, number: int) -> str:
    try:
        return journal.clean_phrase(_Reader(raw, f"Allowed phrase {number}").get("phrase", str))
    except InvalidInput as error:
        raise InvalidInput(f"Allowed phrase {number} in the file cannot be imported: {error}") from None


def _restore_prompt_sets(db: Database, user: User, sets: list[_ImportedSet]) -> tuple[dict[str, str], int]:
    """Add the file's personal prompt sets the account does not have yet.

    Entries name stored sets by row id, which differs between installations, so this returns how each
    old key maps to the set's key here, and how many sets were added.
    """
    existing = {
        row["body"]: row["id"] for row in db.query("SELECT id, body FROM prompt_sets WHERE owner_id = ?", [user.id])
    }
    keys, added = {}, 0
    for imported in sets:
        if imported.body not in existing:
            row = prompt_store.store_set(db, imported.body, owner_id=user.id, created_at=imported.created_at)
            existing[imported.body] = row["id"]
            added += 1
        keys[imported.old_key] = prompt_store.library_key(existing[imported.body])
    return keys, added


def import_json(db: Database, user: User, text: str | bytes) -> ImportReport:
    """Import a JSON export into `user`'s account, all or nothing.

    The whole file is checked and every entry analysed before anything is written, then everything
    is written in one transaction: the write lock is held only for the writes, so other people's saves
    do not wait on the checker. An entry with the same creation time and text as one already in the
    account is skipped and counted, so importing a file twice adds nothing the second time.
    """
    document = _parse_document(text)
    incoming = [_read_entry(raw, number) for number, raw in enumerate(document.get("entries", []), start=1)]
    file_phrases = [_read_phrase(raw, number) for number, raw in enumerate(document.get("allowed_phrases", []), start=1)]
    file_sets = [_read_prompt_set(raw, number) for number, raw in enumerate(document.get("prompt_sets", []), start=1)]
    cleaned = [journal.clean_draft(item.draft) for item in incoming]
    phrases = [*journal.allowed_phrases(db, user), *file_phrases]
    analyses = [language.analyse(draft.body, phrases) for draft in cleaned]
    owner_sql, params = access.own_entries_where(user)
    with writing(db):
        try:  # the limits on how many phrases and sets an account keeps depend on what it has already
            phrases_added = sum(journal.allow_phrase(db, user, phrase) for phrase in file_phrases)
            prompt_set_keys, sets_added = _restore_prompt_sets(db, user, file_sets)
        except InvalidInput as error:
            raise InvalidInput(f"Nothing was imported: {error}") from None
        seen = {
            (created_at, body)
            for created_at, body in db.execute(f"SELECT created_at, body FROM entries WHERE {owner_sql}", params)
        }
        imported = 0
        for item, draft, analysis in zip(incoming, cleaned, analyses):
            if (item.created_at, draft.body) in seen:
                continue
            seen.add((item.created_at, draft.body))
            draft = replace(draft, prompt_set=prompt_set_keys.get(draft.prompt_set, draft.prompt_set))
            entry = journal.create_entry(db, user, draft, created_at=item.created_at, analysis=analysis)
            db.execute("UPDATE entries SET updated_at = ? WHERE id = ?", [item.updated_at, entry.id])
            imported += 1
    return ImportReport(imported, len(incoming) - imported, phrases_added, sets_added)
