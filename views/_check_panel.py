"""The language-check panel wherever people write: the Write page (free or guided), editing in the
Journal, a debrief note and a coach's comment before they are posted.

A text can have several parts (the steps of a guided entry): each is checked, and its flags are shown
under its own title, so the check covers exactly what saving will store. Dismissals are kept in
`<prefix>_dismissed` as (category, words) pairs; the page saves them with its entry, so a dismissed
flag stays dismissed through every later check, rewrite and save.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st

from reflection import allowed_phrases, check_pool, language
from reflection.errors import InvalidInput
from views import _common as ui, _entry_form as entry_form


@dataclass(frozen=True)
class Part:
    key: str  # where the text lives in session state (a widget key, or a key the page reads)
    title: str = ""  # shown above the part's flags when there are several parts


@dataclass(frozen=True)
class Texts:
    """How the page reads and writes its texts; guided answers of steps not on screen live outside widgets."""

    read: Callable[[str], str]
    write: Callable[[str, str], None]


# Given the parts' texts: the whole text checked and saved, and for each part the shift that maps its
# characters into the whole (None for a part left out). See prompts.composed_entry.
Whole = Callable[[list[str]], tuple[str, list[int | None]]]


def widget_texts() -> Texts:
    """Texts that are plain widgets on screen."""
    return Texts(read=lambda key: st.session_state.get(key, ""), write=st.session_state.__setitem__)


def dismissed(prefix: str) -> list[list[str]]:
    return st.session_state.setdefault(f"{prefix}_dismissed", [])


def set_dismissed(prefix: str, pairs) -> None:
    st.session_state[f"{prefix}_dismissed"] = [list(pair) for pair in pairs]


def forget(prefix: str) -> None:
    """Drop the last check and the dismissals, when the form they belong to is cleared or closed."""
    for name in ("check", "dismissed", "check_error", "check_notice"):
        st.session_state.pop(f"{prefix}_{name}", None)


def _messages(prefix: str) -> str:
    """The panel's message slot for `ui.run_action` (`<prefix>_check_notice`, `<prefix>_check_error`)."""
    return f"{prefix}_check"


def single(texts: list[str]) -> tuple[str, list[int | None]]:
    return texts[0], [0]


def run_check(prefix: str, parts: list[Part], texts: Texts, whole: Whole = single) -> None:
    """The check button: a text too long to check is refused with a message, and stays as typed."""
    ui.run_action(_messages(prefix), lambda: _check(prefix, parts, texts, whole), None)


def _check(prefix: str, parts: list[Part], texts: Texts, whole: Whole) -> None:
    """Check the whole text once, as saving will (a phrase can read differently beside its neighbours)."""
    typed = [texts.read(part.key) for part in parts]
    text, shifts = whole(typed)
    analysis = check_pool.analyse(text, allowed_phrases.allowed_phrases(ui.db(), ui.current_user()))
    st.session_state[f"{prefix}_check"] = {
        "texts": dict(zip((part.key for part in parts), typed)), "analysis": analysis.to_dict(), "shifts": shifts}


def _flags_by_part(parts: list[Part], typed: list[str], analysis: language.Analysis,
                   shifts: list[int | None]) -> list[list[language.Flag]]:
    """Each flag under the part it lies in, with offsets into that part's own text."""
    by_part: list[list[language.Flag]] = [[] for _ in parts]
    for flag in analysis.flags:
        for index, shift in enumerate(shifts):
            if shift is not None and shift <= flag.start and flag.end - shift <= len(typed[index]):
                by_part[index].append(replace(flag, start=flag.start - shift, end=flag.end - shift))
                break
    return by_part


def _apply(prefix: str, parts: list[Part], texts: Texts, whole: Whole, part_key: str, flag_data: dict) -> None:
    def apply() -> None:
        try:
            rewritten = language.apply_suggestion(texts.read(part_key), language.Flag.from_dict(flag_data))
        except ValueError:
            raise InvalidInput("The text changed since the check; please check again.") from None
        texts.write(part_key, rewritten)
        _check(prefix, parts, texts, whole)

    ui.run_action(_messages(prefix), apply, None)


def _dismiss(prefix: str, flag_data: dict) -> None:
    dismissed(prefix).append([flag_data["category"], flag_data["text"]])


def _allow(prefix: str, parts: list[Part], texts: Texts, whole: Whole, phrase: str) -> None:
    def allow() -> None:  # refused on a full or read-only disk, or with too many allowed phrases
        allowed_phrases.allow_phrase(ui.db(), ui.current_user(), phrase)
        _check(prefix, parts, texts, whole)

    ui.run_action(_messages(prefix), allow,
                  f"“{ui.escape(phrase)}” will not be flagged for you again (see Account to undo).")


def check_panel(prefix: str, parts: list[Part], texts: Texts | None = None, whole: Whole = single, *,
                label: str = "Check my language", metrics: bool = True) -> None:
    texts = texts or widget_texts()
    context = (prefix, parts, texts, whole)
    st.button(label, key=f"{prefix}_check_button", on_click=run_check, args=context)
    ui.show_messages(_messages(prefix))
    checked = st.session_state.get(f"{prefix}_check")
    typed = [texts.read(part.key) for part in parts]
    if not checked or list(checked["texts"]) != [part.key for part in parts]:
        return
    if list(checked["texts"].values()) != typed:
        st.info("You have edited the text since the last check. Check again to update the suggestions.")
        return
    analysis = allowed_phrases.without_dismissed(language.Analysis.from_dict(checked["analysis"]), dismissed(prefix))
    if metrics:
        columns = st.columns(4)
        columns[0].metric("Words", analysis.word_count)
        columns[1].metric("Sentences", analysis.sentence_count)
        columns[2].metric("Grade level", "–" if analysis.grade_level is None else f"{analysis.grade_level:.1f}")
        columns[3].metric("Reading ease", "–" if analysis.reading_ease is None else f"{analysis.reading_ease:.0f}")
    if not any(text.strip() for text in typed):
        return
    if not analysis.flags:
        st.success("Nothing flagged. Your language reads as strengths-based.")
        return
    total = len(analysis.flags)
    st.markdown(f"**{total} phrase{'s' if total != 1 else ''} to reconsider**")
    number = 0  # buttons are numbered across parts, so each keeps its key across reruns
    for part, text, flags in zip(parts, typed, _flags_by_part(parts, typed, analysis, checked["shifts"])):
        if not flags:
            continue
        if len(parts) > 1:
            st.markdown(f"##### {ui.escape(part.title)}")
        st.html(entry_form.highlighted_html(text, flags))
        for flag in flags:
            _flag_box(context, part.key, flag, number)
            number += 1


def _flag_box(context: tuple, part_key: str, flag: language.Flag, number: int) -> None:
    prefix, parts, texts, whole = context
    flag_data = flag.to_dict()
    with st.container(border=True):
        entry_form.describe_flag(flag)
        apply_col, dismiss_col, allow_col = st.columns(3)
        # Without a grammatical rewrite, the alternatives and the question above are the help.
        if flag.suggestion:
            apply_col.button("Apply rewrite", key=f"{prefix}_apply_{number}", on_click=_apply,
                             args=(*context, part_key, flag_data))
        dismiss_col.button("Dismiss", key=f"{prefix}_dismiss_{number}", on_click=_dismiss, args=(prefix, flag_data),
                           help="Not flagged again in this text; other texts are still checked.")
        allow_col.button("Allow this phrase for me", key=f"{prefix}_allow_{number}", on_click=_allow,
                         args=(*context, flag.text))
