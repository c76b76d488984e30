"""In a real browser: guided writing, the language check with a rewrite, search, and safe rendering."""

from __future__ import annotations

import pytest

from reflection import journal

LOW_EXPECTATION_SENTENCE = "My low kids need more time with fractions."


@pytest.fixture
def teacher(make_account):
    return make_account("teacher")


def test_guided_prompt_set_saves_every_answer(app, teacher, app_db):
    answers = [
        "Pairs explained equivalent fractions with paper strips.",
        "Talking first helped quieter students join the whole-class discussion.",
        "Next week I will start with pair talk before the worked example.",
    ]
    app.sign_in_to_write(teacher.username)
    app.choose("write_prompt_set", "What? So what? Now what? (Rolfe)")
    for number, answer in enumerate(answers, start=1):
        app.expect_text(f"Step {number} of 3")
        app.commit("Your answer", answer)
        if number < len(answers):
            app.button("Next →").click()
    app.expect_text("Answered 3 of 3 steps")
    app.click("Save entry")
    app.expect_text("to your journal")

    saved = journal.list_entries(app_db, teacher).entries
    assert len(saved) == 1
    entry = saved[0]
    assert entry.prompt_set == "rolfe"
    assert [record["answer"] for record in entry.prompt_answers] == answers
    assert [record["step"] for record in entry.prompt_answers] == ["What?", "So what?", "Now what?"]
    for answer in answers:
        assert answer in entry.body


def test_language_check_flags_a_phrase_and_applies_its_rewrite(app, teacher):
    app.sign_in_to_write(teacher.username)
    app.commit("Your reflection", LOW_EXPECTATION_SENTENCE)
    app.click("Check my language")
    app.expect_text("phrase to reconsider")
    flagged_phrase = app.main.locator("mark").inner_text()
    suggestion = app.main.get_by_text("Suggested rewrite:").locator("strong").inner_text()
    assert flagged_phrase in LOW_EXPECTATION_SENTENCE
    assert app.main.locator("strong", has_text=f"“{flagged_phrase}”").is_visible()

    app.click_key("write_apply_0")
    app.expect_text("Nothing flagged")
    rewritten = app.textbox("Your reflection").input_value()
    assert rewritten == LOW_EXPECTATION_SENTENCE.replace(flagged_phrase, suggestion)
    assert flagged_phrase not in rewritten


def test_search_finds_words_phrases_and_prefixes_in_own_entries_only(app, teacher, make_account, app_db):
    entries = {
        "Floor number line": "We built a number line on the floor and walked along it.",
        "Poetry circle": "Students read their poems aloud in a circle.",
        "Paper strip fractions": "Paper strips made equivalent fractions visible to everyone.",
    }
    for title, body in entries.items():
        journal.create_entry(app_db, teacher, journal.EntryDraft(body=body, title=title))
    someone_else = make_account("teacher")
    journal.create_entry(app_db, someone_else, journal.EntryDraft(body="Another number line lesson.", title="Not yours"))

    app.sign_in_to_write(teacher.username)
    app.go_to("Journal")
    app.expect_text("3 entries")
    for query, expected_titles in {
        '"number line"': {"Floor number line"},
        "fraction*": {"Paper strip fractions"},
        "circle": {"Poetry circle"},
        "number": {"Floor number line"},
    }.items():
        app.commit("Search your journal", query)
        count = len(expected_titles)
        app.expect_text(f"{count} matching entr{'y' if count == 1 else 'ies'}")
        shown = app.main.inner_text()
        for title in entries:
            assert (title in shown) == (title in expected_titles), (query, title)
        assert "Not yours" not in shown
    # The snippet under a hit shows the matched word in bold.
    app.commit("Search your journal", "floor")
    app.expect_text("1 matching entry")
    assert app.main.locator("blockquote strong").all_inner_texts() == ["floor"]


MARKUP_TITLE = "Q&A <b>bold</b> **stars**"
MARKUP_BODY = (
    '<script>window.__injected = "script"</script> '
    '<img src=x onerror="window.__injected = 1"> '
    '[a link](https://example.com) <a href="https://example.com">anchor</a> '
    "**not bold** <h1>not a heading</h1>"
)
PLAIN_PUNCTUATION_BODY = "The students' ideas & Ms. O'Neil's questions: 5 < 6 and 7 > 3."


def open_only_entry(app, username: str) -> None:
    app.sign_in_to_write(username)
    app.go_to("Journal")
    app.rerun_after(app.page.locator('[class*="st-key-journal_open_"] button').first.click)
    app.keyed("journal_edit").wait_for()


def test_markup_in_an_entry_is_never_rendered_as_html(app, teacher, app_db):
    journal.create_entry(app_db, teacher, journal.EntryDraft(body=MARKUP_BODY, title=MARKUP_TITLE))
    open_only_entry(app, teacher.username)

    assert app.page.evaluate("window.__injected") is None
    assert app.main.locator("script, img, b, h1:has-text('not a heading')").count() == 0
    assert app.main.get_by_role("link", name="a link", exact=True).count() == 0
    assert app.main.get_by_role("link", name="anchor", exact=True).count() == 0
    assert app.main.locator("strong", has_text="not bold").count() == 0
    assert '<script>window.__injected = "script"</script>' in app.main.inner_text()


def test_entry_text_reads_exactly_as_typed(app, teacher, app_db):
    journal.create_entry(app_db, teacher, journal.EntryDraft(body=PLAIN_PUNCTUATION_BODY, title=MARKUP_TITLE))
    open_only_entry(app, teacher.username)

    shown = app.main.inner_text()
    assert PLAIN_PUNCTUATION_BODY in shown
    assert MARKUP_TITLE in shown


def test_the_browser_back_button_closes_an_open_entry_and_its_link_opens_it(app, teacher, app_db):
    entry = journal.create_entry(app_db, teacher, journal.EntryDraft(body="Pair talk before the worked example helped."))
    app.sign_in_to_write(teacher.username)
    app.go_to("Journal")
    app.click_key(f"journal_open_{entry.id}")
    app.expect_text("Back to the list")
    assert f"entry={entry.id}" in app.page.url
    app.page.go_back()
    app.keyed(f"journal_open_{entry.id}").wait_for()
    app.wait_idle()
    assert app.main.get_by_text("Back to the list").count() == 0
    app.page.go_forward()  # the same address again: the entry opens from the link alone
    app.expect_text("Back to the list")
