"""Speed of the bias check against the bare spaCy model: `python bench/checker_speed.py`.

1. One warm 300-word entry: median of `analyse(text)` vs bare `nlp(text)` (the same model without
   the checker), each entry timed once per side, sides alternating. Target ratio <= 1.3.
2. Re-analysis of 1,000 entries: `analyse_many` vs bare `nlp.pipe` throughput. Target >= 0.8.

Entries are stitched from the development set, so they are far denser in flagged phrases than real
journals (a worst case for the checker). Wall-clock and CPU-time ratios are both printed: on a
shared machine the CPU-time ratio is the steadier of the two.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import spacy

from reflection.language import analyse, analyse_many, load_nlp
from reflection.language.evaluation import load_examples
from reflection.language.pipeline import model_name


def make_entries(count: int, words: int, seed: int) -> list[str]:
    """Journal-like entries stitched from the development set's sentences (about a third flagged)."""
    sentences = [example.text for example in load_examples()]
    rng = random.Random(seed)
    entries = []
    for _ in range(count):
        chosen: list[str] = []
        while sum(len(s.split()) for s in chosen) < words:
            chosen.append(rng.choice(sentences))
        entries.append(" ".join(chosen))
    return entries


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(started: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - started[0], cpu - started[1]


def single_entry(bare, entries: list[str]) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(wall, cpu) seconds per entry for analyse and for the bare model, sides alternating."""
    checked, plain = [], []
    for text in entries:
        started = _clock()
        analyse(text)
        checked.append(_since(started))
        started = _clock()
        bare(text)
        plain.append(_since(started))
    return checked, plain


def batch(bare, entries: list[str], chunks: int = 10) -> tuple[tuple[float, float], tuple[float, float]]:
    """Total (wall, cpu) seconds of analyse_many and of bare nlp.pipe over the same entries,
    alternating in chunks so that a change in machine load hits both sides alike."""
    size = -(-len(entries) // chunks)
    checked, plain = [0.0, 0.0], [0.0, 0.0]
    for first in range(0, len(entries), size):
        chunk = entries[first : first + size]
        started = _clock()
        for _ in analyse_many(chunk):
            pass
        checked = [a + b for a, b in zip(checked, _since(started))]
        started = _clock()
        for _ in bare.pipe(chunk, batch_size=64):
            pass
        plain = [a + b for a, b in zip(plain, _since(started))]
    return (checked[0], checked[1]), (plain[0], plain[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--single", type=int, default=30, help="300-word entries timed one by one")
    parser.add_argument("--batch", type=int, default=1000, help="entries re-analysed in one batch")
    parser.add_argument("--batch-words", type=int, default=100, help="words per batch entry")
    args = parser.parse_args()

    load_nlp()  # loads the model, the rules and the syllable dictionary
    bare = spacy.load(model_name())
    warm = make_entries(5, 300, seed=0)
    for text in warm:
        analyse(text)
        bare(text)

    checked, plain = single_entry(bare, make_entries(args.single, 300, seed=1))
    wall_checked, wall_plain = (statistics.median(t[0] for t in side) for side in (checked, plain))
    cpu_checked, cpu_plain = (statistics.median(t[1] for t in side) for side in (checked, plain))
    print(f"single 300-word entry ({args.single} entries, median): analyse {wall_checked * 1000:.1f} ms, "
          f"bare nlp {wall_plain * 1000:.1f} ms, ratio {wall_checked / wall_plain:.3f} "
          f"(CPU time ratio {cpu_checked / cpu_plain:.3f}; target <= 1.3)")

    entries = make_entries(args.batch, args.batch_words, seed=2)
    words = sum(len(text.split()) for text in entries)
    (wall_checked, cpu_checked), (wall_plain, cpu_plain) = batch(bare, entries)
    print(f"batch of {args.batch} entries of ~{args.batch_words} words: analyse_many {words / wall_checked:,.0f} "
          f"words/s, bare nlp.pipe {words / wall_plain:,.0f} words/s, throughput ratio "
          f"{wall_plain / wall_checked:.3f} (CPU time ratio {cpu_plain / cpu_checked:.3f}; target >= 0.8)")

if __name__ == "__main__":
    main()
