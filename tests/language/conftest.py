"""The spaCy model loads once per test session (load_nlp is cached per process)."""

from __future__ import annotations

import pytest

from reflection.language import load_nlp


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()
