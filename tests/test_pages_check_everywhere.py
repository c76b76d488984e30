"""The language check wherever people write: every step of a guided entry, editing in the Journal,
dismissals that stay with their entry, and a private check before a debrief note or a comment is posted."""

from apptest_text import texts

from reflection import debriefs, journal, prompts, sharing

FLAGGED_STEP = "These kids are lazy about homework."


def keys(at, start: str) -> list[str]:
    return [button.key for button in at.button if button.key and button.key.startswith(start)]


def test_the_guided_check_covers_every_step_and_shows_each_flag_under_its_step(app_test, make_user, db):
    user = make_user()
    rolfe = prompts.load_library().get("rolfe")
    at = app_test(user)
    at.run()
    at.selectbox(key="write_prompt_set").set_value("rolfe").run()
    at.text_area(key="write_answer_rolfe_0").input(FLAGGED_STEP)
    at.button(key="write_step_next").click().run()
    at.text_area(key="write_answer_rolfe_1").input("We tried a new warm-up and it went well.").run()
    at.button(key="write_check_button").click().run()
    assert not at.exception, at.exception
    assert "Nothing flagged" not in texts(at.success)
    headings = texts(at.markdown)
    assert "to reconsider" in headings and f"Step 1: {rolfe.steps[0].title}" in headings.replace("\\", "")
    assert f"Step 2: {rolfe.steps[1].title}" not in headings.replace("\\", "")  # no flags there, no heading
    flagged_on_page = len(keys(at, "write_dismiss_"))
    at.button(key="write_save").click().run()
    assert journal.list_entries(db, user).entries[0].flag_count == flagged_on_page


def test_a_rewrite_applies_to_a_step_not_on_screen(app_test, make_user):
    at = app_test(make_user())
    at.run()
    at.selectbox(key="write_prompt_set").set_value("rolfe").run()
    at.text_area(key="write_answer_rolfe_0").input("Honestly, my low kids can't focus after lunch.")
    at.button(key="write_step_next").click().run()
    at.button(key="write_check_button").click().run()
    at.button(key="write_apply_0").click().run()
    assert not at.exception, at.exception
    at.button(key="write_step_back").click().run()
    assert "low kids" not in at.text_area(key="write_answer_rolfe_0").value


def test_a_dismissed_flag_stays_dismissed_through_other_actions_and_the_saved_entry_respects_it(app_test, make_user, db):
    user = make_user()
    at = app_test(user)
    at.run()
    at.text_area(key="write_body").input("These kids are lazy. My low kids can't focus after lunch.").run()
    at.button(key="write_check_button").click().run()
    before = len(keys(at, "write_dismiss_"))
    assert before >= 2
    at.button(key="write_dismiss_0").click().run()
    assert len(keys(at, "write_dismiss_")) == before - 1
    at.button(key="write_check_button").click().run()  # any other action: a new check
    assert len(keys(at, "write_dismiss_")) == before - 1
    at.button(key="write_save").click().run()
    entry = journal.list_entries(db, user).entries[0]
    assert entry.flag_count == before - 1 and len(entry.dismissed) == 1
    # Editing elsewhere in the text keeps the dismissal: the stored analysis still leaves it out.
    edited = journal.update_entry(db, user, entry.id, journal.EntryDraft(
        body="A new first line.\n" + entry.body, dismissed=entry.dismissed))
    dismissed_pair = entry.dismissed[0]
    assert dismissed_pair not in {(flag.category, flag.text) for flag in edited.analysis.flags}
    assert edited.flag_count == len(edited.analysis.flags)


def test_the_journal_edit_form_has_the_check_with_rewrite_and_dismiss(app_test, make_user, db):
    user = make_user()
    entry = journal.create_entry(db, user, journal.EntryDraft(body="Honestly, my low kids can't focus after lunch."))
    at = app_test(user)
    at.run()
    at.switch_page("views/journal.py").run()
    at.button(key=f"journal_open_{entry.id}").click().run()
    at.button(key="journal_edit").click().run()
    at.button(key="journal_edit_check_button").click().run()
    assert not at.exception, at.exception
    assert "to reconsider" in texts(at.markdown)
    at.button(key="journal_edit_apply_0").click().run()
    assert "low kids" not in at.text_area(key="journal_edit_body").value
    at.button(key="journal_edit_check_button").click().run()
    remaining = len(keys(at, "journal_edit_dismiss_"))
    if remaining:
        at.button(key="journal_edit_dismiss_0").click().run()
    at.button(key="journal_edit_save").click().run()
    saved = journal.get_entry(db, user, entry.id)
    assert "low kids" not in saved.body
    assert saved.flag_count == max(remaining - 1, 0)


def test_a_debrief_note_is_checked_privately_before_it_is_posted_and_can_be_posted_anyway(db, open_debrief):
    at, facilitator, debrief = open_debrief()
    at.text_area(key="debriefs_note_body").input(FLAGGED_STEP)
    at.button(key="debriefs_note_check_button").click().run()
    assert not at.exception, at.exception
    assert "to reconsider" in texts(at.markdown)
    assert debriefs.list_notes(db, facilitator, debrief.id) == []  # nobody else has seen it
    at.button(key="debriefs_add_note").click().run()
    assert [note.body for note in debriefs.list_notes(db, facilitator, debrief.id)] == [FLAGGED_STEP]


def test_a_coach_comment_is_checked_before_it_is_posted(app_test, make_user, db):
    teacher, coach = make_user(), make_user("coach")
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body="Group work went better today."))
    share = sharing.share_entry(db, teacher, entry.id, coach_id=coach.id)
    at = app_test(coach)
    at.query_params["share"] = share.id
    at.switch_page("views/coaching.py").run()
    body_key = f"coaching_received_comment_body_{share.id}"
    at.text_area(key=body_key).input("Those parents don't care about school.")
    at.button(key=f"coaching_received_comment_check_{share.id}_check_button").click().run()
    assert not at.exception, at.exception
    assert "to reconsider" in texts(at.markdown)
    assert sharing.list_comments(db, coach, share.id) == []
    at.button(key=f"coaching_received_comment_add_{share.id}").click().run()
    assert len(sharing.list_comments(db, coach, share.id)) == 1


def test_a_debrief_note_offers_name_hiding_with_a_preview_and_posts_initials(db, open_debrief):
    at, facilitator, debrief = open_debrief()
    at.text_area(key="debriefs_note_body").input("Amara explained her strategy to the group.").run()
    assert at.checkbox(key="debriefs_note_hide_names").value
    assert "A. explained her strategy" in texts(at.caption).replace("\\", "")
    at.button(key="debriefs_add_note").click().run()
    assert [note.body for note in debriefs.list_notes(db, facilitator, debrief.id)] == [
        "A. explained her strategy to the group."]
