"""Reflection frameworks and PLC protocols: loading, validation and the text they produce.

A prompt set is a TOML document. Built-in sets live in ``prompts/`` (one file per set, the
file stem is the slug); custom sets written by teachers or PLC groups are stored as the same
TOML text in the database and go through exactly the same validation here.

Schema::

    kind = "reflection"        # required: "reflection" (journal frameworks) or "protocol" (PLC debriefs)
    name = "Gibbs' reflective cycle"   # required, shown in lists
    description = "..."        # optional: one or two sentences
    source = "Gibbs, G. (1988). ..."   # optional: where the framework comes from (built-ins always cite one)
    when_to_use = "..."        # optional: the situation the set fits best
    outcome = "norms"          # optional, protocols only: the last step saves the group's norms

    [[steps]]                  # at least one
    title = "Description"      # required, one line: the heading kept in the saved entry
    prompt = "What happened?"  # required: the question the teacher answers
    hint = "..."               # optional: a nudge shown under the prompt
    minutes = 5                # optional positive integer; required on every protocol step
    role = "presenter"         # optional, one of ROLES; required on every protocol step

Every string is stripped of surrounding whitespace. Unknown keys are errors, so that a typo such
as ``minute = 5`` is reported instead of silently ignored.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from reflection import config

KINDS = ("reflection", "protocol")
ORIGINS = ("built-in", "personal", "group")
# Who speaks during a protocol step; the debrief runner shows this next to the timer.
ROLES = ("facilitator", "presenter", "group", "everyone")
# What a protocol's last step produces besides notes; the runner offers to save it.
OUTCOMES = ("norms",)

_SET_KEYS = ("kind", "name", "description", "source", "when_to_use", "steps", "outcome")
_STEP_KEYS = ("title", "prompt", "hint", "minutes", "role")
_SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


class PromptFileError(ValueError):
    """A prompt set that cannot be used; the message reads ``<where>: <field>: <problem>``."""


@dataclasses.dataclass(frozen=True)
class PromptStep:
    title: str
    prompt: str
    hint: str | None = None
    minutes: int | None = None
    role: str | None = None


@dataclasses.dataclass(frozen=True)
class PromptSet:
    slug: str
    kind: str
    name: str
    description: str
    source: str
    when_to_use: str
    steps: tuple[PromptStep, ...]
    origin: str
    outcome: str = ""


@dataclasses.dataclass
class PromptLibrary:
    """The loaded sets, ordered by name, and one message per file that could not be loaded."""

    sets: dict[str, PromptSet]
    errors: list[str]

    def reflection_sets(self) -> list[PromptSet]:
        return [s for s in self.sets.values() if s.kind == "reflection"]

    def protocols(self) -> list[PromptSet]:
        return [s for s in self.sets.values() if s.kind == "protocol"]

    def get(self, slug: str) -> PromptSet:
        try:
            return self.sets[slug]
        except KeyError:
            available = ", ".join(sorted(self.sets)) or "none loaded"
            raise KeyError(f"unknown prompt set {slug!r} (available: {available})") from None


# --- validation -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Location:
    """Where a value sits, for error messages: the file (or stored set) and the table inside it."""

    where: str
    table: str = ""  # "" for the top level, "steps[2]" for the third step

    def path(self, key: str) -> str:
        return f"{self.table}.{key}" if self.table else key

    def error(self, problem: str, *keys: str) -> PromptFileError:
        fields = ", ".join(self.path(key) for key in keys) or self.table
        return PromptFileError(f"{self.where}: {fields}: {problem}")


def parse_prompt_set(slug: str, data: Mapping, *, where: str, origin: str) -> PromptSet:
    """Validate one parsed TOML document and build its PromptSet.

    ``where`` names the source in error messages (a file path, or "personal set 'x'").
    """
    at = _Location(where)
    if not _SLUG_PATTERN.fullmatch(slug):
        raise at.error(f"{slug!r} must be lowercase letters and digits joined by single underscores", "slug")
    if origin not in ORIGINS:
        raise at.error(f"{origin!r} must be one of {', '.join(ORIGINS)}", "origin")
    _reject_unknown_keys(data, _SET_KEYS, at)

    kind = _string(data, "kind", at, required=True)
    if kind not in KINDS:
        raise at.error(f"{kind!r} must be one of {', '.join(KINDS)}", "kind")
    name = _string(data, "name", at, required=True)
    outcome = _string(data, "outcome", at) or ""
    if outcome and (kind != "protocol" or outcome not in OUTCOMES):
        raise at.error(f"{outcome!r} must be one of {', '.join(OUTCOMES)}, on a protocol", "outcome")

    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise at.error("at least one [[steps]] table is required", "steps")
    steps = tuple(
        _parse_step(raw, kind, _Location(where, f"steps[{index}]")) for index, raw in enumerate(raw_steps)
    )

    return PromptSet(
        slug=slug,
        kind=kind,
        name=name,
        description=_string(data, "description", at) or "",
        source=_string(data, "source", at) or "",
        when_to_use=_string(data, "when_to_use", at) or "",
        steps=steps,
        origin=origin,
        outcome=outcome,
    )


def _parse_step(raw: object, kind: str, at: _Location) -> PromptStep:
    if not isinstance(raw, Mapping):
        raise at.error("must be a table with a title and a prompt")
    _reject_unknown_keys(raw, _STEP_KEYS, at)

    title = _string(raw, "title", at, required=True)
    if "\n" in title:
        raise at.error("must be a single line (it becomes a heading in the entry)", "title")
    prompt = _string(raw, "prompt", at, required=True)
    hint = _string(raw, "hint", at)

    minutes = raw.get("minutes")
    # bool is an int subclass in Python, so `minutes = true` must be refused explicitly.
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1):
        raise at.error(f"{minutes!r} must be a positive whole number", "minutes")

    role = _string(raw, "role", at)
    if role is not None and role not in ROLES:
        raise at.error(f"{role!r} must be one of {', '.join(ROLES)}", "role")

    # A protocol is run against a clock with turn-taking, so the runner needs both on every step.
    if kind == "protocol":
        for key, value in (("minutes", minutes), ("role", role)):
            if value is None:
                raise at.error("is required on every step of a protocol", key)

    return PromptStep(title=title, prompt=prompt, hint=hint, minutes=minutes, role=role)


def _string(table: Mapping, key: str, at: _Location, *, required: bool = False) -> str | None:
    """The stripped string at ``key``; None when an optional one is absent or blank."""
    value = table.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise at.error("must be a non-empty string" if required else "must be a string", key)
    return value.strip() or None


def _reject_unknown_keys(table: Mapping, allowed: Sequence[str], at: _Location) -> None:
    """Report every unknown key of one table at once, with a suggestion for likely typos."""
    unknown = [str(key) for key in table if key not in allowed]
    if not unknown:
        return
    suggestions = []
    for key in unknown:
        close = difflib.get_close_matches(key, allowed, n=1)
        if close:
            suggestions.append(f"did you mean {close[0]!r} for {key!r}?")
    problem = "unknown key" if len(unknown) == 1 else "unknown keys"
    detail = " ".join(suggestions) or f"allowed keys: {', '.join(allowed)}"
    raise at.error(f"{problem} ({detail})", *unknown)


def _parse_toml(text: str, *, slug: str, where: str, origin: str) -> PromptSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message already carries "(at line N, column M)".
        raise PromptFileError(f"{where}: invalid TOML: {exc}") from None
    return parse_prompt_set(slug, data, where=where, origin=origin)


# --- built-in library ---------------------------------------------------------------------------


def load_library(directory: Path | None = None) -> PromptLibrary:
    """Load every ``*.toml`` set in ``directory`` (default: ``config.prompts_dir()``).

    A file that cannot be read or validated is skipped and its message added to ``errors``, so
    one broken file never hides the other sets.
    """
    directory = config.prompts_dir() if directory is None else Path(directory)
    if not directory.is_dir():
        return PromptLibrary(sets={}, errors=[f"{directory}: prompts directory not found"])

    loaded: list[PromptSet] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        where = f"{directory.name}/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{where}: cannot read file: {exc}")
            continue
        try:
            loaded.append(_parse_toml(text, slug=path.stem, where=where, origin="built-in"))
        except PromptFileError as exc:
            errors.append(str(exc))

    loaded.sort(key=lambda s: (s.name.casefold(), s.slug))
    return PromptLibrary(sets={s.slug: s for s in loaded}, errors=errors)


def prompt_of_the_day(library: PromptLibrary, day: datetime.date) -> tuple[PromptSet, PromptStep]:
    """One step from the reflection sets, the same all day and the next one tomorrow.

    Walks every step of every reflection set in library order, indexed by the day's ordinal, so
    over ``total steps`` days each prompt comes up exactly once.
    """
    every_step = [(s, step) for s in library.reflection_sets() for step in s.steps]
    if not every_step:
        raise LookupError("no reflection prompt sets are loaded")
    return every_step[day.toordinal() % len(every_step)]


# --- entries written with a set -----------------------------------------------------------------


def compose_entry_text(prompt_set: PromptSet, answers: Sequence[str]) -> str:
    """The entry text: each answered step as ``## <title>`` followed by the answer.

    Steps left blank are left out rather than saved as "(no answer)": a journal entry should
    read as what the teacher wrote, and the bias check should only ever see their own words.
    """
    return composed_entry(prompt_set, answers)[0]


def composed_entry(prompt_set: PromptSet, answers: Sequence[str]) -> tuple[str, list[int | None]]:
    """The entry text, and for each answer the shift that maps its characters into that text
    (``text[shift + i] == answer[i]``), None for a step left out. The language check uses the shifts
    to check the whole entry as saving will, and to show each flag under its own step."""
    _answered_steps(prompt_set, answers)  # refuses more answers than steps
    pieces, shifts, length = [], [], 0
    for step, answer in zip(prompt_set.steps, answers):
        if not answer.strip():
            shifts.append(None)
            continue
        heading = ("\n\n" if pieces else "") + f"## {step.title}\n\n"
        shifts.append(length + len(heading) - (len(answer) - len(answer.lstrip())))
        pieces.append(heading + answer.strip())
        length += len(pieces[-1])
    return "".join(pieces), shifts


def answers_as_records(prompt_set: PromptSet, answers: Sequence[str]) -> list[dict[str, str]]:
    """The answered steps as ``{"step", "prompt", "answer"}`` dicts, same rule as compose_entry_text."""
    return [
        {"step": step.title, "prompt": step.prompt, "answer": answer}
        for step, answer in _answered_steps(prompt_set, answers)
    ]


def _answered_steps(prompt_set: PromptSet, answers: Sequence[str]) -> list[tuple[PromptStep, str]]:
    """Pair answers with steps in order; fewer answers than steps means the rest are unanswered."""
    if len(answers) > len(prompt_set.steps):
        raise ValueError(f"{len(answers)} answers given for {len(prompt_set.steps)} steps of {prompt_set.slug!r}")
    return [(step, answer.strip()) for step, answer in zip(prompt_set.steps, answers) if answer.strip()]


# --- custom sets (stored as TOML text by the database layer) ------------------------------------


def parse_custom_set(toml_text: str, *, slug: str, origin: str) -> PromptSet:
    """Validate the TOML body of a personal or group set; errors name the field or TOML line."""
    return _parse_toml(toml_text, slug=slug, where=f"{origin} set {slug!r}", origin=origin)


def slugify(name: str) -> str:
    """A slug for a set name: ASCII lowercase words joined by underscores ("Schön's cycle" -> "schon_s_cycle").

    Names with no Latin letters or digits at all get "prompt_set"; callers that store sets must
    make slugs unique anyway.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    return "_".join(words) or "prompt_set"


# A line "Title: prompt" is split only when the part before ": " is short and not itself a
# question, so "Think about this: what worked?" splits but "Why did it work? Because: ..." does not.
_TITLED_LINE = re.compile(r"(?P<title>[^:?\n]{1,60}):\s+(?P<prompt>.+)")
# List markers teachers paste along with their prompts: "- ", "* ", "• ", "1. ", "2) ".
_LIST_MARKER = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
_UNTITLED_TITLE_LENGTH = 60


def prompt_set_from_lines(name: str, lines: str, *, description: str = "") -> str:
    """TOML text for a reflection set written as one prompt per line, optionally ``Title: prompt``.

    Untitled prompts take their own (shortened) wording as the title, so headings in saved
    entries still say what was asked. The result is validated before it is returned, so bad
    input raises PromptFileError here rather than when the set is later loaded.
    """
    steps = []
    for line in lines.splitlines():
        line = _LIST_MARKER.sub("", line.strip())
        if not line:
            continue
        titled = _TITLED_LINE.fullmatch(line)
        if titled:
            steps.append((titled["title"].strip(), titled["prompt"].strip()))
        else:
            steps.append((_shorten(line, _UNTITLED_TITLE_LENGTH), line))

    parts = [f"kind = {_toml_string('reflection')}", f"name = {_toml_string(name)}"]
    if description.strip():
        parts.append(f"description = {_toml_string(description)}")
    for title, prompt in steps:
        parts.append(f"\n[[steps]]\ntitle = {_toml_string(title)}\nprompt = {_toml_string(prompt)}")
    toml_text = "\n".join(parts) + "\n"

    # Only the validation matters here; the origin is the caller's to decide when it stores the set.
    _parse_toml(toml_text, slug=slugify(name), where="new prompt set", origin="personal")
    return toml_text


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:-") + "…"


# TOML basic strings must escape the quote, the backslash and every control character
# (U+0000–U+001F and U+007F); everything else, including any Unicode, may appear as is.
_TOML_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    escaped = []
    for char in value:
        if char in _TOML_SHORT_ESCAPES:
            escaped.append(_TOML_SHORT_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'
