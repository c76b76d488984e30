"""PLC debriefs: your groups, their norms and members, and protocol debriefs with notes and action items."""

from __future__ import annotations

import functools

import streamlit as st

from reflection import debriefs, groups, newcomers
from reflection.errors import ReflectionError
from views import _common as ui, _debrief_runner, _together as together

user = ui.require_user()
db = ui.db()

st.title("PLC debriefs")


act = functools.partial(ui.run_action, "debriefs")
show_messages = functools.partial(ui.show_messages, "debriefs")
runner = _debrief_runner.Runner("debriefs", db, user)
open_debrief = runner.open


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
    together.rhythm_panel("debriefs", db, user, group)
    with st.expander("Leave this group"):
        st.caption("You will lose access to its debriefs. Notes you wrote stay with the group.")
        st.button(
            "Leave group", key="debriefs_leave",
            on_click=act, args=(lambda: groups.leave_group(db, user, group.id), "You left the group."),
        )


def facilitator_tools(group: groups.Group, members: list[groups.Member]) -> None:
    # Keyed, so it stays open through the actions taken inside it (its content changes with each).
    with st.expander("Facilitator tools", key="debriefs_facilitator_tools", on_change="rerun"):
        together.invite_tools("debriefs", db, user, group)

        st.markdown("**Members**")
        for member in members:
            if member.user_id == user.id:
                continue
            name_col, new_col, promote_col, remove_col = st.columns([3, 1, 1, 1])
            name_col.markdown(f"{ui.escape(member.display_name)} · {member.role}"
                              + (" · new this year" if member.new_this_year else ""))
            new_col.button(
                "Not new" if member.new_this_year else "New this year", key=f"debriefs_newcomer_{member.user_id}",
                help="Newcomers are offered a peer circle to join and the first-weeks reflection.",
                on_click=act, args=(lambda m=member: newcomers.mark_newcomer(db, user, m.user_id, not m.new_this_year),
                                    f"Saved for {ui.escape(member.display_name)}."),
            )
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
        debrief = debriefs.start_debrief(db, user, group.id, protocols[st.session_state["debriefs_protocol"]],
                                         st.session_state["debriefs_title"], st.session_state["debriefs_presenter"])
        open_debrief(debrief.id)

    st.button("Start debrief", key="debriefs_start", type="primary",
              on_click=act, args=(start, "Debrief started.", ("debriefs_title",)))


def debrief_list(group: groups.Group) -> None:
    group_debriefs = debriefs.list_debriefs(db, user, group.id)
    st.subheader("Debriefs")
    if not group_debriefs:
        st.info("No debriefs yet." + (" Start one from the facilitator tools." if group.is_facilitator else ""))
    for debrief in group_debriefs:
        with st.container(border=True):
            text_col, open_col, export_col = st.columns([5, 1, 1])
            status = "open" if debrief.is_open else f"closed {debrief.closed_at[:10]}"
            text_col.markdown(
                f"**{ui.escape(debrief.title)}**  \n{ui.escape(debrief.protocol_name)} · "
                f"presenter {ui.escape(debrief.presenter_name)} · started {debrief.started_at[:10]} · {status}"
            )
            open_col.button("Open", key=f"debriefs_open_{debrief.id}", on_click=open_debrief, args=(debrief.id,))
            if not debrief.is_open:
                runner.export_button(debrief, export_col, key=f"debriefs_export_{debrief.id}")


show_messages()
join_and_create()
my_groups = [group for group in groups.list_groups(db, user, kind="plc") if group.my_role is not None]
if not my_groups:
    st.info("You are not in a PLC group yet. Ask your facilitator to add you, or for an invite code.")
    st.stop()

groups_by_id = {group.id: group for group in my_groups}
group_id = st.selectbox("Group", list(groups_by_id), format_func=lambda i: groups_by_id[i].name, key="debriefs_group")
current_group = groups_by_id[group_id]
group_members = groups.list_members(db, user, current_group.id)

open_id = runner.opened_id()
current_debrief = None
if open_id is not None:
    try:
        current_debrief = debriefs.get_debrief(db, user, open_id)
    except ReflectionError as error:
        open_debrief(None)
        ui.show_error(error)

if current_debrief is not None and current_debrief.group_id == current_group.id:
    runner.run(current_debrief, current_group, group_members,
               after_steps=lambda debrief: together.norms_outcome("debriefs", db, user, current_group, debrief))
else:
    show_group(current_group, group_members)
    if current_group.is_facilitator:
        facilitator_tools(current_group, group_members)
    debrief_list(current_group)
