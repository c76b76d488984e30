"""The labelled training corpus: JSON Lines files, one per writing batch, under ``corpus/``.

Each line is one item::

    {"id": "b01-0001", "text": "...", "register": "journal", "kind": "deficit",
     "spans": [{"phrase": "my low kids", "category": "label"}]}

``phrase`` is the exact minimal wording in ``text``; ``occurrence`` (1-based, default 1) picks
which one when the phrase appears more than once. An item with no spans is "ok" (no deficit
framing). Spans of one item never overlap. ``python -m reflection.language.training.corpus FILE``
validates files and prints their counts.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..rules import CATEGORIES

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
# forum_post: a teacher venting in public (a forum thread or a social-media teacher group)
REGISTERS = ("sentence", "journal", "plc_notes", "coach_comment", "note_to_self", "data_meeting", "message",
             "forum_post")


class CorpusError(ValueError):
    """A corpus line is malformed; the message names the file, the line and the problem."""


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    category: str


@dataclass(frozen=True)
class Item:
    id: str
    batch: str
    text: str
    register: str
    kind: str
    spans: tuple[GoldSpan, ...]

    @property
    def deficit(self) -> bool:
        return bool(self.spans)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(span.category for span in self.spans)


def _locate(text: str, phrase: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.find(phrase, start + 1)
        if start == -1:
            break
    return start


def parse_item(raw: object, batch: str, where: str) -> Item:
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: must be a JSON object")
    for field in ("id", "text"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise CorpusError(f"{where}: field {field!r} must be a non-empty string")
    text = raw["text"]
    register = raw.get("register", "sentence")
    if register not in REGISTERS:
        raise CorpusError(f"{where}: register {register!r} is not one of {', '.join(REGISTERS)}")
    spans = []
    for number, span in enumerate(raw.get("spans") or [], start=1):
        if not isinstance(span, dict) or not isinstance(span.get("phrase"), str) or not span["phrase"].strip():
            raise CorpusError(f"{where}: span {number} needs a non-empty 'phrase'")
        if span.get("category") not in CATEGORIES:
            raise CorpusError(f"{where}: span {number} category {span.get('category')!r} is not one of the nine")
        phrase = span["phrase"]
        if phrase != phrase.strip():
            raise CorpusError(f"{where}: span {number} phrase {phrase!r} starts or ends with whitespace")
        occurrence = span.get("occurrence", 1)
        start = _locate(text, phrase, occurrence) if isinstance(occurrence, int) and occurrence >= 1 else -1
        if start == -1:
            raise CorpusError(f"{where}: span {number} phrase {phrase!r} (occurrence {occurrence}) is not in the text")
        spans.append(GoldSpan(start, start + len(phrase), span["category"]))
    spans.sort(key=lambda s: s.start)
    for before, after in zip(spans, spans[1:]):
        if after.start < before.end:
            raise CorpusError(f"{where}: spans {text[before.start:before.end]!r} and "
                              f"{text[after.start:after.end]!r} overlap")
    kind = raw.get("kind", "deficit" if spans else "ok")
    if not isinstance(kind, str):
        raise CorpusError(f"{where}: field 'kind' must be a string")
    return Item(raw["id"], batch, text, register, kind, tuple(spans))


def load_file(path: Path) -> list[Item]:
    items, seen = [], set()
    batch = path.stem
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(f"{where}: not valid JSON: {error}") from error
        item = parse_item(raw, batch, where)
        if item.id in seen:
            raise CorpusError(f"{where}: id {item.id!r} is used twice")
        seen.add(item.id)
        items.append(item)
    return items


def _sentence_item(raw: dict, batch: str) -> Item:
    """An item of a labelled sentence set (``{"id", "text", "deficit", "category", "span"}``)."""
    spans: tuple[GoldSpan, ...] = ()
    if raw["deficit"]:
        start = raw["text"].find(raw["span"]) if raw.get("span") else -1
        # A deficit sentence without a findable phrase still counts at the sentence level.
        end = start + len(raw["span"]) if start >= 0 else 0
        spans = (GoldSpan(max(start, 0), end, raw["category"]),)
    return Item(raw["id"], batch, raw["text"], "sentence", "deficit" if spans else "ok", spans)


def load_labelled(path: Path) -> list[Item]:
    """A corpus batch file or a labelled sentence set (as in ``tests/language/``), told apart by its fields."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if lines and "deficit" in json.loads(lines[0]):
        return [_sentence_item(json.loads(line), path.stem) for line in lines]
    return load_file(path)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def describe(items: list[Item]) -> str:
    spans = Counter(span.category for item in items for span in item.spans)
    registers = Counter(item.register for item in items)
    kinds = Counter(item.kind for item in items)
    ok = sum(not item.deficit for item in items)
    multi = sum(item.register != "sentence" for item in items)
    lines = [
        f"items {len(items)}  ok {ok} ({ok / max(len(items), 1):.0%})  "
        f"non-sentence registers {multi} ({multi / max(len(items), 1):.0%})",
        "spans: " + ", ".join(f"{c} {spans[c]}" for c in CATEGORIES),
        "registers: " + ", ".join(f"{r} {n}" for r, n in registers.most_common()),
        "kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()),
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    everything: list[Item] = []
    for name in argv or sorted(str(p) for p in CORPUS_DIR.glob("*.jsonl")):
        try:
            items = load_file(Path(name))
        except CorpusError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"{name}\n{describe(items)}\n")
        everything += items
    if len(argv) != 1:
        print(f"all\n{describe(everything)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
