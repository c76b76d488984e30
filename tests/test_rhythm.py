from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import rrule

from reflection import circles, groups, prompts, rhythm
from reflection.errors import AccessDenied, InvalidInput

LONDON = ZoneInfo("Europe/London")


def test_each_cadence_becomes_one_recurrence_rule(db, circle):
    group, first, _ = circle
    tuesday = date(2026, 9, 8)  # the second Tuesday of September
    expected = {"weekly": "FREQ=WEEKLY;BYDAY=TU", "fortnightly": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
                "monthly": "FREQ=MONTHLY;BYDAY=2TU"}
    for cadence, rule in expected.items():
        set_to = rhythm.set_rhythm(db, first, group.id, cadence, tuesday, time(15, 30), "Europe/London")
        assert set_to.recurrence == rule
    assert set_to.describe() == (
        "Once a month on the second Tuesday of the month at 15:30 (Europe/London), 45 minutes"
    )
    late = rhythm.set_rhythm(db, first, group.id, "monthly", date(2026, 9, 29), time(15, 30), "Europe/London")
    assert late.recurrence == "FREQ=MONTHLY;BYDAY=-1TU" and "last Tuesday" in late.describe()


def test_the_next_meeting_keeps_its_wall_clock_time_across_a_clock_change(db, circle):
    group, first, _ = circle
    weekly = rhythm.set_rhythm(db, first, group.id, "weekly", date(2026, 10, 20), time(15, 30), "Europe/London")
    # London leaves summer time on 25 October 2026.
    before = weekly.next_meeting(datetime(2026, 10, 21, tzinfo=UTC))
    assert before == datetime(2026, 10, 27, 15, 30, tzinfo=LONDON)
    assert before.utcoffset() == timedelta(0) and before.astimezone(UTC).hour == 15
    summer = weekly.next_meeting(datetime(2026, 10, 20, 13, tzinfo=UTC))
    assert summer == datetime(2026, 10, 20, 15, 30, tzinfo=LONDON) and summer.astimezone(UTC).hour == 14
    # A meeting under way is still "next" until it ends.
    during = weekly.next_meeting(datetime(2026, 10, 27, 15, 50, tzinfo=UTC))
    assert during == datetime(2026, 10, 27, 15, 30, tzinfo=LONDON)


def test_the_calendar_file_parses_and_repeats_like_the_app_says(db, circle):
    group, first, peer = circle
    set_to = rhythm.set_rhythm(db, first, group.id, "fortnightly", date(2026, 9, 8), time(15, 30), "Europe/London", 40)
    parsed = icalendar.Calendar.from_ical(rhythm.calendar_file(db, peer, group.id))
    assert str(parsed["version"]) == "2.0" and parsed["prodid"] == rhythm.PRODUCT_ID
    [zone] = parsed.walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/London"
    [event] = parsed.walk("VEVENT")
    assert event["summary"] == "Tuesday circle"
    assert event["uid"] == f"group-{group.id}-rhythm@reflection"
    start = event.decoded("dtstart")
    assert start == datetime(2026, 9, 8, 15, 30, tzinfo=LONDON) and event["dtstart"].params["TZID"] == "Europe/London"
    assert event.decoded("duration") == timedelta(minutes=40)
    assert event["rrule"].to_ical().decode() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    # Expanding the file's own rule gives the meeting the app shows.
    now = datetime(2026, 11, 1, tzinfo=UTC)
    from_file = rrule.rrulestr(event["rrule"].to_ical().decode(), dtstart=start).after(now)
    assert from_file == set_to.next_meeting(now) == datetime(2026, 11, 3, 15, 30, tzinfo=LONDON)
    assert rhythm.calendar_file_name(set_to) == "tuesday-circle.ics"


def test_the_uid_stays_the_same_so_a_second_import_updates_the_event(db, circle):
    group, first, _ = circle
    rhythm.set_rhythm(db, first, group.id, "weekly", date(2026, 9, 8), time(15, 30), "Europe/London")
    before = icalendar.Calendar.from_ical(rhythm.calendar_file(db, first, group.id)).walk("VEVENT")[0]
    rhythm.set_rhythm(db, first, group.id, "weekly", date(2026, 9, 10), time(8, 0), "America/Chicago")
    after = icalendar.Calendar.from_ical(rhythm.calendar_file(db, first, group.id)).walk("VEVENT")[0]
    assert before["uid"] == after["uid"] and after["rrule"].to_ical() == b"FREQ=WEEKLY;BYDAY=TH"


@pytest.mark.parametrize("change, message", [
    ({"cadence": "daily"}, "how often"),
    ({"timezone_name": "Mars/Olympus"}, "not a time zone"),
    ({"timezone_name": "../../etc/passwd"}, "not a time zone"),
    ({"minutes": 0}, "between 5 and 240"),
    ({"starts_on": "next Tuesday"}, "date and time"),
])
def test_bad_rhythms_are_refused_with_a_reason(db, circle, change, message):
    group, first, _ = circle
    values = {"cadence": "weekly", "starts_on": date(2026, 9, 8), "meets_at": time(15, 30),
              "timezone_name": "Europe/London", "minutes": 45, **change}
    with pytest.raises(InvalidInput, match=message):
        rhythm.set_rhythm(db, first, group.id, **values)
    assert rhythm.get_rhythm(db, first, group.id) is None


def test_a_plc_rhythm_is_its_facilitators_to_set_and_outsiders_get_no_calendar(db, circle, make_user):
    admin, facilitator, member, outsider = make_user("admin"), make_user(), make_user(), make_user()
    plc = groups.create_group(db, admin, "Maths PLC", facilitator_id=facilitator.id)
    groups.add_member(db, facilitator, plc.id, member.username)
    with pytest.raises(AccessDenied):
        rhythm.set_rhythm(db, member, plc.id, "weekly", date(2026, 9, 8), time(15, 30), "UTC")
    with pytest.raises(AccessDenied):
        rhythm.set_rhythm(db, admin, plc.id, "weekly", date(2026, 9, 8), time(15, 30), "UTC")
    rhythm.set_rhythm(db, facilitator, plc.id, "weekly", date(2026, 9, 8), time(15, 30), "UTC")
    assert rhythm.calendar_file(db, member, plc.id).startswith(b"BEGIN:VCALENDAR")
    group, _, peer = circle
    rhythm.set_rhythm(db, peer, group.id, "monthly", date(2026, 9, 8), time(15, 30), "UTC")  # any member of a circle
    for group_id in (plc.id, group.id):
        with pytest.raises(AccessDenied):
            rhythm.calendar_file(db, outsider, group_id)
    with pytest.raises(InvalidInput, match="no meeting rhythm"):
        rhythm.calendar_file(db, facilitator, groups.create_group(db, facilitator, "No rhythm yet").id)


def test_members_see_their_groups_next_meetings_soonest_first(db, circle, make_user):
    group, first, peer = circle
    admin = make_user("admin")
    plc = groups.create_group(db, admin, "Maths PLC", facilitator_id=first.id)
    rhythm.set_rhythm(db, first, group.id, "weekly", date(2026, 9, 10), time(8, 0), "UTC")
    rhythm.set_rhythm(db, first, plc.id, "weekly", date(2026, 9, 8), time(16, 0), "UTC")
    now = datetime(2026, 9, 1, tzinfo=UTC)
    assert [(m.rhythm.group_name, m.group_kind) for m in rhythm.upcoming_meetings(db, first, now)] == [
        ("Maths PLC", "plc"), ("Tuesday circle", "circle")]
    assert [m.rhythm.group_name for m in rhythm.upcoming_meetings(db, peer, now)] == ["Tuesday circle"]
    assert rhythm.upcoming_meetings(db, admin, now) == []  # admins are not members


def test_a_quiet_note_comes_after_two_missed_meetings_and_a_check_in_clears_it(db, circle):
    group, first, _ = circle
    weekly = rhythm.set_rhythm(db, first, group.id, "weekly", date(2026, 9, 8), time(15, 30), "UTC")
    assert rhythm.quiet_note(weekly, None, datetime(2026, 9, 10, tzinfo=UTC)) is None  # one missed
    note = rhythm.quiet_note(weekly, None, datetime(2026, 9, 16, tzinfo=UTC))
    assert note.startswith("Tuesday circle has not met yet: 2 of its meetings have passed.")
    met = datetime(2026, 9, 15, 15, 25, tzinfo=UTC)  # five minutes early still counts
    assert rhythm.missed_meetings(weekly, met, datetime(2026, 9, 23, tzinfo=UTC)) == 1
    assert "since 15 September: 2" in rhythm.quiet_note(weekly, met, datetime(2026, 9, 30, tzinfo=UTC))

    checkin = circles.start_checkin(db, first, group.id, prompts.load_library().get("circle_checkin"))
    today = datetime.fromisoformat(checkin.started_at)
    [upcoming] = rhythm.upcoming_meetings(db, first, today + timedelta(days=8))
    assert upcoming.quiet_note is None
    [upcoming] = rhythm.upcoming_meetings(db, first, today + timedelta(days=22))
    assert upcoming.quiet_note is not None


def test_every_zone_offered_is_one_the_server_can_use():
    zones = rhythm.time_zones()
    assert {"UTC", "Europe/London", "America/Chicago", "Australia/Sydney"} <= set(zones)
    assert all(ZoneInfo(name) for name in zones[:50])
