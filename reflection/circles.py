"""Peer circles: small groups of equals who meet regularly, agree their norms and ask each other questions.

A circle is a group of kind "circle", so membership and invite codes are the groups' own
(reflection/groups.py) and a check-in is a debrief with no presenter (reflection/debriefs.py); this
module adds what only circles have.
Who may do what is decided in `access`: every member may start a check-in, invite and set the rhythm;
nobody removes anybody; an admin may create a circle for someone but never reads it.

Norms change by agreement: a member proposes a text, which counts as their agreement, and it becomes
the circle's norms once every current member has agreed. One proposal is open at a time; a new one
replaces it (and its agreements). When someone leaves, a proposal all the others agreed to is adopted
the next time anyone looks at it or agrees.

Questions and answers are checked for deficit language before they are stored, like debrief notes,
and the flags are kept with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from . import access, accounts, debriefs, groups, language, prompts
from .accounts import User
from .allowed_phrases import check_group_text
from .db import from_row, one_row, utc_now, writing
from .errors import InvalidInput
from .text_cleaning import clean_message

MIN_MEMBERS_TO_MEET = 2  # a check-in is a round among peers


@dataclass(frozen=True)
class NormsProposal:
    body: str
    proposed_by: str
    agreed: tuple[str, ...]  # display names
    waiting_for: tuple[str, ...]
    i_agreed: bool


@dataclass(frozen=True)
class Answer:
    id: int
    question_id: int
    author_id: int | None
    author_name: str
    body: str
    analysis: language.Analysis | None
    created_at: str


@dataclass(frozen=True)
class Question:
    id: int
    group_id: int
    author_id: int | None
    author_name: str
    body: str
    analysis: language.Analysis | None
    created_at: str
    answers: tuple[Answer, ...]


def create_circle(db: Database, user: User, name: str, *, first_member_id: int | None = None) -> groups.Group:
    """Anyone may start a circle and is its first member; an admin names the first member instead."""
    access.require(db, user, "create", "circles", None)
    return groups.insert_group(db, user, name, "circle", first_member_id)


def _circle_row(db: Database, user: User, group_id: int, action: str) -> dict:
    row = access.authorised_row(db, user, action, "group", group_id)
    if row["kind"] != "circle":
        raise InvalidInput("That is a PLC group, not a peer circle.")
    return row


def set_welcomes_newcomers(db: Database, user: User, group_id: int, welcomes: bool) -> None:
    """Whether colleagues new this year are offered this circle to join (any member decides)."""
    _circle_row(db, user, group_id, "edit")
    db.execute("UPDATE groups SET welcomes_newcomers = ? WHERE id = ?", [int(welcomes), group_id])


# --- norms by agreement -------------------------------------------------------------------------------


def propose_norms(db: Database, user: User, group_id: int, body: str) -> NormsProposal | None:
    """Put norms to the circle; returns the open proposal, or None when they were adopted at once
    (a circle of one, or every member already agreed)."""
    _circle_row(db, user, group_id, "edit")
    body = groups.clean_norms(body)
    if not body:
        raise InvalidInput("Please write the norms you propose, one per line.")
    with writing(db):
        db.execute("DELETE FROM norm_proposals WHERE group_id = ?", [group_id])
        proposal_id = db["norm_proposals"].insert(
            {"group_id": group_id, "body": body, "proposed_by": user.id, "created_at": utc_now()}
        ).last_pk
        db["norm_agreements"].insert({"proposal_id": proposal_id, "user_id": user.id})
        _adopt_if_agreed(db, group_id)
    return norms_proposal(db, user, group_id)


def agree_to_norms(db: Database, user: User, group_id: int) -> NormsProposal | None:
    """Agree to the open proposal; returns what is still open, or None once the norms are adopted."""
    _circle_row(db, user, group_id, "edit")
    with writing(db):
        row = db.execute("SELECT id FROM norm_proposals WHERE group_id = ?", [group_id]).fetchone()
        if row is None:
            raise InvalidInput("There is no proposal to agree to: the norms may have just been adopted or replaced.")
        db.execute("INSERT OR IGNORE INTO norm_agreements (proposal_id, user_id) VALUES (?, ?)", [row[0], user.id])
        _adopt_if_agreed(db, group_id)
    return norms_proposal(db, user, group_id)


def _adopt_if_agreed(db: Database, group_id: int) -> None:
    waiting = db.execute(
        "SELECT count(*) FROM group_members WHERE group_id = ? AND user_id NOT IN ("
        " SELECT user_id FROM norm_agreements JOIN norm_proposals ON norm_proposals.id = norm_agreements.proposal_id"
        " WHERE norm_proposals.group_id = ?)",
        [group_id, group_id],
    ).fetchone()[0]
    if waiting == 0:
        db.execute("UPDATE groups SET norms = (SELECT body FROM norm_proposals WHERE group_id = ?) WHERE id = ? "
                   "AND EXISTS (SELECT 1 FROM norm_proposals WHERE group_id = ?)", [group_id, group_id, group_id])
        db.execute("DELETE FROM norm_proposals WHERE group_id = ?", [group_id])


def norms_proposal(db: Database, user: User, group_id: int) -> NormsProposal | None:
    _circle_row(db, user, group_id, "read")
    proposal = one_row(
        db,
        "SELECT norm_proposals.id, norm_proposals.body, users.display_name AS proposer FROM norm_proposals "
        "LEFT JOIN users ON users.id = norm_proposals.proposed_by WHERE norm_proposals.group_id = ?",
        [group_id],
    )
    if proposal is None:
        return None
    members = db.query(
        "SELECT users.id, users.display_name, norm_agreements.user_id IS NOT NULL AS agreed FROM group_members "
        "JOIN users ON users.id = group_members.user_id LEFT JOIN norm_agreements "
        "ON norm_agreements.user_id = users.id AND norm_agreements.proposal_id = ? "
        "WHERE group_members.group_id = ? ORDER BY users.display_name COLLATE NOCASE",
        [proposal["id"], group_id],
    )
    agreed, waiting, i_agreed = [], [], False
    for member in members:
        (agreed if member["agreed"] else waiting).append(member["display_name"])
        i_agreed = i_agreed or (member["id"] == user.id and bool(member["agreed"]))
    if not waiting:  # the only members who had not agreed have left since
        with writing(db):
            _adopt_if_agreed(db, group_id)
        return None
    return NormsProposal(proposal["body"], proposal["proposer"] or accounts.FORMER_MEMBER, tuple(agreed),
                         tuple(waiting), i_agreed)


# --- check-ins ----------------------------------------------------------------------------------------


def start_checkin(db: Database, user: User, group_id: int, protocol: prompts.PromptSet) -> debriefs.Debrief:
    """Any member opens a check-in from a protocol, titled by its name and today's date."""
    _circle_row(db, user, group_id, "create")
    if groups.member_count(db, group_id) < MIN_MEMBERS_TO_MEET:
        raise InvalidInput("A check-in is a round among peers: invite at least one colleague to the circle first.")
    today = date.today()
    return debriefs.start_debrief(db, user, group_id, protocol, f"{protocol.name}, {today.day} {today:%B %Y}", None)


# --- questions for the circle -------------------------------------------------------------------------


def check_text(db: Database, user: User, group_id: int, body: str, noun: str = "question") -> language.Analysis:
    """The bias check a question or answer gets before it is posted, with the phrases allowed in the circle."""
    _circle_row(db, user, group_id, "share")
    return check_group_text(db, group_id, user.id, clean_message(body, noun))


def post_question(db: Database, user: User, group_id: int, body: str) -> Question:
    _circle_row(db, user, group_id, "share")  # members only, admins included in "everyone else"
    body = clean_message(body, "question")
    analysis = check_group_text(db, group_id, user.id, body)
    with writing(db):
        question_id = db["circle_questions"].insert(
            {"group_id": group_id, "author_id": user.id, "body": body,
             "analysis": analysis.to_json(), "created_at": utc_now()}
        ).last_pk
    return get_question(db, user, question_id)


def answer_question(db: Database, user: User, question_id: int, body: str) -> Answer:
    question = access.authorised_row(db, user, "comment", "question", question_id)
    body = clean_message(body, "answer")
    analysis = check_group_text(db, question["group_id"], user.id, body)
    with writing(db):
        answer_id = db["circle_answers"].insert(
            {"question_id": question_id, "author_id": user.id, "body": body,
             "analysis": analysis.to_json(), "created_at": utc_now()}
        ).last_pk
    [answer] = _answers(db, "circle_answers.id = ?", [answer_id])
    return answer


def delete_question(db: Database, user: User, question_id: int) -> None:
    access.authorised_row(db, user, "delete", "question", question_id)
    with writing(db):
        db.execute("DELETE FROM circle_questions WHERE id = ?", [question_id])


def delete_answer(db: Database, user: User, answer_id: int) -> None:
    access.authorised_row(db, user, "delete", "answer", answer_id)
    with writing(db):
        db.execute("DELETE FROM circle_answers WHERE id = ?", [answer_id])


def _answers(db: Database, where: str, params: list) -> list[Answer]:
    rows = db.query(
        "SELECT circle_answers.*, users.display_name AS author_name FROM circle_answers "
        f"LEFT JOIN users ON users.id = circle_answers.author_id WHERE {where} ORDER BY circle_answers.id",
        params,
    )
    return [
        from_row(Answer, row, author_name=row["author_name"] or accounts.FORMER_MEMBER,
                 analysis=language.stored_analysis(row["analysis"]))
        for row in rows
    ]


def _questions(db: Database, user: User, where: str, params: list) -> list[Question]:
    scope, scope_params = access.member_conversations_where(user, "circle_questions")
    rows = list(db.query(
        "SELECT circle_questions.*, users.display_name AS author_name FROM circle_questions "
        f"LEFT JOIN users ON users.id = circle_questions.author_id WHERE {scope} AND {where} "
        "ORDER BY circle_questions.id DESC",
        [*scope_params, *params],
    ))
    answers: dict[int, list[Answer]] = {}
    if rows:
        ids = [row["id"] for row in rows]
        for answer in _answers(db, f"circle_answers.question_id IN ({', '.join('?' * len(ids))})", ids):
            answers.setdefault(answer.question_id, []).append(answer)
    return [
        from_row(Question, row, author_name=row["author_name"] or accounts.FORMER_MEMBER,
                 analysis=language.stored_analysis(row["analysis"]), answers=tuple(answers.get(row["id"], ())))
        for row in rows
    ]


def get_question(db: Database, user: User, question_id: int) -> Question:
    access.authorised_row(db, user, "read", "question", question_id)
    [question] = _questions(db, user, "circle_questions.id = ?", [question_id])
    return question


def list_questions(db: Database, user: User, group_id: int) -> list[Question]:
    """A circle's questions, newest first, each with its answers; empty for anyone outside the circle."""
    return _questions(db, user, "circle_questions.group_id = ?", [group_id])
