"""School single sign-on (OpenID Connect through Streamlit's st.login): which account a school identity opens.

An identity opens the active account whose email is the identity's email, and only when the provider says the
email is verified: an unverified address could be anyone's. Google and most providers say so in `email_verified`;
Microsoft Entra sends instead, when asked for it, `xms_edov` (the email's domain is verified by its owner). When
no account has that email, the admin's choice applies: refuse, or create a teacher account for emails in the
allowed domains. Accounts made here have no password (SSO_ONLY_HASH matches none), so they open only through
the school's sign-in.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from . import access
from .accounts import DEACTIVATED_MESSAGE, MAX_USERNAME_CHARS, USERNAME_PATTERN, User, find_user
from .db import from_row, one_row, utc_now, writing
from .errors import InvalidInput, SignInFailed

SSO_ONLY_HASH = "!sso-only"  # not an argon2 hash: every password check against it fails
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,63}$")
DOMAIN_PATTERN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
MAX_DOMAINS = 50

UNVERIFIED = "Your school sign-in did not confirm your email address, so it cannot open an account here."
NO_ACCOUNT = ("There is no Reflection account for your school email. Ask your administrator to add your email "
              "to your account, or to allow new accounts from your school's domain.")


@dataclass(frozen=True)
class Policy:
    domains: tuple[str, ...] = ()  # emails here get a teacher account on first sign-in
    create_teachers: bool = False


def policy(db: Database) -> Policy:
    rows = dict(db.execute("SELECT name, value FROM settings WHERE name LIKE 'sso_%'").fetchall())
    domains = tuple(domain for domain in rows.get("sso_domains", "").split() if domain)
    return Policy(domains, rows.get("sso_create_teachers") == "1")


def parse_domains(text: str) -> tuple[str, ...]:
    domains = tuple(dict.fromkeys(part.strip().lstrip("@").lower() for part in re.split(r"[\s,;]+", text or "") if part.strip()))
    wrong = [domain for domain in domains if not DOMAIN_PATTERN.match(domain)]
    if wrong:
        raise InvalidInput(f"“{wrong[0]}” is not an email domain. Write domains such as school.example, one per line.")
    if len(domains) > MAX_DOMAINS:
        raise InvalidInput(f"At most {MAX_DOMAINS} domains can be allowed.")
    return domains


def set_policy(db: Database, admin: User, domains_text: str, create_teachers: bool) -> Policy:
    access.require(db, admin, "manage", "accounts", None)
    chosen = Policy(parse_domains(domains_text), create_teachers)
    with writing(db):
        for name, value in (("sso_domains", " ".join(chosen.domains)), ("sso_create_teachers", str(int(create_teachers)))):
            db.execute("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                       [name, value])
    return chosen


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    if not EMAIL_PATTERN.match(email):
        raise InvalidInput("Please give a whole email address, such as name@school.example.")
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def set_email(db: Database, admin: User, user_id: int, email: str) -> None:
    """The school email that links an account to single sign-on; empty to unlink."""
    access.require(db, admin, "manage", "accounts", None)
    value = normalise_email(email) if (email or "").strip() else None
    with writing(db):
        if value and db.execute("SELECT 1 FROM users WHERE email = ? AND id != ?", [value, user_id]).fetchone():
            raise InvalidInput(f"Another account already has the email {value}.")
        db.execute("UPDATE users SET email = ? WHERE id = ?", [value, user_id])


def email_of(db: Database, user_id: int) -> str:
    row = db.execute("SELECT email FROM users WHERE id = ?", [user_id]).fetchone()
    return (row[0] or "") if row else ""


def is_verified(claims) -> bool:
    """Whether the identity's claims vouch for its email (True itself, never a truthy string such as "false")."""
    return claims.get("email_verified") is True or claims.get("xms_edov") is True


def account_for_identity(db: Database, email: str | None, email_verified: bool | None, name: str | None) -> User:
    """The account a verified school identity opens, made as a teacher's when the admin allows its domain;
    raises SignInFailed with the reason otherwise."""
    if not email_verified or not email:
        raise SignInFailed(UNVERIFIED)
    try:
        email = normalise_email(email)
    except InvalidInput:
        raise SignInFailed(UNVERIFIED) from None
    row = one_row(db, "SELECT * FROM users WHERE email = ?", [email])
    if row is not None:
        if not row["active"]:
            raise SignInFailed(DEACTIVATED_MESSAGE)
        return from_row(User, row)
    chosen = policy(db)
    if not chosen.create_teachers or email.rsplit("@", 1)[1] not in chosen.domains:
        raise SignInFailed(NO_ACCOUNT)
    with writing(db):
        username = _free_username(db, email.split("@", 1)[0])
        display_name = " ".join((name or "").split())[:80] or username
        cursor = db.execute(
            "INSERT INTO users (username, display_name, password_hash, role, active, created_at, email) "
            "VALUES (?, ?, ?, 'teacher', 1, ?, ?)",
            [username, display_name, SSO_ONLY_HASH, utc_now(), email],
        )
    return User(cursor.lastrowid, username, display_name, "teacher")


def _free_username(db: Database, local_part: str) -> str:
    """A valid username from the email's local part, numbered when taken."""
    base = re.sub(r"[^A-Za-z0-9._-]", "", local_part).lstrip("._-")[: MAX_USERNAME_CHARS - 4] or "teacher"
    if len(base) < 2:
        base = f"{base}-teacher"
    for number in range(1, 1000):
        candidate = base if number == 1 else f"{base}-{number}"
        if USERNAME_PATTERN.match(candidate) and find_user(db, candidate) is None:
            return candidate
    return f"teacher-{secrets.token_hex(4)}"
