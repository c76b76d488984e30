"""Applied suggestions read well: checked against a reviewed set of flagged sentences.

``rewrites.jsonl`` holds teacher sentences, the words a rule flags in each, and the whole sentence
after a rewrite a careful editor accepts. Where a flag has no suggestion (no rewrite fits the
sentence; the app shows the alternatives and the question instead), the reviewed rewrite is the
sentence unchanged. Rules only: the learned model's flags never carry a rewrite.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reflection.language import Flag, apply_suggestion
from reflection.language.analysis import analyse_many

REVIEWED = [
    json.loads(line)
    for line in (Path(__file__).parent / "rewrites.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
EXACT_SHARE = 0.9
# Guard against "fixing" rewrites by dropping them: most flags must still get one.
APPLIED_SHARE = 0.7


def _rule_flags(texts: list[str]) -> list[list[Flag]]:
    return [[f for f in a.flags if f.origin == "rule"] for a in analyse_many(texts, use_model=False)]


@pytest.fixture(scope="module")
def applied(nlp):
    """(item, flag, result) for every reviewed item; result is the text after the suggestion."""
    flags = _rule_flags([item["text"] for item in REVIEWED])
    results = []
    for item, found in zip(REVIEWED, flags):
        matching = [f for f in found if f.text == item["flag_text"]]
        assert matching, f"{item['id']}: no rule flag {item['flag_text']!r} in {item['text']!r}: {found}"
        flag = matching[0]
        result = apply_suggestion(item["text"], flag) if flag.suggestion else item["text"]
        results.append((item, flag, result))
    return results


def test_reviewed_set_is_well_formed():
    assert len(REVIEWED) >= 160
    assert len({item["id"] for item in REVIEWED}) == len(REVIEWED)
    assert len({item["text"] for item in REVIEWED}) == len(REVIEWED)
    for item in REVIEWED:
        assert set(item) == {"id", "text", "flag_text", "rewrite"}, item["id"]
        assert item["flag_text"] in item["text"], item["id"]


def test_reviewed_set_covers_every_category(applied):
    from reflection.language import CATEGORIES

    assert {flag.category for _, flag, _ in applied} == set(CATEGORIES)


def test_applied_rewrites_match_the_reviewed_ones(applied):
    mismatches = [
        f"{item['id']} [{flag.rule_id}]\n    got:    {result}\n    wanted: {item['rewrite']}"
        for item, flag, result in applied
        if result != item["rewrite"]
    ]
    exact = 1 - len(mismatches) / len(applied)
    assert exact >= EXACT_SHARE, f"{exact:.1%} exact; mismatches:\n" + "\n".join(mismatches)


def test_most_flags_still_get_a_rewrite(applied):
    with_rewrite = sum(1 for _, flag, _ in applied if flag.suggestion)
    assert with_rewrite / len(applied) >= APPLIED_SHARE


def test_an_applied_rewrite_is_not_flagged_again(applied):
    done = [(item, flag, result) for item, flag, result in applied if flag.suggestion]
    rechecked = _rule_flags([result for _, _, result in done])
    still_flagged = []
    for (item, flag, result), flags in zip(done, rechecked):
        start, end = flag.start, flag.start + len(flag.suggestion)
        overlapping = [f for f in flags if f.start < end and start < f.end]
        if overlapping:
            still_flagged.append(f"{item['id']}: {result!r} -> {[(f.rule_id, f.text) for f in overlapping]}")
    assert not still_flagged, "\n".join(still_flagged)


def test_a_flag_without_rewrite_still_guides(applied):
    for item, flag, _ in applied:
        if not flag.suggestion:
            assert flag.alternatives and all(a.strip() for a in flag.alternatives), item["id"]
            assert flag.question.strip(), item["id"]


@pytest.mark.parametrize(
    ("text", "flag_text", "expected"),
    [
        # "'re" is glued to "They": the rewrite gets its own space.
        ("They're all the same.", "'re all the same", "They are each different."),
        # The subject before the flagged words stays; no doubled space where it was not repeated.
        ("Kids these days can't handle a long novel.", "can't handle",
         "Kids these days are finding it hard to handle a long novel."),
        ("These kids can't focus after lunch.", "These kids can't focus",
         "These students are finding it hard to focus after lunch."),
        ("He's learning disabled, so he gets extra time.", "learning disabled",
         "He's a student with a disability, so he gets extra time."),
        ("It's the culture of poverty.", "culture of poverty", "It's the effects of economic hardship."),
        # "an" goes with the rewrite: "an illegal" -> "an undocumented", "a special ed" -> "a student".
        ("We met an illegal immigrant family.", "an illegal immigrant", "We met an undocumented immigrant family."),
        ("He is a special ed kid in my homeroom.", "a special ed kid",
         "He is a student who receives special education services in my homeroom."),
    ],
)
def test_suggestions_keep_spacing(nlp, text, flag_text, expected):
    (flags,) = _rule_flags([text])
    (flag,) = [f for f in flags if f.text == flag_text]
    result = apply_suggestion(text, flag)
    assert result == expected
    assert flag.suggestion == flag.suggestion.strip() or text[flag.start - 1 : flag.start].isalnum()
    assert "  " not in result and not re.search(r"\s[,.;:!?]", result)
