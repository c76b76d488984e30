"""Importing the domain is cheap: spaCy loads when a text is first checked, argon2 hashes when someone signs in.

Each test runs a fresh interpreter, since this one has long since imported everything.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import textwrap

import reflection
from reflection.config import PROJECT_ROOT

# Every module of the domain package; __main__ is the command line, which runs when imported.
DOMAIN_MODULES = sorted(
    f"reflection.{module.name}" for module in pkgutil.iter_modules(reflection.__path__) if module.name != "__main__"
)

# Counts argon2 hashes by wrapping the hasher's method before any domain module is imported.
PROBE = textwrap.dedent(
    """
    import importlib, json, sys
    import argon2

    hashes = []
    hash_password = argon2.PasswordHasher.hash

    def counted(self, *args, **kwargs):
        hashes.append(1)
        return hash_password(self, *args, **kwargs)

    argon2.PasswordHasher.hash = counted
    for name in sys.argv[1:]:
        importlib.import_module(name)
    exec(sys.stdin.read())
    print(json.dumps({"spacy": "spacy" in sys.modules, "hashes": len(hashes)}))
    """
)


def _probe(modules: list[str], then: str = "") -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *modules], input=then, capture_output=True, text=True, cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_importing_every_domain_module_loads_no_spacy_and_hashes_no_password():
    assert "reflection.journal" in DOMAIN_MODULES and "reflection.accounts" in DOMAIN_MODULES
    assert _probe(DOMAIN_MODULES) == {"spacy": False, "hashes": 0}


def test_naming_results_and_categories_does_not_load_spacy():
    then = "from reflection import language\nassert language.Analysis and 'label' in language.CATEGORIES\n"
    assert _probe(["reflection.language"], then)["spacy"] is False


def test_the_first_check_loads_spacy_and_the_first_unknown_sign_in_makes_the_timing_hash():
    then = textwrap.dedent(
        """
        import tempfile
        from pathlib import Path
        from reflection import accounts, db, errors, language
        assert language.analyse("The students are lazy.").flags
        connection = db.connect(Path(tempfile.mkdtemp()) / "probe.db")
        try:
            accounts.authenticate(connection, "nobody-here", "a password")
        except errors.SignInFailed:
            pass
        """
    )
    assert _probe(["reflection.accounts"], then) == {"spacy": True, "hashes": 1}
