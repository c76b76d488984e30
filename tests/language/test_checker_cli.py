"""The `check` command-line contract, run in the test process; one test starts the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reflection.language.cli import main

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_jsonl_contract(run_cli, tmp_path):
    records = [
        {"id": 1, "text": "My low kids can’t focus 🙂."},
        {"id": "two", "text": ""},
        {"id": [3], "text": "A calm, lovely day."},
        {"id": None, "text": "Parents don't care.\nThose kids never listen."},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n\n", encoding="utf-8")
    result = run_cli("check", "--format", "jsonl", "--input", str(path))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in records]
    for record, line in zip(records, lines):
        for flag in line["flags"]:
            assert set(flag) == {"start", "end", "category", "text", "suggestion"}
            assert record["text"][flag["start"] : flag["end"]] == flag["text"]
    assert [len(line["flags"]) for line in lines] == [1, 0, 0, 3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "text": "fine"}\n{"id": 2, "text": oops}\n', "line 2: invalid JSON"),
        ('{"id": 1}\n', 'line 1: missing "text"'),
        ('{"id": 1, "text": 5}\n', 'line 1: "text" must be a string'),
        ('[1, 2]\n', "line 1: expected a JSON object"),
        ('{"id": 1, "text": "fine"}\n{"id": 2, "text": "half \\ud800 a pair"}\n', "line 2: the text holds a lone surrogate"),
        ('{"id": 1, "text": "' + "a" * 50_001 + '"}\n', "line 1: the text has 50,001 characters"),
    ],
)
def test_jsonl_bad_input(tmp_path, capsys, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["--format", "jsonl", "--input", str(path)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_missing_file(capsys):
    assert main(["--format", "jsonl", "--input", "/nonexistent/in.jsonl"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_human_output_from_stdin_through_the_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "reflection.language.cli", "-"], input="A good day.\nHonestly, those kids are lazy.\n",
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert '2:11  Othering  "those kids"' in result.stdout
    assert '"lazy"' in result.stdout and "try:" in result.stdout and "why:" in result.stdout
    assert result.stdout.rstrip().endswith("2 flags.")


def test_human_output_from_file(tmp_path, capsys):
    path = tmp_path / "entry.txt"
    path.write_text("Nothing to see here.", encoding="utf-8")
    assert main([str(path)]) == 0
    assert capsys.readouterr().out.strip() == "0 flags."


def test_jsonl_line_separator_inside_a_string_is_not_a_record_break(tmp_path, capsys):
    # U+2028 is legal inside a JSON string; only "\n" ends a record.
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "text": "These kids are lazy.\u2028Next line."}\n', encoding="utf-8")
    assert main(["--format", "jsonl", "--input", str(path)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["id"] == 1 and "lazy" in [flag["text"] for flag in line["flags"]]
    assert all(flag["end"] <= len("These kids are lazy.") for flag in line["flags"])  # one record, one text
