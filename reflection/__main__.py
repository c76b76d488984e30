"""Command line: `python -m reflection COMMAND`. Run with --help for the list."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from . import accounts, config, db as database
from .errors import ReflectionError


def _password(args: argparse.Namespace) -> str:
    # Scripts pass the password through the environment so it never shows in the process list.
    password = os.environ.get("REFLECTION_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise ReflectionError("Set REFLECTION_PASSWORD to give a password when not at a terminal.")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise ReflectionError("The two passwords differ.")
    return first


def cmd_init_db(args: argparse.Namespace) -> int:
    latest = database.applied_migrations(database.connect(args.db))[-1]
    print(f"Database ready at {args.db or config.database_path()} (latest migration {latest}).")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    connection = database.connect(args.db)
    user = accounts.create_user(connection, None, args.username, args.name or args.username, _password(args), args.role)
    print(f"Created {user.role} account “{user.username}”.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    connection = database.connect(args.db)
    destination = database.backup(connection, args.destination)
    print(f"Backed up to {destination}.")
    return 0


def _account(connection, username: str) -> accounts.User:
    user = accounts.find_user(connection, username)
    if user is None:
        raise ReflectionError(f"There is no account “{username}”.")
    return user


def cmd_export(args: argparse.Namespace) -> int:
    from . import (
        export,  # loads the language check, which the other commands do without
    )

    connection = database.connect(args.db)
    if args.output is not None:
        database.refuse_live_file(connection, args.output)
    text = export.export(connection, _account(connection, args.user), args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        _write_private(args.output, text)
        print(f"Exported {args.format} to {args.output}.", file=sys.stderr)
    return 0


def _write_private(path: Path, text: str) -> None:
    """Write an export readable by its owner only, as the database itself is: it holds a private journal."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, database.PRIVATE_FILE_MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise ReflectionError(f"Cannot write {path}: {error.strerror}.") from None


def cmd_import(args: argparse.Namespace) -> int:
    from . import importing

    connection = database.connect(args.db)
    user = _account(connection, args.user)
    try:
        importing.check_import_size(args.file.stat().st_size)
        data = args.file.read_bytes()
    except OSError as error:
        raise ReflectionError(f"Cannot read {args.file}: {error.strerror}.") from None
    print(importing.import_json(connection, user, data).summary)
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from . import demo

    school = demo.seed_demo(database.connect(args.db))
    print("Demo school ready. Sign in with any of these (password: " + demo.DEMO_PASSWORD + "):")
    for role, user in vars(school).items():
        print(f"  {user.username:<16} {role}")
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    from . import account_deletion

    if not account_deletion.clear_deleted_text(database.connect(args.db), wait_seconds=args.wait):
        raise ReflectionError("Another program (a backup?) is still reading the database, so deleted text could "
                              "not be cleared yet. Run this again once it has finished.")
    print("No copy of deleted text is left in the database files.")
    return 0


def cmd_reanalyse(args: argparse.Namespace) -> int:
    from . import journal

    connection = database.connect(args.db)
    total = journal.count_stale_entries(connection)
    if total == 0:
        print("Every entry was checked with the current rules.")
        return 0

    def show(done: int, total: int) -> None:
        filled = round(30 * done / total)
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    done = journal.reanalyse_stale_entries(connection, progress=show)
    print(file=sys.stderr)
    print(f"Re-checked {done:,} entries with the current rules.")
    return 0


def cmd_train_checker(args: argparse.Namespace) -> int:
    from .language.training import train

    try:
        if args.recalibrate:
            manifest = train.recalibrate(args.output or train.MODEL_DIR)
        else:
            manifest = train.train(args.output)
    except train.FrozenSplitChanged as error:
        raise ReflectionError(str(error)) from None
    print(f"Model ready in {args.output or train.MODEL_DIR}: thresholds {manifest['thresholds']}, "
          f"development split {manifest['dev_calibration']}.")
    print("Measure it with: python bench/checker_quality.py")
    return 0


def cmd_check(argv: list[str]) -> int:
    from .language import cli

    return cli.main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reflection", description="Reflection: journals and a bias check for educators.")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: $REFLECTION_DB or ./data/reflection.db)")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("check", help="check text for deficit language (see `check --help`)", add_help=False)

    init = commands.add_parser("init-db", help="create or migrate the database")
    init.set_defaults(run=cmd_init_db)

    create = commands.add_parser("create-user", help="create an account (password from $REFLECTION_PASSWORD or a prompt)")
    create.add_argument("username")
    create.add_argument("--name", help="display name")
    create.add_argument("--role", choices=accounts.ROLES, default="teacher")
    create.set_defaults(run=cmd_create_user)

    export_command = commands.add_parser("export", help="write one account's data as JSON, Markdown or CSV")
    export_command.add_argument("--user", required=True, help="username of the account to export")
    export_command.add_argument("--format", default="json", help="json (default, complete, can be imported), markdown or csv")
    export_command.add_argument("--output", type=Path, default=None, help="file to write (default: standard output)")
    export_command.set_defaults(run=cmd_export)

    import_command = commands.add_parser("import", help="add the entries of a JSON export to an account")
    import_command.add_argument("--user", required=True, help="username of the account to import into")
    import_command.add_argument("file", type=Path, help="a JSON file made by `export --format json`")
    import_command.set_defaults(run=cmd_import)

    demo_command = commands.add_parser("seed-demo", help="fill an empty database with a demo school to explore")
    demo_command.set_defaults(run=cmd_seed_demo)

    reanalyse = commands.add_parser("reanalyse", help="re-check entries analysed with older language rules")
    reanalyse.set_defaults(run=cmd_reanalyse)

    train_command = commands.add_parser(
        "train-checker", help="train the bias check's learned components on the corpus (seeded; about 6 minutes on 2 cores)")
    train_command.add_argument("--output", type=Path, default=None,
                               help="model folder to write (default: the shipped reflection/language/model)")
    train_command.add_argument("--recalibrate", action="store_true",
                               help="only choose the flag thresholds again, on the development split")
    train_command.set_defaults(run=cmd_train_checker)

    backup = commands.add_parser("backup", help="copy the database safely while the app runs")
    backup.add_argument("destination", type=Path)
    backup.set_defaults(run=cmd_backup)

    compact = commands.add_parser(
        "compact", help="clear deleted text from the database files (after a deletion that a backup held up)")
    compact.add_argument("--wait", type=float, default=10.0, help="seconds to wait for other readers (default 10)")
    compact.set_defaults(run=cmd_compact)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "check":
        return cmd_check(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        with database.storage_errors_explained():
            return args.run(args)
    except ReflectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
