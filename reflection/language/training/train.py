"""``python -m reflection train-checker``: train the learned components and ship them.

1. Read the corpus splits named in ``splits.toml``; refuse to go on if the frozen test split
   changed (its hash was recorded before any training).
2. Convert the training and development splits to spaCy's DocBin files, tokenized by the base model.
3. Run spaCy's own training loop on ``config.cfg`` (seeded).
4. Keep the trained text classifier and span model (the base model's tok2vec is not copied: the
   running pipeline has it), and calibrate the thresholds on the development split.
5. Write ``model/`` with a manifest: data hash, config hash, base model, scores and thresholds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from ..learned import MANIFEST_NAME, MODEL_DIR, Thresholds
from ..rules import CATEGORIES
from .corpus import CORPUS_DIR, Item, file_hash, load_labelled

TRAINING_DIR = Path(__file__).resolve().parent
CONFIG_PATH = TRAINING_DIR / "config.cfg"
SPLITS_PATH = TRAINING_DIR / "splits.toml"
# The labelled sentence sets (devset, blindset, freshset); see splits.toml for which one trains.
SENTENCE_SETS_DIR = TRAINING_DIR.parents[2] / "tests" / "language"
# What a flag from the model must reach on the development split, together with the rules.
TARGET_PRECISION = 0.94
LIKELY_PRECISION = 0.97
# What further phrases of a text that is flagged already must reach: even odds ("worth a look").
COMPANION_PRECISION = 0.5


class FrozenSplitChanged(RuntimeError):
    pass


def read_splits() -> dict:
    return tomllib.loads(SPLITS_PATH.read_text(encoding="utf-8"))


def split_files(name: str) -> list[Path]:
    splits = read_splits()
    batches = splits["test"]["batches"] if name == "test" else splits[name]
    files = [CORPUS_DIR / f"{batch}.jsonl" for batch in batches]
    if name == "train":
        files += [SENTENCE_SETS_DIR / f"{set_name}.jsonl" for set_name in splits.get("train_sentence_sets", [])]
    return files


def load_split(name: str) -> list[Item]:
    return [item for path in split_files(name) for item in load_labelled(path)]


def test_split_hash() -> str:
    digest = hashlib.sha256()
    for path in split_files("test"):
        digest.update(file_hash(path).encode())
    return digest.hexdigest()


def check_frozen_test_split() -> None:
    recorded = read_splits()["test"]["sha256"]
    if test_split_hash() != recorded:
        raise FrozenSplitChanged(
            f"The frozen test split changed (sha256 {test_split_hash()}, recorded {recorded}). "
            "It is never edited after it was frozen: restore it from git."
        )


def training_data_hash() -> str:
    """One hash over what the model learns from and is selected on: train and dev files, config."""
    digest = hashlib.sha256()
    for path in split_files("train") + split_files("dev") + [CONFIG_PATH]:
        digest.update(path.name.encode() + b"\0" + file_hash(path).encode())
    return digest.hexdigest()


def to_docbin(items: Iterable[Item], nlp) -> DocBin:
    docbin = DocBin(store_user_data=False)
    for item in items:
        doc = nlp.make_doc(item.text)
        spans = []
        for gold in item.spans:
            span = doc.char_span(gold.start, gold.end, label=gold.category, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["sc"] = spans
        doc.cats = {category: float(category in item.categories) for category in CATEGORIES}
        docbin.add(doc)
    return docbin


def _kept_components(trained_dir: Path, output_dir: Path) -> None:
    nlp = spacy.load(trained_dir)
    nlp.remove_pipe("tok2vec")
    # The training files lived in a temporary folder: with their paths left out, training again on
    # the same data writes byte-identical files (the manifest's model hash shows it).
    nlp.config["paths"].update({"train": None, "dev": None})
    if output_dir.exists():
        shutil.rmtree(output_dir)
    nlp.to_disk(output_dir)


def _dir_hash(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.name != MANIFEST_NAME):
        digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_manifest(model_dir: Path, thresholds: Thresholds, extra: dict) -> None:
    manifest = {
        "training_data_sha256": training_data_hash(),
        "test_split_sha256": test_split_hash(),
        "config_sha256": file_hash(CONFIG_PATH),
        "model_files_sha256": _dir_hash(model_dir),
        "thresholds": asdict(thresholds),
        **extra,
    }
    (model_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def recalibrate(model_dir: Path, extra: dict | None = None, *, log=print) -> dict:
    """Choose the flag thresholds on the development split again and rewrite the manifest."""
    from .calibration import calibrate

    manifest_path = model_dir / MANIFEST_NAME
    kept = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    extra = {key: kept[key] for key in ("base_model", "spacy_version", "seed", "dev_scores") if key in kept} | (extra or {})
    # Calibration loads the model through its manifest: start from thresholds that flag nothing.
    write_manifest(model_dir, Thresholds(span_weight=1.0, flag=1.01, likely=1.01, companion=1.01), extra)
    thresholds, figures = calibrate(
        model_dir, load_split("dev"), TARGET_PRECISION, LIKELY_PRECISION, COMPANION_PRECISION)
    log(f"calibrated on the development split: {thresholds} ({figures})")
    write_manifest(model_dir, thresholds, {**extra, "dev_calibration": figures})
    return json.loads(manifest_path.read_text(encoding="utf-8"))


def train(output_dir: Path | None = None, *, overrides: dict | None = None, log=print) -> dict:
    """Train, calibrate and write the model (by default the shipped one); returns the manifest."""
    output_dir = MODEL_DIR if output_dir is None else output_dir
    from spacy.cli.train import train as spacy_train

    from ..pipeline import model_name

    check_frozen_test_split()
    base = model_name()
    tokenizer_nlp = spacy.load(base, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler",
                                              "lemmatizer", "ner"])
    with tempfile.TemporaryDirectory(prefix="reflection-train-") as work:
        work_dir = Path(work)
        paths = {}
        for name in ("train", "dev"):
            items = load_split(name)
            paths[name] = work_dir / f"{name}.spacy"
            to_docbin(items, tokenizer_nlp).to_disk(paths[name])
            log(f"{name}: {len(items)} items from {', '.join(p.stem for p in split_files(name))}")
        spacy_train(
            CONFIG_PATH,
            work_dir / "out",
            use_gpu=-1,
            overrides={"paths.train": str(paths["train"]), "paths.dev": str(paths["dev"]), "paths.base_model": base,
                       **(overrides or {})},
        )
        staged = work_dir / "model"
        _kept_components(work_dir / "out" / "model-best", staged)
        meta = json.loads((work_dir / "out" / "model-best" / "meta.json").read_text(encoding="utf-8"))
        extra = {
            "base_model": f"{base} {spacy.util.get_package_version(base) or ''}".strip(),
            "spacy_version": spacy.__version__,
            "seed": spacy.util.load_config(CONFIG_PATH)["system"]["seed"],
            "dev_scores": {k: meta["performance"].get(k) for k in ("cats_score", "spans_sc_f", "spans_sc_p",
                                                                   "spans_sc_r")},
        }
        recalibrate(staged, extra, log=log)
        if output_dir.exists():
            shutil.rmtree(output_dir)
        shutil.copytree(staged, output_dir)
    return json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
