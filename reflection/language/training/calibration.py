"""Thresholds for the learned model's flags, chosen on the development split (never the test split).

A text counts as flagged when a rule flags it or when one of the model's candidates reaches the
flag threshold. The span weight and the flag threshold are the pair that gives the best F1 on the
development split while precision stays at the target; the "likely" threshold is the lowest score
from which the model's own flags are right at the stricter precision.
"""

from __future__ import annotations

from ..learned import Thresholds
from ..pipeline import COMPONENT_NAME, build_nlp
from .corpus import Item

_WEIGHTS = [round(0.1 * i, 1) for i in range(3, 11)]
_CUTS = [round(0.2 + 0.025 * i, 3) for i in range(31)]
_MIN_LIKELY_SUPPORT = 10


def _scores(model_dir, items: list[Item]) -> list[tuple[bool, bool, list[tuple[float, float]]]]:
    """(gold deficit, flagged by a rule, [(span score, sentence score)]) for each item."""
    nlp = build_nlp(model_dir=str(model_dir))
    checker = nlp.get_pipe(COMPONENT_NAME)
    results = []
    for item, doc in zip(items, nlp.pipe(item.text for item in items)):
        pairs = [(c.span_score, c.sentence_score) for c in checker.judged_candidates(doc)]
        results.append((item.deficit, any(f.origin == "rule" for f in doc._.deficit_flags), pairs))
    return results


def _f1(scored, weight: float, cut: float) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for gold, by_rule, pairs in scored:
        flagged = by_rule or any(weight * s + (1 - weight) * p >= cut for s, p in pairs)
        tp += gold and flagged
        fp += flagged and not gold
        fn += gold and not flagged
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _likely_cut(scored, weight: float, cut: float, precision_wanted: float) -> float:
    for likely in [c for c in _CUTS if c >= cut] + [1.0]:
        model_flagged = [
            gold for gold, _, pairs in scored
            if any(weight * s + (1 - weight) * p >= likely for s, p in pairs)
        ]
        if len(model_flagged) >= _MIN_LIKELY_SUPPORT and sum(model_flagged) / len(model_flagged) >= precision_wanted:
            return likely
    return 1.0


def calibrate(model_dir, items: list[Item], target_precision: float, likely_precision: float):
    scored = _scores(model_dir, items)
    best = None
    for weight in _WEIGHTS:
        for cut in _CUTS:
            precision, recall, f1 = _f1(scored, weight, cut)
            if precision >= target_precision and (best is None or f1 > best[0]):
                best = (f1, precision, recall, weight, cut)
    if best is None:  # no pair reaches the target: the model adds nothing
        rules_only = _f1(scored, 1.0, 2.0)
        return Thresholds(1.0, 1.01, 1.01), {"precision": rules_only[0], "recall": rules_only[1], "f1": rules_only[2]}
    f1, precision, recall, weight, cut = best
    thresholds = Thresholds(weight, cut, _likely_cut(scored, weight, cut, likely_precision))
    return thresholds, {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
