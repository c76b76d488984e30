"""Unsaved work on the Write page, kept per user so it survives a rerun and a sign-out."""

from __future__ import annotations

import json

from sqlite_utils import Database

from .accounts import User
from .db import utc_now, writing


def save_draft(db: Database, user: User, data: dict) -> None:
    with writing(db):
        db.execute(
            "INSERT INTO drafts (user_id, data, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            [user.id, json.dumps(data), utc_now()],
        )


def load_draft(db: Database, user: User) -> dict | None:
    row = db.execute("SELECT data FROM drafts WHERE user_id = ?", [user.id]).fetchone()
    return json.loads(row[0]) if row else None


def clear_draft(db: Database, user: User) -> None:
    db.execute("DELETE FROM drafts WHERE user_id = ?", [user.id])
