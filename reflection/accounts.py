"""Accounts: creation, argon2id password hashes, roles, sign-in with throttling, password changes.

Sign-in throttling counts each attempt before its password is checked, in one write transaction, so
parallel guesses cannot all be checked before a lock applies. An attempt counts in three buckets:
the username from this client address (locked after FAILURES_BEFORE_LOCK), any username from this
address (one address trying many names) and this username from any address (one name tried from many
addresses). Keying the first lock by address as well means a stranger's wrong guesses no longer lock a
colleague out of their own account. Sign-in input that no account could have (an over-long or malformed
name) is never stored: only its address is counted.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from . import access, audit, config, sessions, setup_code
from .db import StorageError, from_row, one_row, utc_now, writing
from .errors import AccessDenied, InvalidInput, SignInFailed, SignInThrottled

ROLES = ("teacher", "coach", "admin")
FORMER_MEMBER = "former member"  # shown where a deleted account's group notes and comments remain
MIN_PASSWORD_LENGTH = 8
DEACTIVATED_MESSAGE = "This account is deactivated. Ask your administrator to reactivate it."
MAX_PASSWORD_LENGTH = 1024
MAX_USERNAME_CHARS = 40
USERNAME_PATTERN = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._-]{{1,{MAX_USERNAME_CHARS - 1}}}$")
# Passwords tried first by anyone guessing; refused when set (a small list, see the file's header).
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"

# After this many failures a bucket is locked; each further failure doubles the wait.
FAILURES_BEFORE_LOCK = 5  # one username from one address
ADDRESS_FAILURES_BEFORE_LOCK = 20  # any usernames from one address
USERNAME_FAILURES_BEFORE_LOCK = 50  # one username from any addresses
FIRST_LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60
# Failures older than this are forgotten, so the table holds only recent addresses and names.
FORGET_FAILURES_AFTER = timedelta(days=1)
ANY = "*"  # the bucket column that is not narrowed; never a valid username or address
UNKNOWN_ADDRESS = "unknown"  # no client address (local use, or a proxy that does not pass it on): one bucket


@functools.cache
def _hasher() -> PasswordHasher:
    """argon2id at the cost config.password_hashing() names (the library's recommended parameters unless a
    test suite says otherwise); a hash made at another cost is redone at this one on its next sign-in."""
    if config.password_hashing() == "cheapest-for-tests":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    active: bool = True
    must_change_password: bool = False  # after an admin's reset, until its owner picks a password

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_coach(self) -> bool:
        return self.role == "coach"


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so both paths cost one argon2 verification.

    Made on first need rather than at import, where every command and test paid for a hash (about
    140 ms); the one sign-in that makes it costs one hash more, once per process.
    """
    return _hasher().hash("reflection-timing-equaliser")


def _validate_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            "Usernames are 2–40 characters: letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    return username


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def _validate_password(password: str, username: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"Passwords can be at most {MAX_PASSWORD_LENGTH} characters.")
    if password.strip().casefold() == (username or "").strip().casefold():
        raise InvalidInput("The password cannot be the username. Please choose another.")
    if password.strip().casefold() in common_passwords():
        raise InvalidInput(
            "That password is one of the most common ones, which are tried first by anyone guessing. "
            "Please choose another: a few unrelated words make a strong one."
        )


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
    _validate_password(password, username)
    _validate_role(role)
    if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
        raise InvalidInput(f"The username “{username}” is taken. Please choose another.")
    cursor = db.execute(
        "INSERT INTO users (username, display_name, password_hash, role, active, created_at) "
        "VALUES (?, ?, ?, ?, 1, ?)",
        [username, display_name, _hasher().hash(password), role, utc_now()],
    )
    return User(cursor.lastrowid, username, display_name, role)


def create_first_admin(db: Database, username: str, display_name: str, password: str, code: str) -> User:
    """The first account on a fresh database becomes its admin, given the setup code from the server's log;
    refused once any account exists."""
    if not setup_code.matches(code):
        raise InvalidInput(
            "That setup code is not right. The server printed the code to its log when it started "
            "(look for “one-time setup code”); or create the admin with "
            "`python -m reflection create-user --role admin`."
        )
    with writing(db):
        if count_users(db):
            raise InvalidInput("This installation already has accounts. Please sign in.")
        admin = _insert_user(db, username, display_name, password, "admin")
    setup_code.forget()
    return admin


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
    return from_row(User, row) if row else None


def find_user(db: Database, username: str) -> User | None:
    row = one_row(db, "SELECT * FROM users WHERE username = ?", [(username or "").strip()])
    return from_row(User, row) if row else None


def list_users(db: Database, role: str | None = None) -> list[User]:
    sql = "SELECT * FROM users" + (" WHERE role = ?" if role else "") + " ORDER BY display_name COLLATE NOCASE"
    return [from_row(User, row) for row in db.query(sql, [role] if role else [])]


def list_coaches(db: Database) -> list[User]:
    return [user for user in list_users(db, "coach") if user.active]


def _now() -> datetime:
    return datetime.now(UTC)


def client_bucket(address: str | None) -> str:
    """The throttling bucket of a client address: IPv4 as is, IPv6 by its /64 network (one machine often
    holds a whole /64), anything missing or unreadable as UNKNOWN_ADDRESS. Bounded, whatever arrives."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNKNOWN_ADDRESS
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _lock_seconds(failures: int, limit: int) -> int:
    return min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - limit))


def _buckets(username: str | None, address: str) -> list[tuple[str, str, int]]:
    """(username, address, limit) of every bucket this attempt counts in."""
    buckets = [(ANY, address, ADDRESS_FAILURES_BEFORE_LOCK)]
    if username is not None:
        buckets += [(username, address, FAILURES_BEFORE_LOCK), (username, ANY, USERNAME_FAILURES_BEFORE_LOCK)]
    return buckets


def _count_attempt(db: Database, username: str | None, address: str) -> None:
    """Count one sign-in attempt in each of its buckets, or raise SignInThrottled if one is locked.

    Counted before the password is checked and undone by a success (`_clear_attempt`), so however many
    guesses arrive at once, at most the limit of them are ever checked.
    """
    now = _now()
    try:
        with writing(db):
            db.execute(
                "DELETE FROM sign_in_attempts WHERE updated_at < ? AND (locked_until IS NULL OR locked_until < ?)",
                [(now - FORGET_FAILURES_AFTER).isoformat(), now.isoformat()],
            )
            counted = [(bucket_name, bucket_address, _failures_so_far(db, bucket_name, bucket_address, now) + 1, limit)
                       for bucket_name, bucket_address, limit in _buckets(username, address)]
            _store_attempt(db, counted, now)
    except StorageError:
        # A read-only or full disk must not lock everyone out of reading their journal: the locks
        # already stored still hold, and each guess still costs a full argon2 check, but this attempt
        # cannot be counted.
        for bucket_name, bucket_address, _ in _buckets(username, address):
            _failures_so_far(db, bucket_name, bucket_address, now)


def _failures_so_far(db: Database, username: str, address: str, now: datetime) -> int:
    """The failures counted in one bucket; raises SignInThrottled while the bucket is locked."""
    row = db.execute(
        "SELECT failures, locked_until FROM sign_in_attempts WHERE username = ? AND address = ?", [username, address]
    ).fetchone()
    failures, locked_until = row if row else (0, None)
    if locked_until and datetime.fromisoformat(locked_until) > now:
        raise SignInThrottled(int((datetime.fromisoformat(locked_until) - now).total_seconds()) + 1)
    return failures


def _store_attempt(db: Database, counted: list[tuple[str, str, int, int]], now: datetime) -> None:
    """Each bucket's new failure count (username, address, failures, limit), locked once over its limit."""
    for bucket_name, bucket_address, failures, limit in counted:
        locked_until = (now + timedelta(seconds=_lock_seconds(failures, limit))).isoformat() if failures >= limit else None
        db.execute(
            "INSERT INTO sign_in_attempts (username, address, failures, locked_until, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(username, address) DO UPDATE SET "
            "failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at",
            [bucket_name, bucket_address, failures, locked_until, now.isoformat()],
        )


def _clear_attempt(db: Database, username: str, address: str) -> None:
    """After a correct password: this username's failures are forgotten, and the address bucket gets
    this attempt back (only back: signing in to your own account must not wipe your guesses at others)."""
    db.execute("DELETE FROM sign_in_attempts WHERE username = ? AND address IN (?, ?)", [username, address, ANY])
    db.execute(
        "UPDATE sign_in_attempts SET failures = failures - 1, "
        "locked_until = CASE WHEN failures - 1 < ? THEN NULL ELSE locked_until END "
        "WHERE username = ? AND address = ?",
        [ADDRESS_FAILURES_BEFORE_LOCK, ANY, address],
    )


def authenticate(db: Database, username: str, password: str, address: str | None = None) -> User:
    """Return the user for a correct username and password, signing in from client `address`.

    Raises SignInFailed with one message for every wrong combination, and SignInThrottled once too many
    attempts failed, whether or not the account exists.
    """
    username = (username or "").strip()
    password = password or ""
    account_name = username if USERNAME_PATTERN.match(username) else None  # only such names are stored
    bucket = client_bucket(address)
    _count_attempt(db, account_name, bucket)
    row = one_row(db, "SELECT * FROM users WHERE username = ?", [account_name]) if account_name else None
    verified = False
    if len(password) <= MAX_PASSWORD_LENGTH:
        try:
            _hasher().verify(row["password_hash"] if row else _dummy_hash(), password)
            verified = row is not None
        except (VerificationError, InvalidHashError):
            pass
    if not verified:
        raise SignInFailed("Wrong username or password.")
    if not row["active"]:
        # Said only after the right password, so it tells nothing to someone guessing usernames.
        raise SignInFailed(DEACTIVATED_MESSAGE)
    try:
        with writing(db):
            _clear_attempt(db, account_name, bucket)
            if _hasher().check_needs_rehash(row["password_hash"]):
                db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [_hasher().hash(password), row["id"]])
    except StorageError:
        pass  # bookkeeping only: on a read-only or full disk the attempt was not counted either
    return from_row(User, row)


def _set_own_password(db: Database, user: User, new_password: str) -> None:
    """The owner's new password: every session of the account ends (the caller starts a fresh one for the
    tab the change was made in), and the history records it."""
    _validate_password(new_password, user.username)
    with writing(db):
        db.execute(
            "UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?",
            [_hasher().hash(new_password), user.id],
        )
        sessions.end_all(db, user.id)
        audit.record(db, user.id, user, "password_changed")


def sign_out_everywhere(db: Database, user: User) -> None:
    """End every session of the account, on every device (a lost phone, a shared laptop left signed in)."""
    with writing(db):
        sessions.end_all(db, user.id)


def _password_matches(db: Database, user_id: int, password: str) -> bool:
    row = db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()
    try:
        return row is not None and _hasher().verify(row[0], password or "")
    except (VerificationError, InvalidHashError):
        return False


def change_password(db: Database, user: User, current_password: str, new_password: str) -> None:
    if not _password_matches(db, user.id, current_password):
        raise SignInFailed("Your current password is not correct.")
    _set_own_password(db, user, new_password)


def choose_new_password(db: Database, user: User, new_password: str) -> None:
    """After an admin's reset: the owner replaces the password the admin chose with one of their own."""
    if not db.execute("SELECT must_change_password FROM users WHERE id = ?", [user.id]).fetchone()[0]:
        raise InvalidInput("To change your password, give your current one on the Account page.")
    if _password_matches(db, user.id, new_password):
        raise InvalidInput(
            "Please choose a new password of your own, not the one your administrator gave you."
        )
    _set_own_password(db, user, new_password)


def _target(db: Database, user_id: int) -> User:
    target = get_user(db, user_id)
    if target is None:
        raise AccessDenied("That account does not exist.")
    return target


def reset_password(db: Database, admin: User, user_id: int, new_password: str) -> None:
    """An admin sets a temporary password: the account's sessions end, its owner is told who did it and
    must choose a password of their own before doing anything else."""
    access.require(db, admin, "manage", "accounts", None)
    target = _target(db, user_id)
    _validate_password(new_password, target.username)
    with writing(db):
        db.execute(
            "UPDATE users SET password_hash = ?, must_change_password = 1 WHERE id = ?",
            [_hasher().hash(new_password), user_id],
        )
        sessions.end_all(db, user_id)
        db.execute("DELETE FROM sign_in_attempts WHERE username = ?", [target.username])
        audit.record(db, user_id, admin, "password_reset")


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
        if not active:
            sessions.end_all(db, user_id)
