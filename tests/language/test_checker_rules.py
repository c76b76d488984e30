"""Each rule fires on its example and stays quiet on its near miss, both kept in its TOML entry
(``examples``, which the schema requires of every rule)."""

from __future__ import annotations

import pytest

from reflection.language import analyse
from reflection.language.rules import CATEGORIES, default_rules


def test_every_category_has_rules():
    assert {rule.category for rule in default_rules().rules} == set(CATEGORIES)


RULES = default_rules().rules


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_fires(nlp, rule):
    flags = analyse(rule.examples.flags, use_model=False).flags
    assert [(f.rule_id, f.text) for f in flags] == [(rule.id, rule.examples.flagged)]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_near_miss_is_quiet(nlp, rule):
    assert analyse(rule.examples.quiet, use_model=False).flags == []


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_metadata_is_complete(rule):
    assert rule.explanation and rule.source and rule.question
    assert 1 <= len(rule.alternatives) <= 3
