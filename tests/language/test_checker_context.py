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
    # naming a national or ethnic group is not othering (othering.origin_group needs a judgement)
    "The Somali girls ran the assembly.",
    "The Hispanic students organised the food drive.",
    "Our Vietnamese families hosted the festival.",
    "Our Somali families organized the potluck for the whole school.",
    "The Haitian kids taught us a song in Kreyol.",
    "The Arab students never miss a day.",
    "The Mexican families don't hesitate to volunteer.",
    "The Black boys aren't lazy.",
    "I met with the Hispanic parents after school.",
    "The refugee families shared stories about their journeys.",
    "The Somali boys never give up on hard problems.",
    "My Vietnamese students are fluent in two languages.",
    "The Hispanic kids and the Somali girls led the discussion.",
    "The Muslim girls aren't afraid to speak up.",
    "The immigrant kids are thriving.",
    "The Nigerian students won the debate.",
    # a group that cannot be judged: things, not people
    "The markers were the bad ones.",
    "The worksheets all look the same.",
]

MUST_FLAG = [
    # (sentence, the words flagged)
    ("Half my class is checked out after winter break.", "checked out"),  # a class is a group of learners
    ("She is so entitled and thinks the rules apply to others.", "entitled"),  # predicate tagged VERB
    ("She's not a math person, her mom even said so.", "not a math person"),  # "said so" endorses
    ("I don't think he has it in him to pass.", "has it in him"),  # a denied ability
    ("Not everyone is cut out for algebra.", "is cut out"),  # a negated subject
    ("Deshawn will never read on grade level.", "will never read"),  # a name the tagger calls ADJ
    # a named group set apart by "those/these" or held by a deficit claim
    ("Those Hispanic kids were in the hallway again.", "Those Hispanic kids"),
    ("The Mexican kids stick together no matter where I seat them.", "The Mexican kids"),
    ("The Arab boys don't listen to female teachers.", "The Arab boys"),
    ("She's one of the Somali girls, they don't participate.", "the Somali girls"),
    ("Most of the Haitian kids are behind in reading.", "the Haitian kids"),
    ("The Black girls are a handful.", "The Black girls"),
    ("The Muslim girls aren't interested in sports.", "The Muslim girls"),
    ("The black boys in my room need a firmer hand.", "The black boys"),
    # family + never/not involved, "they all act the same", "the X ones"
    ("Their parents are never involved.", "parents are never involved"),
    ("Her parents are never around.", "parents are never around"),
    ("His mom is not really engaged.", "mom is not really engaged"),
    ("All of them behave the same.", "All of them behave the same"),
    ("These kids all think the same.", "all think the same"),
    ("He is one of the difficult ones.", "the difficult ones"),
    ("These are the lazy ones.", "the lazy ones"),
]


# The learned check still flags these family sentences (a positive predicate after "her parents"):
# known false positives, kept here so that a better model shows up as a pass.
LEARNED_FALSE_POSITIVES = ["Her parents are involved.", "Her parents are not absent."]


@pytest.mark.parametrize("sentence", MUST_NOT_FLAG)
def test_not_flagged(nlp, sentence):
    assert analyse(sentence).flags == []


@pytest.mark.parametrize("sentence", LEARNED_FALSE_POSITIVES)
def test_rules_leave_positive_family_sentences_alone(nlp, sentence):
    assert analyse(sentence, use_model=False).flags == []


@pytest.mark.xfail(strict=True, reason="known false positive of the learned check")
@pytest.mark.parametrize("sentence", LEARNED_FALSE_POSITIVES)
def test_learned_check_on_positive_family_sentences(nlp, sentence):
    assert analyse(sentence).flags == []


@pytest.mark.parametrize(("sentence", "flagged"), MUST_FLAG)
def test_flagged(nlp, sentence, flagged):
    assert [f.text for f in analyse(sentence, use_model=False).flags] == [flagged]


def test_quotation_only_covers_the_quoted_words(nlp):
    flags = analyse('I wrote "Goals" on the board and those kids copied it.').flags
    assert [f.text for f in flags] == ["those kids"]


def test_apostrophes_do_not_open_quotations(nlp):
    assert [f.text for f in analyse("The kids' lunch was late and they're lazy.").flags] == ["lazy"]


def test_single_quotes_pair_at_word_edges():
    from reflection.language.context import quoted_ranges

    text = "I said 'these kids can't focus' and the kids' books 'were' fine."
    assert [text[a:b] for a, b in quoted_ranges(text)] == ["'these kids can't focus'", "'were'"]


@pytest.mark.parametrize(
    "text",
    [
        "🙂 👩🏽‍🏫\n\nThese kids are lazy and never do homework.",
        "🙂 👩🏽‍🏫\nThese kids are lazy and never do homework.",
        "🇺🇦 🙂\n\nThese kids are lazy and never do homework.",
        "Notes:\n- These kids are lazy and never do homework.",
    ],
)
def test_a_sentence_after_emoji_or_a_line_break_is_checked(nlp, text):
    # The parser ran a line of emoji into the next paragraph and took an emoji for the subject.
    assert [f.text for f in analyse(text, use_model=False).flags] == ["lazy", "never do"]


def test_a_list_item_is_its_own_sentence(nlp):
    flags = analyse("Notes:\n- these kids are lazy\n- parents do not care", use_model=False).flags
    assert [f.text for f in flags] == ["lazy", "parents do not care"]


def test_a_wrapped_line_stays_one_sentence(nlp):
    doc = nlp("I was tired\ntoday and the kids were great.")
    assert len(list(doc.sents)) == 1


@pytest.mark.parametrize("leading", ["\n\n", "  ", "\t", "\r\n \u00a0"])
@pytest.mark.parametrize(
    "sentence",
    [
        "Parents do not care about homework.",
        "These kids can't focus.",
        "Their parents are never involved.",
        "The Hispanic kids won't mix.",
        "They all act the same way in the hallway.",
        "My low kids need more time.",
    ],
)
def test_no_flag_starts_or_ends_with_whitespace(nlp, leading, sentence):
    text = leading + sentence + "\n\n"
    flags = analyse(text).flags
    assert flags
    for flag in flags:
        assert flag.text == flag.text.strip()
        assert text[flag.start : flag.end] == flag.text


@pytest.mark.parametrize("aside", [" lol", " 🙄", " smh", " ugh", "!! lol", " 😩😩"])
def test_a_trailing_aside_does_not_switch_a_flag_off(nlp, aside):
    assert "lazy" in [f.text for f in analyse("These kids are lazy" + aside).flags]
    assert any(f.text.endswith("don't care") for f in analyse("His parents don't care" + aside).flags)


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("I'm not saying it to be mean but these parents don't care.", "parents don't care"),
        ("I don't mind the noise, but they're just lazy.", "lazy"),
        ("She isn't rude, but her parents don't care.", "parents don't care"),
    ],
)
def test_a_negation_in_another_clause_does_not_switch_a_flag_off(nlp, sentence, flagged):
    assert flagged in [f.text for f in analyse(sentence).flags]


def test_a_negation_still_reaches_a_conjoined_word(nlp):
    assert analyse("He is not lazy or rude.").flags == []
