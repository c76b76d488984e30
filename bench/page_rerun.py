"""Page reruns in Streamlit's AppTest for a teacher with a big journal: the Write and Journal pages.

Target (docs/architecture.md, Targets): median rerun <= 300 ms with 10,000 entries.

    .venv/bin/python bench/page_rerun.py [--entries 10000] [--others 10000] [--reruns 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import synthetic
from streamlit.testing.v1 import AppTest

from reflection import sessions
from views._common import SESSION_KEY

ROOT = Path(__file__).resolve().parent.parent

TARGET_MS = 300


def median_rerun_ms(at: AppTest, reruns: int) -> tuple[float, float]:
    timings = []
    for _ in range(reruns):
        started = time.perf_counter()
        at.run()
        timings.append((time.perf_counter() - started) * 1000)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return statistics.median(timings), max(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000, help="entries of the signed-in teacher")
    parser.add_argument("--others", type=int, default=10_000, help="entries of 20 other teachers")
    parser.add_argument("--reruns", type=int, default=15)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()

    path = args.db or Path(tempfile.gettempdir()) / f"reflection-bench-pages-{args.entries}-{args.others}.db"
    db, user_id = synthetic.build(path, entries=args.others, users=20, focus_entries=args.entries)
    token = sessions.start(db, user_id)  # signed in as the app would: a server-side session
    db.close()
    os.environ["REFLECTION_DB"] = str(path)
    print(f"database: {path}; the teacher has {args.entries:,} entries; median of {args.reruns} reruns\n")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[SESSION_KEY] = token
    started = time.perf_counter()
    at.run()
    print(f"first run (imports, prompt library): {(time.perf_counter() - started) * 1000:.0f} ms")

    results = {}
    results["Write"] = median_rerun_ms(at, args.reruns)
    at.switch_page("views/journal.py").run()
    results["Journal, newest 20"] = median_rerun_ms(at, args.reruns)
    at.text_input(key="journal_query").input("fractions").run()
    results["Journal, search 'fractions'"] = median_rerun_ms(at, args.reruns)
    at.text_input(key="journal_query").input("students").run()
    results["Journal, search 'students' (every entry)"] = median_rerun_ms(at, args.reruns)

    print(f"\n{'page':44} {'median ms':>10} {'max ms':>8} {'ratio':>6}")
    for name, (median_ms, max_ms) in results.items():
        print(f"{name:44} {median_ms:10.1f} {max_ms:8.1f} {median_ms / TARGET_MS:6.2f}")
    met = all(median_ms <= TARGET_MS for median_ms, _ in results.values())
    print(f"\ntarget: median <= {TARGET_MS} ms per page: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
