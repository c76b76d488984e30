"""Context that turns a pattern match into a non-flag: quotation, negation, reported labels,
and whether the words are about a person other than the writer.

The words these rules read are data, under ``[context]`` in ``rules/_vocabulary.toml``; the
shipped file is read whatever rules directory a checker is built with (only its patterns and
word lists for patterns can be swapped).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Span, Token

from .rules import default_rules

_WORDS = default_rules().context_words

# Double quotation marks pair up by a regular expression; single ones need the token-level
# scan in ``_single_quoted`` because the same character is also an apostrophe ("can't", "kids'").
_DOUBLE_QUOTATION = re.compile(r'"[^"\n]*"|“[^”\n]*”')
_SINGLE_MARKS = "'‘’"
QUOTE_MARKS = "\"“”" + _SINGLE_MARKS  # a text without any of these has no quoted passage
_CLOSING_AFTER = ".,!?…;:"  # a closing single quote may follow a word or sentence punctuation
_MAX_QUOTE = 200  # characters; an unpaired opener does not swallow the rest of the entry

_CLAUSAL = frozenset({"ccomp", "xcomp", "csubj", "acl", "advcl", "pcomp", "relcl"})
_MAX_CLIMB = 8  # dependency paths in one sentence are short; stop runaway loops on odd parses


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of quoted passages, quotation marks included, in order."""
    ranges = [match.span() for match in _DOUBLE_QUOTATION.finditer(text)]
    ranges += [r for r in _single_quoted(text) if not any(d[0] <= r[0] < d[1] for d in ranges)]
    return sorted(ranges)


def _single_quoted(text: str) -> list[tuple[int, int]]:
    """Pair single quotation marks token by token.

    A mark between two letters is an apostrophe ("can't", "he'll", "O'Neil") and is skipped; a
    mark at the start of a word opens ('these kids ...); a mark at the end of a word or after
    sentence punctuation closes (... can't focus'). A closer with no opener before it is a
    plural possessive ("the kids' books") and is ignored.
    """
    ranges: list[tuple[int, int]] = []
    opened: int | None = None
    for index, char in enumerate(text):
        if char not in _SINGLE_MARKS:
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if before.isalnum() and after.isalnum():
            continue  # an apostrophe inside a word
        if opened is not None and index - opened > _MAX_QUOTE or before == "\n":
            opened = None
        closes = (before.isalnum() or before in _CLOSING_AFTER) and not after.isalnum() and char != "‘"
        if closes and opened is not None:
            ranges.append((opened, index + 1))
            opened = None
        elif not before.isalnum() and (after.isalnum() or after in "‘'\"") and char != "’":
            opened = index
    return ranges


def inside_any(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    index = bisect_right(ranges, (start, float("inf"))) - 1
    return index >= 0 and ranges[index][0] <= start and end <= ranges[index][1]


def _subject_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass", "expl"}:
            return child
    return None


def _through_relative_pronoun(subject: Token) -> Token:
    # "kids who are lazy": the subject "who" stands for the noun the clause modifies.
    if subject.lower_ in {"who", "that", "which"} and subject.head.dep_ == "relcl":
        return subject.head.head
    return subject


def described_entity(token: Token) -> Token | None:
    """The noun or pronoun a judgement word is about, following the dependency parse."""
    for _ in range(_MAX_CLIMB):
        if token.dep_ != "conj":
            break
        token = token.head
    if token.dep_ in {"amod", "compound", "nmod", "appos", "nsubj", "nsubjpass", "dobj", "pobj"}:
        return token.head if token.dep_ in {"amod", "compound", "nmod", "appos"} else token
    if token.dep_ == "oprd":
        # "called them lazy" -> them; "seems unmotivated" -> the subject of "seems"
        objects = [child for child in token.head.children if child.dep_ == "dobj"]
        subject = objects[0] if objects else _subject_of(token.head)
    elif token.pos_ in {"VERB", "AUX"} and token.dep_ not in {"acomp", "attr"}:
        # ("she is so entitled": the tagger may call a predicate adjective a verb)
        subject = _subject_of(token)
    else:
        # acomp/attr hang off the copula; a copula-less root ("lazy!") has no subject.
        subject = _subject_of(token.head if token.dep_ != "ROOT" else token)
    return _through_relative_pronoun(subject) if subject is not None else None


def is_other_person(token: Token | None, person_nouns: frozenset[str]) -> bool:
    """True for a learner, family member or third person; false for the writer and for things."""
    if token is None or token.lower_ in _WORDS.first_person:
        return False
    if token.lower_ in _WORDS.quantifiers:
        # "all of them", "most of the kids": the quantifier stands for the people after "of".
        objects = [g for c in token.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        return bool(objects) and is_other_person(objects[0], person_nouns)
    if token.lower_ in _WORDS.third_person or token.lemma_.lower() in person_nouns or token.lower_ in person_nouns:
        return True
    # Names: the small model often tags first names GPE or ORG, so any proper noun counts, and
    # so does a bare number standing for people ("those two are ...").
    # A capitalised subject the tagger could not place ("Deshawn/ADJ will never read") is a name too.
    return token.pos_ == "PROPN" or (
        token.dep_ in {"nsubj", "nsubjpass"}
        and (token.pos_ == "NUM" or (token.pos_ in {"ADJ", "X", "INTJ"} and token.is_title))
    )


def is_about_writer(token: Token) -> bool:
    """'I was lazy with my planning', 'my lesson was low-level': the writer's self-critique."""
    target = described_entity(token)
    if target is None:
        return False
    return target.lower_ in _WORDS.first_person or (
        target.lemma_.lower() in _WORDS.own_work
        and any(child.lower_ in {"my", "our"} and child.dep_ == "poss" for child in target.children)
    )


def is_specified(noun: Token) -> bool:
    """'those kids in the 1960s photo', 'those students who finished early': a particular group."""
    return any(
        child.i > noun.i
        and (
            child.dep_ in {"relcl", "acl"}
            or (child.dep_ == "prep" and child.lower_ in _WORDS.specifying_prepositions)
        )
        for child in noun.children
    )


def is_negated(token: Token) -> bool:
    """'he is not lazy', 'they are not low', 'nobody here is a lost cause', 'not everyone is ...'."""
    # "not lazy or rude": a negation reaches every conjoined word through the first one, but not a
    # conjoined clause ("I'm not saying that, but they don't care").
    first = token
    for _ in range(_MAX_CLIMB):
        if first.dep_ != "conj" or first.pos_ in {"VERB", "AUX"}:
            break
        first = first.head
    heads = {token, first} | ({first.head} if first.dep_ in {"acomp", "attr", "oprd"} else set())
    if any(child.dep_ == "neg" for head in heads for child in head.children):
        return True
    verb = first.head if first.dep_ in {"acomp", "attr"} else first if first.pos_ in {"VERB", "AUX"} else None
    subject = _subject_of(verb) if verb is not None else None
    return subject is not None and (
        subject.lower_ in _WORDS.negative_subjects or any(c.lower_ == "no" or c.dep_ == "neg" for c in subject.children)
    )


def holds_negation(span: Span) -> bool:
    """The phrase carries its own negation ("don't care", "nobody checks homework"): a negation
    inside the flagged words is the claim itself, not a denial of it."""
    return any(token.dep_ == "neg" or token.lower_ in _WORDS.negative_subjects for token in span)


def denies_within(span: Span) -> bool:
    """The phrase itself holds a denial: a belief the writer denies ("None of this means he
    can't", "I don't think she's lazy"), or a denied failure ("never give up", "never misses")."""
    for token in span:
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        negated = any(child.dep_ == "neg" or child.lower_ == "never" for child in token.children)
        subject = _subject_of(token)
        denied_by_subject = subject is not None and subject.lower_ in _WORDS.negative_subjects
        if token.lemma_ in _WORDS.belief_verbs and (negated or denied_by_subject):
            return True
        gives_up = token.lemma_ == "give" and any(child.lower_ == "up" for child in token.children)
        if negated and (token.lemma_ in _WORDS.failing_verbs or gives_up):
            return True
    return False


def is_situational(verb: Token) -> bool:
    """'he can't focus when the hallway is noisy': the difficulty is tied to a situation."""
    return any(
        child.dep_ == "advcl" and any(mark.lower_ in _WORDS.situation_markers for mark in child.children)
        for child in verb.children
    )


def _within_clause_chain(token: Token) -> list[Token]:
    """The ancestors whose clause holds ``token``: climbing stops at a coordinated clause, so a
    negation in "I'm not saying it to be mean, but these parents don't care" stays in its own clause."""
    chain, child = [], token
    for ancestor in list(token.ancestors)[:_MAX_CLIMB]:
        if child.dep_ == "conj" and child.pos_ in {"VERB", "AUX"}:
            break
        chain.append(ancestor)
        child = ancestor
    return chain


def under_denied_belief(token: Token) -> bool:
    """'I don't think she's lazy', 'it's not that they don't care', 'nothing means he can't',
    'I refuse to treat them as a lost cause', 'it's a myth that ...': the writer denies it."""
    ancestors = _within_clause_chain(token)
    for ancestor in ancestors[1:] if token.dep_ in {"acomp", "attr"} else ancestors:
        if ancestor.i > token.i:
            continue
        if ancestor.lemma_ in _WORDS.rejecting_verbs:
            return True
        subject = _subject_of(ancestor)
        denied_by_subject = subject is not None and subject.lower_ in _WORDS.negative_subjects
        if ancestor.lemma_ in _WORDS.belief_verbs and denied_by_subject:
            return True
        if not any(child.dep_ == "neg" for child in ancestor.children):
            continue
        if ancestor.lemma_ in _WORDS.belief_verbs or (subject is not None and subject.lower_ in {"it", "that", "this"}):
            return True
    return _called_false(token)


def _called_false(token: Token) -> bool:
    """The words sit in a clause the writer calls wrong, a myth, unfair ..."""
    child = token
    for ancestor in list(token.ancestors)[:_MAX_CLIMB]:
        if child.dep_ in _CLAUSAL and ancestor.i < token.i and (
            ancestor.lemma_.lower() in _WORDS.rejecting_words
            or any(
                c.dep_ in {"acomp", "attr"} and c.lemma_.lower() in _WORDS.rejecting_words for c in ancestor.children
            )
        ):
            return True
        child = ancestor
    return False


def under_open_question(token: Token) -> bool:
    """'They argued about whether Dally was a lost cause': discussed, not asserted."""
    for ancestor in [token, *list(token.ancestors)[:_MAX_CLIMB]]:
        if any(child.dep_ == "mark" and child.lower_ == "whether" for child in ancestor.children):
            governor = ancestor.head.head if ancestor.head.pos_ == "ADP" else ancestor.head
            return governor.lemma_ in _WORDS.discussing_verbs
    return False


def has_direct_object(verb: Token) -> bool:
    """'The class checked out Chromebooks': the verb is used transitively, in its other sense."""
    return any(child.dep_ == "dobj" for child in verb.children)


def reported_from_someone_else(token: Token) -> bool:
    """The words are a label someone else used ('a colleague called them lazy')."""
    child = token
    for ancestor in list(token.ancestors)[:_MAX_CLIMB]:
        reported = ancestor.lemma_ in _WORDS.labelling_verbs or (
            ancestor.lemma_ in _WORDS.speech_verbs and child.dep_ in {"ccomp", "xcomp", "parataxis"}
        )
        if reported:
            if ancestor.i > token.i and any(c.lower_ in _WORDS.endorsing for c in ancestor.children):
                return False  # "She's not a math person, her mom even said so": endorsed, not reported
            subject = _subject_of(ancestor)
            return subject is not None and subject.lower_ not in _WORDS.first_person
        child = ancestor
    return False


# --- a named group as the target of a judgement ------------------------------------------------


@dataclass(frozen=True)
class JudgementWords:
    """Word lists (lower case) that make a claim about a named group a deficit claim."""

    traits: frozenset[str]  # "lazy", "behind", "rude" (predicates)
    verbs: frozenset[str]  # lemmas: "struggle", "refuse", "misbehave"
    always_verbs: frozenset[str]  # lemmas that are a deficit with "always": "complain", "forget"


def is_judged_group(noun: Token, words: JudgementWords) -> bool:
    """'those Hispanic kids', 'the refugee kids don't try', 'the Arab boys are rude', 'one of the
    Somali girls, they don't participate': the named group is set apart or judged, not just named
    ('the Somali girls ran the assembly', 'our Vietnamese families hosted the festival')."""
    if any(
        child.lower_ in _WORDS.distancing and child.dep_ in {"det", "predet", "nmod", "amod"} for child in noun.children
    ):
        return True
    holder = noun
    for _ in range(_MAX_CLIMB):
        if holder.dep_ == "conj" and holder.head.pos_ in {"NOUN", "PROPN", "PRON", "NUM"}:
            holder = holder.head
        elif holder.dep_ == "pobj" and holder.head.lower_ == "of" and (
            holder.head.head.lower_ in _WORDS.quantifiers or holder.head.head.pos_ in {"NUM", "PRON"}
        ):
            holder = holder.head.head  # "most of the Hispanic kids", "one of the Somali girls"
        else:
            break
    for predicate in _predicates_of(holder):
        if _is_deficit_predicate(predicate, words):
            return True
    # "She's one of the Somali girls, they don't participate": "they" picks the group up again.
    sentence_end = noun.sent.end
    for token in noun.doc[noun.i + 1 : sentence_end]:
        if token.lower_ == "they" and token.dep_ in {"nsubj", "nsubjpass"} and any(
            _is_deficit_predicate(p, words) for p in _predicates_of(token)
        ):
            return True
    return False


def _predicates_of(holder: Token) -> list[Token]:
    """The verbs (or copulas) saying something about ``holder``, with the ones conjoined to them."""
    if holder.dep_ in {"nsubj", "nsubjpass"}:
        verb = holder.head
    elif holder.dep_ == "dobj" and any(c.dep_ in {"xcomp", "ccomp"} and c.i > holder.i for c in holder.head.children):
        # "I can't get the Hispanic kids to sit down"
        return [c for c in holder.head.children if c.dep_ in {"xcomp", "ccomp"} and c.i > holder.i]
    else:
        return []
    verbs = [verb]
    for _ in range(_MAX_CLIMB):
        # "keep to themselves and don't try": a conjoined verb without a subject of its own
        more = [c for c in verbs[-1].children if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"} and _subject_of(c) is None]
        if not more:
            break
        verbs.append(more[0])
    return verbs


def _is_deficit_predicate(verb: Token, words: JudgementWords) -> bool:
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    denied = any(c.dep_ == "neg" for c in children)
    complements = [c for c in children if c.dep_ in {"acomp", "attr", "oprd"}]
    complements += [g for c in complements for g in c.children if g.dep_ == "conj"]
    if complements:
        judged = any(c.lower_ in words.traits or c.lemma_.lower() in words.traits for c in complements)
        # "are behind" / "aren't interested" / but "aren't lazy"
        return judged != denied if judged else denied and any(c.lemma_.lower() in _WORDS.wanted for c in complements)
    if any(c.dep_ == "advmod" and c.lower_ in words.traits for c in children):
        return not denied  # "are always behind"
    if denied:
        particle = next((c.lower_ for c in children if c.dep_ == "prt"), "")
        return lemma not in _WORDS.fine_when_denied and particle != "up"
    if lemma in words.verbs:
        return True
    if lemma in words.always_verbs and any(c.lower_ in _WORDS.habitual for c in children):
        return True
    if lemma in _WORDS.keeping_apart and any(
        c.lower_ == "together" or (c.dep_ == "prep" and any(g.lower_ == "themselves" for g in c.children))
        for c in children
    ):
        return True
    for child in children:
        if child.dep_ != "dobj":
            continue
        if any(g.lower_ in {"no", "zero"} for g in child.children):
            return True  # "have no manners", "show no respect"
        if lemma == "need" and child.lemma_.lower() in _WORDS.control_nouns:
            return True
    return False
