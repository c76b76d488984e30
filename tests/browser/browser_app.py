"""Driving the real app: `streamlit run serve.py` (the launcher with the session-cookie routes) on a free
port, and a Chromium tab on it.

Used by the browser tests' fixtures (conftest.py) and by bench/server_memory.py. Playwright never
downloads a browser here: it launches Debian's /usr/bin/chromium with the flags below.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
PASSWORD = "correct horse battery"
SERVER_START_SECONDS = 60
# Streamlit is idle when the app is connected and no script run is under way.
IDLE_SELECTOR = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
)
# A script run has ended when the server sends its "script finished" message with one of these outcomes
# (a run cut short by a rerun ends with FINISHED_EARLY_FOR_RERUN, and its successor follows).
COMPLETED_RUN = frozenset({ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY})
# Generous: the first language check in a fresh server loads spaCy (seconds on 2 busy cores).
RUN_TIMEOUT_SECONDS = 45


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """`streamlit run serve.py` on its own database, from the repository root, with this Python."""

    def __init__(self, db_path: Path, log_path: Path, secrets_path: Path | None = None):
        self.db_path = Path(db_path)
        self.log_path = Path(log_path)
        self.secrets_path = secrets_path  # a secrets.toml of the test's own (school sign-in settings)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = None

    def start(self) -> StreamlitServer:
        env = {**os.environ, "REFLECTION_DB": str(self.db_path)}
        command = [
            sys.executable, "-m", "streamlit", "run", "serve.py",
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ] + (["--secrets.files", str(self.secrets_path)] if self.secrets_path else [])
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit was not healthy within {SERVER_START_SECONDS} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if self.log and not self.log.closed:
            self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.log:
            self.log.close()


def start_server(tmp_dir: Path) -> StreamlitServer:
    return StreamlitServer(tmp_dir / "reflection.db", tmp_dir / "streamlit.log").start()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


class StreamlitPage:
    """A browser tab on the app, with the few moves the journeys need.

    Widgets are found by their accessible label, or by the `st-key-<key>` class Streamlit puts on
    every keyed element. After an action, wait for its visible outcome (or for the rerun it caused)
    before waiting for idle: the script state can read "notRunning" just before a rerun starts.
    """

    def __init__(self, page, server: StreamlitServer, timeout_s: float = RUN_TIMEOUT_SECONDS):
        self.page = page
        self.server = server
        self.timeout_s = timeout_s  # for every wait of this tab: Playwright's own and a script run's
        page.set_default_timeout(timeout_s * 1000)
        # Counted from the server's own messages, read off the page's web sockets (one per load): the
        # DOM's script-state attribute can skip "running" altogether when a run is quick.
        self.completed_runs = 0
        page.on("websocket", lambda socket: socket.on("framereceived", self._count_completed_run))

    def _count_completed_run(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg.FromString(payload)
        if message.WhichOneof("type") == "script_finished" and message.script_finished in COMPLETED_RUN:
            self.completed_runs += 1

    def open(self) -> StreamlitPage:
        self.page.goto(self.server.url)
        self.wait_idle()
        return self

    def wait_idle(self) -> None:
        self.page.wait_for_selector(IDLE_SELECTOR)

    @property
    def main(self):
        return self.page.locator('[data-testid="stMain"]')

    @property
    def sidebar(self):
        return self.page.locator('[data-testid="stSidebar"]')

    def nav_link(self, page_title: str):
        return self.page.locator('[data-testid="stSidebarNav"] a', has_text=page_title)

    def heading(self, text: str):
        return self.main.get_by_role("heading", name=text, exact=True)

    def textbox(self, label: str):
        return self.page.get_by_role("textbox", name=label, exact=True)

    def button(self, label: str):
        return self.main.get_by_role("button", name=label, exact=True)

    def keyed(self, key: str):
        return self.page.locator(f".st-key-{key}")

    def expect_text(self, text: str):
        """Wait until `text` shows in the main area, then for idle; returns its locator."""
        locator = self.main.get_by_text(text).first
        locator.wait_for()
        self.wait_idle()
        return locator

    def expect_heading(self, text: str) -> None:
        self.heading(text).wait_for()
        self.wait_idle()

    def rerun_after(self, action) -> None:
        """Do `action` (a callable) and wait until the script run it triggered has finished."""
        # A run still going when `action` starts would take in its rerun and finish only once.
        self.wait_idle()
        before = self.completed_runs
        action()
        deadline = time.monotonic() + self.timeout_s
        while self.completed_runs <= before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no script run finished within {self.timeout_s:g} s of the action")
            self.page.wait_for_timeout(20)  # Playwright delivers the socket's messages while it waits
        self.wait_idle()

    def fill(self, label: str, text: str) -> None:
        """Type into a box inside a form (the submit button sends it)."""
        self.textbox(label).fill(text)

    def commit(self, label: str, text: str) -> None:
        """Type into a box outside a form and wait for the rerun that takes the value (on blur)."""
        box = self.textbox(label)
        box.fill(text)
        self.rerun_after(box.blur)

    def click(self, label: str) -> None:
        """Click a button in the main area and wait for the rerun it causes."""
        self.rerun_after(self.button(label).click)

    def click_key(self, key: str) -> None:
        self.rerun_after(self.keyed(key).get_by_role("button").click)

    def choose(self, key: str, option: str) -> None:
        """Pick `option` in the selectbox with widget key `key` (typing filters long lists)."""
        combobox = self.keyed(key).get_by_role("combobox")
        if combobox.input_value() == option:
            return  # already chosen: choosing it again causes no rerun
        combobox.click()
        combobox.fill(option)
        self.rerun_after(self.page.get_by_role("option", name=option, exact=True).click)

    def go_to(self, page_title: str) -> None:
        self.nav_link(page_title).click()
        self.expect_heading(page_title)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.fill("Username", username)
        self.fill("Password", password)
        self.button("Sign in").click()

    def sign_in_to_write(self, username: str) -> None:
        self.open()
        self.signing_in(lambda: self.sign_in(username))
        self.expect_heading("Write")

    def signing_in(self, action) -> None:
        """Do `action`, which signs in, and wait for the browser's trip through the cookie route and back."""
        with self.page.expect_navigation():
            action()
        self.wait_idle()

    def sign_out(self) -> None:
        """Sign out from the sidebar and wait for the browser's trip through the route that clears the cookie."""
        with self.page.expect_navigation():
            self.sidebar.get_by_role("button", name="Sign out").click()
        self.textbox("Username").wait_for()
        self.wait_idle()

    def reload(self) -> None:
        self.page.reload()
        self.wait_idle()
