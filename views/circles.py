"""Peer circles: small groups of equals who meet on a rhythm, check in, agree norms and ask each other."""

from __future__ import annotations

import functools

import streamlit as st

from reflection import circles, debriefs, groups
from reflection.errors import InvalidInput, ReflectionError
from views import _common as ui, _debrief_runner, _entry_form as entry_form, _together as together

PAGE = "circles"  # the page's widget keys and message slot
CHECKIN_PROTOCOL = "circle_checkin"
GROUP_KEY = "circles_group"  # the circle on screen (its select box)

user = ui.require_user()
db = ui.db()
act = functools.partial(ui.run_action, PAGE)
runner = _debrief_runner.Runner(PAGE, db, user, noun="check-in", address="checkin")

st.title("Peer circles")
st.caption(f"A circle is two to {groups.MAX_CIRCLE_MEMBERS} colleagues who meet as equals: no facilitator, "
           "no supervisor. Anyone in it starts a check-in, invites, and proposes norms the circle agrees on.")


def join_and_start() -> None:
    join_col, start_col = st.columns(2)
    with join_col.expander("Join a circle with an invite code", key="circles_join_expander", on_change="rerun"):
        st.text_input("Invite code", key="circles_join_code")
        st.button("Join", key="circles_join", on_click=act, args=(
            lambda: groups.join_with_code(db, user, st.session_state["circles_join_code"]),
            "Welcome to the circle.", ("circles_join_code",)))
    if user.is_admin:  # admins create circles for someone on the Admin page
        return
    with start_col.expander("Start a circle", key="circles_start_expander", on_change="rerun"):
        st.caption("You will be its first member; then invite a few colleagues.")
        st.text_input("Circle name", key="circles_new_name", max_chars=groups.MAX_GROUP_NAME_CHARS)

        def start() -> None:
            circle = circles.create_circle(db, user, st.session_state["circles_new_name"])
            st.session_state[GROUP_KEY] = circle.id

        st.button("Start circle", key="circles_start", on_click=act,
                  args=(start, "Circle started. Invite colleagues from its Members & norms tab.", ("circles_new_name",)))


def checked_post(label: str, text_key: str, noun: str, check, post, notice: str) -> None:
    """A box whose text is checked for deficit language before it is posted; flagged text waits, with
    its flags shown, until the writer edits it or chooses to post it as it is."""
    state = st.session_state
    held_key = f"{text_key}_held"
    st.text_area(label, key=text_key, height=90)

    def check_then_post() -> None:
        text = state.get(text_key, "")
        analysis = check(text)
        if analysis.flags:
            state[held_key] = (text, analysis)
            raise InvalidInput(f"The language check found words worth a second look in your {noun} (below). "
                               "Edit them, or post it as it is.")
        post(text)
        state.pop(held_key, None)

    def post_as_it_is() -> None:
        post(state[held_key][0])
        state.pop(held_key, None)

    st.button("Check and post", key=f"{text_key}_post", on_click=act, args=(check_then_post, notice, (text_key,)))
    held = state.get(held_key)
    if held and held[0] == state.get(text_key):
        entry_form.show_stored_flags(held[0], held[1], heading="Before you post", say_when_clean=False)
        st.button("Post as it is", key=f"{text_key}_post_anyway", on_click=act, args=(post_as_it_is, notice, (text_key,)))


def questions_tab(circle: groups.Group) -> None:
    st.caption("Ask the circle anything you would like help with; any member answers. "
               "Questions and answers are checked for deficit language before they are posted.")
    checked_post("Your question", "circles_question", "question",
                 lambda text: circles.check_text(db, user, circle.id, text),
                 lambda text: circles.post_question(db, user, circle.id, text), "Question posted.")
    for question in circles.list_questions(db, user, circle.id):
        with st.container(border=True):
            st.markdown(f"**{ui.escape(question.body)}**  \n*— {ui.escape(question.author_name)}, "
                        f"{question.created_at[:10]}*")
            entry_form.show_stored_flags(question.body, question.analysis, say_when_clean=False)
            for answer in question.answers:
                st.markdown(f"↳ {ui.escape(answer.body)}  \n*— {ui.escape(answer.author_name)}*")
                entry_form.show_stored_flags(answer.body, answer.analysis, say_when_clean=False)
                if answer.author_id == user.id:
                    st.button("Delete my answer", key=f"circles_answer_delete_{answer.id}", on_click=act,
                              args=(lambda a=answer: circles.delete_answer(db, user, a.id), "Answer deleted."))
            with st.expander("Answer"):
                checked_post("Your answer", f"circles_answer_{question.id}", "answer",
                             lambda text: circles.check_text(db, user, circle.id, text, "answer"),
                             lambda text, q=question: circles.answer_question(db, user, q.id, text), "Answer posted.")
            if question.author_id == user.id:
                st.button("Delete my question", key=f"circles_question_delete_{question.id}", on_click=act,
                          args=(lambda q=question: circles.delete_question(db, user, q.id), "Question deleted."))


def members_tab(circle: groups.Group, members: list[groups.Member]) -> None:
    st.markdown("**Members:** " + ", ".join(
        ui.escape(m.display_name) + (" · *new this year*" if m.new_this_year else "") for m in members))
    room = groups.MAX_CIRCLE_MEMBERS - len(members)
    st.caption(f"{room} place{'s' if room != 1 else ''} left." if room else "The circle is full.")
    if room:
        together.invite_tools(PAGE, db, user, circle)
    st.toggle("Offer this circle to colleagues new this year", value=circle.welcomes_newcomers,
              key="circles_welcomes", on_change=lambda: act(
                  lambda: circles.set_welcomes_newcomers(db, user, circle.id, st.session_state["circles_welcomes"]),
                  "Saved."))
    norms_section(circle)
    with st.expander("Leave this circle"):
        st.caption("You will lose access to its check-ins and questions. What you wrote stays with the circle.")
        st.button("Leave circle", key="circles_leave", on_click=act,
                  args=(lambda: groups.leave_group(db, user, circle.id), "You left the circle."))


def norms_section(circle: groups.Group) -> None:
    st.markdown("**Our norms**  \n" + (ui.escape(circle.norms) if circle.norms else "*No norms agreed yet.*"))
    proposal = circles.norms_proposal(db, user, circle.id)
    if proposal is not None:
        with st.container(border=True):
            st.markdown(f"**Proposed by {ui.escape(proposal.proposed_by)}**  \n{ui.escape(proposal.body)}")
            st.caption(f"Agreed: {', '.join(map(ui.escape, proposal.agreed)) or 'nobody yet'} · waiting for: "
                       f"{', '.join(map(ui.escape, proposal.waiting_for))}")
            if not proposal.i_agreed:
                st.button("I agree", key="circles_norms_agree", type="primary", on_click=act, args=(
                    lambda: circles.agree_to_norms(db, user, circle.id), "Thank you: your agreement is recorded."))
    with st.expander("Propose norms", key="circles_norms_expander", on_change="rerun"):
        st.caption("They become the circle's norms once every member has agreed. The norms-setting "
                   "check-in walks the circle through writing them.")
        st.session_state.setdefault("circles_norms_text", circle.norms)
        st.text_area("Norms, one per line", key="circles_norms_text", max_chars=groups.MAX_NORMS_CHARS)
        st.button("Propose", key="circles_norms_propose", on_click=act, args=(
            lambda: circles.propose_norms(db, user, circle.id, st.session_state["circles_norms_text"]),
            "Norms proposed. They are adopted once every member agrees."))


def meet_tab(circle: groups.Group, members: list[groups.Member]) -> None:
    together.rhythm_panel(PAGE, db, user, circle)
    st.markdown("**Start a check-in**")
    protocols = {p.slug: p for p in ui.prompt_library(db, user).protocols()}
    slugs = sorted(protocols, key=lambda s: (s != CHECKIN_PROTOCOL, protocols[s].name.casefold()))
    protocol_col, start_col = st.columns([3, 1], vertical_alignment="bottom")
    protocol_col.selectbox("Protocol", slugs, format_func=lambda s: protocols[s].name, key="circles_protocol")

    def start() -> None:
        checkin = circles.start_checkin(db, user, circle.id, protocols[st.session_state["circles_protocol"]])
        runner.open(checkin.id)

    start_col.button("Start check-in", key="circles_start_checkin", type="primary",
                     disabled=len(members) < circles.MIN_MEMBERS_TO_MEET,
                     on_click=act, args=(start, "Check-in started."))
    if len(members) < circles.MIN_MEMBERS_TO_MEET:
        st.caption("A check-in is a round among peers: invite at least one colleague first.")
    checkins = debriefs.list_debriefs(db, user, circle.id)
    st.markdown("**Check-ins**")
    if not checkins:
        st.caption("No check-ins yet.")
    for checkin in checkins:
        with st.container(border=True):
            text_col, open_col = st.columns([5, 1])
            status = "open" if checkin.is_open else f"closed {checkin.closed_at[:10]}"
            text_col.markdown(f"**{ui.escape(checkin.title)}**  \nstarted by {ui.escape(checkin.facilitator_name)} · "
                              f"{status}")
            open_col.button("Open", key=f"circles_open_{checkin.id}", on_click=runner.open, args=(checkin.id,))


ui.show_messages(PAGE)
join_and_start()
together.newcomer_circles(PAGE, db, user)
my_circles = [c for c in groups.list_groups(db, user, kind="circle") if c.my_role is not None]
if not my_circles:
    st.info("You are not in a circle yet. " + ("Administrators create circles for their first member on the Admin "
                                               "page." if user.is_admin else
                                               "Start one and invite a few colleagues, or join with an invite code."))
    st.stop()

circles_by_id = {c.id: c for c in my_circles}
if st.session_state.get(GROUP_KEY) not in circles_by_id:
    st.session_state[GROUP_KEY] = my_circles[0].id
circle_id = st.selectbox("Circle", list(circles_by_id), format_func=lambda i: circles_by_id[i].name,
                         key=GROUP_KEY)
current = circles_by_id[circle_id]
circle_members = groups.list_members(db, user, current.id)

open_checkin = None
if (open_id := runner.opened_id()) is not None:
    try:
        open_checkin = debriefs.get_debrief(db, user, open_id)
    except ReflectionError as error:
        runner.open(None)
        ui.show_error(error)

if open_checkin is not None and open_checkin.group_id == current.id:
    runner.run(open_checkin, current, circle_members,
               after_steps=lambda checkin: together.norms_outcome(PAGE, db, user, current, checkin))
else:
    # Keyed, so the open tab survives reruns in which the elements above it change (a notice comes or goes).
    meet, questions, people = st.tabs(["Meet", "Questions", "Members & norms"], key="circles_tab", on_change="rerun")
    with meet:
        meet_tab(current, circle_members)
    with questions:
        questions_tab(current)
    with people:
        members_tab(current, circle_members)
