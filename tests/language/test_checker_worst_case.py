"""Pathological input is cut before tokenizing, so its cost stays linear (bench/checker_worst_case.py
measures the ratio); here: offsets survive, and the worst cases finish."""

from __future__ import annotations

import pytest

from reflection import config
from reflection.language import TextTooLong, analyse
from reflection.language.analysis import for_parsing


@pytest.mark.parametrize(
    "text",
    ["(" * 1000 + ")" * 1000, "a(" * 500, "x" * 500 + " kids", "! " * 300 + "fine", "😩" * 100,
     "see https://example.org/" + "ab/" * 50 + " ok"],
)
def test_parsing_copy_keeps_every_offset(text):
    parsed = for_parsing(text)
    assert len(parsed) == len(text)
    assert all(a == b or b == " " for a, b in zip(text, parsed))


def test_language_around_noise_is_still_checked(nlp):
    text = "(" * 5000 + " These kids are lazy. " + ")" * 5000
    flags = analyse(text).flags
    assert "lazy" in [f.text for f in flags]
    assert all(text[f.start : f.end] == f.text and f.text.strip("()") == f.text for f in flags)


@pytest.mark.timeout(120)  # before the cut, 50,000 brackets took about six minutes
@pytest.mark.parametrize("unit", ["(", "((()))", "a(", ".", "😩"])
def test_the_longest_pathological_entry_finishes(nlp, unit):
    text = (unit * config.MAX_ENTRY_CHARS)[: config.MAX_ENTRY_CHARS]
    assert analyse(text).word_count >= 0


def test_more_than_the_entry_limit_is_refused_with_a_message(nlp):
    with pytest.raises(TextTooLong, match="at most 50,000"):
        analyse("a" * (config.MAX_ENTRY_CHARS + 1))


def test_zero_width_characters_never_join_a_flag(nlp):
    text = "These kids are lazy\u200b\u2060 today."
    flags = analyse(text).flags
    assert "lazy" in [f.text for f in flags]
    assert not any(char in f.text for f in flags for char in "\u200b\u2060")
