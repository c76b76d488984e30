"""Name hiding: precision and recall of `person_names` on the labelled sentences in
tests/language/names.jsonl (teacher-journal sentences; names that are also words, names in notes,
lists and possessives, and capitalised words that are not names).

A found name counts as right when it is, or contains, or sits inside, a labelled name of the same
sentence ("Mrs. Patel" for "Patel"); every distinct name is counted once per sentence.

    .venv/bin/python bench/name_hiding.py [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reflection.language import person_names

ROOT = Path(__file__).resolve().parent.parent

LABELLED = ROOT / "tests" / "language" / "names.jsonl"


def same_name(found: str, labelled: str) -> bool:
    return found.casefold() in labelled.casefold() or labelled.casefold() in found.casefold()


def score(rows: list[dict]) -> tuple[float, float, list[str]]:
    """(precision, recall, descriptions of the misses)"""
    found_total = found_right = labelled_total = labelled_found = 0
    misses = []
    for row in rows:
        found = [span.text for span in person_names(row["text"])]
        labelled = row["names"]
        wrong = [name for name in found if not any(same_name(name, label) for label in labelled)]
        missed = [label for label in labelled if not any(same_name(name, label) for name in found)]
        found_total += len(found)
        found_right += len(found) - len(wrong)
        labelled_total += len(labelled)
        labelled_found += len(labelled) - len(missed)
        if wrong or missed:
            misses.append(f"{row['text']!r}: wrongly {wrong}, missed {missed}")
    return found_right / max(found_total, 1), labelled_found / max(labelled_total, 1), misses


def load() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every sentence with a miss")
    args = parser.parse_args()
    rows = load()
    precision, recall, misses = score(rows)
    print(f"{len(rows)} sentences, {sum(len(row['names']) for row in rows)} labelled names")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    if args.verbose:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
