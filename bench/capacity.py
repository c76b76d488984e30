"""Capacity: how many teachers one server holds, measured with N real browser sessions at once.

Each simulated teacher is a thread with its own Playwright and Debian Chromium (Playwright's sync API
is per thread), signed in to the real `streamlit run serve.py`, going round a loop with think time:
write a 200-400-word entry, check its language, save it, open the Journal and search it, open
Insights, back to Write. Latency is the user's: from the click (or the typed text leaving the box)
until the page has finished the run it caused. A simulated teacher is far busier than a real one
(one check every half minute or so, where a teacher writes for minutes between checks).

Targets (docs/architecture.md, Targets): p95 of "check" <= 1 s and of page actions <= 500 ms. Saving runs the
checker again (the stored analysis), so it is held to the check's target. The server's CPU (its
processes and their children) and RSS are read from /proc; the load average is printed beside
every figure because the machine is shared.

    .venv/bin/python bench/capacity.py                      # one process, N = 1 5 10 20
    .venv/bin/python bench/capacity.py --processes 2        # two processes behind nginx (deploy/)
    .venv/bin/python bench/capacity.py --teachers 1 5 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import synthetic
from browser_app import CHROMIUM, PASSWORD, StreamlitPage, StreamlitServer, launch_chromium
from proxy_app import NginxProxy

from reflection import accounts, db as database

ROOT = Path(__file__).resolve().parent.parent

CHECK_TARGET_S = 1.0
PAGE_TARGET_S = 0.5
CHECKER_ACTIONS = ("check", "save")  # both run the language check on the server
ACTIONS = ("sign in", "type", "check", "save", "journal", "search", "insights", "write page")
# Entries already in each journal, so the Journal, search and Insights have something to show.
ENTRIES_PER_TEACHER = 40
# A deficit-framed sentence in every entry, so the check has flags to draw.
FLAGGED_SENTENCE = "My low kids could not keep up, and their parents don't care about homework."
SEARCH_WORDS = ("fractions", "group work", "gallery walk", "debate", "phonics", "exit tickets")
ACTION_TIMEOUT_MS = 60_000
BARRIER_TIMEOUT_S = 300  # launching 20 browsers on a busy 2-core machine takes a while
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ARTIFACTS = ROOT / "test-artifacts"  # a screenshot of the page where a teacher's action failed


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, seconds: float) -> None:
        with self.lock:
            self.latencies[action].append(seconds)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (a checker pool's workers count as the server's)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def server_and_client_processes(server_pids: list[int]) -> tuple[list[int], list[int]]:
    """The server's processes (the app's, with their children, and nginx), and everything else this
    bench runs (browsers, Playwright's drivers, itself): on one machine the simulated browsers take CPU
    a real server would not share."""
    server = [pid for server_pid in server_pids for pid in process_tree(server_pid)]
    client = [pid for pid in process_tree(os.getpid()) if pid not in server]
    return server, client


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def rss_mb(pids: list[int]) -> tuple[float, float]:
    """(RSS, peak RSS) summed over `pids`, in MB."""
    rss = peak = 0.0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name == "VmRSS":
                rss += int(value.split()[0]) / 1024
            elif name == "VmHWM":
                peak += int(value.split()[0]) / 1024
    return rss, peak


class Teacher:
    """One simulated teacher: a browser of its own and a loop of actions with think time."""

    def __init__(self, number: int, username: str, server, results: Results, think: tuple[float, float]):
        """`server` is an app process or the proxy in front of several: anything with a `url`."""
        self.number = number
        self.username = username
        self.server = server
        self.results = results
        self.think = think
        self.rng = random.Random(number)

    def timed(self, action: str, move) -> None:
        started = time.perf_counter()
        try:
            move()
        except Exception as error:
            raise RuntimeError(f"{action} failed after {time.perf_counter() - started:.0f} s: "
                               f"{type(error).__name__}: {str(error)[:160]}") from error
        self.results.add(action, time.perf_counter() - started)

    def pause(self, deadline: float) -> None:
        time.sleep(max(0.0, min(self.rng.uniform(*self.think), deadline - time.monotonic())))

    def entry_text(self) -> str:
        return f"{synthetic.entry_text(self.rng, words=self.rng.randint(200, 380))} {FLAGGED_SENTENCE}"

    def new_query(self, app: StreamlitPage) -> str:
        """A search other than the one in the box: the same text again would cause no rerun."""
        current = app.textbox("Search your journal").input_value()
        return self.rng.choice([word for word in SEARCH_WORDS if word != current])

    def sign_in(self, app: StreamlitPage) -> None:
        app.open()
        app.fill("Username", self.username)
        app.fill("Password", PASSWORD)
        self.timed("sign in", lambda: (app.button("Sign in").click(), app.expect_heading("Write")))

    def loop_once(self, app: StreamlitPage, deadline: float) -> None:
        steps = [
            ("type", lambda: app.commit("Your reflection", self.entry_text())),
            ("check", lambda: (app.click("Check my language"), app.expect_text("to reconsider"))),
            ("save", lambda: (app.click("Save entry"), app.expect_text("to your journal"))),
            ("journal", lambda: app.go_to("Journal")),
            ("search", lambda: (app.commit("Search your journal", self.new_query(app)),
                                app.expect_text("matching entr"))),
            ("insights", lambda: app.go_to("Insights")),
            ("write page", lambda: app.go_to("Write")),
        ]
        for action, move in steps:
            if time.monotonic() >= deadline:
                return
            self.timed(action, move)
            self.pause(deadline)

    def run(self, start: threading.Barrier, done: threading.Barrier, ramp: float, deadline_holder: list[float]) -> None:
        """Launch a browser, wait at `start` for all others, run until the deadline, then wait at `done`
        (twice: all finished, then measured) so the browsers' CPU is read before they exit."""
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True)
            try:
                start.wait(timeout=BARRIER_TIMEOUT_S)
                deadline = deadline_holder[0]
                time.sleep(ramp * self.number)  # arrivals spread out, as a staff room's would be
                while time.monotonic() < deadline:
                    app = StreamlitPage(context.new_page(), self.server, timeout_s=ACTION_TIMEOUT_MS / 1000)
                    try:
                        self.sign_in(app)
                        while time.monotonic() < deadline:
                            self.loop_once(app, deadline)
                    except Exception as error:  # a timeout or a broken page: count it, sign in again
                        self.results.fail(f"teacher {self.number}: {error}")
                        ARTIFACTS.mkdir(exist_ok=True)
                        app.page.screenshot(path=str(ARTIFACTS / f"capacity-teacher{self.number}.png"))
                    finally:
                        app.page.close()
            finally:
                done.wait(timeout=BARRIER_TIMEOUT_S)
                done.wait(timeout=BARRIER_TIMEOUT_S)
                browser.close()


def prepare(db_path: Path, teachers: int) -> list[str]:
    connection = database.connect(db_path)
    accounts.create_user(connection, None, "admin", "Admin", PASSWORD, "admin")  # as the command line does
    names = []
    for number in range(teachers):
        user = accounts.create_user(connection, None, f"teacher{number}", f"Teacher {number}", PASSWORD)
        names.append(user.username)
    author_ids = [accounts.find_user(connection, name).id for name in names]
    synthetic.add_entries(connection, author_ids, ENTRIES_PER_TEACHER * teachers)
    connection.close()
    return names


def warm_up(servers: list[StreamlitServer], think: tuple[float, float]) -> None:
    """One round of the loop on every process, outside the measurement: the first check loads the
    spaCy model (seconds) and the first Insights page imports the chart library."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for server in servers:
            context = browser.new_context()
            app = StreamlitPage(context.new_page(), server, timeout_s=120)
            teacher = Teacher(0, "admin", server, Results(), (0.0, 0.0))
            teacher.sign_in(app)
            teacher.loop_once(app, deadline=float("inf"))
            context.close()
        browser.close()


def measure(count: int, names: list[str], target, server_pids: list[int], args) -> dict:
    results = Results()
    deadline_holder = [0.0]
    ramp = min(2.0, args.seconds / 4 / count)

    def set_deadline() -> None:  # runs once every browser is up: the clock starts now
        deadline_holder[0] = time.monotonic() + args.seconds + ramp * count

    start = threading.Barrier(count + 1, action=set_deadline)
    done = threading.Barrier(count + 1)
    teachers = [Teacher(n, names[n], target, results, tuple(args.think)) for n in range(count)]
    threads = [threading.Thread(target=t.run, args=(start, done, ramp, deadline_holder), daemon=True) for t in teachers]
    for thread in threads:
        thread.start()
    load_before = os.getloadavg()[0]
    start.wait(timeout=BARRIER_TIMEOUT_S)
    pids, client_pids = server_and_client_processes(server_pids)
    cpu_before, client_before, wall_before = cpu_seconds(pids), cpu_seconds(client_pids), time.monotonic()
    done.wait(timeout=args.seconds + BARRIER_TIMEOUT_S)
    pids, client_pids = server_and_client_processes(server_pids)
    cpu_used, wall = cpu_seconds(pids) - cpu_before, time.monotonic() - wall_before
    client_used = cpu_seconds(client_pids) - client_before
    rss, peak = rss_mb(pids)
    done.wait(timeout=BARRIER_TIMEOUT_S)
    for thread in threads:
        thread.join()
    checker = [s for a in CHECKER_ACTIONS for s in results.latencies[a]]
    pages = [s for a in ACTIONS if a not in CHECKER_ACTIONS for s in results.latencies[a]]
    return {
        "teachers": count,
        "seconds": round(wall, 1),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "server_cpu_cores": cpu_used / wall,
        "browsers_cpu_cores": client_used / wall,
        "server_cpu_ms_per_action": 1000 * cpu_used / max(1, sum(len(v) for v in results.latencies.values())),
        "server_rss_mb": rss,
        "server_peak_mb": peak,
        "actions": {a: {"count": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95)}
                    for a, v in results.latencies.items()},
        "check_p95": percentile(checker, 0.95),
        "page_p95": percentile(pages, 0.95),
        "errors": results.errors,
    }


def report(row: dict) -> None:
    print(f"\nN = {row['teachers']} teachers, {row['seconds']} s; load average {row['load_before']:.2f} -> "
          f"{row['load_after']:.2f}; server CPU {row['server_cpu_cores']:.2f} cores "
          f"({row['server_cpu_ms_per_action']:.0f} ms per action), browsers {row['browsers_cpu_cores']:.2f} cores, "
          f"RSS {row['server_rss_mb']:.0f} MB (peak {row['server_peak_mb']:.0f} MB)")
    print(f"  {'action':12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for action, figures in row["actions"].items():
        print(f"  {action:12} {figures['count']:6d} {figures['p50'] * 1000:8.0f} {figures['p95'] * 1000:8.0f}")
    print(f"  check and save p95 {row['check_p95'] * 1000:.0f} ms (target {CHECK_TARGET_S * 1000:.0f}, "
          f"ratio {row['check_p95'] / CHECK_TARGET_S:.2f}); page actions p95 {row['page_p95'] * 1000:.0f} ms "
          f"(target {PAGE_TARGET_S * 1000:.0f}, ratio {row['page_p95'] / PAGE_TARGET_S:.2f})")
    for error in row["errors"][:5]:
        print(f"  error: {error}")
    if len(row["errors"]) > 5:
        print(f"  ... {len(row['errors']) - 5} more errors")


def meets_targets(row: dict) -> bool:
    return not row["errors"] and row["check_p95"] <= CHECK_TARGET_S and row["page_p95"] <= PAGE_TARGET_S


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teachers", type=int, nargs="+", default=[1, 5, 10, 20], help="values of N, in order")
    parser.add_argument("--seconds", type=float, default=90, help="measured time per N, after the arrivals")
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 6.0], metavar=("MIN", "MAX"),
                        help="think time between actions, seconds (uniform)")
    parser.add_argument("--processes", type=int, choices=[1, 2], default=1,
                        help="app processes; 2 runs them behind nginx with deploy/nginx/reflection.conf")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    # Stopped with kill or timeout: unwind, so the app processes and nginx are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    print(f"{os.cpu_count()} CPUs; {args.processes} app process{'es' if args.processes > 1 else ''}"
          f"{' behind nginx' if args.processes > 1 else ''}; think time {args.think[0]:g}-{args.think[1]:g} s")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        names = prepare(tmp_dir / "reflection.db", max(args.teachers))
        servers, proxy = [], None
        try:
            for number in range(args.processes):
                servers.append(StreamlitServer(tmp_dir / "reflection.db", tmp_dir / f"streamlit-{number}.log").start())
            target = servers[0]
            if args.processes > 1:
                proxy = NginxProxy(servers, tmp_dir).start()
                target = proxy
            warm_up(servers, tuple(args.think))
            for count in args.teachers:
                server_pids = [s.process.pid for s in servers] + ([proxy.process.pid] if proxy else [])
                row = measure(count, names, target, server_pids, args)
                report(row)
                rows.append(row)
        finally:
            if proxy:
                proxy.stop()
            for server in servers:
                server.stop()

    passing = [row["teachers"] for row in rows if meets_targets(row)]
    print(f"\nLargest N within both targets: {max(passing) if passing else 'none'}")
    if args.json:
        args.json.write_text(json.dumps({"processes": args.processes, "rows": rows}, indent=2))
    return 0 if passing else 1


if __name__ == "__main__":
    sys.exit(main())
