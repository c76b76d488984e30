"""Cost of pathological input against ordinary text: `python bench/checker_worst_case.py`.

spaCy's tokenizer is quadratic on long runs without spaces (10,000 nested brackets took 20 s
before the checker cut such runs). For each size up to 50,000 characters this times `analyse()` on
ordinary journal text and on each worst case, and prints the cost per character of the worst case
divided by that of ordinary text. Target: at most 2 at every size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from reflection.language import analyse, load_nlp
from reflection.language.evaluation import load_examples

TARGET = 2.0


def ordinary(size: int) -> str:
    sentences = [example.text for example in load_examples()]
    text, index = "", 0
    while len(text) < size:
        text += sentences[index % len(sentences)] + " "
        index += 1
    return text[:size]


WORST_CASES = {
    "nested brackets": lambda n: ("(" * (n // 2) + ")" * n)[:n],
    "alternating a(": lambda n: ("a(" * n)[:n],
    "one long word": lambda n: "a" * n,
    "dots": lambda n: "." * n,
    "spaced brackets": lambda n: ("( " * n)[:n],
    "emoji run": lambda n: ("😩" * n)[:n],
    "long URL": lambda n: ("https://example.org/" + "ab/" * n)[:n],
    "brackets inside words": lambda n: ("kids((((((((((lazy))))))))))" * n)[:n],
}


def seconds(text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        analyse(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_nlp()
    analyse(ordinary(2_000))  # warm
    worst_ratio = 0.0
    for size in args.sizes:
        base = seconds(ordinary(size), args.repeat) / size
        print(f"{size:>6} characters: ordinary text {base * size * 1000:8.1f} ms")
        for name, make in WORST_CASES.items():
            cost = seconds(make(size), args.repeat) / size
            ratio = cost / base
            worst_ratio = max(worst_ratio, ratio)
            print(f"         {name:<22} {cost * size * 1000:8.1f} ms   per-character ratio {ratio:5.2f}")
    print(f"worst per-character ratio {worst_ratio:.2f} (target <= {TARGET}); ratio to target {worst_ratio / TARGET:.2f}")
    return 0 if worst_ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
