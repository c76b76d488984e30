from datetime import date, timedelta

import pytest

from reflection import circles, groups, newcomers, prompts
from reflection.errors import AccessDenied, InvalidInput


@pytest.fixture
def school(db, make_user):
    """An admin, a PLC facilitator with a new colleague in the PLC, and a circle that welcomes newcomers."""
    admin, facilitator, newcomer, peer = make_user("admin"), make_user(), make_user(), make_user()
    plc = groups.create_group(db, admin, "Maths PLC", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, plc.id, newcomer.username)
    circle = circles.create_circle(db, peer, "Open circle")
    circles.set_welcomes_newcomers(db, peer, circle.id, True)
    return admin, facilitator, newcomer, peer, circle


def test_admins_and_the_newcomers_facilitators_mark_them_new_and_nobody_else(db, school, make_user):
    admin, facilitator, newcomer, peer, _ = school
    stranger = make_user()
    for who, account in ((peer, newcomer), (newcomer, newcomer), (facilitator, stranger)):
        with pytest.raises(AccessDenied):
            newcomers.mark_newcomer(db, who, account.id)
    assert not newcomers.is_newcomer(db, newcomer)
    newcomers.mark_newcomer(db, facilitator, newcomer.id)
    assert newcomers.is_newcomer(db, newcomer)
    newcomers.mark_newcomer(db, admin, stranger.id)
    newcomers.mark_newcomer(db, admin, stranger.id, new=False)
    assert not newcomers.is_newcomer(db, stranger)


def test_a_newcomer_is_offered_welcoming_circles_with_room_and_the_first_weeks_prompts(db, school, make_user):
    admin, _, newcomer, peer, circle = school
    closed = circles.create_circle(db, make_user(), "Closed circle")
    assert newcomers.circles_open_to(db, newcomer) == []  # not marked yet
    newcomers.mark_newcomer(db, admin, newcomer.id)
    assert [(c.name, c.members) for c in newcomers.circles_open_to(db, newcomer)] == [("Open circle", 1)]
    with pytest.raises(InvalidInput, match="not open to join"):
        newcomers.join_open_circle(db, newcomer, closed.id)
    joined = newcomers.join_open_circle(db, newcomer, circle.id)
    assert joined.my_role == "member" and newcomers.circles_open_to(db, newcomer) == []
    assert prompts.load_library().get(newcomers.FIRST_WEEKS_PROMPT_SET).kind == "reflection"


def test_members_see_who_is_new_until_the_mark_lapses(db, school):
    admin, _, newcomer, peer, circle = school
    newcomers.mark_newcomer(db, admin, newcomer.id)
    newcomers.join_open_circle(db, newcomer, circle.id)
    seen = {m.user_id: m.new_this_year for m in groups.list_members(db, peer, circle.id)}
    assert seen == {peer.id: False, newcomer.id: True}
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    db.execute("UPDATE users SET newcomer_until = ? WHERE id = ?", [yesterday, newcomer.id])
    assert not newcomers.is_newcomer(db, newcomer)
    assert not any(m.new_this_year for m in groups.list_members(db, peer, circle.id))


def test_a_full_circle_is_not_offered(db, school, make_user):
    admin, _, newcomer, peer, circle = school
    for _ in range(groups.MAX_CIRCLE_MEMBERS - 1):
        groups.add_member(db, peer, circle.id, make_user().username)
    newcomers.mark_newcomer(db, admin, newcomer.id)
    assert newcomers.circles_open_to(db, newcomer) == []
