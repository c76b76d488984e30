"""Memory over one long session: a teacher's 200 page actions in Streamlit's AppTest (one session).

Target (docs/architecture.md, Targets: memory over a long session): RSS grows at most 10 % from action 20
(everything loaded, the spaCy model included) to the last action. Every action writes new words, as a teacher
does: a leak that keeps something per text or per run shows here. `--trace` also prints the ten
places whose Python allocations grew most over the same span (tracemalloc; slower).

    .venv/bin/python bench/session_memory.py [--actions 200] [--trace]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import sys
import tempfile
import tracemalloc
from pathlib import Path

from streamlit.testing.v1 import AppTest

from reflection import accounts, db as database, debriefs, groups, journal, prompts, sessions, sharing
from views._common import SESSION_KEY

ROOT = Path(__file__).resolve().parent.parent

TARGET_GROWTH = 0.10
WARM_UP_ACTIONS = 20
PASSWORD = "correct horse battery"
SUBJECTS = ["my low kids", "the group by the window", "these students", "Maya and Dev", "period 3", "the new arrivals"]
EVENTS = ["can't focus after lunch", "ran the gallery walk", "argued about fractions", "asked about volcanoes",
          "are lazy about homework", "finished the lab early", "explained their strategy"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def sentences():
    """New text for every action, with a word never seen before, as real writing has."""
    for number in itertools.count():
        subject, event = SUBJECTS[number % len(SUBJECTS)], EVENTS[number % len(EVENTS)]
        yield f"Today {subject} {event}; note {number} on word{number}x and topic{number * 7}y."


def set_up(path: Path) -> tuple[str, int, int]:
    db = database.connect(path)
    admin = accounts.create_user(db, None, "admin", "Admin", PASSWORD, "admin")
    teacher = accounts.create_user(db, admin, "rivera", "Ms Rivera", PASSWORD, "teacher")
    coach = accounts.create_user(db, admin, "okafor", "Mr Okafor", PASSWORD, "coach")
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body="Group work went better today."))
    sharing.share_entry(db, teacher, entry.id, coach_id=coach.id)
    group = groups.create_group(db, admin, "Science PLC", facilitator_id=teacher.id)
    debrief = debriefs.start_debrief(db, teacher, group.id, prompts.load_library().get("tuning"), "Lab unit", teacher.id)
    token = sessions.start(db, teacher.id)
    db.close()
    return token, entry.id, debrief.id


def actions(at: AppTest, entry_id: int, debrief_id: int):
    """The actions of one round, each a callable that leaves the page drawn."""
    text = sentences()

    def write_and_check():
        at.switch_page("views/write.py").run()
        at.text_area(key="write_body").input(next(text)).run()
        at.button(key="write_check_button").click().run()

    def dismiss_or_save():
        dismiss = [b for b in at.button if b.key and b.key.startswith("write_dismiss_")]
        if dismiss:
            dismiss[0].click().run()
        at.button(key="write_save").click().run()

    def journal_search():
        at.switch_page("views/journal.py").run()
        at.text_input(key="journal_query").input(next(text).split()[-1].strip(".")).run()
        at.text_input(key="journal_query").input("").run()

    def edit_and_check():
        at.query_params["entry"] = entry_id
        at.switch_page("views/journal.py").run()
        at.button(key="journal_edit").click().run()
        at.text_area(key="journal_edit_body").input(next(text)).run()
        at.button(key="journal_edit_check_button").click().run()
        at.button(key="journal_edit_cancel").click().run()
        del at.query_params["entry"]

    def debrief_note():
        at.query_params["debrief"] = debrief_id
        at.switch_page("views/debriefs.py").run()
        at.text_area(key="debriefs_note_body").input(next(text)).run()
        at.button(key="debriefs_note_check_button").click().run()
        at.button(key="debriefs_add_note").click().run()
        del at.query_params["debrief"]

    def other_pages():
        for page in ("views/coaching.py", "views/insights.py", "views/prompts.py", "views/account.py"):
            at.switch_page(page).run()

    return [write_and_check, dismiss_or_save, journal_search, edit_and_check, debrief_note, other_pages]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--trace", action="store_true", help="print where Python allocations grew (tracemalloc)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reflection.db"
        os.environ["REFLECTION_DB"] = str(path)
        token, entry_id, debrief_id = set_up(path)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state[SESSION_KEY] = token
        at.run()
        round_of_actions = actions(at, entry_id, debrief_id)
        readings, snapshot = {}, None
        for number in range(1, args.actions + 1):
            round_of_actions[(number - 1) % len(round_of_actions)]()
            if at.exception:
                raise RuntimeError(f"action {number}: {at.exception[0].value}")
            if number == WARM_UP_ACTIONS and args.trace:
                tracemalloc.start(10)
            if number in (WARM_UP_ACTIONS, args.actions) or number % 20 == 0:
                gc.collect()
                readings[number] = rss_mb()
                if number == WARM_UP_ACTIONS and args.trace:
                    snapshot = tracemalloc.take_snapshot()
        if args.trace and snapshot is not None:
            print("largest growth of Python allocations after the warm-up:")
            for stat in tracemalloc.take_snapshot().compare_to(snapshot, "traceback")[:10]:
                print(f"  {stat.size_diff / 1024:8.0f} KiB  {stat.count_diff:+7d} blocks  {stat.traceback.format()[-1].strip()}")
            print()

    print(f"{'after action':>12} {'RSS MB':>8}")
    for number, rss in readings.items():
        print(f"{number:12d} {rss:8.0f}")
    return report_growth(readings, args.actions)


def report_growth(rss_after: dict[int, float], last: int) -> int:
    """Print RSS growth from the warm-up to action `last` against the target; the exit status."""
    start, end = rss_after[WARM_UP_ACTIONS], rss_after[last]
    growth = end / start - 1
    print(f"\nRSS growth from action {WARM_UP_ACTIONS} to {last}: {growth:+.1%} "
          f"({start:.0f} -> {end:.0f} MB; target <= {TARGET_GROWTH:.0%}, ratio {max(growth, 0) / TARGET_GROWTH:.2f})")
    return verdict(growth <= TARGET_GROWTH)


def verdict(met: bool) -> int:
    """Say whether the target is met; the bench's exit status."""
    print("target met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
