"""Shared fixtures: a real SQLite file in a temp dir per test, real accounts, Streamlit's AppTest, and the
command line run in this process."""

from __future__ import annotations

import io
import itertools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from streamlit.testing.v1 import AppTest

from reflection import accounts, circles, db as database, debriefs, groups, sessions
from reflection.__main__ import main as cli_main
from views._common import SESSION_KEY

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"

# Property tests (tests/test_fuzz.py) run a quarter of their examples in the README's suite: in full they took
# 124 s of test time on the loaded 2-core machine, a quarter 12 s. HYPOTHESIS_PROFILE=thorough runs them all.
settings.register_profile("suite", max_examples=25)
settings.register_profile("thorough", max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))
# argon2's cheapest parameters for the accounts the suite makes, in this process and in every server and
# command it starts (they inherit the environment); tests/test_accounts.py checks the recommended cost.
os.environ.setdefault("REFLECTION_PASSWORD_HASHING", "cheapest-for-tests")


@pytest.fixture
def password() -> str:
    """The password every account made by `make_user` has."""
    return PASSWORD


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "reflection.db"
    monkeypatch.setenv("REFLECTION_DB", str(path))
    return path


@pytest.fixture
def db(db_path):
    connection = database.connect(db_path)
    yield connection
    connection.close()


@pytest.fixture
def make_user(db):
    counter = itertools.count(1)

    def make(role: str = "teacher", username: str | None = None) -> accounts.User:
        name = username or f"{role}{next(counter)}"
        return accounts.create_user(db, None, name, name.title(), PASSWORD, role)

    return make


@pytest.fixture
def circle(db, make_user):
    """A peer circle "Tuesday circle" started by one teacher, who added a second: (group, first, peer)."""
    first, peer = make_user(), make_user()
    group = circles.create_circle(db, first, "Tuesday circle")
    groups.add_member(db, first, group.id, peer.username)
    return group, first, peer


@pytest.fixture
def sign_in_state(db):
    """Put `user` into an AppTest's session state as the app does: a real server-side session's token."""

    def sign_in(at: AppTest, user: accounts.User) -> AppTest:
        at.session_state[SESSION_KEY] = sessions.start(db, user.id)
        return at

    return sign_in


@pytest.fixture
def app_test(sign_in_state):
    """An AppTest of the whole app on the test's own database; call with a user to start signed in."""

    def start(user: accounts.User | None = None) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
        return at if user is None else sign_in_state(at, user)

    return start


@pytest.fixture
def open_debrief(app_test, db, make_user):
    """The PLC debriefs page of a facilitator, with a Tuning debrief of their group open (in the URL)."""

    def open_page():
        from reflection import groups, prompts

        admin, facilitator = make_user("admin"), make_user()
        group = groups.create_group(db, admin, "Science PLC", facilitator_id=facilitator.id)
        debrief = debriefs.start_debrief(db, facilitator, group.id, prompts.load_library().get("tuning"), "Unit",
                                       facilitator.id)
        at = app_test(facilitator)
        at.query_params["debrief"] = debrief.id
        at.switch_page("views/debriefs.py").run()
        return at, facilitator, debrief

    return open_page


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """`python -m reflection ARGS` run in this process, with `env` added to the environment and `stdin` as
    standard input. A subprocess would load spaCy again for every call (5 to 10 s on the 2-core machine);
    here the model loaded once per test session serves every call. tests/test_cli.py keeps a real
    subprocess for the entry point itself."""

    def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> CliResult:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            returncode = cli_main([str(arg) for arg in args])
        except SystemExit as exit_:  # argparse refusing the arguments
            returncode = exit_.code
        captured = capsys.readouterr()
        return CliResult(returncode, captured.out, captured.err)

    return run
