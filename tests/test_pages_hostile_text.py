"""Every page, as every kind of person, with markdown and HTML typed into every field of user text.

Streamlit renders markdown in st.markdown, captions, headings, alerts, progress text, metric labels,
widget labels, button labels, expander and tab labels and radio options. User text must reach all of
them through `ui.escape`, or a title like "![x](https://…)" fetches an outside image in every reader's
browser and "[Reset your password](https://…)" shows a phishing link. Escaped text keeps a backslash
before ":" and ".", so the raw address never appears in anything rendered as markdown; only widgets
that show plain text (text boxes, select boxes, code, st.text, st.html with escaped HTML, charts) may
hold it as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

import pytest

from reflection import (
    accounts,
    allowed_phrases,
    circles,
    debriefs,
    drafts,
    groups,
    journal,
    newcomers,
    prompt_store,
    prompts,
    rhythm,
    sharing,
)

HOST = "https://evil.example"
# Each payload fits the limit of the fields it goes into.
LONG = f"![pixel]({HOST}/p.png) [Reset your password]({HOST}/login) {HOST}/raw <img src={HOST}/i.png> **bold**"
SHORT = f"![p]({HOST}/a) [x]({HOST}/b)"
TAG = f"[t]({HOST}/t)"

# Protobuf fields of elements that Streamlit shows as plain text, never as markdown.
PLAIN_TEXT = {
    ("text_area", "value"), ("text_area", "default"), ("text_input", "value"), ("text_input", "default"),
    ("selectbox", "options"), ("selectbox", "default"), ("selectbox", "raw_value"), ("multiselect", "options"),
    ("code", "code_text"), ("text", "body"), ("html", "body"), ("arrow_vega_lite_chart", "spec"),
    ("arrow_vega_lite_chart", "datasets.data.data"), ("arrow_vega_lite_chart", "data.data"),
    ("download_button", "url"),
}


def proto_strings(message, path: str = ""):
    """(field path, text) of every string in a protobuf message, nested messages and lists included."""
    for field, value in message.ListFields():
        name = f"{path}.{field.name}" if path else field.name
        repeated = isinstance(value, Sequence) and not isinstance(value, (str, bytes))
        items = list(value) if repeated else [value]
        for item in items:
            if isinstance(item, str):
                yield name, item
            elif hasattr(item, "ListFields"):
                yield from proto_strings(item, name)


def raw_markup(at) -> list[str]:
    """Where the payload reaches markdown unescaped: "element type.field: text"."""
    found = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = getattr(node, "type", type(node).__name__)
        for path, text in proto_strings(proto):
            if HOST in text and (kind, path) not in PLAIN_TEXT:
                found.append(f"{kind}.{path}: {text[:160]}")
    return found


@pytest.fixture
def hostile(db, make_user):
    """A school where every person's name and every piece of text anyone typed is hostile markup."""

    def person(role: str, name: str) -> accounts.User:
        return accounts.create_user(db, None, name, f"{SHORT} {name}"[:80], "correct horse battery", role)

    admin, teacher, coach, facilitator = person("admin", "admin1"), person("teacher", "teacher1"), \
        person("coach", "coach1"), person("teacher", "facil1")
    group = groups.create_group(db, admin, SHORT, facilitator_id=facilitator.id)
    for member in (teacher, coach):
        groups.add_member(db, facilitator, group.id, member.username)
    groups.set_norms(db, facilitator, group.id, LONG)
    lines = f"{LONG}\nTitle {SHORT[:20]}: {LONG}"
    own_set = prompt_store.add_set(db, teacher, SHORT, lines, description=LONG)
    group_set = prompt_store.add_set(db, facilitator, SHORT, lines, description=LONG, group_id=group.id)
    allowed_phrases.allow_phrase(db, teacher, LONG)
    body = f"Maria said {LONG}\nThese kids are lazy, {LONG}"
    entry = journal.create_entry(db, teacher, journal.EntryDraft(
        body=body, title=LONG, class_period=SHORT, tags=[TAG], mood=2, taught_on=date.today()))
    answers = [LONG, LONG]
    journal.create_entry(db, teacher, journal.EntryDraft(
        body=prompts.compose_entry_text(own_set.prompt_set, answers), title=LONG,
        prompt_set=own_set.prompt_set.slug, prompt_answers=prompts.answers_as_records(own_set.prompt_set, answers)))
    names = {name: sharing.replacement_for(name, "pseudonym", SHORT) for name in sharing.names_in_entry(db, teacher, entry.id)}
    coach_share = sharing.share_entry(db, teacher, entry.id, coach_id=coach.id, replacements=names, include_flags=True)
    sharing.share_entry(db, teacher, entry.id, group_id=group.id, include_flags=True)
    sharing.add_comment(db, coach, coach_share.id, "question", LONG)
    sharing.add_comment(db, teacher, coach_share.id, "note", LONG)
    debrief = debriefs.start_debrief(db, facilitator, group.id, prompts.load_library().get("tuning"), LONG, teacher.id)
    debriefs.add_note(db, teacher, debrief.id, 0, f"These kids are lazy. {LONG}")
    debriefs.add_action_item(db, teacher, debrief.id, LONG, coach.id, date(2030, 1, 1))
    closed = debriefs.start_debrief(db, facilitator, group.id, prompts.load_library().get("atlas"), LONG, coach.id)
    debriefs.add_note(db, coach, closed.id, 0, LONG)
    debriefs.close_debrief(db, facilitator, closed.id)
    drafts.save_draft(db, teacher, {"title": LONG, "body": LONG, "tags": TAG, "class_period": SHORT})
    circle = circles.create_circle(db, teacher, f"{SHORT} circle")
    groups.add_member(db, teacher, circle.id, coach.username)
    circles.set_welcomes_newcomers(db, teacher, circle.id, True)
    newcomers.mark_newcomer(db, admin, facilitator.id)  # offered the circle, by name, on the Write page
    newcomers.mark_newcomer(db, admin, coach.id)  # "new this year" beside a hostile name
    circles.propose_norms(db, teacher, circle.id, LONG)
    question = circles.post_question(db, teacher, circle.id, f"These kids are lazy. {LONG}")
    circles.answer_question(db, coach, question.id, LONG)
    checkin = circles.start_checkin(db, teacher, circle.id, prompts.load_library().get("norms_setting"))
    debriefs.add_note(db, coach, checkin.id, 0, LONG)
    debriefs.go_to_step(db, teacher, checkin.id, len(checkin.steps) - 1)  # the norms box, filled with the norms
    # A circle that never met, its rhythm long under way: the quiet note names it.
    quiet = circles.create_circle(db, coach, f"{SHORT} quiet")
    rhythm.set_rhythm(db, coach, quiet.id, "weekly", date(2025, 1, 7), time(15, 30), "UTC")
    return {
        "admin": admin, "teacher": teacher, "coach": coach, "facilitator": facilitator, "entry": entry,
        "coach_share": coach_share, "debrief": debrief, "closed": closed, "own_set": own_set, "group_set": group_set,
        "checkin": checkin,
    }


def visit(app_test, user, page, *steps):
    """Open `page` as `user`, then take each step (a button key to click, or a (key, value) to set)."""
    at = app_test(user)
    at.switch_page(page).run()
    for step in steps:
        if isinstance(step, tuple):
            key, value = step
            widget = next(w for w in at._tree if getattr(w, "key", None) == key)
            widget.set_value(value).run()
        else:
            at.button(key=step).click().run()
        assert not at.exception, at.exception
    assert not at.exception, at.exception
    return at


def journeys(world) -> list[tuple[str, str, tuple]]:
    """(person, page, steps): every page, and every detail view that shows other text, for each person."""
    entry, share, debrief, closed = world["entry"], world["coach_share"], world["debrief"], world["closed"]
    own_slug, group_slug = world["own_set"].prompt_set.slug, world["group_set"].prompt_set.slug
    pages = ["views/write.py", "views/journal.py", "views/prompts.py", "views/insights.py", "views/debriefs.py",
             "views/coaching.py", "views/account.py", "views/circles.py"]
    found = [(person, page, ()) for person in ("teacher", "coach", "facilitator", "admin") for page in pages]
    return found + [
        ("admin", "views/admin.py", ()),
        ("teacher", "views/write.py", (("write_prompt_set", own_slug),)),
        ("teacher", "views/write.py", (("write_prompt_set", group_slug),)),
        ("teacher", "views/write.py", (("write_prompt_set", group_slug), "write_step_next")),
        ("coach", "views/write.py", (("write_prompt_set", group_slug),)),
        ("teacher", "views/write.py", ("write_check_button",)),
        ("teacher", "views/journal.py", (f"journal_open_{entry.id}",)),
        ("teacher", "views/journal.py", (f"journal_open_{entry.id}", "journal_edit")),
        ("teacher", "views/journal.py", (("journal_query", "evil"),)),
        ("teacher", "views/journal.py", (("journal_query", "pixel"),)),
        ("teacher", "views/debriefs.py", (f"debriefs_open_{debrief.id}",)),
        ("teacher", "views/debriefs.py", (f"debriefs_open_{closed.id}",)),
        ("facilitator", "views/debriefs.py", (f"debriefs_open_{debrief.id}",)),
        ("facilitator", "views/debriefs.py", (f"debriefs_open_{closed.id}",)),
        ("coach", "views/debriefs.py", (f"debriefs_open_{debrief.id}",)),
        ("coach", "views/coaching.py", (f"coaching_open_{share.id}",)),
        ("coach", "views/coaching.py", (("coaching_search", "pixel"),)),
        ("teacher", "views/coaching.py", (("coaching_share_to", "group"),)),
        # Messages that name what was just saved or who was just changed.
        ("teacher", "views/write.py", (("write_prompt_set", ""), ("write_title", LONG), ("write_body", "A gallery walk."),
                                       "write_save")),
        ("facilitator", "views/debriefs.py", (f"debriefs_promote_{world['teacher'].id}",)),
        ("facilitator", "views/debriefs.py", (f"debriefs_remove_{world['coach'].id}",)),
        ("teacher", "views/circles.py", (f"circles_open_{world['checkin'].id}",)),
        ("coach", "views/circles.py", (f"circles_open_{world['checkin'].id}",)),
        ("coach", "views/circles.py", (("circles_question", f"My low kids {LONG}"), "circles_question_post")),
        ("coach", "views/circles.py", (("circles_group", world["checkin"].group_id),)),
    ]


def test_no_page_renders_user_text_as_markdown_or_html(app_test, hostile):
    leaks = {}
    for person, page, steps in journeys(hostile):
        at = visit(app_test, hostile[person], page, *steps)
        if found := raw_markup(at):
            leaks[f"{person} on {page} after {steps}"] = found
    assert leaks == {}, "\n".join(f"{where}: {found}" for where, found in leaks.items())


def test_the_walk_reaches_the_hostile_text_it_checks(app_test, hostile):
    """Guards the test above: the payload is on the pages, escaped, so an empty result means something."""
    at = visit(app_test, hostile["coach"], "views/coaching.py", f"coaching_open_{hostile['coach_share'].id}")
    rendered = [text for node in at._tree if getattr(node, "proto", None) is not None
                for _, text in proto_strings(node.proto)]
    assert any("evil\\.example" in text for text in rendered)
    assert any(HOST in text for text in rendered)  # as typed, in the comment box the coach may edit
