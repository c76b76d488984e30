"""Prompts: browse and preview every prompt set, start writing from one, add your own."""

import functools

import streamlit as st

from reflection import groups, prompt_store, prompts
from reflection.errors import InvalidInput
from views import _common as ui

PAGE = "prompts"  # the page's widget keys and message slot
NEW_SET_KEYS = ("prompts_new_name", "prompts_new_description", "prompts_new_lines")

user = ui.require_user()
db = ui.db()
library = ui.prompt_library(db, user)
act = functools.partial(ui.run_action, PAGE)
state = st.session_state

st.title("Prompts")
st.caption("Reflection frameworks for your journal, and the protocols PLC groups use for debriefs.")
ui.show_messages(PAGE)
for problem in library.errors:
    st.warning(f"A prompt file could not be loaded and is left out: {ui.escape(problem)}")


def preview(prompt_set: prompts.PromptSet, *, can_write: bool, tab: str) -> None:
    """One set's steps; `tab` keys its button, since a stored set is shown in two tabs."""
    origin = "" if prompt_set.origin == "built-in" else f" · {prompt_set.origin}"
    with st.expander(f"{ui.escape(prompt_set.name)} · {len(prompt_set.steps)} steps{origin}"):
        if prompt_set.description:
            st.text(prompt_set.description)
        if prompt_set.when_to_use:
            st.markdown(f"**When to use it:** {ui.escape(prompt_set.when_to_use)}")
        if prompt_set.source:
            st.caption(f"Source: {ui.escape(prompt_set.source)}")
        for number, step in enumerate(prompt_set.steps, start=1):
            timing = " · ".join(part for part in (step.role, f"{step.minutes} min" if step.minutes else "") if part)
            st.markdown(f"**{number}. {ui.escape(step.title)}**" + (f" ({timing})" if timing else ""))
            st.text(step.prompt)
            if step.hint:
                st.caption(ui.escape(step.hint))
        if can_write and st.button("Write with this set", key=f"prompts_write_{tab}{prompt_set.slug}"):
            ui.write_with(prompt_set.slug)


reflect_tab, protocol_tab, own_tab = st.tabs(["Reflection frameworks", "PLC protocols", "My prompt sets"])
with reflect_tab:
    for prompt_set in library.reflection_sets():
        preview(prompt_set, can_write=True, tab="")
with protocol_tab:
    st.caption("Facilitators start a debrief from one of these on the PLC debriefs page.")
    for prompt_set in library.protocols():
        preview(prompt_set, can_write=False, tab="")
with own_tab:
    stored = prompt_store.stored_sets(db, user)
    if not stored:
        st.info("You have no prompt sets of your own yet. Write one below: one prompt per line.")
    for item in stored:
        preview(item.prompt_set, can_write=True, tab="own_")
        if item.can_delete:
            st.button(f"Delete “{ui.escape(item.prompt_set.name)}”", key=f"prompts_delete_{item.id}", on_click=act,
                      args=(lambda i=item: prompt_store.delete_set(db, user, i.id),
                            f"Deleted “{ui.escape(item.prompt_set.name)}”."))
    st.subheader("Add a prompt set")
    st.caption("Facilitators can add a set for their PLC group: every member then finds it on the Write page.")


    def add_set() -> prompt_store.StoredSet:
        name, description, lines = (state[key] for key in NEW_SET_KEYS)
        try:
            return prompt_store.add_set(db, user, name, lines, description=description,
                                        group_id=state["prompts_new_group"])
        except prompts.PromptFileError as error:  # a set that does not parse: said like any refusal
            raise InvalidInput(str(error)) from None

    with st.form("prompts_new"):
        st.text_input("Name", key="prompts_new_name", max_chars=120)
        st.text_input("Short description (optional)", key="prompts_new_description", max_chars=300)
        facilitated = {group.id: group.name for group in groups.list_groups(db, user) if group.is_facilitator}
        st.selectbox(
            "For", [None, *facilitated], key="prompts_new_group",
            format_func=lambda group_id: "Me only" if group_id is None else f"My PLC group: {facilitated[group_id]}",
        )
        st.text_area(
            "Prompts, one per line (optionally “Title: prompt”)", key="prompts_new_lines", height=160,
            placeholder="Noticing: What did I notice about who spoke today?\nWhat will I try tomorrow?",
        )
        st.form_submit_button("Save prompt set", on_click=act, args=(
            add_set, lambda created: f"Saved “{ui.escape(created.prompt_set.name)}”. It is now in the Write page's list."))
