"""The checker's learned components: a span model and a sentence classifier, trained on our corpus.

Both are spaCy components trained with ``python -m reflection train-checker`` (see
``training/``) and shipped in ``model/`` with a manifest of the data, config, scores and the
thresholds calibrated on the development split. The span model (``spancat``) reads the base
English model's ``tok2vec`` output (``doc.tensor``), which the main pipeline has computed anyway;
the sentence classifier (``textcat_multilabel``) is a sparse bag of n-grams. A candidate phrase
is judged by a weighted mean of its span score and its sentence's score for the same category.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.tokens import Doc, Span

MODEL_DIR = Path(__file__).resolve().parent / "model"
MANIFEST_NAME = "manifest.json"
# Span-model candidates below this score are never worth a look, whatever their sentence says.
CANDIDATE_FLOOR = 0.05


@spacy.registry.misc("reflection.base_model_lookups.v1")
def base_model_lookups(model: str) -> Lookups:
    """The installed base model's lookup tables (its lexeme norms), for training offline."""
    return spacy.load(model).vocab.lookups


@dataclass(frozen=True)
class Thresholds:
    span_weight: float  # weight of the span score against the sentence score
    flag: float  # combined score from which a phrase is flagged ("worth a look")
    likely: float  # combined score from which a flag is "likely"

    def combined(self, span_score: float, sentence_score: float) -> float:
        return self.span_weight * span_score + (1 - self.span_weight) * sentence_score


@dataclass(frozen=True)
class Candidate:
    span: Span
    category: str
    span_score: float
    sentence_score: float


class LearnedModel:
    """The trained components, run on documents the main pipeline has parsed."""

    def __init__(self, model_dir: Path = MODEL_DIR):
        self.manifest = json.loads((model_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        self.thresholds = Thresholds(**self.manifest["thresholds"])
        self.nlp = spacy.load(model_dir)
        self.sentences = self.nlp.get_pipe("textcat_multilabel")
        self.spans = self.nlp.get_pipe("spancat")
        self.labels = list(self.sentences.labels)

    def candidates(self, docs: list[Doc]) -> list[list[Candidate]]:
        """Every span-model candidate of each doc with its span and sentence scores."""
        if not docs:
            return []
        ops = self.spans.model.ops
        sentences = [list(doc.sents) for doc in docs]
        flat = [sentence.as_doc() for doc_sentences in sentences for sentence in doc_sentences]
        sentence_scores = ops.to_numpy(self.sentences.predict(flat)) if flat else numpy.zeros((0, len(self.labels)))
        indices, span_scores = self.spans.predict(docs)
        bounds = ops.to_numpy(indices.dataXd)
        lengths = ops.to_numpy(indices.lengths)
        span_scores = ops.to_numpy(span_scores)
        span_labels = [self.labels.index(label) for label in self.spans.labels]
        results, offset, row = [], 0, 0
        for doc, doc_sentences, count in zip(docs, sentences, lengths):
            scores = span_scores[offset : offset + count]
            best, best_scores = scores.argmax(axis=1), scores.max(axis=1)
            ends = numpy.array([sentence.end for sentence in doc_sentences])
            found = []
            for i in numpy.flatnonzero(best_scores >= CANDIDATE_FLOOR):
                start, end = bounds[offset + i]
                sentence = row + int(numpy.searchsorted(ends, start, side="right"))
                label = int(best[i])
                found.append(Candidate(
                    doc[int(start) : int(end)],
                    self.spans.labels[label],
                    float(best_scores[i]),
                    float(sentence_scores[sentence][span_labels[label]]),
                ))
            results.append(found)
            offset += count
            row += len(doc_sentences)
        return results


def is_available(model_dir: Path = MODEL_DIR) -> bool:
    return (model_dir / MANIFEST_NAME).is_file()


@lru_cache(maxsize=1)
def load_learned() -> LearnedModel | None:
    """The shipped model, or None when none is shipped (the rules then work alone)."""
    return LearnedModel() if is_available() else None


