"""Find person names so a shared copy of an entry can use initials or pseudonyms instead."""

from __future__ import annotations

import re

from .pipeline import COMPONENT_NAME, load_nlp
from .results import NameSpan

# spaCy sometimes takes a possessive or trailing punctuation into a PERSON entity.
_TRAILING_NOISE = re.compile(r"(?:['’]s|[\s.,;:!?'’\"”)]+)$")


def person_names(text: str) -> list[NameSpan]:
    """Each distinct PERSON name once (its first occurrence), in order of appearance."""
    if not text.strip():
        return []
    doc = load_nlp()(text, disable=[COMPONENT_NAME])
    names: dict[str, NameSpan] = {}
    for entity in doc.ents:
        if entity.label_ != "PERSON":
            continue
        name = _TRAILING_NOISE.sub("", entity.text)
        if name and name not in names:
            names[name] = NameSpan(entity.start_char, entity.start_char + len(name), name)
    return sorted(names.values(), key=lambda span: span.start)


def replace_names(text: str, replacements: dict[str, str]) -> str:
    """Replace every whole-word occurrence of each name; longer names first ("Maria Lopez" before "Maria")."""
    names = sorted((name for name in replacements if name.strip()), key=len, reverse=True)
    if not names:
        return text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)")
    return pattern.sub(lambda match: replacements[match.group(0)], text)


def initials(name: str) -> str:
    """'Maria Lopez' -> 'M.L.'; letters only, so 'Jean-Luc' gives 'J.'."""
    letters = [next((c for c in part if c.isalpha()), "") for part in name.split()]
    return "".join(f"{letter.upper()}." for letter in letters if letter)
