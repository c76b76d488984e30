"""Find person names so a shared copy of an entry can use initials or pseudonyms instead.

The small English model's NER finds full names ("Maria Lopez") but often misses a lone first
name ("Amara explained her strategy") or calls it a place or an organisation. So besides PERSON
entities, a capitalised proper noun counts as a name when the sentence gives evidence for it:

- it is not the first word of its sentence (where any word is capitalised), or
- it is the subject of a verb people do ("said", "explained", "asked", "wrote" ...), or
- it owns something ("Maya's graph"), or
- it is listed with a name ("Ana, Dev and Li"), or
- it is said to be in a state people are in ("Al was absent", "Bo is new").

A word in a script without capitals (李明, مريم, अर्जुन) in an English entry counts as a name, and a
word in capitals ("MARIA") does when the sentence gives the same evidence.

A stop list keeps ordinary capitalised words out (days, months, school subjects, languages, classroom
words, places and apps: "Math", "Monday", "Period", "Spanish", "Google"). Once a word is a name,
every occurrence of it is, in any case ("maria", "MARIA"), and replacing ignores case too: a leaked
name costs more than a common word replaced in the preview the teacher checks. Names that are also
common words are found when the sentence gives the evidence above ("Later Hope explained", "Will was
late"), and in lower case they are replaced only where the tagger reads a name ("I hope" stays); the
teacher can type any missed name in by hand. Words that open a line before a colon ("Good:", "Wins:")
are labels, not names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from spacy.tokens import Doc, Token

from .pipeline import COMPONENT_NAME, load_nlp
from .results import NameSpan
from .rules import default_rules

# spaCy sometimes takes a possessive or trailing punctuation into a PERSON entity.
_TRAILING_NOISE = re.compile(r"(?:['’]s|[\s.,;:!?'’\"”)]+)$")
_LEADING_NOISE = re.compile(r"^[\s'’\"“(]+")

# Verbs whose subject is a person: a capitalised subject of one of them is a name.
_HUMAN_VERBS = frozenset("""
say tell ask answer explain write read speak talk shout whisper yell laugh cry smile giggle sigh nod
share present argue agree disagree notice realise realize decide remember forget wonder think believe
feel want try help finish start raise volunteer lead teach show describe admit apologise apologize
suggest offer invite join leave arrive come walk sit stand sleep draw paint sing dance play
solve struggle learn understand figure work study practise practice choose refuse complain thank
hug high-five grin frown mention reply respond announce insist joke tease bring borrow lend email
text call message confess persuade convince collaborate partner pair interrupt correct finish
""".split())
# Capitalised words that are not names even mid-sentence (lower case).
_NOT_NAMES = frozenset("""
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
january february march april may june july august september october november december jan feb mar
apr jun jul aug sep sept oct nov dec spring summer fall autumn winter today tomorrow yesterday tonight
math maths mathematics science english history art arts music pe gym health biology chemistry physics
geography algebra geometry calculus statistics stats reading writing literacy phonics spelling grammar
ela sel stem steam social studies civics economics government spanish french german italian chinese
mandarin cantonese arabic japanese korean russian portuguese latin hindi urdu somali vietnamese tagalog
swahili hebrew greek polish turkish farsi persian bengali punjabi haitian creole kreyol hmong navajo
american african asian european hispanic latino latina latinx black white native indigenous muslim
jewish christian catholic hindu buddhist sikh mexican canadian british
period block room unit lesson class grade homework quiz test exam exit ticket team group table station
recess lunch assembly library office principal counselor counsellor nurse coach teacher student students
mr mrs ms miss mx dr sir madam mom mum dad grandma grandpa auntie uncle aunt sister brother
school district county city state street avenue road park center centre hall building campus
north south east west northern southern eastern western
google chromebook chromebooks zoom kahoot canvas seesaw classroom docs slides sheets forms quizlet ixl
desmos youtube tiktok instagram snapchat facebook twitter ipad ipads iphone microsoft teams word excel
powerpoint padlet nearpod flipgrid blooket gimkit schoology clever khan academy prodigy duolingo
christmas thanksgiving halloween easter ramadan eid diwali hanukkah passover lunar new year valentine
independence labor labour memorial veterans juneteenth kwanzaa
god lord ok okay yes no hi hello thanks thank please sorry wow yay ugh oh hey dear
i we they he she it you my our their his her its me us them
the a an and or but so then also just still again even maybe
fair night day week department club lab bowl olympiad camp final finals conference conferences
iep iep504 ell esl sped ap ib honors language languages arts title dojo wi fi
most many some all few several both each every none any another other others everyone everybody nobody
ps pps nb fyi good great bad hard easy next note notes wins win glow glows grow grows plus minus pros cons
goal goals highlight highlights takeaway takeaways reminder reminders question questions wonder wonders
""".split())
# Capitalised words that often open a sentence before a name: "Today Marcus explained".
_LEADING_WORDS = frozenset("""
today yesterday tomorrow tonight then also and but so later afterwards finally first next
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december math maths science english history reading writing art music
""".split())
_ARTICLES = frozenset({"the", "a", "an", "this", "that", "these", "those", "our", "my", "your"})
# Verbs whose object is a person: "I asked Jamal to lead" (the model calls Jamal a place).
_PERSON_OBJECT_VERBS = frozenset("""
ask tell remind help praise thank invite encourage push let pair seat move call email text meet hug
congratulate warn teach show pull conference check nudge redirect prompt challenge support
""".split())
_ACRONYM = re.compile(r"[A-Z]{2}")
_LIST_JOINERS = frozenset({",", "and", "&", "or", "+", "/"})
# What a person, not a place, has: "Kenji's mom", "Maya's graph" (the model calls Kenji a place).
_PERSONAL = frozenset("""
mom mum dad mother father parent parents family grandma grandmother grandpa grandfather sister brother
aunt uncle cousin guardian friend friends partner essay work answer answers graph question questions idea
ideas project paper homework notebook desk seat behavior behaviour reading writing grade grades score
drawing poster story poem response explanation strategy solution voice hand attitude face name birthday
""".split())
# States people are in: "Al was absent", "Bo is new" ("be" alone says nothing about a person).
_HUMAN_STATES = frozenset("""
absent present late quiet tired sick ill upset happy sad angry proud excited nervous anxious shy new
calm chatty confused frustrated bored engaged focused distracted hungry sleepy eager ready
""".split())
_STATE_VERBS = frozenset({"be", "seem", "look", "feel", "get", "become", "stay"})
_PLACE_LIKE = frozenset({"GPE", "LOC", "FAC"})
# NORP is left out: the model calls many first names a nationality ("with Priya"); nationality words
# themselves are in the stop list.
_OTHER_ENTITIES = frozenset({"ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "DATE", "TIME",
                             "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


def person_names(text: str) -> list[NameSpan]:
    """Each distinct name once (its first occurrence), in order of appearance."""
    if not text.strip():
        return []
    doc = load_nlp()(text, disable=[COMPONENT_NAME])
    spans: list[tuple[int, int]] = []  # token ranges of names
    in_person = [False] * len(doc)
    for entity in doc.ents:
        # A PERSON entity with no proper noun in it is often a capitalised word ("Proud of him.")
        if entity.label_ == "PERSON" and any(t.pos_ == "PROPN" and not _is_stop(t) for t in entity):
            spans.append((entity.start, entity.end))
            for i in range(entity.start, entity.end):
                in_person[i] = True
    known = {t.text for start, end in spans for t in doc[start:end] if _looks_like_name(t)}
    known |= {t.text for t in doc if not in_person[t.i] and _looks_like_name(t) and _is_named_here(t, known)}
    known |= {t.text for t in doc if _in_capitals(t.text) and not _is_stop(t) and _is_named_here(t, known)}
    known |= {t.text for t in doc if _modal_as_name(t)}
    uncased = {t.text for t in doc if _uncased_word(t.text)}
    # Only in an English entry: a whole entry in another script would make every word a "name".
    if len(uncased) <= sum(1 for t in doc if t.is_alpha and not _uncased_word(t.text)):
        known |= uncased
    # Listed with a name ("Ana, Dev and Li"): every capitalised member of the list is one.
    for _ in range(3):
        found = {
            member.text
            for token in doc
            if token.text in known
            for member in _list_members(token)
            if member.text not in known and _looks_like_name(member)
        }
        if not found:
            break
        known |= found
    # Every occurrence of a known name, in any case, is a name; runs of them are one name ("Maria Lopez").
    folded = {name.casefold() for name in known}
    index = 0
    while index < len(doc):
        if in_person[index] or doc[index].text.casefold() not in folded:
            index += 1
            continue
        end = index + 1
        while (end < len(doc) and not in_person[end] and doc[end].text.casefold() in folded
               and doc[end - 1].whitespace_ == " "):
            end += 1
        spans.append((index, end))
        index = end
    names: dict[str, NameSpan] = {}  # by the name folded to lower case: "maria" is "Maria" again
    for start, end in sorted(spans):
        span = doc[start:end]
        name = _TRAILING_NOISE.sub("", span.text)
        lead = len(name) - len(_LEADING_NOISE.sub("", name))
        name = name[lead:]
        if name and name.casefold() not in names:
            names[name.casefold()] = NameSpan(span.start_char + lead, span.start_char + lead + len(name), name)
    return sorted(names.values(), key=lambda span: span.start)


def _is_stop(token: Token) -> bool:
    lower = token.lower_
    return lower in _NOT_NAMES or lower in _vocabulary_words()


@lru_cache(maxsize=1)
def _vocabulary_words() -> frozenset[str]:
    """Person nouns and origin words from the rules' shared lists ("Kids", "Families", "Somali")."""
    vocabulary = default_rules().vocabulary
    names = ("learners", "adults", "collectives", "origins")
    return frozenset(word.lower() for name in names for word in vocabulary.get(name, ()))


def _looks_like_name(token: Token) -> bool:
    """Capitalised like a name ("Amara", "O'Neil", "Jean-Luc"), and not an ordinary word."""
    text = token.text
    if len(text) < 2 or not text[0].isupper() or not text[1:].replace("'", "").replace("’", "").replace("-", "").isalpha():
        return False
    if _ACRONYM.search(text) or _is_stop(token):
        return False  # "ELLs", "IEPs"; days, subjects, apps ...
    if token.ent_type_ != "PERSON" and _is_heading_label(token):
        return False  # "Wins: ...", "Tomorrow: ..." open a line of notes
    if token.ent_type_ != "PERSON" and (
        (token.i > 0 and token.doc[token.i - 1].lower_ in _ARTICLES)
        or any(child.dep_ == "det" and child.lower_ in _ARTICLES for child in token.children)
    ):
        return False  # "The Outsiders", "a Socratic Seminar": a first name takes no article
    return token.pos_ in {"PROPN", "NOUN", "ADJ", "X", "INTJ"} or token.ent_type_ == "PERSON"


def _in_capitals(text: str) -> bool:
    """"MARIA": letters, all capitals, long enough not to be an initial."""
    return len(text) >= 3 and text.isalpha() and text.isupper()


def _uncased_word(text: str) -> bool:
    """A word in a script without capital letters (Chinese, Arabic, Devanagari, Hangul ...)."""
    letters = [c for c in text if not unicodedata.category(c).startswith("M")]  # vowel signs are marks
    return bool(letters) and all(c.isalpha() and c.lower() == c.upper() for c in letters)


def _is_named_here(token: Token, known: set[str]) -> bool:
    """The sentence gives evidence that this capitalised word is someone's name."""
    if token.text in known:
        return True
    entity = token.ent_type_
    if _acts_as_a_person(token) or _owns_something(token, personal_only=entity in _PLACE_LIKE):
        return True
    if token.dep_ == "dobj" and token.head.lemma_.lower() in _PERSON_OBJECT_VERBS:
        return True
    if _in_a_human_state(token):
        return True
    if _in_capitals(token.text):
        return False  # without the evidence above, "NASA", "STEM"
    if entity in _PLACE_LIKE or entity in _OTHER_ENTITIES or token.pos_ != "PROPN" or _starts_sentence(token):
        return False
    # Mid-sentence, a capitalised word is a name unless it is part of a Title Case phrase
    # ("Exit Tickets", "Socratic Seminar", "Field Trip Forms", "Think-Pair-Share").
    doc = token.doc
    previous = doc[token.i - 1]
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if previous.text == "-" or (following is not None and following.text == "-" and token.whitespace_ == ""):
        return False
    if (
        previous.text[:1].isupper()
        and previous.text not in known
        and previous.lower_ not in _LEADING_WORDS
        and previous.dep_ in {"compound", "amod", "nmod"}
        and previous.head.i in {token.i, token.head.i}
    ):
        return False
    return not (following is not None and following.text[:1].isupper() and token.head.i == following.i
                and token.dep_ in {"compound", "nmod"} and following.text not in known)


def _is_heading_label(token: Token) -> bool:
    """A word that opens its sentence and is followed by a colon: a label in notes, not a person."""
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    return following is not None and following.text == ":" and _starts_sentence(token)


def _modal_as_name(token: Token) -> bool:
    """"Will was late", "Will kept moving": a capitalised modal followed by a past or present-tense
    verb is a name (a modal takes a bare verb: "Will you ...", "Will it work").
    """
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    return (token.tag_ == "MD" and token.text[:1].isupper() and token.text[1:].islower()
            and following is not None and following.tag_ in {"VBD", "VBZ", "VBN"})


def _starts_sentence(token: Token) -> bool:
    doc: Doc = token.doc
    for previous in reversed(doc[: token.i]):
        if previous.is_space or previous.text in {'"', "'", "“", "‘", "(", "-", "*", "•"}:
            continue
        return previous.is_sent_end or previous.text in {".", "!", "?", ":", "…"}
    return True


def _acts_as_a_person(token: Token) -> bool:
    """Subject of a verb people do, alone or in a list ("Ana, Dev and Li explained")."""
    holder = token
    for _ in range(8):
        if holder.dep_ == "conj" or (holder.dep_ in {"compound", "flat"} and _looks_like_name(holder.head)):
            if holder.head.i == holder.i:
                break
            holder = holder.head
        else:
            break
    if holder.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    verb = holder.head
    return verb.lemma_.lower() in _HUMAN_VERBS or verb.lower_ in _HUMAN_VERBS


def _in_a_human_state(token: Token) -> bool:
    """Subject of "was absent", "is new", "seemed tired"."""
    verb = token.head
    return token.dep_ == "nsubj" and verb.lemma_.lower() in _STATE_VERBS and any(
        child.dep_ == "acomp" and child.lemma_.lower() in _HUMAN_STATES for child in verb.children)


def _owns_something(token: Token, personal_only: bool) -> bool:
    """"Maya's graph": a possessive 's after the word (for a word taken for a place, only
    before something a person has: "Kenji's mom", not "Chicago's museums")."""
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    if following is None or following.tag_ != "POS" or following.lower_ not in {"'s", "’s"}:
        return False
    return not personal_only or (token.head.i != token.i and token.head.lemma_.lower() in _PERSONAL)


def _list_members(token: Token) -> list[Token]:
    """The other members of a list the token belongs to ("Ana, Dev and Li")."""
    root = token
    for _ in range(8):
        if root.dep_ == "conj" and root.head.i != root.i:
            root = root.head
        else:
            break
    members = [root]
    frontier = [root]
    while frontier and len(members) < 50:
        current = frontier.pop()
        for child in current.children:
            if child.dep_ == "conj":
                members.append(child)
                frontier.append(child)
    # Parses of a list of names are often broken ("Ana" left as an adverbial): take the words
    # either side that a comma, "and", "&" or "or" joins to this one as well.
    doc = token.doc
    for step in (-1, 1):
        index = token.i + step
        while 0 <= index < len(doc) and doc[index].text in _LIST_JOINERS:
            index += step
        if 0 <= index < len(doc) and index != token.i + step:
            members.append(doc[index])
    return [m for m in members if m.i != token.i]


def replace_names(text: str, replacements: dict[str, str]) -> str:
    """Replace every whole-word occurrence of each name, longer names first ("Maria Lopez" before
    "Maria"), in any case ("MARIA", "maria"), except where the tagger reads the word as an ordinary
    word: "Hope" hides "Hope was absent", not "I hope" or "Hope so"; "Will" hides "Will was late", not
    "Will you call?". An initial that ends a sentence keeps one full stop ("with H.", not "with H..")."""
    names = sorted((name for name in replacements if name.strip()), key=len, reverse=True)
    if not names:
        return text
    # One group per name, so the match says which name it is even when its case differs.
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(f"({re.escape(name)})" for name in names) + r")(?!\w)",
                         re.IGNORECASE)
    word_uses = _word_uses(text) if pattern.search(text) else set()

    def replace(match: re.Match) -> str:
        if match.start() in word_uses:
            return match.group(0)
        replacement = replacements[names[match.lastindex - 1]]
        if replacement.endswith(".") and text[match.end():match.end() + 1] == ".":
            return replacement[:-1]
        return replacement

    return pattern.sub(replace, text)


def _word_uses(text: str) -> set[int]:
    """Where a word is used as an ordinary word, not a name: a lower-case word that is not a proper
    noun, a verb, or a modal that is not a name by `_modal_as_name`."""
    return {
        token.idx for token in load_nlp()(text, disable=[COMPONENT_NAME])
        if (token.text.islower() and token.pos_ != "PROPN") or token.pos_ == "VERB"
        or (token.tag_ == "MD" and not _modal_as_name(token))
    }


def initials(name: str) -> str:
    """'Maria Lopez' -> 'M.L.'; letters only, so 'Jean-Luc' gives 'J.'."""
    letters = [next((c for c in part if c.isalpha()), "") for part in name.split()]
    return "".join(f"{letter.upper()}." for letter in letters if letter)
