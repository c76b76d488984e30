"""Context rules: quotation, negation, self-critique, reported labels and harmless senses."""

from __future__ import annotations

import pytest

from reflection.language import analyse

MUST_NOT_FLAG = [
    # quoted or reported speech the writer is questioning
    '"Those kids" is what my mentor called them.',
    "Someone said “those kids can’t focus,” and I disagree.",
    "Her old teacher called her ‘lazy’, which she is not.",
    "I catch myself saying 'the low group' and I'm trying to stop.",
    "A colleague called them lazy, and I pushed back.",
    "My department head said the ELLs can't keep up.",
    # negated judgements
    "I don't think she's lazy.",
    "He is not lazy.",
    "They are not low.",
    "I wouldn't call them unmotivated.",
    "It's not that the parents don't care.",
    "No student is a lost cause.",
    # the teacher's self-critique
    "I was lazy with my planning.",
    "My lesson was low-energy.",
    "I noticed my low expectations.",
    "I'm not a math person either, honestly.",
    "I can't focus when I grade at home.",
    # harmless senses
    "We're low on glue sticks.",
    "The lazy river was the best part of the trip.",
    "We put a lazy Susan on each table.",
    "We were at risk of running out of time.",
    "Those kids in the 1960s photo looked serious.",
    "The ELL program doubled.",
    "The ESL teacher co-planned with me.",
    "We had an IEP meeting this morning.",
    "Title I funds paid for books.",
    "It was a low-floor high-ceiling task.",
    "I gave a low-stakes quiz.",
    "The lower grades joined us.",
    "The room has low light.",
    "That was a poor choice of example.",
    "The printer never works on Mondays.",
    "They never give up on puzzles.",
    "These students always ask great questions.",
    "The struggling economy hit families hard.",
    "Our families brought so much knowledge to the cooking unit.",
]


@pytest.mark.parametrize("sentence", MUST_NOT_FLAG)
def test_not_flagged(nlp, sentence):
    assert analyse(sentence).flags == []


def test_quotation_only_covers_the_quoted_words(nlp):
    flags = analyse('I wrote "Goals" on the board and those kids copied it.').flags
    assert [f.text for f in flags] == ["those kids"]


def test_apostrophes_do_not_open_quotations(nlp):
    assert [f.text for f in analyse("The kids' lunch was late and they're lazy.").flags] == ["lazy"]
