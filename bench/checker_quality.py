"""Quality of the bias check on labelled sets: `python bench/checker_quality.py [SET.jsonl ...]`.

Without arguments it prints the development set (the rules were tuned on it), the blind set
(written before the rules were read; the rules were later generalised from its misses) and the
fresh set (written after that, never tuned on). With arguments it prints each given file instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, uninstalled

from reflection.language.evaluation import (  # noqa: E402
    BLINDSET_PATH,
    DEVSET_PATH,
    FRESHSET_PATH,
    evaluate,
    load_examples,
)


def report_on(path: Path, verbose: bool) -> None:
    examples = load_examples(path)
    report = evaluate(examples)
    print(f"labelled set: {path}")
    print(report.summary())
    print(f"false positives: {', '.join(report.false_positive_ids) or 'none'}")
    print(f"false negatives: {', '.join(report.false_negative_ids) or 'none'}")
    print(f"missed spans: {', '.join(report.missed_span_ids) or 'none'}")
    if verbose:
        by_id = {example.id: example for example in examples}
        for label, ids in (("FP", report.false_positive_ids), ("FN", report.false_negative_ids)):
            for example_id in ids:
                example = by_id[example_id]
                print(f"  {label} {example_id} [{example.category}] {json.dumps(example.text)}")
    print()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="JSON Lines labelled sets (default: dev, blind, fresh)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the misclassified sentences")
    args = parser.parse_args(argv)
    paths = args.sets or [DEVSET_PATH, BLINDSET_PATH, FRESHSET_PATH]
    for path in paths:
        report_on(path, args.verbose)


if __name__ == "__main__":
    main()
