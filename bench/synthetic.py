"""Synthetic teacher-journal data for the benchmarks: many users, ~150-word entries, written fast.

Entries go straight into the real schema (through `reflection.db.connect`, so migrations, triggers and
the FTS index are the app's own) in `db.writing` batches, with a precomputed "nothing flagged"
analysis instead of running the checker: the benches measure storage, search and pages, not spaCy.

Word frequencies are Zipf-like, with a few words in almost every entry ("students", "class") and a
long tail of rare ones, so searches see realistic posting-list sizes.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from reflection import access, db as database, language

# Every entry opens with "Today in class the students ...": common words a search must still answer fast.
TOPICS = [
    "fractions", "number line", "exit tickets", "group work", "reading circle", "lab report", "persuasive essay",
    "photosynthesis", "algebra tiles", "field trip", "seating chart", "think pair share", "gallery walk",
    "quadratic equations", "poetry slam", "debate", "map skills", "phonics", "peer feedback", "lunch duty",
]
SENTENCE_TEMPLATES = [
    "Today the students in my {period} class worked on {topic} and {verb} {adverb}.",
    "I noticed that {name} {verb} when we moved to {topic}, which surprised me.",
    "The {adjective} part of the lesson was the {topic} warm-up; next time I will {plan}.",
    "Several students asked about {topic}, so we {verb} together before the exit ticket.",
    "During {topic} the class {verb} {adverb} and the room felt {adjective}.",
    "I want to {plan} because {topic} still feels {adjective} for some students.",
    "{name} explained {topic} to a partner and the whole class {verb}.",
    "My co-teacher and I agreed to {plan} after watching the students try {topic}.",
]
VERBS = ["collaborated", "struggled", "persisted", "argued productively", "laughed", "explained their thinking",
         "asked questions", "took notes", "debated", "revised drafts", "stayed focused", "drifted"]
ADVERBS = ["quietly", "eagerly", "carefully", "slowly", "confidently", "noisily", "thoughtfully"]
ADJECTIVES = ["strongest", "hardest", "messiest", "calmest", "most surprising", "most useful", "weakest"]
PLANS = ["start with a worked example", "use mini whiteboards", "add sentence starters", "regroup the pairs",
         "shorten the instructions", "try a gallery walk", "check in with families", "slow down the pacing"]
NAMES = ["Amara", "Ben", "Chen", "Dario", "Esi", "Farah", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena"]
PERIODS = ["first period", "second period", "Year 7", "Year 9", "homeroom", "afternoon"]
# Rare words: each appears in about 1 entry in RARE_EVERY.
RARE_WORDS = [f"zephyrine{n}" for n in range(200)]
RARE_EVERY = 400

TAGS = ["belonging", "group work", "assessment", "behaviour", "families", "pacing", "questioning", "literacy",
        "numeracy", "feedback", "routines", "differentiation"]
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c3ludGhldGlj$synthetic-bench-accounts-cannot-sign-in"
GENERATOR_VERSION = 3  # bump when the generated text changes, so cached databases are rebuilt
RULES_VERSION = language.RULES_VERSION  # current, so nothing counts as stale


def entry_text(rng: random.Random, words: int = 150) -> str:
    sentences = [f"Today in class the students {rng.choice(VERBS)} {rng.choice(ADVERBS)}."]
    count = len(sentences[0].split())
    while count < words:
        sentence = rng.choice(SENTENCE_TEMPLATES).format(
            period=rng.choice(PERIODS), topic=rng.choice(TOPICS), verb=rng.choice(VERBS),
            adverb=rng.choice(ADVERBS), adjective=rng.choice(ADJECTIVES), plan=rng.choice(PLANS),
            name=rng.choice(NAMES),
        )
        if rng.randrange(RARE_EVERY // 10) == 0:
            sentence += f" We talked about {rng.choice(RARE_WORDS)} too."
        sentences.append(sentence)
        count += len(sentence.split())
    return " ".join(sentences)


def dummy_analysis(word_count: int) -> dict:
    analysis = {
        "flags": [], "word_count": word_count, "sentence_count": word_count // 15, "grade_level": 7.5,
        "reading_ease": 65.0, "rules_version": RULES_VERSION,
    }
    return {
        "analysis": json.dumps(analysis), "word_count": word_count, "flag_count": 0, "grade_level": 7.5,
        "reading_ease": 65.0, "rules_version": RULES_VERSION,
    }


def add_users(db, count: int, prefix: str = "bench") -> list[int]:
    now = database.utc_now()
    with database.writing(db):
        first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()[0]
        db.conn.executemany(
            "INSERT INTO users (id, username, display_name, password_hash, role, active, created_at) "
            "VALUES (?, ?, ?, ?, 'teacher', 1, ?)",
            [(first + n, f"{prefix}{first + n}", f"Bench Teacher {first + n}", PASSWORD_HASH, now) for n in range(count)],
        )
    return list(range(first, first + count))


ENTRY_COLUMNS = (
    "author_id", "owner_token", "title", "body", "class_period", "mood", "taught_on", "created_at", "updated_at",
    "analysis", "word_count", "flag_count", "grade_level", "reading_ease", "rules_version",
)


def add_entries(db, author_ids: list[int], count: int, *, seed: int = 7, batch: int = 5_000, progress=None) -> None:
    """`count` entries spread round-robin over `author_ids`, newest last, in batches of one transaction."""
    rng = random.Random(seed)
    start_day = date(2024, 1, 1)
    placeholders = ", ".join("?" * len(ENTRY_COLUMNS))
    sql = f"INSERT INTO entries ({', '.join(ENTRY_COLUMNS)}) VALUES ({placeholders})"
    done = 0
    while done < count:
        rows = []
        for number in range(done, min(count, done + batch)):
            author = author_ids[number % len(author_ids)]
            body = entry_text(rng)
            day = (start_day + timedelta(days=number * 730 // max(count, 1))).isoformat()
            columns = {
                "author_id": author, "owner_token": access.owner_token(author),
                "title": f"{rng.choice(TOPICS).capitalize()} with {rng.choice(PERIODS)}",
                "body": body, "class_period": rng.choice(PERIODS), "mood": rng.randint(1, 5), "taught_on": day,
                "created_at": f"{day}T15:00:00+00:00", "updated_at": f"{day}T15:00:00+00:00",
                **dummy_analysis(len(body.split())),
            }
            rows.append(tuple(columns[name] for name in ENTRY_COLUMNS))
        with database.writing(db):
            first_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM entries").fetchone()[0]
            db.conn.executemany(sql, rows)
            db.conn.executemany(
                "INSERT INTO entry_tags (entry_id, tag) VALUES (?, ?)",
                [(first_id + offset, tag) for offset in range(len(rows)) for tag in rng.sample(TAGS, rng.randint(0, 3))],
            )
        done += len(rows)
        if progress:
            progress(done, count)


def build(path: Path, *, entries: int, users: int, focus_entries: int = 0) -> tuple[object, int]:
    """A database of `entries` spread over `users`, plus one focus user with `focus_entries` of their own.

    Reuses an existing file built with the same sizes (the build is the slow part). Returns the
    connection and the focus user's id (or the first user's when focus_entries is 0).
    """
    marker = path.with_suffix(".sizes")
    wanted = f"v{GENERATOR_VERSION} {entries} {users} {focus_entries} {RULES_VERSION}"
    if path.exists() and marker.exists() and marker.read_text() == wanted:
        db = database.connect(path)
        focus = db.execute("SELECT min(id) FROM users WHERE username LIKE 'focus%'").fetchone()[0]
        return db, focus if focus is not None else db.execute("SELECT min(id) FROM users").fetchone()[0]
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), marker):
        stale.unlink(missing_ok=True)
    db = database.connect(path)
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        rate = done / (time.perf_counter() - started)
        print(f"\r  building: {done:,}/{total:,} entries ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)

    focus = None
    if focus_entries:
        focus = add_users(db, 1, prefix="focus")[0]
        add_entries(db, [focus], focus_entries, seed=11, progress=report)
    others = add_users(db, users) if users else []
    if entries:
        add_entries(db, others, entries, progress=report)
    print(file=sys.stderr)
    db.execute("PRAGMA optimize")
    marker.write_text(wanted)
    return db, focus if focus is not None else others[0]
