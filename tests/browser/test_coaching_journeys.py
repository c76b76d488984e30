"""In a real browser: a teacher shares one entry with a coach, the coach comments, the teacher reads it."""

from __future__ import annotations

from browser_app import StreamlitPage

from reflection import journal, sharing

ENTRY_TITLE = "Fraction strips in pairs"
ENTRY_BODY = "Marcus Johnson explained equivalent fractions to Sofia Garcia with paper strips."
COMMENT = "Lovely use of peer explanation. What did the partner say back?"


def test_teacher_shares_with_a_coach_who_comments(app_server, app_db, make_account, new_tab):
    teacher = make_account("teacher", "Ms. Rivera")
    coach = make_account("coach", "Coach Patel")
    journal.create_entry(app_db, teacher, journal.EntryDraft(body=ENTRY_BODY, title=ENTRY_TITLE))

    teacher_tab = StreamlitPage(new_tab(), app_server)
    teacher_tab.sign_in_to_write(teacher.username)
    teacher_tab.go_to("Shared & coaching")
    teacher_tab.main.get_by_role("tab", name="Share an entry").click()
    teacher_tab.choose("coaching_share_coach", "Coach Patel")
    teacher_tab.expect_text("Names in this entry")
    teacher_tab.main.get_by_text("Preview the shared copy").click()
    preview = teacher_tab.main.locator('[data-testid="stExpander"]', has_text="Preview the shared copy")
    preview.get_by_text("equivalent fractions").wait_for()
    assert "Marcus" not in preview.inner_text() and "Sofia" not in preview.inner_text()
    teacher_tab.click("Share this entry")
    teacher_tab.expect_text("Shared. You can withdraw it")

    [share] = sharing.list_my_shares(app_db, teacher)
    assert share.coach_id == coach.id
    assert "Marcus" not in share.body and "Garcia" not in share.body and "equivalent fractions" in share.body

    coach_tab = StreamlitPage(new_tab(), app_server)
    coach_tab.sign_in_to_write(coach.username)
    coach_tab.go_to("Shared & coaching")
    coach_tab.expect_text(ENTRY_TITLE)
    coach_tab.click_key(f"coaching_open_{share.id}")
    coach_tab.expect_text("No comments yet.")
    assert share.body in coach_tab.main.inner_text()
    coach_tab.choose(f"coaching_received_comment_kind_{share.id}", "Strength")
    coach_tab.commit("Comment", COMMENT)
    coach_tab.click("Add comment")
    coach_tab.expect_text("Comment added.")
    assert coach_tab.main.get_by_text("Strength · Coach Patel").is_visible()

    [comment] = sharing.list_comments(app_db, teacher, share.id)
    assert (comment.kind, comment.author_id, comment.body) == ("strength", coach.id, COMMENT)

    teacher_tab.go_to("Journal")
    teacher_tab.go_to("Shared & coaching")
    teacher_tab.main.get_by_role("tab", name="My shares").click()
    teacher_tab.main.get_by_text("Shared copy and comments (1)").click()
    teacher_tab.expect_text("Strength · Coach Patel")
