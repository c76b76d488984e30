"""The one place that decides who may do what with which object.

Every module that reads or writes user data asks `require()` (or `allowed()`), fetching one object by id
with `authorised_row()`, and every list or search narrows its SQL with the scope helpers below, so a rule
changes here and nowhere else.

Objects are database rows (dicts). Actions:
    read, list, search, edit, delete, comment, share  — summed up in docs/architecture.md
    create   — add a child object (a note or action item to a debrief, a debrief to a group), or a
               new group (kind "groups", the collection: admins and current facilitators)
    manage   — facilitator/admin work on a PLC group (remove members, norms) or admin work on accounts;
               on one account: mark it new this year (admins, and facilitators of a PLC it is in)
    invite   — bring an account into a group or make it a facilitator (add it, make an invite code,
               promote): the group's facilitators only. An admin who could do this could add
               themselves and read the group's debriefs and shares.
    run      — move a debrief (a circle's check-in) through its steps and close it
    edit     — on a group: set its meeting rhythm; in a circle also propose and agree norms

Peer circles are groups of kind "circle": every member is an equal and holds what a PLC gives its
facilitators (start and run a check-in, invite, set the rhythm), but nobody removes anybody and norms
change by agreement. An admin may create a circle and see that it exists, never what is said in it.
    complete — tick an action item done (allowed after the debrief closes)
    leave    — leave a group
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlite_utils import Database

from .db import one_row
from .errors import AccessDenied

if TYPE_CHECKING:
    from .accounts import User

ACTIONS = (
    "read", "list", "search", "edit", "delete", "comment", "share", "create", "manage", "invite", "run", "complete",
    "leave",
)
KINDS = (
    "accounts", "groups", "circles", "account", "entry", "share", "comment", "group", "debrief", "note",
    "action_item", "prompt_set", "question", "answer",
)

# Kinds that name a whole collection rather than one row, so their rules are asked with obj None.
_COLLECTIONS = ("accounts", "groups", "circles")
# The table that holds each kind of row, for `authorised_row`.
_TABLES = {
    "account": "users", "entry": "entries", "share": "shares", "comment": "comments", "group": "groups",
    "debrief": "debriefs", "note": "debrief_notes", "action_item": "action_items", "prompt_set": "prompt_sets",
    "question": "circle_questions", "answer": "circle_answers",
}

DENIED_MESSAGE = "That item is not available to you. It may have been removed or not shared with you."


def group_role(db: Database, user: User, group_id: int | None) -> str | None:
    """'facilitator', 'member' or None."""
    return member_role(db, user.id, group_id)


def member_role(db: Database, user_id: int | None, group_id: int | None) -> str | None:
    """The role of any account in a group, e.g. a member a facilitator is about to remove."""
    if group_id is None or user_id is None:
        return None
    row = db.execute(
        "SELECT role FROM group_members WHERE group_id = ? AND user_id = ?", [group_id, user_id]
    ).fetchone()
    return row[0] if row else None


def _is_member(db: Database, user: User, group_id: int | None) -> bool:
    return group_role(db, user, group_id) is not None


def _is_facilitator(db: Database, user: User, group_id: int | None) -> bool:
    return group_role(db, user, group_id) == "facilitator"


def is_circle(db: Database, group_id: int | None) -> bool:
    row = db.execute("SELECT kind FROM groups WHERE id = ?", [group_id]).fetchone()
    return row is not None and row[0] == "circle"


def _leads(db: Database, user: User, group_id: int | None) -> bool:
    """Who runs meetings and brings people in: a PLC's facilitators, and every member of a circle."""
    role = group_role(db, user, group_id)
    return role == "facilitator" or (role is not None and is_circle(db, group_id))


def _accounts(db: Database, user: User, action: str, obj: None) -> bool:
    return action == "manage" and user.is_admin


def _groups(db: Database, user: User, action: str, obj: None) -> bool:
    # Creating a group makes its creator answerable for it, so only admins (who then pick a
    # facilitator) and people already trusted to facilitate a group may start new ones.
    if action != "create":
        return False
    return user.is_admin or db.execute(
        "SELECT 1 FROM group_members WHERE user_id = ? AND role = 'facilitator' LIMIT 1", [user.id]
    ).fetchone() is not None


def _circles(db: Database, user: User, action: str, obj: None) -> bool:
    # Peers start their own circles; nobody is answerable for a circle but its members.
    return action == "create"


def _account(db: Database, user: User, action: str, account: dict) -> bool:
    """Marking an account new this year: admins, and facilitators of a PLC group the account is in."""
    if action != "manage":
        return False
    return user.is_admin or db.execute(
        "SELECT 1 FROM group_members AS mine JOIN group_members AS theirs ON theirs.group_id = mine.group_id "
        "JOIN groups ON groups.id = mine.group_id "
        "WHERE mine.user_id = ? AND mine.role = 'facilitator' AND theirs.user_id = ? AND groups.kind = 'plc' LIMIT 1",
        [user.id, account["id"]],
    ).fetchone() is not None


def _entry(db: Database, user: User, action: str, entry: dict) -> bool:
    # Private journal: the author alone, for everything; admins included in "everyone else".
    return entry["author_id"] == user.id and action in ("read", "list", "search", "edit", "delete", "share")


def _share_recipient(db: Database, user: User, share: dict) -> bool:
    if share["withdrawn_at"] is not None:
        return False
    if share["coach_id"] is not None:
        # The teacher chose this person as their coach: once the account is no longer a coach's,
        # what was sent to the coach is no longer theirs to read.
        return share["coach_id"] == user.id and user.is_coach
    return _is_member(db, user, share["group_id"])


def _share(db: Database, user: User, action: str, share: dict) -> bool:
    is_owner = share["owner_id"] == user.id
    if action in ("read", "list", "search"):
        return is_owner or _share_recipient(db, user, share)
    if action == "comment":
        return share["withdrawn_at"] is None and (is_owner or _share_recipient(db, user, share))
    if action == "delete":  # withdrawing the share
        return is_owner
    return False


def _share_of(db: Database, share_id: int) -> dict | None:
    return one_row(db, "SELECT * FROM shares WHERE id = ?", [share_id])


def _comment(db: Database, user: User, action: str, comment: dict) -> bool:
    share = _share_of(db, comment["share_id"])
    if share is None:
        return False
    if action in ("read", "list"):
        return _share(db, user, "read", share)
    if action in ("edit", "delete"):
        return comment["author_id"] == user.id and _share(db, user, "read", share)
    return False


def _group(db: Database, user: User, action: str, group: dict) -> bool:
    role = group_role(db, user, group["id"])
    if action in ("read", "list"):
        return role is not None or user.is_admin
    if action in ("create", "invite", "edit"):  # start a debrief, add a group prompt set; bring people in
        return _leads(db, user, group["id"])
    if action == "manage":  # circles have no one above their members, and their norms are agreed
        return group["kind"] == "plc" and (role == "facilitator" or user.is_admin)
    if action == "delete":
        return user.is_admin
    if action in ("leave", "share"):  # share: share one of your own entries with the group
        return role is not None
    return False


def _debrief_group(db: Database, debrief_id: int) -> tuple[int, str] | None:
    row = db.execute("SELECT group_id, status FROM debriefs WHERE id = ?", [debrief_id]).fetchone()
    return (row[0], row[1]) if row else None


def _debrief(db: Database, user: User, action: str, debrief: dict) -> bool:
    group_id, is_open = debrief["group_id"], debrief["status"] == "open"
    if action in ("read", "list", "search"):
        return _is_member(db, user, group_id)
    if action == "create":  # add notes and action items
        return is_open and _is_member(db, user, group_id)
    if action in ("run", "edit"):
        return is_open and _leads(db, user, group_id)
    if action == "delete":  # in a circle, only the member who started the check-in
        if is_circle(db, group_id):
            return _is_member(db, user, group_id) and debrief["facilitator_id"] == user.id
        return _is_facilitator(db, user, group_id)
    return False


def _debrief_child(author_columns: tuple[str, ...]) -> Callable[[Database, User, str, dict], bool]:
    """Notes and action items share one rule: the group reads; while open, their authors and the
    facilitator edit; an action item's owner or the facilitator ticks it done, even after closing."""

    def rule(db: Database, user: User, action: str, obj: dict) -> bool:
        found = _debrief_group(db, obj["debrief_id"])
        if found is None:
            return False
        group_id, status = found
        if action in ("read", "list", "search"):
            return _is_member(db, user, group_id)
        if action in ("edit", "delete"):
            return status == "open" and _is_member(db, user, group_id) and (
                any(obj.get(column) == user.id for column in author_columns)
                or _is_facilitator(db, user, group_id)
            )
        if action == "complete":
            return _is_member(db, user, group_id) and (
                obj.get("owner_id") == user.id or _is_facilitator(db, user, group_id)
            )
        return False

    return rule


def _prompt_set(db: Database, user: User, action: str, prompt_set: dict) -> bool:
    if prompt_set["owner_id"] is not None:
        return prompt_set["owner_id"] == user.id and action in ("read", "list", "edit", "delete")
    if action in ("read", "list"):
        return _is_member(db, user, prompt_set["group_id"])
    if action in ("edit", "delete"):
        return _leads(db, user, prompt_set["group_id"])
    return False


def _question(db: Database, user: User, action: str, question: dict) -> bool:
    """A circle's question: its members read and answer (comment) it; its author alone deletes it."""
    if not _is_member(db, user, question["group_id"]):
        return False
    if action in ("read", "list", "search", "comment"):
        return True
    return action == "delete" and question["author_id"] == user.id


def _answer(db: Database, user: User, action: str, answer: dict) -> bool:
    row = db.execute("SELECT group_id FROM circle_questions WHERE id = ?", [answer["question_id"]]).fetchone()
    if row is None or not _is_member(db, user, row[0]):
        return False
    if action in ("read", "list", "search"):
        return True
    return action == "delete" and answer["author_id"] == user.id


_RULES: dict[str, Callable[[Database, User, str, object], bool]] = {
    "accounts": _accounts,
    "groups": _groups,
    "circles": _circles,
    "account": _account,
    "entry": _entry,
    "share": _share,
    "comment": _comment,
    "group": _group,
    "debrief": _debrief,
    "note": _debrief_child(("author_id",)),
    "action_item": _debrief_child(("created_by", "owner_id")),
    "prompt_set": _prompt_set,
    "question": _question,
    "answer": _answer,
}


def allowed(db: Database, user: User | None, action: str, kind: str, obj: object) -> bool:
    if user is None or not user.active:
        return False
    if action not in ACTIONS or kind not in KINDS:
        raise ValueError(f"Unknown permission question: {action} on {kind}")
    if kind not in _COLLECTIONS and obj is None:
        return False
    return _RULES[kind](db, user, action, obj)


def require(db: Database, user: User | None, action: str, kind: str, obj: object) -> None:
    if not allowed(db, user, action, kind, obj):
        raise AccessDenied(DENIED_MESSAGE)


def authorised_row(db: Database, user: User | None, action: str, kind: str, row_id: int, *,
                   select: str | None = None) -> dict:
    """The row of `kind` with id `row_id`, once `require` agrees that `user` may do `action` with it.

    `select` is a query up to its WHERE clause, for callers that want joined columns (names) beside the
    row's own. A row that does not exist is refused like a forbidden one, so ids reveal nothing.
    """
    table = _TABLES[kind]
    row = one_row(db, f"{select or f'SELECT * FROM {table}'} WHERE {table}.id = ?", [row_id])
    require(db, user, action, kind, row)
    return row


# --- Scopes: SQL fragments that list only what `allowed(..., "list", ...)` would accept. ---

def own_entries_where(user: User, alias: str = "entries") -> tuple[str, list]:
    return f"{alias}.author_id = ?", [user.id]


def owner_token(user_id: int) -> str:
    """The word indexed beside each entry so full-text search can be narrowed to one author."""
    return f"u{user_id}"


def received_shares_where(user: User, alias: str = "shares") -> tuple[str, list]:
    """Shares sent to this user as a coach or to a group they belong to, not withdrawn.

    A teacher's own share into their group is theirs, not received: it is listed with their shares.
    Shares sent to a coach reach the account only while it is a coach's (see `_share_recipient`).
    """
    return (
        f"{alias}.withdrawn_at IS NULL AND {alias}.owner_id != ? AND (({alias}.coach_id = ? AND ?) OR "
        f"{alias}.group_id IN (SELECT group_id FROM group_members WHERE user_id = ?))",
        [user.id, user.id, int(user.is_coach), user.id],
    )


def own_shares_where(user: User, alias: str = "shares") -> tuple[str, list]:
    """Shares the user made, withdrawn ones included: the owner keeps the comments they received."""
    return f"{alias}.owner_id = ?", [user.id]


def member_groups_where(user: User, alias: str = "groups") -> tuple[str, list]:
    if user.is_admin:
        return "1 = 1", []
    return f"{alias}.id IN (SELECT group_id FROM group_members WHERE user_id = ?)", [user.id]


def member_conversations_where(user: User, alias: str = "debriefs") -> tuple[str, list]:
    """Rows of the user's groups that hold what members say (debriefs, circle questions); unlike groups,
    admins get no view of the conversation."""
    return f"{alias}.group_id IN (SELECT group_id FROM group_members WHERE user_id = ?)", [user.id]
