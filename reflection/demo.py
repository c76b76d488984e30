"""A small demonstration school for a new, empty installation: accounts, entries, a PLC group and a share.

Everything goes through the same domain functions the app uses, so the demo obeys every rule the app does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from . import accounts, debriefs, groups, journal, prompts, sharing
from .errors import InvalidInput

DEMO_PASSWORD = "reflection-demo"

_ENTRIES = (
    ("Fractions on the number line", "Period 2", 4, ("fractions", "number line"),
     "We built a human number line in the hallway. Maya explained why 3/4 sits past 2/3 and three students "
     "changed their minds out loud. My low kids sat out the first round, so next time I want roles for everyone."),
    ("Quiet start after lunch", "Period 5", 2, ("transitions",),
     "These kids can't focus after lunch. I tried a two-minute write first and about half settled. "
     "I wonder what the lunchroom is like for them and whether a movement break would help more."),
    ("Family conference night", "", 3, ("families",),
     "Only six families came. It is easy to say parents don't care, but the timing clashed with the late shift "
     "at the plant. A short video update in Spanish and English might reach more of them."),
    ("Peer feedback with sentence stems", "Period 3", 5, ("feedback", "belonging"),
     "The sentence stems worked: students gave each other specific praise and one question each. "
     "Dev, who rarely speaks, read his stem aloud and the group built on it."),
)


@dataclass(frozen=True)
class DemoSchool:
    admin: accounts.User
    teacher: accounts.User
    colleague: accounts.User
    coach: accounts.User


def seed_demo(db: Database, *, today: date | None = None) -> DemoSchool:
    """Fill an empty database with a demo school; refused once any account exists."""
    if accounts.count_users(db):
        raise InvalidInput("The demo only fills an empty database; this one already has accounts.")
    today = today or date.today()
    admin = accounts.create_user(db, None, "demo.admin", "Demo Administrator", DEMO_PASSWORD, "admin")
    teacher = accounts.create_user(db, admin, "demo.teacher", "Ana Teacher", DEMO_PASSWORD, "teacher")
    colleague = accounts.create_user(db, admin, "demo.colleague", "Ben Colleague", DEMO_PASSWORD, "teacher")
    coach = accounts.create_user(db, admin, "demo.coach", "Cora Coach", DEMO_PASSWORD, "coach")

    entries = [
        journal.create_entry(db, teacher, journal.EntryDraft(
            body=body, title=title, class_period=period, mood=mood, tags=tags,
            taught_on=today - timedelta(days=3 * (len(_ENTRIES) - number)),
        ))
        for number, (title, period, mood, tags, body) in enumerate(_ENTRIES)
    ]
    share = sharing.share_entry(db, teacher, entries[0].id, coach_id=coach.id, include_flags=True,
                                replacements={"Maya": "M."})
    sharing.add_comment(db, coach, share.id, "strength",
                        "The human number line made the comparison visible. What roles could the students who sat out take?")

    group = groups.create_group(db, admin, "Grade 7 math PLC", facilitator_id=teacher.id,
                                norms="Assume good intent. Talk about practice, not people. Share the air.")
    groups.add_member(db, teacher, group.id, colleague.username)
    protocol = prompts.load_library().get("what_so_what_now_what")
    debrief = debriefs.start_debrief(db, teacher, group.id, protocol, "Unit 3 exit tickets", colleague.id)
    debriefs.add_note(db, colleague, debrief.id, 0, "About a third of the exit tickets placed 3/4 before 2/3.")
    debriefs.add_action_item(db, teacher, debrief.id, "Bring three student number lines to the next meeting",
                           colleague.id, today + timedelta(days=7))
    return DemoSchool(admin, teacher, colleague, coach)
