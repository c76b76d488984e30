"""The public API: offsets, allowed phrases, round trips, batches and hostile input."""

from __future__ import annotations

import json

import pytest

from reflection.language import (
    CATEGORIES,
    CATEGORY_LABELS,
    RULES_VERSION,
    Analysis,
    Flag,
    analyse,
    analyse_many,
    apply_suggestion,
    load_nlp,
    person_names,
)
from reflection.language.pipeline import COMPONENT_NAME

ENTRY = (
    "Today went better than Monday. My low kids finished the warm-up, but those parents don't care "
    "about the reading log. I don't think she's lazy; she is tired. The ELLs can't write a paragraph yet."
)


def test_load_nlp_is_cached_and_has_the_checker(nlp):
    assert load_nlp() is nlp
    assert nlp.pipe_names[-1] == COMPONENT_NAME
    assert nlp(ENTRY)._.deficit_flags


def test_categories_and_labels():
    assert len(CATEGORIES) == 9 and set(CATEGORY_LABELS) == set(CATEGORIES)
    assert CATEGORY_LABELS["fixed_mindset"] == "Fixed mindset"


def test_flags_have_valid_sorted_non_overlapping_offsets(nlp):
    flags = analyse(ENTRY).flags
    assert len(flags) >= 3
    for flag in flags:
        assert ENTRY[flag.start : flag.end] == flag.text
        assert flag.category in CATEGORIES
    for before, after in zip(flags, flags[1:]):
        assert before.end <= after.start


def test_analysis_counts_and_version(nlp):
    analysis = analyse(ENTRY)
    assert analysis.word_count == len(ENTRY.split())
    assert analysis.sentence_count == 4
    assert analysis.grade_level is not None and analysis.reading_ease is not None
    assert analysis.rules_version == RULES_VERSION
    assert sum(analysis.flags_by_category.values()) == len(analysis.flags)


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text(text):
    analysis = analyse(text)
    assert (analysis.flags, analysis.word_count, analysis.sentence_count) == ([], 0, 0)
    assert analysis.grade_level is None


def test_round_trip_through_json(nlp):
    analysis = analyse(ENTRY)
    restored = Analysis.from_dict(json.loads(json.dumps(analysis.to_dict())))
    assert restored == analysis
    flag = analysis.flags[0]
    assert Flag.from_dict(json.loads(json.dumps(flag.to_dict()))) == flag


def test_allowed_phrases_are_case_insensitive(nlp):
    texts = {f.text for f in analyse(ENTRY, allowed_phrases=["LOW KIDS"]).flags}
    assert "low kids" not in texts and texts


def test_analyse_many_matches_analyse_and_reports_progress(nlp):
    texts = [ENTRY, "", "Those kids never listen.", "A calm day."] * 5
    seen = []
    batched = list(analyse_many(texts, batch_size=8, progress=seen.append))
    assert batched == [analyse(text) for text in texts]
    assert seen == [8, 16, 20]


def test_apply_suggestion_checks_the_text(nlp):
    flag = analyse(ENTRY).flags[0]
    assert flag.suggestion in apply_suggestion(ENTRY, flag)
    with pytest.raises(ValueError):
        apply_suggestion("Something else entirely, longer than the flag offsets go.", flag)


@pytest.mark.parametrize(
    "text",
    [
        "Those kids 🙂🙂 can't focus 👩🏽‍🏫.",
        "\u202eThose kids\u202c are lazy. مرحبا بالطلاب",
        "Cafe\u0301 talk: the low kids were lazy.",
        "Parents don't care.\x00 <script>alert('x')</script>",
        "\x00\x01\x02",
        "e\u0301" * 500,
        "<b>lazy</b> &amp; those kids",
    ],
)
def test_any_unicode_keeps_offsets_valid(nlp, text):
    for flag in analyse(text).flags:
        assert text[flag.start : flag.end] == flag.text
        assert apply_suggestion(text, flag)


def test_control_characters_do_not_hide_a_flag(nlp):
    assert [f.text for f in analyse("Parents don't care.\x00 <script>").flags] == ["Parents don't care"]


def test_missing_model_is_a_clear_error(monkeypatch):
    from reflection import config
    from reflection.language.pipeline import ModelNotInstalledError, model_name

    monkeypatch.delenv("REFLECTION_SPACY_MODEL", raising=False)
    monkeypatch.setattr(config, "PREFERRED_SPACY_MODELS", ("no_such_model_xyz",))
    with pytest.raises(ModelNotInstalledError, match="REFLECTION_SPACY_MODEL"):
        model_name()
    monkeypatch.setenv("REFLECTION_SPACY_MODEL", "my_model")
    assert model_name() == "my_model"


def test_the_check_and_name_hiding_use_one_loaded_pipeline(nlp):
    """A second copy of the pipeline for name hiding cost the server 40-60 MB (issue 13)."""
    analyse("My low kids need more time with fractions.")
    person_names("Maya met Dev after lunch.")
    assert load_nlp(True, True) is load_nlp(use_rules=True, use_model=True) is load_nlp() is nlp
