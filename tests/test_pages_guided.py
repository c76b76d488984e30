"""The guided writing flow, the prompt library page and the language-check panel, through AppTest."""

import pytest
from apptest_text import texts

from reflection import allowed_phrases, groups, journal, prompt_store, prompts
from reflection.errors import AccessDenied


def test_guided_flow_saves_one_entry_holding_every_answer(app_test, make_user, db):
    user = make_user()
    rolfe = prompts.load_library().get("rolfe")
    at = app_test(user)
    at.run()
    at.selectbox(key="write_prompt_set").set_value("rolfe").run()
    answers = [f"Answer {n} about the fractions lesson." for n in range(len(rolfe.steps))]
    for index, answer in enumerate(answers):
        at.text_area(key=f"write_answer_rolfe_{index}").input(answer)
        if index < len(answers) - 1:
            at.button(key="write_step_next").click().run()
    at.button(key="write_save").click().run()
    assert not at.exception
    entry = journal.list_entries(db, user).entries[0]
    assert entry.prompt_set == "rolfe"
    assert [record["answer"] for record in entry.prompt_answers] == answers
    for step, answer in zip(rolfe.steps, answers):
        assert f"## {step.title}\n\n{answer}" in entry.body


def test_guided_answers_survive_a_new_session(app_test, make_user):
    user = make_user()
    at = app_test(user)
    at.run()
    at.selectbox(key="write_prompt_set").set_value("gibbs").run()
    at.text_area(key="write_answer_gibbs_0").input("We ran out of time in the gallery walk.").run()
    at.button(key="write_step_next").click().run()
    later = app_test(user)
    later.run()
    assert later.selectbox(key="write_prompt_set").value == "gibbs"
    assert later.session_state["write_step"] == 1
    later.button(key="write_step_back").click().run()
    assert later.text_area(key="write_answer_gibbs_0").value == "We ran out of time in the gallery walk."


def test_language_check_flags_and_applies_a_rewrite(app_test, make_user, db):
    user = make_user()
    at = app_test(user)
    at.run()
    at.text_area(key="write_body").input("Honestly, my low kids can't focus after lunch.").run()
    at.button(key="write_check_button").click().run()
    assert "to reconsider" in texts(at.markdown)
    before = at.text_area(key="write_body").value
    at.button(key="write_apply_0").click().run()
    after = at.text_area(key="write_body").value
    assert after != before and "low kids" not in after
    assert after.startswith("Honestly, ")


def test_dismiss_once_and_allow_phrase(app_test, make_user, db):
    user = make_user()
    at = app_test(user)
    at.run()
    at.text_area(key="write_body").input("These kids are lazy. My low kids can't focus after lunch.").run()
    at.button(key="write_check_button").click().run()
    flagged = len([b for b in at.button if b.key and b.key.startswith("write_dismiss_")])
    assert flagged >= 2
    at.button(key="write_dismiss_0").click().run()
    assert len([b for b in at.button if b.key and b.key.startswith("write_dismiss_")]) == flagged - 1
    at.button(key="write_check_button").click().run()
    at.button(key="write_allow_0").click().run()
    assert "will not be flagged for you again" in texts(at.success)
    assert allowed_phrases.own_allowed_phrases(db, user)


def test_clean_text_says_so(app_test, make_user):
    at = app_test(make_user())
    at.run()
    at.text_area(key="write_body").input("Maya's question about volcanoes took us somewhere new.").run()
    at.button(key="write_check_button").click().run()
    assert "Nothing flagged" in texts(at.success)


def test_prompts_page_previews_every_set_and_starts_writing(app_test, make_user):
    user = make_user()
    library = prompts.load_library()
    at = app_test(user)
    at.run()
    at.switch_page("views/prompts.py").run()
    labels = [expander.label.replace("\\", "") for expander in at.expander]  # markdown escapes removed
    for prompt_set in library.sets.values():
        assert any(label.startswith(prompt_set.name) for label in labels), prompt_set.name
    at.button(key="prompts_write_kolb").click().run()
    assert at.session_state["write_prompt_set"] == "kolb"


def test_a_personal_prompt_set_is_saved_and_offered_on_the_write_page(app_test, make_user, db):
    user, other = make_user(), make_user()
    at = app_test(user)
    at.run()
    at.switch_page("views/prompts.py").run()
    at.text_input(key="prompts_new_name").input("Friday check-in")
    at.text_area(key="prompts_new_lines").input("Wins: What went well this week?\nWho did I not hear from?")
    next(b for b in at.button if b.label == "Save prompt set").click().run()
    assert "Saved “Friday check" in texts(at.success)
    stored = prompt_store.stored_sets(db, user)
    assert [s.prompt_set.name for s in stored] == ["Friday check-in"]
    assert [step.title for step in stored[0].prompt_set.steps][0] == "Wins"
    assert prompt_store.stored_sets(db, other) == []
    write = app_test(user)
    write.run()
    assert "Friday check-in" in write.selectbox(key="write_prompt_set").options


def add_group_set_on_the_page(app_test, facilitator, group, name: str, lines: str):
    """The facilitator saves a prompt set for their group on the Prompts page."""
    at = app_test(facilitator)
    at.run()
    at.switch_page("views/prompts.py").run()
    at.text_input(key="prompts_new_name").input(name)
    at.selectbox(key="prompts_new_group").set_value(group.id)
    at.text_area(key="prompts_new_lines").input(lines)
    next(b for b in at.button if b.label == "Save prompt set").click().run()
    assert not at.exception, at.exception
    return at


def test_a_facilitator_adds_a_group_prompt_set_that_members_can_use_but_not_delete(app_test, make_user, db):
    admin, facilitator, member, outsider = make_user("admin"), make_user(), make_user(), make_user()
    group = groups.create_group(db, admin, "Science PLC", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, group.id, member.username)
    add_group_set_on_the_page(app_test, facilitator, group, "Lab debrief", "Which group's data surprised us?")
    [shared] = prompt_store.stored_sets(db, member)
    assert shared.group_id == group.id and not shared.can_delete
    assert prompt_store.stored_sets(db, outsider) == []
    member_view = app_test(member)
    member_view.run()
    assert "Lab debrief" in member_view.selectbox(key="write_prompt_set").options


def test_a_member_cannot_add_a_set_for_the_group(db, make_user):
    admin, facilitator, member = make_user("admin"), make_user(), make_user()
    group = groups.create_group(db, admin, "History PLC", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, group.id, member.username)
    with pytest.raises(AccessDenied):
        prompt_store.add_set(db, member, "Sneaky", "A prompt?", group_id=group.id)


@pytest.mark.parametrize("viewer", ["facilitator", "member"])
def test_the_prompts_page_opens_in_a_later_run_once_a_group_set_exists(app_test, make_user, db, viewer):
    admin, facilitator, member = make_user("admin"), make_user(), make_user()
    group = groups.create_group(db, admin, "Maths PLC", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, group.id, member.username)
    add_group_set_on_the_page(app_test, facilitator, group, "Number talks", "Strategies: Which strategies did we hear?")
    [stored] = prompt_store.stored_sets(db, facilitator)

    later = app_test(facilitator if viewer == "facilitator" else member)
    later.run()
    later.switch_page("views/prompts.py").run()
    assert not later.exception, later.exception
    labels = [expander.label.replace("\\", "") for expander in later.expander]
    assert sum(label.startswith("Number talks") for label in labels) == 2  # in the frameworks and under my sets
    delete_keys = {button.key for button in later.button if button.key.startswith("prompts_delete_")}
    assert delete_keys == ({f"prompts_delete_{stored.id}"} if viewer == "facilitator" else set())
    if viewer == "facilitator":
        later.button(key=f"prompts_delete_{stored.id}").click().run()
        assert not later.exception, later.exception
        assert prompt_store.stored_sets(db, facilitator) == []


def test_a_learned_flag_offers_alternatives_and_no_apply_button(app_test, make_user):
    at = app_test(make_user())
    at.run()
    at.text_area(key="write_body").input("honestly half my 4th period is a waste of space, they just sit there").run()
    at.button(key="write_check_button").click().run()
    shown = texts(at.markdown)
    assert "found by the learned check" in shown and "Other ways to say it" in shown and "Ask yourself" in shown
    assert not [b for b in at.button if b.key and b.key.startswith("write_apply_")]
    assert [b for b in at.button if b.key and b.key.startswith("write_dismiss_")]
