"""Take your data with you: export everything you own as JSON, Markdown or CSV.

JSON is the complete, machine-readable form and the only one that can be imported (reflection/importing.py).
Markdown is one readable document of the journal; CSV is the entries table for a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from . import access
from .accounts import User
from .db import utc_now
from .errors import InvalidInput

FORMAT_NAME = "reflection-export"
FORMAT_VERSION = 1

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
