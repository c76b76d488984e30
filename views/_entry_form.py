"""The entry fields and the language-check panel, shared by the Write page and editing in the Journal."""

from __future__ import annotations

import html
from datetime import date

import streamlit as st

from reflection import config, journal, language, text_cleaning
from reflection.accounts import User
from views import _common as ui, _draft_keeper as draft_keeper

MOODS = {None: "Not set", 1: "1 · drained", 2: "2 · low", 3: "3 · okay", 4: "4 · good", 5: "5 · energised"}
FIELDS = ("title", "class_period", "taught_on", "mood", "tags", "body")


def key(prefix: str, field: str) -> str:
    return f"{prefix}_{field}"


def ensure_defaults(prefix: str, values: dict | None = None) -> None:
    """Fill missing widget state once, so widgets never get both a default and a session value."""
    defaults = {"title": "", "class_period": "", "taught_on": date.today(), "mood": None, "tags": "", "body": ""}
    defaults.update(values or {})
    for field in FIELDS:
        st.session_state.setdefault(key(prefix, field), defaults[field])


def load_into_state(prefix: str, entry: journal.Entry) -> None:
    values = {
        "title": entry.title,
        "class_period": entry.class_period,
        "taught_on": entry.taught_on,
        "mood": entry.mood,
        "tags": ", ".join(entry.tags),
        "body": entry.body,
    }
    for field, value in values.items():
        st.session_state[key(prefix, field)] = value


def render_fields(prefix: str, user: User, *, with_body: bool = True, on_change=None,
                  storage_name: str | None = None) -> None:
    """The entry's fields; the body is kept in the browser as it is typed (views/_draft_keeper.py), under
    `storage_name` when one key serves several entries."""
    ensure_defaults(prefix)
    title_col, period_col, date_col, mood_col = st.columns([3, 2, 2, 2])
    title_col.text_input("Title (optional)", key=key(prefix, "title"), max_chars=journal.MAX_TITLE_CHARS, on_change=on_change)
    period_col.text_input(
        "Class / period", key=key(prefix, "class_period"), max_chars=journal.MAX_CLASS_PERIOD_CHARS,
        placeholder="e.g. Period 3, Year 8 science", on_change=on_change,
    )
    date_col.date_input("Taught on", key=key(prefix, "taught_on"), on_change=on_change)
    mood_col.selectbox("Mood", list(MOODS)[1:], format_func=MOODS.get, key=key(prefix, "mood"), on_change=on_change,
                       placeholder=MOODS[None])
    if with_body:
        render_body(prefix, user, on_change=on_change, storage_name=storage_name)
    st.text_input("Tags (comma separated)", key=key(prefix, "tags"), placeholder="e.g. group work, belonging", on_change=on_change)


def render_body(prefix: str, user: User, *, label: str = "Your reflection", on_change=None,
                storage_name: str | None = None) -> None:
    # No max_chars: an over-long text stays in the box and saving explains the limit instead.
    st.text_area(label, key=key(prefix, "body"), height=260, on_change=on_change)
    draft_keeper.keep_typing(user, key(prefix, "body"), storage_name=storage_name, on_restore=on_change)
    typed = st.session_state.get(key(prefix, "body"), "")
    length = len(text_cleaning.stored_body(typed))
    if length > config.MAX_ENTRY_CHARS:
        grown = " once saved (some characters become two or three)" if length > len(typed) else ""
        st.warning(f"{length:,} characters{grown}: over the {config.MAX_ENTRY_CHARS:,} limit. Shorten it to save.")


def draft_from_state(prefix: str, *, body: str | None = None, prompt_set: str | None = None,
                     prompt_answers: list[dict] | None = None, dismissed=()) -> journal.EntryDraft:
    state = st.session_state
    return journal.EntryDraft(
        body=state.get(key(prefix, "body"), "") if body is None else body,
        title=state.get(key(prefix, "title"), ""),
        class_period=state.get(key(prefix, "class_period"), ""),
        mood=state.get(key(prefix, "mood")),
        tags=text_cleaning.parse_tags(state.get(key(prefix, "tags"), "")),
        taught_on=state.get(key(prefix, "taught_on")),
        prompt_set=prompt_set,
        prompt_answers=prompt_answers,
        dismissed=dismissed,
    )


def highlighted_html(text: str, flags: list[language.Flag]) -> str:
    """The text with flagged spans marked; every piece of user text is escaped."""
    pieces, position = [], 0
    for flag in sorted(flags, key=lambda f: f.start):
        if flag.start < position:
            continue
        pieces.append(html.escape(text[position:flag.start]))
        label = f"{language.CATEGORY_LABELS.get(flag.category, flag.category)} ({flag.certainty})"
        # Likely flags are filled, "worth a look" ones only underlined: told apart by shape, not colour alone.
        style = ("background:#ffe8a3;border-radius:3px;padding:0 2px" if flag.certainty == "likely"
                 else "background:none;border-bottom:2px dashed #8a5a00;padding:0 1px")
        pieces.append(
            f'<mark title="{html.escape(label)}" style="{style}">'
            f"{html.escape(text[flag.start:flag.end])}</mark>"
        )
        position = flag.end
    pieces.append(html.escape(text[position:]))
    return f'<div style="white-space:pre-wrap;line-height:1.6">{"".join(pieces)}</div>'


def describe_flag(flag: language.Flag) -> None:
    label = language.CATEGORY_LABELS.get(flag.category, flag.category)
    if flag.origin == "model":
        found_by = f"{flag.certainty.capitalize()} · found by the learned check (score {flag.confidence:.2f})"
    else:
        found_by = "Likely · found by a rule"
    st.markdown(f"**“{ui.escape(flag.text)}”** · {label}  \n:small[{found_by}]")
    st.markdown(f"{ui.escape(flag.explanation)}  \n*Source: {ui.escape(flag.source)}*")
    if flag.suggestion:
        st.markdown(f"Suggested rewrite: **{ui.escape(flag.suggestion)}**")
    if flag.alternatives:
        st.markdown("Other ways to say it: " + "; ".join(f"“{ui.escape(a)}”" for a in flag.alternatives))
    if flag.question:
        st.markdown(f"Ask yourself: *{ui.escape(flag.question)}*")


def show_stored_flags(text: str, analysis: language.Analysis | None, heading: str = "Language check",
                      *, say_when_clean: bool = True, on_allow=None, key_prefix: str = "") -> None:
    """Flags saved with a text (an entry, a shared copy, a debrief note), read-only.

    `on_allow(phrase)`, when given, adds an "allow for the group" button under each flag, keyed by
    `key_prefix` so the buttons keep their identity across reruns.
    """
    if analysis is None:
        return
    flags = analysis.flags
    if not flags:
        if say_when_clean:
            st.caption(f"{heading}: nothing flagged.")
        return
    with st.expander(f"{heading}: {len(flags)} phrase{'s' if len(flags) != 1 else ''} to reconsider"):
        st.html(highlighted_html(text, flags))
        for flag in flags:
            describe_flag(flag)
            if on_allow is not None:
                st.button("Allow this phrase for the group", key=f"{key_prefix}_allow_{flag.start}",
                          on_click=on_allow, args=(flag.text,))
