"""Quality of the bias check: `python bench/checker_quality.py [-v] [SET.jsonl ...]`.

Without arguments it measures, for the rules alone, the learned model alone and both together:
- the frozen test split of the corpus (its hash recorded before any training; never fitted to),
- the corpus development split (the model's thresholds were calibrated on it),
- the blind and fresh sentence sets in tests/language/ (never trained on; the rules were tuned
  on the blind set's misses in an earlier round),
- the sentence development set (the rules were written against it).
Targets (docs/architecture.md, Targets): F1 >= 0.88, precision >= 0.92, span recall >= 0.80, item recall >= 0.70 in
every category. With file arguments it measures those files instead (a labelled sentence set or
a corpus batch).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reflection.language.evaluation import (
    BLINDSET_PATH,
    DEVSET_PATH,
    FRESHSET_PATH,
    evaluate,
    load_examples,
)
from reflection.language.training import train
from reflection.language.training.corpus import Item

PARTS = {"rules": (True, False), "model": (False, True), "both": (True, True)}


def named_sets(paths: list[Path]) -> dict[str, list[Item]]:
    if paths:
        return {str(path): load_examples(path) for path in paths}
    train.check_frozen_test_split()
    test_batches = train.split_files("test")
    each_test_batch = {f"  of which {path.stem}": load_examples(path) for path in test_batches if len(test_batches) > 1}
    return {
        f"frozen test split (sha256 {train.test_split_hash()[:12]})": train.load_split("test"),
        **each_test_batch,
        "corpus development split (thresholds calibrated here)": train.load_split("dev"),
        "blind set": load_examples(BLINDSET_PATH),
        "fresh set": load_examples(FRESHSET_PATH),
        "sentence development set (rules written against it)": load_examples(DEVSET_PATH),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="labelled sets (default: the five above)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the misclassified items (both parts)")
    parser.add_argument("--parts", default="rules,model,both", help="which of rules, model, both to measure")
    args = parser.parse_args(argv)
    for name, examples in named_sets(args.sets).items():
        print(f"== {name}: {len(examples)} items")
        for part in args.parts.split(","):
            use_rules, use_model = PARTS[part]
            report = evaluate(examples, use_rules=use_rules, use_model=use_model)
            categories = report.category_recall()
            weakest = min(categories, key=categories.get)
            print(f"  {part:<5} P {report.precision:.3f}  R {report.recall:.3f}  F1 {report.f1:.3f}  "
                  f"span recall {report.span_recall:.3f}  flag precision {report.flag_precision:.3f}  "
                  f"weakest category {weakest} {categories[weakest]:.2f}")
            if part == "both":
                print("\n".join("    " + line for line in report.summary().splitlines()[2:]))
                if args.verbose:
                    by_id = {example.id: example for example in examples}
                    for label, ids in (("FP", report.false_positive_ids), ("FN", report.false_negative_ids)):
                        for example_id in ids:
                            print(f"    {label} {example_id} {by_id[example_id].text!r}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
