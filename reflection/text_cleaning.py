"""Cleaning what people type, before it is checked, stored or searched, and the limits shared by kinds of text.

Every text is normalised the same way (Unix line endings, Unicode NFC, no control characters that no
editor shows), so a phrase allowed on one page matches the same words typed on another, and stored
text compares equal to what the checker saw. Limits that belong to one kind of object (an entry's
title, a group's name) stay with that object's module; the ones here serve several.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .errors import InvalidInput

MAX_MESSAGE_CHARS = 10_000  # debrief notes, comments, circle questions and answers
MAX_TAGS = 20
MAX_TAG_CHARS = 40

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Normalise line endings and Unicode (NFC) and drop control characters that no editor shows."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", unicodedata.normalize("NFC", text))


def clean_line(text: str) -> str:
    """A text that lives on one line (a title, a phrase, a name): cleaned, every run of white space one
    space, trimmed."""
    return " ".join(clean_text(text).split())


def required_line(text: str, what: str, limit: int, *, missing: str = "", too_long: str = "") -> str:
    """A one-line text the user must give, such as a group's name, at most `limit` characters.

    `missing` and `too_long` replace the messages where a page words them for its own box.
    """
    text = clean_line(text)
    if not text:
        raise InvalidInput(missing or f"Please give the {what}.")
    if len(text) > limit:
        raise InvalidInput(too_long or f"The {what} can be at most {limit} characters.")
    return text


def clean_message(text: str, noun: str) -> str:
    """A note or comment as stored: normalised, trimmed, not empty, not overlong."""
    text = clean_text(text).strip()
    if not text:
        raise InvalidInput(f"The {noun} is empty. Please write something first.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            f"This {noun} has {len(text):,} characters; the limit is {MAX_MESSAGE_CHARS:,}. Please shorten it."
        )
    return text


def clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(clean_text(tag).replace(",", " ").split()).lstrip("#")
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise InvalidInput(f"Tags can be at most {MAX_TAG_CHARS} characters (“{tag[:20]}…” is longer).")
        cleaned.setdefault(tag.lower(), tag)
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(f"An entry can have at most {MAX_TAGS} tags.")
    return list(cleaned.values())


def parse_tags(text: str) -> list[str]:
    """Tags typed in one box, separated by commas."""
    return clean_tags((text or "").split(","))


def stored_body(text: str) -> str:
    """An entry's text as it is stored and as its length limit counts it. NFC can lengthen text: some
    characters (U+FB2C, U+0958) have no composed form and become two or three."""
    return clean_text(text).strip("\n")
