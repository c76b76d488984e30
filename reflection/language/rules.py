"""The deficit-language rules kept as data in ``rules/*.toml``: their schema and loading.

Each category has one file named after it. ``rules/_vocabulary.toml`` holds word lists shared by
several categories (referred to from patterns as ``"@name"``), the harmless phrases that block any
flag they overlap ("lazy river", "at risk of"), and the words the context rules and the sentence
splitter read. ``rules/_categories.toml`` holds each category's guidance for the learned model's
flags. Every field is declared once, in the pydantic models below: their descriptions are the
field reference in ``rules/README.md`` (see ``catalogue.py``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

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


class RuleFileError(ValueError):
    """A rule file is malformed; the message names the file, the rule and the field."""


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Words = Annotated[frozenset[Text], Field(min_length=1)]


def _field(expects: str, description: str, **options: Any) -> Any:
    """A schema field; ``expects`` completes "must be ..." in the error for a bad value."""
    return Field(description=description, json_schema_extra={"expects": expects}, **options)


def _option(description: str) -> Any:
    """One of a rule's true/false options, off unless the rule sets it."""
    return _field("true or false", description, default=False)


def _words(description: str) -> Any:
    return _field("a list of words", description)


class _Schema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Guidance(_Schema):
    """What a flag tells the writer; a category's guidance stands behind the learned model's flags."""

    explanation: Text = _field("a non-empty string", "one line: why the wording matters")
    source: Text = _field("a non-empty string", "the guide or paper behind it")
    alternatives: tuple[Text, ...] = _field(
        "a list of 1 to 3 strings", "1–3 strengths-based wordings", min_length=1, max_length=3
    )
    question: Text = _field("a non-empty string", "a reflective question for the writer")


class Examples(_Schema):
    """A rule's own test: the sentence it flags, the words flagged, and a near miss it leaves alone."""

    flags: Text = _field("a non-empty string", "a sentence the rule flags (and nothing else does)")
    flagged: Text = _field("a non-empty string", "exactly the words flagged in it")
    quiet: Text = _field("a non-empty string", "a near miss no rule flags")


def _template(template: str | None) -> str | None:
    for placeholder in _PLACEHOLDER.findall(template or ""):
        if "|" not in placeholder and placeholder not in TEMPLATE_PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {{{placeholder}}}")
    return template


class Rule(Guidance):
    id: Text = _field("a non-empty string", "`category.name`, unique")
    category: StrictStr = _field("the file's category", "optional: the file's category, which it must match")
    suggestion: Annotated[StrictStr, AfterValidator(_template)] = _field(
        'a string ("" for no rewrite)',
        "rewrite template for the flagged words: "
        + ", ".join(f"`{{{name}}}`" for name in TEMPLATE_PLACEHOLDERS)
        + ", `{plural\\|singular}` (see `rewrite.py`); `\"\"` where no grammatical rewrite fits the rule's "
        "matches: the app then offers the alternatives and the question without an Apply button (so does any "
        "rewrite that would not fit the words around it)",
    )
    suggestion_attributive: Annotated[StrictStr, AfterValidator(_not_blank), AfterValidator(_template)] | None = (
        _field(
            "a non-empty string",
            "optional template used instead when an adjective precedes the person noun (\"lazy kids\"); the span "
            "grows over the noun so the rewrite can move the judgement into a clause",
            default=None,
        )
    )
    patterns: tuple[Annotated[tuple[dict[str, Any], ...], Field(min_length=1)], ...] = _field(
        "a list of token patterns (lists of tables)",
        "spaCy `Matcher` token patterns (LOWER, LEMMA, NORM, POS, DEP, OP ...); `\"@name\"` stands for a word "
        "list of `_vocabulary.toml`",
        default=(),
    )
    phrases: tuple[Text, ...] = _field(
        "a list of strings", "`PhraseMatcher` phrases, matched case-insensitively", default=()
    )
    examples: Examples = _field(
        "a table with flags, flagged and quiet",
        "`{flags = \"sentence\", flagged = \"words\", quiet = \"near miss\"}`: the rule's own test "
        "(`tests/language/test_checker_rules.py`)",
    )
    about_person: StrictBool = _option(
        "the words must describe someone other than the writer, found through the parse (\"students are lazy\", "
        "not \"lazy river\" or \"I was lazy with my planning\")"
    )
    include_subject: StrictBool = _option(
        "with `about_person`: the span grows leftwards over a preceding subject (\"These kids\" + \"can't focus\") "
        "so that the rewrite can reword it"
    )
    negatable: StrictBool = _option(
        "a negation cancels the judgement (\"he is not lazy\", \"no student is a lost cause\")"
    )
    unless_specified: StrictBool = _option(
        "skip a person noun pinned down by what follows (\"those kids in the 1960s photo\")"
    )
    unless_situational: StrictBool = _option(
        "skip a judgement a clause ties to a situation (\"he can't focus when the hallway is noisy\")"
    )
    only_denied: StrictBool = _option(
        "the words state an ability or promise and are a deficit only when denied: fire only under a negation or "
        "a denied belief (\"I don't think he has it in him\", \"not everyone is cut out for algebra\")"
    )
    unless_object: StrictBool = _option(
        "skip a verb used with a direct object, in its other sense (\"checked out Chromebooks\")"
    )
    only_judged: StrictBool = _option(
        "naming a group is not a judgement (\"the Somali girls ran the assembly\"): fire only when the group is "
        "set apart (\"those Hispanic kids\") or is what a deficit claim is about (\"the refugee kids don't try\", "
        "\"the Arab boys are rude\"; `context.is_judged_group`)"
    )

    @field_validator("patterns", mode="after")
    @classmethod
    def _expand_word_lists(cls, patterns, info: ValidationInfo):
        vocabulary = info.context["vocabulary"]
        return tuple(tuple(_expand(token, vocabulary) for token in pattern) for pattern in patterns)

    @model_validator(mode="before")
    @classmethod
    def _in_its_file_category(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and "category" not in data:
            return {**data, "category": info.context["category"]}
        return data

    @model_validator(mode="after")
    def _belongs_to_its_file(self, info: ValidationInfo) -> Rule:
        category = info.context["category"]
        if not self.id.startswith(f"{category}."):
            raise _FieldError("id", f"must start with {category + '.'!r}")
        if self.category != category:
            raise _FieldError("category", f"must be {category!r} (the file's category)")
        if not self.patterns and not self.phrases:
            raise ValueError("needs 'patterns' or 'phrases'")
        return self


class Harmless(_Schema):
    phrases: tuple[Text, ...] = _field(
        "a list of strings", "fixed expressions whose words look like a judgement but are not about a person"
    )


class ContextWords(_Schema):
    """Words the context rules (``context.py``) and the sentence splitter (``pipeline.py``) read."""

    first_person: Words = _words("the writer: their judgements are self-critique")
    third_person: Words = _words("pronouns that stand for someone other than the writer")
    belief_verbs: Words = _words("a denied belief cancels a judgement (\"I don't think she's lazy\")")
    labelling_verbs: Words = _words("a label the writer reports from someone else (\"a colleague called them lazy\")")
    speech_verbs: Words = _words(
        "a claim in the clause they report is someone else's (\"a colleague said the kids are lazy\")"
    )
    endorsing: Words = _words("after a speech verb, restates the writer's own claim (\"her mom even said so\")")
    rejecting_verbs: Words = _words("the writer turns the judgement down (\"I refuse to treat them as ...\")")
    rejecting_words: Words = _words("a clause the writer calls false or unfair (\"it's a myth that ...\")")
    discussing_verbs: Words = _words("a \"whether\" clause under them is a question under discussion, not a claim")
    quantifiers: Words = _words("stand for the people after \"of\" (\"most of the kids\")")
    negative_subjects: Words = _words("a subject that negates its clause (\"nobody here is a lost cause\")")
    situation_markers: Words = _words("open a clause that ties a difficulty to a situation")
    specifying_prepositions: Words = _words("pin a noun to a time, place or picture (\"those kids in the photo\")")
    own_work: Words = _words("a teacher's own work: judging it is self-critique (\"my lesson was weak\")")
    failing_verbs: Words = _words("denying them is praise (\"they never give up\", \"she never misses a day\")")
    distancing: Words = _words("set a named group apart (\"those Hispanic kids\")")
    fine_when_denied: Words = _words("no deficit when denied of a named group (\"they never miss a day\")")
    keeping_apart: Words = _words("with \"together\" or \"to themselves\": a group said to keep apart")
    control_nouns: Words = _words("control asked for because of who they are (\"need a firmer hand\")")
    wanted: Words = _words("qualities whose denial of a named group is a deficit claim")
    habitual: Words = _words("with an `always_verbs` verb: a habit claimed of a named group")
    asides: Words = _words(
        "close a thought in informal writing (\"lol\", \"smh\"); given a sentence of their own so that the parser "
        "does not take one for a noun"
    )
    bullets: Words = _field("a list of marks", "a line starting with one starts a sentence")
    continuing: Words = _field("a list of marks", "a line ending with one runs on into the next line")
    frequent_words: tuple[Text, ...] = _field(
        "a list of words",
        "frequent words in teacher journals, most frequent first: a pattern is triggered by the word set it needs "
        "whose commonest member is rarest, so that few sentences reach the Matcher",
        min_length=1,
    )


class Vocabulary(_Schema):
    words: dict[str, Annotated[tuple[Text, ...], Field(min_length=1)]] = _field(
        "a table of non-empty lists of strings", "word lists a pattern refers to as `\"@name\"`"
    )
    harmless: Harmless = _field("a table", "phrases that block any flag they overlap")
    context: ContextWords = _field("a table", "words the context rules read")


@dataclass(frozen=True)
class RuleSet:
    """Every rule with the data they share, as loaded (not itself a file, so not a schema)."""

    rules: tuple[Rule, ...]
    vocabulary: dict[str, tuple[str, ...]]  # the word lists patterns refer to as "@name"
    harmless_phrases: tuple[str, ...]
    context_words: ContextWords
    guides: dict[str, Guidance]


class _FieldError(ValueError):
    """A model-level check that blames one field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _expand(value: Any, vocabulary: dict[str, tuple[str, ...]]) -> Any:
    """Replace "@name" references inside a token pattern by the shared word list."""
    if isinstance(value, str) and value.startswith("@"):
        try:
            return list(vocabulary[value[1:]])
        except KeyError:
            raise ValueError(f"unknown word list {value!r} (not in {VOCABULARY_FILE})") from None
    if isinstance(value, dict):
        return {key: _expand(item, vocabulary) for key, item in value.items()}
    if isinstance(value, list):
        expanded: list[Any] = []
        for item in value:
            # "@name" inside an IN list splices the whole word list in.
            result = _expand(item, vocabulary)
            if isinstance(item, str) and item.startswith("@"):
                expanded.extend(result)
            else:
                expanded.append(result)
        return expanded
    return value


def _problems(error: ValidationError, schema: type[BaseModel]) -> list[tuple[str | None, str]]:
    """(field path, what is wrong) for each problem pydantic found, in words a rule author can act on."""
    problems: list[tuple[str | None, str]] = []
    unknown: dict[str | None, list[str]] = {}  # by the table that holds them
    for problem in error.errors():
        if problem["type"] == "extra_forbidden":
            unknown.setdefault(_dotted(problem["loc"][:-1]), []).append(str(problem["loc"][-1]))
    problems += [(table, f"unknown field(s) {', '.join(names)}") for table, names in unknown.items()]
    for problem in error.errors():
        if problem["type"] == "extra_forbidden":
            continue
        cause = problem.get("ctx", {}).get("error")
        path = _dotted(problem["loc"])
        if isinstance(cause, _FieldError):
            problems.append((cause.field, str(cause)))
        elif isinstance(cause, ValueError):
            problems.append((path, str(cause)))
        else:
            problems.append((path, f"must be {_expected(schema, problem['loc'])}"))
    return problems


def _dotted(location: tuple) -> str | None:
    return ".".join(str(part) for part in location) or None


def _expected(schema: type[BaseModel], location: tuple) -> str:
    """The ``expects`` text of the field at ``location`` (the deepest field that declares one)."""
    expects = "valid"
    for part in location:
        fields = getattr(schema, "model_fields", {})
        if part not in fields:
            break
        field = fields[part]
        expects = (field.json_schema_extra or {}).get("expects", expects)
        annotation = field.annotation
        schema = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return expects


def _validated(schema: type[BaseModel], raw: Any, path: Path, where: str, **context: Any):
    try:
        return schema.model_validate(raw, context=context)
    except ValidationError as error:
        lines = []
        for field, problem in _problems(error, schema):
            place = f"{where}, field {field!r}" if field else where
            lines.append(f"{path.name}: {place}: {problem}")
        raise RuleFileError("\n".join(lines)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise RuleFileError(f"{path.name}: missing from {path.parent}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RuleFileError(f"{path.name}: not valid TOML: {error}") from error


def _load_guides(path: Path) -> dict[str, Guidance]:
    data = _read_toml(path)
    guides = {}
    for category in CATEGORIES:
        if not isinstance(data.get(category), dict):
            raise RuleFileError(f"{path.name}: [{category}]: missing table")
        guides[category] = _validated(Guidance, data[category], path, f"[{category}]")
    unknown = sorted(set(data) - set(CATEGORIES))
    if unknown:
        raise RuleFileError(f"{path.name}: {', '.join(unknown)}: not a category")
    return guides


def _load_category(path: Path, category: str, vocabulary: Vocabulary) -> list[Rule]:
    raw_rules = _read_toml(path).get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleFileError(f"{path.name}: [[rule]]: the file defines no rules")
    rules = []
    for index, raw in enumerate(raw_rules):
        named = isinstance(raw, dict) and isinstance(raw.get("id"), str)
        where = f"rule {raw['id']!r}" if named else f"rule #{index + 1}"
        rules.append(_validated(Rule, raw, path, where, category=category, vocabulary=vocabulary.words))
    return rules


def load_rules(rules_dir: Path = RULES_DIR) -> RuleSet:
    """Read every rule file; raise RuleFileError naming the file, rule and field on any problem."""
    vocabulary_path = rules_dir / VOCABULARY_FILE
    vocabulary = _validated(Vocabulary, _read_toml(vocabulary_path), vocabulary_path, "vocabulary")
    guides = _load_guides(rules_dir / CATEGORIES_FILE)
    rules: list[Rule] = []
    seen_ids: set[str] = set()
    for category in CATEGORIES:
        path = rules_dir / f"{category}.toml"
        for rule in _load_category(path, category, vocabulary):
            if rule.id in seen_ids:
                raise RuleFileError(f"{path.name}: rule {rule.id!r}, field 'id': is used twice")
            seen_ids.add(rule.id)
            rules.append(rule)
    return RuleSet(tuple(rules), vocabulary.words, vocabulary.harmless.phrases, vocabulary.context, guides)


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return load_rules()
