"""Insights: the pure chart functions on hand-built facts with answers worked out by hand, and the
loaders on a real database (own entries through the real checker; shares scoped to one coach)."""

import json
import time
from datetime import date

import pytest

from reflection import insights, journal
from reflection.db import writing
from reflection.insights import EntryFacts, Memory, WeekCount, WeeklyAverage

MON_3_MARCH = date(2025, 3, 3)
WEEK_10_MARCH = date(2025, 3, 10)
WEEK_17_MARCH = date(2025, 3, 17)
WEEK_24_MARCH = date(2025, 3, 24)


def fact(entry_id, day, *, words=100, flags=(), grade=None, mood=None, prompt_set=None, tags=()):
    return EntryFacts(entry_id, day, words, flags, grade, mood, prompt_set, tags)


@pytest.fixture
def march():
    """Four entries over four weeks; the third week has none and the last entry's flags are unknown."""
    return [
        fact(1, date(2025, 3, 3), words=100, flags=("label", "label", "poverty"), grade=6.0, mood=2,
             prompt_set="gibbs", tags=("Math", "group work")),
        fact(2, date(2025, 3, 5), words=50, flags=(), grade=8.0, mood=4, prompt_set="gibbs", tags=("math",)),
        fact(3, date(2025, 3, 17), words=200, flags=("poverty",), prompt_set="kolb"),
        fact(4, date(2025, 3, 24), words=100, flags=None, grade=10.0),
    ]


def test_entries_per_week_fills_empty_weeks_up_to_this_week(march):
    assert insights.entries_per_week(march, date(2025, 4, 2)) == [
        WeekCount(MON_3_MARCH, 2), WeekCount(WEEK_10_MARCH, 0), WeekCount(WEEK_17_MARCH, 1),
        WeekCount(WEEK_24_MARCH, 1), WeekCount(date(2025, 3, 31), 0),
    ]


def test_week_of_is_the_iso_monday():
    assert insights.week_of(date(2025, 3, 9)) == MON_3_MARCH  # a Sunday belongs to the week before
    assert insights.week_of(MON_3_MARCH) == MON_3_MARCH


@pytest.mark.parametrize(
    "today, streak",
    [
        (date(2025, 3, 26), 2),  # this week and last week; the empty week of 10 March ends it
        (date(2025, 3, 31), 2),  # Monday of a new week with no entry yet: the streak still stands
        (date(2025, 4, 7), 0),   # a whole week without an entry breaks it
        (date(2025, 3, 6), 1),
    ],
)
def test_streak_counts_consecutive_weeks_back_from_today(march, today, streak):
    assert insights.current_streak(march, today) == streak


def test_flag_rates_are_per_100_words_per_category_per_week(march):
    # Week of 3 March: 150 words, 2 label flags and 1 poverty flag. Week of 17 March: 200 words, 1 poverty.
    # The entry of 24 March has unknown flags, so it is left out rather than counted as flag-free.
    rates = insights.flag_rates_by_week(march)
    assert [(rate.week, rate.category) for rate in rates] == [
        (MON_3_MARCH, "label"), (MON_3_MARCH, "poverty"), (WEEK_17_MARCH, "label"), (WEEK_17_MARCH, "poverty"),
    ]
    assert [rate.flags_per_100_words for rate in rates] == pytest.approx([200 / 150, 100 / 150, 0.0, 0.5])


def test_flag_rates_are_empty_when_nothing_was_flagged():
    assert insights.flag_rates_by_week([fact(1, MON_3_MARCH), fact(2, MON_3_MARCH, flags=None)]) == []


def test_share_of_flag_free_entries_counts_only_checked_entries(march):
    share = insights.flag_free_share(march)
    assert (share.checked, share.flag_free) == (3, 1)
    assert share.fraction == pytest.approx(1 / 3)


def test_readability_and_mood_are_weekly_means_of_entries_that_have_them(march):
    assert insights.readability_by_week(march) == [
        WeeklyAverage(MON_3_MARCH, 7.0, 2), WeeklyAverage(WEEK_24_MARCH, 10.0, 1),
    ]
    assert insights.mood_by_week(march) == [WeeklyAverage(MON_3_MARCH, 3.0, 2)]


def test_top_prompt_sets_and_tags_ignore_case_and_free_writing(march):
    assert insights.top_prompt_sets(march) == [("gibbs", 2), ("kolb", 1)]
    assert insights.top_tags(march) == [("Math", 2), ("group work", 1)]
    assert insights.top_tags(march, limit=1) == [("Math", 2)]


def test_on_this_day_finds_the_same_day_in_earlier_months_and_years():
    entries = [
        fact(1, date(2025, 3, 5)),
        fact(2, date(2026, 2, 5)),
        fact(3, date(2026, 3, 5)),  # today itself is not a memory
        fact(4, date(2026, 2, 6)),
    ]
    memories = insights.on_this_day(entries, date(2026, 3, 5))
    assert [(memory.facts.id, memory.months_ago, memory.when) for memory in memories] == [
        (2, 1, "1 month ago"), (1, 12, "1 year ago"),
    ]


def test_on_the_last_day_of_a_month_later_days_of_longer_months_count():
    entries = [fact(1, date(2025, 1, 31)), fact(2, date(2024, 2, 29)), fact(3, date(2025, 1, 27))]
    assert [memory.facts.id for memory in insights.on_this_day(entries, date(2025, 2, 28))] == [1, 2]
    # 28 February 2024 is not the last day of its month, so the 31st of January is not "this day".
    assert insights.on_this_day([fact(1, date(2024, 1, 31))], date(2024, 2, 28)) == []


@pytest.mark.parametrize("months, label", [(2, "2 months ago"), (24, "2 years ago"), (13, "13 months ago")])
def test_memory_labels(months, label):
    assert Memory(fact(1, MON_3_MARCH), months).when == label


def test_summary_of_no_entries_is_empty_everywhere():
    summary = insights.summarise([], date(2025, 3, 3))
    assert summary.entry_count == 0 and summary.streak_weeks == 0
    assert summary.entries_per_week == summary.flag_rates == summary.readability == summary.mood == []
    assert summary.top_prompt_sets == summary.top_tags == summary.memories == []
    assert summary.flag_free.fraction is None


# --- loading from the database --------------------------------------------------------------------


def test_own_facts_come_from_the_stored_analysis_of_own_entries_only(db, make_user):
    teacher, other = make_user(), make_user()
    flagged = journal.create_entry(db, teacher, journal.EntryDraft(
        body="The students are lazy. Those kids never try.", mood=2, tags=["Behaviour", "p3"],
        taught_on=date(2025, 3, 5), prompt_set="gibbs"))
    plain = journal.create_entry(db, teacher, journal.EntryDraft(
        body="We tried a new warm-up today and it worked well.", taught_on=date(2025, 3, 3)))
    journal.create_entry(db, other, journal.EntryDraft(body="Someone else's entry."))

    facts = insights.load_entry_facts(db, teacher)

    assert [f.id for f in facts] == [plain.id, flagged.id]  # oldest first
    loaded = facts[1]
    assert loaded.flag_categories == tuple(flag.category for flag in flagged.analysis.flags)
    assert loaded.flag_categories  # the sentence is deficit framing, so the real checker flags it
    assert (loaded.day, loaded.word_count, loaded.mood, loaded.prompt_set) == (date(2025, 3, 5), flagged.word_count, 2, "gibbs")
    assert loaded.grade_level == flagged.analysis.grade_level
    assert sorted(loaded.tags) == ["Behaviour", "p3"]
    assert facts[0].flag_categories == () and facts[0].tags == ()


def _share(db, entry_id, owner, *, coach=None, group_id=None, body="one two three four", analysis=None,
           withdrawn=False, shared_on="2025-03-05"):
    db["shares"].insert({
        "entry_id": entry_id, "owner_id": owner.id, "coach_id": coach.id if coach else None, "group_id": group_id,
        "title": "Shared", "body": body, "include_flags": int(analysis is not None),
        "analysis": json.dumps(analysis) if analysis else None, "created_at": f"{shared_on}T09:00:00+00:00",
        "withdrawn_at": "2025-03-06T00:00:00+00:00" if withdrawn else None,
    })


def test_coach_facts_cover_only_live_shares_sent_to_that_coach(db, make_user):
    teacher, coach, other_coach = make_user(), make_user("coach"), make_user("coach")
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body="A private entry."))
    db["groups"].insert({"id": 1, "name": "Year 8", "created_at": "2025-01-01"})
    db["group_members"].insert({"group_id": 1, "user_id": coach.id, "role": "member", "joined_at": "2025-01-01"})
    analysis = {"flags": [{"category": "label"}, {"category": "poverty"}], "word_count": 40, "sentence_count": 3,
                "grade_level": 5.5, "reading_ease": 70.0, "rules_version": "x"}
    _share(db, entry.id, teacher, coach=coach, analysis=analysis, shared_on="2025-03-05")
    _share(db, entry.id, teacher, coach=coach, shared_on="2025-03-04")
    _share(db, entry.id, teacher, coach=coach, withdrawn=True)
    _share(db, entry.id, teacher, coach=other_coach)
    _share(db, entry.id, teacher, group_id=1)

    facts = insights.load_shared_facts(db, coach)

    assert [(f.day, f.word_count, f.flag_categories, f.grade_level) for f in facts] == [
        (date(2025, 3, 4), 4, None, None),  # shared without the check: a plain word count, flags unknown
        (date(2025, 3, 5), 40, ("label", "poverty"), 5.5),
    ]
    assert insights.load_shared_facts(db, teacher) == []


def test_loading_ten_thousand_entries_takes_one_quick_query(db, make_user):
    teacher = make_user()
    analysis = json.dumps({"flags": [{"category": "label"}], "word_count": 150, "sentence_count": 8,
                           "grade_level": 7.0, "reading_ease": 60.0, "rules_version": "x"})
    rows = [{"author_id": teacher.id, "owner_token": f"u{teacher.id}", "body": "text", "analysis": analysis,
             "taught_on": date.fromordinal(date(2020, 1, 1).toordinal() + n % 2000).isoformat(),
             "created_at": "2025-01-01", "updated_at": "2025-01-01", "word_count": 150, "flag_count": 1}
            for n in range(10_000)]
    with writing(db):
        db["entries"].insert_all(rows)
    started = time.perf_counter()
    facts = insights.load_entry_facts(db, teacher)
    summary = insights.summarise(facts, date(2025, 6, 1))
    elapsed = time.perf_counter() - started
    assert summary.entry_count == 10_000 and summary.flag_free.flag_free == 0
    assert elapsed < 2.0, f"insights over 10,000 entries took {elapsed:.2f} s"
