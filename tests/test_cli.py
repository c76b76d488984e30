"""The command line: init-db, create-user, backup (check has its own tests under tests/language).

The commands run in the test process (the `run_cli` fixture); one test starts the real entry point.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reflection import accounts, db as database, groups, journal, sharing

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_the_entry_point_creates_a_migrated_database(tmp_path):
    path = tmp_path / "cli.db"
    result = subprocess.run([sys.executable, "-m", "reflection", "--db", str(path), "init-db"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 0, result.stderr
    connection = database.connect(path)
    assert database.migrations.pending(connection) == []
    assert f"latest migration {database.applied_migrations(connection)[-1]}" in result.stdout


def test_create_user_reads_the_password_from_the_environment(run_cli, tmp_path):
    path = tmp_path / "cli.db"
    result = run_cli("--db", str(path), "create-user", "ms.rivera", "--role", "coach", "--name", "Ms Rivera",
                     env={"REFLECTION_PASSWORD": "a good long password"})
    assert result.returncode == 0, result.stderr
    user = accounts.authenticate(database.connect(path), "ms.rivera", "a good long password")
    assert (user.role, user.display_name) == ("coach", "Ms Rivera")


def test_create_user_without_a_password_source_fails_clearly(run_cli, tmp_path):
    result = run_cli("--db", str(tmp_path / "cli.db"), "create-user", "someone", env={"REFLECTION_PASSWORD": ""})
    assert result.returncode == 2
    assert "REFLECTION_PASSWORD" in result.stderr


def test_create_user_with_a_taken_name_fails_clearly(run_cli, tmp_path):
    path = tmp_path / "cli.db"
    env = {"REFLECTION_PASSWORD": "a good long password"}
    assert run_cli("--db", str(path), "create-user", "sam", env=env).returncode == 0
    again = run_cli("--db", str(path), "create-user", "SAM", env=env)
    assert again.returncode == 2 and "taken" in again.stderr


def test_backup_copies_a_live_database(run_cli, tmp_path):
    path = tmp_path / "live.db"
    live = database.connect(path)
    accounts.create_user(live, None, "kept", "Kept", "a good long password")
    result = run_cli("--db", str(path), "backup", str(tmp_path / "copies" / "backup.db"))
    assert result.returncode == 0, result.stderr
    copy = database.connect(tmp_path / "copies" / "backup.db")
    assert database.integrity_ok(copy) and accounts.find_user(copy, "kept")


def test_seed_demo_fills_an_empty_database_once(run_cli, tmp_path):
    path = tmp_path / "demo.db"
    result = run_cli("--db", str(path), "seed-demo")
    assert result.returncode == 0, result.stderr
    assert "demo.teacher" in result.stdout and "demo.coach" in result.stdout
    connection = database.connect(path)
    teacher = accounts.authenticate(connection, "demo.teacher", "reflection-demo")
    assert journal.list_entries(connection, teacher).total == 4
    coach = accounts.find_user(connection, "demo.coach")
    shared = sharing.list_received_shares(connection, coach)
    assert len(shared) == 1 and "Maya" not in shared[0].body
    assert [g.name for g in groups.list_groups(connection, teacher)] == ["Grade 7 math PLC"]
    again = run_cli("--db", str(path), "seed-demo")
    assert again.returncode == 2 and "empty database" in again.stderr


def test_reanalyse_brings_old_analyses_up_to_date(run_cli, tmp_path):
    path = tmp_path / "old.db"
    assert run_cli("--db", str(path), "seed-demo").returncode == 0
    database.connect(path).execute("UPDATE entries SET rules_version = 'old'")
    result = run_cli("--db", str(path), "reanalyse")
    assert result.returncode == 0, result.stderr
    assert "Re-checked 4 entries" in result.stdout and "4/4" in result.stderr
    assert journal.count_stale_entries(database.connect(path)) == 0


# --- foot-guns: the live database, file modes, folders where files belong -----------------------


def private(path: Path) -> bool:
    return path.stat().st_mode & 0o777 == database.PRIVATE_FILE_MODE


def make_live_database(path: Path) -> None:
    live = database.connect(path)
    accounts.create_user(live, None, "kept", "Kept", "a good long password")
    live.conn.close()


@pytest.mark.parametrize("target", ["", "-wal", "-shm"])
def test_export_refuses_to_write_over_the_live_database(run_cli, tmp_path, target):
    path = tmp_path / "live.db"
    make_live_database(path)
    holder = database.connect(path)  # keeps the -wal and -shm files in place, as the running app does
    try:
        result = run_cli("--db", str(path), "export", "--user", "kept", "--output", f"{path}{target}")
        assert result.returncode == 2 and "live database" in result.stderr and "Traceback" not in result.stderr
        assert database.integrity_ok(holder) and accounts.find_user(holder, "kept")
    finally:
        holder.conn.close()
    assert accounts.find_user(database.connect(path), "kept")


def test_backup_refuses_the_live_database_as_its_destination(run_cli, tmp_path):
    path = tmp_path / "live.db"
    make_live_database(path)
    result = run_cli("--db", str(path), "backup", str(path))
    assert result.returncode == 2 and "live database" in result.stderr
    assert accounts.find_user(database.connect(path), "kept")


def test_database_backups_and_exports_are_readable_by_their_owner_only(run_cli, tmp_path):
    old_umask = os.umask(0o022)  # the usual default, under which files are created world-readable
    try:
        path = tmp_path / "live.db"
        make_live_database(path)
        backup = run_cli("--db", str(path), "backup", str(tmp_path / "copies" / "backup.db"))
        exported = run_cli("--db", str(path), "export", "--user", "kept", "--output", str(tmp_path / "kept.json"))
    finally:
        os.umask(old_umask)
    assert backup.returncode == 0 and exported.returncode == 0, backup.stderr + exported.stderr
    assert all(private(file) for file in [path, tmp_path / "copies" / "backup.db", tmp_path / "kept.json"])
    holder = database.connect(path)  # the log files exist while a connection is open
    try:
        assert all(private(Path(f"{path}{suffix}")) for suffix in ("-wal", "-shm"))
    finally:
        holder.conn.close()


def test_an_existing_world_readable_database_is_narrowed_to_its_owner(run_cli, tmp_path):
    path = tmp_path / "old.db"
    make_live_database(path)
    os.chmod(path, 0o644)
    result = run_cli("--db", str(path), "init-db")
    assert result.returncode == 0, result.stderr
    assert private(path)


def test_a_folder_given_as_the_database_is_refused_clearly(run_cli, tmp_path):
    result = run_cli("--db", str(tmp_path), "init-db")
    assert result.returncode == 2 and "is a folder" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_as_the_backup_destination_gets_a_dated_file(run_cli, tmp_path):
    path = tmp_path / "live.db"
    make_live_database(path)
    folder = tmp_path / "backups"
    folder.mkdir()
    result = run_cli("--db", str(path), "backup", str(folder))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    [copy] = folder.iterdir()
    assert copy.name.startswith("reflection-") and copy.suffix == ".db" and private(copy)
    assert accounts.find_user(database.connect(copy), "kept")


def test_a_file_that_is_not_a_database_is_refused_clearly(run_cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("These are my notes, not a database. " * 100, encoding="utf-8")
    result = run_cli("--db", str(notes), "init-db")
    assert result.returncode == 2 and "not a database" in result.stderr and "Traceback" not in result.stderr


def test_compact_clears_deleted_text_once_no_one_else_is_reading(run_cli, tmp_path):
    from reflection import account_deletion

    path = tmp_path / "live.db"
    live = database.connect(path)
    teacher = accounts.create_user(live, None, "leaving", "Leaving", "a good long password")
    journal.create_entry(live, teacher, journal.EntryDraft(body="Quibblethorpe kept a private diary."))
    reader = database.connect(path)
    reader.conn.execute("BEGIN")
    reader.execute("SELECT count(*) FROM entries").fetchone()
    try:
        assert not account_deletion.delete_account(live, teacher, "leaving", wait_seconds=0.2).complete
        held = run_cli("--db", str(path), "compact", "--wait", "0.2")
        assert held.returncode == 2 and "still reading" in held.stderr
    finally:
        reader.conn.execute("ROLLBACK")
        reader.conn.close()
    done = run_cli("--db", str(path), "compact")
    assert done.returncode == 0 and "No copy of deleted text" in done.stdout, done.stderr
    live.conn.close()
    assert all(b"quibblethorp" not in file.read_bytes().lower() for file in tmp_path.iterdir() if file.is_file())
