"""Full-text search for one user in a big database, through `reflection.journal.search_entries`.

Target (docs/architecture.md, Targets): 100,000 entries of ~150 words over many users, 20 results in bm25 order:
median <= 20 ms over typical queries, none over 100 ms, common words included.

    .venv/bin/python bench/search_speed.py [--entries 100000] [--users 200] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import synthetic

from reflection import accounts, journal

MEDIAN_TARGET_MS = 20
MAX_TARGET_MS = 100
QUERIES = {
    "rare word": [],  # filled with two rare words the user really wrote
    "phrase": ['"number line"', '"exit tickets"', '"think pair share"'],
    "prefix": ["fract*", "collab*", "photo*"],
    "topic word": ["debate", "phonics", "algebra"],
    "common word (in every entry)": ["students", "class", "today"],
    "two common words": ["students class"],
    "common + topic": ["students fractions"],
    "no match": ["xylophonist"],
}


def time_query(db, user, query: str, repeat: int) -> tuple[float, int]:
    journal.search_entries(db, user, query, limit=20)  # warm the page cache for this query
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        hits = journal.search_entries(db, user, query, limit=20)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(hits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="database file to build or reuse (default: a temp dir)")
    args = parser.parse_args()

    path = args.db or Path(tempfile.gettempdir()) / f"reflection-bench-search-{args.entries}-{args.users}.db"
    started = time.perf_counter()
    db, _ = synthetic.build(path, entries=args.entries, users=args.users)
    print(f"database: {path} ({args.entries:,} entries, {args.users} users; ready in {time.perf_counter() - started:.1f} s)")
    # The user with the most entries: the worst case for their own searches.
    user_id, own = db.execute(
        "SELECT author_id, count(*) FROM entries GROUP BY author_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    user = accounts.get_user(db, user_id)
    QUERIES["rare word"] = [
        word for word in synthetic.RARE_WORDS
        if db.execute("SELECT 1 FROM entries WHERE author_id = ? AND instr(body, ?) LIMIT 1", [user_id, word + " "]).fetchone()
    ][:2]
    print(f"searching as user {user_id} ({own:,} own entries), limit 20, median of {args.repeat} runs per query\n")

    medians = []
    print(f"{'kind':38} {'query':24} {'hits':>5} {'median ms':>10}")
    for kind, queries in QUERIES.items():
        for query in queries:
            median_ms, hits = time_query(db, user, query, args.repeat)
            medians.append(median_ms)
            print(f"{kind:38} {query:24} {hits:5d} {median_ms:10.2f}")
    overall, worst = statistics.median(medians), max(medians)
    print(f"\nmedian over queries: {overall:.2f} ms (target <= {MEDIAN_TARGET_MS} ms, ratio {overall / MEDIAN_TARGET_MS:.2f})")
    print(f"slowest query:       {worst:.2f} ms (target <= {MAX_TARGET_MS} ms, ratio {worst / MAX_TARGET_MS:.2f})")
    met = overall <= MEDIAN_TARGET_MS and worst <= MAX_TARGET_MS
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
