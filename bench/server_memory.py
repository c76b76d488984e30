"""Memory of the real server: `streamlit run serve.py`, signed in from headless Chromium, model loaded.

Target (docs/architecture.md, Targets): <= 400 MB RSS with the spaCy model loaded. The model loads on the first language
check, so the bench signs in, writes a sentence and presses "Check my language" in a real browser,
then reads the server process's VmRSS (and its peak, VmHWM) from /proc.

    .venv/bin/python bench/server_memory.py [--sessions 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from browser_app import CHROMIUM, PASSWORD, StreamlitPage, launch_chromium, start_server

from reflection import accounts, db as database

TARGET_MB = 400
SENTENCE = "My low kids need more time with fractions, and the parents do not care about homework."


def memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc/PID/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def check_language_in_browser(browser, server, username: str) -> None:
    # A context of its own per teacher: sign-in lives in a cookie, shared by a context's tabs.
    context = browser.new_context()
    app = StreamlitPage(context.new_page(), server, timeout_s=120)
    app.sign_in_to_write(username)
    app.commit("Your reflection", SENTENCE)
    app.click("Check my language")
    app.expect_text("to reconsider")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=3, help="browser sessions that each run a check")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        connection = database.connect(tmp_dir / "reflection.db")
        accounts.create_user(connection, None, "admin", "Admin", PASSWORD, "admin")
        users = [accounts.create_user(connection, None, f"teacher{n}", f"Teacher {n}", PASSWORD) for n in range(args.sessions)]
        connection.close()
        server = start_server(tmp_dir)
        try:
            rows = [("server started", *memory_mb(server.process.pid))]
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for number, user in enumerate(users, start=1):
                    check_language_in_browser(browser, server, user.username)
                    label = "model loaded (1 session, checked)" if number == 1 else f"{number} sessions, each checked"
                    rows.append((label, *memory_mb(server.process.pid)))
                browser.close()
        finally:
            server.stop()

    print(f"{'state':40} {'RSS MB':>8} {'peak MB':>8}")
    for label, rss, peak in rows:
        print(f"{label:40} {rss:8.0f} {peak:8.0f}")
    loaded = max(rss for label, rss, _ in rows[1:])
    print(f"\nRSS with the model loaded: {loaded:.0f} MB (target <= {TARGET_MB} MB, ratio {loaded / TARGET_MB:.2f})")
    met = loaded <= TARGET_MB
    print("target met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
