"""The analysis version follows every file that decides a stored analysis, with nothing to bump."""

from __future__ import annotations

import shutil

import pytest

from reflection.language import RULES_VERSION
from reflection.language.version import ENCODING_MODULES, REFLECTION_DIR, analysis_version, checker_version


@pytest.fixture
def package_copy(tmp_path):
    """The checker and the stored-analysis encoding, copied as a ``reflection`` package would hold them."""
    target = tmp_path / "reflection"
    shutil.copytree(REFLECTION_DIR / "language", target / "language", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ENCODING_MODULES:
        shutil.copy2(REFLECTION_DIR / name, target / name)
    return target


def test_the_copy_has_the_shipped_version(package_copy):
    assert analysis_version(package_copy) == checker_version() == RULES_VERSION


@pytest.mark.parametrize(
    "changed",
    [
        "language/rules/poverty.toml",  # a rule file
        "language/rules/_vocabulary.toml",  # the shared word lists
        "language/rules/_categories.toml",  # the model flags' guidance
        "language/context.py",  # a checker module
        "language/training/corpus.py",  # a subpackage
        "language/model/manifest.json",  # the model's thresholds
        "language/model/spancat/model",  # a model's weights
        *ENCODING_MODULES,  # the code that encodes the stored analysis
    ],
)
def test_one_changed_byte_changes_the_version(package_copy, changed):
    before = analysis_version(package_copy)
    path = package_copy / changed
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    assert analysis_version(package_copy) != before


def test_a_new_rule_data_file_changes_the_version(package_copy):
    before = analysis_version(package_copy)
    (package_copy / "language/rules/_extra.toml").write_text("# new\n", encoding="utf-8")
    assert analysis_version(package_copy) != before


def test_a_moved_encoding_module_fails_loudly(package_copy):
    (package_copy / ENCODING_MODULES[0]).unlink()
    with pytest.raises(FileNotFoundError, match="ENCODING_MODULES"):
        analysis_version(package_copy)
