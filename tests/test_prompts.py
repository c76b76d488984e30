"""The shipped prompt library, its validation, and the text built from answered prompts."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from reflection import config
from reflection.prompts import (
    ROLES,
    PromptFileError,
    answers_as_records,
    compose_entry_text,
    load_library,
    parse_custom_set,
    parse_prompt_set,
    prompt_of_the_day,
    prompt_set_from_lines,
    slugify,
)

REFLECTION_SLUGS = {
    "gibbs",
    "rolfe",
    "brookfield",
    "schon",
    "kolb",
    "appreciative_inquiry",
    "belonging",
    "interest_interview",
    "bridging_media",
    "quick_reflection",
    "first_weeks",
}
PROTOCOL_SLUGS = {"tuning", "consultancy", "atlas", "what_so_what_now_what", "four_as", "circle_checkin",
                  "norms_setting"}

GOOD_SET = """
kind = "reflection"
name = "Tiny set"
[[steps]]
title = "First"
prompt = "What happened?"
[[steps]]
title = "Second"
prompt = "What next?"
"""


@pytest.fixture(scope="module")
def shipped():
    return load_library(config.prompts_dir())


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def error_for(text: str) -> str:
    with pytest.raises(PromptFileError) as caught:
        parse_custom_set(text, slug="mine", origin="personal")
    return str(caught.value)


# --- the shipped files ----------------------------------------------------------------------------


def test_every_shipped_file_loads_without_errors(shipped):
    assert shipped.errors == []
    files = {path.stem for path in config.prompts_dir().glob("*.toml")}
    assert set(shipped.sets) == files


def test_expected_sets_exist_with_the_right_kinds(shipped):
    assert {s.slug for s in shipped.reflection_sets()} == REFLECTION_SLUGS
    assert {s.slug for s in shipped.protocols()} == PROTOCOL_SLUGS


def test_shipped_sets_are_complete_and_cited(shipped):
    for prompt_set in shipped.sets.values():
        assert prompt_set.origin == "built-in"
        assert 3 <= len(prompt_set.steps) <= 8, prompt_set.slug
        for field in ("name", "description", "source", "when_to_use"):
            assert getattr(prompt_set, field), f"{prompt_set.slug}: {field} is empty"
        titles = [step.title for step in prompt_set.steps]
        assert len(titles) == len(set(titles)), f"{prompt_set.slug}: duplicate step titles"


def test_every_protocol_step_has_minutes_and_a_role(shipped):
    for protocol in shipped.protocols():
        for step in protocol.steps:
            assert isinstance(step.minutes, int) and step.minutes > 0, (protocol.slug, step.title)
            assert step.role in ROLES, (protocol.slug, step.title)


def test_only_a_protocol_may_end_with_an_outcome_and_the_norms_protocol_does(shipped):
    assert shipped.get("norms_setting").outcome == "norms"
    assert {s.slug for s in shipped.sets.values() if s.outcome} == {"norms_setting"}
    assert error_for(GOOD_SET.replace('name = "Tiny set"', 'name = "Tiny set"\noutcome = "norms"')) == (
        "personal set 'mine': outcome: 'norms' must be one of norms, on a protocol"
    )


def test_library_is_ordered_by_name_and_get_explains_unknown_slugs(shipped):
    names = [s.name.casefold() for s in shipped.sets.values()]
    assert names == sorted(names)
    assert shipped.get("gibbs").name == "Gibbs' reflective cycle"
    with pytest.raises(KeyError, match="unknown prompt set 'nope'.*gibbs"):
        shipped.get("nope")


def test_default_directory_comes_from_config(monkeypatch, tmp_path):
    write(tmp_path, "tiny.toml", GOOD_SET)
    monkeypatch.setenv("REFLECTION_PROMPTS_DIR", str(tmp_path))
    assert list(load_library().sets) == ["tiny"]


# --- broken files -----------------------------------------------------------------------------------


def test_malformed_file_is_reported_with_file_and_field_and_others_still_load(tmp_path):
    write(tmp_path, "good.toml", GOOD_SET)
    write(tmp_path, "broken.toml", GOOD_SET.replace('prompt = "What next?"', 'prompt = "   "'))
    library = load_library(tmp_path)
    assert list(library.sets) == ["good"]
    assert library.errors == [f"{tmp_path.name}/broken.toml: steps[1].prompt: must be a non-empty string"]


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    write(tmp_path, "good.toml", GOOD_SET)
    write(tmp_path, "syntax.toml", 'kind = "reflection"\nname = "Unclosed\n')
    library = load_library(tmp_path)
    assert list(library.sets) == ["good"]
    [message] = library.errors
    assert message.startswith(f"{tmp_path.name}/syntax.toml: invalid TOML:")
    assert "line 2" in message


def test_unreadable_file_and_missing_directory_are_errors_not_crashes(tmp_path):
    (tmp_path / "latin1.toml").write_bytes('name = "caf\xe9"'.encode("latin-1"))
    assert load_library(tmp_path).errors[0].startswith(f"{tmp_path.name}/latin1.toml: cannot read file")
    assert "not found" in load_library(tmp_path / "missing").errors[0]


def test_file_stem_must_be_a_valid_slug(tmp_path):
    write(tmp_path, "My Set.toml", GOOD_SET)
    [message] = load_library(tmp_path).errors
    assert message.startswith(f"{tmp_path.name}/My Set.toml: slug:")


def test_unknown_keys_are_reported_with_suggestions():
    assert error_for(GOOD_SET.replace('title = "First"', 'title = "First"\nminute = 5')) == (
        "personal set 'mine': steps[0].minute: unknown key (did you mean 'minutes' for 'minute'?)"
    )
    message = error_for("colour = 1\nsize = 2\n" + GOOD_SET)
    assert message.startswith("personal set 'mine': colour, size: unknown keys (allowed keys: kind, name,")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('kind = "reflection"', 'kind = "diary"'), "kind: 'diary' must be one of reflection, protocol"),
        (('name = "Tiny set"', ""), "name: must be a non-empty string"),
        (('name = "Tiny set"', "name = 3"), "name: must be a non-empty string"),
        (('title = "First"', 'title = "First"\nhint = 4'), "steps[0].hint: must be a string"),
        (('title = "First"', 'title = """two\nlines"""'), "steps[0].title: must be a single line"),
        (('title = "First"', 'title = "First"\nminutes = 0'), "steps[0].minutes: 0 must be a positive whole number"),
        (('title = "First"', 'title = "First"\nminutes = true'), "steps[0].minutes: True must be a positive"),
        (('title = "First"', 'title = "First"\nminutes = 2.5'), "steps[0].minutes: 2.5 must be a positive"),
        (('title = "First"', 'title = "First"\nrole = "audience"'), "steps[0].role: 'audience' must be one of"),
    ],
)
def test_invalid_fields_are_named(change, expected):
    assert error_for(GOOD_SET.replace(*change)).startswith(f"personal set 'mine': {expected}")


def test_a_set_needs_steps_and_steps_must_be_tables():
    no_steps = 'kind = "reflection"\nname = "Empty"\n'
    assert error_for(no_steps).endswith("steps: at least one [[steps]] table is required")
    assert error_for(no_steps + "steps = []").endswith("steps: at least one [[steps]] table is required")
    not_a_table = error_for(no_steps + 'steps = ["just a string"]')
    assert not_a_table.startswith("personal set 'mine': steps[0]: must be a table")


def test_protocol_steps_require_minutes_and_role():
    protocol = GOOD_SET.replace('kind = "reflection"', 'kind = "protocol"')
    assert error_for(protocol).endswith("steps[0].minutes: is required on every step of a protocol")
    timed = protocol.replace('title = "First"', 'title = "First"\nminutes = 5')
    assert error_for(timed).endswith("steps[0].role: is required on every step of a protocol")


def test_parse_prompt_set_validates_origin_and_strips_text():
    data = tomllib.loads(GOOD_SET.replace('"What happened?"', '"  What happened?\\n"'))
    assert parse_prompt_set("tiny", data, where="db", origin="group").steps[0].prompt == "What happened?"
    with pytest.raises(PromptFileError, match="^db: origin: 'shared' must be one of"):
        parse_prompt_set("tiny", data, where="db", origin="shared")


# --- prompt of the day --------------------------------------------------------------------------------


def test_prompt_of_the_day_is_stable_within_a_day_and_cycles_through_every_step(shipped):
    total = sum(len(s.steps) for s in shipped.reflection_sets())
    start = datetime.date(2025, 9, 1)
    days = [start + datetime.timedelta(days=n) for n in range(total)]
    picks = [prompt_of_the_day(shipped, day) for day in days]

    assert prompt_of_the_day(shipped, start) == picks[0]
    assert all(today != tomorrow for today, tomorrow in zip(picks, picks[1:]))
    assert {(s.slug, step.title) for s, step in picks} == {
        (s.slug, step.title) for s in shipped.reflection_sets() for step in s.steps
    }
    assert all(s.kind == "reflection" for s, _ in picks)
    assert prompt_of_the_day(shipped, start + datetime.timedelta(days=total)) == picks[0]


def test_prompt_of_the_day_needs_reflection_sets(tmp_path):
    with pytest.raises(LookupError):
        prompt_of_the_day(load_library(tmp_path), datetime.date(2025, 1, 1))


# --- entry text ---------------------------------------------------------------------------------------


def test_compose_entry_text_keeps_headings_of_answered_steps(shipped):
    gibbs = shipped.get("gibbs")
    answers = ["We ran the fractions lab.", "  Proud, a bit rushed.  ", "", "   "]
    assert compose_entry_text(gibbs, answers) == (
        "## Description\n\nWe ran the fractions lab.\n\n## Feelings\n\nProud, a bit rushed."
    )
    assert answers_as_records(gibbs, answers) == [
        {"step": "Description", "prompt": gibbs.steps[0].prompt, "answer": "We ran the fractions lab."},
        {"step": "Feelings", "prompt": gibbs.steps[1].prompt, "answer": "Proud, a bit rushed."},
    ]
    assert compose_entry_text(gibbs, ["", ""]) == ""


def test_more_answers_than_steps_is_an_error(shipped):
    rolfe = shipped.get("rolfe")
    with pytest.raises(ValueError, match="4 answers given for 3 steps"):
        compose_entry_text(rolfe, ["a", "b", "c", "d"])


# --- custom sets ----------------------------------------------------------------------------------------


def test_prompt_set_from_lines_reads_titles_list_markers_and_blank_lines():
    text = prompt_set_from_lines(
        "After the field trip",
        "- Highlight: What was the best moment?\n\n2) Who surprised you today?\nAt 10:30 what happened?\n",
        description="For trips.",
    )
    custom = parse_custom_set(text, slug="after_the_field_trip", origin="personal")
    assert custom.description == "For trips."
    assert [(s.title, s.prompt) for s in custom.steps] == [
        ("Highlight", "What was the best moment?"),
        ("Who surprised you today?", "Who surprised you today?"),
        ("At 10:30 what happened?", "At 10:30 what happened?"),
    ]


def test_untitled_long_prompts_get_a_shortened_title():
    prompt = "Which students did I not hear from today, and what small invitation could bring them in tomorrow?"
    [step] = parse_custom_set(prompt_set_from_lines("Voices", prompt), slug="voices", origin="group").steps
    assert step.prompt == prompt
    assert step.title.endswith("…") and len(step.title) <= 60 and prompt.startswith(step.title[:-1])


def test_prompt_set_from_lines_rejects_empty_input():
    with pytest.raises(PromptFileError, match="steps: at least one"):
        prompt_set_from_lines("Nothing yet", "\n   \n")
    with pytest.raises(PromptFileError, match="name: must be a non-empty string"):
        prompt_set_from_lines("  ", "What happened?")


@pytest.mark.parametrize(
    "name",
    [
        'Ms. O\'Neil\'s "exit ticket" set',
        "C:\\Users\\teacher\\reflections \\n not a newline",
        "Réflexion — 振り返り 🌱",
        "Two\nlines\r\nand a\ttab",
        "Control \x00\x1f\x7f characters",
    ],
)
def test_custom_set_round_trip_keeps_awkward_names(name):
    custom = parse_custom_set(prompt_set_from_lines(name, "What went well?"), slug=slugify(name), origin="personal")
    assert custom.name == name.strip()
    assert custom.steps[0].prompt == "What went well?"


# Prompts are single lines by construction; exclude line breaks, which would split them into several.
_one_line = st.text(
    st.characters(blacklist_categories=("Cs", "Zl", "Zp"), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85"),
    min_size=1,
).filter(str.strip)


@settings(max_examples=200, deadline=None)
@given(name=st.text(min_size=1).filter(str.strip), prompts=st.lists(_one_line, min_size=1, max_size=5))
def test_custom_set_round_trip_property(name, prompts):
    custom = parse_custom_set(prompt_set_from_lines(name, "\n".join(prompts)), slug=slugify(name), origin="group")
    assert custom.name == name.strip()
    assert len(custom.steps) == len(prompts)
    for step, line in zip(custom.steps, prompts):
        assert step.prompt in line


def test_slugify():
    assert slugify("Schön's reflection-in-action") == "schon_s_reflection_in_action"
    assert slugify("  What? So what?  Now what! ") == "what_so_what_now_what"
    assert slugify("振り返り") == "prompt_set"
