"""The SQLite store: connection settings, schema and migrations.

One file holds everything. Each migration is a named function at the end of this file, applied with
sqlite-utils' `Migrations` on a process's first connection and recorded by name, so a database created by
any earlier release is brought forward. Databases from the releases that counted their migrations in
`PRAGMA user_version` are bridged once, by `_record_numbered_migrations`.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database, Migrations

from . import config
from .errors import InvalidInput, ReflectionError

BUSY_TIMEOUT_MS = 10_000


class StorageError(ReflectionError):
    """The database cannot take the write right now (disk full, read-only file, held lock)."""


_STORAGE_PROBLEMS = {
    "database or disk is full": "The server's disk is full, so nothing could be saved. Your text is still in the form; "
    "please tell your administrator.",
    "readonly database": "The journal database is read-only on the server, so nothing could be saved. Your text is "
    "still in the form; please tell your administrator.",
    "database is locked": "The journal is busy with other writes. Nothing was lost: please try again in a moment.",
    "unable to open database": "The journal database cannot be opened. Please tell your administrator.",
    "disk i/o error": "The server could not write to its disk. Your text is still in the form; please tell your "
    "administrator.",
    "file is not a database": "The journal database file is not a database, or is damaged. Please tell your "
    "administrator.",
}


def explain_storage_error(error: sqlite3.Error) -> StorageError | None:
    """A message a person can act on for the storage failures that are not bugs; None for the rest."""
    text = str(error).lower()
    for fragment, message in _STORAGE_PROBLEMS.items():
        if fragment in text:
            return StorageError(message)
    return None


_migrated_paths: set[str] = set()
_migration_lock = threading.Lock()

# The database and its backups hold everyone's private journals: only the account that runs the app
# may read them. SQLite gives the -wal and -shm files the mode of the database file.
PRIVATE_FILE_MODE = 0o600
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def keep_private(path: Path) -> None:
    """Create `path` (if missing) readable and writable by its owner only; narrow a wider file and its
    SQLite companions, such as a database created by an earlier release under a permissive umask."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    except FileExistsError:
        pass
    except OSError as error:
        raise StorageError(f"Cannot create {path}: {error.strerror}.") from None
    for companion in (Path(f"{path}{suffix}") for suffix in _COMPANIONS):
        try:
            if companion.exists() and companion.stat().st_mode & 0o077:
                os.chmod(companion, PRIVATE_FILE_MODE)
        except OSError:
            pass  # not ours to change, or a read-only disk: the app still runs, read-only if need be


def _database_file(path: Path) -> Path:
    """`path` checked to be usable as a database file, with its folder created."""
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; the database must be a file, such as {path / 'reflection.db'}.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(f"Cannot create the folder {path.parent}: {error.strerror}.") from None
    return path


def live_files(db: Database) -> set[Path]:
    """The database file and its companions, which no export or backup may overwrite."""
    main = Path(db.execute("PRAGMA database_list").fetchone()[2]).resolve()
    return {Path(f"{main}{suffix}") for suffix in _COMPANIONS}


def refuse_live_file(db: Database, destination: Path) -> None:
    live = live_files(db)
    same = destination.resolve() in live or (destination.exists() and any(
        other.exists() and os.path.samefile(destination, other) for other in live))
    if same:
        raise InvalidInput(f"{destination} is the live database (or one of its files); writing there would destroy "
                           "it. Choose another file name.")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def connect(path: str | Path | None = None) -> Database:
    """Open the database (creating and migrating it if needed) with the settings every connection needs."""
    db_path = _database_file(Path(path) if path is not None else config.database_path())
    keep_private(db_path)
    # isolation_level=None: no implicit transactions; every multi-statement write uses `writing()`.
    conn = sqlite3.connect(
        str(db_path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
    )
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    # Freed pages and cells are overwritten with zeros, so deleted or edited text does not linger in the
    # file. Set here because builds differ in the default (Debian's is on, SQLite's own is off).
    db.execute("PRAGMA secure_delete = ON")
    key = str(db_path.resolve())
    if key not in _migrated_paths:
        with _migration_lock:
            if key not in _migrated_paths:
                db.enable_wal()
                migrate(db)
                _migrated_paths.add(key)
    db.execute("PRAGMA synchronous = NORMAL")
    return db


@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """One write transaction that takes the write lock up front.

    A deferred BEGIN that reads and then writes can fail with "database is locked" at once when
    another writer got there first; BEGIN IMMEDIATE waits on the busy timeout instead.
    Nested use joins the outer transaction. Storage failures (disk full, read-only file) surface as
    StorageError with a message fit for the user.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    with storage_errors_explained():
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")


@contextmanager
def storage_errors_explained() -> Iterator[None]:
    """Storage failures (disk full, read-only file, held lock) inside become StorageError with words a
    person can act on; any other SQLite error is a bug and passes through unchanged."""
    try:
        yield
    except sqlite3.Error as error:
        explained = explain_storage_error(error)
        if explained is None:
            raise
        raise explained from error


def one_row(db: Database, sql: str, params: list) -> dict | None:
    """The first row of a query as a dict, or None when it matches nothing."""
    return next(iter(db.query(sql, params)), None)


T = TypeVar("T")
# SQLite has no boolean, date or time type: such columns hold 0/1 and ISO text.
_FROM_STORED = {
    "bool": bool, "date": date.fromisoformat, "time": time.fromisoformat, "datetime": datetime.fromisoformat,
}


def from_row(cls: type[T], row: Mapping[str, Any], **values: Any) -> T:
    """A dataclass made from a row: each field takes the column of its name, turned into the field's type
    where SQLite stores it otherwise (bool, date, time, datetime), unless `values` gives it (decoded JSON, the
    name shown for a deleted account). Fields in neither keep their defaults."""
    arguments = {}
    for field in dataclasses.fields(cls):
        if field.name in values:
            arguments[field.name] = values[field.name]
        elif field.name in row:
            arguments[field.name] = _from_stored(field.type, row[field.name])
    return cls(**arguments)


def _from_stored(annotation: object, value: Any) -> Any:
    type_name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    convert = _FROM_STORED.get(type_name.removesuffix(" | None"))
    return value if convert is None or value is None else convert(value)


def backup(db: Database, destination: str | Path) -> Path:
    """Copy the live database with SQLite's online backup API (safe while others write).

    A folder as destination gets a file named after the time of the backup.
    """
    destination = Path(destination)
    if destination.is_dir():
        destination = destination / f"reflection-{datetime.now():%Y-%m-%d-%H%M%S}.db"
    refuse_live_file(db, destination)
    keep_private(_database_file(destination))
    target = sqlite3.connect(str(destination))
    try:
        db.conn.backup(target)
    finally:
        target.close()
    return destination


def integrity_ok(db: Database) -> bool:
    return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- migrations --------------------------------------------------------------------------------------

# Every schema change, by name, in the order it shipped; sqlite-utils records each one applied in its
# `_sqlite_migrations` table. Append new ones at the end of this file and never edit one that shipped.
migrations = Migrations("reflection")


def migrate(db: Database) -> list[str]:
    """Apply every migration the database has not had; returns their names (none when it is up to date)."""
    # Foreign keys are off while migrating, as SQLite's procedure for rebuilding a table asks
    # (https://sqlite.org/lang_altertable.html#otheralter): with them on, dropping the old users table
    # would cascade into every table that refers to it. The pragma is ignored inside a transaction, so it
    # is set before; foreign_key_check then refuses to commit a migration that broke a reference.
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        # The write lock is taken first, so two processes starting together cannot both migrate. Each
        # migration then runs in a savepoint of this one transaction: all of them are kept, or none.
        with writing(db):
            _record_numbered_migrations(db)
            pending = [migration.name for migration in migrations.pending(db)]
            migrations.apply(db)
            if pending and db.conn.execute("PRAGMA foreign_key_check").fetchone():
                raise sqlite3.IntegrityError("A migration left rows pointing at rows that do not exist.")
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")
    return pending


def applied_migrations(db: Database) -> list[str]:
    """The names of the migrations the database has had, oldest first."""
    return [migration.name for migration in migrations.applied(db)]


def _record_numbered_migrations(db: Database) -> None:
    """Bridge a database from the releases that numbered their migrations.

    Those releases kept the count of migrations applied in `PRAGMA user_version`, and their migrations
    are the first ones below in the same order. A database at version N is recorded as having had the
    first N by name, without running them again; from then on only the names count.
    """
    numbered_version = db.execute("PRAGMA user_version").fetchone()[0]
    if numbered_version == 0 or migrations.applied(db):
        return
    migrations.ensure_migrations_table(db)
    bridged_at = str(datetime.now(UTC))  # the text form sqlite-utils records
    db[migrations.migrations_table].insert_all(
        {"migration_set": migrations.name, "name": migration.name, "applied_at": bridged_at}
        for migration in migrations.pending(db)[:numbered_version]
    )


def _execute(db: Database, *statements: str) -> None:
    for statement in statements:
        db.conn.execute(statement)


def _create_search_index(db: Database) -> None:
    # owner_token is indexed beside the text so a user's query is `owner_token:uN AND (...)`:
    # FTS5 intersects the two posting lists instead of ranking every user's matches.
    _execute(
        db,
        """
        CREATE VIRTUAL TABLE entries_fts USING fts5(
            title, body, owner_token,
            content='entries', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )
        """,
        """
        CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
            INSERT INTO entries_fts(rowid, title, body, owner_token)
            VALUES (new.id, new.title, new.body, new.owner_token);
        END
        """,
        """
        CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
            INSERT INTO entries_fts(entries_fts, rowid, title, body, owner_token)
            VALUES ('delete', old.id, old.title, old.body, old.owner_token);
        END
        """,
        """
        CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, body, owner_token ON entries BEGIN
            INSERT INTO entries_fts(entries_fts, rowid, title, body, owner_token)
            VALUES ('delete', old.id, old.title, old.body, old.owner_token);
            INSERT INTO entries_fts(rowid, title, body, owner_token)
            VALUES (new.id, new.title, new.body, new.owner_token);
        END
        """,
    )


# Accounts, journal, sharing, groups, debriefs, prompt sets, allowed phrases, drafts
@migrations(name="0001_initial")
def create_first_schema(db: Database) -> None:
    _execute(
        db,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('teacher', 'coach', 'admin')),
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        )
        """,
        # Keyed by the name typed, not by user id, so unknown names are throttled exactly like real ones.
        """
        CREATE TABLE sign_in_failures (
            username TEXT PRIMARY KEY COLLATE NOCASE,
            failures INTEGER NOT NULL,
            locked_until TEXT
        )
        """,
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            owner_token TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            class_period TEXT NOT NULL DEFAULT '',
            mood INTEGER CHECK (mood IS NULL OR mood BETWEEN 1 AND 5),
            prompt_set TEXT,
            prompt_answers TEXT,
            taught_on TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            analysis TEXT,
            word_count INTEGER NOT NULL DEFAULT 0,
            flag_count INTEGER NOT NULL DEFAULT 0,
            grade_level REAL,
            reading_ease REAL,
            rules_version TEXT
        )
        """,
        "CREATE INDEX entries_author_date ON entries(author_id, taught_on DESC, id DESC)",
        "CREATE INDEX entries_rules_version ON entries(rules_version)",
        """
        CREATE TABLE entry_tags (
            entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
            tag TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (entry_id, tag)
        )
        """,
        "CREATE INDEX entry_tags_tag ON entry_tags(tag)",
        """
        CREATE TABLE groups (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            norms TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE group_members (
            group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('facilitator', 'member')),
            joined_at TEXT NOT NULL,
            PRIMARY KEY (group_id, user_id)
        )
        """,
        "CREATE INDEX group_members_user ON group_members(user_id)",
        """
        CREATE TABLE group_invites (
            code TEXT PRIMARY KEY,
            group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            used_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            used_at TEXT
        )
        """,
        """
        CREATE TABLE shares (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
            owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            coach_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            group_id INTEGER REFERENCES groups(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            include_flags INTEGER NOT NULL DEFAULT 0,
            analysis TEXT,
            created_at TEXT NOT NULL,
            withdrawn_at TEXT,
            CHECK ((coach_id IS NULL) <> (group_id IS NULL))
        )
        """,
        "CREATE INDEX shares_coach ON shares(coach_id, withdrawn_at)",
        "CREATE INDEX shares_group ON shares(group_id, withdrawn_at)",
        "CREATE INDEX shares_entry ON shares(entry_id)",
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            share_id INTEGER NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
            author_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('question', 'suggestion', 'strength', 'note')),
            body TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX comments_share ON comments(share_id)",
        """
        CREATE TABLE debriefs (
            id INTEGER PRIMARY KEY,
            group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            protocol TEXT NOT NULL,
            title TEXT NOT NULL,
            facilitator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            presenter_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            current_step INTEGER NOT NULL DEFAULT 0,
            step_started_at TEXT,
            started_at TEXT NOT NULL,
            closed_at TEXT
        )
        """,
        "CREATE INDEX debriefs_group ON debriefs(group_id)",
        # author_id is set NULL when an account is deleted: the note stays with the group.
        """
        CREATE TABLE debrief_notes (
            id INTEGER PRIMARY KEY,
            debrief_id INTEGER NOT NULL REFERENCES debriefs(id) ON DELETE CASCADE,
            step_index INTEGER NOT NULL,
            author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            body TEXT NOT NULL,
            analysis TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX debrief_notes_debrief ON debrief_notes(debrief_id, step_index)",
        """
        CREATE TABLE action_items (
            id INTEGER PRIMARY KEY,
            debrief_id INTEGER NOT NULL REFERENCES debriefs(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            due_on TEXT,
            done INTEGER NOT NULL DEFAULT 0,
            created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX action_items_debrief ON action_items(debrief_id)",
        """
        CREATE TABLE prompt_sets (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            group_id INTEGER REFERENCES groups(id) ON DELETE CASCADE,
            slug TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            CHECK ((owner_id IS NULL) <> (group_id IS NULL))
        )
        """,
        """
        CREATE TABLE allowed_phrases (
            id INTEGER PRIMARY KEY,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            group_id INTEGER REFERENCES groups(id) ON DELETE CASCADE,
            phrase TEXT NOT NULL COLLATE NOCASE,
            created_at TEXT NOT NULL,
            CHECK ((user_id IS NULL) <> (group_id IS NULL)),
            UNIQUE (user_id, group_id, phrase)
        )
        """,
        """
        CREATE TABLE drafts (
            user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
    )
    _create_search_index(db)


# One row per allowed phrase and owner. The table's UNIQUE (user_id, group_id, phrase) never
# matched, because the unused owner column is NULL and NULLs are never equal.
@migrations(name="0002_allowed_phrases_one_per_owner")
def keep_one_allowed_phrase_per_owner(db: Database) -> None:
    _execute(
        db,
        """
        DELETE FROM allowed_phrases WHERE id NOT IN (
            SELECT min(id) FROM allowed_phrases GROUP BY user_id, group_id, phrase
        )
        """,
        "CREATE UNIQUE INDEX allowed_phrases_per_user ON allowed_phrases(user_id, phrase) WHERE user_id IS NOT NULL",
        "CREATE UNIQUE INDEX allowed_phrases_per_group ON allowed_phrases(group_id, phrase) WHERE group_id IS NOT NULL",
    )


# User ids are never reused. Without AUTOINCREMENT, deleting the newest account handed its id to
# the next one, and a tab still signed in as the deleted account showed the new person's journal.
# SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt (foreign keys are off while
# migrating, see `migrate`). session_version ends every session of an account at once when it
# changes; must_change_password holds an account after an admin reset until its owner picks a password.
@migrations(name="0003_users_ids_never_reused")
def never_reuse_user_ids(db: Database) -> None:
    _execute(
        db,
        """
        CREATE TABLE users_rebuilt (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('teacher', 'coach', 'admin')),
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            session_version INTEGER NOT NULL DEFAULT 0,
            must_change_password INTEGER NOT NULL DEFAULT 0
        )
        """,
        """
        INSERT INTO users_rebuilt (id, username, display_name, password_hash, role, active, created_at)
        SELECT id, username, display_name, password_hash, role, active, created_at FROM users
        """,
        "DROP TABLE users",
        "ALTER TABLE users_rebuilt RENAME TO users",
    )


# Signed-in sessions kept on the server, so they can be ended: a random token goes to the browser
# session and only its SHA-256 is stored (reflection/sessions.py).
@migrations(name="0004_sessions")
def keep_sessions_on_the_server(db: Database) -> None:
    _execute(
        db,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            token_hash TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            session_version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX sessions_user ON sessions(user_id)",
    )


# What was done to an account by someone else (an admin's password reset), shown to its owner.
# actor_name is kept as written because the actor's account may be deleted later.
@migrations(name="0005_audit_log")
def log_changes_made_by_others(db: Database) -> None:
    _execute(
        db,
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            actor_name TEXT NOT NULL,
            event TEXT NOT NULL,
            created_at TEXT NOT NULL,
            seen_at TEXT
        )
        """,
        "CREATE INDEX audit_log_user ON audit_log(user_id, created_at)",
    )


# Sign-in throttling per username and client address instead of per username alone, which let
# anyone lock a colleague out. Old failure counts are short-lived and are not carried over.
@migrations(name="0006_sign_in_attempts_per_address")
def throttle_sign_in_per_address(db: Database) -> None:
    _execute(
        db,
        "DROP TABLE sign_in_failures",
        """
        CREATE TABLE sign_in_attempts (
            username TEXT NOT NULL COLLATE NOCASE,
            address TEXT NOT NULL,
            failures INTEGER NOT NULL,
            locked_until TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (username, address)
        )
        """,
        "CREATE INDEX sign_in_attempts_updated ON sign_in_attempts(updated_at)",
    )


# A revision number per entry, so a save from a tab that loaded an older version is refused
# instead of silently replacing what another tab saved.
@migrations(name="0007_entries_revision")
def number_entry_revisions(db: Database) -> None:
    _execute(db, "ALTER TABLE entries ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")


# A share outlives its coach. coach_id was ON DELETE CASCADE and the CHECK demanded a coach or a
# group, so a coach deleting their account deleted the teacher's shared copy and the teacher's own
# replies under it. Now the coach is set NULL and the share stays with its owner, read by nobody else.
@migrations(name="0008_shares_outlive_coaches")
def let_shares_outlive_their_coach(db: Database) -> None:
    _execute(
        db,
        """
        CREATE TABLE shares_rebuilt (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
            owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            coach_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            group_id INTEGER REFERENCES groups(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            include_flags INTEGER NOT NULL DEFAULT 0,
            analysis TEXT,
            created_at TEXT NOT NULL,
            withdrawn_at TEXT,
            CHECK (coach_id IS NULL OR group_id IS NULL)
        )
        """,
        """
        INSERT INTO shares_rebuilt (id, entry_id, owner_id, coach_id, group_id, title, body, include_flags, analysis,
                                    created_at, withdrawn_at)
        SELECT id, entry_id, owner_id, coach_id, group_id, title, body, include_flags, analysis, created_at, withdrawn_at
        FROM shares
        """,
        "DROP TABLE shares",
        "ALTER TABLE shares_rebuilt RENAME TO shares",
        "CREATE INDEX shares_coach ON shares(coach_id, withdrawn_at)",
        "CREATE INDEX shares_group ON shares(group_id, withdrawn_at)",
        "CREATE INDEX shares_entry ON shares(entry_id)",
    )


# Peer circles, a meeting rhythm for every group, newcomers (reflection/circles.py, rhythm.py).
# A circle is a group of kind 'circle' whose members are all equals, so sharing, invite codes and
# check-ins (debriefs) work for circles unchanged. A circle's norms change only when every member
# agreed to a proposal. An account is "new this year" until newcomer_until; nothing else is kept.
@migrations(name="0009_circles_rhythms_newcomers")
def add_circles_rhythms_and_newcomers(db: Database) -> None:
    _execute(
        db,
        "ALTER TABLE groups ADD COLUMN kind TEXT NOT NULL DEFAULT 'plc' CHECK (kind IN ('plc', 'circle'))",
        "ALTER TABLE groups ADD COLUMN welcomes_newcomers INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE users ADD COLUMN newcomer_until TEXT",
        """
        CREATE TABLE group_rhythms (
            group_id INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
            cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'fortnightly', 'monthly')),
            starts_on TEXT NOT NULL,
            meets_at TEXT NOT NULL,
            timezone TEXT NOT NULL,
            minutes INTEGER NOT NULL CHECK (minutes > 0),
            updated_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE norm_proposals (
            id INTEGER PRIMARY KEY,
            group_id INTEGER NOT NULL UNIQUE REFERENCES groups(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            proposed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE norm_agreements (
            proposal_id INTEGER NOT NULL REFERENCES norm_proposals(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            PRIMARY KEY (proposal_id, user_id)
        )
        """,
        # Like debrief notes, questions and answers stay with the circle when their author's account goes.
        """
        CREATE TABLE circle_questions (
            id INTEGER PRIMARY KEY,
            group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            body TEXT NOT NULL,
            analysis TEXT,
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX circle_questions_group ON circle_questions(group_id, created_at)",
        """
        CREATE TABLE circle_answers (
            id INTEGER PRIMARY KEY,
            question_id INTEGER NOT NULL REFERENCES circle_questions(id) ON DELETE CASCADE,
            author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            body TEXT NOT NULL,
            analysis TEXT,
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX circle_answers_question ON circle_answers(question_id)",
    )


# School single sign-on. An account links to a school identity by its verified email (unique, case
# ignored); settings holds the admin's choices, such as which email domains may get an account on first
# sign-in.
@migrations(name="0010_single_sign_on")
def link_accounts_to_school_emails(db: Database) -> None:
    _execute(
        db,
        "ALTER TABLE users ADD COLUMN email TEXT COLLATE NOCASE",
        "CREATE UNIQUE INDEX users_email ON users(email) WHERE email IS NOT NULL",
        "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    )


# Flags a writer dismissed belong to the entry: (category, words) pairs as JSON, so a dismissal
# survives every later check and the stored analysis leaves it out.
@migrations(name="0011_entries_dismissed")
def store_dismissed_flags(db: Database) -> None:
    _execute(db, "ALTER TABLE entries ADD COLUMN dismissed TEXT NOT NULL DEFAULT '[]'")
