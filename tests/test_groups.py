from datetime import date, datetime, timedelta

import pytest

from reflection import debriefs, groups, prompts
from reflection.errors import AccessDenied, InvalidInput


@pytest.fixture(scope="module")
def library():
    return prompts.load_library()


@pytest.fixture
def plc(db, make_user):
    """A group run by a facilitator, with one member, created by an admin."""
    admin, facilitator, member = make_user("admin"), make_user(), make_user()
    group = groups.create_group(db, admin, "Year 8 science", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, group.id, member.username)
    return group, admin, facilitator, member


@pytest.fixture
def debrief(db, plc, library):
    group, _, facilitator, member = plc
    return debriefs.start_debrief(db, facilitator, group.id, library.get("tuning"), "Lab report unit", member.id)


def test_admin_creates_a_group_with_the_facilitator_they_pick(db, plc):
    group, admin, facilitator, member = plc
    assert group.my_role is None  # the admin manages it without being a member
    roles = {m.user_id: m.role for m in groups.list_members(db, facilitator, group.id)}
    assert roles == {facilitator.id: "facilitator", member.id: "member"}
    assert [g.name for g in groups.list_groups(db, member)] == ["Year 8 science"]


def test_only_admins_and_current_facilitators_create_groups(db, plc, make_user):
    _, _, facilitator, member = plc
    assert not groups.may_create_groups(db, member)
    with pytest.raises(AccessDenied):
        groups.create_group(db, member, "My own PLC")
    second = groups.create_group(db, facilitator, "Reading circle")
    assert second.is_facilitator
    with pytest.raises(InvalidInput, match="You become the facilitator"):
        groups.create_group(db, facilitator, "Another", facilitator_id=member.id)


def test_group_names_are_unique_and_required(db, plc):
    _, admin, facilitator, _ = plc
    with pytest.raises(InvalidInput, match="already a group"):
        groups.create_group(db, admin, "YEAR 8 SCIENCE", facilitator_id=facilitator.id)
    with pytest.raises(InvalidInput, match="group name"):
        groups.create_group(db, admin, "   ", facilitator_id=facilitator.id)


def test_invite_codes_work_once(db, plc, make_user):
    group, _, facilitator, member = plc
    newcomer, latecomer = make_user(), make_user()
    code = groups.create_invite_code(db, facilitator, group.id)
    assert len(code) >= 12
    with pytest.raises(AccessDenied):
        groups.create_invite_code(db, member, group.id)
    assert groups.join_with_code(db, newcomer, f"  {code} ").id == group.id
    with pytest.raises(InvalidInput, match="already been used"):
        groups.join_with_code(db, latecomer, code)
    with pytest.raises(InvalidInput, match="not valid"):
        groups.join_with_code(db, latecomer, "no-such-code")
    assert latecomer.id not in {m.user_id for m in groups.list_members(db, facilitator, group.id)}


def test_a_member_using_a_code_does_not_spend_it(db, plc, make_user):
    group, _, facilitator, member = plc
    code = groups.create_invite_code(db, facilitator, group.id)
    with pytest.raises(InvalidInput, match="already a member"):
        groups.join_with_code(db, member, code)
    groups.join_with_code(db, make_user(), code)


def test_the_last_facilitator_cannot_leave_until_they_promote_someone(db, plc):
    group, _, facilitator, member = plc
    with pytest.raises(InvalidInput, match="at least one facilitator"):
        groups.leave_group(db, facilitator, group.id)
    with pytest.raises(InvalidInput, match="at least one facilitator"):
        groups.remove_member(db, facilitator, group.id, facilitator.id)
    groups.promote_member(db, facilitator, group.id, member.id)
    groups.leave_group(db, facilitator, group.id)
    assert [(m.user_id, m.role) for m in groups.list_members(db, member, group.id)] == [(member.id, "facilitator")]


def test_members_leave_and_facilitators_remove_but_members_cannot(db, plc, make_user):
    group, _, facilitator, member = plc
    other = make_user()
    groups.add_member(db, facilitator, group.id, other.username)
    with pytest.raises(AccessDenied):
        groups.remove_member(db, member, group.id, other.id)
    groups.remove_member(db, facilitator, group.id, other.id)
    groups.leave_group(db, member, group.id)
    assert groups.list_groups(db, member) == []
    with pytest.raises(AccessDenied):
        groups.get_group(db, member, group.id)


def test_inviting_unknown_or_existing_accounts_is_explained(db, plc):
    group, _, facilitator, member = plc
    with pytest.raises(InvalidInput, match="no active account"):
        groups.add_member(db, facilitator, group.id, "nobody")
    with pytest.raises(InvalidInput, match="already a member"):
        groups.add_member(db, facilitator, group.id, member.username)


def test_facilitators_edit_norms_members_read_them(db, plc):
    group, _, facilitator, member = plc
    groups.set_norms(db, facilitator, group.id, "Assume good intent.\nStep up, step back.")
    assert groups.get_group(db, member, group.id).norms == "Assume good intent.\nStep up, step back."
    with pytest.raises(AccessDenied):
        groups.set_norms(db, member, group.id, "No norms")


def test_a_debrief_runs_through_its_steps(db, plc, debrief):
    group, _, facilitator, member = plc
    assert debrief.protocol_name == "Tuning protocol" and debrief.current_step == 0
    assert debrief.presenter_name == member.display_name and debrief.step.role == "facilitator"
    with pytest.raises(AccessDenied):
        debriefs.go_to_step(db, member, debrief.id, 1)
    moved = debriefs.go_to_step(db, facilitator, debrief.id, 1)
    assert moved.step.title == "Presentation" and moved.step_started_at >= debrief.step_started_at
    with pytest.raises(InvalidInput, match="steps 1 to"):
        debriefs.go_to_step(db, facilitator, debrief.id, len(debrief.steps))
    assert [d.id for d in debriefs.list_debriefs(db, member, group.id)] == [debrief.id]


def test_only_protocols_start_debriefs_and_presenters_are_members(db, plc, library, make_user):
    group, _, facilitator, member = plc
    with pytest.raises(InvalidInput, match="not a PLC protocol"):
        debriefs.start_debrief(db, facilitator, group.id, library.get("gibbs"), "x", member.id)
    with pytest.raises(InvalidInput, match="presenter"):
        debriefs.start_debrief(db, facilitator, group.id, library.get("atlas"), "x", make_user().id)
    with pytest.raises(AccessDenied):
        debriefs.start_debrief(db, member, group.id, library.get("atlas"), "x", member.id)


def test_the_step_clock_counts_minutes_against_the_suggestion(debrief):
    started = datetime.fromisoformat(debrief.step_started_at)
    clock = debriefs.step_clock(debrief, now=started + timedelta(minutes=3, seconds=20))
    assert (clock.suggested_minutes, clock.elapsed_minutes, clock.remaining_minutes) == (5, 3, 2)
    assert debriefs.step_clock(debrief, now=started + timedelta(minutes=7)).overtime


def test_notes_are_checked_for_deficit_language_with_the_groups_allowed_phrases(db, plc, debrief):
    group, _, facilitator, member = plc
    note = debriefs.add_note(db, member, debrief.id, 0, "Those students are lazy and never try.")
    assert note.author_name == member.display_name
    assert note.analysis.flags and note.analysis.flags[0].explanation and note.analysis.flags[0].category
    db.conn.executemany(
        "INSERT OR IGNORE INTO allowed_phrases (group_id, phrase, created_at) VALUES (?, ?, 't')",
        [(group.id, flag.text) for flag in note.analysis.flags],
    )
    edited = debriefs.update_note(db, facilitator, note.id, "Those students are lazy and never try.")
    assert edited.analysis.flags == [] and edited.author_id == member.id


@pytest.mark.parametrize("body, message", [("   \n ", "empty"), ("x" * 10_001, "limit is 10,000")])
def test_empty_and_overlong_notes_are_refused(db, plc, debrief, body, message):
    with pytest.raises(InvalidInput, match=message):
        debriefs.add_note(db, plc[3], debrief.id, 0, body)


def test_only_authors_and_facilitators_edit_notes(db, plc, debrief, make_user):
    group, _, facilitator, member = plc
    colleague = make_user()
    groups.add_member(db, facilitator, group.id, colleague.username)
    note = debriefs.add_note(db, member, debrief.id, 0, "We tried exit tickets.")
    with pytest.raises(AccessDenied):
        debriefs.update_note(db, colleague, note.id, "Changed")
    debriefs.delete_note(db, facilitator, note.id)
    assert debriefs.list_notes(db, member, debrief.id) == []


def test_action_items_have_member_owners_and_are_ticked_after_closing(db, plc, debrief, make_user):
    group, _, facilitator, member = plc
    with pytest.raises(InvalidInput, match="owner"):
        debriefs.add_action_item(db, member, debrief.id, "Try it", make_user().id)
    item = debriefs.add_action_item(db, facilitator, debrief.id, "Pilot the rubric", member.id, date(2030, 1, 15))
    assert (item.owner_name, item.due_on, item.done) == (member.display_name, date(2030, 1, 15), False)
    debriefs.close_debrief(db, facilitator, debrief.id)
    assert debriefs.set_action_item_done(db, member, item.id).done
    with pytest.raises(AccessDenied):
        debriefs.delete_action_item(db, member, item.id)


def test_a_closed_debrief_is_read_only(db, plc, debrief):
    _, _, facilitator, member = plc
    note = debriefs.add_note(db, member, debrief.id, 0, "A note")
    closed = debriefs.close_debrief(db, facilitator, debrief.id)
    assert not closed.is_open and closed.closed_at
    for attempt in (
        lambda: debriefs.add_note(db, member, debrief.id, 0, "Late note"),
        lambda: debriefs.update_note(db, member, note.id, "Edited"),
        lambda: debriefs.delete_note(db, facilitator, note.id),
        lambda: debriefs.go_to_step(db, facilitator, debrief.id, 1),
        lambda: debriefs.add_action_item(db, facilitator, debrief.id, "Late", member.id),
    ):
        with pytest.raises(AccessDenied):
            attempt()


def test_notes_of_deleted_accounts_show_as_former_member(db, plc, debrief):
    _, _, facilitator, member = plc
    debriefs.add_note(db, member, debrief.id, 0, "Keep this in the record.")
    db.execute("DELETE FROM users WHERE id = ?", [member.id])
    [note] = debriefs.list_notes(db, facilitator, debrief.id)
    assert note.author_id is None and note.author_name == "former member"
    assert "(former member)" in debriefs.debrief_markdown(db, facilitator, debrief.id)


def test_markdown_export_holds_steps_notes_and_action_items(db, plc, debrief):
    _, _, facilitator, member = plc
    debriefs.add_note(db, member, debrief.id, 1, "Line one\nline two")
    debriefs.add_action_item(db, facilitator, debrief.id, "Share the rubric", member.id, date(2030, 2, 1))
    debriefs.close_debrief(db, facilitator, debrief.id)
    markdown = debriefs.debrief_markdown(db, member, debrief.id)
    assert markdown.startswith("# Lab report unit\n")
    assert "## 2. Presentation" in markdown and "- Line one\n  line two (" in markdown
    assert f"- [ ] Share the rubric — {member.display_name}, due 2030-02-01" in markdown


def test_the_protocol_is_kept_as_it_was_when_the_debrief_started(db, plc, debrief):
    # Notes point at steps by index; a later edit of the protocol file must not move them.
    db.execute("UPDATE debriefs SET protocol = replace(protocol, '\"tuning\"', '\"gone\"') WHERE id = ?", [debrief.id])
    assert debriefs.get_debrief(db, plc[3], debrief.id).steps == debrief.steps


def test_admins_manage_groups_but_never_read_debriefs(db, plc, debrief):
    group, admin, _, _ = plc
    assert groups.get_group(db, admin, group.id).name == "Year 8 science"
    assert debriefs.list_debriefs(db, admin, group.id) == []
    with pytest.raises(AccessDenied):
        debriefs.get_debrief(db, admin, debrief.id)
    groups.delete_group(db, admin, group.id)
    assert groups.list_groups(db, admin) == []
