"""Every role × every kind of object × every action, through the real domain functions.

One world is built per module. Each cell runs inside a transaction that is rolled back, so an allowed
edit or delete in one cell never changes what the next cell sees. A cell counts as allowed when the
domain function succeeds (or, for list and search, when the object shows up in the results) and as
denied when it raises AccessDenied (or the object is absent). Cells with no domain function, such as
commenting on a group, are asked of `access.allowed` directly so that a future rule change is caught.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

import pytest

from reflection import (
    access,
    accounts,
    audit,
    circles,
    db as database,
    debriefs,
    groups,
    journal,
    newcomers,
    prompts,
    rhythm,
    sessions,
    sharing,
)
from reflection.errors import AccessDenied, InvalidInput, SessionEnded

ROLES = ("author", "other_teacher", "coach_with", "coach_other", "member", "non_member", "facilitator", "admin")

# Y: allowed, .: denied. Columns follow ROLES. "author" wrote the entries, the comment, the note and
# the action item; "coach_with" received coach_share; "coach_other" once received withdrawn_share;
# "member" and "facilitator" belong to the group the author shares into; "non_member" facilitates
# another group. Shares are edited through their entry (the copy itself never changes) and shared
# again from it. Commenting on a debrief means adding a note to it. Inviting into a group means adding
# other_teacher to it: a facilitator's job, which an admin may not do (they could add themselves).
EXPECTED = """
object           action    author other_teacher coach_with coach_other member non_member facilitator admin
private_entry    read      Y      .             .          .           .      .          .           .
private_entry    list      Y      .             .          .           .      .          .           .
private_entry    search    Y      .             .          .           .      .          .           .
private_entry    edit      Y      .             .          .           .      .          .           .
private_entry    delete    Y      .             .          .           .      .          .           .
private_entry    comment   .      .             .          .           .      .          .           .
private_entry    share     Y      .             .          .           .      .          .           .
coach_share      read      Y      .             Y          .           .      .          .           .
coach_share      list      Y      .             Y          .           .      .          .           .
coach_share      search    Y      .             Y          .           .      .          .           .
coach_share      edit      Y      .             .          .           .      .          .           .
coach_share      delete    Y      .             .          .           .      .          .           .
coach_share      comment   Y      .             Y          .           .      .          .           .
coach_share      share     Y      .             .          .           .      .          .           .
group_share      read      Y      .             .          .           Y      .          Y           .
group_share      list      Y      .             .          .           Y      .          Y           .
group_share      search    Y      .             .          .           Y      .          Y           .
group_share      edit      Y      .             .          .           .      .          .           .
group_share      delete    Y      .             .          .           .      .          .           .
group_share      comment   Y      .             .          .           Y      .          Y           .
group_share      share     Y      .             .          .           .      .          .           .
withdrawn_share  read      Y      .             .          .           .      .          .           .
withdrawn_share  list      Y      .             .          .           .      .          .           .
withdrawn_share  search    Y      .             .          .           .      .          .           .
withdrawn_share  edit      Y      .             .          .           .      .          .           .
withdrawn_share  delete    Y      .             .          .           .      .          .           .
withdrawn_share  comment   .      .             .          .           .      .          .           .
withdrawn_share  share     Y      .             .          .           .      .          .           .
comment          read      Y      .             Y          .           .      .          .           .
comment          list      Y      .             Y          .           .      .          .           .
comment          search    .      .             .          .           .      .          .           .
comment          edit      Y      .             .          .           .      .          .           .
comment          delete    Y      .             .          .           .      .          .           .
comment          comment   Y      .             Y          .           .      .          .           .
comment          share     .      .             .          .           .      .          .           .
group            read      Y      .             .          .           Y      .          Y           Y
group            list      Y      .             .          .           Y      .          Y           Y
group            search    .      .             .          .           .      .          .           .
group            edit      .      .             .          .           .      .          Y           Y
group            delete    .      .             .          .           .      .          .           Y
group            comment   .      .             .          .           .      .          .           .
group            share     Y      .             .          .           Y      .          Y           .
group            invite    .      .             .          .           .      .          Y           .
debrief          read      Y      .             .          .           Y      .          Y           .
debrief          list      Y      .             .          .           Y      .          Y           .
debrief          search    Y      .             .          .           Y      .          Y           .
debrief          edit      .      .             .          .           .      .          Y           .
debrief          delete    .      .             .          .           .      .          Y           .
debrief          comment   Y      .             .          .           Y      .          Y           .
debrief          share     .      .             .          .           .      .          .           .
note             read      Y      .             .          .           Y      .          Y           .
note             list      Y      .             .          .           Y      .          Y           .
note             search    Y      .             .          .           Y      .          Y           .
note             edit      Y      .             .          .           .      .          Y           .
note             delete    Y      .             .          .           .      .          Y           .
note             comment   .      .             .          .           .      .          .           .
note             share     .      .             .          .           .      .          .           .
action_item      read      Y      .             .          .           Y      .          Y           .
action_item      list      Y      .             .          .           Y      .          Y           .
action_item      search    Y      .             .          .           Y      .          Y           .
action_item      edit      Y      .             .          .           .      .          Y           .
action_item      delete    Y      .             .          .           .      .          Y           .
action_item      complete  Y      .             .          .           .      .          Y           .
action_item      comment   .      .             .          .           .      .          .           .
action_item      share     .      .             .          .           .      .          .           .
"""


def _parse(table: str, roles: tuple[str, ...] = ROLES) -> list[tuple[str, str, str, bool]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    assert tuple(header[2:]) == roles
    return [
        (obj, action, role, mark == "Y")
        for obj, action, *marks in rows
        for role, mark in zip(roles, marks, strict=True)
    ]


CELLS = _parse(EXPECTED)
PRIVATE_WORD = "xylophone"  # each searchable text has its own rare word
SHARED_WORD = "photosynthesis"


@dataclass
class World:
    db: object
    users: dict[str, accounts.User]
    own_entries: dict[str, int]  # one entry per role, for "share into the group"
    private_entry: int
    shared_entry: int
    coach_share: int
    group_share: int
    withdrawn_share: int
    comment: int
    group: int
    debrief: int
    note: int
    action_item: int


def _accounts_for(db, names: tuple[str, ...], roles: dict[str, str]) -> dict[str, accounts.User]:
    """One account per matrix column, a teacher unless `roles` says otherwise."""
    return {
        name: accounts.create_user(db, None, name.replace("_", "-"), name, "matrix password", roles.get(name, "teacher"))
        for name in names
    }


def _rolled_back(db, check: Callable[[], bool]) -> bool:
    """Run one cell in a transaction that is undone, so an allowed delete does not change the next cell."""
    db.conn.execute("BEGIN")
    try:
        return check()
    finally:
        db.conn.execute("ROLLBACK")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    db = database.connect(tmp_path_factory.mktemp("matrix") / "matrix.db")
    users = _accounts_for(db, ROLES, {"coach_with": "coach", "coach_other": "coach", "admin": "admin"})
    u = users
    group = groups.create_group(db, u["admin"], "Maths PLC", facilitator_id=u["facilitator"].id)
    groups.create_group(db, u["admin"], "History PLC", facilitator_id=u["non_member"].id)
    for name in ("author", "member"):
        groups.add_member(db, u["facilitator"], group.id, u[name].username)
    own_entries = {
        name: journal.create_entry(db, user, journal.EntryDraft(body=f"My own notes, {name}.")).id
        for name, user in users.items()
    }
    author = u["author"]
    private = journal.create_entry(db, author, journal.EntryDraft(body=f"A quiet {PRIVATE_WORD} lesson."))
    shared = journal.create_entry(db, author, journal.EntryDraft(body=f"Maria led the {SHARED_WORD} lab."))
    coach_share = sharing.share_entry(db, author, shared.id, coach_id=u["coach_with"].id, include_flags=True)
    group_share = sharing.share_entry(db, author, shared.id, group_id=group.id)
    withdrawn = sharing.share_entry(db, author, shared.id, coach_id=u["coach_other"].id)
    sharing.withdraw_share(db, author, withdrawn.id)
    comment = sharing.add_comment(db, author, coach_share.id, "question", "What did Maria notice?")
    debrief = debriefs.start_debrief(
        db, u["facilitator"], group.id, prompts.load_library().get("tuning"), "Fractions unit", author.id
    )
    note = debriefs.add_note(db, author, debrief.id, 0, "We started with a number talk.")
    item = debriefs.add_action_item(db, author, debrief.id, "Try number talks", author.id, date(2030, 1, 1))
    return World(
        db, users, own_entries, private.id, shared.id, coach_share.id, group_share.id, withdrawn.id,
        comment.id, group.id, debrief.id, note.id, item.id,
    )


def _succeeds(call: Callable[[], object]) -> bool:
    try:
        call()
    except AccessDenied:
        return False
    return True


def _shows(call: Callable[[], bool]) -> bool:
    """For list and search: found in the results; a refusal to list at all also counts as denied."""
    try:
        return call()
    except AccessDenied:
        return False


def _row(w: World, table: str, object_id: int) -> dict:
    return next(iter(w.db.query(f"SELECT * FROM {table} WHERE id = ?", [object_id])))


def _rule(w: World, user, action: str, kind: str, table: str, object_id: int) -> bool:
    return access.allowed(w.db, user, action, kind, _row(w, table, object_id))


def _entry_actions(w: World, user, entry_id: int) -> dict[str, Callable[[], bool]]:
    db = w.db
    return {
        "read": lambda: _succeeds(lambda: journal.get_entry(db, user, entry_id)),
        "list": lambda: entry_id in [e.id for e in journal.list_entries(db, user, page_size=100).entries],
        "search": lambda: entry_id in [h.entry.id for h in journal.search_entries(db, user, PRIVATE_WORD)],
        "edit": lambda: _succeeds(lambda: journal.update_entry(db, user, entry_id, journal.EntryDraft(body="Edited."))),
        "delete": lambda: _succeeds(lambda: journal.delete_entry(db, user, entry_id)),
        "comment": lambda: _rule(w, user, "comment", "entry", "entries", entry_id),
        "share": lambda: _succeeds(
            lambda: sharing.share_entry(db, user, entry_id, coach_id=w.users["coach_with"].id)
        ),
    }


def _share_actions(w: World, user, share_id: int) -> dict[str, Callable[[], bool]]:
    """A shared entry: its copy for recipients, the entry behind it for its author."""
    db = w.db
    entry_id = w.shared_entry

    def listed() -> bool:
        shares = sharing.list_received_shares(db, user) + sharing.list_my_shares(db, user)
        return share_id in [s.id for s in shares]

    def found() -> bool:
        received = [s.id for s in sharing.search_received_shares(db, user, SHARED_WORD)]
        own = [h.entry.id for h in journal.search_entries(db, user, SHARED_WORD)]
        return share_id in received or entry_id in own

    return {
        "read": lambda: _succeeds(lambda: sharing.get_share(db, user, share_id)),
        "list": lambda: _shows(listed),
        "search": found,
        "edit": lambda: _succeeds(lambda: journal.update_entry(db, user, entry_id, journal.EntryDraft(body="Edited."))),
        "delete": lambda: _succeeds(lambda: sharing.withdraw_share(db, user, share_id)),
        "comment": lambda: _succeeds(lambda: sharing.add_comment(db, user, share_id, "note", "A thought.")),
        "share": lambda: _succeeds(
            # coach_other's earlier share was withdrawn, so sharing there again is not a duplicate.
            lambda: sharing.share_entry(db, user, entry_id, coach_id=w.users["coach_other"].id)
        ),
    }


def _comment_actions(w: World, user) -> dict[str, Callable[[], bool]]:
    db, comment_id, share_id = w.db, w.comment, w.coach_share
    in_thread = lambda: _shows(lambda: comment_id in [c.id for c in sharing.list_comments(db, user, share_id)])  # noqa: E731
    return {
        "read": in_thread,
        "list": in_thread,
        "search": lambda: _rule(w, user, "search", "comment", "comments", comment_id),
        "edit": lambda: _succeeds(lambda: sharing.update_comment(db, user, comment_id, "note", "Edited.")),
        "delete": lambda: _succeeds(lambda: sharing.delete_comment(db, user, comment_id)),
        "comment": lambda: _succeeds(lambda: sharing.add_comment(db, user, share_id, "note", "A reply.")),
        "share": lambda: _rule(w, user, "share", "comment", "comments", comment_id),
    }


def _group_actions(w: World, user, role: str) -> dict[str, Callable[[], bool]]:
    db, group_id = w.db, w.group
    return {
        "read": lambda: _succeeds(lambda: groups.get_group(db, user, group_id)),
        "list": lambda: group_id in [g.id for g in groups.list_groups(db, user)],
        "search": lambda: _rule(w, user, "search", "group", "groups", group_id),
        "edit": lambda: _succeeds(lambda: groups.set_norms(db, user, group_id, "Be kind.")),
        "delete": lambda: _succeeds(lambda: groups.delete_group(db, user, group_id)),
        "comment": lambda: _rule(w, user, "comment", "group", "groups", group_id),
        "share": lambda: _succeeds(lambda: sharing.share_entry(db, user, w.own_entries[role], group_id=group_id)),
        "invite": lambda: _succeeds(lambda: groups.add_member(db, user, group_id, w.users["other_teacher"].username)),
    }


def _debrief_actions(w: World, user) -> dict[str, Callable[[], bool]]:
    db, debrief_id = w.db, w.debrief
    return {
        "read": lambda: _succeeds(lambda: debriefs.get_debrief(db, user, debrief_id)),
        "list": lambda: debrief_id in [d.id for d in debriefs.list_debriefs(db, user, w.group)],
        "search": lambda: _rule(w, user, "search", "debrief", "debriefs", debrief_id),
        "edit": lambda: _succeeds(lambda: debriefs.go_to_step(db, user, debrief_id, 1)),
        "delete": lambda: _succeeds(lambda: debriefs.delete_debrief(db, user, debrief_id)),
        "comment": lambda: _succeeds(lambda: debriefs.add_note(db, user, debrief_id, 0, "A note.")),
        "share": lambda: _rule(w, user, "share", "debrief", "debriefs", debrief_id),
    }


def _note_actions(w: World, user) -> dict[str, Callable[[], bool]]:
    db, note_id = w.db, w.note
    listed = lambda: _shows(lambda: note_id in [n.id for n in debriefs.list_notes(db, user, w.debrief)])  # noqa: E731
    return {
        "read": listed,
        "list": listed,
        "search": lambda: _rule(w, user, "search", "note", "debrief_notes", note_id),
        "edit": lambda: _succeeds(lambda: debriefs.update_note(db, user, note_id, "Edited note.")),
        "delete": lambda: _succeeds(lambda: debriefs.delete_note(db, user, note_id)),
        "comment": lambda: _rule(w, user, "comment", "note", "debrief_notes", note_id),
        "share": lambda: _rule(w, user, "share", "note", "debrief_notes", note_id),
    }


def _action_item_actions(w: World, user) -> dict[str, Callable[[], bool]]:
    db, item_id = w.db, w.action_item
    listed = lambda: _shows(lambda: item_id in [i.id for i in debriefs.list_action_items(db, user, w.debrief)])  # noqa: E731
    return {
        "read": listed,
        "list": listed,
        "search": lambda: _rule(w, user, "search", "action_item", "action_items", item_id),
        "edit": lambda: _rule(w, user, "edit", "action_item", "action_items", item_id),
        "delete": lambda: _succeeds(lambda: debriefs.delete_action_item(db, user, item_id)),
        "complete": lambda: _succeeds(lambda: debriefs.set_action_item_done(db, user, item_id)),
        "comment": lambda: _rule(w, user, "comment", "action_item", "action_items", item_id),
        "share": lambda: _rule(w, user, "share", "action_item", "action_items", item_id),
    }


def _actions(w: World, obj: str, role: str) -> dict[str, Callable[[], bool]]:
    user = w.users[role]
    return {
        "private_entry": lambda: _entry_actions(w, user, w.private_entry),
        "coach_share": lambda: _share_actions(w, user, w.coach_share),
        "group_share": lambda: _share_actions(w, user, w.group_share),
        "withdrawn_share": lambda: _share_actions(w, user, w.withdrawn_share),
        "comment": lambda: _comment_actions(w, user),
        "group": lambda: _group_actions(w, user, role),
        "debrief": lambda: _debrief_actions(w, user),
        "note": lambda: _note_actions(w, user),
        "action_item": lambda: _action_item_actions(w, user),
    }[obj]()


def test_every_object_and_action_has_a_row_for_every_role():
    rows = {(obj, action) for obj, action, _, _ in CELLS}
    for obj in {obj for obj, _ in rows}:
        assert {"read", "list", "search", "edit", "delete", "comment", "share"} <= {a for o, a in rows if o == obj}


@pytest.mark.parametrize(
    "obj, action, role, expected", CELLS, ids=[f"{o}-{a}-{r}" for o, a, r, _ in CELLS]
)
def test_access_matrix(world, obj, action, role, expected):
    assert _rolled_back(world.db, lambda: _actions(world, obj, role)[action]()) is expected


# What an outsider reaches for: (the existing object's id, the domain call that must refuse it).
REACHES = {
    "entry": (lambda w: w.private_entry, journal.get_entry),
    "share": (lambda w: w.coach_share, sharing.get_share),
    "comments": (lambda w: w.coach_share, sharing.list_comments),
    "comment": (lambda w: w.comment, sharing.delete_comment),
    "group": (lambda w: w.group, groups.get_group),
    "debrief": (lambda w: w.debrief, debriefs.get_debrief),
    "notes": (lambda w: w.debrief, debriefs.list_notes),
    "note": (lambda w: w.note, debriefs.delete_note),
    "action_item": (lambda w: w.action_item, debriefs.delete_action_item),
}


@pytest.mark.parametrize("kind", list(REACHES))
def test_denials_do_not_reveal_whether_the_object_exists(world, kind):
    object_id_of, reach = REACHES[kind]
    messages = []
    for object_id in (object_id_of(world), 999_999):
        with pytest.raises(AccessDenied) as denied:
            reach(world.db, world.users["other_teacher"], object_id)
        messages.append(str(denied.value))
    assert messages == [access.DENIED_MESSAGE, access.DENIED_MESSAGE]


def test_an_admin_cannot_join_a_group_they_do_not_facilitate_by_any_path(db, make_user):
    admin, facilitator, member = make_user("admin"), make_user(), make_user()
    group = groups.create_group(db, admin, "Science PLC", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, group.id, member.username)
    with pytest.raises(AccessDenied):
        groups.add_member(db, admin, group.id, admin.username)
    with pytest.raises(AccessDenied):
        groups.create_invite_code(db, admin, group.id)  # a code they could then use themselves
    with pytest.raises(AccessDenied):
        groups.promote_member(db, admin, group.id, member.id)
    assert access.group_role(db, admin, group.id) is None
    # What stays an admin's: seeing the group exists, its norms, deleting it.
    groups.set_norms(db, admin, group.id, "Start on time.")
    groups.delete_group(db, admin, group.id)


def test_an_admin_password_reset_is_seen_by_the_owner_and_reads_nothing_unnoticed(db, make_user, password):
    admin, teacher = make_user("admin"), make_user()
    journal.create_entry(db, teacher, journal.EntryDraft(body=f"A quiet {PRIVATE_WORD} lesson."))
    teachers_tab = sessions.start(db, teacher.id)
    accounts.reset_password(db, admin, teacher.id, "temporary passphrase")

    with pytest.raises(SessionEnded):  # every open session of the teacher ends at once
        sessions.resume(db, teachers_tab)
    signed_in = accounts.authenticate(db, teacher.username, "temporary passphrase")
    assert signed_in.must_change_password  # the app shows nothing but "choose a new password"
    [notice] = audit.unseen_notices(db, signed_in)
    assert re.fullmatch(
        rf"Your password was reset by {admin.display_name} \({admin.username}\) on \d+ \w+ \d{{4}} at \d\d:\d\d UTC\.",
        notice.message,
    )
    with pytest.raises(InvalidInput, match="of your own"):
        accounts.choose_new_password(db, signed_in, "temporary passphrase")
    accounts.choose_new_password(db, signed_in, "only I know this one")
    assert not accounts.get_user(db, teacher.id).must_change_password
    # The owner's history keeps the reset even after the notice is dismissed; admins cannot clear it.
    audit.dismiss_notices(db, signed_in)
    assert audit.unseen_notices(db, signed_in) == []
    assert [event.event for event in audit.history(db, signed_in)] == ["password_changed", "password_reset"]
    with pytest.raises(InvalidInput, match="current one"):  # no way round the current password later
        accounts.choose_new_password(db, signed_in, "another password of mine")


# --- a coach's access ends with the coach role; a coach's deletion takes only what was theirs ---------


@pytest.fixture
def coaching(db, make_user):
    """A teacher's share with their coach, the coach's question on it and the teacher's reply."""
    admin, teacher, coach = make_user("admin"), make_user(), make_user("coach")
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body=f"Maria led the {SHARED_WORD} lab."))
    share = sharing.share_entry(db, teacher, entry.id, coach_id=coach.id, include_flags=True)
    question = sharing.add_comment(db, coach, share.id, "question", "What did Maria notice?")
    reply = sharing.add_comment(db, teacher, share.id, "note", "The bubbles on the leaf.")
    return admin, teacher, coach, share, question, reply


@pytest.mark.parametrize("new_role", ["teacher", "admin"])
def test_a_coach_whose_role_changes_loses_the_shares_sent_to_them_as_a_coach(db, coaching, new_role):
    from reflection import insights

    admin, teacher, coach, share, question, _ = coaching
    accounts.set_role(db, admin, coach.id, new_role)
    former = accounts.get_user(db, coach.id)
    row = database.one_row(db, "SELECT * FROM shares WHERE id = ?", [share.id])
    assert [action for action in ("read", "list", "search", "comment") if access.allowed(db, former, action, "share", row)] == []
    for reach in (
        lambda: sharing.get_share(db, former, share.id),
        lambda: sharing.list_comments(db, former, share.id),
        lambda: sharing.add_comment(db, former, share.id, "note", "Still here?"),
        lambda: sharing.update_comment(db, former, question.id, "question", "Edited after leaving."),
        lambda: sharing.delete_comment(db, former, question.id),
    ):
        with pytest.raises(AccessDenied):
            reach()
    assert sharing.list_received_shares(db, former) == []
    assert sharing.search_received_shares(db, former, SHARED_WORD) == []
    assert insights.load_shared_facts(db, former) == []
    # The teacher keeps the share and the whole thread.
    assert [c.body for c in sharing.list_comments(db, teacher, share.id)] == ["What did Maria notice?",
                                                                             "The bubbles on the leaf."]


def test_a_coach_deleting_their_account_leaves_the_teachers_copy_and_replies(db, coaching):
    from reflection import account_deletion

    _, teacher, coach, share, _, reply = coaching
    account_deletion.delete_account(db, coach, coach.username)
    [kept] = sharing.list_my_shares(db, teacher)
    assert kept.id == share.id and kept.body == f"Maria led the {SHARED_WORD} lab."
    assert kept.is_withdrawn and kept.recipient_name == sharing.FORMER_COACH  # no thread left to reply to
    # The coach's own comment goes with their account; the teacher's reply stays theirs.
    assert [c.body for c in sharing.list_comments(db, teacher, share.id)] == [reply.body]


# --- peer circles -------------------------------------------------------------------------------------

CIRCLE_ROLES = ("author", "peer", "coach_member", "coach", "facilitator", "other_teacher", "admin")

# "author" started the circle's check-in and wrote its note, the question and the answer; "peer" and
# "coach_member" (a coach invited like anyone else) are the other members; "coach" and "facilitator"
# (of a PLC the author is in) are outside the circle; "admin" created the circle for the author. On a
# circle, edit means proposing norms, comment means posting a question, share means sharing an entry
# into it, invite means adding other_teacher, manage means removing a member and rhythm means setting
# the meeting rhythm. On a check-in, edit means moving it to another step and comment adding a note.
# On a question, comment means answering it. Nothing in a circle can be edited after posting.
CIRCLE_EXPECTED = """
object        action    author peer coach_member coach facilitator other_teacher admin
circle        read      Y      Y    Y            .     .           .             Y
circle        list      Y      Y    Y            .     .           .             Y
circle        search    .      .    .            .     .           .             .
circle        edit      Y      Y    Y            .     .           .             .
circle        delete    .      .    .            .     .           .             Y
circle        comment   Y      Y    Y            .     .           .             .
circle        share     Y      Y    Y            .     .           .             .
circle        invite    Y      Y    Y            .     .           .             .
circle        manage    .      .    .            .     .           .             .
circle        rhythm    Y      Y    Y            .     .           .             .
checkin       read      Y      Y    Y            .     .           .             .
checkin       list      Y      Y    Y            .     .           .             .
checkin       search    Y      Y    Y            .     .           .             .
checkin       edit      Y      Y    Y            .     .           .             .
checkin       delete    Y      .    .            .     .           .             .
checkin       comment   Y      Y    Y            .     .           .             .
checkin       share     .      .    .            .     .           .             .
checkin_note  read      Y      Y    Y            .     .           .             .
checkin_note  list      Y      Y    Y            .     .           .             .
checkin_note  search    Y      Y    Y            .     .           .             .
checkin_note  edit      Y      .    .            .     .           .             .
checkin_note  delete    Y      .    .            .     .           .             .
checkin_note  comment   .      .    .            .     .           .             .
checkin_note  share     .      .    .            .     .           .             .
question      read      Y      Y    Y            .     .           .             .
question      list      Y      Y    Y            .     .           .             .
question      search    Y      Y    Y            .     .           .             .
question      edit      .      .    .            .     .           .             .
question      delete    Y      .    .            .     .           .             .
question      comment   Y      Y    Y            .     .           .             .
question      share     .      .    .            .     .           .             .
answer        read      Y      Y    Y            .     .           .             .
answer        list      Y      Y    Y            .     .           .             .
answer        search    Y      Y    Y            .     .           .             .
answer        edit      .      .    .            .     .           .             .
answer        delete    Y      .    .            .     .           .             .
answer        comment   .      .    .            .     .           .             .
answer        share     .      .    .            .     .           .             .
newcomer      manage    .      .    .            .     Y           .             Y
"""

CIRCLE_CELLS = _parse(CIRCLE_EXPECTED, CIRCLE_ROLES)


@dataclass
class CircleWorld:
    db: object
    users: dict[str, accounts.User]
    own_entries: dict[str, int]
    group: int  # the circle; these three names let check-ins and their notes share the PLC's actions
    debrief: int  # the check-in
    note: int
    question: int
    answer: int


@pytest.fixture(scope="module")
def circle_world(tmp_path_factory) -> CircleWorld:
    db = database.connect(tmp_path_factory.mktemp("circle-matrix") / "matrix.db")
    users = _accounts_for(db, CIRCLE_ROLES, {"coach_member": "coach", "coach": "coach", "admin": "admin"})
    u = users
    plc = groups.create_group(db, u["admin"], "Maths PLC", facilitator_id=u["facilitator"].id)
    groups.add_member(db, u["facilitator"], plc.id, u["author"].username)
    circle = circles.create_circle(db, u["admin"], "Tuesday circle", first_member_id=u["author"].id)
    for name in ("peer", "coach_member"):
        groups.add_member(db, u["author"], circle.id, u[name].username)
    checkin = circles.start_checkin(db, u["author"], circle.id, prompts.load_library().get("circle_checkin"))
    note = debriefs.add_note(db, u["author"], checkin.id, 0, f"A {SHARED_WORD} win this week.")
    question = circles.post_question(db, u["author"], circle.id, "Where do I find the cover rota?")
    answer = circles.answer_question(db, u["author"], question.id, "Answering my own: the staff room board.")
    own_entries = {
        name: journal.create_entry(db, user, journal.EntryDraft(body=f"My own notes, {name}.")).id
        for name, user in users.items()
    }
    return CircleWorld(db, users, own_entries, circle.id, checkin.id, note.id, question.id, answer.id)


def _circle_actions(w: CircleWorld, user, role: str) -> dict[str, Callable[[], bool]]:
    db, circle_id = w.db, w.group
    return {
        "read": lambda: _succeeds(lambda: groups.get_group(db, user, circle_id)),
        "list": lambda: circle_id in [g.id for g in groups.list_groups(db, user, kind="circle")],
        "search": lambda: _rule(w, user, "search", "group", "groups", circle_id),
        "edit": lambda: _succeeds(lambda: circles.propose_norms(db, user, circle_id, "We listen first.")),
        "delete": lambda: _succeeds(lambda: groups.delete_group(db, user, circle_id)),
        "comment": lambda: _succeeds(lambda: circles.post_question(db, user, circle_id, "A question?")),
        "share": lambda: _succeeds(lambda: sharing.share_entry(db, user, w.own_entries[role], group_id=circle_id)),
        "invite": lambda: _succeeds(lambda: groups.add_member(db, user, circle_id, w.users["other_teacher"].username)),
        "manage": lambda: _succeeds(lambda: groups.remove_member(db, user, circle_id, w.users["peer"].id)),
        "rhythm": lambda: _succeeds(
            lambda: rhythm.set_rhythm(db, user, circle_id, "weekly", date(2030, 1, 1), time(15, 30), "UTC")
        ),
    }


def _question_actions(w: CircleWorld, user) -> dict[str, Callable[[], bool]]:
    db, question_id = w.db, w.question
    listed = lambda: question_id in [q.id for q in circles.list_questions(db, user, w.group)]  # noqa: E731
    return {
        "read": lambda: _succeeds(lambda: circles.get_question(db, user, question_id)),
        "list": listed,
        "search": lambda: _rule(w, user, "search", "question", "circle_questions", question_id),
        "edit": lambda: _rule(w, user, "edit", "question", "circle_questions", question_id),
        "delete": lambda: _succeeds(lambda: circles.delete_question(db, user, question_id)),
        "comment": lambda: _succeeds(lambda: circles.answer_question(db, user, question_id, "An answer.")),
        "share": lambda: _rule(w, user, "share", "question", "circle_questions", question_id),
    }


def _answer_actions(w: CircleWorld, user) -> dict[str, Callable[[], bool]]:
    db, answer_id = w.db, w.answer

    def listed() -> bool:
        return answer_id in [a.id for q in circles.list_questions(db, user, w.group) for a in q.answers]

    return {
        "read": listed,
        "list": listed,
        "search": lambda: _rule(w, user, "search", "answer", "circle_answers", answer_id),
        "edit": lambda: _rule(w, user, "edit", "answer", "circle_answers", answer_id),
        "delete": lambda: _succeeds(lambda: circles.delete_answer(db, user, answer_id)),
        "comment": lambda: _rule(w, user, "comment", "answer", "circle_answers", answer_id),
        "share": lambda: _rule(w, user, "share", "answer", "circle_answers", answer_id),
    }


def _circle_world_actions(w: CircleWorld, obj: str, role: str) -> dict[str, Callable[[], bool]]:
    user = w.users[role]
    return {
        "circle": lambda: _circle_actions(w, user, role),
        "checkin": lambda: _debrief_actions(w, user),
        "checkin_note": lambda: _note_actions(w, user),
        "question": lambda: _question_actions(w, user),
        "answer": lambda: _answer_actions(w, user),
        "newcomer": lambda: {"manage": lambda: _succeeds(
            lambda: newcomers.mark_newcomer(w.db, user, w.users["author"].id))},
    }[obj]()


@pytest.mark.parametrize(
    "obj, action, role, expected", CIRCLE_CELLS, ids=[f"{o}-{a}-{r}" for o, a, r, _ in CIRCLE_CELLS]
)
def test_circle_access_matrix(circle_world, obj, action, role, expected):
    assert _rolled_back(circle_world.db, lambda: _circle_world_actions(circle_world, obj, role)[action]()) is expected


def test_every_circle_object_has_every_action_for_every_role():
    rows = {(obj, action) for obj, action, _, _ in CIRCLE_CELLS}
    for obj in {obj for obj, _ in rows} - {"newcomer"}:
        assert {"read", "list", "search", "edit", "delete", "comment", "share"} <= {a for o, a in rows if o == obj}
