"""Debriefs a PLC group runs from a protocol, their notes and action items, and the Markdown record of one.

A circle's check-in is a debrief too, with no presenter, started by any member; who may do what is
decided in `access`.

A debrief stores its protocol as it was when the debrief started (name and steps, as JSON in
`debriefs.protocol`), so notes keyed by step index keep pointing at the right step even if the
protocol file is later edited or removed, and a closed debrief exports exactly as it was run.
Notes are checked for deficit language when they are written, with the phrases the group and
the note's author allowed (`allowed_phrases.check_group_text`), and the flags are stored with them.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlite_utils import Database

from . import access, accounts, language, prompts
from .accounts import User
from .allowed_phrases import check_group_text
from .db import from_row, utc_now, writing
from .errors import InvalidInput
from .text_cleaning import clean_message, required_line

MAX_DEBRIEF_TITLE_CHARS = 200
MAX_ACTION_TEXT_CHARS = 500


@dataclass(frozen=True)
class Debrief:
    id: int
    group_id: int
    group_name: str
    protocol_slug: str
    protocol_name: str
    steps: tuple[prompts.PromptStep, ...]
    title: str
    facilitator_name: str
    presenter_id: int | None
    presenter_name: str
    status: str
    current_step: int
    step_started_at: str | None
    started_at: str
    closed_at: str | None
    outcome: str = ""  # "norms": the last step saves the group's norms

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def step(self) -> prompts.PromptStep:
        return self.steps[self.current_step]


@dataclass(frozen=True)
class StepClock:
    """How long the current step has run against the minutes the protocol suggests."""

    started_at: datetime
    suggested_minutes: int
    elapsed_minutes: int

    @property
    def remaining_minutes(self) -> int:
        return self.suggested_minutes - self.elapsed_minutes

    @property
    def overtime(self) -> bool:
        return self.remaining_minutes < 0


@dataclass(frozen=True)
class Note:
    id: int
    debrief_id: int
    step_index: int
    author_id: int | None
    author_name: str
    body: str
    analysis: language.Analysis | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ActionItem:
    id: int
    debrief_id: int
    text: str
    owner_id: int | None
    owner_name: str
    due_on: date | None
    done: bool
    created_by: int | None


def _require_member(db: Database, group_id: int, user_id: int | None, what: str) -> int:
    if access.member_role(db, user_id, group_id) is None:
        raise InvalidInput(f"Please choose the {what} from the group's members.")
    return user_id


_DEBRIEF_SELECT = """
    SELECT debriefs.*, groups.name AS group_name,
           facilitators.display_name AS facilitator_name, presenters.display_name AS presenter_name
    FROM debriefs
    JOIN groups ON groups.id = debriefs.group_id
    LEFT JOIN users AS facilitators ON facilitators.id = debriefs.facilitator_id
    LEFT JOIN users AS presenters ON presenters.id = debriefs.presenter_id
"""


def _protocol_snapshot(protocol: prompts.PromptSet) -> str:
    return json.dumps(
        {"slug": protocol.slug, "name": protocol.name, "outcome": protocol.outcome,
         "steps": [dataclasses.asdict(step) for step in protocol.steps]}
    )


def _debrief_from_row(row: dict) -> Debrief:
    protocol = json.loads(row["protocol"])
    return from_row(
        Debrief, row,
        protocol_slug=protocol["slug"],
        protocol_name=protocol["name"],
        steps=tuple(prompts.PromptStep(**step) for step in protocol["steps"]),
        facilitator_name=row["facilitator_name"] or accounts.FORMER_MEMBER,
        presenter_name=row["presenter_name"] or accounts.FORMER_MEMBER,
        outcome=protocol.get("outcome", ""),
    )


def _debrief_row(db: Database, user: User, debrief_id: int, action: str) -> dict:
    return access.authorised_row(db, user, action, "debrief", debrief_id, select=_DEBRIEF_SELECT)


def start_debrief(
    db: Database, user: User, group_id: int, protocol: prompts.PromptSet, title: str, presenter_id: int | None
) -> Debrief:
    """A facilitator opens a debrief at the protocol's first step, with its clock running; a circle's
    check-in is a round among equals, with no presenter."""
    access.authorised_row(db, user, "create", "group", group_id)
    if protocol.kind != "protocol":
        raise InvalidInput(f"“{protocol.name}” is a reflection framework, not a PLC protocol.")
    title = required_line(title, "debrief title", MAX_DEBRIEF_TITLE_CHARS)
    if presenter_id is not None or not access.is_circle(db, group_id):
        _require_member(db, group_id, presenter_id, "presenter")
    now = utc_now()
    debrief_id = db["debriefs"].insert(
        {
            "group_id": group_id,
            "protocol": _protocol_snapshot(protocol),
            "title": title,
            "facilitator_id": user.id,
            "presenter_id": presenter_id,
            "status": "open",
            "current_step": 0,
            "step_started_at": now,
            "started_at": now,
        }
    ).last_pk
    return get_debrief(db, user, debrief_id)


def _check_step(debrief: Debrief, step_index: int) -> None:
    if not 0 <= step_index < len(debrief.steps):
        raise InvalidInput(f"This protocol has steps 1 to {len(debrief.steps)}.")


def get_debrief(db: Database, user: User, debrief_id: int) -> Debrief:
    return _debrief_from_row(_debrief_row(db, user, debrief_id, "read"))


def list_debriefs(db: Database, user: User, group_id: int) -> list[Debrief]:
    """A group's debriefs, open ones first, then newest first; empty for anyone outside the group."""
    where, params = access.member_conversations_where(user)
    rows = db.query(
        f"{_DEBRIEF_SELECT} WHERE {where} AND debriefs.group_id = ? "
        "ORDER BY debriefs.status = 'closed', debriefs.started_at DESC, debriefs.id DESC",
        [*params, group_id],
    )
    return [_debrief_from_row(row) for row in rows]


def go_to_step(db: Database, user: User, debrief_id: int, step_index: int) -> Debrief:
    """Move an open debrief to another step and restart the step clock (facilitators)."""
    debrief = _debrief_from_row(_debrief_row(db, user, debrief_id, "run"))
    _check_step(debrief, step_index)
    db.execute(
        "UPDATE debriefs SET current_step = ?, step_started_at = ? WHERE id = ?", [step_index, utc_now(), debrief_id]
    )
    return get_debrief(db, user, debrief_id)


def close_debrief(db: Database, user: User, debrief_id: int) -> Debrief:
    """Close a debrief: from now on it is read-only, except ticking action items done."""
    _debrief_row(db, user, debrief_id, "run")
    db.execute("UPDATE debriefs SET status = 'closed', closed_at = ? WHERE id = ?", [utc_now(), debrief_id])
    return get_debrief(db, user, debrief_id)


def delete_debrief(db: Database, user: User, debrief_id: int) -> None:
    _debrief_row(db, user, debrief_id, "delete")
    db.execute("DELETE FROM debriefs WHERE id = ?", [debrief_id])


def step_clock(debrief: Debrief, now: datetime | None = None) -> StepClock:
    started = datetime.fromisoformat(debrief.step_started_at or debrief.started_at)
    elapsed = (now or datetime.now(UTC)) - started
    return StepClock(started, debrief.step.minutes or 0, max(0, int(elapsed.total_seconds() // 60)))


# --- notes ------------------------------------------------------------------------------------------

_NOTE_SELECT = """
    SELECT debrief_notes.*, users.display_name AS author_name
    FROM debrief_notes LEFT JOIN users ON users.id = debrief_notes.author_id
"""


def _note_from_row(row: dict) -> Note:
    return from_row(Note, row, author_name=row["author_name"] or accounts.FORMER_MEMBER,
                    analysis=language.stored_analysis(row["analysis"]))


def _note_row(db: Database, user: User, note_id: int, action: str) -> dict:
    return access.authorised_row(db, user, action, "note", note_id, select=_NOTE_SELECT)


def _note_analysis(db: Database, debrief_id: int, author_id: int | None, body: str) -> str:
    group_id = db.execute("SELECT group_id FROM debriefs WHERE id = ?", [debrief_id]).fetchone()[0]
    return check_group_text(db, group_id, author_id, body).to_json()


def add_note(db: Database, user: User, debrief_id: int, step_index: int, body: str) -> Note:
    debrief = _debrief_from_row(_debrief_row(db, user, debrief_id, "create"))
    _check_step(debrief, step_index)
    body = clean_message(body, "note")
    analysis = _note_analysis(db, debrief_id, user.id, body)
    now = utc_now()
    with writing(db):  # a full or read-only disk surfaces as StorageError, with the note still in its box
        note_id = db["debrief_notes"].insert(
            {
                "debrief_id": debrief_id,
                "step_index": step_index,
                "author_id": user.id,
                "body": body,
                "analysis": analysis,
                "created_at": now,
                "updated_at": now,
            }
        ).last_pk
    return _note_from_row(_note_row(db, user, note_id, "read"))


def update_note(db: Database, user: User, note_id: int, body: str) -> Note:
    row = _note_row(db, user, note_id, "edit")
    body = clean_message(body, "note")
    analysis = _note_analysis(db, row["debrief_id"], row["author_id"], body)
    with writing(db):
        db["debrief_notes"].update(note_id, {"body": body, "analysis": analysis, "updated_at": utc_now()})
    return _note_from_row(_note_row(db, user, note_id, "read"))


def delete_note(db: Database, user: User, note_id: int) -> None:
    _note_row(db, user, note_id, "delete")
    with writing(db):
        db.execute("DELETE FROM debrief_notes WHERE id = ?", [note_id])


def list_notes(db: Database, user: User, debrief_id: int) -> list[Note]:
    """Every note of a debrief, by step, oldest first within a step."""
    _debrief_row(db, user, debrief_id, "read")
    rows = db.query(
        f"{_NOTE_SELECT} WHERE debrief_notes.debrief_id = ? ORDER BY debrief_notes.step_index, debrief_notes.id",
        [debrief_id],
    )
    return [_note_from_row(row) for row in rows]


# --- action items -----------------------------------------------------------------------------------

_ACTION_SELECT = """
    SELECT action_items.*, users.display_name AS owner_name
    FROM action_items LEFT JOIN users ON users.id = action_items.owner_id
"""


def _action_from_row(row: dict) -> ActionItem:
    return from_row(ActionItem, row, owner_name=row["owner_name"] or accounts.FORMER_MEMBER)


def _action_row(db: Database, user: User, item_id: int, action: str) -> dict:
    return access.authorised_row(db, user, action, "action_item", item_id, select=_ACTION_SELECT)


def add_action_item(
    db: Database, user: User, debrief_id: int, text: str, owner_id: int, due_on: date | None = None
) -> ActionItem:
    debrief = _debrief_row(db, user, debrief_id, "create")
    text = required_line(text, "action item", MAX_ACTION_TEXT_CHARS)
    _require_member(db, debrief["group_id"], owner_id, "owner")
    with writing(db):
        item_id = db["action_items"].insert(
            {
                "debrief_id": debrief_id,
                "text": text,
                "owner_id": owner_id,
                "due_on": due_on.isoformat() if due_on else None,
                "done": 0,
                "created_by": user.id,
                "created_at": utc_now(),
            }
        ).last_pk
    return _action_from_row(_action_row(db, user, item_id, "read"))


def set_action_item_done(db: Database, user: User, item_id: int, done: bool = True) -> ActionItem:
    """Its owner or a facilitator ticks an item done (or not), also after the debrief closed."""
    _action_row(db, user, item_id, "complete")
    with writing(db):
        db.execute("UPDATE action_items SET done = ? WHERE id = ?", [int(done), item_id])
    return _action_from_row(_action_row(db, user, item_id, "read"))


def delete_action_item(db: Database, user: User, item_id: int) -> None:
    _action_row(db, user, item_id, "delete")
    with writing(db):
        db.execute("DELETE FROM action_items WHERE id = ?", [item_id])


def list_action_items(db: Database, user: User, debrief_id: int) -> list[ActionItem]:
    """Open items first, then by due date (undated last)."""
    _debrief_row(db, user, debrief_id, "read")
    rows = db.query(
        f"{_ACTION_SELECT} WHERE action_items.debrief_id = ? "
        "ORDER BY action_items.done, action_items.due_on IS NULL, action_items.due_on, action_items.id",
        [debrief_id],
    )
    return [_action_from_row(row) for row in rows]


def may(db: Database, user: User, action: str, kind: str, item: Note | ActionItem) -> bool:
    """Whether the UI should offer an action on a note or action item; the domain call checks again."""
    return access.allowed(db, user, action, kind, dataclasses.asdict(item))


# --- the Markdown record ----------------------------------------------------------------------------


def _quoted(text: str) -> str:
    """Indent continuation lines so a multi-line note stays inside its list item."""
    return text.replace("\n", "\n  ")


def debrief_markdown(db: Database, user: User, debrief_id: int) -> str:
    """The whole debrief as a Markdown document: steps with their notes, then the action items."""
    debrief = get_debrief(db, user, debrief_id)
    notes = list_notes(db, user, debrief_id)
    items = list_action_items(db, user, debrief_id)
    lines = [
        f"# {debrief.title}",
        "",
        f"- Group: {debrief.group_name}",
        f"- Protocol: {debrief.protocol_name}",
        *([f"- Started by: {debrief.facilitator_name}"] if access.is_circle(db, debrief.group_id)
          else [f"- Facilitator: {debrief.facilitator_name}", f"- Presenter: {debrief.presenter_name}"]),
        f"- Started: {debrief.started_at}",
        f"- Closed: {debrief.closed_at or 'still open'}",
    ]
    for index, step in enumerate(debrief.steps):
        lines += ["", f"## {index + 1}. {step.title}", "", f"*{step.role}, {step.minutes} min* — {step.prompt}", ""]
        step_notes = [note for note in notes if note.step_index == index]
        lines += [f"- {_quoted(note.body)} ({note.author_name})" for note in step_notes] or ["No notes."]
    lines += ["", "## Action items", ""]
    lines += [
        f"- [{'x' if item.done else ' '}] {item.text} — {item.owner_name}"
        + (f", due {item.due_on.isoformat()}" if item.due_on else "")
        for item in items
    ] or ["None."]
    return "\n".join(lines) + "\n"
