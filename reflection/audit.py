"""What was done to an account, kept for its owner to see.

An admin can reset anyone's password, and whoever knows a password can read that journal; so the
reset is recorded here, its owner is told at their next sign-in ("your password was reset by … on …")
and the Account page keeps the whole history. Admins have no way to read or delete these rows.
Changes by someone else are shown once as a notice, until the owner dismisses it; the owner's own
changes only appear in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlite_utils import Database

from .db import from_row, utc_now

if TYPE_CHECKING:
    from .accounts import User

# event name -> what its owner reads; {actor} and {when} are filled in.
EVENTS = {
    "password_reset": "Your password was reset by {actor} on {when}.",
    "password_changed": "Your password was changed by {actor} on {when}.",
}


@dataclass(frozen=True)
class AuditEvent:
    id: int
    event: str
    actor_name: str
    by_someone_else: bool
    created_at: str
    seen: bool

    @property
    def message(self) -> str:
        actor = self.actor_name if self.by_someone_else else "you"
        when = datetime.fromisoformat(self.created_at).strftime("%-d %B %Y at %H:%M UTC")
        return EVENTS[self.event].format(actor=actor, when=when)


def actor_name(actor: User) -> str:
    return f"{actor.display_name} ({actor.username})"


def record(db: Database, user_id: int, actor: User, event: str) -> None:
    """Note that `actor` did `event` to account `user_id` (call inside the change's transaction)."""
    if event not in EVENTS:
        raise ValueError(f"Unknown audit event: {event}")
    db.execute(
        "INSERT INTO audit_log (user_id, actor_id, actor_name, event, created_at) VALUES (?, ?, ?, ?, ?)",
        [user_id, actor.id, actor_name(actor), event, utc_now()],
    )


def _events(db: Database, user: User, extra_where: str = "") -> list[AuditEvent]:
    rows = db.query(
        "SELECT id, event, actor_name, actor_id IS NULL OR actor_id != user_id AS by_someone_else, created_at, "
        f"seen_at IS NOT NULL AS seen FROM audit_log WHERE user_id = ? {extra_where} ORDER BY created_at DESC, id DESC",
        [user.id],
    )
    return [from_row(AuditEvent, row) for row in rows]


def history(db: Database, user: User) -> list[AuditEvent]:
    """Everything recorded about the account, newest first."""
    return _events(db, user)


def unseen_notices(db: Database, user: User) -> list[AuditEvent]:
    """What someone else did to the account that its owner has not dismissed yet."""
    return _events(db, user, "AND seen_at IS NULL AND (actor_id IS NULL OR actor_id != user_id)")


def dismiss_notices(db: Database, user: User) -> None:
    db.execute("UPDATE audit_log SET seen_at = ? WHERE user_id = ? AND seen_at IS NULL", [utc_now(), user.id])
