"""AppTest runs of the PLC debriefs and Shared & coaching pages, signed in as each person in turn."""

import pytest

from reflection import allowed_phrases, debriefs, groups, journal, prompts, sharing
from reflection.errors import AccessDenied

DEBRIEFS = "views/debriefs.py"
COACHING = "views/coaching.py"


def open_page(app_test, user, page):
    at = app_test(user)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def shown(at) -> str:
    """Everything the page wrote as plain text, markdown, captions, headings and messages, in one string."""
    elements = [*at.text, *at.markdown, *at.caption, *at.subheader, *at.header, *at.success, *at.info, *at.error]
    return "\n".join(str(element.value) for element in elements)


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def plc(db, make_user):
    admin, facilitator, member = make_user("admin"), make_user(), make_user()
    group = groups.create_group(db, admin, "Science PLC", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, group.id, member.username)
    return group, facilitator, member


def test_a_debrief_runs_from_protocol_to_export(app_test, db, plc):
    group, facilitator, member = plc
    at = open_page(app_test, facilitator, DEBRIEFS)
    at.selectbox(key="debriefs_protocol").set_value("tuning")
    at.text_input(key="debriefs_title").input("Lab report unit")
    at.selectbox(key="debriefs_presenter").set_value(member.id)
    click(at, "debriefs_start")
    assert "Introduction" in shown(at) and "min suggested" in shown(at)

    at.text_area(key="debriefs_note_body").input("Those students are lazy about homework.")
    click(at, "debriefs_add_note")
    assert "lazy about homework" in shown(at)
    assert any(label.startswith("Language check") for label in (e.label for e in at.expander))

    click(at, "debriefs_next")
    assert "Presentation" in shown(at)

    at.text_input(key="debriefs_item_text").input("Pilot the new rubric")
    at.selectbox(key="debriefs_item_owner").set_value(member.id)
    click(at, "debriefs_item_add")
    assert "Pilot the new rubric" in shown(at)

    click(at, "debriefs_close")
    click(at, "debriefs_close_confirm")  # closing asks first
    assert "read-only" in shown(at)
    keys = {element.key for element in at.get("text_area")} | {element.key for element in at.get("button")}
    assert "debriefs_note_body" not in keys and "debriefs_next" not in keys and "debriefs_item_add" not in keys
    assert at.get("download_button"), "a closed debrief offers its Markdown export"
    [debrief] = debriefs.list_debriefs(db, member, group.id)
    markdown = debriefs.debrief_markdown(db, member, debrief.id)
    assert "Those students are lazy about homework." in markdown and "Pilot the new rubric" in markdown


def test_a_member_sees_the_debrief_but_no_facilitator_controls(app_test, db, plc):
    group, facilitator, member = plc
    debrief = debriefs.start_debrief(db, facilitator, group.id, prompts.load_library().get("atlas"), "Exit tickets", member.id)
    at = open_page(app_test, member, DEBRIEFS)
    assert "Exit tickets" in shown(at)
    click(at, f"debriefs_open_{debrief.id}")
    keys = {element.key for element in at.get("button")}
    assert "debriefs_add_note" in keys and "debriefs_next" not in keys and "debriefs_close" not in keys


def test_joining_with_a_used_code_says_so(app_test, db, plc, make_user):
    group, facilitator, _ = plc
    code = groups.create_invite_code(db, facilitator, group.id)
    groups.join_with_code(db, make_user(), code)
    at = open_page(app_test, make_user(), DEBRIEFS)
    at.text_input(key="debriefs_join_code").input(code)
    click(at, "debriefs_join")
    assert "already been used" in shown(at)


@pytest.fixture
def shared_story(db, make_user):
    teacher, coach = make_user("teacher"), make_user("coach")
    entry = journal.create_entry(
        db, teacher, journal.EntryDraft(body="Maria Lopez explained her model to the class. I was proud of Maria Lopez.")
    )
    return teacher, coach, entry


def share_with_pseudonym(app_test, db, teacher, entry):
    at = open_page(app_test, teacher, COACHING)
    names = sharing.names_in_entry(db, teacher, entry.id)
    index = names.index("Maria Lopez")
    at.radio(key=f"coaching_name_{entry.id}_{index}_choice").set_value("pseudonym").run()
    # Share stays disabled until every pseudonym is typed; typing one reruns the page, as in a browser.
    at.text_input(key=f"coaching_name_{entry.id}_{index}_pseudonym").input("Student A").run()
    click(at, "coaching_share_submit")
    assert "Shared." in shown(at)
    [share] = sharing.list_my_shares(db, teacher)
    return share


def test_the_coach_sees_the_pseudonym_not_the_name(app_test, db, shared_story):
    teacher, coach, entry = shared_story
    share = share_with_pseudonym(app_test, db, teacher, entry)
    at = open_page(app_test, coach, COACHING)
    click(at, f"coaching_open_{share.id}")
    text = shown(at)
    assert "Student A explained her model" in text and "Maria" not in text
    assert journal.get_entry(db, teacher, entry.id).body.startswith("Maria Lopez")


def test_a_comment_goes_from_coach_to_teacher_and_withdrawal_ends_access(app_test, db, shared_story):
    teacher, coach, entry = shared_story
    share = share_with_pseudonym(app_test, db, teacher, entry)

    coach_at = open_page(app_test, coach, COACHING)
    click(coach_at, f"coaching_open_{share.id}")
    coach_at.selectbox(key=f"coaching_received_comment_kind_{share.id}").set_value("strength")
    coach_at.text_area(key=f"coaching_received_comment_body_{share.id}").input("Great noticing of <b>student</b> voice.")
    click(coach_at, f"coaching_received_comment_add_{share.id}")
    assert "Comment added." in shown(coach_at)

    teacher_at = open_page(app_test, teacher, COACHING)
    teacher_view = shown(teacher_at)
    assert "Great noticing of &lt;b&gt;student&lt;/b&gt; voice" in teacher_view and "<b>" not in teacher_view
    assert "Strength" in teacher_view
    click(teacher_at, f"coaching_withdraw_{share.id}")
    assert "withdrawn" in shown(teacher_at)

    coach_at.run()  # the coach still had it open
    assert "not available to you" in shown(coach_at)
    assert "Student A" not in shown(coach_at)
    assert "Nothing has been shared with you yet." in shown(open_page(app_test, coach, COACHING))


def test_an_admin_creates_a_group_and_picks_its_facilitator(app_test, db, make_user):
    admin, facilitator = make_user("admin"), make_user()
    at = open_page(app_test, admin, "views/admin.py")
    at.text_input(key="admin_group_name").input("Maths PLC")
    at.selectbox(key="admin_group_facilitator").set_value(facilitator.id)
    at.get("form_submit_button")[-1].click().run()
    assert not at.exception, at.exception
    [group] = groups.list_groups(db, facilitator)
    assert group.name == "Maths PLC" and group.is_facilitator


def test_names_the_detector_missed_can_be_hidden_by_hand(app_test, db, make_user):
    teacher, coach = make_user("teacher"), make_user("coach")
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body="Hope asked for the easier version again."))
    at = open_page(app_test, teacher, COACHING)
    at.text_input(key=f"coaching_extra_names_{entry.id}").input("Hope").run()
    click(at, "coaching_share_submit")
    [share] = sharing.list_received_shares(db, coach)
    assert share.body == "H. asked for the easier version again."


def test_a_facilitator_allows_a_flagged_phrase_for_the_whole_group(app_test, db, plc, make_user):
    group, facilitator, member = plc
    outsider = make_user()
    debrief = debriefs.start_debrief(db, facilitator, group.id, prompts.load_library().get("four_as"), "Reading", member.id)
    note = debriefs.add_note(db, member, debrief.id, 0, "The struggling readers chose their own books.")
    [flag] = note.analysis.flags
    at = open_page(app_test, facilitator, DEBRIEFS)
    click(at, f"debriefs_open_{debrief.id}")
    click(at, f"debriefs_note_{note.id}_allow_{flag.start}")
    assert "allowed for everyone in the group" in shown(at)
    assert flag.text in allowed_phrases.allowed_phrases(db, member)
    assert flag.text not in allowed_phrases.allowed_phrases(db, outsider)
    later = debriefs.add_note(db, member, debrief.id, 0, "The struggling readers chose their own books again.")
    assert later.analysis.flags == []
    with pytest.raises(AccessDenied):
        allowed_phrases.allow_phrase(db, member, "low group", group_id=group.id)  # members cannot
    member_view = click(open_page(app_test, member, DEBRIEFS), f"debriefs_open_{debrief.id}")
    assert "struggling readers chose their own books" in shown(member_view)
    assert not [b for b in member_view.button if b.key and "_allow_" in b.key]


def test_a_name_typed_by_hand_in_other_case_keeps_the_choice_made_for_it(app_test, db, make_user):
    teacher, coach = make_user("teacher"), make_user("coach")
    body = "Maria explained her graph, and later maria and Hope compared answers."
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body=body))
    at = open_page(app_test, teacher, COACHING)
    assert at.text_input(key=f"coaching_extra_names_{entry.id}")  # the box is offered beside the detected names
    at.radio(key=f"coaching_name_{entry.id}_0_choice").set_value("pseudonym").run()
    at.text_input(key=f"coaching_name_{entry.id}_0_pseudonym").input("Student A")
    at.text_input(key=f"coaching_extra_names_{entry.id}").input("MARIA, hope").run()
    click(at, "coaching_share_submit")
    [share] = sharing.list_received_shares(db, coach)
    assert share.body == "Student A explained her graph, and later Student A and H. compared answers."
