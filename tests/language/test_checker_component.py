"""The checker as a spaCy component: declared needs, match / judge / annotate, flags as spans."""

from __future__ import annotations

from spacy import displacy

from reflection.language import COMPONENT_NAME
from reflection.language.pipeline import SPANS_KEY

# A rule flag, a harmless match ("lazy river") and a phrase only the learned model finds.
TEXT = "These kids can't focus. We floated down the lazy river. He barely speaks English, so group work is hard."


def test_factory_declares_what_it_reads_and_writes_and_the_pipeline_provides_it(nlp):
    meta = nlp.get_pipe_meta(COMPONENT_NAME)
    assert set(meta.assigns) == {"doc._.deficit_flags", "doc.spans"}
    assert {"doc.sents", "token.dep", "token.lemma", "doc.tensor"} <= set(meta.requires)
    assert nlp.analyze_pipes(pretty=False)["problems"][COMPONENT_NAME] == []


def test_matches_are_judged_before_they_become_flags(nlp):
    checker = nlp.get_pipe(COMPONENT_NAME)
    doc = nlp(TEXT)
    matches = checker.match(doc)
    assert {span.text for _, span in matches} >= {"can't focus", "lazy"}
    flags = checker.judge(doc, matches, [])
    assert [(flag.rule_id, flag.text) for flag in flags] == [
        ("blame_character.cannot_settle", "These kids can't focus")
    ]


def test_flags_are_also_spans_that_lead_back_to_the_flag(nlp):
    doc = nlp(TEXT)
    flags = doc._.deficit_flags
    assert {flag.origin for flag in flags} == {"rule", "model"}
    spans = list(doc.spans[SPANS_KEY])
    assert [(s.start_char, s.end_char, s.label_, s.id_) for s in spans] == [
        (f.start, f.end, f.category, f.rule_id) for f in flags
    ]
    assert [span._.deficit_flag for span in spans] == flags


def test_a_text_without_flags_has_an_empty_span_group(nlp):
    doc = nlp("We floated down the lazy river.")
    assert doc._.deficit_flags == [] and len(doc.spans[SPANS_KEY]) == 0


def test_displacy_renders_the_flags(nlp):
    doc = nlp(TEXT)
    html = displacy.render(doc, style="span", options={"spans_key": SPANS_KEY})
    for flag in doc._.deficit_flags:
        assert flag.category.upper() in html.upper()
    assert "focus" in html and "river" in html
