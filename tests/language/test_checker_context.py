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
    # single quotes paired by token: apostrophes inside words (can't, he'll) do not end the quotation
    "I said 'these kids can't focus' in the staff meeting and regretted it.",
    "I caught myself thinking 'he'll never get it' and stopped to look again.",
    "When the sub note said 'the sped kids were fine', I asked for their names.",
    # the writer rejects the judgement: refusal, a myth, wrong to assume, nothing means, an open question
    "I refuse to treat them as a lost cause.",
    "It's a myth that poor kids don't value school.",
    "It's wrong to assume the refugee families don't want to be involved.",
    "None of this means he can't do algebra.",
    "The kids argued about whether Dally was a lost cause.",
    "I doubt they're lazy; the task was unclear.",
    # harmless senses and transitive uses
    "The class checked out Chromebooks and logged in.",
    "Students are entitled to extra time on the test.",
    "The sped department meeting ran long today.",
    "The bus sped up before the light.",
    "I don't think I have it in me to grade tonight.",
    "He will never be late again now that the bus route changed.",
    "Kids like Ava ask amazing questions.",
]

MUST_FLAG = [
    # (sentence, the words flagged)
    ("Half my class is checked out after winter break.", "checked out"),  # a class is a group of learners
    ("She is so entitled and thinks the rules apply to others.", "entitled"),  # predicate tagged VERB
    ("She's not a math person, her mom even said so.", "not a math person"),  # "said so" endorses
    ("I don't think he has it in him to pass.", "has it in him"),  # a denied ability
    ("Not everyone is cut out for algebra.", "is cut out"),  # a negated subject
    ("Deshawn will never read on grade level.", "will never read"),  # a name the tagger calls ADJ
]


@pytest.mark.parametrize("sentence", MUST_NOT_FLAG)
def test_not_flagged(nlp, sentence):
    assert analyse(sentence).flags == []


@pytest.mark.parametrize(("sentence", "flagged"), MUST_FLAG)
def test_flagged(nlp, sentence, flagged):
    assert [f.text for f in analyse(sentence).flags] == [flagged]


def test_quotation_only_covers_the_quoted_words(nlp):
    flags = analyse('I wrote "Goals" on the board and those kids copied it.').flags
    assert [f.text for f in flags] == ["those kids"]


def test_apostrophes_do_not_open_quotations(nlp):
    assert [f.text for f in analyse("The kids' lunch was late and they're lazy.").flags] == ["lazy"]


def test_single_quotes_pair_at_word_edges():
    from reflection.language.context import quoted_ranges

    text = "I said 'these kids can't focus' and the kids' books 'were' fine."
    assert [text[a:b] for a, b in quoted_ranges(text)] == ["'these kids can't focus'", "'were'"]
