"""In a real browser: a teacher starts a peer circle, invites a colleague, sets its rhythm, downloads the
calendar file, and the two run a check-in from its first step to closing it."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
from browser_app import StreamlitPage
from dateutil import rrule

from reflection import circles, debriefs, groups

CIRCLE = "Second-year science circle"
WIN = "Paired lab roles meant everyone handled the equipment."
PUZZLE = "Why did the quiet table stop asking questions after break?"


def test_a_circle_from_creation_through_a_check_in_with_its_calendar_file(app_server, app_db, make_account,
                                                                          new_tab, tmp_path):
    first = make_account("teacher", "Ms. Okafor")
    peer = make_account("teacher", "Mr. Lindqvist")

    tab = StreamlitPage(new_tab(), app_server)
    tab.sign_in_to_write(first.username)
    tab.go_to("Peer circles")
    tab.expect_text("You are not in a circle yet.")
    tab.rerun_after(tab.main.get_by_text("Start a circle").click)  # a keyed expander reruns as it opens
    tab.commit("Circle name", CIRCLE)
    tab.click("Start circle")
    tab.expect_text("Circle started.")
    [circle] = groups.list_groups(app_db, first, kind="circle")

    tab.rerun_after(tab.main.get_by_role("tab", name="Members & norms").click)  # a keyed tab reruns too
    tab.commit("Add an account by username", peer.username)
    tab.click("Add member")
    tab.expect_text("Member added.")
    assert {m.user_id for m in groups.list_members(app_db, first, circle.id)} == {first.id, peer.id}

    tab.rerun_after(tab.main.get_by_role("tab", name="Meet").click)
    tab.rerun_after(tab.main.get_by_text("Set the meeting rhythm").click)
    tab.choose("circles_rhythm_cadence", "Every two weeks")
    tab.click("Save rhythm")
    tab.expect_text("Meeting rhythm saved.")
    tab.expect_text("Next meeting:")

    with tab.page.expect_download() as download_info:
        tab.keyed("circles_calendar").get_by_role("button").click()
    download = download_info.value
    assert download.suggested_filename == "second-year-science-circle.ics"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    calendar = icalendar.Calendar.from_ical(saved.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert event["summary"] == CIRCLE and event.decoded("duration") == timedelta(minutes=45)
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and (start.hour, start.minute) == (15, 30)
    assert event["rrule"].to_ical().decode().startswith("FREQ=WEEKLY;INTERVAL=2;BYDAY=")
    assert calendar.walk("VTIMEZONE") or str(start.tzinfo) == "UTC"
    # The next meeting the file gives is the one the page shows.
    next_meeting = rrule.rrulestr(event["rrule"].to_ical().decode(), dtstart=start).after(
        datetime.now(start.tzinfo) - timedelta(minutes=45), inc=True)
    tab.expect_text(f"{next_meeting:%A} {next_meeting.day} {next_meeting:%B} at 15:30")

    tab.click("Start check-in")
    tab.expect_text("Check-in started.")
    tab.expect_text("Arrive")
    tab.click("Next step →")
    tab.expect_heading("One win")
    tab.commit("Add a note", WIN)
    tab.click("Add note")
    tab.expect_text(WIN)

    peer_tab = StreamlitPage(new_tab(), app_server)
    peer_tab.sign_in_to_write(peer.username)
    peer_tab.expect_text(f"Next meeting of your circle {CIRCLE}")
    peer_tab.go_to("Peer circles")
    [checkin] = debriefs.list_debriefs(app_db, peer, circle.id)
    peer_tab.click_key(f"circles_open_{checkin.id}")
    peer_tab.expect_text(WIN)
    peer_tab.click("Next step →")  # any member moves the round on
    peer_tab.expect_heading("One puzzle")
    peer_tab.commit("Add a note", PUZZLE)
    peer_tab.click("Add note")
    peer_tab.expect_text(PUZZLE)
    peer_tab.click("Close check-in…")
    peer_tab.click("Yes, close it")  # closing asks first
    peer_tab.expect_text("Check-in closed.")

    closed = debriefs.get_debrief(app_db, first, checkin.id)
    assert not closed.is_open and closed.facilitator_name == "Ms. Okafor"
    notes = debriefs.list_notes(app_db, first, checkin.id)
    assert [(n.step_index, n.author_id, n.body) for n in notes] == [(1, first.id, WIN), (2, peer.id, PUZZLE)]
    assert circles.list_questions(app_db, first, circle.id) == []
