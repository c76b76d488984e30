"""The checker's learned components: a span model and a sentence classifier, trained on our corpus.

Both are spaCy components trained with ``python -m reflection train-checker`` (see
``training/``) and shipped in ``model/`` with a manifest of the data, config, scores and the
thresholds calibrated on the development split. The span model (``spancat``) reads the base
English model's ``tok2vec`` output (``doc.tensor``), which the main pipeline has computed anyway;
the sentence classifier (``textcat_multilabel``) is a sparse bag of n-grams. A candidate phrase
is judged by a weighted mean of its span score and its sentence's highest category score.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER, SENT_START
from spacy.lookups import Lookups
from spacy.ml.models.tok2vec import MaxoutWindowEncoder, MultiHashEmbed, tok2vec_listener_v1
from spacy.strings import hash_string
from spacy.tokens import Doc, Span
from thinc.api import Model, Ops, chain, concatenate, get_current_ops
from thinc.types import Ragged

MODEL_DIR = Path(__file__).resolve().parent / "model"
MANIFEST_NAME = "manifest.json"
# Span-model candidates below this score are never worth a look, whatever their sentence says.
# Chosen on the development split: the span model often scores the labelled phrase of a sentence
# the classifier is sure of very low, but still above the other phrases of that sentence. Since a
# phrase's sentence evidence is its sentence's highest score in any category, every phrase of a
# sure sentence scores high on it, so the floor is what keeps its other words unflagged: 0.005
# found 0.854 of the labelled phrases while 31% of flags overlapped none; 0.02 finds 0.838 and
# brings that back to the second round's one in four; 0.05 finds 0.819.
CANDIDATE_FLOOR = 0.02
# The span model searches only sentences whose classifier score reaches this for some category.
SENTENCE_GATE = 0.1


@spacy.registry.misc("reflection.base_model_lookups.v1")
def base_model_lookups(model: str) -> Lookups:
    """The installed base model's lookup tables (its lexeme norms), for training offline."""
    return spacy.load(model).vocab.lookups


@spacy.registry.architectures("reflection.ListenerWithWords.v1")
def listener_with_words(width: int, upstream: str, word_width: int, rows: int, depth: int) -> Model:
    """The base model's token vectors (frozen, read through a listener) joined with a small
    trainable embedding of the words themselves, then a few trainable convolution layers.

    The base vectors were trained for tagging and parsing: they know syntax, but a hash of a
    word's form is what tells "lazy" from "crazy". This costs a fraction of a second tok2vec.
    """
    words = MultiHashEmbed(
        width=word_width,
        attrs=["LOWER", "PREFIX", "SUFFIX", "SHAPE"],
        rows=[rows, rows // 4, rows // 2, rows // 8],
        include_static_vectors=False,
    )
    joined = concatenate(tok2vec_listener_v1(width=width, upstream=upstream), words)
    return chain(joined, MaxoutWindowEncoder(width=width + word_width, window_size=1, maxout_pieces=3, depth=depth))


@dataclass(frozen=True)
class PhraseShape:
    """Which token runs the span model considers: 1 to ``max_size`` tokens inside one sentence,
    neither starting nor ending on punctuation or whitespace, nor starting or ending on a word
    that never begins or ends a minimal deficit phrase ("and ...", "... the"). Each candidate
    costs a pass through the span model, so every one ruled out here is time saved."""

    max_size: int
    never_first: frozenset[str]
    never_last: frozenset[str]

    @classmethod
    def from_config(cls, suggester: dict) -> PhraseShape:
        return cls(suggester["max_size"], frozenset(suggester["never_first"]), frozenset(suggester["never_last"]))

    def phrases(self, doc: Doc, allowed: numpy.ndarray | None = None) -> numpy.ndarray:
        """(start, end) token offsets of the candidate phrases in ``doc``; only tokens where
        ``allowed`` is true (when given) may be part of one."""
        if len(doc) == 0:
            return numpy.zeros((0, 2), dtype="i")
        columns = doc.to_array([IS_PUNCT, IS_SPACE, SENT_START, LOWER])
        usable = (columns[:, 0] == 0) & (columns[:, 1] == 0)
        starts = usable & ~numpy.isin(columns[:, 3], _hashes(self.never_first))
        ends = usable & ~numpy.isin(columns[:, 3], _hashes(self.never_last))
        sentence = numpy.cumsum(columns[:, 2] == 1)
        inside = numpy.ones(len(doc), bool) if allowed is None else allowed
        found = []
        for size in range(1, min(self.max_size, len(doc)) + 1):
            begin = numpy.arange(len(doc) - size + 1)
            last = begin + size - 1
            keep = starts[begin] & ends[last] & (sentence[begin] == sentence[last]) & inside[begin]
            found.append(numpy.stack([begin[keep], last[keep] + 1], axis=1))
        return numpy.concatenate(found).astype("i")


@lru_cache(maxsize=8)
def _hashes(words: frozenset[str]) -> numpy.ndarray:
    return numpy.array([hash_string(word) for word in words], dtype="uint64")


@spacy.registry.misc("reflection.phrase_suggester.v2")
def phrase_suggester(max_size: int, never_first: list[str], never_last: list[str]) -> Callable[..., Ragged]:
    """The span model's suggester: the candidate phrases of ``PhraseShape``."""
    shape = PhraseShape(max_size, frozenset(never_first), frozenset(never_last))

    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        return _as_ragged([shape.phrases(doc) for doc in docs], ops or get_current_ops())

    return suggest


def _as_ragged(phrases: list[numpy.ndarray], ops: Ops) -> Ragged:
    """Each doc's (start, end) phrase offsets as the one Ragged array the span model reads."""
    data = numpy.concatenate(phrases) if phrases else numpy.zeros((0, 2), dtype="i")
    lengths = numpy.array([len(found) for found in phrases], dtype="i")
    return Ragged(ops.asarray2i(data.astype("i")), ops.asarray1i(lengths))


@dataclass(frozen=True)
class Thresholds:
    span_weight: float  # weight of the span score against the sentence score
    flag: float  # combined score from which a phrase is flagged ("worth a look")
    likely: float  # combined score from which a flag is "likely"
    companion: float  # combined score from which a phrase is flagged in a text already flagged

    def combined(self, span_score: float, sentence_score: float) -> float:
        return self.span_weight * span_score + (1 - self.span_weight) * sentence_score

    def is_companion(self, span_score: float, sentence_score: float) -> bool:
        """Whether a phrase may be flagged beside another flag: it and its sentence both reach the
        companion threshold."""
        return sentence_score >= self.companion and self.combined(span_score, sentence_score) >= self.companion


@dataclass(frozen=True)
class Candidate:
    span: Span
    category: str  # the span model's best label for the phrase
    span_score: float
    # The sentence classifier's highest score for the phrase's sentence, in any category: the
    # classifier knows that a sentence holds deficit framing better than which kind each of its
    # phrases is ("Mom showed up drunk and her kid acts like a wild animal" scores high on family
    # blame, low on character blame, yet both phrases are framing).
    sentence_score: float


class LearnedModel:
    """The trained components, run on documents the main pipeline has parsed."""

    def __init__(self, model_dir: Path = MODEL_DIR):
        self.manifest = json.loads((model_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        self.thresholds = Thresholds(**self.manifest["thresholds"])
        self.nlp = spacy.load(model_dir)
        self.sentences = self.nlp.get_pipe("textcat_multilabel")
        self.spans = self.nlp.get_pipe("spancat")
        self.shape = PhraseShape.from_config(self.nlp.config["components"]["spancat"]["suggester"])

    def candidates(self, docs: list[Doc], minimum: float | None = None) -> list[list[Candidate]]:
        """The span model's candidates in each doc with their span and sentence scores: those whose
        combined score reaches ``minimum``, or every one above the floor when it is None.

        The sentence classifier runs first; the span model scores only phrases inside sentences it
        finds at all suspicious (most sentences of a journal are not), which keeps the check cheap.
        """
        if not docs:
            return []
        sentences = [list(doc.sents) for doc in docs]
        views = [view for doc, doc_sentences in zip(docs, sentences) for view in _SentenceView.of(doc, doc_sentences)]
        sentence_scores = self.sentences.model.ops.to_numpy(self.sentences.predict(views))
        suspicion = sentence_scores.max(axis=1)
        suspicious = suspicion >= SENTENCE_GATE
        rows, searched, first_row = [], [], 0
        for doc, doc_sentences in zip(docs, sentences):
            # the row of sentence_scores for each token, and whether its sentence is searched
            lengths = [len(sentence) for sentence in doc_sentences]
            token_rows = numpy.repeat(numpy.arange(first_row, first_row + len(doc_sentences)), lengths)
            rows.append(token_rows)
            searched.append(suspicious[token_rows] if len(doc) else numpy.zeros(0, bool))
            first_row += len(doc_sentences)
        results: list[list[Candidate]] = [[] for _ in docs]
        found = [self.shape.phrases(doc, allowed) for doc, allowed in zip(docs, searched)]
        # Only docs with a suspicious sentence go through the span model's encoder.
        numbers = [number for number, bounds in enumerate(found) if len(bounds)]
        if not numbers:
            return results
        ops = self.spans.model.ops
        searched_docs = ([docs[n] for n in numbers], _as_ragged([found[n] for n in numbers], ops))
        span_scores = ops.to_numpy(self.spans.model.predict(searched_docs))
        span_scores = span_scores[:, : len(self.spans.labels)]  # without "no deficit"
        offset = 0
        for number in numbers:
            doc, bounds = docs[number], found[number]
            scores = span_scores[offset : offset + len(bounds)]
            offset += len(bounds)
            best = scores.argmax(axis=1)
            best_scores = scores.max(axis=1)
            in_sentence = suspicion[rows[number][bounds[:, 0]]]
            keep = numpy.flatnonzero(best_scores >= CANDIDATE_FLOOR)
            if minimum is not None:
                keep = keep[self.thresholds.combined(best_scores[keep], in_sentence[keep]) >= minimum]
            results[number] = [
                Candidate(doc[int(bounds[i, 0]) : int(bounds[i, 1])], self.spans.labels[best[i]],
                          float(best_scores[i]), float(in_sentence[i]))
                for i in keep
            ]
        return results


class _SentenceView:
    """A sentence as the bag-of-words classifier reads it: its slice of the doc's token columns,
    without the cost of copying it into a Doc of its own."""

    def __init__(self, columns: dict, doc: Doc, start: int, end: int):
        self._columns, self._doc, self.start, self.end = columns, doc, start, end

    @classmethod
    def of(cls, doc: Doc, sentences: list[Span]) -> list[_SentenceView]:
        columns: dict = {}  # shared by the doc's sentences: one to_array per attribute list
        return [cls(columns, doc, sentence.start, sentence.end) for sentence in sentences]

    def __len__(self) -> int:
        return self.end - self.start

    def to_array(self, attrs):
        key = tuple(attrs) if isinstance(attrs, list) else attrs
        if key not in self._columns:
            self._columns[key] = self._doc.to_array(attrs)
        return self._columns[key][self.start : self.end]


def is_available(model_dir: Path = MODEL_DIR) -> bool:
    return (model_dir / MANIFEST_NAME).is_file()


@lru_cache(maxsize=1)
def load_learned() -> LearnedModel | None:
    """The shipped model, or None when none is shipped (the rules then work alone)."""
    return LearnedModel() if is_available() else None


