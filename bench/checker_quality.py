"""Quality of the bias check on the development set: `python bench/checker_quality.py [DEVSET]`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, uninstalled

from reflection.language.evaluation import DEVSET_PATH, evaluate, load_examples  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEVSET_PATH
    report = evaluate(load_examples(path))
    print(f"labelled set: {path}")
    print(report.summary())
    print(f"false positives: {', '.join(report.false_positive_ids) or 'none'}")
    print(f"false negatives: {', '.join(report.false_negative_ids) or 'none'}")


if __name__ == "__main__":
    main()
