"""Colleagues new this year: who may say so, and the circles a newcomer is offered.

Everyone starts outside, and what helps a newcomer most is a few peers, none of them a supervisor, to
meet with regularly. So an admin, or a facilitator of a PLC the person is in, can mark an account new
this year; the newcomer is then offered the circles that welcome newcomers and have room, and the
first-weeks prompt set. The mark lapses by itself after NEWCOMER_DAYS. Circle members see that a
member is new, and nothing more about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from . import access, groups
from .accounts import User
from .db import from_row, writing
from .errors import InvalidInput

NEWCOMER_DAYS = 365
FIRST_WEEKS_PROMPT_SET = "first_weeks"  # prompts/first_weeks.toml


@dataclass(frozen=True)
class OpenCircle:
    id: int
    name: str
    members: int


def mark_newcomer(db: Database, user: User, account_id: int, new: bool = True) -> None:
    """Mark an account new this year (for NEWCOMER_DAYS from today), or take the mark off."""
    access.authorised_row(db, user, "manage", "account", account_id)
    until = (date.today() + timedelta(days=NEWCOMER_DAYS)).isoformat() if new else None
    db.execute("UPDATE users SET newcomer_until = ? WHERE id = ?", [until, account_id])


def is_newcomer(db: Database, user: User) -> bool:
    row = db.execute("SELECT newcomer_until FROM users WHERE id = ?", [user.id]).fetchone()
    return bool(row and row[0] and row[0] > date.today().isoformat())


def circles_open_to(db: Database, user: User) -> list[OpenCircle]:
    """For a newcomer: circles that welcome newcomers, have room and do not have them yet."""
    if not is_newcomer(db, user):
        return []
    rows = db.query(
        "SELECT groups.id, groups.name, count(group_members.user_id) AS members FROM groups "
        "LEFT JOIN group_members ON group_members.group_id = groups.id "
        "WHERE groups.kind = 'circle' AND groups.welcomes_newcomers "
        "AND groups.id NOT IN (SELECT group_id FROM group_members WHERE user_id = ?) "
        "GROUP BY groups.id HAVING count(group_members.user_id) < ? ORDER BY groups.name COLLATE NOCASE",
        [user.id, groups.MAX_CIRCLE_MEMBERS],
    )
    return [from_row(OpenCircle, row) for row in rows]


def join_open_circle(db: Database, user: User, group_id: int) -> groups.Group:
    """A newcomer joins a circle that welcomes newcomers, without an invite code."""
    if group_id not in {circle.id for circle in circles_open_to(db, user)}:
        raise InvalidInput("That circle is not open to join: it may be full now. Ask one of its members for an "
                           "invite code, or pick another circle.")
    with writing(db):
        groups.insert_member(db, group_id, user.id)
    return groups.get_group(db, user, group_id)
