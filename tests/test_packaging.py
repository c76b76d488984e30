"""The installable package: its console script, what its wheel carries, and its declared dependencies in step
with the pins in requirements.txt and with what the code imports."""

import ast
import importlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from reflection import __main__ as command_line
from reflection.config import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SKIPPED_FOLDERS = {"node_modules", "build", "__pycache__", "test-artifacts", "data"}


def _pins() -> dict[str, str]:
    """requirements.txt as {normalised distribution name: pinned version}."""
    pins = {}
    for line in (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _declared() -> list[Requirement]:
    project = PYPROJECT["project"]
    return [Requirement(text) for text in project["dependencies"] + project["optional-dependencies"]["test"]]


def _python_files() -> list[Path]:
    """The repository's own Python files: not the virtual environment, build output or node packages."""
    found = []
    for folder, subfolders, files in os.walk(PROJECT_ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in SKIPPED_FOLDERS]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return found


def test_the_reflection_command_runs_the_command_line_main():
    module_name, _, attribute = PYPROJECT["project"]["scripts"]["reflection"].partition(":")
    assert getattr(importlib.import_module(module_name), attribute) is command_line.main


def test_every_declared_dependency_is_pinned_in_requirements_within_its_range_and_nothing_else_is_pinned():
    pins = _pins()
    assert sorted(canonicalize_name(requirement.name) for requirement in _declared()) == sorted(pins)
    outside = [str(requirement) for requirement in _declared()
               if not requirement.specifier.contains(pins[canonicalize_name(requirement.name)])]
    assert outside == []


def test_every_package_the_code_imports_is_pinned():
    """A package that arrives only as another one's dependency (pandas through altair) is pinned as well, so an
    upgrade of the package that brings it cannot change it under the code."""
    files = _python_files()
    # The repository's own modules and packages, which tests and benches also import by their bare names.
    own = {path.stem for path in files} | {path.parent.name for path in files}
    imported = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - own - {"__future__"}
    distributions = importlib.metadata.packages_distributions()
    pins = _pins()
    unpinned = {module: distributions.get(module) for module in third_party
                if not any(canonicalize_name(name) in pins for name in distributions.get(module, []))}
    assert unpinned == {}


@pytest.mark.slow
def test_the_installed_wheel_carries_its_data_and_its_command_checks_text_away_from_the_checkout(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    for folder in ("reflection", "prompts"):
        shutil.copytree(PROJECT_ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # Offline and against the installed setuptools: the machines that run this reach no package index.
    offline = ["--no-index", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "wheel", *offline, "-w", str(tmp_path / "wheel"), str(source)], check=True, timeout=300)
    wheel = next((tmp_path / "wheel").glob("reflection-*.whl"))

    names = set(zipfile.ZipFile(wheel).namelist())
    # Every file the package reads at run time; retraining and the rule and prompt guides stay in the checkout.
    # The top-level prompts/ folder becomes the package's prompt_sets/.
    data = {path.relative_to(source).as_posix() for path in (source / "reflection").rglob("*")
            if path.is_file() and path.suffix not in (".py", ".md") and "training" not in path.parts}
    data |= {f"reflection/prompt_sets/{path.name}" for path in (source / "prompts").glob("*.toml")}
    assert data - names == set()
    assert {"reflection/prompt_sets/gibbs.toml", "reflection/language/model/meta.json"} <= data

    subprocess.run([*pip, "install", *offline, "--target", str(tmp_path / "installed"), str(wheel)], check=True,
                   timeout=300)
    checked = subprocess.run(
        [sys.executable, str(tmp_path / "installed" / "bin" / "reflection"), "check", "-"],
        input="My low kids can't focus.", capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={"PYTHONPATH": str(tmp_path / "installed"), "PATH": "/usr/bin:/bin"},
    )
    assert checked.returncode == 0, checked.stderr
    assert "1 flag." in checked.stdout
