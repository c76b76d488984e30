"""Check whole texts: flags from the pipeline plus counts and readability."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator

from spacy.tokens import Doc

from .pipeline import load_nlp
from .readability import readability
from .results import Analysis, Flag
from .rules import default_rules

# Control characters (NUL and friends) glue neighbouring words into one token; a space of the
# same length keeps every offset valid for the original text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _for_parsing(text: str) -> str:
    return _CONTROL.sub(" ", text)


def _normalise(phrase: str) -> str:
    return " ".join(phrase.split()).casefold()


def _analysis(text: str, doc: Doc | None, allowed: frozenset[str]) -> Analysis:
    flags = [] if doc is None else [
        dataclasses.replace(f, text=text[f.start : f.end])
        for f in doc._.deficit_flags
        if _normalise(f.text) not in allowed
    ]
    figures = readability(text)
    return Analysis(
        flags=flags,
        word_count=figures["word_count"],
        sentence_count=figures["sentence_count"],
        grade_level=figures["grade_level"],
        reading_ease=figures["reading_ease"],
        rules_version=default_rules().version,
    )


def analyse(text: str, allowed_phrases: Iterable[str] = ()) -> Analysis:
    """Flags, counts and readability for one text; ``allowed_phrases`` are never flagged."""
    allowed = frozenset(_normalise(p) for p in allowed_phrases)
    doc = load_nlp()(_for_parsing(text)) if text.strip() else None
    return _analysis(text, doc, allowed)


def analyse_many(
    texts: Iterable[str],
    *,
    allowed_phrases: Iterable[str] = (),
    batch_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Analysis]:
    """``analyse`` for many texts through ``nlp.pipe``; ``progress(done)`` after each batch."""
    allowed = frozenset(_normalise(p) for p in allowed_phrases)
    done = 0
    for doc, text in load_nlp().pipe(((_for_parsing(t), t) for t in texts), as_tuples=True, batch_size=batch_size):
        yield _analysis(text, doc if text.strip() else None, allowed)
        done += 1
        if progress is not None and done % batch_size == 0:
            progress(done)
    if progress is not None and done % batch_size:
        progress(done)


def apply_suggestion(text: str, flag: Flag) -> str:
    """``text`` with the flagged words replaced by the flag's suggestion."""
    if text[flag.start : flag.end] != flag.text:
        raise ValueError(
            f"flag {flag.rule_id!r} expects {flag.text!r} at {flag.start}:{flag.end}, "
            f"found {text[flag.start:flag.end]!r}; was the text edited since it was checked?"
        )
    return text[: flag.start] + flag.suggestion + text[flag.end :]
