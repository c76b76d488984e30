"""Context that turns a pattern match into a non-flag: quotation, negation, reported labels,
and whether the words are about a person other than the writer."""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Token

# Double quotation marks pair up by a regular expression; single ones need the token-level
# scan in ``_single_quoted`` because the same character is also an apostrophe ("can't", "kids'").
_DOUBLE_QUOTATION = re.compile(r'"[^"\n]*"|“[^”\n]*”')
_SINGLE_MARKS = "'‘’"
_CLOSING_AFTER = ".,!?…;:"  # a closing single quote may follow a word or sentence punctuation
_MAX_QUOTE = 200  # characters; an unpaired opener does not swallow the rest of the entry

FIRST_PERSON = frozenset({"i", "me", "we", "us", "myself", "ourselves"})
THIRD_PERSON = frozenset({"he", "she", "they", "him", "her", "them", "who", "these", "those",
                          "everyone", "everybody", "anyone", "anybody", "someone", "somebody"})
# "I don't think she's lazy", "I wouldn't call them lazy"
_BELIEF_VERBS = frozenset({"think", "believe", "say", "mean", "feel", "agree", "buy", "accept",
                           "call", "suppose", "see", "consider", "find", "assume"})
# "A colleague called them lazy", "someone referred to them as the low group": a label the
# writer reports from someone else, anywhere under the verb ...
_LABELLING_VERBS = frozenset({"call", "label", "describe", "refer", "dub", "brand"})
# ... or a claim in the clause a speech verb reports ("a colleague said the kids are lazy").
_SPEECH_VERBS = frozenset({"say", "claim", "insist", "complain", "tell", "mention", "argue", "suggest",
                           "joke", "warn", "assert"})
# "I refuse to treat them as a lost cause", "we reject the idea that ...": the writer turns the
# judgement down.
_REJECTING_VERBS = frozenset({"refuse", "reject", "deny", "doubt", "dispute", "debunk", "challenge", "resist",
                              "question", "stop", "quit", "avoid"})
# "It's wrong to assume ...", "it's a myth that ...": a clause the writer calls false or unfair.
_REJECTING_WORDS = frozenset({"wrong", "unfair", "untrue", "false", "myth", "misconception", "stereotype",
                              "ridiculous", "harmful", "unjust", "nonsense", "mistake", "bias"})
_CLAUSAL = frozenset({"ccomp", "xcomp", "csubj", "acl", "advcl", "pcomp", "relcl"})
# "They argued about whether Dally was a lost cause": the clause is a question under discussion.
_DISCUSSING_VERBS = frozenset({"argue", "debate", "discuss", "talk", "ask", "decide", "disagree", "question"})
# "..., her mom even said so": the speech verb restates the writer's own claim.
_ENDORSING = frozenset({"so"})
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


_QUANTIFIERS = frozenset({"all", "most", "many", "some", "none", "each", "both", "half", "every", "one",
                          "few", "several", "lot", "majority", "rest"})
_NEGATIVE_SUBJECTS = frozenset({"nobody", "none", "noone", "neither"})
_SITUATION_MARKERS = frozenset({"when", "if", "while", "unless", "until", "because", "whenever", "after", "before"})
# Prepositions that pin a noun to a particular time, place or picture ("those kids in the photo").
_SPECIFYING_PREPOSITIONS = frozenset({"in", "on", "at", "during", "with", "by", "near", "behind"})


def is_other_person(token: Token | None, person_nouns: frozenset[str]) -> bool:
    """True for a learner, family member or third person; false for the writer and for things."""
    if token is None or token.lower_ in FIRST_PERSON:
        return False
    if token.lower_ in _QUANTIFIERS:
        # "all of them", "most of the kids": the quantifier stands for the people after "of".
        objects = [g for c in token.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        return bool(objects) and is_other_person(objects[0], person_nouns)
    if token.lower_ in THIRD_PERSON or token.lemma_.lower() in person_nouns or token.lower_ in person_nouns:
        return True
    # Names: the small model often tags first names GPE or ORG, so any proper noun counts, and
    # so does a bare number standing for people ("those two are ...").
    # A capitalised subject the tagger could not place ("Deshawn/ADJ will never read") is a name too.
    return token.pos_ == "PROPN" or (
        token.dep_ in {"nsubj", "nsubjpass"}
        and (token.pos_ == "NUM" or (token.pos_ in {"ADJ", "X", "INTJ"} and token.is_title))
    )


def is_specified(noun: Token) -> bool:
    """'those kids in the 1960s photo', 'those students who finished early': a particular group."""
    return any(
        child.i > noun.i
        and (child.dep_ in {"relcl", "acl"} or (child.dep_ == "prep" and child.lower_ in _SPECIFYING_PREPOSITIONS))
        for child in noun.children
    )


def is_negated(token: Token) -> bool:
    """'he is not lazy', 'they are not low', 'nobody here is a lost cause', 'not everyone is ...'."""
    heads = (token, token.head) if token.dep_ in {"acomp", "attr", "oprd", "conj"} else (token,)
    if any(child.dep_ == "neg" for head in heads for child in head.children):
        return True
    verb = token.head if token.dep_ in {"acomp", "attr"} else token if token.pos_ in {"VERB", "AUX"} else None
    subject = _subject_of(verb) if verb is not None else None
    return subject is not None and (
        subject.lower_ in _NEGATIVE_SUBJECTS or any(c.lower_ == "no" or c.dep_ == "neg" for c in subject.children)
    )


def is_situational(verb: Token) -> bool:
    """'he can't focus when the hallway is noisy': the difficulty is tied to a situation."""
    return any(
        child.dep_ == "advcl" and any(mark.lower_ in _SITUATION_MARKERS for mark in child.children)
        for child in verb.children
    )


def under_denied_belief(token: Token) -> bool:
    """'I don't think she's lazy', 'it's not that they don't care', 'nothing means he can't',
    'I refuse to treat them as a lost cause', 'it's a myth that ...': the writer denies it."""
    ancestors = list(token.ancestors)[:_MAX_CLIMB]
    for ancestor in ancestors[1:] if token.dep_ in {"acomp", "attr"} else ancestors:
        if ancestor.i > token.i:
            continue
        if ancestor.lemma_ in _REJECTING_VERBS:
            return True
        subject = _subject_of(ancestor)
        if ancestor.lemma_ in _BELIEF_VERBS and subject is not None and subject.lower_ in _NEGATIVE_SUBJECTS:
            return True
        if not any(child.dep_ == "neg" for child in ancestor.children):
            continue
        if ancestor.lemma_ in _BELIEF_VERBS or (subject is not None and subject.lower_ in {"it", "that", "this"}):
            return True
    return _called_false(token)


def _called_false(token: Token) -> bool:
    """The words sit in a clause the writer calls wrong, a myth, unfair ..."""
    child = token
    for ancestor in list(token.ancestors)[:_MAX_CLIMB]:
        if child.dep_ in _CLAUSAL and ancestor.i < token.i and (
            ancestor.lemma_.lower() in _REJECTING_WORDS
            or any(c.dep_ in {"acomp", "attr"} and c.lemma_.lower() in _REJECTING_WORDS for c in ancestor.children)
        ):
            return True
        child = ancestor
    return False


def under_open_question(token: Token) -> bool:
    """'They argued about whether Dally was a lost cause': discussed, not asserted."""
    for ancestor in [token, *list(token.ancestors)[:_MAX_CLIMB]]:
        if any(child.dep_ == "mark" and child.lower_ == "whether" for child in ancestor.children):
            governor = ancestor.head.head if ancestor.head.pos_ == "ADP" else ancestor.head
            return governor.lemma_ in _DISCUSSING_VERBS
    return False


def has_direct_object(verb: Token) -> bool:
    """'The class checked out Chromebooks': the verb is used transitively, in its other sense."""
    return any(child.dep_ == "dobj" for child in verb.children)


def reported_from_someone_else(token: Token) -> bool:
    """The words are a label someone else used ('a colleague called them lazy')."""
    child = token
    for ancestor in list(token.ancestors)[:_MAX_CLIMB]:
        reported = ancestor.lemma_ in _LABELLING_VERBS or (
            ancestor.lemma_ in _SPEECH_VERBS and child.dep_ in {"ccomp", "xcomp", "parataxis"}
        )
        if reported:
            if ancestor.i > token.i and any(c.lower_ in _ENDORSING for c in ancestor.children):
                return False  # "She's not a math person, her mom even said so": endorsed, not reported
            subject = _subject_of(ancestor)
            return subject is not None and subject.lower_ not in FIRST_PERSON
        child = ancestor
    return False
