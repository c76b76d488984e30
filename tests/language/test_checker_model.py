"""The learned components: shipped with a manifest that matches the data, and used with the rules."""

from __future__ import annotations

import json

import numpy
import pytest

from reflection.language import analyse, analyse_many
from reflection.language.learned import MANIFEST_NAME, MODEL_DIR, load_learned
from reflection.language.pipeline import load_nlp
from reflection.language.training import train
from reflection.language.training.calibration import _companion_cut, _Scored
from reflection.language.version import checker_version


@pytest.fixture(scope="module")
def manifest():
    return json.loads((MODEL_DIR / MANIFEST_NAME).read_text(encoding="utf-8"))


def test_shipped_model_was_trained_on_the_current_data(manifest):
    assert manifest["training_data_sha256"] == train.training_data_hash(), (
        "The corpus or config.cfg changed but the shipped model was not retrained: "
        "run `python -m reflection train-checker`."
    )
    assert manifest["test_split_sha256"] == train.read_splits()["test"]["sha256"]
    assert manifest["model_files_sha256"] == train._dir_hash(MODEL_DIR)


def test_shipped_model_is_small(manifest):
    size = sum(path.stat().st_size for path in MODEL_DIR.rglob("*") if path.is_file())
    assert size <= 30 * 1024 * 1024


def test_thresholds_are_ordered(manifest):
    thresholds = manifest["thresholds"]
    assert 0 <= thresholds["span_weight"] <= 1
    assert 0 < thresholds["companion"] <= thresholds["flag"] <= thresholds["likely"]


def test_version_covers_the_model(manifest):
    # The stored-analysis version changes with the manifest (which hashes every model file).
    assert len(checker_version()) == 12
    assert analyse("A calm day.").rules_version == checker_version()


def test_model_flags_carry_category_guidance_and_confidence(nlp):
    learned = load_learned()
    assert learned is not None
    texts = [
        "honestly half my 4th period is a waste of space, they just sit there",
        "that family is a mess, the kid basically raises himself",
        "the hood kids from over by the tracks are always starving for attention",
        "my yellow group is never gonna test out of tier 2 lol",
    ]
    model_flags = [f for analysis in analyse_many(texts) for f in analysis.flags if f.origin == "model"]
    assert model_flags, "the learned model added nothing to the rules on these sentences"
    for flag in model_flags:
        assert flag.suggestion == "" and flag.alternatives and flag.question and flag.explanation and flag.source
        assert flag.rule_id == f"model.{flag.category}"
        assert 0 < flag.confidence <= 1
        assert flag.certainty in {"likely", "worth a look"}


def test_rules_alone_and_model_alone_are_both_available():
    text = "My low kids can't focus."
    rules_only = next(analyse_many([text], use_model=False))
    assert rules_only.flags and all(f.origin == "rule" for f in rules_only.flags)
    model_only = next(analyse_many([text], use_rules=False))
    assert all(f.origin == "model" for f in model_only.flags)


def test_candidate_phrases_stay_inside_a_sentence_and_skip_edge_words(nlp):
    shape = load_learned().shape
    doc = nlp("Honestly, my low kids and the others can't read. She tried!")
    phrases = {doc[start:end].text for start, end in shape.phrases(doc)}
    assert {"my low kids", "low kids", "the others can't read", "She tried"} <= phrases
    for text in phrases:
        words = text.split()
        assert len(nlp.make_doc(text)) <= shape.max_size
        assert words[0].lower() not in shape.never_first and words[-1].lower() not in shape.never_last
        assert not text.endswith((",", ".", "!")) and "read. She" not in text
    allowed = numpy.array([token.i >= 12 for token in doc])  # the second sentence only
    assert {doc[start:end].text for start, end in shape.phrases(doc, allowed)} == {"She", "tried", "She tried"}


def test_a_shorter_reading_stands_where_the_longest_overlaps_a_rule_flag():
    flags = analyse("Those families treat school like free daycare.").flags
    assert [(f.text, f.origin) for f in flags if f.origin == "rule"] == [("Those families", "rule")]
    model = [f for f in flags if f.origin == "model"]
    assert model and "daycare" in model[0].text and "families" not in model[0].text


@pytest.mark.parametrize("sentence", ["Nobody over there checks homework.", "In this neighborhood nobody reads to their kids."])
def test_a_negative_subject_inside_the_phrase_is_the_claim(sentence):
    assert any("nobody" in flag.text.lower() for flag in analyse(sentence).flags)


def test_a_plain_sentence_beside_flagged_ones_stays_unflagged():
    text = ("Rough day with 5th block. Those families treat school like free daycare, and nobody over there "
            "checks homework. Jaylen is so disrespectful lol. Group work on fractions went better than last week.")
    flags = analyse(text).flags
    assert len(flags) >= 3
    assert all(flag.start < text.index("Group work") for flag in flags)


# Family blame and a character insult in one sentence: the classifier scores it high on the first only.
FAMILY_BLAME_AND_INSULT = "Mom was drunk at pickup again, no wonder her son acts like a wild animal."


def test_a_phrase_is_judged_by_how_suspicious_its_sentence_is_in_any_category():
    learned = load_learned()
    doc = load_nlp()(FAMILY_BLAME_AND_INSULT)
    sentence_scores = learned.sentences.model.ops.to_numpy(learned.sentences.predict([doc]))[0]
    candidates = learned.candidates([doc])[0]
    assert candidates
    assert all(candidate.sentence_score == pytest.approx(sentence_scores.max()) for candidate in candidates)
    # The span model names the insult's category itself, whatever the sentence's strongest one is.
    insult = [c for c in candidates if c.span.text == "acts like a wild animal"]
    assert insult and insult[0].category == "blame_character"
    assert sentence_scores[learned.sentences.labels.index("blame_character")] < sentence_scores.max()


def test_family_blame_and_an_insult_in_one_sentence_are_both_flagged():
    flags = analyse(FAMILY_BLAME_AND_INSULT).flags
    assert {flag.category for flag in flags} >= {"family_community", "blame_character"}


def test_a_companion_needs_its_sentence_to_reach_the_threshold_too():
    thresholds = load_learned().thresholds
    low, enough = thresholds.companion - 0.01, thresholds.companion + 0.01
    assert thresholds.is_companion(enough, enough)
    assert not thresholds.is_companion(1.0, low)  # a sure phrase in a sentence the classifier finds plain


def _item(gold: tuple, *candidates: tuple) -> _Scored:
    return _Scored(gold=gold, rule_flags=(), candidates=candidates)


def test_companion_threshold_is_the_lowest_score_at_which_further_phrases_are_right_half_the_time():
    # Ten flagged texts (a candidate at 0.9 on their labelled phrase), each with two weaker
    # candidates: one at 0.35 on a second labelled phrase, one at 0.25 on nothing labelled.
    texts = [_item(((0, 5), (10, 15)), (0, 5, 0.9, 0.9), (10, 15, 0.35, 0.35), (20, 25, 0.25, 0.25))] * 10
    # From 0.25 down the further phrases are right half of the time; above it, always.
    assert _companion_cut(texts, weight=0.5, cut=0.5, precision_wanted=0.5) <= 0.25
    assert 0.25 < _companion_cut(texts, weight=0.5, cut=0.5, precision_wanted=0.6) <= 0.35
    # Texts that nothing flags lend no companions.
    unflagged = [_item(((0, 5),), (0, 5, 0.35, 0.35))] * 20
    assert _companion_cut(unflagged, weight=0.5, cut=0.5, precision_wanted=0.5) == 0.5
