"""A meeting rhythm for every group: its cadence, the next meeting, a calendar file and a quiet note.

A rhythm is a first meeting (date, time, time zone) and a cadence. The first date fixes the weekday;
a monthly rhythm keeps its week of the month too ("the second Tuesday"; a first date past the 28th
means "the last Tuesday"). The same RFC 5545 recurrence rule feeds the calendar file and the next
meeting shown in the app, so the two cannot disagree. Times are wall-clock times in the group's zone:
a 15:30 meeting stays at 15:30 across a daylight-saving change.

A group "has not met" for a period when no debrief or check-in started near a scheduled meeting.
After two such periods its members see a quiet note; nothing is sent anywhere.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import icalendar
from dateutil import rrule
from sqlite_utils import Database

from . import access
from .accounts import User
from .db import from_row, one_row, utc_now, writing
from .errors import InvalidInput

CADENCES = {"weekly": "Every week", "fortnightly": "Every two weeks", "monthly": "Once a month"}
_RULES = {"weekly": "FREQ=WEEKLY", "fortnightly": "FREQ=WEEKLY;INTERVAL=2", "monthly": "FREQ=MONTHLY"}
# The length of one period, for deciding which scheduled meeting a check-in belongs to.
_PERIOD = {"weekly": timedelta(days=7), "fortnightly": timedelta(days=14), "monthly": timedelta(days=28)}
MISSED_PERIODS_FOR_NOTE = 2
DEFAULT_MINUTES = 45
MAX_MINUTES = 4 * 60  # a meeting, not a day out
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
PRODUCT_ID = "-//Reflection//Group rhythm//EN"


@dataclass(frozen=True)
class Rhythm:
    group_id: int
    group_name: str
    cadence: str
    starts_on: date
    meets_at: time
    timezone: str
    minutes: int

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def first_meeting(self) -> datetime:
        return datetime.combine(self.starts_on, self.meets_at, tzinfo=self.zone)

    @property
    def _week_of_month(self) -> int:
        week = (self.starts_on.day - 1) // 7 + 1
        return -1 if week == 5 else week

    @property
    def recurrence(self) -> str:
        """The RFC 5545 RRULE value, e.g. FREQ=MONTHLY;BYDAY=2TU."""
        day = _WEEKDAYS[self.starts_on.weekday()]
        if self.cadence == "monthly":
            day = f"{self._week_of_month}{day}"
        return f"{_RULES[self.cadence]};BYDAY={day}"

    def describe(self) -> str:
        weekday = self.starts_on.strftime("%A")
        when = (f"on the {_ORDINALS[self._week_of_month]} {weekday} of the month" if self.cadence == "monthly"
                else f"on {weekday}s")
        return (f"{CADENCES[self.cadence]} {when} at {self.meets_at:%H:%M} ({self.timezone}), "
                f"{self.minutes} minutes")

    def meetings(self) -> rrule.rrule:
        return rrule.rrulestr(self.recurrence, dtstart=self.first_meeting)

    def next_meeting(self, now: datetime | None = None) -> datetime:
        """The next meeting that has not ended yet, in the group's time zone."""
        now = now or datetime.now(UTC)
        return self.meetings().after(now - timedelta(minutes=self.minutes), inc=True)


@dataclass(frozen=True)
class Upcoming:
    """A group's next meeting, as its members see it where they land after signing in."""

    rhythm: Rhythm
    starts_at: datetime
    group_kind: str
    quiet_note: str | None


_RHYTHM_SELECT = """
    SELECT group_rhythms.*, groups.name AS group_name, groups.kind AS group_kind
    FROM group_rhythms JOIN groups ON groups.id = group_rhythms.group_id
"""


def time_zones() -> list[str]:
    """Every IANA zone name this machine knows (from the tzdata package when the system has none)."""
    return sorted(zoneinfo.available_timezones())


def _check_zone(name: str) -> str:
    name = (name or "").strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"“{name}” is not a time zone this server knows. Please pick one from the list, "
                           "such as Europe/London or America/Chicago.") from None
    return name


def set_rhythm(db: Database, user: User, group_id: int, cadence: str, starts_on: date, meets_at: time,
               timezone_name: str, minutes: int = DEFAULT_MINUTES) -> Rhythm:
    """Set or change how often a group meets (a PLC's facilitators, any member of a circle)."""
    access.authorised_row(db, user, "edit", "group", group_id)
    if cadence not in CADENCES:
        raise InvalidInput("Please choose how often the group meets: every week, every two weeks or once a month.")
    if not isinstance(starts_on, date) or not isinstance(meets_at, time):
        raise InvalidInput("Please give the date and time of the first meeting.")
    if not isinstance(minutes, int) or not 5 <= minutes <= MAX_MINUTES:
        raise InvalidInput(f"A meeting lasts between 5 and {MAX_MINUTES} minutes.")
    zone = _check_zone(timezone_name)
    with writing(db):
        db["group_rhythms"].upsert(
            {
                "group_id": group_id, "cadence": cadence, "starts_on": starts_on.isoformat(),
                "meets_at": meets_at.replace(second=0, microsecond=0, tzinfo=None).isoformat(timespec="minutes"),
                "timezone": zone, "minutes": minutes, "updated_at": utc_now(),
            },
            pk="group_id",
        )
    return get_rhythm(db, user, group_id)


def get_rhythm(db: Database, user: User, group_id: int) -> Rhythm | None:
    access.authorised_row(db, user, "read", "group", group_id)
    row = one_row(db, f"{_RHYTHM_SELECT} WHERE group_rhythms.group_id = ?", [group_id])
    return from_row(Rhythm, row) if row else None


def clear_rhythm(db: Database, user: User, group_id: int) -> None:
    access.authorised_row(db, user, "edit", "group", group_id)
    db.execute("DELETE FROM group_rhythms WHERE group_id = ?", [group_id])


def _last_met(db: Database, group_id: int) -> datetime | None:
    row = db.execute("SELECT max(started_at) FROM debriefs WHERE group_id = ?", [group_id]).fetchone()
    return datetime.fromisoformat(row[0]) if row[0] else None


def missed_meetings(rhythm: Rhythm, last_met: datetime | None, now: datetime) -> int:
    """Scheduled meetings that have passed with no debrief or check-in started near them.

    A meeting started up to half a period early still counts for the scheduled one after it.
    """
    since = rhythm.first_meeting if last_met is None else last_met + _PERIOD[rhythm.cadence] / 2
    ended = now - timedelta(minutes=rhythm.minutes)
    if ended <= since:
        return 0
    return len(rhythm.meetings().between(since, ended, inc=True))


def quiet_note(rhythm: Rhythm, last_met: datetime | None, now: datetime) -> str | None:
    missed = missed_meetings(rhythm, last_met, now)
    if missed < MISSED_PERIODS_FOR_NOTE:
        return None
    since = f"since {last_met.day} {last_met:%B}" if last_met else "yet"
    return (f"{rhythm.group_name} has not met {since}: {missed} of its meetings have passed. Connection takes "
            "time; when you next meet, start a check-in here.")


def upcoming_meetings(db: Database, user: User, now: datetime | None = None) -> list[Upcoming]:
    """The next meeting of every group the user belongs to, soonest first, each with its quiet note."""
    now = now or datetime.now(UTC)
    rows = db.query(
        f"{_RHYTHM_SELECT} WHERE group_rhythms.group_id IN (SELECT group_id FROM group_members WHERE user_id = ?)",
        [user.id],
    )
    upcoming = []
    for row in rows:
        rhythm = from_row(Rhythm, row)
        upcoming.append(Upcoming(rhythm, rhythm.next_meeting(now), row["group_kind"],
                                 quiet_note(rhythm, _last_met(db, rhythm.group_id), now)))
    return sorted(upcoming, key=lambda meeting: meeting.starts_at)


def calendar_file(db: Database, user: User, group_id: int, host: str = "reflection") -> bytes:
    """An iCalendar file (RFC 5545) with the group's meetings as one recurring event.

    The UID stays the same for a group, so importing the file again after a change updates the event in
    Google Calendar or Outlook instead of adding a second one. The time-zone definition is included
    because Outlook needs it to place a TZID time.
    """
    rhythm = get_rhythm(db, user, group_id)
    if rhythm is None:
        raise InvalidInput("This group has no meeting rhythm yet, so there is nothing to add to a calendar.")
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"group-{group_id}-rhythm@{host}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", rhythm.group_name)
    event.add("description", f"{rhythm.describe()}. Open Reflection to start the check-in together.")
    event.add("dtstart", rhythm.first_meeting)
    event.add("duration", timedelta(minutes=rhythm.minutes))
    event.add("rrule", icalendar.vRecur.from_ical(rhythm.recurrence))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def when(moment: datetime) -> str:
    """A meeting time as people say it, in the group's zone: "Tuesday 8 September at 15:30 (Europe/London)"."""
    return f"{moment:%A} {moment.day} {moment:%B} at {moment:%H:%M} ({moment.tzinfo})"


def calendar_file_name(rhythm: Rhythm) -> str:
    slug = "-".join("".join(c if c.isalnum() else " " for c in rhythm.group_name.lower()).split()) or "group"
    return f"{slug[:60]}.ics"
