"""Docs checked against the code: the README's command table against the command line (every command and
option listed, nothing listed that does not exist), and docs/architecture.md's map against the modules."""

import argparse
import re

import pytest

from reflection import __main__ as command_line
from reflection.config import PROJECT_ROOT
from reflection.language import cli as check_command


def _command_section() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]


def _command_table() -> dict[str, str]:
    """{command name: its whole table row}."""
    rows = re.finditer(r"^\| `([a-z-]+)[^`]*` \|.*$", _command_section(), flags=re.MULTILINE)
    return {row.group(1): row.group(0) for row in rows}


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = command_line.build_parser()
    subparsers = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    # `check` is handed to its own parser (reflection/language/cli.py) before the main one sees its options.
    return {**subparsers.choices, "check": check_command.build_parser()}


def _long_options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings
            if option.startswith("--") and option != "--help"}


def test_the_readme_lists_every_command_and_no_other():
    assert sorted(_command_table()) == sorted(_subcommands())


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_the_readme_row_of_each_command_lists_exactly_its_options(command):
    row = _command_table().get(command, "")
    assert set(re.findall(r"--[a-z-]+", row)) == _long_options(_subcommands()[command])


def test_the_readme_names_the_options_every_command_takes_above_the_table():
    above_the_table = _command_section().split("\n|", 1)[0]
    assert _long_options(command_line.build_parser()) <= set(re.findall(r"--[a-z-]+", above_the_table))


def test_the_architecture_map_names_every_module():
    architecture = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = [*PROJECT_ROOT.glob("*.py"), *PROJECT_ROOT.glob("views/*.py"), *PROJECT_ROOT.glob("reflection/**/*.py")]
    unnamed = [str(path.relative_to(PROJECT_ROOT)) for path in modules
               if path.name != "__init__.py"
               if not re.search(rf"[`/]{re.escape(path.name)}`", architecture)]
    assert unnamed == []
