"""Turn a rule's suggestion template into a concrete rewrite of the flagged words.

Templates are plain text with placeholders, filled from the parse so the rewrite keeps the
grammar of the sentence it goes back into:

- ``{noun}``     the person noun the flag is about, in its number ("kids" -> "students")
- ``{subject}``  the flagged words up to and including that noun ("These kids" -> "These students");
                 empty when that noun stands before the flagged words (it stays in the sentence)
- ``{rest}``     the flagged words after the modal, the negation or the sweeping word ("never",
                 "always", "no", "nobody") and any "even"/"just"/"ever" leaning on it
                 ("can't even sit still" -> "sit still"); after "to" its verb takes the base form
- ``{lead}``, ``{last}``  the flagged words but the last one, and the last one ("came from" | "nothing")
- ``{verb}``     the flagged words up to and including the first verb ("all act", "All of them behave")
- ``{be}``, ``{have}``, ``{do}``  agree with that noun in number and with the flagged verb in tense
- ``{plural|singular}``  picks the form that agrees with the noun ("{receive|receives}")

The first letter of the rewrite follows the first letter of the flagged words; an article at the
start of a rewrite merges with one already in the sentence ("the culture of poverty" -> "the
effects of ...", not "the the effects"), and a singular noun that would stand bare gets one.

A rewrite must also fit the words around it. When it cannot ("so lazy" -> "so not yet engaged",
"rude to the sub" -> "communicating a need ... to the sub"), ``render`` returns "" and the app
offers the rule's alternatives and question instead of an Apply button.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from . import context

# Informal words for learners become "student(s)"; other person nouns keep their own word.
_NOUN_REWRITES = {
    "kid": "student",
    "kids": "students",
    "kiddo": "student",
    "kiddos": "students",
    "babies": "students",
    "ell": "multilingual learner",
    "ells": "multilingual learners",
    "esl": "multilingual learner",
    "esls": "multilingual learners",
    # "non-English speakers" in a teacher's notes are students.
    "speaker": "student",
    "speakers": "students",
}
_PORTIONS = {"half", "most", "rest", "majority", "part", "lot", "bunch", "third", "quarter"}
_PLURAL_PRONOUNS = {"they", "them", "we", "us", "these", "those", "all", "both", "many", "some"}
_OPENING_MARKS = {'"', "'", "“", "‘", "(", "["}
_SENTENCE_ENDS = {".", "!", "?", "…", ":", "..."}
_KEPT_BEFORE_NOUN = {"det", "poss", "predet", "nummod"}
_ORDINALS = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th",
             "11th", "12th"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_VERB_FORMS = {
    # (plural or "you", singular third person, first person singular)
    "be": {"present": ("are", "is", "am"), "past": ("were", "was", "was")},
    "have": {"present": ("have", "has", "have"), "past": ("had", "had", "had")},
    "do": {"present": ("do", "does", "do"), "past": ("did", "did", "did")},
}
# Words that carry a sweeping claim: {rest} starts after them ("never do" -> "do").
_SWEEPING = {"no", "zero", "nobody", "noone", "none", "never", "always", "constantly", "forever"}
# Words that lean on the negation and go with it ("can't even write" -> "write").
_LEANING = {"even", "just", "really", "simply", "ever", "actually", "truly"}
_NEGATIVE_PEOPLE = {"nobody", "noone", "none"}
_ARTICLES = {"a", "an", "the"}
_DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our",
                "their", "every", "each", "any", "no", "another", "one", "some", "such"}
# Degree and frequency words cannot modify a reworded judgement ("so not yet engaged").
_DEGREE = {"so", "very", "too", "really", "extremely", "super", "totally", "completely", "pretty", "quite",
           "incredibly", "just", "simply", "truly", "fairly", "rather", "kinda", "sorta", "somewhat", "more",
           "most", "less", "least", "always", "never", "often", "usually", "sometimes", "constantly",
           "seriously", "absolutely", "utterly", "downright", "such", "ever", "all", "also", "still", "even"}
_INTENSIFIERS = {"so", "very", "really", "super", "totally", "extremely", "completely"}
# A predicate rewrite ("not yet engaged", "still building ...", "communicating ...") needs one of
# these right before it: "is lazy" -> "is not yet engaged", but not "seems", "act", "been", "so".
_FINITE_BE = {"is", "are", "was", "were", "am", "'s", "'re", "'m", "’s", "’re", "’m"}
_SPOKEN = {"na": "to", "ta": "to"}  # "gonna", "gotta" are "gon" + "na", "got" + "ta"
_ANY_BE = _FINITE_BE | {"be", "been", "being"}
_FINITE_START = {"may", "might", "can", "could", "will", "would", "is", "are", "was", "were", "has", "have",
                 "had", "does", "do", "did"}
# Dependents of a flagged verb that a rewrite ending in its own words cannot take over.
_VERB_COMPLEMENTS = {"dobj", "dative", "xcomp", "ccomp", "prt", "acomp", "attr", "oprd"}
_COMPLEMENT_PREPOSITIONS = {"about", "to", "with", "of", "for", "into", "toward", "towards"}
_ADJECTIVE_COMPLEMENT_PREPOSITIONS = {"about", "to", "with", "of", "for", "in", "at", "on", "into", "toward", "towards",
                                      "as"}
_NOUN_COMPLEMENT_PREPOSITIONS = {"of", "about", "for", "to", "with"}
_PREPOSITIONS = {"about", "to", "with", "of", "for", "in", "at", "on", "into", "from", "by"}
# A rewrite that ends in a clause ("students who ...", "support we have not yet seen") cannot take
# the flagged noun's own relative clause or complement after it.
_CLAUSE = re.compile(r"\b(?:who|that|which|we|I)\b")
_HARMLESS_AFTER = {"punct", "cc", "advcl", "npadvmod", "advmod", "mark", "dep", "meta"}
# Words that need a negation before them ("no motivation whatsoever", "doesn't care at all").
_NEGATIVE_POLARITY = {"whatsoever", "anymore", "yet"}
_NEGATIONS = {"not", "n't", "never", "no", "rarely", "nobody", "none"}
# Words a rewrite may end with that take the flagged words' complement over: "has it in him to
# pass" -> "is ready to pass", "is cut out for calculus" -> "is ready for calculus".
_TAKES_OVER = {"ready": {"to", "for"}, "able": {"to"}, "willing": {"to"}}
_KEEPS_ENDING = re.compile(r"\{(?:noun|subject|rest|last|verb)\}\s*$")
_STARTS_WITH_VERB = re.compile(r"^\s*\{(?:be|have|do|subject|lead|verb)\}")


def is_plural(token: Token | None) -> bool:
    if token is None:
        return True
    if token.lower_ in _PLURAL_PRONOUNS:
        return True
    if token.lower_ in {"he", "she", "him", "her", "i", "me", "it"}:
        return False
    if token.lower_ in _PORTIONS:
        # "Half of them", "most of my students": the number of what they are part of.
        of = next((c for c in token.children if c.lower_ == "of"), None)
        held = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if held is not None:
            return is_plural(held)
    return token.tag_ in {"NNS", "NNPS"} or "Plur" in token.morph.get("Number")


def _is_past(span: Span) -> bool:
    verbs = [t for t in span if t.pos_ in {"AUX", "VERB"}] or [span.root.head]
    # "are never involved": the participle's Tense=Past says nothing about when; the finite verb does.
    verbs = [t for t in verbs if "Part" not in t.morph.get("VerbForm")] or verbs
    # "could" carries no Tense in the tagger's morphology, but "couldn't focus" is past.
    return any("Past" in verb.morph.get("Tense") or verb.lower_ == "could" for verb in verbs)


def _noun(target: Token | None, plural: bool) -> str:
    if target is None or target.pos_ == "PRON":
        return "students" if plural else "student"
    if target.pos_ == "PROPN":
        return target.text
    return _NOUN_REWRITES.get(target.lower_, target.lower_)


def _described(span: Span) -> Token | None:
    """Whom words without a person noun describe ("She came from nothing" -> She), for number."""
    try:
        return context.described_entity(span.root)
    except (AttributeError, IndexError):
        return None


def render(template: str, span: Span, target: Token | None) -> str:
    """Fill ``template`` for ``span``; ``target`` is the person the flagged words describe.

    Returns "" when no rewrite from this template fits the sentence around the flagged words.
    """
    if not template.strip():
        return ""
    plural = is_plural(target if target is not None else _described(span))
    noun = _noun(target, plural)
    tense: list[bool] = []  # worked out on first use: most templates have no verb to agree
    first_person = target is not None and target.lower_ in {"i", "me"}
    unfit: list[str] = []
    defaulted: list[bool] = []  # {noun} or {subject} fell back to "student(s)": no person in sight

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if "|" in name:
            plural_form, singular_form = name.split("|", 1)
            return plural_form if plural else singular_form
        if name == "noun":
            defaulted.append(target is None)
            return noun
        if name == "subject":
            subject = _subject(span, target, noun)
            defaulted.append(target is None and subject == noun)
            return subject
        if name == "rest":
            return _rest(span, template[: match.start()], unfit)
        if name == "lead":
            return span[:-1].text
        if name == "last":
            return span[-1].text
        if name == "verb":
            verb = next((t for t in span if t.pos_ in {"VERB", "AUX"}), span[-1])
            return span.doc[span.start : verb.i + 1].text
        if name in _VERB_FORMS:
            if not tense:
                tense.append(_is_past(span))
            forms = _VERB_FORMS[name]["past" if tense[0] else "present"]
            return forms[2] if first_person else forms[0] if plural else forms[1]
        raise ValueError(f"unknown placeholder {{{name}}} in suggestion template {template!r}")

    text = _tidy(_PLACEHOLDER.sub(fill, template))
    if unfit or not text:
        return ""
    text = _fit_article(text, template, span, noun, plural)
    if misfit(text, template, span, target, any(defaulted)):
        return ""
    return _spaced(match_first_letter(text, span), span)


def _tidy(text: str) -> str:
    """One space between words, none at the ends, and no word twice in a row."""
    text = " ".join(text.split())
    return re.sub(r"\b(\w+) \1\b", r"\1", text, flags=re.IGNORECASE)


def _subject(span: Span, target: Token | None, noun: str) -> str:
    if target is None:
        # "None of them can spell": the people are the object of "of", not a person noun.
        held = next((t for t in span if t.dep_ == "pobj" and t.pos_ in {"PRON", "NOUN", "PROPN"}), None)
        return _kept_before(span, held) + held.text if held is not None else noun
    if target.i < span.start:
        return ""  # the subject stands before the flagged words and stays in the sentence
    if target.i >= span.end:
        return noun
    # Keep the determiners and numbers ("These", "My", "sixth") and drop other modifiers, which
    # may be labels themselves ("my low kids can't focus" -> "my students are finding it hard to focus").
    return f"{_kept_before(span, target)}{noun if target.pos_ != 'PRON' else target.text}"


def _kept_before(span: Span, noun: Token) -> str:
    return "".join(
        t.text_with_ws
        for t in span.doc[span.start : noun.i]
        if t.dep_ in _KEPT_BEFORE_NOUN or t.lower_ in _ORDINALS or (t.like_num and t.dep_ != "amod")
    )


def _rest(span: Span, before: str, unfit: list[str]) -> str:
    """The flagged words after the modal, negation or sweeping word; base form after "to"."""
    doc = span.doc
    cut = span.start
    for token in span:
        if token.dep_ == "neg" or token.tag_ == "MD" or token.lower_ in _SWEEPING:
            cut = token.i + 1
        elif token.lower_ == "one" and token.i > span.start and doc[token.i - 1].lower_ == "no":
            cut = token.i + 1
    while cut < span.end - 1 and doc[cut].lower_ in _LEANING:
        cut += 1
    words = doc[cut : span.end]
    if not len(words):
        unfit.append("nothing left")
        return ""
    first = words[0]
    lead_in = before.split()[-1].lower() if before.split() else ""
    if first.pos_ in {"VERB", "AUX"} and lead_in == "to" and first.tag_ != "VB":
        return first.lemma_ + first.whitespace_ + words[1:].text if len(words) > 1 else first.lemma_
    if first.pos_ == "VERB" and lead_in.endswith("ing"):
        # "still building" takes a noun ("motivation"), not a verb ("put in any effort").
        unfit.append("verb after -ing")
    return words.text


def _previous(span: Span) -> Token | None:
    for token in reversed(span.doc[: span.start]):
        if not token.is_space:
            return token
    return None


def _next(span: Span) -> Token | None:
    for token in span.doc[span.end :]:
        if not token.is_space:
            return token
    return None


def _is_determiner(token: Token | None) -> bool:
    return token is not None and (
        token.dep_ in {"det", "poss", "predet", "nummod", "amod", "compound", "case"}
        or token.lower_ in _DETERMINERS
        or token.tag_ in {"POS", "PRP$", "DT"}
    )


def _fit_article(text: str, template: str, span: Span, noun: str, plural: bool) -> str:
    """Merge an article at the start of the rewrite with the sentence's; give a bare noun one."""
    before = _previous(span)
    first, _, after = text.partition(" ")
    if first.lower() in _ARTICLES and after and _is_determiner(before):
        if before.lower_ in {"a", "an"} and before.head.i >= span.start:
            return text  # the pipeline takes that article into the flag (see with_article)
        return after  # "the culture of poverty" -> "the effects of economic hardship"
    starts_with_person = first.lower() == "student" or (
        template.lstrip().startswith(("{noun}", "{subject}")) and first.lower() == noun.split()[0]
    )
    bare = not _is_determiner(before) and not (before is not None and before.pos_ == "ADP")
    if not plural and starts_with_person and bare:
        return f"{_article_for(text)} {text}"  # "That kind of family" -> "A family in this situation"
    return text


def misfit(text: str, template: str, span: Span, target: Token | None, defaulted: bool = False) -> str | None:
    """Why ``text`` cannot replace ``span`` in its sentence, or None when it fits."""
    doc = span.doc
    before, after = _previous(span), _next(span)
    words = text.split()
    lowered = [w.lower() for w in words]
    first = lowered[0]
    root = span.root
    # A rewrite that opens with a finite verb ("{be} still building", "can expect growth") takes
    # over the subject and adverbs before it; one that ends with the flagged words' own last word
    # ("{rest}", "not yet on track to") takes over what follows.
    verb_first = bool(_STARTS_WITH_VERB.match(template)) or first in _FINITE_START
    last_flagged = _SPOKEN.get(span[-1].lower_, span[-1].lower_)
    keeps_end = bool(_KEEPS_ENDING.search(template)) or lowered[-1] == last_flagged
    keeps_words = bool(re.search(r"\{(?:subject|last|lead|rest|verb)\}", template))
    ends_in_clause = bool(_CLAUSE.search(text))
    after_be = before is not None and before.lower_ in _FINITE_BE
    after_any_be = before is not None and before.lower_ in _ANY_BE

    # Words before the flagged ones that lean on them: "so lazy", "is just weak",
    # "he doesn't even speak", "she's been coasting".
    if before is not None and not verb_first:
        if before.lower_ in _DEGREE and (before.pos_ in {"ADV", "PART"} or before.dep_ == "advmod"
                                         or before.lower_ == "such"):
            return "degree word before"
        head = before.head
        if span.start <= head.i < span.end and head.lower_ not in lowered:
            if before.dep_ in {"advmod", "neg"}:
                return "adverb before"
            # "has hit his ceiling" -> "has reached a plateau"; not "has been coasting" -> "has been not ..."
            if before.dep_ in {"aux", "auxpass"} and not after_be and not (
                before.lemma_ == "have" and _participle(words[0])
            ):
                return "auxiliary before"
    # "Our Haitian families never answer" -> "Our Haitian families have not yet ...": a proper
    # adjective sorting the people by origin would stay in the new claim about them.
    makes_claim = bool(re.search(r"\{(?:be|have|do|rest|verb)\}", template))
    if (
        makes_claim and before is not None and span.start <= before.head.i < span.end
        and before.dep_ in {"amod", "compound"} and before.text[:1].isupper()
        and not _starts_sentence(doc[before.i : before.i + 1])
    ):
        return "origin word before"
    # "She's so ADHD" -> "she has ADHD" would quietly drop the "so".
    if keeps_words and any(t.lower_ in _INTENSIFIERS for t in span) and not set(lowered) & _INTENSIFIERS:
        return "intensifier dropped"

    # A predicate rewrite stands only right after a finite "be": "is lazy" -> "is not yet engaged";
    # not "act stupid", "seems lazy", "has been coasting", "He coasts".
    replaces_predicate = (
        root.pos_ not in {"NOUN", "PROPN"} and first.endswith("ing") and first not in {"nothing", "something"}
    )
    if (first in {"not", "still"} or replaces_predicate) and not after_be:
        return "predicate rewrite not after a finite be"
    # A rewrite that starts with a verb needs its subject before it ("School is not a priority").
    opens_sentence = before is None or _starts_sentence(span)
    if first in _FINITE_START and not _STARTS_WITH_VERB.match(template) and opens_sentence:
        return "verb-first rewrite without subject"
    # A noun phrase cannot stand in for a verb, nor for an adjective outside "is ...".
    has_verb = bool(re.search(r"\{(?:be|have|do|subject|rest|verb)\}", template))
    noun_phrase = (
        not has_verb
        and (first in _ARTICLES or (target is not None and first == _noun_word(target)))
        and not (len(lowered) > 1 and lowered[1] in _FINITE_START)  # "parents may value ..." is a clause
    )
    if noun_phrase and root.pos_ == "VERB" and not (after_any_be and root.tag_ in {"VBN", "VBD"}):
        return "noun phrase for a verb"
    if noun_phrase and root.pos_ == "ADJ" and not after_any_be:
        return "noun phrase for an adjective"
    # "They are a lost cause" -> "They are a student ..."
    if first in {"a", "an"} and (root.pos_ != "NOUN" or root.dep_ == "attr"):
        subject = _described(span)
        if subject is not None and is_plural(subject) and subject.lower_ not in {"all", "some"}:
            return "singular for plural subject"
    # "Nobody at home checks ...": no noun can say whom a "nobody" claim is about.
    if defaulted and (
        any(t.lower_ in _NEGATIVE_PEOPLE for t in span)
        or any(t.lower_ == "one" and t.i > span.start and doc[t.i - 1].lower_ == "no" for t in span)
    ):
        return "nobody claim"

    if not keeps_end:
        # "behind in fractions", "hopeless at spelling": the parse may hang the preposition on
        # the verb, but it completes the flagged adjective.
        last = span[-1]
        taken = _TAKES_OVER.get(lowered[-1], set())
        predicative = (last.pos_ in {"ADJ", "ADV"} and last.dep_ in {"acomp", "oprd", "advmod", "attr"}) or _adjectival(
            last
        )
        if (
            predicative and after is not None and after.dep_ == "prep"
            and after.lower_ in _ADJECTIVE_COMPLEMENT_PREPOSITIONS and after.lower_ not in taken and not _when(after)
        ):
            return "adjective complement after"
        # The flagged words modify a noun after them: "at-risk youth program", "low kids' scores".
        if root.dep_ in {"compound", "amod", "nmod", "poss"} and root.head.i >= span.end:
            return "modifies a noun after"
        sentence_end = span.sent.end if doc.has_annotation("SENT_START") else len(doc)
        for token in doc[span.end : sentence_end]:
            head = token.head
            if not span.start <= head.i < span.end or token.dep_ in _HARMLESS_AFTER or _when(token):
                continue
            if _marker(token) in taken:
                continue
            # "rude and disrespectful" -> "communicating a need ... and disrespectful"
            if token.dep_ == "conj" and head.lower_ not in lowered:
                return "coordinated with the flagged words"
            # "rude to the sub", "clueless about fractions", "cut out for AP Chem", "involved in"
            if token.dep_ in {"pobj", "pcomp"} or (
                (head.pos_ in {"ADJ", "ADV", "ADP"} or _adjectival(head))
                and (token.dep_ in _VERB_COMPLEMENTS or token.lower_ in _ADJECTIVE_COMPLEMENT_PREPOSITIONS)
            ):
                return "adjective complement after"
            if head.pos_ in {"VERB", "AUX"} and (
                token.dep_ in _VERB_COMPLEMENTS
                or (token.dep_ == "prep" and token.lower_ in _COMPLEMENT_PREPOSITIONS)
            ):
                return "verb complement after"
            # "the worst period of the day" -> "the period that is ... of the day"
            if head.pos_ in {"NOUN", "PROPN", "PRON", "NUM"} and ends_in_clause and (
                token.dep_ in {"relcl", "acl"}
                or (token.dep_ == "prep" and token.lower_ in _NOUN_COMPLEMENT_PREPOSITIONS)
            ):
                return "noun complement after"
            if token.dep_ == "case":
                return "possessive after"

    # "has no motivation whatsoever" -> "is still building motivation whatsoever"
    if not any(w in _NEGATIONS or w.endswith("n't") for w in lowered) and any(t.lower_ in _NEGATIVE_POLARITY or (
        t.lower_ == "all" and t.i > 0 and doc[t.i - 1].lower_ == "at"
    ) for t in doc[span.end : span.sent.end]):
        return "negative polarity word after"
    # "a student we have not yet found the right approach for at this point"
    if lowered[-1] in _PREPOSITIONS and after is not None and after.pos_ == "ADP":
        return "stranded preposition before another"
    # No word twice across the seams ("... connected with with math", "the the").
    if after is not None and after.is_alpha and after.lower_ == lowered[-1]:
        return "word doubled after"
    if before is not None and before.is_alpha and before.lower_ == first and not (
        before.lower_ in {"a", "an"} and before.head.i >= span.start
    ):
        return "word doubled before"
    pairs = [f"{a} {b}" for a, b in zip(lowered, lowered[1:])]
    return "repeated words" if len(pairs) != len(set(pairs)) else None


def _marker(token: Token) -> str:
    """The word that introduces a complement: "for" in "for calculus", "to" in "to pass"."""
    if token.dep_ == "prep":
        return token.lower_
    return next((c.lower_ for c in token.children if c.dep_ in {"aux", "mark"} and c.i < token.i), "")


# Words that make a phrase one of time. The check runs without the entity recognizer (it is the
# slowest component and nothing else in the check needs it), so time is told by its words.
_TIME_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "weekday",
    "morning", "afternoon", "evening", "night", "tonight", "today", "yesterday", "tomorrow", "day", "week",
    "month", "year", "semester", "quarter", "term", "period", "block", "recess", "lunch", "break", "holiday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "fall", "spring", "summer", "winter", "minute", "hour", "time", "moment",
    "am", "pm", "a.m.", "p.m.", "o'clock", "noon", "midnight", "season",
})


def _when(token: Token) -> bool:
    """A phrase of time ("on Mondays", "in the afternoons", "after lunch") is never a complement."""
    return any(t.lemma_.lower() in _TIME_WORDS or t.lower_ in _TIME_WORDS for t in token.subtree)


def _participle(word: str) -> bool:
    """A past participle can follow "has": "has hit his ceiling" -> "has reached a plateau"."""
    return word.lower().endswith(("ed", "en", "wn", "ne")) or word.lower() in {"made", "had", "found", "built", "met"}


def _adjectival(token: Token) -> bool:
    """A participle used as an adjective: "are never involved in ...", "is cut out for ..."."""
    if token.tag_ != "VBN":
        return False
    return token.dep_ in {"acomp", "amod", "oprd"} or any(c.dep_ == "auxpass" for c in token.children)


def _noun_word(target: Token) -> str:
    return _noun(target, is_plural(target)).split()[0].lower()


def _spaced(text: str, span: Span) -> str:
    """Keep a space between the rewrite and a word glued to the flagged words ("They're" -> "They are")."""
    doc = span.doc
    if not text:
        return text
    if span.start > 0:
        before = doc[span.start - 1]
        if not before.whitespace_ and before.text[-1:].isalnum() and text[:1].isalnum():
            text = " " + text
    if span.end < len(doc):
        last = doc[span.end - 1]
        if not last.whitespace_ and doc[span.end].text[:1].isalnum() and text[-1:].isalnum():
            text = text + " "
    return text


def match_first_letter(text: str, span: Span) -> str:
    """Capitalise a rewrite that starts a sentence; lower-case one that replaced lower-case words.

    Only the sentence start decides upper case, so "the ESL kids" gives "the multilingual
    students", not "the Multilingual students".
    """
    if not text:
        return text
    first = span.text[0]
    if first.isupper() and _starts_sentence(span):
        return text[0].upper() + text[1:]
    if first.islower() and not _keeps_capital(text, span):
        return text[0].lower() + text[1:]
    return text


def _keeps_capital(text: str, span: Span) -> bool:
    """"I", and a word the writer capitalised inside the flagged words ("broken English" ->
    "English that is still developing"), keep their capital."""
    word = text.split(" ", 1)[0]
    if word == "I" or word.startswith(("I'", "I’")):
        return True
    return word[:1].isupper() and any(t.text == word and t.i > span.start for t in span)


def _starts_sentence(span: Span) -> bool:
    # Look at the previous tokens, not Token.is_sent_start or Doc.text, which both walk the
    # whole Doc on every call.
    for token in reversed(span.doc[: span.start]):
        if token.is_space and "\n" in token.text:
            return True
        if not (token.is_space or token.text in _OPENING_MARKS):
            return token.text in _SENTENCE_ENDS or "\n" in token.whitespace_
    return True


def _article_for(word: str) -> str:
    lower = word.lower()
    vowel = lower[:1] in set("aeio") or (lower[:1] == "u" and not lower.startswith(("uni", "use", "usu", "uti", "ure")))
    return "an" if vowel else "a"


def with_article(article: str, rewritten: str) -> str:
    """Choose "a" or "an" for the rewrite that follows it, keeping the article's case.

    A rewrite that brings its own article keeps it ("a poverty mindset" -> "the effects of ...").
    """
    if not rewritten:
        return ""
    first, _, after = rewritten.partition(" ")
    if first.lower() == "the" and after:
        return (first.capitalize() if article[:1].isupper() else first.lower()) + " " + after
    if first.lower() in {"a", "an"} and after:
        rewritten = after
    chosen = _article_for(rewritten)
    return (chosen.capitalize() if article[:1].isupper() else chosen) + " " + rewritten
