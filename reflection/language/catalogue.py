"""The rule catalogue in ``rules/README.md``, written from the rule data and its schema.

``python -m reflection.language.catalogue`` rewrites everything below ``GENERATED_MARK``; with
``--check`` it only says whether the committed file is current (a test does the same). A module of
its own, not a command of ``rules.py``: the package imports ``rules``, and running an imported
module as ``__main__`` would load it twice.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel

from .rules import CATEGORIES, CATEGORY_LABELS, RULES_DIR, ContextWords, Rule, RuleFileError, RuleSet, load_rules

README_FILE = "README.md"
GENERATED_MARK = (
    "<!-- Generated from the rule data by `python -m reflection.language.catalogue`; do not edit below. -->"
)
# The fields that say what a rule is come first in the table; the schema lists the guidance first.
_LEADING_FIELDS = ("id", "category")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _field_rows(schema: type[BaseModel]) -> list[str]:
    names = sorted(schema.model_fields, key=lambda name: name not in _LEADING_FIELDS)
    rows = ["| field | meaning |", "|---|---|"]
    return rows + [f"| `{name}` | {schema.model_fields[name].description} |" for name in names]


def _options(rule: Rule) -> str:
    return ", ".join(
        f"`{name}`" for name, field in Rule.model_fields.items() if field.annotation is bool and getattr(rule, name)
    )


def catalogue(rule_set: RuleSet) -> str:
    """The generated part of rules/README.md: the fields, the word lists and every rule."""
    word_lists = ", ".join(f"`{name}` ({len(words)})" for name, words in rule_set.vocabulary.items())
    lines = [
        "## Fields of a `[[rule]]`", "", *_field_rows(Rule), "",
        "## Word lists in `_vocabulary.toml`", "",
        f"Under `[words]`, for patterns (`\"@name\"`): {word_lists}.", "",
        "Under `[context]`, read by the context rules and the sentence splitter:", "",
        *_field_rows(ContextWords), "",
        f"## Rules ({len(rule_set.rules)})",
    ]
    for category in CATEGORIES:
        lines += ["", f"### {CATEGORY_LABELS[category]} (`{category}`)", "",
                  "| rule | flags | does not flag | options |", "|---|---|---|---|"]
        for rule in rule_set.rules:
            if rule.category == category:
                example = rule.examples
                lines.append(f"| `{rule.id}` | {_cell(example.flags)} (**{_cell(example.flagged)}**) | "
                             f"{_cell(example.quiet)} | {_options(rule)} |")
    return "\n".join(lines) + "\n"


def readme_text(rules_dir: Path = RULES_DIR) -> str:
    """rules/README.md as it should be: its hand-written head, then the catalogue of the data."""
    current = (rules_dir / README_FILE).read_text(encoding="utf-8")
    head = current.split(GENERATED_MARK)[0].rstrip("\n")
    return f"{head}\n\n{GENERATED_MARK}\n\n{catalogue(load_rules(rules_dir))}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reflection.language.catalogue",
        description="Check the rule data and rewrite the rule catalogue in rules/README.md from it.",
    )
    parser.add_argument(
        "--check", action="store_true", help="only report whether README.md is current (exit 1 if not)"
    )
    parser.add_argument(
        "--rules-dir", type=Path, default=RULES_DIR, help="the rule data to read (default: the shipped rules)"
    )
    arguments = parser.parse_args(argv)
    path = arguments.rules_dir / README_FILE
    try:
        wanted = readme_text(arguments.rules_dir)
    except RuleFileError as error:
        print(error, file=sys.stderr)
        return 2
    if not arguments.check:
        path.write_text(wanted, encoding="utf-8")
    elif path.read_text(encoding="utf-8") != wanted:
        print(f"{path} is stale: run python -m reflection.language.catalogue", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
