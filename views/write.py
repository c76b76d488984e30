"""Write: free writing or a guided prompt set, a language check with strengths-based rewrites, save."""

from __future__ import annotations

import functools
from datetime import date

import streamlit as st

from reflection import drafts, journal, prompts
from views import (
    _check_panel as check,
    _common as ui,
    _draft_keeper as draft_keeper,
    _entry_form as entry_form,
    _together as together,
)

PREFIX = "write"  # the page's widget keys and message slot
FREE_WRITING = ""
PROMPT_SET_KEY = "write_prompt_set"  # the chosen prompt set's slug (the select box)
STEP_KEY = "write_step"  # the guided step on screen
ANSWER_PREFIX = "write_answer"  # the guided answers' boxes, and ANSWERS_KEY: cleared together
ANSWERS_KEY = "write_answers"  # guided answers of every step, by widget key
RESTORED_KEY = "write_restored"  # the saved draft was brought back once this session

user = ui.require_user()
db = ui.db()
library = ui.prompt_library(db, user)


def answer_key(slug: str, index: int) -> str:
    return f"{ANSWER_PREFIX}_{slug}_{index}"


def stored_answers() -> dict[str, str]:
    """Answers by widget key. Streamlit forgets a widget's value while it is not on screen, so the
    answers of steps not shown live here, outside widget state."""
    return st.session_state.setdefault(ANSWERS_KEY, {})


def remember_answer(text_key: str) -> None:
    stored_answers()[text_key] = st.session_state.get(text_key, "")
    keep_draft()


def draft_state() -> dict:
    """Everything typed on this page, as JSON-safe values."""
    state = st.session_state
    data = {field: state.get(entry_form.key(PREFIX, field)) for field in entry_form.FIELDS}
    if isinstance(data["taught_on"], date):
        data["taught_on"] = data["taught_on"].isoformat()
    data["prompt_set"] = state.get(PROMPT_SET_KEY, FREE_WRITING)
    data["step"] = state.get(STEP_KEY, 0)
    data["answers"] = {name: value for name, value in stored_answers().items() if value}
    data["dismissed"] = check.dismissed(PREFIX)
    return data


def keep_draft() -> None:
    # A refusal leaves the text in the form; saying why the draft is not kept is enough.
    ui.run_action(PREFIX, lambda: drafts.save_draft(db, user, draft_state()), None)


def restore_draft_once() -> None:
    if st.session_state.get(RESTORED_KEY):
        return
    st.session_state[RESTORED_KEY] = True
    saved = drafts.load_draft(db, user)
    if not saved:
        return
    values = {field: saved.get(field) for field in entry_form.FIELDS if saved.get(field) is not None}
    if "taught_on" in values:
        values["taught_on"] = date.fromisoformat(values["taught_on"])
    entry_form.ensure_defaults(PREFIX, values)
    if saved.get("prompt_set") in library.sets:
        st.session_state.setdefault(PROMPT_SET_KEY, saved["prompt_set"])
        st.session_state.setdefault(STEP_KEY, saved.get("step", 0))
    stored_answers().update(saved.get("answers", {}))
    check.set_dismissed(PREFIX, saved.get("dismissed", []))
    # Only when something typed came back: a draft of an untouched form is no news.
    typed = [saved.get(field) for field in ("title", "class_period", "tags", "body")] + list(saved.get("answers", {}).values())
    if any(isinstance(text, str) and text.strip() for text in typed):
        ui.notify(PREFIX, "Your unsaved draft is back where you left it.")


def choose_prompt_set(slug: str) -> None:
    st.session_state[PROMPT_SET_KEY] = slug
    st.session_state[STEP_KEY] = 0


def arrive_with_prompt_set() -> None:
    """Another page sent the writer here with a set chosen (`ui.write_with`): the address says which."""
    slug = st.query_params.get(ui.PROMPT_SET_PARAMETER)
    if slug is None:
        return
    del st.query_params[ui.PROMPT_SET_PARAMETER]
    if slug in library.sets:
        choose_prompt_set(slug)


def clear_form() -> None:
    for name in list(st.session_state):
        if name.startswith(ANSWER_PREFIX) or name in (
            entry_form.key(PREFIX, field) for field in entry_form.FIELDS
        ):
            del st.session_state[name]
    st.session_state[STEP_KEY] = 0
    check.forget(PREFIX)
    draft_keeper.emptied(entry_form.key(PREFIX, "body"))
    drafts.clear_draft(db, user)


# --- the language check -------------------------------------------------------------------------

def answer_texts() -> check.Texts:
    """Guided answers: the step on screen is a widget, the others live in `stored_answers`."""
    def read(key: str) -> str:
        return st.session_state.get(key, stored_answers().get(key, ""))

    def write(key: str, text: str) -> None:
        stored_answers()[key] = text
        if key in st.session_state:
            st.session_state[key] = text
        keep_draft()

    return check.Texts(read, write)


def body_texts() -> check.Texts:
    def write(key: str, text: str) -> None:
        st.session_state[key] = text
        keep_draft()

    return check.Texts(lambda key: st.session_state.get(key, ""), write)


# --- saving -------------------------------------------------------------------------------------

def save(prompt_set: prompts.PromptSet | None) -> journal.Entry:
    if prompt_set is None:
        draft = entry_form.draft_from_state(PREFIX, dismissed=check.dismissed(PREFIX))
    else:
        answers = [stored_answers().get(answer_key(prompt_set.slug, i), "") for i in range(len(prompt_set.steps))]
        draft = entry_form.draft_from_state(
            PREFIX,
            body=prompts.compose_entry_text(prompt_set, answers),
            prompt_set=prompt_set.slug,
            prompt_answers=prompts.answers_as_records(prompt_set, answers),
            dismissed=check.dismissed(PREFIX),
        )
    entry = journal.create_entry(db, user, draft)
    clear_form()
    return entry


def saved_notice(entry: journal.Entry) -> str:
    flagged = entry.flag_count
    return (f"Saved “{ui.escape(entry.display_title)}” to your journal."
            + (f" The language check flagged {flagged} phrase{'s' if flagged != 1 else ''}: open it in the Journal "
               "to review." if flagged else ""))


# --- the page -----------------------------------------------------------------------------------

restore_draft_once()
arrive_with_prompt_set()
st.title("Write")
ui.show_messages(PREFIX)
together.landing(PREFIX, db, user, on_first_weeks=choose_prompt_set)  # next meetings, a newcomer's offers

choices = [FREE_WRITING] + [prompt_set.slug for prompt_set in library.reflection_sets()]
st.session_state.setdefault(PROMPT_SET_KEY, FREE_WRITING)
if st.session_state[PROMPT_SET_KEY] not in choices:
    st.session_state[PROMPT_SET_KEY] = FREE_WRITING
slug = st.selectbox(
    "How would you like to reflect?",
    choices,
    format_func=lambda s: "Free writing" if s == FREE_WRITING else library.sets[s].name,
    key=PROMPT_SET_KEY,
    on_change=lambda: st.session_state.update({STEP_KEY: 0}),
)
chosen = library.sets.get(slug)

if chosen is None:
    if library.reflection_sets():
        day_set, day_step = prompts.prompt_of_the_day(library, date.today())
        st.info(f"**Prompt of the day** ({ui.escape(day_set.name)}): {ui.escape(day_step.prompt)}")
    entry_form.render_fields(PREFIX, user, on_change=keep_draft)
    check_parts, check_texts, check_whole = [check.Part(entry_form.key(PREFIX, "body"))], body_texts(), check.single
else:
    st.caption(f"{ui.escape(chosen.description)}  \n*{ui.escape(chosen.source)}*")
    entry_form.render_fields(PREFIX, user, with_body=False, on_change=keep_draft)
    step_count = len(chosen.steps)
    step_index = min(st.session_state.get(STEP_KEY, 0), step_count - 1)
    step = chosen.steps[step_index]
    st.progress((step_index + 1) / step_count, text=f"Step {step_index + 1} of {step_count}: {ui.escape(step.title)}")
    st.markdown(f"#### {ui.escape(step.title)}\n{ui.escape(step.prompt)}")
    if step.hint:
        st.caption(ui.escape(step.hint))
    text_key = answer_key(chosen.slug, step_index)
    st.session_state.setdefault(text_key, stored_answers().get(text_key, ""))
    st.text_area("Your answer", key=text_key, height=200, on_change=remember_answer, args=(text_key,))
    draft_keeper.keep_typing(user, text_key, on_restore=lambda: remember_answer(text_key))
    back_col, next_col, _ = st.columns([1, 1, 4])
    if back_col.button("← Back", key="write_step_back", disabled=step_index == 0):
        st.session_state[STEP_KEY] = step_index - 1
        keep_draft()
        st.rerun()
    if next_col.button("Next →", key="write_step_next", disabled=step_index == step_count - 1):
        st.session_state[STEP_KEY] = step_index + 1
        keep_draft()
        st.rerun()
    answered = [s.title for i, s in enumerate(chosen.steps) if stored_answers().get(answer_key(chosen.slug, i), "").strip()]
    st.caption(f"Answered {len(answered)} of {step_count} steps. You can save at any step.")
    # The whole entry is checked, every step, as saving will check it.
    check_parts = [check.Part(answer_key(chosen.slug, i), f"Step {i + 1}: {s.title}") for i, s in enumerate(chosen.steps)]
    check_texts = answer_texts()
    check_whole = functools.partial(prompts.composed_entry, chosen)

check.check_panel(PREFIX, check_parts, check_texts, check_whole)
st.divider()
st.button("Save entry", key="write_save", type="primary", on_click=ui.run_action,
          args=(PREFIX, functools.partial(save, chosen), saved_notice))
