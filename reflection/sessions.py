"""Signed-in sessions, kept on the server so that they can be ended from anywhere.

Signing in makes a random token; the browser session holds the token and the database only its
SHA-256, so a copy of the database (a backup) signs nobody in. Every rerun of the app resumes the
session from its token and checks, in one query, that the account still exists and is active and that
its `session_version` has not moved on; then that the session is neither idle for longer than the
configured timeout nor older than MAX_SESSION_AGE. Deleting an account deletes its sessions (foreign
key); deactivation, a password change and an admin's reset call `end_all`, which raises the account's
session_version and deletes its sessions, so every open tab of that account is signed out on its next
rerun.

A plain hash rather than argon2: the token carries 256 random bits, so nothing can be guessed from its
hash, and the check runs on every rerun.

The browser keeps the token in an HttpOnly cookie, so a reload and a new tab stay signed in and no page
script can read it. A Streamlit script cannot set a cookie, so signing in hands the token over: the script
asks for a one-time code (`hand_over`) and sends the browser to the launcher's route (serve.py), which
swaps the code for the token (`take_over`) and sets the cookie. Codes live in this process's memory for
HANDOFF_SECONDS and work once; the token never appears in a URL, a log or the database. Expiry is decided
here, never left to the cookie.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from . import config
from .db import StorageError, from_row, one_row, writing
from .errors import SessionEnded

TOKEN_BYTES = 32
# However active, a session ends after this; the idle timeout usually ends it long before.
MAX_SESSION_AGE = timedelta(days=7)
# last_seen_at is written at most this often, so most reruns only read; the idle timeout is off by at
# most this much.
TOUCH_INTERVAL = timedelta(minutes=1)

ENDED_MESSAGE = (
    "You were signed out: you signed out in another tab or device, or your account changed (a new password, "
    "a reset by an administrator, or the account was deactivated or deleted). Please sign in again."
)

COOKIE_NAME = "reflection_session"
# Long enough for one redirect on a slow phone connection; the code is useless after one use anyway.
HANDOFF_SECONDS = 60


# Sessions opened while the database cannot be written (a read-only file, a full disk) are held in this
# process's memory as the row the table would have, and checked the same way on every rerun: reading a
# journal needs no write, and a change to the account ends them too. They end with the process.
_unstored: dict[str, dict] = {}
_unstored_lock = threading.Lock()

# One-time codes that carry a new session's token from the script to the cookie route: hash -> (token, expiry).
_handoffs: dict[str, tuple[str, datetime]] = {}
_handoffs_lock = threading.Lock()


@dataclass(frozen=True)
class Session:
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_timeout() -> timedelta:
    return timedelta(minutes=config.session_idle_minutes())


def describe(duration: timedelta) -> str:
    """'8 hours', '90 minutes', '1 minute': how long the idle timeout is, for messages and the README."""
    minutes = int(duration.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def start(db: Database, user_id: int, *, now: datetime | None = None) -> str:
    """Open a session for the account and return its token, for the browser session to hold."""
    now = now or _now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = {"token_hash": _hash(token), "user_id": user_id, "created_at": _stamp(now), "last_seen_at": _stamp(now),
           "expires_at": _stamp(now + MAX_SESSION_AGE)}
    try:
        with writing(db):
            # Tabs closed without signing out leave their rows behind; each sign-in clears the stale ones.
            db.execute(
                "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?",
                [_stamp(now), _stamp(now - idle_timeout())],
            )
            db["sessions"].insert({**row, "session_version": _account_version(db, user_id)})
    except StorageError:
        row["session_version"] = _account_version(db, user_id)
        with _unstored_lock:
            for stale in [key for key, held in _unstored.items() if _has_lapsed(held, now)]:
                del _unstored[stale]
            _unstored[row["token_hash"]] = {**row, "id": None}
    return token


def _account_version(db: Database, user_id: int) -> int:
    row = db.execute("SELECT session_version FROM users WHERE id = ? AND active = 1", [user_id]).fetchone()
    if row is None:
        raise SessionEnded(ENDED_MESSAGE)
    return row[0]


def _has_lapsed(row: dict, now: datetime) -> bool:
    return row["expires_at"] <= _stamp(now) or row["last_seen_at"] <= _stamp(now - idle_timeout())


def _unstored_row(db: Database, token_hash: str) -> dict | None:
    """A session held in memory, with its account's current version and state, as resume() reads them."""
    with _unstored_lock:
        held = _unstored.get(token_hash)
    if held is None:
        return None
    account = db.execute("SELECT session_version, active FROM users WHERE id = ?", [held["user_id"]]).fetchone()
    return {**held, "account_version": account[0] if account else None, "active": bool(account and account[1])}


def resume(db: Database, token: str | None, *, now: datetime | None = None) -> Session:
    """The live session behind `token`; raises SessionEnded, with the reason, once it has ended."""
    now = now or _now()
    token_hash = _hash(token or "")
    row = one_row(
        db,
        "SELECT sessions.*, users.session_version AS account_version, users.active FROM sessions "
        "JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = ?",
        [token_hash],
    ) or _unstored_row(db, token_hash)
    if row is None or not row["active"] or row["session_version"] != row["account_version"]:
        raise SessionEnded(ENDED_MESSAGE)
    session = from_row(Session, row)
    idle = idle_timeout()
    if now - session.last_seen_at >= idle:
        _forget(db, token_hash)
        raise SessionEnded(f"You were signed out after {describe(idle)} without activity. Please sign in again.")
    if now >= session.expires_at:
        _forget(db, token_hash)
        raise SessionEnded(f"Sessions last at most {MAX_SESSION_AGE.days} days. Please sign in again.")
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        with _unstored_lock:
            if token_hash in _unstored:
                _unstored[token_hash]["last_seen_at"] = _stamp(now)
        try:
            with writing(db):
                db.execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", [_stamp(now), token_hash])
        except StorageError:
            pass  # a read-only or full disk must not sign people out; the stamp catches up later
    return session


def _forget(db: Database, token_hash: str) -> None:
    with _unstored_lock:
        _unstored.pop(token_hash, None)
    try:
        with writing(db):
            db.execute("DELETE FROM sessions WHERE token_hash = ?", [token_hash])
    except StorageError:
        pass  # the tab forgets its token anyway; the row is idle from now on and the next sign-in clears it


def end(db: Database, token: str | None) -> None:
    """Sign this one session out (the sign-out button)."""
    if token:
        _forget(db, _hash(token))


def end_all(db: Database, user_id: int) -> None:
    """Sign the account out everywhere. Call inside the transaction that changes the account."""
    db.execute("UPDATE users SET session_version = session_version + 1 WHERE id = ?", [user_id])
    db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])


def hand_over(token: str, *, now: datetime | None = None) -> str:
    """A one-time code the cookie route swaps for `token` within HANDOFF_SECONDS."""
    now = now or _now()
    code = secrets.token_urlsafe(TOKEN_BYTES)
    with _handoffs_lock:
        for stale in [key for key, (_, expiry) in _handoffs.items() if expiry <= now]:
            del _handoffs[stale]
        _handoffs[_hash(code)] = (token, now + timedelta(seconds=HANDOFF_SECONDS))
    return code


def take_over(code: str | None, *, now: datetime | None = None) -> str | None:
    """The token behind a one-time code, or None for an unknown, used or expired code."""
    now = now or _now()
    with _handoffs_lock:
        held = _handoffs.pop(_hash(code or ""), None)
    if held is None or held[1] <= now:
        return None
    return held[0]
