"""Browser-test fixtures: the app under `streamlit run` on a temp database, and Chromium tabs on it.

Without /usr/bin/chromium the browser tests are skipped, except when the CI variable is set, where a
missing browser is a failure. A failing test leaves a full-page screenshot in test-artifacts/.
"""

from __future__ import annotations

import itertools
import os
import re

import pytest
from browser_app import (
    CHROMIUM,
    PASSWORD,
    PROJECT_ROOT,
    RUN_TIMEOUT_SECONDS,
    StreamlitPage,
    launch_chromium,
    start_server,
)

from reflection import accounts, db as database

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
UI_TIMEOUT_MS = RUN_TIMEOUT_SECONDS * 1000


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Kept on the item so the `page` fixture knows, at teardown, whether the test body failed.
    setattr(item, f"report_{report.when}", report)
    return report


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install -y chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests must run in CI, but {message}")
    pytest.skip(f"browser tests need Debian's Chromium: {message}")


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app_server(browser, tmp_path_factory):
    """One server for the journeys that share a database; an admin exists, so it opens on sign-in."""
    tmp_dir = tmp_path_factory.mktemp("browser-app")
    connection = database.connect(tmp_dir / "reflection.db")
    accounts.create_user(connection, None, "site-admin", "Site Admin", PASSWORD, "admin")
    connection.close()
    server = start_server(tmp_dir)
    yield server
    server.stop()


@pytest.fixture
def fresh_server(browser, tmp_path):
    """A server of its own on an empty database: the first-run screen."""
    server = start_server(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_db(app_server):
    """The test process's connection to the shared server's database, to set up accounts and entries."""
    connection = database.connect(app_server.db_path)
    yield connection
    connection.close()


_account_numbers = itertools.count(1)


@pytest.fixture
def make_account(app_db):
    """An account on the shared server's database; usernames are unique across the session."""

    def make(role: str = "teacher", display_name: str | None = None) -> accounts.User:
        username = f"{role}-{next(_account_numbers)}"
        return accounts.create_user(app_db, None, username, display_name or username.title(), PASSWORD, role)

    return make


def artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")


@pytest.fixture
def new_tab(browser, request):
    """Open a tab in a context of its own (its own Streamlit session, options passed to Playwright's
    `new_context`); all are closed at the end."""
    contexts = []

    def open_tab(**context_options):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, **context_options)
        context.set_default_timeout(UI_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    call_report = getattr(request.node, "report_call", None)
    for number, context in enumerate(contexts, start=1):
        if call_report is not None and call_report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            suffix = "" if len(contexts) == 1 else f"-tab{number}"
            context.pages[0].screenshot(path=str(ARTIFACTS / f"{artifact_name(request.node.nodeid)}{suffix}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(new_tab):
    return new_tab()


@pytest.fixture
def app(page, app_server) -> StreamlitPage:
    """A tab on the shared server (signed out)."""
    return StreamlitPage(page, app_server)
