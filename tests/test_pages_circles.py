"""AppTest runs of the Peer circles page, the rhythm and newcomer notes on the Write page, and the Admin
page's circle and newcomer controls, signed in as each person in turn."""

from datetime import date, time

from test_pages_together import click, open_page, shown

from reflection import circles, debriefs, groups, newcomers, prompts, rhythm
from views._common import escape

CIRCLES = "views/circles.py"
FLAGGED = "My low kids never try."


def test_a_teacher_starts_a_circle_invites_a_peer_and_sets_its_rhythm(app_test, db, make_user):
    first, peer = make_user(), make_user()
    at = open_page(app_test, first, CIRCLES)
    assert "You are not in a circle yet." in shown(at)
    at.text_input(key="circles_new_name").input("Science newcomers")
    click(at, "circles_start")
    [group] = groups.list_groups(db, first, kind="circle")
    assert group.name == "Science newcomers" and at.button(key="circles_start_checkin").disabled
    at.text_input(key="circles_invite_username").input(peer.username)
    click(at, "circles_invite")
    assert "Member added." in shown(at)
    at.selectbox(key="circles_rhythm_cadence").set_value("fortnightly")
    at.date_input(key="circles_rhythm_starts_on").set_value(date(2030, 1, 8))
    at.time_input(key="circles_rhythm_time").set_value(time(16, 0))
    at.selectbox(key="circles_rhythm_zone").set_value("Europe/Paris")
    click(at, "circles_rhythm_save")
    assert "Meeting rhythm saved." in shown(at)
    assert "Every two weeks on Tuesdays at 16:00 (Europe/Paris), 45 minutes" in shown(at)
    assert "Next meeting: **Tuesday 8 January at 16:00 (Europe/Paris)**" in shown(at)
    # The peer sees the next meeting where they land after signing in.
    landing = app_test(peer).run()
    assert not landing.exception, landing.exception
    assert "Next meeting of your circle **Science newcomers**: Tuesday 8 January at 16:00 (Europe/Paris)" in shown(landing)


def test_any_member_runs_a_check_in_from_start_to_close(app_test, db, circle):
    group, first, peer = circle
    at = open_page(app_test, peer, CIRCLES)
    assert at.selectbox(key="circles_protocol").value == "circle_checkin"
    click(at, "circles_start_checkin")
    assert "Check-in started." in shown(at) and "started by " + peer.display_name in shown(at)
    other = open_page(app_test, first, CIRCLES)
    [checkin] = debriefs.list_debriefs(db, first, group.id)
    click(other, f"circles_open_{checkin.id}")
    assert other.query_params["checkin"] == str(checkin.id)  # the open check-in lives in the URL
    click(other, "circles_next")
    other.text_area(key="circles_note_body").input("Exit tickets told me who needed a second example.")
    click(other, "circles_add_note")
    click(other, "circles_close")  # closing asks first, as a PLC debrief's does
    assert debriefs.get_debrief(db, peer, checkin.id).is_open and "cannot be undone" in str(other.warning[0].value)
    click(other, "circles_close_confirm")
    assert "Check-in closed." in shown(other)
    [note] = debriefs.list_notes(db, peer, checkin.id)
    assert (note.step_index, note.author_id) == (1, first.id)


def test_a_check_in_note_gets_the_writers_own_check_and_hides_names_like_a_debrief_note(app_test, db, circle):
    group, first, peer = circle
    checkin = circles.start_checkin(db, first, group.id, prompts.load_library().get("circle_checkin"))
    at = app_test(peer)
    at.query_params["checkin"] = checkin.id  # a copied link opens the check-in
    at.switch_page(CIRCLES).run()
    at.text_area(key="circles_note_body").input("Amara led the warm-up. " + FLAGGED).run()
    click(at, "circles_note_check_button")
    assert "to reconsider" in shown(at) and debriefs.list_notes(db, first, checkin.id) == []
    assert at.checkbox(key="circles_note_hide_names").value
    assert "The group will read: A. led the warm-up. My low kids never try." in shown(at).replace("\\", "")
    click(at, "circles_add_note")
    assert [note.body for note in debriefs.list_notes(db, first, checkin.id)] == ["A. led the warm-up. My low kids never try."]


def test_a_flagged_question_waits_until_its_writer_edits_it_or_posts_it_as_it_is(app_test, db, circle):
    group, first, peer = circle
    at = open_page(app_test, first, CIRCLES)
    at.text_area(key="circles_question").input(FLAGGED)
    click(at, "circles_question_post")
    assert "worth a second look in your question" in shown(at)
    assert circles.list_questions(db, first, group.id) == [] and at.text_area(key="circles_question").value == FLAGGED
    click(at, "circles_question_post_anyway")
    assert "Question posted." in shown(at)
    [question] = circles.list_questions(db, peer, group.id)
    assert question.body == FLAGGED and question.analysis.flags

    peer_at = open_page(app_test, peer, CIRCLES)
    peer_at.text_area(key=f"circles_answer_{question.id}").input("Try a choice board on **Monday**.")
    click(peer_at, f"circles_answer_{question.id}_post")  # nothing flagged: posted at once
    assert "Answer posted." in shown(peer_at)
    assert f"↳ {escape('Try a choice board on **Monday**.')}" in shown(peer_at)  # markup shown as typed
    [answer] = circles.list_questions(db, first, group.id)[0].answers
    assert answer.author_id == peer.id and answer.analysis.flags == []


def test_the_norms_setting_check_in_ends_with_norms_the_circle_agrees_on(app_test, db, circle):
    group, first, peer = circle
    checkin = circles.start_checkin(db, first, group.id, prompts.load_library().get("norms_setting"))
    debriefs.go_to_step(db, first, checkin.id, len(checkin.steps) - 1)
    at = open_page(app_test, first, CIRCLES)
    click(at, f"circles_open_{checkin.id}")
    at.text_area(key=f"circles_outcome_norms_{checkin.id}").input("We start on time.\nWe listen before advising.")
    click(at, "circles_outcome_propose")
    assert "adopted once every member agrees" in shown(at)
    assert groups.get_group(db, first, group.id).norms == ""
    peer_at = open_page(app_test, peer, CIRCLES)
    assert f"Proposed by {first.display_name}" in shown(peer_at)
    click(peer_at, "circles_norms_agree")
    assert groups.get_group(db, peer, group.id).norms == "We start on time.\nWe listen before advising."


def test_a_newcomer_marked_by_an_admin_is_offered_a_circle_and_the_first_weeks_prompts(app_test, db, circle, make_user):
    group, first, peer = circle
    admin, newcomer = make_user("admin"), make_user()
    circles.set_welcomes_newcomers(db, first, group.id, True)
    admin_at = open_page(app_test, admin, "views/admin.py")
    click(admin_at, f"admin_newcomer_{newcomer.id}")
    assert newcomers.is_newcomer(db, newcomer)

    at = app_test(newcomer).run()
    assert "you are new here this year" in shown(at)
    click(at, "write_first_weeks")
    assert at.selectbox(key="write_prompt_set").value == newcomers.FIRST_WEEKS_PROMPT_SET
    click(at, f"write_join_circle_{group.id}")
    assert "You joined Tuesday circle." in shown(at)
    members = open_page(app_test, first, CIRCLES)
    assert f"{newcomer.display_name} · *new this year*" in shown(members)


def test_an_admin_creates_a_circle_for_its_first_member(app_test, db, make_user):
    admin, teacher = make_user("admin"), make_user()
    at = open_page(app_test, admin, "views/admin.py")
    at.text_input(key="admin_group_name").input("Office-made circle")
    at.radio(key="admin_group_kind").set_value("circle")
    at.selectbox(key="admin_group_facilitator").set_value(teacher.id)
    at.get("form_submit_button")[-1].click().run()
    assert not at.exception, at.exception
    [circle] = groups.list_groups(db, teacher, kind="circle")
    assert circle.name == "Office-made circle" and circle.my_role == "member"
    assert "peer circle" in shown(at)


def test_a_facilitator_sets_a_plc_rhythm_and_marks_a_member_new(app_test, db, make_user):
    admin, facilitator, member = make_user("admin"), make_user(), make_user()
    plc = groups.create_group(db, admin, "Maths PLC", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, plc.id, member.username)
    rhythm.set_rhythm(db, facilitator, plc.id, "monthly", date(2030, 1, 8), time(15, 30), "UTC")
    at = open_page(app_test, facilitator, "views/debriefs.py")
    assert "Once a month on the second Tuesday of the month at 15:30 (UTC)" in shown(at)
    click(at, f"debriefs_newcomer_{member.id}")
    assert newcomers.is_newcomer(db, member)
    member_at = open_page(app_test, member, "views/debriefs.py")
    assert "Next meeting: **Tuesday 8 January at 15:30 (UTC)**" in shown(member_at)
    assert "debriefs_rhythm_save" not in [button.key for button in member_at.button]  # only the facilitator sets it
