"""Aggregations behind the Insights page: one query loads the facts, pure functions shape them for charts.

Nothing here re-parses text. The facts come from the analysis stored with each entry when it was saved;
only the categories of its flags are read, and SQLite extracts them (`json_each`) so Python never parses
a whole analysis document. Every trend is computed by the same pure functions whether the facts are a
teacher's own entries or the entries shared with a coach.

Dates are teaching dates (`taught_on`), the day each reflection is about and the order of the journal.
Shares carry no teaching date, so a coach's trends use the day the entry was shared.

Time is bucketed by ISO week (weeks start on Monday). The streak counts weeks, not days: teachers do not
teach on weekends or holidays, and a daily streak would punish an ordinary week of writing on Tuesday
and Thursday.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from . import access, language
from .accounts import User

# Tags cannot contain control characters (text_cleaning.clean_text drops them), so the unit separator can
# join them in SQL and split them back without quoting.
_TAG_SEPARATOR = "\x1f"

# The comma-joined flag categories of one stored analysis. Category names are fixed identifiers
# without commas, so splitting the joined string is exact.
_FLAG_CATEGORIES_SQL = (
    "(SELECT group_concat(json_extract(flag.value, '$.category'), ',') "
    "FROM json_each({analysis}, '$.flags') AS flag)"
)

DEFAULT_TOP_LIMIT = 8


@dataclass(frozen=True)
class EntryFacts:
    """What the charts need about one entry, and nothing more.

    `flag_categories` is None when flags are unknown (a share sent without them), which is different
    from an empty tuple (checked, nothing flagged).
    """

    id: int  # the entry's id; for a coach's facts, the share's
    day: date
    word_count: int
    flag_categories: tuple[str, ...] | None
    grade_level: float | None = None
    mood: int | None = None
    prompt_set: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeekCount:
    week: date  # the Monday that starts the ISO week
    entries: int


@dataclass(frozen=True)
class WeeklyFlagRate:
    week: date
    category: str
    flags_per_100_words: float


@dataclass(frozen=True)
class WeeklyAverage:
    week: date
    value: float
    entries: int  # how many entries the average is over


@dataclass(frozen=True)
class FlagFreeShare:
    checked: int  # entries whose flags are known
    flag_free: int

    @property
    def fraction(self) -> float | None:
        return self.flag_free / self.checked if self.checked else None


@dataclass(frozen=True)
class Memory:
    """An earlier entry written on this day of the month."""

    facts: EntryFacts
    months_ago: int

    @property
    def when(self) -> str:
        years, months = divmod(self.months_ago, 12)
        if months == 0:
            return "1 year ago" if years == 1 else f"{years} years ago"
        return "1 month ago" if self.months_ago == 1 else f"{self.months_ago} months ago"


@dataclass(frozen=True)
class Insights:
    """Everything the Insights page shows for one set of facts."""

    entry_count: int
    entries_per_week: list[WeekCount]
    streak_weeks: int
    flag_rates: list[WeeklyFlagRate]
    flag_free: FlagFreeShare
    readability: list[WeeklyAverage]
    mood: list[WeeklyAverage]
    top_prompt_sets: list[tuple[str, int]]
    top_tags: list[tuple[str, int]]
    memories: list[Memory]


# --- loading --------------------------------------------------------------------------------------


def _categories(joined: str | None) -> tuple[str, ...]:
    return tuple(joined.split(",")) if joined else ()


def load_entry_facts(db: Database, user: User) -> list[EntryFacts]:
    """The user's own entries, oldest first, in one query."""
    owner_sql, params = access.own_entries_where(user)
    rows = db.execute(
        f"""
        SELECT entries.id, entries.taught_on, entries.word_count, entries.analysis IS NOT NULL,
               {_FLAG_CATEGORIES_SQL.format(analysis="entries.analysis")},
               entries.grade_level, entries.mood, entries.prompt_set,
               (SELECT group_concat(tag, char(31)) FROM entry_tags WHERE entry_tags.entry_id = entries.id)
        FROM entries
        WHERE {owner_sql}
        ORDER BY entries.taught_on, entries.id
        """,
        params,
    )
    return [
        EntryFacts(
            id=entry_id,
            day=date.fromisoformat(taught_on),
            word_count=word_count,
            flag_categories=_categories(categories) if analysed else None,
            grade_level=grade_level,
            mood=mood,
            prompt_set=prompt_set,
            tags=tuple(tags.split(_TAG_SEPARATOR)) if tags else (),
        )
        for entry_id, taught_on, word_count, analysed, categories, grade_level, mood, prompt_set, tags in rows
    ]


def load_shared_facts(db: Database, coach: User) -> list[EntryFacts]:
    """Entries shared with this coach personally (not through a group), oldest first.

    Only what the share itself holds is used: flags and readability when the teacher included the
    check's results, otherwise a plain word count of the shared text.
    """
    received_sql, params = access.received_shares_where(coach)
    rows = db.execute(
        f"""
        SELECT shares.id, shares.created_at, shares.include_flags AND shares.analysis IS NOT NULL,
               CASE WHEN shares.include_flags THEN {_FLAG_CATEGORIES_SQL.format(analysis="shares.analysis")} END,
               CASE WHEN shares.include_flags THEN json_extract(shares.analysis, '$.word_count') END,
               CASE WHEN shares.include_flags THEN json_extract(shares.analysis, '$.grade_level') END,
               CASE WHEN shares.include_flags AND shares.analysis IS NOT NULL THEN NULL ELSE shares.body END
        FROM shares
        WHERE {received_sql} AND shares.coach_id = ?
        ORDER BY shares.created_at, shares.id
        """,
        [*params, coach.id],
    )
    return [
        EntryFacts(
            id=share_id,
            day=date.fromisoformat(shared_at[:10]),
            word_count=word_count if with_flags else len(body.split()),
            flag_categories=_categories(categories) if with_flags else None,
            grade_level=grade_level,
        )
        for share_id, shared_at, with_flags, categories, word_count, grade_level, body in rows
    ]


# --- pure functions over facts ------------------------------------------------------------------


def week_of(day: date) -> date:
    """The Monday starting the ISO week that contains `day`."""
    return day - timedelta(days=day.weekday())


def entries_per_week(facts: Sequence[EntryFacts], today: date | None = None) -> list[WeekCount]:
    """Entries in every week from the first entry's week to the current week (or the last entry's,
    if later), weeks without entries included as zero so gaps show on the chart."""
    if not facts:
        return []
    counts = Counter(week_of(fact.day) for fact in facts)
    last = max(counts)
    if today is not None:
        last = max(last, week_of(today))
    week, weeks = min(counts), []
    while week <= last:
        weeks.append(WeekCount(week, counts.get(week, 0)))
        week += timedelta(weeks=1)
    return weeks


def current_streak(facts: Iterable[EntryFacts], today: date) -> int:
    """Consecutive weeks with at least one entry, counting back from this week.

    This week counts once it has an entry, but an empty week in progress does not break the streak:
    on Monday morning last week's streak still stands.
    """
    weeks = {week_of(fact.day) for fact in facts}
    week = week_of(today)
    if week not in weeks:
        week -= timedelta(weeks=1)
    streak = 0
    while week in weeks:
        streak += 1
        week -= timedelta(weeks=1)
    return streak


def flag_rates_by_week(facts: Iterable[EntryFacts]) -> list[WeeklyFlagRate]:
    """Flags per 100 words in each category, per week, over entries whose flags are known.

    Every category that was flagged at least once gets a value in every week with words (zero
    included), so each line on the chart is continuous. No flags at all gives an empty list.
    """
    words: Counter[date] = Counter()
    flags: dict[date, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        if fact.flag_categories is None:
            continue
        week = week_of(fact.day)
        words[week] += fact.word_count
        flags[week].update(fact.flag_categories)
    seen = {category for counts in flags.values() for category in counts}
    categories = [category for category in language.CATEGORIES if category in seen]
    categories += sorted(seen.difference(categories))  # from rules newer than this code, if any
    return [
        WeeklyFlagRate(week, category, 100 * flags[week][category] / words[week])
        for week in sorted(words)
        if words[week]
        for category in categories
    ]


def flag_free_share(facts: Iterable[EntryFacts]) -> FlagFreeShare:
    checked = [fact for fact in facts if fact.flag_categories is not None]
    return FlagFreeShare(len(checked), sum(1 for fact in checked if not fact.flag_categories))


def _weekly_average(facts: Iterable[EntryFacts], value_of: Callable[[EntryFacts], float | None]) -> list[WeeklyAverage]:
    values: dict[date, list[float]] = defaultdict(list)
    for fact in facts:
        value = value_of(fact)
        if value is not None:
            values[week_of(fact.day)].append(value)
    return [WeeklyAverage(week, sum(found) / len(found), len(found)) for week, found in sorted(values.items())]


def readability_by_week(facts: Iterable[EntryFacts]) -> list[WeeklyAverage]:
    """Mean grade level of the week's entries (entries too short to score are left out)."""
    return _weekly_average(facts, lambda fact: fact.grade_level)


def mood_by_week(facts: Iterable[EntryFacts]) -> list[WeeklyAverage]:
    """Mean mood (1–5) of the week's entries that have one."""
    return _weekly_average(facts, lambda fact: fact.mood)


def _most_common(names: Iterable[str], limit: int) -> list[tuple[str, int]]:
    """Counts that ignore case, shown with the first spelling met; ties in alphabetical order."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        spelling.setdefault(key, name)
        counts[key] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(spelling[key], count) for key, count in ranked[:limit]]


def top_prompt_sets(facts: Iterable[EntryFacts], limit: int = DEFAULT_TOP_LIMIT) -> list[tuple[str, int]]:
    """Prompt set keys by number of entries written with them; free writing is not a set."""
    return _most_common((fact.prompt_set for fact in facts if fact.prompt_set), limit)


def top_tags(facts: Iterable[EntryFacts], limit: int = DEFAULT_TOP_LIMIT) -> list[tuple[str, int]]:
    return _most_common((tag for fact in facts for tag in fact.tags), limit)


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def on_this_day(facts: Iterable[EntryFacts], today: date) -> list[Memory]:
    """Entries from earlier months on today's day of the month (the same date in earlier years among
    them), most recent first.

    On the last day of a month, later days of longer months count too: on 28 February a year
    without 29 February still shows entries of the 29th, 30th and 31st.
    """
    last_day_of_month = calendar.monthrange(today.year, today.month)[1]

    def matches(day: date) -> bool:
        return day.day == today.day or (today.day == last_day_of_month and day.day > today.day)

    memories = [
        Memory(fact, _months_between(fact.day, today))
        for fact in facts
        if _months_between(fact.day, today) > 0 and matches(fact.day)
    ]
    return sorted(memories, key=lambda memory: (memory.months_ago, -memory.facts.id))


def summarise(facts: Sequence[EntryFacts], today: date) -> Insights:
    return Insights(
        entry_count=len(facts),
        entries_per_week=entries_per_week(facts, today),
        streak_weeks=current_streak(facts, today),
        flag_rates=flag_rates_by_week(facts),
        flag_free=flag_free_share(facts),
        readability=readability_by_week(facts),
        mood=mood_by_week(facts),
        top_prompt_sets=top_prompt_sets(facts),
        top_tags=top_tags(facts),
        memories=on_this_day(facts, today),
    )
