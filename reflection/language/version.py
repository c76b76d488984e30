"""One version for everything that decides a stored analysis: the checker's code, rules and model.

Derived from the files themselves, so that no one has to remember to bump it: any change to them
makes stored analyses out of date, and they are re-checked in one batch.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from .learned import MANIFEST_NAME, MODEL_DIR
from .rules import default_rules

PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def checker_version() -> str:
    digest = hashlib.sha256(default_rules().version.encode())
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    manifest = MODEL_DIR / MANIFEST_NAME
    if manifest.is_file():  # it holds the hash of every model file
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]
