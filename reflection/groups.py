"""PLC groups: membership, invite codes and norms. Their debriefs are in reflection/debriefs.py.

Peer circles (reflection/circles.py) are groups too, of kind "circle": they share membership, invite
codes and debriefs (a circle's check-in is a debrief with no presenter), with the rules for equals in
`access`. A circle holds at most MAX_CIRCLE_MEMBERS, and nobody in it is ever made a facilitator.

Who may create groups: admins, who name the first facilitator, and anyone who already facilitates
a group, who becomes the new group's facilitator. Every group keeps at least one facilitator: the
last one can neither leave nor be removed until they promote someone else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from . import access
from .accounts import User
from .db import from_row, utc_now, writing
from .errors import InvalidInput
from .text_cleaning import clean_text, required_line

MAX_GROUP_NAME_CHARS = 80
MAX_NORMS_CHARS = 5_000
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


def _active_user_id(db: Database, user_id: int | None, what: str) -> int:
    row = db.execute("SELECT active FROM users WHERE id = ?", [user_id]).fetchone() if user_id else None
    if row is None or not row[0]:
        raise InvalidInput(f"Please choose the {what} from the list of accounts.")
    return user_id


def may_create_groups(db: Database, user: User) -> bool:
    return access.allowed(db, user, "create", "groups", None)


def _group_from_row(db: Database, user: User, row: dict) -> Group:
    return from_row(Group, row, my_role=access.group_role(db, user, row["id"]))


def create_group(db: Database, user: User, name: str, *, facilitator_id: int | None = None, norms: str = "") -> Group:
    """A new group with one facilitator: the creator, or the account an admin picks."""
    access.require(db, user, "create", "groups", None)
    return insert_group(db, user, name, "plc", facilitator_id, norms=norms)


def insert_group(db: Database, user: User, name: str, kind: str, first_member_id: int | None, *,
                 norms: str = "") -> Group:
    """A new group with one first member (a PLC's facilitator): the creator, or the account an admin picks.
    The caller has checked that `user` may create this kind of group."""
    what = "facilitator" if kind == "plc" else "first member"
    name = required_line(name, "group name", MAX_GROUP_NAME_CHARS)
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
    return _group_from_row(db, user, access.authorised_row(db, user, "read", "group", group_id))


def list_groups(db: Database, user: User, kind: str | None = None) -> list[Group]:
    """The user's groups by name (every group, for an admin), of one kind when `kind` is given."""
    where, params = access.member_groups_where(user)
    if kind is not None:
        where, params = f"({where}) AND groups.kind = ?", [*params, kind]
    rows = db.query(f"SELECT * FROM groups WHERE {where} ORDER BY name COLLATE NOCASE", params)
    return [_group_from_row(db, user, row) for row in rows]


def delete_group(db: Database, user: User, group_id: int) -> None:
    """Delete a group with its debriefs, notes, action items and group shares (admins only)."""
    access.authorised_row(db, user, "delete", "group", group_id)
    db.execute("DELETE FROM groups WHERE id = ?", [group_id])


def clean_norms(norms: str) -> str:
    norms = clean_text(norms).strip()
    if len(norms) > MAX_NORMS_CHARS:
        raise InvalidInput(f"Group norms can be at most {MAX_NORMS_CHARS:,} characters.")
    return norms


def set_norms(db: Database, user: User, group_id: int, norms: str) -> Group:
    access.authorised_row(db, user, "manage", "group", group_id)
    db.execute("UPDATE groups SET norms = ? WHERE id = ?", [clean_norms(norms), group_id])
    return get_group(db, user, group_id)


def list_members(db: Database, user: User, group_id: int) -> list[Member]:
    """Facilitators first, then members, each by name."""
    access.authorised_row(db, user, "read", "group", group_id)
    rows = db.query(
        "SELECT users.id AS user_id, users.username, users.display_name, group_members.role, "
        "group_members.joined_at, coalesce(users.newcomer_until > ?, 0) AS new_this_year "
        "FROM group_members JOIN users ON users.id = group_members.user_id WHERE group_members.group_id = ? "
        "ORDER BY group_members.role = 'member', users.display_name COLLATE NOCASE",
        [date.today().isoformat(), group_id],
    )
    return [from_row(Member, row) for row in rows]


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
    access.authorised_row(db, user, "invite", "group", group_id)
    row = db.execute("SELECT id, active FROM users WHERE username = ?", [(username or "").strip()]).fetchone()
    if row is None or not row[1]:
        raise InvalidInput(f"There is no active account with the username “{(username or '').strip()}”.")
    with writing(db):
        insert_member(db, group_id, row[0])


def create_invite_code(db: Database, user: User, group_id: int) -> str:
    """A one-time code anyone signed in can use to join the group once."""
    access.authorised_row(db, user, "invite", "group", group_id)
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
    access.authorised_row(db, user, "leave", "group", group_id)
    _drop_member(db, group_id, user.id)


def remove_member(db: Database, user: User, group_id: int, member_id: int) -> None:
    access.authorised_row(db, user, "manage", "group", group_id)
    _drop_member(db, group_id, member_id)


def promote_member(db: Database, user: User, group_id: int, member_id: int) -> None:
    if access.authorised_row(db, user, "invite", "group", group_id)["kind"] == "circle":
        raise InvalidInput("Everyone in a circle is an equal: circles have no facilitators.")
    updated = db.execute(
        "UPDATE group_members SET role = 'facilitator' WHERE group_id = ? AND user_id = ?", [group_id, member_id]
    ).rowcount
    if not updated:
        raise InvalidInput("That person is not a member of this group.")
