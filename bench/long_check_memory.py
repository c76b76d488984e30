"""Memory of checking long entries: the peak while a check runs, and what stays after it.

A check's parse holds memory in proportion to the text's length, so an entry written over a long
session costs more at every check. Each check here runs in a thread of its own, as a Streamlit rerun
does, through `check_pool.analyse` (the app's path). Target: RSS after each check is at most 30 MB
above RSS before the first (the model loaded); the peak (VmHWM) is reported, not gated.

    .venv/bin/python bench/long_check_memory.py [--sizes 5000 10000 20000 50000]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from session_memory import sentences, verdict

from reflection import check_pool

TARGET_LEFT_MB = 30


def memory_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 10_000, 20_000, 50_000])
    args = parser.parse_args()
    os.environ.pop("REFLECTION_CHECK_WORKERS", None)  # in this process, as a one-process install checks
    text = sentences()
    check_pool.analyse(next(text))
    loaded, _ = memory_mb()
    entry = " ".join(next(text) for _ in range(max(args.sizes) // 40))
    print(f"model loaded: {loaded:.0f} MB RSS\n{'characters':>10} {'peak MB':>8} {'RSS after MB':>13}")
    worst = 0.0
    for size in sorted(args.sizes):
        rerun = threading.Thread(target=check_pool.analyse, args=(entry[:size],))
        rerun.start()
        rerun.join()
        rss, peak = memory_mb()
        worst = max(worst, rss - loaded)
        print(f"{size:10,d} {peak:8.0f} {rss:13.0f}")
    print(f"\nmost RSS left after a check: {worst:+.0f} MB (target <= {TARGET_LEFT_MB} MB, "
          f"ratio {max(worst, 0) / TARGET_LEFT_MB:.2f})")
    return verdict(worst <= TARGET_LEFT_MB)


if __name__ == "__main__":
    sys.exit(main())
