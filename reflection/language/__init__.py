"""The bias check: deficit-language flags with strengths-based rewrites, readability, names.

Other parts of Reflection use only the names exported here. Each is imported on first use (PEP 562),
because the checker's modules import spaCy, which takes seconds: a module that only names `Analysis`
or `CATEGORIES`, or a command that never checks a text, does not pay for it.
"""

from __future__ import annotations

import importlib
from typing import Any

# Exported name: the module that defines it.
_SOURCES = {
    "TextTooLong": "analysis",
    "analyse": "analysis",
    "analyse_many": "analysis",
    "apply_suggestion": "analysis",
    "COMPONENT_NAME": "pipeline",
    "ModelNotInstalledError": "pipeline",
    "load_nlp": "pipeline",
    "initials": "names",
    "person_names": "names",
    "replace_names": "names",
    "Analysis": "results",
    "Flag": "results",
    "NameSpan": "results",
    "stored_analysis": "results",
    "CATEGORIES": "rules",
    "CATEGORY_LABELS": "rules",
    "RuleFileError": "rules",
}

__all__ = sorted([*_SOURCES, "RULES_VERSION"])


def __getattr__(name: str) -> Any:
    if name == "RULES_VERSION":
        # Stored analyses made with another version are re-checked (code, rules and model).
        value = importlib.import_module(".version", __name__).checker_version()
    elif name in _SOURCES:
        value = getattr(importlib.import_module(f".{_SOURCES[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value
