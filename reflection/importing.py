"""Import a JSON export (reflection/export.py) into an account, all or nothing.

Import restores entries exactly (text, title, tags, mood, class period, teaching date, prompt set and
answers, created and updated times) into the importing account, together with the allowed phrases and
personal prompt sets they depend on. Each entry is re-analysed with the rules of this installation
through `journal.create_entry`, the one code path that writes entries: the stored analysis in the file
may come from older rules or another installation, and the checker's result must match what saving
the text here would give. Shares, comments and the unsaved draft are exported but not imported: they
involve other people, or were never saved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlite_utils import Database

from . import access, config, journal, language, prompt_store
from .accounts import User
from .allowed_phrases import allow_phrase, allowed_phrases, clean_phrase
from .db import utc_now, writing
from .errors import InvalidInput
from .export import FORMAT_NAME, FORMAT_VERSION

# The largest file the server accepts as an upload (`maxUploadSize` in .streamlit/config.toml, which
# a test keeps in step); the command line holds imports to the same size.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# An export nests six levels deep (entries, an entry, its analysis, its flags, a flag, alternatives).
# Much deeper is not an export, and deep nesting is how a small file exhausts the parser's stack.
MAX_IMPORT_DEPTH = 12
_MAX_ANSWERS_CHARS = config.MAX_ENTRY_CHARS + prompt_store.MAX_SET_CHARS
_SURROGATE = re.compile("[\ud800-\udfff]")


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
        return clean_phrase(_Reader(raw, f"Allowed phrase {number}").get("phrase", str))
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
    phrases = [*allowed_phrases(db, user), *file_phrases]
    analyses = [language.analyse(draft.body, phrases) for draft in cleaned]
    owner_sql, params = access.own_entries_where(user)
    with writing(db):
        try:  # the limits on how many phrases and sets an account keeps depend on what it has already
            phrases_added = sum(allow_phrase(db, user, phrase) for phrase in file_phrases)
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
