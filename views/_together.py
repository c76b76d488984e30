"""What the group pages share: a group's meeting rhythm with its calendar file, saving norms at the end
of a norms-setting protocol, and the notes shown where people land after signing in (next meetings,
quiet notes, a newcomer's offers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import streamlit as st

from reflection import circles, debriefs, groups, newcomers, rhythm
from reflection.accounts import User
from views import _common as ui


def _meeting_of(db, user: User, group_id: int) -> rhythm.Upcoming | None:
    return next((m for m in rhythm.upcoming_meetings(db, user) if m.rhythm.group_id == group_id), None)


def _default_zone(current: rhythm.Rhythm | None) -> str:
    """The group's zone, else the browser's, else UTC."""
    zones = rhythm.time_zones()
    for zone in (current.timezone if current else None, st.context.timezone, "UTC"):
        if zone in zones:
            return zone
    return zones[0]


def rhythm_panel(page: str, db, user: User, group: groups.Group) -> None:
    """The next meeting, the calendar file and (for those who lead) the form that sets the rhythm."""
    st.markdown("**Meeting rhythm**")
    meeting = _meeting_of(db, user, group.id)
    current = meeting.rhythm if meeting else None
    if meeting is None:
        st.caption("No meeting rhythm yet." + (" Set one below, so everyone sees the next meeting." if group.leads
                                                else ""))
    else:
        st.markdown(f"{current.describe()}.  \nNext meeting: **{rhythm.when(meeting.starts_at)}**")
        if meeting.quiet_note:
            st.caption(f":material/schedule: {ui.escape(meeting.quiet_note)}")
        st.download_button("Add to my calendar (.ics)", rhythm.calendar_file(db, user, group.id),
                           file_name=rhythm.calendar_file_name(current), mime="text/calendar",
                           key=f"{page}_calendar", icon=":material/calendar_add_on:")
    if not group.leads:
        return
    with st.expander("Set the meeting rhythm" if current is None else "Change the meeting rhythm",
                     key=f"{page}_rhythm_expander", on_change="rerun"):
        cadence_col, minutes_col = st.columns(2)
        cadence_col.selectbox("How often", list(rhythm.CADENCES), format_func=rhythm.CADENCES.get,
                              index=list(rhythm.CADENCES).index(current.cadence) if current else 0,
                              key=f"{page}_rhythm_cadence")
        minutes_col.number_input("Minutes", min_value=5, max_value=rhythm.MAX_MINUTES, step=5,
                                 value=current.minutes if current else rhythm.DEFAULT_MINUTES,
                                 key=f"{page}_rhythm_minutes")
        date_col, time_col, zone_col = st.columns(3)
        date_col.date_input("First meeting", value=current.starts_on if current else date.today(),
                            key=f"{page}_rhythm_starts_on", help="Its weekday (and, monthly, its week) repeats.")
        time_col.time_input("Time", value=current.meets_at if current else time(15, 30), step=300,
                            key=f"{page}_rhythm_time")
        zones = rhythm.time_zones()
        zone_col.selectbox("Time zone", zones, index=zones.index(_default_zone(current)), key=f"{page}_rhythm_zone")
        state = st.session_state
        st.button("Save rhythm", key=f"{page}_rhythm_save", on_click=ui.run_action, args=(
            page,
            lambda: rhythm.set_rhythm(db, user, group.id, state[f"{page}_rhythm_cadence"],
                                      state[f"{page}_rhythm_starts_on"], state[f"{page}_rhythm_time"],
                                      state[f"{page}_rhythm_zone"], int(state[f"{page}_rhythm_minutes"])),
            "Meeting rhythm saved. Download the calendar file again to update your calendar.",
        ))


def invite_tools(page: str, db, user: User, group: groups.Group) -> None:
    """Add an account by username, or make a one-time invite code (a PLC's facilitators, any circle member)."""
    invite_col, code_col = st.columns(2)
    invite_col.text_input("Add an account by username", key=f"{page}_invite_username")
    invite_col.button("Add member", key=f"{page}_invite", on_click=ui.run_action, args=(
        page, lambda: groups.add_member(db, user, group.id, st.session_state[f"{page}_invite_username"]),
        "Member added.", (f"{page}_invite_username",)))

    def new_code() -> None:
        st.session_state[f"{page}_code"] = groups.create_invite_code(db, user, group.id)

    code_col.button("Create a one-time invite code", key=f"{page}_new_code",
                    on_click=ui.run_action, args=(page, new_code, "Invite code created: it works once."))
    if code := st.session_state.get(f"{page}_code"):
        code_col.code(code, language=None)


def norms_outcome(page: str, db, user: User, group: groups.Group, debrief: debriefs.Debrief) -> None:
    """On the last step of a norms-setting protocol: write the norms and save them (a PLC's facilitator)
    or put them to the circle, which adopts them once every member agrees."""
    if debrief.outcome != "norms" or debrief.current_step != len(debrief.steps) - 1:
        return
    if not (group.is_circle or group.is_facilitator):
        st.caption("The facilitator saves the norms the group agrees on here.")
        return
    key = f"{page}_outcome_norms_{debrief.id}"
    st.session_state.setdefault(key, group.norms)
    st.text_area("Our norms, one per line", key=key, height=140, max_chars=groups.MAX_NORMS_CHARS)
    if group.is_circle:
        st.button("Propose these norms to the circle", key=f"{page}_outcome_propose", type="primary",
                  on_click=ui.run_action, args=(page, lambda: circles.propose_norms(db, user, group.id,
                                                                                    st.session_state[key]),
                                                "Norms proposed. They are adopted once every member agrees."))
    else:
        st.button("Save as our norms", key=f"{page}_outcome_save", type="primary",
                  on_click=ui.run_action, args=(page, lambda: groups.set_norms(db, user, group.id, st.session_state[key]),
                                                "Norms saved for the group."))


def landing(page: str, db, user: User, on_first_weeks: Callable[[str], None]) -> None:
    """Next meetings and quiet notes of the user's groups, and a newcomer's offers; nothing when empty.
    `on_first_weeks(slug)` is how the page chooses the first-weeks prompt set (its own session keys)."""
    for meeting in rhythm.upcoming_meetings(db, user):
        kind = "circle" if meeting.group_kind == "circle" else "PLC"
        st.markdown(f":material/event: Next meeting of your {kind} **{ui.escape(meeting.rhythm.group_name)}**: "
                    f"{rhythm.when(meeting.starts_at)}")
        if meeting.quiet_note:
            st.caption(ui.escape(meeting.quiet_note))
    if not newcomers.is_newcomer(db, user):
        return
    with st.container(border=True, key=f"{page}_newcomer"):
        st.markdown("**Welcome: you are new here this year.** Everyone starts outside, and belonging takes time. "
                    "A few peers to meet with regularly help most.")
        st.button("Try the first-weeks reflection", key=f"{page}_first_weeks", on_click=on_first_weeks,
                  args=(newcomers.FIRST_WEEKS_PROMPT_SET,))
        newcomer_circles(page, db, user)


def newcomer_circles(page: str, db, user: User) -> None:
    """For a newcomer: the circles that welcome them and have room, each with a button to join."""
    for circle in newcomers.circles_open_to(db, user):
        name_col, join_col = st.columns([4, 1], vertical_alignment="center")
        name_col.markdown(f"Peer circle **{ui.escape(circle.name)}** welcomes newcomers · {circle.members} of "
                          f"{groups.MAX_CIRCLE_MEMBERS} places taken")
        join_col.button("Join", key=f"{page}_join_circle_{circle.id}", on_click=ui.run_action,
                        args=(page, lambda c=circle: newcomers.join_open_circle(db, user, c.id),
                              f"You joined {ui.escape(circle.name)}. It is on the Peer circles page."))
