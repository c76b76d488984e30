"""``check``: the bias check on the command line.

    check [FILE|-]                          human-readable flags for a text file (stdin for - or none)
    check --format jsonl --input FILE       JSON Lines in ({"id", "text"}), JSON Lines out, same order:
                                            {"id": ..., "flags": [{"start", "end", "category", "text", "suggestion"}]}

Offsets are Python string indices into ``text``. Exit status: 0 on success, 2 on bad input or
usage, with a message on stderr naming the input line. Lines holding only whitespace are not
records and are skipped (a trailing blank line is common in generated files); every other line
must be a JSON object with a string ``text``, and nothing is written unless all lines are valid.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from reflection import config

from .analysis import analyse, analyse_many
from .results import Flag
from .rules import CATEGORY_LABELS

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reflection check", description="Check text for deficit language.")
    parser.add_argument("file", nargs="?", help="text file to check; '-' or nothing reads stdin")
    parser.add_argument("--input", help="input file (same as FILE); '-' reads stdin")
    parser.add_argument("--format", choices=("text", "jsonl"), default="text",
                        help="text: one text, human-readable output; jsonl: JSON Lines records in and out")
    return parser


def _read(path: str | None) -> str:
    if path in (None, "-"):
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise BadInput(f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read {path}: {error}") from None


def parse_records(content: str) -> list[tuple[object, str]]:
    """(id, text) for each JSON Lines record; BadInput names the first bad line."""
    records = []
    # Records end at "\n" only: str.splitlines would also split inside a JSON string at U+2028.
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise BadInput(f"line {number}: invalid JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise BadInput(f"line {number}: expected a JSON object with a \"text\" field")
        if "text" not in record:
            raise BadInput(f"line {number}: missing \"text\"")
        if not isinstance(record["text"], str):
            raise BadInput(f"line {number}: \"text\" must be a string, not {type(record['text']).__name__}")
        _check_text(record["text"], f"line {number}: ")
        records.append((record.get("id"), record["text"]))
    return records


def _check_text(text: str, where: str = "") -> None:
    if len(text) > config.MAX_ENTRY_CHARS:
        raise BadInput(f"{where}the text has {len(text):,} characters; the check accepts at most "
                       f"{config.MAX_ENTRY_CHARS:,}")
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise BadInput(f"{where}the text holds a lone surrogate (\\ud800-\\udfff), which is not a character")


def _jsonl(content: str, out: TextIO) -> None:
    records = parse_records(content)
    for (record_id, _), analysis in zip(records, analyse_many(text for _, text in records)):
        flags = [
            {"start": f.start, "end": f.end, "category": f.category, "text": f.text, "suggestion": f.suggestion}
            for f in analysis.flags
        ]
        out.write(json.dumps({"id": record_id, "flags": flags}, ensure_ascii=False) + "\n")


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def format_flag(text: str, flag: Flag) -> str:
    line, column = _line_and_column(text, flag.start)
    if flag.suggestion:
        help_line = f"    try: \"{flag.suggestion}\""
    else:
        help_line = f"    other ways to say it: {'; '.join(flag.alternatives)}"
    found_by = f"the learned check, score {flag.confidence:.2f}" if flag.origin == "model" else "a rule"
    return (
        f"{line}:{column}  {CATEGORY_LABELS[flag.category]}  \"{flag.text}\"  ({flag.certainty}, found by {found_by})\n"
        f"    why: {flag.explanation}\n"
        f"{help_line}\n"
        f"    ask yourself: {flag.question}"
    )


def _human(content: str, out: TextIO) -> None:
    _check_text(content)
    flags = analyse(content).flags
    for flag in flags:
        out.write(format_flag(content, flag) + "\n\n")
    out.write(f"{len(flags)} flag{'s' if len(flags) != 1 else ''}.\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.file and args.input:
        print("reflection check: give the input either as FILE or as --input, not both", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        content = _read(args.input or args.file)
        if args.format == "jsonl":
            _jsonl(content, sys.stdout)
        else:
            _human(content, sys.stdout)
    except BadInput as error:
        print(f"reflection check: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
