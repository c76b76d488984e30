"""PLC groups (membership, invite codes, norms) and the debriefs they run from a protocol.

Peer circles (reflection/circles.py) are groups too, of kind "circle": they share membership, invite
codes and debriefs (a circle's check-in is a debrief with no presenter), with the rules for equals in
`access`. A circle holds at most MAX_CIRCLE_MEMBERS, and nobody in it is ever made a facilitator.

Who may create groups: admins, who name the first facilitator, and anyone who already facilitates
a group, who becomes the new group's facilitator. Every group keeps at least one facilitator: the
last one can neither leave nor be removed until they promote someone else.

A debrief stores its protocol as it was when the debrief started (name and steps, as JSON in
`debriefs.protocol`), so notes keyed by step index keep pointing at the right step even if the
protocol file is later edited or removed, and a closed debrief exports exactly as it was run.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlite_utils import Database

from . import access, accounts, check_pool, journal, language, prompts
from .accounts import User
from .db import one_row, utc_now, writing
from .errors import InvalidInput

MAX_GROUP_NAME_CHARS = 80
MAX_NORMS_CHARS = 5_000
MAX_DEBRIEF_TITLE_CHARS = 200
MAX_ACTION_TEXT_CHARS = 500
INVITE_CODE_BYTES = 9  # 12 URL-safe characters: unguessable, still easy to read out in a meeting
# A newcomer is helped most by a few peers they meet regularly; past six, a check-in round takes too long.
MAX_CIRCLE_MEMBERS = 6


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    norms: str
    created_at: str
    my_role: str | None  # the viewer's role in it; None for an admin who is not a member
    kind: str = "plc"  # or "circle"
    welcomes_newcomers: bool = False  # a circle that newcomers are offered to join

    @property
    def is_facilitator(self) -> bool:
        return self.my_role == "facilitator"

    @property
    def is_circle(self) -> bool:
        return self.kind == "circle"

    @property
    def leads(self) -> bool:
        """Whether the viewer runs meetings and invites (see `access._leads`, which decides)."""
        return self.is_facilitator or (self.is_circle and self.my_role is not None)


@dataclass(frozen=True)
class Member:
    user_id: int
    username: str
    display_name: str
    role: str
    joined_at: str
    new_this_year: bool = False


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


def _single_line(text: str, what: str, limit: int) -> str:
    text = " ".join(journal.clean_text(text).split())
    if not text:
        raise InvalidInput(f"Please give the {what}.")
    if len(text) > limit:
        raise InvalidInput(f"The {what} can be at most {limit} characters.")
    return text


def _active_user_id(db: Database, user_id: int | None, what: str) -> int:
    row = db.execute("SELECT active FROM users WHERE id = ?", [user_id]).fetchone() if user_id else None
    if row is None or not row[0]:
        raise InvalidInput(f"Please choose the {what} from the list of accounts.")
    return user_id


# --- groups -----------------------------------------------------------------------------------------


def may_create_groups(db: Database, user: User) -> bool:
    return access.allowed(db, user, "create", "groups", None)


def _group_from_row(db: Database, user: User, row: dict) -> Group:
    return Group(row["id"], row["name"], row["norms"], row["created_at"], access.group_role(db, user, row["id"]),
                 row["kind"], bool(row["welcomes_newcomers"]))


def _group_row(db: Database, user: User, group_id: int, action: str) -> dict:
    row = one_row(db, "SELECT * FROM groups WHERE id = ?", [group_id])
    access.require(db, user, action, "group", row)
    return row


def create_group(db: Database, user: User, name: str, *, facilitator_id: int | None = None, norms: str = "") -> Group:
    """A new group with one facilitator: the creator, or the account an admin picks."""
    access.require(db, user, "create", "groups", None)
    return insert_group(db, user, name, "plc", facilitator_id, norms=norms)


def insert_group(db: Database, user: User, name: str, kind: str, first_member_id: int | None, *,
                 norms: str = "") -> Group:
    """A new group with one first member (a PLC's facilitator): the creator, or the account an admin picks.
    The caller has checked that `user` may create this kind of group."""
    what = "facilitator" if kind == "plc" else "first member"
    name = _single_line(name, "group name", MAX_GROUP_NAME_CHARS)
    norms = clean_norms(norms)
    if first_member_id is None or first_member_id == user.id:
        if user.is_admin and kind == "circle":
            raise InvalidInput("Please choose the circle's first member: administrators are not members of the "
                               "circles they create.")
        first_member_id = user.id
    elif not user.is_admin:
        raise InvalidInput(f"You become the {what} of groups you create; add others once it exists.")
    first_member_id = _active_user_id(db, first_member_id, what)
    now = utc_now()
    with writing(db):
        if db.execute("SELECT 1 FROM groups WHERE name = ?", [name]).fetchone():
            raise InvalidInput(f"There is already a group called “{name}”. Please choose another name.")
        group_id = db["groups"].insert(
            {"name": name, "norms": norms, "created_by": user.id, "created_at": now, "kind": kind}
        ).last_pk
        db["group_members"].insert({
            "group_id": group_id, "user_id": first_member_id, "role": "facilitator" if kind == "plc" else "member",
            "joined_at": now,
        })
    return get_group(db, user, group_id)


def get_group(db: Database, user: User, group_id: int) -> Group:
    return _group_from_row(db, user, _group_row(db, user, group_id, "read"))


def list_groups(db: Database, user: User, kind: str | None = None) -> list[Group]:
    """The user's groups by name (every group, for an admin), of one kind when `kind` is given."""
    where, params = access.member_groups_where(user)
    if kind is not None:
        where, params = f"({where}) AND groups.kind = ?", [*params, kind]
    rows = db.query(f"SELECT * FROM groups WHERE {where} ORDER BY name COLLATE NOCASE", params)
    return [_group_from_row(db, user, row) for row in rows]


def delete_group(db: Database, user: User, group_id: int) -> None:
    """Delete a group with its debriefs, notes, action items and group shares (admins only)."""
    _group_row(db, user, group_id, "delete")
    db.execute("DELETE FROM groups WHERE id = ?", [group_id])


def clean_norms(norms: str) -> str:
    norms = journal.clean_text(norms).strip()
    if len(norms) > MAX_NORMS_CHARS:
        raise InvalidInput(f"Group norms can be at most {MAX_NORMS_CHARS:,} characters.")
    return norms


def set_norms(db: Database, user: User, group_id: int, norms: str) -> Group:
    _group_row(db, user, group_id, "manage")
    db.execute("UPDATE groups SET norms = ? WHERE id = ?", [clean_norms(norms), group_id])
    return get_group(db, user, group_id)


def list_members(db: Database, user: User, group_id: int) -> list[Member]:
    """Facilitators first, then members, each by name."""
    _group_row(db, user, group_id, "read")
    rows = db.query(
        "SELECT users.id, users.username, users.display_name, group_members.role, group_members.joined_at, "
        "coalesce(users.newcomer_until > ?, 0) AS new_this_year "
        "FROM group_members JOIN users ON users.id = group_members.user_id WHERE group_members.group_id = ? "
        "ORDER BY group_members.role = 'member', users.display_name COLLATE NOCASE",
        [date.today().isoformat(), group_id],
    )
    return [Member(row["id"], row["username"], row["display_name"], row["role"], row["joined_at"],
                   bool(row["new_this_year"])) for row in rows]


def member_count(db: Database, group_id: int) -> int:
    return db.execute("SELECT count(*) FROM group_members WHERE group_id = ?", [group_id]).fetchone()[0]


def insert_member(db: Database, group_id: int, user_id: int) -> None:
    """Add an account as a member; the caller has checked who may bring it in, inside `writing`."""
    if db.execute(
        "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?", [group_id, user_id]
    ).fetchone():
        raise InvalidInput("That person is already a member of this group.")
    if access.is_circle(db, group_id) and member_count(db, group_id) >= MAX_CIRCLE_MEMBERS:
        raise InvalidInput(f"This circle already has {MAX_CIRCLE_MEMBERS} members, as many as a circle can have.")
    db["group_members"].insert({"group_id": group_id, "user_id": user_id, "role": "member", "joined_at": utc_now()})


def add_member(db: Database, user: User, group_id: int, username: str) -> None:
    """Invite an existing account into the group directly (its facilitators)."""
    _group_row(db, user, group_id, "invite")
    row = db.execute("SELECT id, active FROM users WHERE username = ?", [(username or "").strip()]).fetchone()
    if row is None or not row[1]:
        raise InvalidInput(f"There is no active account with the username “{(username or '').strip()}”.")
    with writing(db):
        insert_member(db, group_id, row[0])


def create_invite_code(db: Database, user: User, group_id: int) -> str:
    """A one-time code anyone signed in can use to join the group once."""
    _group_row(db, user, group_id, "invite")
    code = secrets.token_urlsafe(INVITE_CODE_BYTES)
    db["group_invites"].insert({"code": code, "group_id": group_id, "created_by": user.id, "created_at": utc_now()})
    return code


def join_with_code(db: Database, user: User, code: str) -> Group:
    code = (code or "").strip()
    with writing(db):
        # used_at, not used_by: used_by is cleared when that account is deleted, the code stays spent.
        invite = db.execute("SELECT group_id, used_at FROM group_invites WHERE code = ?", [code]).fetchone()
        if invite is None:
            raise InvalidInput("That invite code is not valid. Check it for typos, or ask your facilitator for a new one.")
        if invite[1] is not None:
            raise InvalidInput("That invite code has already been used. Ask your facilitator for a new one.")
        group_id = invite[0]
        if access.group_role(db, user, group_id) is not None:
            raise InvalidInput("You are already a member of that group; the code is still unused.")
        insert_member(db, group_id, user.id)
        db.execute("UPDATE group_invites SET used_by = ?, used_at = ? WHERE code = ?", [user.id, utc_now(), code])
    return get_group(db, user, group_id)


def _ensure_another_facilitator(db: Database, group_id: int, user_id: int) -> None:
    others = db.execute(
        "SELECT count(*) FROM group_members WHERE group_id = ? AND role = 'facilitator' AND user_id != ?",
        [group_id, user_id],
    ).fetchone()[0]
    if others == 0:
        raise InvalidInput("A group needs at least one facilitator: promote another member first.")


def _drop_member(db: Database, group_id: int, user_id: int) -> None:
    with writing(db):
        role = access.member_role(db, user_id, group_id)
        if role is None:
            raise InvalidInput("That person is not a member of this group.")
        if role == "facilitator":
            _ensure_another_facilitator(db, group_id, user_id)
        db.execute("DELETE FROM group_members WHERE group_id = ? AND user_id = ?", [group_id, user_id])


def leave_group(db: Database, user: User, group_id: int) -> None:
    _group_row(db, user, group_id, "leave")
    _drop_member(db, group_id, user.id)


def remove_member(db: Database, user: User, group_id: int, member_id: int) -> None:
    _group_row(db, user, group_id, "manage")
    _drop_member(db, group_id, member_id)


def promote_member(db: Database, user: User, group_id: int, member_id: int) -> None:
    if _group_row(db, user, group_id, "invite")["kind"] == "circle":
        raise InvalidInput("Everyone in a circle is an equal: circles have no facilitators.")
    updated = db.execute(
        "UPDATE group_members SET role = 'facilitator' WHERE group_id = ? AND user_id = ?", [group_id, member_id]
    ).rowcount
    if not updated:
        raise InvalidInput("That person is not a member of this group.")


def _require_member(db: Database, group_id: int, user_id: int | None, what: str) -> int:
    if access.member_role(db, user_id, group_id) is None:
        raise InvalidInput(f"Please choose the {what} from the group's members.")
    return user_id


# --- debriefs ---------------------------------------------------------------------------------------

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
    return Debrief(
        id=row["id"],
        group_id=row["group_id"],
        group_name=row["group_name"],
        protocol_slug=protocol["slug"],
        protocol_name=protocol["name"],
        steps=tuple(prompts.PromptStep(**step) for step in protocol["steps"]),
        title=row["title"],
        facilitator_name=row["facilitator_name"] or accounts.FORMER_MEMBER,
        presenter_id=row["presenter_id"],
        presenter_name=row["presenter_name"] or accounts.FORMER_MEMBER,
        status=row["status"],
        current_step=row["current_step"],
        step_started_at=row["step_started_at"],
        started_at=row["started_at"],
        closed_at=row["closed_at"],
        outcome=protocol.get("outcome", ""),
    )


def _debrief_row(db: Database, user: User, debrief_id: int, action: str) -> dict:
    row = one_row(db, f"{_DEBRIEF_SELECT} WHERE debriefs.id = ?", [debrief_id])
    access.require(db, user, action, "debrief", row)
    return row


def start_debrief(
    db: Database, user: User, group_id: int, protocol: prompts.PromptSet, title: str, presenter_id: int | None
) -> Debrief:
    """A facilitator opens a debrief at the protocol's first step, with its clock running; a circle's
    check-in is a round among equals, with no presenter."""
    _group_row(db, user, group_id, "create")
    if protocol.kind != "protocol":
        raise InvalidInput(f"“{protocol.name}” is a reflection framework, not a PLC protocol.")
    title = _single_line(title, "debrief title", MAX_DEBRIEF_TITLE_CHARS)
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
    return Note(
        id=row["id"],
        debrief_id=row["debrief_id"],
        step_index=row["step_index"],
        author_id=row["author_id"],
        author_name=row["author_name"] or accounts.FORMER_MEMBER,
        body=row["body"],
        analysis=language.Analysis.from_dict(json.loads(row["analysis"])) if row["analysis"] else None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _note_row(db: Database, user: User, note_id: int, action: str) -> dict:
    row = one_row(db, f"{_NOTE_SELECT} WHERE debrief_notes.id = ?", [note_id])
    access.require(db, user, action, "note", row)
    return row


def check_group_text(db: Database, group_id: int, author_id: int | None, body: str) -> language.Analysis:
    """The bias check of a text written in a group, with the phrases the group and its author allowed."""
    phrases = [
        row[0]
        for row in db.execute(
            "SELECT phrase FROM allowed_phrases WHERE user_id = ? OR group_id = ?", [author_id, group_id]
        )
    ]
    return check_pool.analyse(body, phrases)


def _note_analysis(db: Database, debrief_id: int, author_id: int | None, body: str) -> str:
    group_id = db.execute("SELECT group_id FROM debriefs WHERE id = ?", [debrief_id]).fetchone()[0]
    return json.dumps(check_group_text(db, group_id, author_id, body).to_dict())


def add_note(db: Database, user: User, debrief_id: int, step_index: int, body: str) -> Note:
    debrief = _debrief_from_row(_debrief_row(db, user, debrief_id, "create"))
    _check_step(debrief, step_index)
    body = journal.clean_message(body, "note")
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
    body = journal.clean_message(body, "note")
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
    return ActionItem(
        id=row["id"],
        debrief_id=row["debrief_id"],
        text=row["text"],
        owner_id=row["owner_id"],
        owner_name=row["owner_name"] or accounts.FORMER_MEMBER,
        due_on=date.fromisoformat(row["due_on"]) if row["due_on"] else None,
        done=bool(row["done"]),
        created_by=row["created_by"],
    )


def _action_row(db: Database, user: User, item_id: int, action: str) -> dict:
    row = one_row(db, f"{_ACTION_SELECT} WHERE action_items.id = ?", [item_id])
    access.require(db, user, action, "action_item", row)
    return row


def add_action_item(
    db: Database, user: User, debrief_id: int, text: str, owner_id: int, due_on: date | None = None
) -> ActionItem:
    debrief = _debrief_row(db, user, debrief_id, "create")
    text = _single_line(text, "action item", MAX_ACTION_TEXT_CHARS)
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


# --- export -----------------------------------------------------------------------------------------


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
