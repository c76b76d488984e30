"""Prompts: browse and preview every prompt set, start writing from one, add your own."""

import streamlit as st

from reflection import groups, prompt_store, prompts
from reflection.errors import ReflectionError
from views import _common as ui

user = ui.require_user()
db = ui.db()
library = ui.prompt_library(db, user)

st.title("Prompts")
st.caption("Reflection frameworks for your journal, and the protocols PLC groups use for debriefs.")
for problem in library.errors:
    st.warning(f"A prompt file could not be loaded and is left out: {ui.escape(problem)}")


def start_writing(slug: str) -> None:
    st.session_state["write_prompt_set"] = slug
    st.session_state["write_step"] = 0


def preview(prompt_set: prompts.PromptSet, *, can_write: bool, tab: str) -> None:
    """One set's steps; `tab` keys its button, since a stored set is shown in two tabs."""
    origin = "" if prompt_set.origin == "built-in" else f" · {prompt_set.origin}"
    with st.expander(f"{ui.escape(prompt_set.name)} · {len(prompt_set.steps)} steps{origin}"):
        if prompt_set.description:
            st.markdown(ui.escape(prompt_set.description))
        if prompt_set.when_to_use:
            st.markdown(f"**When to use it:** {ui.escape(prompt_set.when_to_use)}")
        if prompt_set.source:
            st.caption(f"Source: {ui.escape(prompt_set.source)}")
        for number, step in enumerate(prompt_set.steps, start=1):
            timing = " · ".join(part for part in (step.role, f"{step.minutes} min" if step.minutes else "") if part)
            st.markdown(f"**{number}. {ui.escape(step.title)}**" + (f" ({timing})" if timing else ""))
            st.markdown(ui.escape(step.prompt))
            if step.hint:
                st.caption(ui.escape(step.hint))
        if can_write and st.button("Write with this set", key=f"prompts_write_{tab}{prompt_set.slug}",
                                   on_click=start_writing, args=(prompt_set.slug,)):
            st.switch_page("views/write.py")


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
        if item.can_delete and st.button(f"Delete “{ui.escape(item.prompt_set.name)}”", key=f"prompts_delete_{item.id}"):
            try:
                prompt_store.delete_set(db, user, item.id)
                st.rerun()
            except ReflectionError as error:
                ui.show_error(error)
    st.subheader("Add a prompt set")
    st.caption("Facilitators can add a set for their PLC group: every member then finds it on the Write page.")
    with st.form("prompts_new", clear_on_submit=False):
        name = st.text_input("Name", key="prompts_new_name", max_chars=120)
        description = st.text_input("Short description (optional)", key="prompts_new_description", max_chars=300)
        facilitated = {group.id: group.name for group in groups.list_groups(db, user) if group.is_facilitator}
        owner = st.selectbox(
            "For", [None, *facilitated], key="prompts_new_group",
            format_func=lambda group_id: "Me only" if group_id is None else f"My PLC group: {facilitated[group_id]}",
        )
        lines = st.text_area(
            "Prompts, one per line (optionally “Title: prompt”)", key="prompts_new_lines", height=160,
            placeholder="Noticing: What did I notice about who spoke today?\nWhat will I try tomorrow?",
        )
        submitted = st.form_submit_button("Save prompt set")
    if submitted:
        try:
            created = prompt_store.add_set(db, user, name, lines, description=description, group_id=owner)
            st.success(f"Saved “{ui.escape(created.prompt_set.name)}”. It is now in the Write page's list.")
        except (ReflectionError, prompts.PromptFileError) as error:
            ui.show_error(error)
