"""Does one teacher's long check freeze everyone else? Page actions in one tab while another checks.

Tab A types the longest entry the app accepts (50,000 characters) and presses "Check my language";
while that check runs, tab B moves between the Journal and Insights, again and again. The bench
prints B's page-action latency with nothing else running and during A's check, first with the check
in the app's process (REFLECTION_CHECK_WORKERS=0), then in a worker process (=1). Both tabs are
driven from one thread: a click returns as soon as it is made, so A's check runs on the server while
B's actions are timed.

    .venv/bin/python bench/check_stall.py [--rounds 3]

Target (issue 15): no session stalls behind another's check; B's p95 during A's check stays within
500 ms (the page-action target of bench/capacity.py).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import synthetic
from browser_app import CHROMIUM, PASSWORD, StreamlitPage, launch_chromium, start_server
from capacity import PAGE_TARGET_S, percentile

from reflection import accounts, config, db as database

BASELINE_ACTIONS = 10


def longest_entry() -> str:
    """Teacher-journal prose up to the entry limit, ending at a sentence."""
    text = synthetic.entry_text(random.Random(3), words=config.MAX_ENTRY_CHARS // 5)
    return text[: text.rfind(".", 0, config.MAX_ENTRY_CHARS - 1) + 1]


def switch_page(tab: StreamlitPage, number: int) -> float:
    started = time.perf_counter()
    tab.go_to("Journal" if number % 2 == 0 else "Insights")
    return time.perf_counter() - started


def run(workers: int, rounds: int, browser, tmp_dir: Path) -> dict:
    os.environ["REFLECTION_CHECK_WORKERS"] = str(workers)  # read by the server process started below
    connection = database.connect(tmp_dir / "reflection.db")
    accounts.create_user(connection, None, "admin", "Admin", PASSWORD, "admin")  # as the command line does
    for name in ("writer", "reader"):
        accounts.create_user(connection, None, name, name.title(), PASSWORD)
    synthetic.add_entries(connection, [accounts.find_user(connection, "reader").id], 40)
    connection.close()
    server = start_server(tmp_dir)
    tabs = []
    try:
        for name in ("writer", "reader"):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            tab = StreamlitPage(context.new_page(), server, timeout_s=180)
            tab.sign_in_to_write(name)
            # The page can rerun once more just after signing in; a box committed during that run
            # would not start a run of its own, and the helper would wait for one.
            tab.page.wait_for_timeout(1000)
            tab.wait_idle()
            tabs.append(tab)
        writer, reader = tabs
        # Warm both: the model (in the worker too) and the chart library load on first use.
        writer.commit("Your reflection", "My low kids need more time with fractions.")
        writer.click("Check my language")
        for number in range(2):
            switch_page(reader, number)
        writer.commit("Your reflection", longest_entry())

        quiet = [switch_page(reader, n) for n in range(BASELINE_ACTIONS)]
        during, checks = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            writer.button("Check my language").click()
            running = writer.page.locator('[data-testid="stApp"][data-test-script-state="running"]')
            running.wait_for()  # a check of the longest entry runs for seconds: "running" always shows
            number = 0
            while running.count():
                during.append(switch_page(reader, number))
                number += 1
            writer.wait_idle()
            checks.append(time.perf_counter() - started)
    finally:
        for tab in tabs:
            tab.page.context.close()
        server.stop()
    return {"workers": workers, "quiet": quiet, "during": during, "checks": checks}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="long checks per setting")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind, so the app process is stopped too
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for workers in (0, 1):
            with tempfile.TemporaryDirectory() as tmp:
                load = os.getloadavg()[0]
                row = run(workers, args.rounds, browser, Path(tmp))
                row["load"] = (load, os.getloadavg()[0])
                rows.append(row)
        browser.close()

    print(f"{'check runs in':22} {'long check s':>12} {'B quiet p50/p95 ms':>19} {'B during p50/p95 ms':>20} {'n':>4}  load")
    for row in rows:
        where = "the app process" if row["workers"] == 0 else f"{row['workers']} worker process"
        quiet, during = row["quiet"], row["during"]
        print(f"{where:22} {statistics.median(row['checks']):12.1f} "
              f"{statistics.median(quiet) * 1000:9.0f}/{percentile(quiet, 0.95) * 1000:<9.0f} "
              f"{statistics.median(during) * 1000:10.0f}/{percentile(during, 0.95) * 1000:<9.0f} {len(during):4d}  "
              f"{row['load'][0]:.2f} -> {row['load'][1]:.2f}")
    worst = percentile(rows[-1]["during"], 0.95)
    print(f"\nWith a worker: B's p95 during a long check {worst * 1000:.0f} ms "
          f"(target {PAGE_TARGET_S * 1000:.0f} ms, ratio {worst / PAGE_TARGET_S:.2f})")
    return 0 if worst <= PAGE_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
