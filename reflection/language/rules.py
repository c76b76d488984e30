"""Load and validate the deficit-language rules kept as data in ``rules/*.toml``.

Each category has one file named after it. ``rules/_vocabulary.toml`` holds word lists shared by
several categories (referred to from patterns as ``"@name"``) and the harmless phrases that
block any flag they overlap ("lazy river", "at risk of").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parent / "rules"
VOCABULARY_FILE = "_vocabulary.toml"
CATEGORIES_FILE = "_categories.toml"

CATEGORIES: tuple[str, ...] = (
    "label",
    "blame_character",
    "fixed_mindset",
    "othering",
    "family_community",
    "language_deficit",
    "identity_first",
    "poverty",
    "generalization",
)

CATEGORY_LABELS: dict[str, str] = {
    "label": "Labelling students",
    "blame_character": "Blaming character",
    "fixed_mindset": "Fixed mindset",
    "othering": "Othering",
    "family_community": "Families and community",
    "language_deficit": "Language as a deficit",
    "identity_first": "Identity or placement as a label",
    "poverty": "Poverty as a deficit",
    "generalization": "Sweeping generalisation",
}

# Placeholders a suggestion template may use besides "{plural|singular}" (see rewrite.py).
TEMPLATE_PLACEHOLDERS = ("noun", "subject", "rest", "lead", "last", "verb", "be", "have", "do")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TEXT_FIELDS = ("id", "explanation", "source", "question", "suggestion")


class RuleFileError(ValueError):
    """A rule file is malformed; the message names the file, the rule and the field."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    explanation: str
    source: str
    alternatives: tuple[str, ...]
    question: str
    # Rewrite template for the flagged span; see rewrite.py for the placeholders.
    suggestion: str
    # Used instead when an adjective sits before the person noun ("lazy kids"); the span then
    # grows to cover the noun so the rewrite can move the judgement into a clause.
    suggestion_attributive: str | None
    patterns: tuple[tuple[dict[str, Any], ...], ...]
    phrases: tuple[str, ...]
    # The matched words must be about someone other than the writer ("students are lazy", not
    # "lazy river", not "I was lazy with my planning"); found through the dependency parse.
    about_person: bool
    # Skip a person noun that is pinned down by what follows ("those kids in the 1960s photo").
    unless_specified: bool
    # Skip a judgement tied to a situation ("he can't focus when the hallway is noisy").
    unless_situational: bool
    # Grow the span leftwards over the subject ("These kids" + "can't focus") so that the rewrite
    # can reword it; needs about_person.
    include_subject: bool
    # A direct negation ("he is not lazy") cancels the judgement.
    negatable: bool = False
    # The words state an ability or promise and are a deficit only when denied: "I don't think
    # he has it in him", "not everyone is cut out for algebra". Fires only under a negation.
    only_denied: bool = False
    # Skip a verb used with a direct object, in its other sense ("checked out Chromebooks").
    unless_object: bool = False
    # Naming a group is not a judgement ("the Somali girls ran the assembly"): fire only when the
    # group is set apart ("those Hispanic kids") or is what a deficit claim is about ("the refugee
    # kids don't try", "the Arab boys are rude"); see context.is_judged_group.
    only_judged: bool = False


@dataclass(frozen=True)
class CategoryGuide:
    """What a flag of this category says when no rule (so no rewrite) stands behind it."""

    explanation: str
    source: str
    alternatives: tuple[str, ...]
    question: str


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    vocabulary: dict[str, tuple[str, ...]]
    harmless_phrases: tuple[str, ...]
    guides: dict[str, CategoryGuide]


def _fail(path: Path, where: str, message: str) -> RuleFileError:
    return RuleFileError(f"{path.name}: {where}: {message}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RuleFileError(f"{path.name}: not valid TOML: {error}") from error


def _load_vocabulary(path: Path) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    data = _read_toml(path)
    words = data.get("words")
    if not isinstance(words, dict):
        raise _fail(path, "[words]", "missing table of word lists")
    vocabulary: dict[str, tuple[str, ...]] = {}
    for name, values in words.items():
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise _fail(path, f"words.{name}", "must be a non-empty list of strings")
        vocabulary[name] = tuple(values)
    harmless = data.get("harmless", {}).get("phrases", [])
    if not isinstance(harmless, list) or not all(isinstance(p, str) for p in harmless):
        raise _fail(path, "harmless.phrases", "must be a list of strings")
    return vocabulary, tuple(harmless)


def _load_guides(path: Path) -> dict[str, CategoryGuide]:
    data = _read_toml(path)
    guides = {}
    for category in CATEGORIES:
        raw = data.get(category)
        if not isinstance(raw, dict):
            raise _fail(path, f"[{category}]", "missing table")
        for field in ("explanation", "source", "question"):
            if not isinstance(raw.get(field), str) or not raw[field].strip():
                raise _fail(path, f"[{category}], field {field!r}", "must be a non-empty string")
        alternatives = raw.get("alternatives")
        if not isinstance(alternatives, list) or not 1 <= len(alternatives) <= 3 or not all(
            isinstance(a, str) and a.strip() for a in alternatives
        ):
            raise _fail(path, f"[{category}], field 'alternatives'", "must be a list of 1 to 3 strings")
        guides[category] = CategoryGuide(
            raw["explanation"].strip(), raw["source"].strip(), tuple(a.strip() for a in alternatives),
            raw["question"].strip(),
        )
    unknown = sorted(set(data) - set(CATEGORIES))
    if unknown:
        raise _fail(path, ", ".join(unknown), "not a category")
    return guides


def _expand(value: Any, vocabulary: dict[str, tuple[str, ...]], path: Path, where: str) -> Any:
    """Replace "@name" references inside a token pattern by the shared word list."""
    if isinstance(value, str) and value.startswith("@"):
        try:
            return list(vocabulary[value[1:]])
        except KeyError:
            raise _fail(path, where, f"unknown word list {value!r} (not in {VOCABULARY_FILE})") from None
    if isinstance(value, dict):
        return {key: _expand(item, vocabulary, path, where) for key, item in value.items()}
    if isinstance(value, list):
        expanded: list[Any] = []
        for item in value:
            # "@name" inside an IN list splices the whole word list in.
            result = _expand(item, vocabulary, path, where)
            if isinstance(item, str) and item.startswith("@"):
                expanded.extend(result)
            else:
                expanded.append(result)
        return expanded
    return value


def _parse_rule(raw: Any, index: int, category: str, path: Path, vocabulary) -> Rule:
    where = f"rule #{index + 1}"
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a table ([[rule]])")
    if isinstance(raw.get("id"), str):
        where = f"rule {raw['id']!r}"
    for field in _TEXT_FIELDS:
        if field == "suggestion":
            # "" when no grammatical rewrite fits the rule's matches: the app then offers the
            # alternatives and the question without an Apply button.
            if not isinstance(raw.get(field), str):
                raise _fail(path, f"{where}, field {field!r}", "must be a string (\"\" for no rewrite)")
            continue
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise _fail(path, f"{where}, field {field!r}", "must be a non-empty string")
    if not raw["id"].startswith(f"{category}."):
        raise _fail(path, f"{where}, field 'id'", f"must start with {category + '.'!r}")
    if raw.get("category", category) != category:
        raise _fail(path, f"{where}, field 'category'", f"must be {category!r} (the file's category)")
    alternatives = raw.get("alternatives")
    if (
        not isinstance(alternatives, list)
        or not 1 <= len(alternatives) <= 3
        or not all(isinstance(a, str) and a.strip() for a in alternatives)
    ):
        raise _fail(path, f"{where}, field 'alternatives'", "must be a list of 1 to 3 strings")
    patterns = raw.get("patterns", [])
    phrases = raw.get("phrases", [])
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in patterns
    ):
        raise _fail(path, f"{where}, field 'patterns'", "must be a list of token patterns (lists of tables)")
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise _fail(path, f"{where}, field 'phrases'", "must be a list of strings")
    if not patterns and not phrases:
        raise _fail(path, where, "needs 'patterns' or 'phrases'")
    for field in ("about_person", "include_subject", "negatable", "unless_specified", "unless_situational",
                  "only_denied", "unless_object", "only_judged"):
        if not isinstance(raw.get(field, False), bool):
            raise _fail(path, f"{where}, field {field!r}", "must be true or false")
    attributive = raw.get("suggestion_attributive")
    if attributive is not None and not (isinstance(attributive, str) and attributive.strip()):
        raise _fail(path, f"{where}, field 'suggestion_attributive'", "must be a non-empty string")
    for field in ("suggestion", "suggestion_attributive"):
        for placeholder in _PLACEHOLDER.findall(raw.get(field) or ""):
            if "|" not in placeholder and placeholder not in TEMPLATE_PLACEHOLDERS:
                raise _fail(path, f"{where}, field {field!r}", f"unknown placeholder {{{placeholder}}}")
    known = {*_TEXT_FIELDS, "category", "alternatives", "patterns", "phrases", "about_person",
             "include_subject", "suggestion_attributive", "negatable", "unless_specified",
             "unless_situational", "only_denied", "unless_object", "only_judged"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _fail(path, where, f"unknown field(s) {', '.join(unknown)}")
    expanded = tuple(
        tuple(_expand(pattern, vocabulary, path, f"{where}, field 'patterns'")) for pattern in patterns
    )
    return Rule(
        id=raw["id"],
        category=category,
        explanation=raw["explanation"].strip(),
        source=raw["source"].strip(),
        alternatives=tuple(a.strip() for a in alternatives),
        question=raw["question"].strip(),
        suggestion=raw["suggestion"],
        suggestion_attributive=attributive,
        patterns=expanded,
        phrases=tuple(p.strip() for p in phrases),
        about_person=raw.get("about_person", False),
        include_subject=raw.get("include_subject", False),
        negatable=raw.get("negatable", False),
        unless_specified=raw.get("unless_specified", False),
        unless_situational=raw.get("unless_situational", False),
        only_denied=raw.get("only_denied", False),
        unless_object=raw.get("unless_object", False),
        only_judged=raw.get("only_judged", False),
    )


def load_rules(rules_dir: Path = RULES_DIR) -> RuleSet:
    """Read every rule file; raise RuleFileError naming the file and field on any problem."""
    vocabulary_path = rules_dir / VOCABULARY_FILE
    if not vocabulary_path.is_file():
        raise RuleFileError(f"{VOCABULARY_FILE}: missing from {rules_dir}")
    vocabulary, harmless = _load_vocabulary(vocabulary_path)
    guides_path = rules_dir / CATEGORIES_FILE
    if not guides_path.is_file():
        raise RuleFileError(f"{CATEGORIES_FILE}: missing from {rules_dir}")
    guides = _load_guides(guides_path)
    rules: list[Rule] = []
    seen_ids: set[str] = set()
    for category in CATEGORIES:
        path = rules_dir / f"{category}.toml"
        if not path.is_file():
            raise RuleFileError(f"{path.name}: missing from {rules_dir}")
        raw_rules = _read_toml(path).get("rule")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise _fail(path, "[[rule]]", "the file defines no rules")
        for index, raw in enumerate(raw_rules):
            rule = _parse_rule(raw, index, category, path, vocabulary)
            if rule.id in seen_ids:
                raise _fail(path, f"rule {rule.id!r}, field 'id'", "is used twice")
            seen_ids.add(rule.id)
            rules.append(rule)
    return RuleSet(tuple(rules), vocabulary, harmless, guides)


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return load_rules()
