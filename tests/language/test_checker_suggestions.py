"""Rewrites keep number, tense and first-letter case, and keep the concern."""

from __future__ import annotations

import pytest

from reflection.language import analyse, apply_suggestion


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Today my low kids finished early.", "Today my students who are still building these skills finished early."),
        ("These kids can't focus.", "These students are finding it hard to focus."),
        ("These kids couldn't focus.", "These students were finding it hard to focus."),
        ("He can't sit still.", "He is finding it hard to sit still."),
        ("My low kids can't focus.", "My students are finding it hard to focus."),
        ("Parents don't care.", "Parents have not yet seen a reason to care."),
        ("\n\nParents do not care about homework.", "\n\nParents have not yet seen a reason to care about homework."),
        ("Their parents are never involved.", "Their parents are not yet connected with us."),
        ("They all act the same way in the hallway.", "They all act in their own ways in the hallway."),
        ("They're the disruptive ones, as usual.", "They're the ones who need more support right now, as usual."),
        ("The students are lazy.", "The students are not yet engaged."),
        ("The lazy kids sat in back.", "The students who are not yet engaged sat in back."),
        ("The lazy kid sat in back.", "The student who is not yet engaged sat in back."),
        ("He is a special ed kid.", "He is a student who receives special education services."),
        ("The special ed kids left.", "The students who receive special education services left."),
        ("He is an autistic kid.", "He is a student with autism."),
        ("They'll never get it.", "They are not yet on track to get it."),
        ("He'll never get it.", "He is not yet on track to get it."),
        ("The ESL kids sat together.", "The multilingual students sat together."),
        ("Those kids worry me.", "Our students worry me."),
        ("They never do homework.", "They rarely do homework."),
        ("She had no motivation.", "She was still building motivation."),
        ("They came from nothing.", "They came from little money."),
        ("He's ADHD.", "He has ADHD."),
        ("She comes from a rough background.", "She comes from a background I may not know much about."),
        ("He's a diabetic.", "He's a student with a health condition."),
        ("He doesn't know any English.", "He is still learning English."),
        ("They don't know any English.", "They are still learning English."),
        ("I don't think he has it in him to pass.", "I don't think he is ready to pass."),
        ("Deshawn will never read on grade level.", "Deshawn is not yet on track to read on grade level."),
        ("He was never going to be a reader.", "He was not yet on track to be a reader."),
        ("The Hispanic kids sat together.", "Some of our students sat together."),
        ("The low table finished early.", "The table for students still building these skills finished early."),
        ("My bad class came in loud.", "My class that is still learning our routines came in loud."),
        ("The wheelchair girl needs a ramp.", "The girl who uses a wheelchair needs a ramp."),
        ("Nobody in this class can write a sentence.", "Only some of this class can write a sentence."),
    ],
)
def test_applied_suggestion(nlp, text, expected):
    (flag,) = analyse(text).flags
    assert apply_suggestion(text, flag) == expected


def test_suggestion_differs_from_flagged_words(nlp):
    for flag in analyse("My low kids are lazy and those parents don't care.").flags:
        assert flag.suggestion and flag.suggestion.casefold() != flag.text.casefold()


@pytest.mark.parametrize(
    "text",
    [
        # "Girls are often dramatic" kept the judgement: the rule offers alternatives instead.
        "Girls are always so dramatic.",
        # "so not yet engaged", "communicating a need ... to the sub": no rewrite fits here.
        "My seniors are so unmotivated.",
        "Tyler was rude to the sub.",
    ],
)
def test_no_rewrite_where_none_fits(nlp, text):
    (flag,) = analyse(text).flags
    assert flag.suggestion == ""
    assert flag.alternatives and flag.question
