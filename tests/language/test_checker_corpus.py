"""The training corpus: valid, large and varied enough, split by batch, the test split frozen."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from reflection.language.rules import CATEGORIES
from reflection.language.training import train
from reflection.language.training.corpus import CORPUS_DIR, CorpusError, load_file, parse_item


@pytest.fixture(scope="module")
def corpus():
    return {path.stem: load_file(path) for path in sorted(CORPUS_DIR.glob("*.jsonl"))}


def test_every_batch_belongs_to_exactly_one_split(corpus):
    splits = train.read_splits()
    named = splits["train"] + splits["dev"] + splits["test"]["batches"]
    assert sorted(named) == sorted(corpus) and len(set(named)) == len(named)


def test_corpus_size_and_mix(corpus):
    items = [item for batch in corpus.values() for item in batch]
    spans = Counter(span.category for item in items for span in item.spans)
    assert len(items) >= 4000
    assert sum(not item.deficit for item in items) / len(items) >= 0.40
    assert sum(item.register != "sentence" for item in items) / len(items) >= 0.40
    assert all(spans[category] >= 300 for category in CATEGORIES), spans
    hard = Counter(item.kind for item in items if not item.deficit)
    assert all(hard[kind] >= 100 for kind in ("hard_negative", "quoted", "self_critique", "asset", "factual")), hard


def test_test_split_shares_no_text_with_what_the_model_learns_from(corpus):
    splits = train.read_splits()
    seen = {item.text.casefold().strip() for name in splits["train"] + splits["dev"] for item in corpus[name]}
    test = [item for name in splits["test"]["batches"] for item in corpus[name]]
    assert not [item.id for item in test if item.text.casefold().strip() in seen]


def test_the_frozen_test_split_is_unchanged():
    train.check_frozen_test_split()


def test_a_changed_test_split_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "batch-test.jsonl"
    copy.write_text((CORPUS_DIR / "batch-test.jsonl").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(train, "split_files", lambda name: [copy])
    with pytest.raises(train.FrozenSplitChanged, match="restore it from git"):
        train.check_frozen_test_split()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"id": "x", "text": "They are lazy.", "spans": [{"phrase": "lazy!", "category": "blame_character"}]},
         "not in the text"),
        ({"id": "x", "text": "They are lazy.", "spans": [{"phrase": "lazy", "category": "rude"}]},
         "not one of the nine"),
        ({"id": "x", "text": "These kids are lazy.",
          "spans": [{"phrase": "These kids", "category": "othering"}, {"phrase": "kids are", "category": "label"}]},
         "overlap"),
        ({"id": "x", "text": "They are lazy.", "register": "tweet"}, "register"),
    ],
)
def test_malformed_lines_are_named(raw, message):
    with pytest.raises(CorpusError, match=message):
        parse_item(raw, "batch-x", "batch-x.jsonl:3")


def test_occurrence_picks_the_later_phrase():
    item = parse_item(
        {"id": "x", "text": "these kids, I mean these kids", "spans": [
            {"phrase": "these kids", "category": "othering", "occurrence": 2}]},
        "b", "b:1",
    )
    assert item.spans[0].start == len("these kids, I mean ")


def test_validator_command_reports_counts(capsys):
    from reflection.language.training.corpus import main

    assert main([str(CORPUS_DIR / "batch-dev.jsonl")]) == 0
    assert "items" in capsys.readouterr().out


def test_training_data_is_json_lines_with_unique_ids(corpus):
    ids = [item.id for batch in corpus.values() for item in batch]
    assert len(ids) == len(set(ids))
    for path in CORPUS_DIR.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert isinstance(json.loads(line), dict)


def test_the_blind_and_fresh_sets_stay_out_of_training():
    from reflection.language.evaluation import BLINDSET_PATH, FRESHSET_PATH, load_examples

    trained_on = {item.text.casefold().strip() for item in train.load_split("train") + train.load_split("dev")}
    for path in (BLINDSET_PATH, FRESHSET_PATH):
        assert path not in train.split_files("train")
        assert not [e.id for e in load_examples(path) if e.text.casefold().strip() in trained_on]
