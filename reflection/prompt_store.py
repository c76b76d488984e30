"""Personal and group prompt sets kept in the database, merged with the built-in library."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from . import access, prompts
from .accounts import User
from .db import utc_now, writing
from .errors import InvalidInput

# The same limits hold on the Prompts page and for imported sets. The name and description limits
# are the Prompts page's boxes; every stored set is parsed again on each page run, hence a cap on
# the size of one set and on how many one person or group keeps.
MAX_SET_CHARS = 20_000
MAX_SET_NAME_CHARS = 120
MAX_SET_DESCRIPTION_CHARS = 300
MAX_SETS_PER_OWNER = 200


@dataclass(frozen=True)
class StoredSet:
    id: int
    prompt_set: prompts.PromptSet
    group_id: int | None
    can_delete: bool


def library_key(set_id: int) -> str:
    """Stored sets are keyed by row id so two teachers' sets with the same name never collide."""
    return f"custom_{set_id}"


def _parse_row(row: dict) -> prompts.PromptSet:
    origin = "personal" if row["owner_id"] is not None else "group"
    return prompts.parse_custom_set(row["body"], slug=library_key(row["id"]), origin=origin)


def add_set(db: Database, user: User, name: str, lines: str, *, description: str = "",
            group_id: int | None = None) -> StoredSet:
    """Store a set written as one prompt per line ("Title: prompt" allowed), for the user or a group."""
    if not (name or "").strip():
        raise InvalidInput("Please give the prompt set a name.")
    if not (lines or "").strip():
        raise InvalidInput("Please write at least one prompt, one per line.")
    if group_id is not None:
        access.authorised_row(db, user, "create", "group", group_id)
    body = prompts.prompt_set_from_lines(name, lines, description=description)
    row = store_set(db, body, owner_id=None if group_id is not None else user.id, group_id=group_id)
    return StoredSet(row["id"], _parse_row(row), group_id, can_delete=True)


def check_set(body: str) -> prompts.PromptSet:
    """The stored form of a set (its TOML body) within every limit, or InvalidInput saying which."""
    if len(body) > MAX_SET_CHARS:
        raise InvalidInput(f"A prompt set can be at most {MAX_SET_CHARS:,} characters.")
    try:
        parsed = prompts.parse_custom_set(body, slug="new", origin="personal")
    except prompts.PromptFileError as error:
        raise InvalidInput(f"That prompt set cannot be used: {error}") from None
    if len(parsed.name) > MAX_SET_NAME_CHARS:
        raise InvalidInput(f"A prompt set's name can be at most {MAX_SET_NAME_CHARS} characters.")
    if len(parsed.description) > MAX_SET_DESCRIPTION_CHARS:
        raise InvalidInput(f"A prompt set's description can be at most {MAX_SET_DESCRIPTION_CHARS} characters.")
    return parsed


def store_set(db: Database, body: str, *, owner_id: int | None, group_id: int | None = None,
              created_at: str | None = None) -> dict:
    """Insert a checked set for one person or one group (the caller has checked access); returns the row."""
    parsed = check_set(body)
    with writing(db):
        owner_column, owner = ("owner_id", owner_id) if owner_id is not None else ("group_id", group_id)
        kept = db.execute(f"SELECT count(*) FROM prompt_sets WHERE {owner_column} = ?", [owner]).fetchone()[0]
        if kept >= MAX_SETS_PER_OWNER:
            raise InvalidInput(f"There are already {MAX_SETS_PER_OWNER} prompt sets here, the most one person or "
                               "group can keep. Delete one you no longer use first.")
        row = {"owner_id": owner_id, "group_id": group_id, "slug": prompts.slugify(parsed.name), "body": body,
               "created_at": created_at or utc_now()}
        return {**row, "id": db["prompt_sets"].insert(row).last_pk}


def stored_sets(db: Database, user: User) -> list[StoredSet]:
    """The user's own sets and those of their groups. A stored set that no longer parses is skipped."""
    found = []
    for row in db.query(
        "SELECT * FROM prompt_sets WHERE owner_id = ? OR group_id IN "
        "(SELECT group_id FROM group_members WHERE user_id = ?) ORDER BY id",
        [user.id, user.id],
    ):
        if not access.allowed(db, user, "read", "prompt_set", row):
            continue
        try:
            found.append(StoredSet(row["id"], _parse_row(row), row["group_id"],
                                   can_delete=access.allowed(db, user, "delete", "prompt_set", row)))
        except prompts.PromptFileError:
            continue
    return found


def delete_set(db: Database, user: User, set_id: int) -> None:
    access.authorised_row(db, user, "delete", "prompt_set", set_id)
    db.execute("DELETE FROM prompt_sets WHERE id = ?", [set_id])


def library_for(db: Database, user: User, built_in: prompts.PromptLibrary) -> prompts.PromptLibrary:
    """Built-in sets followed by the user's personal and group sets."""
    merged = dict(built_in.sets)
    for stored in stored_sets(db, user):
        merged[stored.prompt_set.slug] = stored.prompt_set
    return prompts.PromptLibrary(sets=merged, errors=list(built_in.errors))
