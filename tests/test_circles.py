import pytest

from reflection import access, account_deletion, circles, debriefs, groups, prompts
from reflection.db import one_row
from reflection.errors import AccessDenied, InvalidInput

DEFICIT = "These kids can't focus and their parents don't care."


@pytest.fixture(scope="module")
def library():
    return prompts.load_library()


@pytest.fixture
def circle(db, make_user):
    """A circle started by a teacher, with a peer who joined by code."""
    first, peer = make_user(), make_user()
    group = circles.create_circle(db, first, "New staff circle")
    groups.join_with_code(db, peer, groups.create_invite_code(db, first, group.id))
    return group, first, peer


def test_any_teacher_starts_a_circle_and_everyone_in_it_is_an_equal(db, circle, make_user):
    group, first, peer = circle
    assert group.is_circle and group.my_role == "member"
    assert {m.role for m in groups.list_members(db, first, group.id)} == {"member"}
    # The peer who joined by code invites too, and nobody can be made a facilitator or be removed.
    third = make_user()
    groups.add_member(db, peer, group.id, third.username)
    with pytest.raises(InvalidInput, match="no facilitators"):
        groups.promote_member(db, first, group.id, peer.id)
    with pytest.raises(AccessDenied):
        groups.remove_member(db, first, group.id, third.id)
    groups.leave_group(db, third, group.id)
    assert [g.name for g in groups.list_groups(db, peer, kind="circle")] == ["New staff circle"]
    assert groups.list_groups(db, peer, kind="plc") == []


def test_a_circle_holds_six_at_most(db, circle, make_user):
    group, first, _ = circle
    for _ in range(4):
        groups.add_member(db, first, group.id, make_user().username)
    code = groups.create_invite_code(db, first, group.id)
    with pytest.raises(InvalidInput, match="already has 6 members"):
        groups.join_with_code(db, make_user(), code)
    with pytest.raises(InvalidInput, match="already has 6 members"):
        groups.add_member(db, first, group.id, make_user().username)
    assert groups.member_count(db, group.id) == 6


def test_an_admin_creates_a_circle_for_someone_and_then_sees_only_that_it_exists(db, circle, make_user, library):
    admin, teacher = make_user("admin"), make_user()
    with pytest.raises(InvalidInput, match="first member"):
        circles.create_circle(db, admin, "Admin's circle")
    made = circles.create_circle(db, admin, "Made by the office", first_member_id=teacher.id)
    assert made.my_role is None and [m.user_id for m in groups.list_members(db, admin, made.id)] == [teacher.id]
    with pytest.raises(InvalidInput, match="You become the first member"):
        circles.create_circle(db, teacher, "Another", first_member_id=admin.id)

    group, first, _ = circle
    checkin = circles.start_checkin(db, first, group.id, library.get("circle_checkin"))
    question = circles.post_question(db, first, group.id, "How do I book the laptop trolley?")
    for reach in (
        lambda: debriefs.get_debrief(db, admin, checkin.id),
        lambda: debriefs.list_notes(db, admin, checkin.id),
        lambda: circles.get_question(db, admin, question.id),
        lambda: circles.post_question(db, admin, group.id, "May I join?"),
        lambda: circles.propose_norms(db, admin, group.id, "We listen."),
        lambda: groups.set_norms(db, admin, group.id, "Set from above."),
        lambda: groups.add_member(db, admin, group.id, admin.username),
        lambda: groups.create_invite_code(db, admin, group.id),
    ):
        with pytest.raises(AccessDenied):
            reach()
    assert debriefs.list_debriefs(db, admin, group.id) == [] and circles.list_questions(db, admin, group.id) == []
    assert "New staff circle" in [g.name for g in groups.list_groups(db, admin, kind="circle")]
    groups.delete_group(db, admin, group.id)  # what stays an admin's: removing it


def test_any_member_runs_a_check_in_and_only_its_starter_deletes_it(db, circle, library, make_user):
    group, first, peer = circle
    loner = make_user()
    alone = circles.create_circle(db, loner, "Just me")
    with pytest.raises(InvalidInput, match="invite at least one colleague"):
        circles.start_checkin(db, loner, alone.id, library.get("circle_checkin"))
    checkin = circles.start_checkin(db, peer, group.id, library.get("circle_checkin"))
    assert checkin.title.startswith("Circle check-in: a win, a puzzle, a question, ") and checkin.presenter_id is None
    debriefs.go_to_step(db, first, checkin.id, 1)  # the other member moves it on
    note = debriefs.add_note(db, first, checkin.id, 1, "Paired reading worked with my Year 7s.")
    with pytest.raises(AccessDenied):  # no facilitator edits someone else's note
        debriefs.update_note(db, peer, note.id, "Changed by someone else.")
    with pytest.raises(AccessDenied):
        debriefs.delete_debrief(db, first, checkin.id)
    debriefs.close_debrief(db, first, checkin.id)
    exported = debriefs.debrief_markdown(db, first, checkin.id)
    assert f"- Started by: {peer.display_name}" in exported and "Presenter" not in exported
    assert "Paired reading worked with my Year 7s." in exported
    debriefs.delete_debrief(db, peer, checkin.id)


def test_norms_are_adopted_once_every_member_agrees(db, circle, make_user):
    group, first, peer = circle
    proposal = circles.propose_norms(db, first, group.id, "We start on time.\nWhat is said here stays here.")
    assert (proposal.proposed_by, proposal.agreed, proposal.waiting_for) == (
        first.display_name, (first.display_name,), (peer.display_name,))
    assert proposal.i_agreed and not circles.norms_proposal(db, peer, group.id).i_agreed
    assert groups.get_group(db, first, group.id).norms == ""  # not yet: the peer has not agreed
    assert circles.agree_to_norms(db, peer, group.id) is None
    assert groups.get_group(db, peer, group.id).norms == "We start on time.\nWhat is said here stays here."
    with pytest.raises(InvalidInput, match="no proposal"):
        circles.agree_to_norms(db, peer, group.id)

    # A new proposal replaces the open one and its agreements.
    third = make_user()
    groups.add_member(db, peer, group.id, third.username)
    circles.propose_norms(db, peer, group.id, "We listen first.")
    circles.agree_to_norms(db, first, group.id)
    circles.propose_norms(db, peer, group.id, "We listen first, then ask.")
    assert circles.norms_proposal(db, first, group.id).waiting_for == tuple(
        sorted((first.display_name, third.display_name)))
    circles.agree_to_norms(db, first, group.id)
    # The one member who had not agreed leaves: the others' agreement carries it.
    groups.leave_group(db, third, group.id)
    assert circles.norms_proposal(db, first, group.id) is None
    assert groups.get_group(db, first, group.id).norms == "We listen first, then ask."
    with pytest.raises(InvalidInput, match="write the norms"):
        circles.propose_norms(db, first, group.id, "  \n ")


def test_norms_of_a_plc_stay_the_facilitators_and_circle_norms_are_not_for_plcs(db, make_user):
    admin, facilitator = make_user("admin"), make_user()
    plc = groups.create_group(db, admin, "Science PLC", facilitator_id=facilitator.id)
    with pytest.raises(InvalidInput, match="not a peer circle"):
        circles.propose_norms(db, facilitator, plc.id, "We start on time.")


def test_questions_and_answers_are_checked_before_they_are_posted(db, circle, make_user):
    group, first, peer = circle
    question = circles.post_question(db, first, group.id, DEFICIT)
    assert question.author_name == first.display_name and question.analysis.flags
    assert circles.check_text(db, peer, group.id, DEFICIT).flags == question.analysis.flags
    answer = circles.answer_question(db, peer, question.id, "Ask the head of year. " + DEFICIT)
    assert answer.analysis.flags and answer.author_name == peer.display_name
    circles.answer_question(db, first, question.id, "Thank you, that helps.")
    [listed] = circles.list_questions(db, peer, group.id)
    assert [a.body for a in listed.answers] == [answer.body, "Thank you, that helps."]
    assert listed.answers[1].analysis.flags == []
    # Phrases the circle allowed are not flagged again.
    db.conn.executemany("INSERT OR IGNORE INTO allowed_phrases (group_id, phrase, created_at) VALUES (?, ?, 't')",
                        [(group.id, flag.text) for flag in question.analysis.flags])
    assert circles.post_question(db, peer, group.id, DEFICIT).analysis.flags == []


@pytest.mark.parametrize("body, message", [
    ("   \n ", "empty"), ("x" * 10_001, "limit is 10,000"), ("<script>alert(1)</script> **bold**", None),
    ("Ça va? 👩🏽‍🏫 \u202e reversed", None),
])
def test_odd_questions_are_refused_or_kept_exactly(db, circle, body, message):
    group, first, _ = circle
    if message:
        with pytest.raises(InvalidInput, match=message):
            circles.post_question(db, first, group.id, body)
        assert circles.list_questions(db, first, group.id) == []
    else:
        assert circles.post_question(db, first, group.id, body).body == body.strip()


def test_outsiders_cannot_read_ask_or_answer_and_only_authors_delete(db, circle, make_user):
    group, first, peer = circle
    outsider, coach = make_user(), make_user("coach")
    question = circles.post_question(db, first, group.id, "Where are the spare whiteboard pens?")
    answer = circles.answer_question(db, peer, question.id, "In the prep room, top drawer.")
    for who in (outsider, coach):
        for reach in (
            lambda who: circles.get_question(db, who, question.id),
            lambda who: circles.answer_question(db, who, question.id, "Me too."),
            lambda who: circles.post_question(db, who, group.id, "Hello?"),
            lambda who: circles.check_text(db, who, group.id, "Hello?"),
            lambda who: circles.delete_answer(db, who, answer.id),
        ):
            with pytest.raises(AccessDenied):
                reach(who)
        assert circles.list_questions(db, who, group.id) == []
    with pytest.raises(AccessDenied):
        circles.delete_question(db, peer, question.id)
    with pytest.raises(AccessDenied):
        circles.delete_answer(db, first, answer.id)
    # A coach is a member only when invited like anyone else.
    groups.add_member(db, peer, group.id, coach.username)
    assert [q.id for q in circles.list_questions(db, coach, group.id)] == [question.id]
    circles.delete_answer(db, peer, answer.id)
    circles.delete_question(db, first, question.id)
    assert circles.list_questions(db, peer, group.id) == []


def test_a_deleted_accounts_questions_stay_with_the_circle(db, circle):
    group, first, peer = circle
    question = circles.post_question(db, first, group.id, "Who runs the reading club?")
    account_deletion.delete_account(db, first, first.username)
    [kept] = circles.list_questions(db, peer, group.id)
    assert (kept.id, kept.author_name, kept.author_id) == (question.id, "former member", None)


def test_welcoming_newcomers_is_any_members_choice(db, circle, make_user):
    group, first, peer = circle
    circles.set_welcomes_newcomers(db, peer, group.id, True)
    assert groups.get_group(db, first, group.id).welcomes_newcomers
    with pytest.raises(AccessDenied):
        circles.set_welcomes_newcomers(db, make_user("admin"), group.id, False)
    assert access.allowed(db, first, "edit", "group", one_row(db, "SELECT * FROM groups WHERE id = ?", [group.id]))
