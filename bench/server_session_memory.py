"""Memory of the real server over one long browser session: 200 page actions, new words in each.

Target (DESIGN.md, "flat over a long session"): the server's RSS grows at most 10 % from action 20
(everything loaded, the spaCy model included) to the last action. `bench/session_memory.py` runs the
same kind of session in AppTest, inside one Streamlit session; this one drives `streamlit run serve.py`
from headless Chromium, so it also has what only a real server has: a reload starts a new Streamlit
session (the old one lingers until its connection is gone), the draft keeper's component talks to
the server, and a second tab keeps a debrief open whose timer fragment reruns every 30 seconds.

`--mix` picks the kinds of action, to measure each candidate on its own (`idle` waits for one tick
of the timer and does nothing else); `--env NAME=VALUE` sets a variable for the server
(`MALLOC_ARENA_MAX=2`, for instance).

    .venv/bin/python bench/server_session_memory.py [--actions 200] [--mix check save search note reload pages]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

from browser_app import CHROMIUM, PASSWORD, StreamlitPage, launch_chromium, start_server
from server_memory import memory_mb
from session_memory import WARM_UP_ACTIONS, report_growth, sentences

from reflection import accounts, db as database, debriefs, groups, prompts

MIXES = ("check", "save", "search", "note", "reload", "pages", "idle")


def set_up(path: Path) -> tuple[str, int]:
    """A teacher who facilitates a PLC with an open debrief; (username, debrief id)."""
    db = database.connect(path)
    admin = accounts.create_user(db, None, "admin", "Admin", PASSWORD, "admin")
    teacher = accounts.create_user(db, admin, "rivera", "Ms Rivera", PASSWORD, "teacher")
    group = groups.create_group(db, admin, "Science PLC", facilitator_id=teacher.id)
    debrief = debriefs.start_debrief(db, teacher, group.id, prompts.load_library().get("tuning"), "Lab unit", teacher.id)
    db.close()
    return teacher.username, debrief.id


def actions(app: StreamlitPage, debrief_id: int, mix: list[str]):
    """The actions of one round, each a callable that leaves the page drawn and idle.

    Text goes in with the click that sends it, not on leaving the box first: in two runs, leaving the box
    after a round with a reload caused no rerun within two minutes (the draft keeper may have sent the
    text already), and the bench waited for one.
    """
    text = sentences()

    def check():
        app.go_to("Write")
        app.fill("Your reflection", next(text))
        app.click("Check my language")
        app.expect_text("Reading ease")

    def save():
        app.go_to("Write")
        app.fill("Your reflection", next(text))
        app.click("Save entry")
        app.expect_text("to your journal")

    def search():
        app.go_to("Journal")
        app.fill("Search your journal", next(text).split()[-1].strip("."))
        app.textbox("Search your journal").press("Enter")
        app.wait_idle()

    def note():
        app.page.goto(f"{app.server.url}/debriefs?debrief={debrief_id}")
        app.expect_heading("PLC debriefs")
        app.fill("Add a note", next(text))
        app.click("Add note")
        app.expect_text("Note added.")

    def reload():
        app.reload()
        app.main.get_by_role("heading").first.wait_for()

    def pages():
        for title in ("Journal", "Prompts", "Insights", "Shared & coaching", "Account"):
            app.go_to(title)

    def idle():
        app.page.wait_for_timeout(30_000)  # one tick of the debrief timer in the other tab

    chosen = {"check": check, "save": save, "search": search, "note": note, "reload": reload, "pages": pages,
              "idle": idle}
    return [chosen[name] for name in mix]


def open_debrief_tab(context, server, debrief_id: int) -> StreamlitPage:
    """A second tab on the open debrief, left there: its step timer reruns every 30 s all along."""
    tab = StreamlitPage(context.new_page(), server, timeout_s=120)
    tab.page.goto(f"{server.url}/debriefs?debrief={debrief_id}")
    tab.main.get_by_text("min elapsed").first.wait_for()
    return tab


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--mix", nargs="+", choices=MIXES, default=list(MIXES[:-1]), help="kinds of action, in turn")
    parser.add_argument("--no-timer", action="store_true", help="no second tab with an open debrief")
    parser.add_argument("--env", nargs="*", default=[], metavar="NAME=VALUE", help="environment for the server")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    os.environ.update(dict(setting.split("=", 1) for setting in args.env))
    readings: dict[int, tuple[float, float]] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        username, debrief_id = set_up(tmp_dir / "reflection.db")
        server = start_server(tmp_dir)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                context = browser.new_context()
                app = StreamlitPage(context.new_page(), server, timeout_s=120)
                app.sign_in_to_write(username)
                if not args.no_timer:
                    open_debrief_tab(context, server, debrief_id)
                round_of_actions = actions(app, debrief_id, args.mix)
                for number, action in zip(range(1, args.actions + 1), itertools.cycle(round_of_actions)):
                    action()
                    if number in (WARM_UP_ACTIONS, args.actions) or number % 10 == 0:
                        readings[number] = memory_mb(server.process.pid)
                        print(f"action {number}: {readings[number][0]:.0f} MB", file=sys.stderr, flush=True)
                browser.close()
        finally:
            server.stop()

    print(f"mix: {' '.join(args.mix)}; debrief timer tab: {'no' if args.no_timer else 'yes'}; "
          f"server environment: {' '.join(args.env) or 'as is'}; {time.monotonic() - started:.0f} s")
    print(f"{'after action':>12} {'RSS MB':>8} {'peak MB':>8}")
    for number, (rss, peak) in readings.items():
        print(f"{number:12d} {rss:8.0f} {peak:8.0f}")
    return report_growth({number: rss for number, (rss, _) in readings.items()}, args.actions)


if __name__ == "__main__":
    sys.exit(main())
