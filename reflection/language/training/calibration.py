"""Thresholds for the learned model's flags, chosen on the development split (never the test split).

A text counts as flagged when a rule flags it or when one of the model's candidates reaches the
flag threshold. The span weight and the flag threshold are the pair that gives the best sum of
F1 and span recall on the development split while precision stays at the target; the "likely"
threshold is the lowest score from which the model's own flags are right at the stricter precision.
The companion threshold, for further phrases in a text that is flagged already, is the lowest
score from which those further phrases are right at the companion precision (they change no
text's "flagged or not", only how many of its phrases are shown).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..learned import Thresholds
from ..pipeline import COMPONENT_NAME, build_nlp
from .corpus import Item

_WEIGHTS = [round(0.1 * i, 1) for i in range(3, 11)]
_CUTS = [round(0.2 + 0.025 * i, 3) for i in range(31)]
_MIN_LIKELY_SUPPORT = 10


@dataclass(frozen=True)
class _Scored:
    gold: tuple[tuple[int, int], ...]  # labelled phrases (character offsets)
    rule_flags: tuple[tuple[int, int], ...]
    candidates: tuple[tuple[int, int, float, float], ...]  # start, end, span score, sentence score


def _scores(model_dir, items: list[Item]) -> list[_Scored]:
    nlp = build_nlp(model_dir=str(model_dir))
    checker = nlp.get_pipe(COMPONENT_NAME)
    scored = []
    for item, doc in zip(items, nlp.pipe(item.text for item in items)):
        scored.append(_Scored(
            gold=tuple((span.start, span.end) for span in item.spans),
            rule_flags=tuple((f.start, f.end) for f in doc._.deficit_flags if f.origin == "rule"),
            candidates=tuple(
                (c.span.start_char, c.span.end_char, c.span_score, c.sentence_score)
                for c in checker.judged_candidates(doc)
            ),
        ))
    return scored


def _flags(item: _Scored, weight: float, cut: float, companion: float) -> list[tuple[int, int]]:
    """The item's flags: rule flags and candidates reaching ``cut``, then, if that flags the
    item at all, the companions (as the checker itself decides them)."""
    thresholds = Thresholds(weight, cut, cut, companion)
    flags = list(item.rule_flags)
    flags += [(start, end) for start, end, s, p in item.candidates if thresholds.combined(s, p) >= cut]
    if flags:
        flags += [(start, end) for start, end, s, p in _companions(item, thresholds)]
    return flags


def _companions(item: _Scored, thresholds: Thresholds) -> list[tuple[int, int, float, float]]:
    """The item's candidates below the flag threshold that may stand beside a flag."""
    return [
        candidate for candidate in item.candidates
        if thresholds.combined(*candidate[2:]) < thresholds.flag and thresholds.is_companion(*candidate[2:])
    ]


def _measures(scored: list[_Scored], weight: float, cut: float, companion: float | None = None) -> tuple[float, ...]:
    """Precision, recall, F1 and span recall of rules plus the model's candidates at (weight, cut)."""
    tp = fp = fn = found = total = 0
    for item in scored:
        flags = _flags(item, weight, cut, cut if companion is None else companion)
        flagged = bool(flags)
        tp += bool(item.gold) and flagged
        fp += flagged and not item.gold
        fn += bool(item.gold) and not flagged
        for start, end in item.gold:
            total += 1
            found += any(a < end and start < b for a, b in flags)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, found / total if total else 1.0


def _companion_cut(scored: list[_Scored], weight: float, cut: float, precision_wanted: float) -> float:
    """The lowest score from which further phrases of flagged texts overlap a labelled phrase at
    ``precision_wanted``; ``cut`` itself when no lower score does."""
    best = cut
    for companion in [c for c in _CUTS if c < cut]:
        thresholds = Thresholds(weight, cut, cut, companion)
        right = [
            any(a < end and start < b for a, b in item.gold)
            for item in scored
            if _flags(item, weight, cut, cut)
            for start, end, _, _ in _companions(item, thresholds)
        ]
        if len(right) >= _MIN_LIKELY_SUPPORT and sum(right) / len(right) >= precision_wanted:
            best = min(best, companion)
    return best


def _likely_cut(scored: list[_Scored], weight: float, cut: float, precision_wanted: float) -> float:
    for likely in [c for c in _CUTS if c >= cut]:
        model_flagged = [
            bool(item.gold) for item in scored
            if any(weight * s + (1 - weight) * p >= likely for _, _, s, p in item.candidates)
        ]
        if len(model_flagged) >= _MIN_LIKELY_SUPPORT and sum(model_flagged) / len(model_flagged) >= precision_wanted:
            return likely
    return 1.0


def calibrate(model_dir, items: list[Item], target_precision: float, likely_precision: float,
              companion_precision: float):
    """(Thresholds, the development figures at them) for the model in ``model_dir``."""
    scored = _scores(model_dir, items)
    best = None
    for weight in _WEIGHTS:
        for cut in _CUTS:
            precision, _, f1, span_recall = _measures(scored, weight, cut)
            if precision >= target_precision and (best is None or f1 + span_recall > best[0]):
                best = (f1 + span_recall, weight, cut)
    if best is None:  # no pair reaches the target: the model adds nothing
        precision, recall, f1, span_recall = _measures(scored, 1.0, 2.0)
        thresholds = Thresholds(1.0, 1.01, 1.01, 1.01)
    else:
        _, weight, cut = best
        companion = _companion_cut(scored, weight, cut, companion_precision)
        precision, recall, f1, span_recall = _measures(scored, weight, cut, companion)
        thresholds = Thresholds(weight, cut, _likely_cut(scored, weight, cut, likely_precision), companion)
    figures = {"precision": precision, "recall": recall, "f1": f1, "span_recall": span_recall}
    return thresholds, {name: round(value, 4) for name, value in figures.items()}
