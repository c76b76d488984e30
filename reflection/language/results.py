"""The checker's results: plain dataclasses that round-trip through JSON, as they are stored."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Flag:
    start: int  # character offsets into the original text
    end: int
    text: str
    category: str
    rule_id: str
    explanation: str
    source: str
    alternatives: list[str]
    question: str
    # Empty when no grammatical rewrite exists (a learned-model flag): show the alternatives instead.
    suggestion: str
    origin: str = "rule"  # "rule" or "model"
    confidence: float = 1.0
    certainty: str = "likely"  # "likely" or "worth a look"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Flag:
        return cls(**{**data, "alternatives": list(data["alternatives"])})


@dataclass(frozen=True)
class Analysis:
    flags: list[Flag]
    word_count: int
    sentence_count: int
    grade_level: float | None
    reading_ease: float | None
    rules_version: str

    @property
    def flags_by_category(self) -> dict[str, int]:
        return dict(Counter(flag.category for flag in self.flags))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "flags": [flag.to_dict() for flag in self.flags]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        return cls(**{**data, "flags": [Flag.from_dict(flag) for flag in data["flags"]]})

    def to_json(self) -> str:
        """The form stored beside a checked text (an entry, a note, a share, a circle post)."""
        return json.dumps(self.to_dict())


def stored_analysis(stored: str | None) -> Analysis | None:
    """An analysis stored by `Analysis.to_json`, or None where the column is empty (a share without flags)."""
    return Analysis.from_dict(json.loads(stored)) if stored else None


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int
    text: str

