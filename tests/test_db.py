import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from reflection import db as database

# Every migration in order: on an empty database none has been applied.
MIGRATION_NAMES = [migration.name for migration in database.migrations.pending(Database(memory=True))]
# The releases before named migrations counted them in PRAGMA user_version, up to this number.
LAST_NUMBERED_VERSION = 11


def test_new_database_is_created_migrated_and_configured(tmp_path):
    path = tmp_path / "nested" / "new.db"
    connection = database.connect(path)
    assert path.exists()
    assert database.applied_migrations(connection) == MIGRATION_NAMES
    assert {"users", "entries", "entries_fts", "shares", "debriefs"} <= set(connection.table_names())
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == database.BUSY_TIMEOUT_MS


def test_reconnecting_keeps_data_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "r.db"
    first = database.connect(path)
    first.execute("INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES ('a','A','x','teacher','t')")
    first.close()
    second = database.connect(path)
    assert second.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    assert database.migrate(second) == []


def test_an_older_database_is_brought_forward(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 0").connection.close()
    assert database.applied_migrations(database.connect(path)) == MIGRATION_NAMES


def test_writing_rolls_back_every_statement_on_error(db):
    with pytest.raises(RuntimeError):
        with database.writing(db):
            db.execute("INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES ('a','A','x','teacher','t')")
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO entry_tags (entry_id, tag) VALUES (999, 'x')")


def test_backup_is_a_complete_consistent_copy(db, tmp_path):
    db.execute("INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES ('a','A','x','teacher','t')")
    copy = database.backup(db, tmp_path / "backups" / "copy.db")
    restored = database.connect(copy)
    assert database.integrity_ok(restored)
    assert restored.execute("SELECT username FROM users").fetchall() == [("a",)]


def _database_at_version(path, version: int) -> sqlite3.Connection:
    """A database as a release that numbered its migrations left it after migration `version`: the same
    migration functions run in order, counted in PRAGMA user_version and recorded nowhere else."""
    old = sqlite3.connect(path, isolation_level=None)
    for migration in database.migrations.pending(Database(old))[:version]:
        migration.fn(Database(old))
    old.execute(f"PRAGMA user_version = {version}")
    return old


def _schema(connection) -> list[tuple]:
    return connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


@pytest.mark.parametrize("version", range(LAST_NUMBERED_VERSION + 1))
def test_a_database_at_every_numbered_version_is_bridged_and_upgraded_keeping_its_rows(tmp_path, version):
    old = _database_at_version(tmp_path / "old.db", version)
    if version >= 1:
        old.execute("INSERT INTO users (id, username, display_name, password_hash, role, created_at) "
                    "VALUES (1, 'rivera', 'Rivera', 'x', 'teacher', 't')")
        old.execute("INSERT INTO entries (author_id, owner_token, body, taught_on, created_at, updated_at) "
                    "VALUES (1, 'u1', 'Written before named migrations.', '2025-01-01', 't', 't')")
    old.close()

    upgraded = database.connect(tmp_path / "old.db")
    # Re-running a migration the old release had applied would fail (its tables exist): none ran twice.
    assert database.applied_migrations(upgraded) == MIGRATION_NAMES
    assert _schema(upgraded) == _schema(database.connect(tmp_path / "fresh.db"))
    if version >= 1:
        assert upgraded.execute("SELECT username FROM users").fetchall() == [("rivera",)]
        # The search index the first migration made still follows the entries.
        assert upgraded.execute("SELECT rowid FROM entries_fts WHERE entries_fts MATCH 'named'").fetchall() == [(1,)]
    assert database.integrity_ok(upgraded)


def test_migrating_again_changes_nothing(tmp_path):
    connection = database.connect(tmp_path / "twice.db")
    recorded = connection.execute("SELECT * FROM _sqlite_migrations ORDER BY id").fetchall()
    schema = _schema(connection)
    assert database.migrate(connection) == []
    assert database.migrate(database.connect(tmp_path / "twice.db")) == []
    assert connection.execute("SELECT * FROM _sqlite_migrations ORDER BY id").fetchall() == recorded
    assert _schema(connection) == schema


def test_a_bridged_database_is_not_bridged_again_once_it_has_named_migrations(tmp_path):
    _database_at_version(tmp_path / "old.db", 4).close()
    upgraded = database.connect(tmp_path / "old.db")
    # The old number stays in the file, but the names recorded now decide what runs.
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == 4
    assert database.migrate(upgraded) == []
    assert database.applied_migrations(upgraded) == MIGRATION_NAMES


@pytest.mark.slow
def test_processes_starting_together_on_a_new_file_migrate_it_once(tmp_path):
    path = tmp_path / "shared.db"
    start = f"from reflection import db; db.connect({str(path)!r})"
    processes = [
        subprocess.Popen([sys.executable, "-c", start], cwd=Path(__file__).resolve().parent.parent,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    errors = [process.communicate(timeout=60)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], errors
    assert database.applied_migrations(database.connect(path)) == MIGRATION_NAMES


def test_upgrading_keeps_accounts_and_everything_pointing_at_them_ids_are_never_reused_and_shares_outlive_coaches(
    tmp_path,
):
    path = tmp_path / "before-sessions.db"
    old = _database_at_version(path, 2)
    for user_id, name in ((1, "admin"), (2, "rivera"), (3, "okafor")):
        old.execute(
            "INSERT INTO users (id, username, display_name, password_hash, role, created_at) "
            "VALUES (?, ?, ?, 'x', 'teacher', 't')", [user_id, name, name.title()],
        )
    old.execute(
        "INSERT INTO entries (author_id, owner_token, body, taught_on, created_at, updated_at) "
        "VALUES (3, 'u3', 'Kept through the upgrade.', '2025-01-01', 't', 't')"
    )
    old.execute("INSERT INTO groups (name, created_by, created_at) VALUES ('Maths', 2, 't')")
    old.execute("INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES (1, 2, 'facilitator', 't')")
    old.execute(
        "INSERT INTO shares (entry_id, owner_id, coach_id, title, body, created_at) VALUES (1, 3, 2, '', 'Shared.', 't')"
    )
    old.execute("INSERT INTO comments (share_id, author_id, kind, body, created_at) VALUES (1, 3, 'note', 'Reply.', 't')")
    old.close()

    upgraded = database.connect(path)
    assert database.applied_migrations(upgraded) == MIGRATION_NAMES
    assert upgraded.execute("SELECT id, username, session_version, must_change_password FROM users ORDER BY id").fetchall() == [
        (1, "admin", 0, 0), (2, "rivera", 0, 0), (3, "okafor", 0, 0),
    ]
    assert upgraded.execute("SELECT author_id, body, revision FROM entries").fetchall() == [(3, "Kept through the upgrade.", 1)]
    assert upgraded.execute("SELECT user_id FROM group_members").fetchall() == [(2,)]
    assert upgraded.execute("SELECT owner_id, coach_id, body FROM shares").fetchall() == [(3, 2, "Shared.")]
    assert upgraded.execute("SELECT share_id, body FROM comments").fetchall() == [(1, "Reply.")]
    assert upgraded.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert upgraded.execute("PRAGMA foreign_key_check").fetchall() == []
    # The coach goes; the teacher's share and their reply under it stay.
    upgraded.execute("DELETE FROM users WHERE id = 2")
    assert upgraded.execute("SELECT coach_id, body FROM shares").fetchall() == [(None, "Shared.")]
    assert upgraded.execute("SELECT body FROM comments").fetchall() == [("Reply.",)]
    # The newest account goes; the next one gets a new id, not its id.
    upgraded.execute("DELETE FROM users WHERE id = 3")
    assert upgraded.execute("SELECT count(*) FROM entries").fetchone()[0] == 0  # cascades still work
    upgraded.execute(
        "INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES ('new', 'New', 'x', 'teacher', 't')"
    )
    assert upgraded.execute("SELECT id FROM users WHERE username = 'new'").fetchone()[0] == 4
    assert database.integrity_ok(upgraded)


def test_upgrading_makes_every_existing_group_a_plc_with_no_rhythm_and_nobody_new(tmp_path):
    path = tmp_path / "before-circles.db"
    old = _database_at_version(path, 8)
    old.execute("INSERT INTO users (username, display_name, password_hash, role, created_at) "
                "VALUES ('rivera', 'Rivera', 'x', 'teacher', 't')")
    old.execute("INSERT INTO groups (name, created_by, created_at) VALUES ('Maths', 1, 't')")
    old.execute("INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES (1, 1, 'facilitator', 't')")
    old.close()

    upgraded = database.connect(path)
    assert database.applied_migrations(upgraded) == MIGRATION_NAMES
    assert upgraded.execute("SELECT name, kind, welcomes_newcomers FROM groups").fetchall() == [("Maths", "plc", 0)]
    assert upgraded.execute("SELECT newcomer_until FROM users").fetchall() == [(None,)]
    assert upgraded.execute("SELECT count(*) FROM group_rhythms").fetchone()[0] == 0
    with pytest.raises(sqlite3.IntegrityError):
        upgraded.execute("UPDATE groups SET kind = 'club'")
    assert database.integrity_ok(upgraded)


def test_a_database_from_before_single_sign_on_gains_emails_and_settings(tmp_path):
    path = tmp_path / "before-sso.db"
    old = _database_at_version(path, 8)
    old.execute("INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES ('a','A','x','teacher','t')")
    old.close()
    connection = database.connect(path)
    assert connection.execute("SELECT username, email FROM users").fetchall() == [("a", None)]
    assert "settings" in connection.table_names()


def test_entries_saved_before_dismissals_were_stored_open_with_none(tmp_path):
    path = tmp_path / "before-dismissals.db"
    old = _database_at_version(path, 10)  # the release before migration 11
    old.execute("INSERT INTO users (id, username, display_name, password_hash, role, created_at) "
                "VALUES (1, 'rivera', 'Rivera', 'x', 'teacher', 't')")
    old.execute("INSERT INTO entries (author_id, owner_token, body, taught_on, created_at, updated_at) "
                "VALUES (1, 'u1', 'Written before dismissals were kept.', '2025-01-01', 't', 't')")
    old.close()
    upgraded = database.connect(path)
    assert database.applied_migrations(upgraded) == MIGRATION_NAMES
    assert upgraded.execute("SELECT body, dismissed FROM entries").fetchall() == [
        ("Written before dismissals were kept.", "[]")]
