"""Check whole texts: flags from the pipeline plus counts and readability."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator

from spacy.tokens import Doc

from reflection import config
from reflection.errors import ReflectionError

from .pipeline import load_nlp
from .readability import readability
from .results import Analysis, Flag
from .version import checker_version

# Control and zero-width characters (NUL, U+200B and friends) glue neighbouring words into one
# token, or into a flag; a space of the same length keeps every offset valid for the original text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
# spaCy's tokenizer peels prefixes and suffixes off a token one at a time, copying what is left:
# a long run without spaces costs time quadratic in its length (10,000 brackets took 20 s, and it
# holds the GIL). Language does not live in such runs, so they are cut before tokenizing: a run of
# punctuation or symbols (spaces between them or not) keeps its first characters, and so does any
# run without spaces. The characters cut become spaces, so every offset stays valid.
# Quotation marks are never cut: the checker pairs them to skip quoted words.
_NOISE_KEPT = 3
_NOISE_RUN = re.compile(rf"(?:[^\w\s\"'“”‘’«»„][ \t]*){{{_NOISE_KEPT + 1},}}")
_WORD_KEPT = 40
_LONG_RUN = re.compile(rf"\S{{{_WORD_KEPT + 1},}}")


def _kept(length: int):
    return lambda match: match.group()[:length] + " " * (len(match.group()) - length)


def for_parsing(text: str) -> str:
    """``text`` as the pipeline should see it: the same length, with no pathological runs."""
    text = _CONTROL.sub(" ", text)
    text = _NOISE_RUN.sub(_kept(_NOISE_KEPT), text)
    return _LONG_RUN.sub(_kept(_WORD_KEPT), text)


class TextTooLong(ReflectionError, ValueError):
    """More text than the check accepts (the entry limit)."""

    def __init__(self, length: int):
        super().__init__(
            f"This text has {length:,} characters; the check accepts at most {config.MAX_ENTRY_CHARS:,}. "
            "Check it in parts."
        )


# The entity recognizer is the slowest component of the base model and the check does not need it
# (name detection for sharing runs it separately).
_NOT_NEEDED = ["ner"]


def _checked_length(text: str) -> str:
    if len(text) > config.MAX_ENTRY_CHARS:
        raise TextTooLong(len(text))
    return text


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
        rules_version=checker_version(),
    )


def analyse(
    text: str, allowed_phrases: Iterable[str] = (), *, use_rules: bool = True, use_model: bool = True
) -> Analysis:
    """Flags, counts and readability for one text; ``allowed_phrases`` are never flagged.

    ``use_rules`` / ``use_model`` off measure one part of the checker alone.
    """
    allowed = frozenset(_normalise(p) for p in allowed_phrases)
    nlp = load_nlp(use_rules, use_model)
    doc = nlp(for_parsing(_checked_length(text)), disable=_NOT_NEEDED) if text.strip() else None
    return _analysis(text, doc, allowed)


def analyse_many(
    texts: Iterable[str],
    *,
    allowed_phrases: Iterable[str] = (),
    batch_size: int = 64,
    progress: Callable[[int], None] | None = None,
    use_rules: bool = True,
    use_model: bool = True,
) -> Iterator[Analysis]:
    """``analyse`` for many texts through ``nlp.pipe``; ``progress(done)`` after each batch.

    ``use_rules`` / ``use_model`` off measure one part of the checker alone.
    """
    allowed = frozenset(_normalise(p) for p in allowed_phrases)
    done = 0
    texts = ((for_parsing(_checked_length(t)), t) for t in texts)
    nlp = load_nlp(use_rules, use_model)
    for doc, text in nlp.pipe(texts, as_tuples=True, batch_size=batch_size, disable=_NOT_NEEDED):
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
