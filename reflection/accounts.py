"""Accounts: creation, argon2id password hashes, roles, sign-in with throttling, password changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from . import access
from .db import one_row, utc_now, writing
from .errors import AccessDenied, InvalidInput, SignInFailed, SignInThrottled

ROLES = ("teacher", "coach", "admin")
FORMER_MEMBER = "former member"  # shown where a deleted account's group notes and comments remain
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")

# After this many consecutive failures a username is locked; each further failure doubles the wait.
FAILURES_BEFORE_LOCK = 5
FIRST_LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash("reflection-timing-equaliser")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    active: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_coach(self) -> bool:
        return self.role == "coach"


def _user_from_row(row: dict) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        active=bool(row["active"]),
    )


def _validate_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            "Usernames are 2–40 characters: letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    return username


def _validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"Passwords can be at most {MAX_PASSWORD_LENGTH} characters.")


def _validate_display_name(display_name: str, fallback: str) -> str:
    display_name = " ".join((display_name or "").split()) or fallback
    if len(display_name) > 80:
        raise InvalidInput("Display names can be at most 80 characters.")
    return display_name


def _validate_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"Role must be one of: {', '.join(ROLES)}.")
    return role


def count_users(db: Database) -> int:
    return db.execute("SELECT count(*) FROM users").fetchone()[0]


def needs_first_admin(db: Database) -> bool:
    return count_users(db) == 0


def _insert_user(db: Database, username: str, display_name: str, password: str, role: str) -> User:
    username = _validate_username(username)
    display_name = _validate_display_name(display_name, username)
    _validate_password(password)
    _validate_role(role)
    if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
        raise InvalidInput(f"The username “{username}” is taken. Please choose another.")
    cursor = db.execute(
        "INSERT INTO users (username, display_name, password_hash, role, active, created_at) "
        "VALUES (?, ?, ?, ?, 1, ?)",
        [username, display_name, _hasher.hash(password), role, utc_now()],
    )
    return User(cursor.lastrowid, username, display_name, role)


def create_first_admin(db: Database, username: str, display_name: str, password: str) -> User:
    """The first account on a fresh database becomes its admin; refused once any account exists."""
    with writing(db):
        if count_users(db):
            raise InvalidInput("This installation already has accounts. Please sign in.")
        return _insert_user(db, username, display_name, password, "admin")


def create_user(
    db: Database, actor: User | None, username: str, display_name: str, password: str, role: str = "teacher"
) -> User:
    """Create an account. `actor` None means the operator at the command line."""
    if actor is not None:
        access.require(db, actor, "manage", "accounts", None)
    with writing(db):
        return _insert_user(db, username, display_name, password, role)


def get_user(db: Database, user_id: int) -> User | None:
    row = one_row(db, "SELECT * FROM users WHERE id = ?", [user_id])
    return _user_from_row(row) if row else None


def find_user(db: Database, username: str) -> User | None:
    row = one_row(db, "SELECT * FROM users WHERE username = ?", [(username or "").strip()])
    return _user_from_row(row) if row else None


def list_users(db: Database, role: str | None = None) -> list[User]:
    sql = "SELECT * FROM users" + (" WHERE role = ?" if role else "") + " ORDER BY display_name COLLATE NOCASE"
    return [_user_from_row(row) for row in db.query(sql, [role] if role else [])]


def list_coaches(db: Database) -> list[User]:
    return [user for user in list_users(db, "coach") if user.active]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def authenticate(db: Database, username: str, password: str) -> User:
    """Return the user for a correct username and password.

    Raises SignInFailed with one message for every wrong combination, and SignInThrottled once a
    username has failed too often, whether or not the account exists.
    """
    username = (username or "").strip()
    failure = db.execute(
        "SELECT failures, locked_until FROM sign_in_failures WHERE username = ?", [username]
    ).fetchone()
    if failure and failure[1]:
        locked_until = datetime.fromisoformat(failure[1])
        if locked_until > _now():
            raise SignInThrottled(int((locked_until - _now()).total_seconds()) + 1)
    row = one_row(db, "SELECT * FROM users WHERE username = ?", [username])
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password or "")
        verified = row is not None and bool(row["active"])
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified:
        _record_failure(db, username)
        raise SignInFailed("Wrong username or password.")
    with writing(db):
        db.execute("DELETE FROM sign_in_failures WHERE username = ?", [username])
        if _hasher.check_needs_rehash(row["password_hash"]):
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher.hash(password), row["id"]])
    return _user_from_row(row)


def _record_failure(db: Database, username: str) -> None:
    with writing(db):
        existing = db.execute(
            "SELECT failures FROM sign_in_failures WHERE username = ?", [username]
        ).fetchone()
        failures = (existing[0] if existing else 0) + 1
        locked_until = None
        if failures >= FAILURES_BEFORE_LOCK:
            seconds = min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - FAILURES_BEFORE_LOCK))
            locked_until = (_now() + timedelta(seconds=seconds)).isoformat()
        db.execute(
            "INSERT INTO sign_in_failures (username, failures, locked_until) VALUES (?, ?, ?) "
            "ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, "
            "locked_until = excluded.locked_until",
            [username, failures, locked_until],
        )


def change_password(db: Database, user: User, current_password: str, new_password: str) -> None:
    row = db.execute("SELECT password_hash FROM users WHERE id = ?", [user.id]).fetchone()
    try:
        _hasher.verify(row[0], current_password or "")
    except (VerificationError, InvalidHashError, TypeError):
        raise SignInFailed("Your current password is not correct.") from None
    _validate_password(new_password)
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher.hash(new_password), user.id])


def _target(db: Database, user_id: int) -> User:
    target = get_user(db, user_id)
    if target is None:
        raise AccessDenied("That account does not exist.")
    return target


def reset_password(db: Database, admin: User, user_id: int, new_password: str) -> None:
    access.require(db, admin, "manage", "accounts", None)
    _target(db, user_id)
    _validate_password(new_password)
    with writing(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher.hash(new_password), user_id])
        db.execute(
            "DELETE FROM sign_in_failures WHERE username = (SELECT username FROM users WHERE id = ?)", [user_id]
        )


def ensure_another_active_admin(db: Database, user_id: int) -> None:
    remaining = db.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id != ?", [user_id]
    ).fetchone()[0]
    if remaining == 0:
        raise InvalidInput("This is the only active admin account; make another admin first.")


def set_role(db: Database, admin: User, user_id: int, role: str) -> None:
    access.require(db, admin, "manage", "accounts", None)
    target = _target(db, user_id)
    _validate_role(role)
    with writing(db):
        if target.role == "admin" and role != "admin":
            ensure_another_active_admin(db, user_id)
        db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])


def set_active(db: Database, admin: User, user_id: int, active: bool) -> None:
    access.require(db, admin, "manage", "accounts", None)
    target = _target(db, user_id)
    with writing(db):
        if target.role == "admin" and not active:
            ensure_another_active_admin(db, user_id)
        db.execute("UPDATE users SET active = ? WHERE id = ?", [int(active), user_id])
