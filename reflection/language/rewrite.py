"""Turn a rule's suggestion template into a concrete rewrite of the flagged words.

Templates are plain text with placeholders, filled from the parse so the rewrite keeps the
grammar of the sentence it goes back into:

- ``{noun}``     the person noun the flag is about, in its number ("kids" -> "students")
- ``{subject}``  the flagged words up to and including that noun ("These kids" -> "These students")
- ``{rest}``     the flagged words after the modal or negation ("can't sit still" -> "sit still")
- ``{lead}``, ``{last}``  the flagged words but the last one, and the last one ("came from" | "nothing")
- ``{verb}``     the flagged words up to and including the first verb ("all act", "All of them behave")
- ``{be}``, ``{have}``, ``{do}``  agree with that noun in number and with the flagged verb in tense
- ``{plural|singular}``  picks the form that agrees with the noun ("{receive|receives}")

The first letter of the rewrite follows the first letter of the flagged words.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

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
}
_PLURAL_PRONOUNS = {"they", "them", "we", "us", "these", "those", "all", "both", "many", "some"}
_OPENING_MARKS = {'"', "'", "“", "‘", "(", "["}
_SENTENCE_ENDS = {".", "!", "?", "…", ":", "..."}
_KEPT_BEFORE_NOUN = {"det", "poss", "predet", "nummod"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_VERB_FORMS = {
    # (plural or "you", singular third person, first person singular)
    "be": {"present": ("are", "is", "am"), "past": ("were", "was", "was")},
    "have": {"present": ("have", "has", "have"), "past": ("had", "had", "had")},
    "do": {"present": ("do", "does", "do"), "past": ("did", "did", "did")},
}


def is_plural(token: Token | None) -> bool:
    if token is None:
        return True
    if token.lower_ in _PLURAL_PRONOUNS:
        return True
    if token.lower_ in {"he", "she", "him", "her", "i", "me", "it"}:
        return False
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


def render(template: str, span: Span, target: Token | None) -> str:
    """Fill ``template`` for ``span``; ``target`` is the person the flagged words describe."""
    plural = is_plural(target)
    noun = _noun(target, plural)
    tense: list[bool] = []  # worked out on first use: most templates have no verb to agree
    first_person = target is not None and target.lower_ in {"i", "me"}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if "|" in name:
            plural_form, singular_form = name.split("|", 1)
            return plural_form if plural else singular_form
        if name == "noun":
            return noun
        if name == "subject":
            return _subject(span, target, noun)
        if name == "rest":
            return _after_negation(span)
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

    text = _PLACEHOLDER.sub(fill, template)
    return match_first_letter(text, span)


def _subject(span: Span, target: Token | None, noun: str) -> str:
    if target is None or not span.start <= target.i < span.end:
        return noun
    # Keep the determiners ("These", "My") and drop modifiers, which may be labels themselves
    # ("my low kids can't focus" -> "my students are finding it hard to focus").
    before = "".join(t.text_with_ws for t in span.doc[span.start : target.i] if t.dep_ in _KEPT_BEFORE_NOUN)
    return f"{before}{noun if target.pos_ != 'PRON' else target.text}"


def _after_negation(span: Span) -> str:
    cut = span.start
    for token in span:
        if token.dep_ == "neg" or token.tag_ == "MD":
            cut = token.i + 1
    return span.doc[cut : span.end].text


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
    if first.islower() and not text.startswith(("I ", "I'")):
        return text[0].lower() + text[1:]
    return text


def _starts_sentence(span: Span) -> bool:
    # Look at the previous tokens, not Token.is_sent_start or Doc.text, which both walk the
    # whole Doc on every call.
    for token in reversed(span.doc[: span.start]):
        if token.is_space and "\n" in token.text:
            return True
        if not (token.is_space or token.text in _OPENING_MARKS):
            return token.text in _SENTENCE_ENDS or "\n" in token.whitespace_
    return True


def with_article(article: str, rewritten: str) -> str:
    """Choose "a" or "an" for the rewrite that follows it, keeping the article's case."""
    chosen = "an" if rewritten[:1].lower() in set("aeio") else "a"
    return (chosen.capitalize() if article[:1].isupper() else chosen) + " " + rewritten
