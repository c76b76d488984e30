"""Browser-test fixtures: the app under `streamlit run` on a temp database, and Chromium tabs on it.

Without /usr/bin/chromium the browser tests are skipped, except when the CI variable is set, where a
missing browser is a failure. A failing test leaves a full-page screenshot in test-artifacts/.
"""

from __future__ import annotations

import contextlib
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
from playwright.sync_api import Error as PlaywrightError

from reflection import accounts, db as database

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
UI_TIMEOUT_MS = RUN_TIMEOUT_SECONDS * 1000
VIEWPORT = {"width": 1400, "height": 1000}


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


@pytest.fixture(scope="session")
def shared_context(browser):
    """The browser context of every tab opened without options. Its cache keeps Streamlit's scripts, already
    compiled, from test to test: loading them into a fresh context cost about 1 s of CPU per tab (measured).
    Each test starts it without cookies and leaves no page or stored draft behind."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(UI_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def new_tab(browser, shared_context, request):
    """Open a tab as if in a browser of its own (its own cookies, so its own sign-in): a test's first tab
    without options in the shared context, any other in a context of its own, with the options given for
    Playwright's `new_context` (such as `ignore_https_errors`). Every tab is closed at the end."""
    own_contexts = []
    shared_context.clear_cookies()

    def open_tab(**context_options):
        if not context_options and not shared_context.pages:
            return shared_context.new_page()
        context = browser.new_context(viewport=VIEWPORT, **context_options)
        context.set_default_timeout(UI_TIMEOUT_MS)
        own_contexts.append(context)
        return context.new_page()

    yield open_tab
    tabs = list(shared_context.pages) + [context.pages[0] for context in own_contexts if context.pages]
    call_report = getattr(request.node, "report_call", None)
    if call_report is not None and call_report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for number, tab in enumerate(tabs, start=1):
            suffix = "" if len(tabs) == 1 else f"-tab{number}"
            tab.screenshot(path=str(ARTIFACTS / f"{artifact_name(request.node.nodeid)}{suffix}.png"), full_page=True)
    for tab in shared_context.pages:
        if tab.url.startswith("http"):
            with contextlib.suppress(PlaywrightError):  # a tab that is still navigating keeps no storage yet
                tab.evaluate("window.localStorage.clear()")  # drafts the draft keeper kept
        tab.close()
    for context in own_contexts:
        context.close()


@pytest.fixture
def page(new_tab):
    return new_tab()


@pytest.fixture
def app(page, app_server) -> StreamlitPage:
    """A tab on the shared server (signed out)."""
    return StreamlitPage(page, app_server)
