from datetime import date

import pytest

from reflection import allowed_phrases, config, journal
from reflection.errors import AccessDenied, EditConflict, InvalidInput


def write(db, user, body="We tried a new warm-up today.", **fields):
    return journal.create_entry(db, user, journal.EntryDraft(body=body, **fields))


def test_an_entry_is_saved_with_its_fields_tags_and_analysis(db, make_user):
    user = make_user()
    entry = write(
        db, user, "Group work ran long, but the exit tickets showed real progress.",
        title="Fractions day", class_period="Period 3", mood=4, tags=["group work", "Exit tickets", "group work"],
        taught_on=date(2026, 3, 2),
    )
    again = journal.get_entry(db, user, entry.id)
    assert (again.title, again.class_period, again.mood, again.taught_on) == ("Fractions day", "Period 3", 4, date(2026, 3, 2))
    assert sorted(again.tags) == ["Exit tickets", "group work"]
    assert again.word_count == 11 and again.analysis is not None and again.analysis.rules_version


@pytest.mark.parametrize("body", ["", "   \n\t  ", "\x00\x01"])
def test_empty_text_is_refused_with_a_clear_message(db, make_user, body):
    with pytest.raises(InvalidInput, match="empty"):
        write(db, make_user(), body)
    assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 0


def test_text_over_the_limit_is_refused_and_says_the_draft_is_kept(db, make_user):
    with pytest.raises(InvalidInput, match="limit is 50,000.*still in the form"):
        write(db, make_user(), "a" * (config.MAX_ENTRY_CHARS + 1))


def test_control_characters_are_dropped_and_unicode_kept(db, make_user):
    user = make_user()
    body = "Amélie\x00 said “merci” 👩🏽‍🏫 — שלום <script>alert(1)</script>\r\nnext line"
    entry = write(db, user, body)
    assert entry.body == "Amélie said “merci” 👩🏽‍🏫 — שלום <script>alert(1)</script>\nnext line"


def test_bad_mood_title_and_tags_are_refused(db, make_user):
    user = make_user()
    with pytest.raises(InvalidInput, match="Mood"):
        write(db, user, mood=9)
    with pytest.raises(InvalidInput, match="Titles"):
        write(db, user, title="x" * 201)
    with pytest.raises(InvalidInput, match="at most 20 tags"):
        write(db, user, tags=[f"t{i}" for i in range(21)])


def test_list_is_newest_first_with_paging_and_filters(db, make_user):
    user = make_user()
    for day in range(1, 26):
        write(db, user, f"Entry for day {day}", taught_on=date(2026, 1, day),
              class_period="P1" if day % 2 else "P2", tags=["odd"] if day % 2 else [])
    first = journal.list_entries(db, user, page_size=10)
    assert first.total == 25 and first.page_count == 3
    assert [e.taught_on.day for e in first.entries] == list(range(25, 15, -1))
    last = journal.list_entries(db, user, page=3, page_size=10)
    assert [e.taught_on.day for e in last.entries] == [5, 4, 3, 2, 1]
    assert journal.list_entries(db, user, journal.EntryFilter(tag="ODD")).total == 13
    assert journal.list_entries(db, user, journal.EntryFilter(class_period="P2")).total == 12
    window = journal.EntryFilter(date_from=date(2026, 1, 10), date_to=date(2026, 1, 12))
    assert [e.taught_on.day for e in journal.list_entries(db, user, window).entries] == [12, 11, 10]


def test_search_ranks_highlights_and_stays_inside_the_users_journal(db, make_user):
    user, other = make_user(), make_user()
    write(db, user, "We practised estimation with a number line.", title="Estimation")
    write(db, user, "Read aloud went well; estimation came up briefly.")
    write(db, other, "Estimation estimation estimation in my room too.")
    hits = journal.search_entries(db, user, "estimation")
    assert len(hits) == 2
    assert hits[0].entry.title == "Estimation"
    assert journal.MATCH_START + "Estimation" + journal.MATCH_END in hits[0].title_highlighted
    assert journal.MATCH_START in hits[1].snippet
    assert all(hit.entry.author_id == user.id for hit in hits)


@pytest.mark.parametrize("query", ["e-mail", "AND", "(", 'unbalanced "quote', "NEAR(", "title:", "*", "u1", "owner_token:u1"])
def test_search_accepts_any_typed_text(db, make_user, query):
    user = make_user()
    write(db, user, "Send an e-mail AND a note (home) to title: families")
    journal.search_entries(db, user, query)  # must not raise


def test_search_phrases_and_prefixes(db, make_user):
    user = make_user()
    write(db, user, "The number line helped everyone.")
    write(db, user, "A line of students waited at the number station.")
    assert len(journal.search_entries(db, user, '"number line"')) == 1
    assert len(journal.search_entries(db, user, "numb*")) == 2
    assert journal.search_entries(db, user, "   ") == []


def test_edit_changes_text_tags_and_search_index(db, make_user):
    user = make_user()
    entry = write(db, user, "Original words about volcanoes.", tags=["science"])
    journal.update_entry(db, user, entry.id, journal.EntryDraft(body="Revised words about glaciers.", tags=["geography"]))
    again = journal.get_entry(db, user, entry.id)
    assert again.body == "Revised words about glaciers." and again.tags == ["geography"]
    assert again.taught_on == entry.taught_on
    assert journal.search_entries(db, user, "volcanoes") == []
    assert len(journal.search_entries(db, user, "glaciers")) == 1


def test_delete_removes_entry_tags_and_index(db, make_user):
    user = make_user()
    entry = write(db, user, "Zanzibar trip planning.", tags=["trip"])
    journal.delete_entry(db, user, entry.id)
    with pytest.raises(AccessDenied):
        journal.get_entry(db, user, entry.id)
    assert db.execute("SELECT count(*) FROM entry_tags").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'zanzibar'").fetchone()[0] == 0


@pytest.mark.parametrize("intruder_role", ["teacher", "coach", "admin"])
def test_another_user_can_never_read_list_search_edit_or_delete_an_entry(db, make_user, intruder_role):
    author, intruder = make_user(), make_user(intruder_role)
    entry = write(db, author, "Private thoughts about Quetzalcoatl unit.", tags=["private"], class_period="P4")
    with pytest.raises(AccessDenied) as denied:
        journal.get_entry(db, intruder, entry.id)
    with pytest.raises(AccessDenied) as missing:
        journal.get_entry(db, intruder, 999_999)
    assert str(denied.value) == str(missing.value)  # existence is not revealed
    assert journal.list_entries(db, intruder).total == 0
    assert journal.search_entries(db, intruder, "Quetzalcoatl") == []
    assert journal.user_tags(db, intruder) == [] and journal.user_class_periods(db, intruder) == []
    with pytest.raises(AccessDenied):
        journal.update_entry(db, intruder, entry.id, journal.EntryDraft(body="overwritten"))
    with pytest.raises(AccessDenied):
        journal.delete_entry(db, intruder, entry.id)
    assert journal.get_entry(db, author, entry.id).body == "Private thoughts about Quetzalcoatl unit."


def test_allowed_phrases_are_not_flagged_for_that_user_only(db, make_user):
    user, other = make_user(), make_user()
    text = "My low kids finished the lab."
    assert write(db, user, text).flag_count >= 1
    flagged = journal.get_entry(db, user, write(db, user, text).id).analysis.flags[0].text
    allowed_phrases.allow_phrase(db, user, flagged)
    assert write(db, user, text).flag_count == 0
    assert write(db, other, text).flag_count >= 1


def test_stale_analyses_are_redone_in_one_batch(db, make_user):
    user = make_user()
    ids = [write(db, user, f"These kids can't focus, day {n}.").id for n in range(5)]
    db.execute("UPDATE entries SET rules_version = 'old', flag_count = 0")
    assert journal.count_stale_entries(db) == 5
    seen = []
    assert journal.reanalyse_stale_entries(db, progress=lambda done, total: seen.append((done, total)), batch_size=2) == 5
    assert seen[-1] == (5, 5) and len(seen) == 3
    assert journal.count_stale_entries(db) == 0
    assert all(journal.get_entry(db, user, i).flag_count >= 1 for i in ids)


def test_allowing_a_phrase_twice_keeps_one_row(db, make_user):
    user = make_user()
    allowed_phrases.allow_phrase(db, user, "low group")
    allowed_phrases.allow_phrase(db, user, "Low  Group")
    assert allowed_phrases.own_allowed_phrases(db, user) == ["low group"]


def test_reanalysis_keeps_each_authors_allowed_phrases(db, make_user):
    allows, other = make_user(), make_user()
    text = "These kids are lazy."
    for flag in write(db, allows, text).analysis.flags:  # the rules and the learned check may both flag it
        allowed_phrases.allow_phrase(db, allows, flag.text.upper())
    mine, theirs = write(db, allows, text), write(db, other, text)
    db.execute("UPDATE entries SET rules_version = 'old'")
    journal.reanalyse_stale_entries(db, batch_size=2)
    assert journal.get_entry(db, allows, mine.id).flag_count == 0
    assert journal.get_entry(db, other, theirs.id).flag_count >= 1


def test_reanalysis_never_stores_old_text_flags_over_an_edit_saved_meanwhile(db, db_path, make_user, monkeypatch):
    from reflection import db as database

    user = make_user()
    entry = write(db, user, "These kids can't focus after lunch.")
    db.execute("UPDATE entries SET rules_version = 'old'")
    real_analyse_many = journal.language.analyse_many
    other_tab = database.connect(db_path)

    def analyse_then_someone_edits(texts, **options):
        analyses = list(real_analyse_many(texts, **options))
        # The teacher saves an edit from another connection while the re-check holds its results.
        journal.update_entry(other_tab, user, entry.id, journal.EntryDraft(body="A calm, focused afternoon."))
        return analyses

    monkeypatch.setattr(journal.language, "analyse_many", analyse_then_someone_edits)
    try:
        assert journal.reanalyse_stale_entries(db) == 0
    finally:
        other_tab.close()
    stored = journal.get_entry(db, user, entry.id)
    assert stored.body == "A calm, focused afternoon."
    assert stored.flag_count == 0 and stored.analysis.flags == []
    assert journal.count_stale_entries(db) == 0


def test_a_save_from_a_tab_that_loaded_an_older_revision_is_refused_and_both_versions_can_be_kept(db, make_user):
    user = make_user()
    entry = write(db, user, "First thoughts on the field trip.")
    first_tab = journal.get_entry(db, user, entry.id)
    second_tab = journal.get_entry(db, user, entry.id)
    saved = journal.update_entry(
        db, user, entry.id, journal.EntryDraft(body="Edited in the first tab."), revision=first_tab.revision
    )
    assert saved.revision == first_tab.revision + 1
    with pytest.raises(EditConflict, match="changed in another tab"):
        journal.update_entry(db, user, entry.id, journal.EntryDraft(body="Edited in the second tab."),
                             revision=second_tab.revision)
    assert journal.get_entry(db, user, entry.id).body == "Edited in the first tab."
    kept = journal.create_entry(db, user, journal.EntryDraft(body="Edited in the second tab."))
    assert {e.body for e in journal.list_entries(db, user).entries} == {"Edited in the first tab.", kept.body}


def test_an_edit_of_an_entry_deleted_while_it_was_being_checked_says_so(db, db_path, make_user, monkeypatch):
    from reflection import db as database

    user = make_user()
    entry = write(db, user, "Soon gone.")
    other_tab = database.connect(db_path)
    real_analyse = journal.language.analyse

    def analyse_while_another_tab_deletes(text, *args, **options):
        analysis = real_analyse(text, *args, **options)
        journal.delete_entry(other_tab, user, entry.id)
        return analysis

    monkeypatch.setattr(journal.language, "analyse", analyse_while_another_tab_deletes)
    try:
        with pytest.raises(EditConflict, match="deleted in another tab"):
            journal.update_entry(db, user, entry.id, journal.EntryDraft(body="My edit."), revision=entry.revision)
    finally:
        other_tab.close()
    assert journal.list_entries(db, user).total == 0


def test_dismissals_belong_to_the_entry_and_re_analysis_respects_them(db, make_user):
    user = make_user()
    entry = write(db, user, "These kids are lazy about homework.",
                  dismissed=[("blame_character", " lazy "), ("no_such_category", "kids"), ("label", "x" * 500)])
    assert entry.dismissed == [("blame_character", "lazy")]  # cleaned; unknown categories and overlong words dropped
    assert "lazy" not in {flag.text for flag in entry.analysis.flags}
    db.execute("UPDATE entries SET rules_version = 'old'")
    journal.reanalyse_stale_entries(db)
    again = journal.get_entry(db, user, entry.id)
    assert "lazy" not in {flag.text for flag in again.analysis.flags}
    assert again.flag_count == len(again.analysis.flags)
