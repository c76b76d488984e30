"""Server-side sessions: only a hash is stored, and every way an account changes ends its sessions."""

import re
from datetime import timedelta

import pytest

from reflection import account_deletion, accounts, config, sessions
from reflection.errors import SessionEnded

PROJECT_ROOT = config.PROJECT_ROOT


def test_only_the_tokens_hash_is_stored_and_signing_out_ends_the_session(db, make_user):
    user = make_user()
    token = sessions.start(db, user.id)
    stored = db.execute("SELECT token_hash, user_id FROM sessions").fetchall()
    assert stored == [(sessions._hash(token), user.id)] and token not in str(stored)
    assert sessions.resume(db, token).user_id == user.id
    sessions.end(db, token)
    with pytest.raises(SessionEnded):
        sessions.resume(db, token)
    with pytest.raises(SessionEnded):
        sessions.resume(db, None)


def test_a_deleted_accounts_tab_never_becomes_the_next_new_account(db, make_user):
    make_user("admin")
    leaving = make_user()  # the newest account: its id was the one handed out again
    token = sessions.start(db, leaving.id)
    account_deletion.delete_account(db, leaving, leaving.username)
    newcomer = make_user()
    assert newcomer.id > leaving.id
    with pytest.raises(SessionEnded, match="signed out"):
        sessions.resume(db, token)


@pytest.mark.parametrize("change", ["deactivate", "change_password", "admin_reset"])
def test_account_changes_end_every_open_session_of_that_account_only(db, make_user, password, change):
    admin, teacher, colleague = make_user("admin"), make_user(), make_user()
    tabs = [sessions.start(db, teacher.id), sessions.start(db, teacher.id)]
    colleague_tab = sessions.start(db, colleague.id)
    if change == "deactivate":
        accounts.set_active(db, admin, teacher.id, False)
    elif change == "change_password":
        accounts.change_password(db, teacher, password, "a brand new passphrase")
    else:
        accounts.reset_password(db, admin, teacher.id, "temporary passphrase")
    for tab in tabs:
        with pytest.raises(SessionEnded):
            sessions.resume(db, tab)
    assert sessions.resume(db, colleague_tab).user_id == colleague.id


def test_a_session_from_before_a_version_change_is_refused_even_if_its_row_survived(db, make_user):
    user = make_user()
    token = sessions.start(db, user.id)
    db.execute("UPDATE users SET session_version = session_version + 1 WHERE id = ?", [user.id])
    with pytest.raises(SessionEnded):
        sessions.resume(db, token)


def test_an_idle_session_ends_after_eight_hours_and_activity_keeps_it_alive(db, make_user):
    user = make_user()
    start = sessions._now()
    token = sessions.start(db, user.id, now=start)
    later = start + timedelta(hours=7, minutes=59)
    assert sessions.resume(db, token, now=later).user_id == user.id  # activity moves last_seen on
    assert sessions.resume(db, token, now=later + timedelta(hours=7)).user_id == user.id
    with pytest.raises(SessionEnded, match="after 8 hours without activity"):
        sessions.resume(db, token, now=later + timedelta(hours=15))
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_the_idle_timeout_comes_from_the_environment(db, make_user, monkeypatch):
    monkeypatch.setenv("REFLECTION_SESSION_IDLE_MINUTES", "30")
    user = make_user()
    start = sessions._now()
    token = sessions.start(db, user.id, now=start)
    with pytest.raises(SessionEnded, match="after 30 minutes without activity"):
        sessions.resume(db, token, now=start + timedelta(minutes=30))
    monkeypatch.setenv("REFLECTION_SESSION_IDLE_MINUTES", "soon")
    with pytest.raises(ValueError, match="whole number of minutes"):
        config.session_idle_minutes()


def test_no_session_outlives_its_maximum_age_however_active(db, make_user):
    user = make_user()
    start = sessions._now()
    token = sessions.start(db, user.id, now=start)
    moment = start
    while moment + timedelta(hours=4) < start + sessions.MAX_SESSION_AGE:
        moment += timedelta(hours=4)
        sessions.resume(db, token, now=moment)
    with pytest.raises(SessionEnded, match="at most 7 days"):
        sessions.resume(db, token, now=start + sessions.MAX_SESSION_AGE)


def test_signing_in_clears_sessions_left_behind_by_closed_tabs(db, make_user):
    user = make_user()
    long_ago = sessions._now() - timedelta(days=2)
    sessions.start(db, user.id, now=long_ago)
    sessions.start(db, user.id)
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_the_readme_documents_the_idle_timeout_and_its_default():
    readme = (PROJECT_ROOT / "README.md").read_text()
    row = re.search(r"^\| `REFLECTION_SESSION_IDLE_MINUTES` \| `(\d+)` \|", readme, re.MULTILINE)
    assert row and int(row.group(1)) == config.DEFAULT_SESSION_IDLE_MINUTES


def test_a_handoff_code_gives_its_token_once_and_only_within_its_minute(make_user, db):
    token = sessions.start(db, make_user().id)
    code = sessions.hand_over(token)
    assert token not in code
    assert sessions.take_over(code) == token
    assert sessions.take_over(code) is None  # used
    late = sessions.hand_over(token)
    assert sessions.take_over(late, now=sessions._now() + timedelta(seconds=sessions.HANDOFF_SECONDS + 1)) is None
    assert sessions.take_over("made-up") is None and sessions.take_over(None) is None


def test_sign_out_everywhere_ends_every_session_of_the_account_only(db, make_user):
    user, colleague = make_user(), make_user()
    tokens = [sessions.start(db, user.id) for _ in range(3)]
    colleagues = sessions.start(db, colleague.id)
    accounts.sign_out_everywhere(db, user)
    for token in tokens:
        with pytest.raises(SessionEnded):
            sessions.resume(db, token)
    assert sessions.resume(db, colleagues).user_id == colleague.id
