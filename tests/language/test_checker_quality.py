"""The checker meets the quality targets on the development set (tests/language/devset.jsonl)."""

from __future__ import annotations

from collections import Counter

from reflection.language.evaluation import evaluate, load_examples
from reflection.language.rules import CATEGORIES


def test_devset_shape():
    examples = load_examples()
    positives = Counter(e.category for e in examples if e.deficit)
    assert len(examples) >= 350
    assert 0.40 <= sum(positives.values()) / len(examples) <= 0.50
    assert all(positives[category] >= 20 for category in CATEGORIES)
    assert all(e.span in e.text for e in examples if e.deficit)
    assert len({e.id for e in examples}) == len(examples)


def test_devset_quality_targets(nlp):
    report = evaluate(load_examples())
    assert report.f1 >= 0.85, report.summary()
    assert report.precision >= 0.90, report.summary()
    assert report.span_recall >= 0.80, report.summary()
    assert min(report.category_recall().values()) >= 0.70, report.summary()
