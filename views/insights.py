"""Insights: your writing over time, the language check's flags per 100 words, mood, readability and
"on this day"; for coaches, the same trends over the entries shared with them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from reflection import insights, journal, language
from views import _common as ui

user = ui.require_user()
db = ui.db()
today = date.today()

WEEK_AXIS = alt.X("week:T", title="Week", axis=alt.Axis(format="%d %b %Y"))
# Bars need a band per week; on a continuous time axis they shrink to hairlines.
WEEK_BANDS = alt.X("yearmonthdate(week):O", title="Week of", axis=alt.Axis(format="%d %b %Y", labelAngle=-45))


def frame(rows: list) -> pd.DataFrame:
    return pd.DataFrame([asdict(row) for row in rows])


def weekly_chart(data: pd.DataFrame, y: alt.Y, *, bars: bool = False, **encodings) -> None:
    """A chart over weeks: bars for counts, lines with points for rates and averages."""
    base = alt.Chart(data)
    marked = base.mark_bar() if bars else base.mark_line(point=True)
    st.altair_chart(marked.encode(x=WEEK_BANDS if bars else WEEK_AXIS, y=y, **encodings), width="stretch")


def ranking(title: str, counts: list[tuple[str, int]], empty: str) -> None:
    st.markdown(f"**{title}**")
    if not counts:
        st.caption(empty)
        return
    data = pd.DataFrame(counts, columns=["name", "entries"])
    st.altair_chart(
        alt.Chart(data).mark_bar().encode(
            x=alt.X("entries:Q", title="Entries", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("name:N", title=None, sort="-x"),
            tooltip=["name", "entries"],
        ),
        width="stretch",
    )


def show_trends(summary: insights.Insights, *, noun: str) -> None:
    """The charts both views share; `noun` names what was counted ("entries", "shared entries")."""
    streak_col, flag_free_col, total_col = st.columns(3)
    streak_col.metric("Weekly streak", f"{summary.streak_weeks} week{'s' if summary.streak_weeks != 1 else ''}",
                      help="Weeks in a row with at least one entry, counting back from this week.")
    fraction = summary.flag_free.fraction
    flag_free_col.metric(f"{noun.capitalize()} with no flags", "—" if fraction is None else f"{fraction:.0%}",
                         help=f"{summary.flag_free.flag_free} of {summary.flag_free.checked} checked {noun}.")
    total_col.metric(noun.capitalize(), summary.entry_count)

    st.markdown(f"**{noun.capitalize()} per week**")
    weekly_chart(frame(summary.entries_per_week), alt.Y("entries:Q", title=noun.capitalize(), axis=alt.Axis(tickMinStep=1)),
                 bars=True, tooltip=["week:T", "entries:Q"])

    st.markdown("**Language check: flags per 100 words, by category**")
    if summary.flag_rates:
        rates = frame(summary.flag_rates)
        rates["category"] = rates["category"].map(lambda category: language.CATEGORY_LABELS.get(category, category))
        weekly_chart(rates, alt.Y("flags_per_100_words:Q", title="Flags per 100 words"),
                     color=alt.Color("category:N", title="Category"),
                     tooltip=["week:T", "category:N", alt.Tooltip("flags_per_100_words:Q", format=".2f")])
    elif summary.flag_free.checked:
        st.caption(f"Nothing was flagged in any of these {noun}.")
    else:
        st.caption(f"None of these {noun} include the language check's results.")

    st.markdown("**Readability (grade level)**")
    if summary.readability:
        weekly_chart(frame(summary.readability), alt.Y("value:Q", title="Grade level"),
                     tooltip=["week:T", alt.Tooltip("value:Q", title="grade level", format=".1f"), "entries:Q"])
    else:
        st.caption(f"No readability scores yet: {noun} need a few sentences to be scored.")


def show_memories(memories: list[insights.Memory]) -> None:
    st.subheader("On this day")
    if not memories:
        st.caption("No earlier entries from this day of the month yet. Entries written today will show here "
                   "on this day next month and next year.")
        return
    for memory in memories:
        entry = journal.get_entry(db, user, memory.facts.id)
        with st.expander(f"{memory.when} · {entry.taught_on:%d %B %Y} · {ui.escape(entry.display_title)}"):
            st.text(entry.body)


st.title("Insights")
st.caption("Only you see your insights. They are computed from the language check made when each entry was saved.")
facts = insights.load_entry_facts(db, user)
if not facts:
    st.info("Write your first entry on the Write page, and your charts will start here: entries per week, "
            "the language check's flags over time, mood and readability.")
else:
    summary = insights.summarise(facts, today)
    show_trends(summary, noun="entries")

    st.markdown("**Mood**")
    if summary.mood:
        weekly_chart(frame(summary.mood), alt.Y("value:Q", title="Mood (1–5)", scale=alt.Scale(domain=[1, 5])),
                     tooltip=["week:T", alt.Tooltip("value:Q", title="mood", format=".1f"), "entries:Q"])
    else:
        st.caption("No moods yet: choose one when you write an entry to see how your weeks feel.")

    library = ui.prompt_library(db, user)
    sets_col, tags_col = st.columns(2)
    with sets_col:
        ranking("Most used prompt sets",
                [(library.sets[slug].name if slug in library.sets else slug, count)
                 for slug, count in summary.top_prompt_sets],
                "All free writing so far. The Write page offers guided prompt sets.")
    with tags_col:
        ranking("Most used tags", summary.top_tags, "No tags yet. Add some when you write to group your entries.")
    show_memories(summary.memories)

if user.is_coach:
    st.divider()
    st.header("Entries shared with you")
    st.caption("Trends over the entries teachers shared with you personally and have not withdrawn. "
               "Flags and readability count only where the teacher included the language check.")
    shared = insights.load_shared_facts(db, user)
    if shared:
        show_trends(insights.summarise(shared, today), noun="shared entries")
    else:
        st.info("No one has shared an entry with you yet. When a teacher shares one with you as their coach, "
                "its trends appear here.")
