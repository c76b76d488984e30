"""Write: free writing or a guided prompt set, a language check with strengths-based rewrites, save."""

from __future__ import annotations

from datetime import date

import streamlit as st

from views import _common as ui
from views import _draft_keeper as draft_keeper
from views import _entry_form as entry_form
from views import _together as together
from reflection import check_pool, drafts, journal, language, prompts
from reflection.errors import ReflectionError

PREFIX = "write"
FREE_WRITING = ""

user = ui.require_user()
db = ui.db()
library = ui.prompt_library(db, user)


def answer_key(slug: str, index: int) -> str:
    return f"write_answer_{slug}_{index}"


def stored_answers() -> dict[str, str]:
    """Answers by widget key. Streamlit forgets a widget's value while it is not on screen, so the
    answers of steps not shown live here, outside widget state."""
    return st.session_state.setdefault("write_answers", {})


def remember_answer(text_key: str) -> None:
    stored_answers()[text_key] = st.session_state.get(text_key, "")
    keep_draft()


def draft_state() -> dict:
    """Everything typed on this page, as JSON-safe values."""
    state = st.session_state
    data = {field: state.get(entry_form.key(PREFIX, field)) for field in entry_form.FIELDS}
    if isinstance(data["taught_on"], date):
        data["taught_on"] = data["taught_on"].isoformat()
    data["prompt_set"] = state.get("write_prompt_set", FREE_WRITING)
    data["step"] = state.get("write_step", 0)
    data["answers"] = {name: value for name, value in stored_answers().items() if value}
    return data


def keep_draft() -> None:
    try:
        drafts.save_draft(db, user, draft_state())
    except ReflectionError as error:
        # The text is still in the form; saying why the draft is not kept is enough.
        st.session_state["write_error"] = str(error)


def restore_draft_once() -> None:
    if st.session_state.get("write_restored"):
        return
    st.session_state["write_restored"] = True
    saved = drafts.load_draft(db, user)
    if not saved:
        return
    values = {field: saved.get(field) for field in entry_form.FIELDS if saved.get(field) is not None}
    if "taught_on" in values:
        values["taught_on"] = date.fromisoformat(values["taught_on"])
    entry_form.ensure_defaults(PREFIX, values)
    if saved.get("prompt_set") in library.sets:
        st.session_state.setdefault("write_prompt_set", saved["prompt_set"])
        st.session_state.setdefault("write_step", saved.get("step", 0))
    stored_answers().update(saved.get("answers", {}))
    # Only when something typed came back: a draft of an untouched form is no news.
    typed = [saved.get(field) for field in ("title", "class_period", "tags", "body")] + list(saved.get("answers", {}).values())
    if any(isinstance(text, str) and text.strip() for text in typed):
        st.session_state["write_notice"] = "Your unsaved draft is back where you left it."


def clear_form() -> None:
    for name in list(st.session_state):
        if name.startswith(("write_answer", "write_check")) or name in (
            entry_form.key(PREFIX, field) for field in entry_form.FIELDS
        ):
            del st.session_state[name]
    st.session_state["write_step"] = 0
    draft_keeper.emptied(entry_form.key(PREFIX, "body"))
    drafts.clear_draft(db, user)


# --- the language check -------------------------------------------------------------------------

def run_check(text_key: str) -> None:
    text = st.session_state.get(text_key, "")
    analysis = check_pool.analyse(text, journal.allowed_phrases(db, user))
    st.session_state["write_check"] = {"key": text_key, "text": text, "analysis": analysis.to_dict(), "dismissed": []}


def apply_flag(text_key: str, flag_data: dict) -> None:
    flag = language.Flag.from_dict(flag_data)
    try:
        st.session_state[text_key] = language.apply_suggestion(st.session_state.get(text_key, ""), flag)
    except ValueError:
        st.session_state["write_check_error"] = "The text changed since the check; please check again."
        return
    run_check(text_key)
    if text_key.startswith("write_answer_"):
        remember_answer(text_key)
    else:
        keep_draft()


def dismiss_flag(flag_data: dict) -> None:
    st.session_state["write_check"]["dismissed"].append([flag_data["start"], flag_data["text"]])


def allow_flag_phrase(text_key: str, phrase: str) -> None:
    try:
        journal.allow_phrase(db, user, phrase)
    except ReflectionError as error:  # a full or read-only disk, or too many allowed phrases
        st.session_state["write_check_error"] = str(error)
        return
    st.session_state["write_check_notice"] = (
        f"“{ui.escape(phrase)}” will not be flagged for you again (see Account to undo).")
    run_check(text_key)


def check_panel(text_key: str) -> None:
    st.button("Check my language", key="write_check_button", on_click=run_check, args=(text_key,))
    for notice_key, show in (("write_check_error", st.warning), ("write_check_notice", st.info)):
        message = st.session_state.pop(notice_key, None)
        if message:
            show(message)
    result = st.session_state.get("write_check")
    if not result or result["key"] != text_key:
        return
    text = st.session_state.get(text_key, "")
    if result["text"] != text:
        st.info("You have edited the text since the last check. Check again to update the suggestions.")
        return
    analysis = language.Analysis.from_dict(result["analysis"])
    dismissed = {tuple(item) for item in result["dismissed"]}
    flags = [flag for flag in analysis.flags if (flag.start, flag.text) not in dismissed]
    metrics = st.columns(4)
    metrics[0].metric("Words", analysis.word_count)
    metrics[1].metric("Sentences", analysis.sentence_count)
    metrics[2].metric("Grade level", "–" if analysis.grade_level is None else f"{analysis.grade_level:.1f}")
    metrics[3].metric("Reading ease", "–" if analysis.reading_ease is None else f"{analysis.reading_ease:.0f}")
    if not text.strip():
        return
    if not flags:
        st.success("Nothing flagged. Your language reads as strengths-based.")
        return
    st.markdown(f"**{len(flags)} phrase{'s' if len(flags) != 1 else ''} to reconsider**")
    st.html(entry_form.highlighted_html(text, flags))
    for index, flag in enumerate(flags):
        flag_data = flag.to_dict()
        with st.container(border=True):
            entry_form.describe_flag(flag)
            apply_col, dismiss_col, allow_col = st.columns(3)
            # Without a grammatical rewrite, the alternatives and the question above are the help.
            if flag.suggestion:
                apply_col.button("Apply rewrite", key=f"write_apply_{index}", on_click=apply_flag,
                                 args=(text_key, flag_data))
            dismiss_col.button("Dismiss once", key=f"write_dismiss_{index}", on_click=dismiss_flag, args=(flag_data,))
            allow_col.button("Allow this phrase for me", key=f"write_allow_{index}", on_click=allow_flag_phrase,
                             args=(text_key, flag.text))


# --- saving -------------------------------------------------------------------------------------

def save(prompt_set: prompts.PromptSet | None) -> None:
    if prompt_set is None:
        draft = entry_form.draft_from_state(PREFIX)
    else:
        answers = [stored_answers().get(answer_key(prompt_set.slug, i), "") for i in range(len(prompt_set.steps))]
        draft = entry_form.draft_from_state(
            PREFIX,
            body=prompts.compose_entry_text(prompt_set, answers),
            prompt_set=prompt_set.slug,
            prompt_answers=prompts.answers_as_records(prompt_set, answers),
        )
    try:
        entry = journal.create_entry(db, user, draft)
    except ReflectionError as error:
        st.session_state["write_error"] = str(error)
        return
    clear_form()
    flagged = entry.flag_count
    st.session_state["write_notice"] = (
        f"Saved “{ui.escape(entry.display_title)}” to your journal."
        + (f" The language check flagged {flagged} phrase{'s' if flagged != 1 else ''}: open it in the Journal to review."
           if flagged else "")
    )


# --- the page -----------------------------------------------------------------------------------

restore_draft_once()
st.title("Write")
notice = st.session_state.pop("write_notice", None)
if notice:
    st.success(notice)
together.landing(db, user)  # next meetings of the user's groups, a newcomer's offers

choices = [FREE_WRITING] + [prompt_set.slug for prompt_set in library.reflection_sets()]
st.session_state.setdefault("write_prompt_set", FREE_WRITING)
if st.session_state["write_prompt_set"] not in choices:
    st.session_state["write_prompt_set"] = FREE_WRITING
slug = st.selectbox(
    "How would you like to reflect?",
    choices,
    format_func=lambda s: "Free writing" if s == FREE_WRITING else library.sets[s].name,
    key="write_prompt_set",
    on_change=lambda: st.session_state.update(write_step=0),
)
chosen = library.sets.get(slug)

if chosen is None:
    if library.reflection_sets():
        day_set, day_step = prompts.prompt_of_the_day(library, date.today())
        st.info(f"**Prompt of the day** ({ui.escape(day_set.name)}): {ui.escape(day_step.prompt)}")
    entry_form.render_fields(PREFIX, user, on_change=keep_draft)
    text_key = entry_form.key(PREFIX, "body")
else:
    st.caption(f"{ui.escape(chosen.description)}  \n*{ui.escape(chosen.source)}*")
    entry_form.render_fields(PREFIX, user, with_body=False, on_change=keep_draft)
    step_count = len(chosen.steps)
    step_index = min(st.session_state.get("write_step", 0), step_count - 1)
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
        st.session_state["write_step"] = step_index - 1
        keep_draft()
        st.rerun()
    if next_col.button("Next →", key="write_step_next", disabled=step_index == step_count - 1):
        st.session_state["write_step"] = step_index + 1
        keep_draft()
        st.rerun()
    answered = [s.title for i, s in enumerate(chosen.steps) if stored_answers().get(answer_key(chosen.slug, i), "").strip()]
    st.caption(f"Answered {len(answered)} of {step_count} steps. You can save at any step.")

check_panel(text_key)
st.divider()
st.button("Save entry", key="write_save", type="primary", on_click=save, args=(chosen,))
error = st.session_state.pop("write_error", None)
if error:
    st.error(error)
