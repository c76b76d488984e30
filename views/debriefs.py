"""PLC debriefs: your groups, their norms and members, and protocol debriefs with notes and action items."""

from __future__ import annotations

import functools

import streamlit as st

from views import _check_panel as check
from views import _common as ui
from views import _entry_form as entry_form
from reflection import groups, journal, sharing
from reflection.errors import ReflectionError

user = ui.require_user()
db = ui.db()

st.title("PLC debriefs")


act = functools.partial(ui.run_action, "debriefs")
show_messages = functools.partial(ui.show_messages, "debriefs")


def open_debrief(debrief_id: int | None) -> None:
    ui.set_opened("debrief", debrief_id)


def join_and_create() -> None:
    join_col, create_col = st.columns(2)
    with join_col.expander("Join a group with an invite code"):
        st.text_input("Invite code", key="debriefs_join_code")
        st.button(
            "Join", key="debriefs_join",
            on_click=act, args=(lambda: groups.join_with_code(db, user, st.session_state["debriefs_join_code"]),
                                "Welcome to the group.", ("debriefs_join_code",)),
        )
    if groups.may_create_groups(db, user) and not user.is_admin:  # admins create groups on the Admin page
        with create_col.expander("Start a new group"):
            st.caption("You will be its facilitator.")
            st.text_input("Group name", key="debriefs_new_group", max_chars=groups.MAX_GROUP_NAME_CHARS)
            st.button(
                "Create group", key="debriefs_create_group",
                on_click=act, args=(lambda: groups.create_group(db, user, st.session_state["debriefs_new_group"]),
                                    "Group created.", ("debriefs_new_group",)),
            )


def show_group(group: groups.Group, members: list[groups.Member]) -> None:
    st.subheader(ui.escape(group.name))
    st.markdown("**Norms**  \n" + (ui.escape(group.norms) if group.norms else "*No norms written yet.*"))
    names = [f"{ui.escape(m.display_name)}" + (" · facilitator" if m.role == "facilitator" else "") for m in members]
    st.markdown("**Members:** " + ", ".join(names))
    with st.expander("Leave this group"):
        st.caption("You will lose access to its debriefs. Notes you wrote stay with the group.")
        st.button(
            "Leave group", key="debriefs_leave",
            on_click=act, args=(lambda: groups.leave_group(db, user, group.id), "You left the group."),
        )


def facilitator_tools(group: groups.Group, members: list[groups.Member]) -> None:
    # Keyed, so it stays open through the actions taken inside it (its content changes with each).
    with st.expander("Facilitator tools", key="debriefs_facilitator_tools", on_change="rerun"):
        invite_col, code_col = st.columns(2)
        invite_col.text_input("Add an account by username", key="debriefs_invite_username")
        invite_col.button(
            "Add member", key="debriefs_invite",
            on_click=act, args=(lambda: groups.add_member(db, user, group.id, st.session_state["debriefs_invite_username"]),
                                "Member added.", ("debriefs_invite_username",)),
        )

        def new_code() -> None:
            st.session_state["debriefs_code"] = groups.create_invite_code(db, user, group.id)

        code_col.button("Create a one-time invite code", key="debriefs_new_code",
                        on_click=act, args=(new_code, "Invite code created: it works once."))
        if code := st.session_state.get("debriefs_code"):
            code_col.code(code, language=None)

        st.markdown("**Members**")
        for member in members:
            if member.user_id == user.id:
                continue
            name_col, promote_col, remove_col = st.columns([3, 1, 1])
            name_col.markdown(f"{ui.escape(member.display_name)} · {member.role}")
            if member.role == "member":
                promote_col.button(
                    "Make facilitator", key=f"debriefs_promote_{member.user_id}",
                    on_click=act, args=(lambda m=member: groups.promote_member(db, user, group.id, m.user_id),
                                        f"{ui.escape(member.display_name)} is now a facilitator."),
                )
            remove_col.button(
                "Remove", key=f"debriefs_remove_{member.user_id}",
                on_click=act, args=(lambda m=member: groups.remove_member(db, user, group.id, m.user_id),
                                    f"{ui.escape(member.display_name)} was removed from the group."),
            )

        norms_key = f"debriefs_norms_{group.id}"
        st.session_state.setdefault(norms_key, group.norms)
        st.text_area("Group norms", key=norms_key, height=120)
        st.button("Save norms", key="debriefs_save_norms",
                  on_click=act, args=(lambda: groups.set_norms(db, user, group.id, st.session_state[norms_key]),
                                      "Norms saved."))
        start_debrief_form(group, members)


def start_debrief_form(group: groups.Group, members: list[groups.Member]) -> None:
    st.markdown("**Start a debrief**")
    protocols = {p.slug: p for p in ui.prompt_library(db, user).protocols()}
    slug = st.selectbox("Protocol", list(protocols), format_func=lambda s: protocols[s].name, key="debriefs_protocol")
    if slug:
        chosen = protocols[slug]
        total = sum(step.minutes or 0 for step in chosen.steps)
        st.caption(f"{ui.escape(chosen.description)} {len(chosen.steps)} steps, about {total} minutes.")
    title_col, presenter_col = st.columns(2)
    title_col.text_input("Title", key="debriefs_title", placeholder="e.g. Lab report unit, week 3")
    by_id = {m.user_id: m for m in members}
    presenter_col.selectbox("Presenter", list(by_id), format_func=lambda i: by_id[i].display_name,
                            key="debriefs_presenter")

    def start() -> None:
        debrief = groups.start_debrief(db, user, group.id, protocols[st.session_state["debriefs_protocol"]],
                                       st.session_state["debriefs_title"], st.session_state["debriefs_presenter"])
        open_debrief(debrief.id)

    st.button("Start debrief", key="debriefs_start", type="primary",
              on_click=act, args=(start, "Debrief started.", ("debriefs_title",)))


def debrief_list(group: groups.Group) -> None:
    debriefs = groups.list_debriefs(db, user, group.id)
    st.subheader("Debriefs")
    if not debriefs:
        st.info("No debriefs yet." + (" Start one from the facilitator tools." if group.is_facilitator else ""))
    for debrief in debriefs:
        with st.container(border=True):
            text_col, open_col, export_col = st.columns([5, 1, 1])
            status = "open" if debrief.is_open else f"closed {debrief.closed_at[:10]}"
            text_col.markdown(
                f"**{ui.escape(debrief.title)}**  \n{ui.escape(debrief.protocol_name)} · "
                f"presenter {ui.escape(debrief.presenter_name)} · started {debrief.started_at[:10]} · {status}"
            )
            open_col.button("Open", key=f"debriefs_open_{debrief.id}", on_click=open_debrief, args=(debrief.id,))
            if not debrief.is_open:
                export_button(debrief, export_col, key=f"debriefs_export_{debrief.id}")


def export_button(debrief: groups.Debrief, where, key: str) -> None:
    where.download_button(
        "Export", groups.debrief_markdown(db, user, debrief.id), file_name=f"debrief-{debrief.id}.md",
        mime="text/markdown", key=key,
    )


def show_note(note: groups.Note, debrief: groups.Debrief, group: groups.Group) -> None:
    with st.container(border=True):
        editing_key = f"debriefs_note_edit_{note.id}"
        if st.session_state.get("debriefs_editing") == note.id:
            st.session_state.setdefault(editing_key, note.body)
            st.text_area("Edit note", key=editing_key)
            save_col, cancel_col, _ = st.columns([1, 1, 4])

            def save() -> None:
                groups.update_note(db, user, note.id, st.session_state[editing_key])
                st.session_state.pop("debriefs_editing", None)
                st.session_state.pop(editing_key, None)

            save_col.button("Save", key=f"debriefs_note_save_{note.id}", on_click=act, args=(save, "Note saved."))
            cancel_col.button("Cancel", key=f"debriefs_note_cancel_{note.id}",
                              on_click=lambda: st.session_state.pop("debriefs_editing", None))
            return
        st.markdown(f"{ui.escape(note.body)}  \n*— {ui.escape(note.author_name)}*")
        allow_for_group = None
        if debrief.is_open and group.is_facilitator:
            def allow_for_group(phrase: str) -> None:
                act(lambda: journal.allow_phrase(db, user, phrase, group_id=group.id),
                    f"“{ui.escape(phrase)}” is now allowed for everyone in the group.")
        entry_form.show_stored_flags(note.body, note.analysis, say_when_clean=False,
                                     on_allow=allow_for_group, key_prefix=f"debriefs_note_{note.id}")
        if debrief.is_open and groups.may(db, user, "edit", "note", note):
            edit_col, delete_col, _ = st.columns([1, 1, 4])
            edit_col.button("Edit", key=f"debriefs_note_editbtn_{note.id}",
                            on_click=lambda: st.session_state.update(debriefs_editing=note.id))
            delete_col.button("Delete", key=f"debriefs_note_delete_{note.id}",
                              on_click=act, args=(lambda: groups.delete_note(db, user, note.id), "Note deleted."))


def step_header(debrief: groups.Debrief) -> None:
    step = debrief.step
    st.progress((debrief.current_step + 1) / len(debrief.steps),
                text=f"Step {debrief.current_step + 1} of {len(debrief.steps)}")
    # Protocols can come from group-written prompt sets, so their text is escaped like any user text.
    st.subheader(ui.escape(step.title))
    st.markdown(f"**Who speaks:** {ui.escape(step.role)} · **Suggested:** {step.minutes} min")
    st.markdown(ui.escape(step.prompt))
    if step.hint:
        st.caption(ui.escape(step.hint))
    step_timer(debrief)


@st.fragment(run_every=30)
def step_timer(debrief: groups.Debrief) -> None:
    """Redrawn every 30 seconds on its own, so the clock moves without rerunning the page."""
    clock = groups.step_clock(debrief)
    left = (f"{-clock.remaining_minutes} min over time" if clock.overtime
            else f"{clock.remaining_minutes} min left")
    st.info(f"⏱ {clock.elapsed_minutes} min elapsed of {clock.suggested_minutes} min suggested · {left}")


def facilitator_controls(debrief: groups.Debrief) -> None:
    back_col, next_col, close_col, _ = st.columns([1, 1, 1, 3])
    back_col.button("← Back", key="debriefs_prev", disabled=debrief.current_step == 0,
                    on_click=act, args=(lambda: groups.go_to_step(db, user, debrief.id, debrief.current_step - 1),
                                        "Moved back a step."))
    next_col.button("Next step →", key="debriefs_next", disabled=debrief.current_step >= len(debrief.steps) - 1,
                    on_click=act, args=(lambda: groups.go_to_step(db, user, debrief.id, debrief.current_step + 1),
                                        "On to the next step."))
    # Closing cannot be undone, so it asks first instead of sitting one click away beside "Next step".
    close_col.button("Close debrief…", key="debriefs_close",
                     on_click=lambda: st.session_state.update(debriefs_confirm_close=debrief.id))
    if st.session_state.get("debriefs_confirm_close") != debrief.id:
        return
    st.warning("Close this debrief for everyone? Notes and action items become read-only; this cannot be undone.")
    yes_col, no_col, _ = st.columns([1, 1, 3])

    def close() -> None:
        st.session_state.pop("debriefs_confirm_close", None)
        groups.close_debrief(db, user, debrief.id)

    yes_col.button("Yes, close it", key="debriefs_close_confirm", type="primary", on_click=act,
                   args=(close, "Debrief closed. It is read-only now; action items can still be ticked."))
    no_col.button("Keep it open", key="debriefs_close_cancel",
                  on_click=lambda: st.session_state.pop("debriefs_confirm_close", None))


def notes_section(debrief: groups.Debrief, group: groups.Group) -> None:
    notes = groups.list_notes(db, user, debrief.id)
    if debrief.is_open:
        st.markdown("**Notes for this step**")
        for note in (n for n in notes if n.step_index == debrief.current_step):
            show_note(note, debrief, group)
        st.text_area("Add a note", key="debriefs_note_body", placeholder="Everyone in the group can read notes.")

        typed = st.session_state.get("debriefs_note_body", "")
        names = sharing.names_in_text(typed) if typed.strip() else []
        if names:
            st.checkbox("Hide names: " + ", ".join(f"{ui.escape(n)} as {sharing.replacement_for(n, 'initials')}"
                                                    for n in names),
                        value=True, key="debriefs_note_hide_names")
            if st.session_state["debriefs_note_hide_names"]:
                st.caption("The group will read: " + ui.escape(sharing.with_initials(typed, names)))

        def post() -> None:
            body = st.session_state["debriefs_note_body"]
            if names and st.session_state.get("debriefs_note_hide_names", True):
                body = sharing.with_initials(body, names)
            groups.add_note(db, user, debrief.id, debrief.current_step, body)
            check.forget("debriefs_note")

        # Only the writer sees this check; posting does not wait for it.
        check.check_panel("debriefs_note", [check.Part("debriefs_note_body")], label="Check before you post",
                          metrics=False)
        st.button("Add note", key="debriefs_add_note",
                  on_click=act, args=(post, "Note added.", ("debriefs_note_body",)))
        earlier = [n for n in notes if n.step_index != debrief.current_step]
        if earlier:
            with st.expander(f"Notes from other steps ({len(earlier)})"):
                for note in earlier:
                    st.caption(ui.escape(debrief.steps[note.step_index].title))
                    show_note(note, debrief, group)
        return
    for index, step in enumerate(debrief.steps):
        step_notes = [n for n in notes if n.step_index == index]
        st.markdown(f"**{index + 1}. {ui.escape(step.title)}**" + ("" if step_notes else " · no notes"))
        for note in step_notes:
            show_note(note, debrief, group)


def action_items_section(debrief: groups.Debrief, members: list[groups.Member]) -> None:
    st.markdown("**Action items**")
    items = groups.list_action_items(db, user, debrief.id)
    if not items:
        st.caption("No action items yet.")
    for item in items:
        done_col, text_col, delete_col = st.columns([1, 6, 1])

        def toggle(item: groups.ActionItem = item) -> None:
            done = st.session_state[f"debriefs_item_done_{item.id}"]
            act(lambda: groups.set_action_item_done(db, user, item.id, done), "Action item updated.")

        done_col.checkbox("Done", value=item.done, key=f"debriefs_item_done_{item.id}", on_change=toggle,
                          disabled=not groups.may(db, user, "complete", "action_item", item))
        due = f" · due {item.due_on.isoformat()}" if item.due_on else ""
        text_col.markdown(f"{ui.escape(item.text)}  \n*{ui.escape(item.owner_name)}{due}*")
        if debrief.is_open and groups.may(db, user, "delete", "action_item", item):
            delete_col.button("Delete", key=f"debriefs_item_delete_{item.id}",
                              on_click=act, args=(lambda i=item: groups.delete_action_item(db, user, i.id),
                                                  "Action item deleted."))
    if not debrief.is_open:
        return
    by_id = {m.user_id: m for m in members}
    text_col, owner_col, due_col = st.columns([3, 2, 2])
    text_col.text_input("New action item", key="debriefs_item_text", max_chars=groups.MAX_ACTION_TEXT_CHARS)
    owner_col.selectbox("Owner", list(by_id), format_func=lambda i: by_id[i].display_name, key="debriefs_item_owner")
    due_col.date_input("Due (optional)", value=None, key="debriefs_item_due")

    def add_item() -> None:
        state = st.session_state
        groups.add_action_item(db, user, debrief.id, state["debriefs_item_text"], state["debriefs_item_owner"],
                               state["debriefs_item_due"])
        state["debriefs_item_due"] = None  # each item gets its own date, or none

    st.button("Add action item", key="debriefs_item_add",
              on_click=act, args=(add_item, "Action item added.", ("debriefs_item_text",)))


def run_debrief(debrief: groups.Debrief, group: groups.Group, members: list[groups.Member]) -> None:
    st.button("← All debriefs", key="debriefs_back", on_click=open_debrief, args=(None,))
    st.header(ui.escape(debrief.title))
    st.caption(
        f"{ui.escape(debrief.protocol_name)} · presenter {ui.escape(debrief.presenter_name)} · "
        f"facilitator {ui.escape(debrief.facilitator_name)} · "
        + ("open" if debrief.is_open else f"closed {debrief.closed_at[:10]} · read-only")
    )
    if debrief.is_open:
        step_header(debrief)
        if group.is_facilitator:
            facilitator_controls(debrief)
    else:
        export_button(debrief, st, key="debriefs_export")
    notes_section(debrief, group)
    action_items_section(debrief, members)


show_messages()
join_and_create()
my_groups = [group for group in groups.list_groups(db, user) if group.my_role is not None]
if not my_groups:
    st.info("You are not in a PLC group yet. Ask your facilitator to add you, or for an invite code.")
    st.stop()

groups_by_id = {group.id: group for group in my_groups}
group_id = st.selectbox("Group", list(groups_by_id), format_func=lambda i: groups_by_id[i].name, key="debriefs_group")
current_group = groups_by_id[group_id]
group_members = groups.list_members(db, user, current_group.id)

open_id = ui.opened("debrief")
current_debrief = None
if open_id is not None:
    try:
        current_debrief = groups.get_debrief(db, user, open_id)
    except ReflectionError as error:
        open_debrief(None)
        ui.show_error(error)

if current_debrief is not None and current_debrief.group_id == current_group.id:
    run_debrief(current_debrief, current_group, group_members)
else:
    show_group(current_group, group_members)
    if current_group.is_facilitator:
        facilitator_tools(current_group, group_members)
    debrief_list(current_group)
