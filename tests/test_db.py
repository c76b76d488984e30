import sqlite3

import pytest

from reflection import db as database


def test_new_database_is_created_migrated_and_configured(tmp_path):
    path = tmp_path / "nested" / "new.db"
    connection = database.connect(path)
    assert path.exists()
    assert database.schema_version(connection) == len(database.MIGRATIONS)
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
    assert database.migrate(second) == len(database.MIGRATIONS)


def test_an_older_database_is_brought_forward(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 0").connection.close()
    assert database.schema_version(database.connect(path)) == len(database.MIGRATIONS)


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
