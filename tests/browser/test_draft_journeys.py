"""In a real browser: text typed but never sent (the cursor never left the box) survives a reload, and
"your draft is back" appears only when something came back."""

from __future__ import annotations

from reflection import journal
from views._draft_keeper import RESTORED_NOTICE

TYPED = "Pairs argued about fractions with paper strips, and Sam explained it best."


def type_without_leaving(app, label: str, text: str) -> None:
    """Keystrokes only: Streamlit has not received the text (it sends it when the cursor leaves the box)."""
    app.textbox(label).click()
    app.page.keyboard.type(text)


def test_text_typed_on_the_write_page_survives_a_reload_and_a_saved_entry_stays_saved(app, make_account, app_db):
    teacher = make_account()
    app.sign_in_to_write(teacher.username)
    assert RESTORED_NOTICE not in app.main.inner_text()
    type_without_leaving(app, "Your reflection", TYPED)

    app.reload()
    app.expect_text(RESTORED_NOTICE)
    assert app.textbox("Your reflection").input_value() == TYPED

    app.click("Save entry")
    app.expect_text("to your journal")
    assert [entry.body for entry in journal.list_entries(app_db, teacher).entries] == [TYPED]
    app.reload()
    app.expect_heading("Write")
    assert app.textbox("Your reflection").input_value() == ""
    shown = app.main.inner_text()
    assert RESTORED_NOTICE not in shown and "draft is back" not in shown


def test_an_edit_in_progress_comes_back_when_the_entry_is_opened_again_after_a_reload(app, make_account, app_db):
    teacher = make_account()
    journal.create_entry(app_db, teacher, journal.EntryDraft(body="First thoughts.", title="Fractions"))
    app.sign_in_to_write(teacher.username)

    app.go_to("Journal")
    app.rerun_after(app.page.locator('[class*="st-key-journal_open_"] button').first.click)
    app.click_key("journal_edit")
    box = app.textbox("Your reflection")
    box.click()
    box.press("End")
    app.page.keyboard.type(" Then the pairs explained it back.")
    app.reload()
    app.click_key("journal_edit")  # the entry is still open after the reload: it is in the address
    app.expect_text(RESTORED_NOTICE)
    assert app.textbox("Your reflection").input_value() == "First thoughts. Then the pairs explained it back."
