"""Sharing one entry with a coach or a PLC group, withdrawing it, and the comment thread on it.

A share is a copy: the title and body as the teacher chose to show them (person names replaced by
initials or pseudonyms where they asked), frozen at the moment of sharing. The private entry is never
changed and never read by anyone but its author; recipients read only the copy. Withdrawing sets
`withdrawn_at`, which every access rule and scope treats as "gone" for recipients at once, while the
owner keeps the copy and the comments they received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlite_utils import Database

from . import access, accounts, check_pool, language
from .accounts import User, list_coaches
from .allowed_phrases import allowed_phrases
from .db import from_row, utc_now, writing
from .errors import InvalidInput
from .text_cleaning import clean_line, clean_message, required_line

# Notes in debriefs and comments on shares are both "messages" and follow the same limits.
MAX_PSEUDONYM_CHARS = 80
FORMER_COACH = "a former coach"  # the recipient of a share whose coach deleted their account

COMMENT_KINDS = {
    "question": "Question",
    "suggestion": "Suggestion",
    "strength": "Strength",
    "note": "Note",
}

# What a teacher may do with each person name found in an entry before sharing it.
NAME_CHOICES = {
    "keep": "Keep the name",
    "initials": "Use initials",
    "pseudonym": "Use a pseudonym",
}


@dataclass(frozen=True)
class Share:
    id: int
    entry_id: int
    owner_id: int
    owner_name: str
    coach_id: int | None
    group_id: int | None
    recipient_name: str  # the coach's display name or the group's name
    title: str
    body: str
    include_flags: bool
    analysis: language.Analysis | None  # the shared copy's flags, stored only when include_flags
    created_at: str
    withdrawn_at: str | None
    comment_count: int

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def display_title(self) -> str:
        return self.title or f"Entry shared on {self.created_at[:10]}"


@dataclass(frozen=True)
class Comment:
    id: int
    share_id: int
    author_id: int | None
    author_name: str
    kind: str
    body: str
    created_at: str

    @property
    def kind_label(self) -> str:
        return COMMENT_KINDS[self.kind]


# --- preparing the shared copy ----------------------------------------------------------------------


def names_in_entry(db: Database, user: User, entry_id: int) -> list[str]:
    """Person names in an entry's title and body, in order of appearance, for the owner about to share it."""
    row = access.authorised_row(db, user, "share", "entry", entry_id)
    return names_in_text(f"{row['title']}\n\n{row['body']}")


def names_in_text(text: str) -> list[str]:
    """Person names in a text about to be posted (an entry, a debrief note), each once, in order."""
    return list(dict.fromkeys(span.text for span in language.person_names(text)))


def with_initials(text: str, names: list[str]) -> str:
    """The text with each of `names` as its initials, as a debrief note is posted when names are hidden."""
    return shared_copy("", text, {name: replacement_for(name, "initials") for name in names})[1]


def replacement_for(name: str, choice: str, pseudonym: str = "") -> str:
    """What `name` becomes in the shared copy for one of NAME_CHOICES."""
    if choice == "keep":
        return name
    if choice == "initials":
        return language.initials(name) or name
    if choice == "pseudonym":
        return required_line(
            pseudonym, "pseudonym", MAX_PSEUDONYM_CHARS,
            missing=f"Please type a pseudonym for “{name}”, or choose another option.",
            too_long=f"Pseudonyms can be at most {MAX_PSEUDONYM_CHARS} characters.",
        )
    raise InvalidInput(f"Choose one of: {', '.join(NAME_CHOICES.values())}.")


def shared_copy(title: str, body: str, replacements: Mapping[str, str]) -> tuple[str, str]:
    """The title and body as recipients will read them; names mapped to themselves are left alone."""
    changes = {name: new for name, new in replacements.items() if new != name}
    return language.replace_names(title, changes), language.replace_names(body, changes)


def preview(db: Database, user: User, entry_id: int, replacements: Mapping[str, str]) -> tuple[str, str]:
    row = access.authorised_row(db, user, "share", "entry", entry_id)
    return shared_copy(row["title"], row["body"], replacements)


# --- shares -----------------------------------------------------------------------------------------


def _check_recipient(db: Database, user: User, coach_id: int | None, group_id: int | None) -> None:
    if (coach_id is None) == (group_id is None):
        raise InvalidInput("Choose either one coach or one group to share with.")
    if coach_id is not None:
        coach = db.execute("SELECT role, active FROM users WHERE id = ?", [coach_id]).fetchone()
        if coach is None or coach[0] != "coach" or not coach[1]:
            raise InvalidInput("Please choose a coach from the list.")
        if coach_id == user.id:
            raise InvalidInput("You cannot share an entry with yourself; choose another coach or a group.")
        return
    access.authorised_row(db, user, "share", "group", group_id)


def share_entry(
    db: Database,
    user: User,
    entry_id: int,
    *,
    coach_id: int | None = None,
    group_id: int | None = None,
    replacements: Mapping[str, str] | None = None,
    include_flags: bool = False,
) -> Share:
    """Share a copy of one of the user's entries with a coach or one of their groups."""
    row = access.authorised_row(db, user, "share", "entry", entry_id)
    _check_recipient(db, user, coach_id, group_id)
    title, body = shared_copy(row["title"], row["body"], replacements or {})
    analysis = None
    if include_flags:
        # Analysed again because names changed the text, and offsets must point into the copy.
        analysis = check_pool.analyse(body, allowed_phrases(db, user)).to_json()
    with writing(db):
        duplicate = db.execute(
            "SELECT 1 FROM shares WHERE entry_id = ? AND withdrawn_at IS NULL AND coach_id IS ? AND group_id IS ?",
            [entry_id, coach_id, group_id],
        ).fetchone()
        if duplicate:
            raise InvalidInput("This entry is already shared there. Withdraw that share first to share it again.")
        share_id = db["shares"].insert(
            {
                "entry_id": entry_id,
                "owner_id": user.id,
                "coach_id": coach_id,
                "group_id": group_id,
                "title": title,
                "body": body,
                "include_flags": int(include_flags),
                "analysis": analysis,
                "created_at": utc_now(),
            }
        ).last_pk
    return get_share(db, user, share_id)


_SHARE_SELECT = """
    SELECT shares.*, owners.display_name AS owner_name,
           coalesce(coaches.display_name, groups.name) AS recipient_name,
           (SELECT count(*) FROM comments WHERE comments.share_id = shares.id) AS comment_count
    FROM shares
    JOIN users AS owners ON owners.id = shares.owner_id
    LEFT JOIN users AS coaches ON coaches.id = shares.coach_id
    LEFT JOIN groups ON groups.id = shares.group_id
"""


def _share_from_row(row: dict) -> Share:
    return from_row(Share, row, recipient_name=row["recipient_name"] or FORMER_COACH,
                    analysis=language.stored_analysis(row["analysis"]))


def _share_row(db: Database, user: User, share_id: int, action: str) -> dict:
    return access.authorised_row(db, user, action, "share", share_id, select=_SHARE_SELECT)


def get_share(db: Database, user: User, share_id: int) -> Share:
    return _share_from_row(_share_row(db, user, share_id, "read"))


def _shares_where(db: Database, user: User, where: str, params: list, *, text: str | None = None) -> list[Share]:
    if text is not None:
        # A plain substring match: shares are few per person, and this never parses user input as syntax.
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where += " AND (shares.title LIKE ? ESCAPE '\\' OR shares.body LIKE ? ESCAPE '\\')"
        params = [*params, pattern, pattern]
    rows = db.query(f"{_SHARE_SELECT} WHERE {where} ORDER BY shares.created_at DESC, shares.id DESC", params)
    # The scope already narrows the SQL; asking the rule per row keeps a scope bug from leaking anything.
    return [_share_from_row(row) for row in rows if access.allowed(db, user, "list", "share", row)]


def list_received_shares(db: Database, user: User) -> list[Share]:
    """Entries shared with the user as a coach or with their groups, newest first; never withdrawn ones."""
    where, params = access.received_shares_where(user)
    return _shares_where(db, user, where, params)


def search_received_shares(db: Database, user: User, text: str) -> list[Share]:
    """Received shares whose shared title or body contains `text` (case-insensitive), newest first."""
    text = clean_line(text)
    if not text:
        return list_received_shares(db, user)
    where, params = access.received_shares_where(user)
    return _shares_where(db, user, where, params, text=text)


def list_my_shares(db: Database, user: User) -> list[Share]:
    """Every share the user made, withdrawn ones included, newest first."""
    where, params = access.own_shares_where(user)
    return _shares_where(db, user, where, params)


def withdraw_share(db: Database, user: User, share_id: int) -> None:
    """End the recipients' access at once; the owner keeps the copy and its comments."""
    _share_row(db, user, share_id, "delete")
    with writing(db):
        db.execute("UPDATE shares SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL", [utc_now(), share_id])


# --- comments ---------------------------------------------------------------------------------------

_COMMENT_SELECT = """
    SELECT comments.*, users.display_name AS author_name
    FROM comments LEFT JOIN users ON users.id = comments.author_id
"""


def _comment_from_row(row: dict) -> Comment:
    return from_row(Comment, row, author_name=row["author_name"] or accounts.FORMER_MEMBER)


def _check_kind(kind: str) -> str:
    if kind not in COMMENT_KINDS:
        raise InvalidInput(f"A comment is one of: {', '.join(COMMENT_KINDS.values())}.")
    return kind


def add_comment(db: Database, user: User, share_id: int, kind: str, body: str) -> Comment:
    """A recipient's (or the owner's reply) comment on a share that is still active."""
    _share_row(db, user, share_id, "comment")
    row = {"share_id": share_id, "author_id": user.id, "kind": _check_kind(kind),
           "body": clean_message(body, "comment"), "created_at": utc_now()}
    with writing(db):  # a full or read-only disk surfaces as StorageError, with the comment still in its box
        comment_id = db["comments"].insert(row).last_pk
    return _comment_from_row(_comment_row(db, user, comment_id, "read"))


def list_comments(db: Database, user: User, share_id: int) -> list[Comment]:
    """The thread on a share, oldest first."""
    _share_row(db, user, share_id, "read")
    rows = db.query(f"{_COMMENT_SELECT} WHERE comments.share_id = ? ORDER BY comments.id", [share_id])
    return [_comment_from_row(row) for row in rows]


def _comment_row(db: Database, user: User, comment_id: int, action: str) -> dict:
    return access.authorised_row(db, user, action, "comment", comment_id, select=_COMMENT_SELECT)


def update_comment(db: Database, user: User, comment_id: int, kind: str, body: str) -> Comment:
    _comment_row(db, user, comment_id, "edit")
    changes = {"kind": _check_kind(kind), "body": clean_message(body, "comment")}
    with writing(db):
        db["comments"].update(comment_id, changes)
    return _comment_from_row(_comment_row(db, user, comment_id, "read"))


def delete_comment(db: Database, user: User, comment_id: int) -> None:
    _comment_row(db, user, comment_id, "delete")
    with writing(db):
        db.execute("DELETE FROM comments WHERE id = ?", [comment_id])


def coach_choices(db: Database, user: User) -> list[User]:
    """Coaches a user may share with: every active coach but themselves."""
    return [coach for coach in list_coaches(db) if coach.id != user.id]
