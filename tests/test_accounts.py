import pytest

from reflection import accounts
from reflection.errors import AccessDenied, InvalidInput, SignInFailed, SignInThrottled


def test_first_account_becomes_admin_and_only_once(db, password):
    assert accounts.needs_first_admin(db)
    admin = accounts.create_first_admin(db, "principal", "Dr. Okafor", password)
    assert admin.role == "admin" and not accounts.needs_first_admin(db)
    with pytest.raises(InvalidInput, match="already has accounts"):
        accounts.create_first_admin(db, "intruder", "X", password)


def test_passwords_are_stored_as_argon2id_hashes(db, make_user, password):
    user = make_user()
    stored = db.execute("SELECT password_hash FROM users WHERE id = ?", [user.id]).fetchone()[0]
    assert stored.startswith("$argon2id$") and password not in stored


def test_only_admins_create_accounts(db, make_user, password):
    admin, teacher = make_user("admin"), make_user("teacher")
    created = accounts.create_user(db, admin, "ms.rivera", "Ms Rivera", password, "coach")
    assert accounts.find_user(db, "MS.RIVERA") == created
    with pytest.raises(AccessDenied):
        accounts.create_user(db, teacher, "sneaky", "S", password, "admin")


@pytest.mark.parametrize(
    "username, password, message",
    [("a", "long enough pw", "Usernames"), ("has space", "long enough pw", "Usernames"),
     ("<script>", "long enough pw", "Usernames"),
     ("fine_name", "short", "at least 8"), ("fine_name", "x" * 2000, "at most")],
)
def test_bad_account_details_are_refused_clearly(db, username, password, message):
    with pytest.raises(InvalidInput, match=message):
        accounts.create_user(db, None, username, "", password)
    assert accounts.count_users(db) == 0


def test_duplicate_usernames_are_refused_case_insensitively(db, make_user, password):
    make_user(username="jlee")
    with pytest.raises(InvalidInput, match="taken"):
        accounts.create_user(db, None, "JLee", "J", password)


def test_wrong_password_and_unknown_user_get_the_same_message(db, make_user, password):
    user = make_user()
    assert accounts.authenticate(db, user.username, password) == user
    with pytest.raises(SignInFailed) as wrong:
        accounts.authenticate(db, user.username, "not the password")
    with pytest.raises(SignInFailed) as unknown:
        accounts.authenticate(db, "nobody-here", "not the password")
    assert str(wrong.value) == str(unknown.value) == "Wrong username or password."


@pytest.mark.parametrize("exists", [True, False])
def test_repeated_failures_lock_the_username_whether_or_not_it_exists(db, make_user, exists, password):
    username = make_user().username if exists else "ghost"
    for _ in range(accounts.FAILURES_BEFORE_LOCK):
        with pytest.raises(SignInFailed):
            accounts.authenticate(db, username, "wrong password")
    with pytest.raises(SignInThrottled, match="wait about 1 minute"):
        accounts.authenticate(db, username, password)


def test_a_successful_sign_in_clears_earlier_failures(db, make_user, password):
    user = make_user()
    for _ in range(accounts.FAILURES_BEFORE_LOCK - 1):
        with pytest.raises(SignInFailed):
            accounts.authenticate(db, user.username, "wrong password")
    accounts.authenticate(db, user.username, password)
    for _ in range(accounts.FAILURES_BEFORE_LOCK - 1):
        with pytest.raises(SignInFailed):
            accounts.authenticate(db, user.username, "wrong password")
    assert accounts.authenticate(db, user.username, password) == user


def test_change_password_needs_the_current_one(db, make_user, password):
    user = make_user()
    with pytest.raises(SignInFailed):
        accounts.change_password(db, user, "wrong current", "a new password")
    accounts.change_password(db, user, password, "a new password")
    assert accounts.authenticate(db, user.username, "a new password") == user


def test_admin_resets_passwords_and_deactivated_accounts_cannot_sign_in(db, make_user):
    admin, teacher = make_user("admin"), make_user()
    accounts.reset_password(db, admin, teacher.id, "reset by admin")
    assert accounts.authenticate(db, teacher.username, "reset by admin").id == teacher.id
    accounts.set_active(db, admin, teacher.id, False)
    with pytest.raises(SignInFailed):
        accounts.authenticate(db, teacher.username, "reset by admin")
    with pytest.raises(AccessDenied):
        accounts.reset_password(db, teacher, admin.id, "takeover attempt")


def test_the_last_admin_cannot_be_demoted_or_deactivated(db, make_user):
    admin = make_user("admin")
    with pytest.raises(InvalidInput, match="only active admin"):
        accounts.set_role(db, admin, admin.id, "teacher")
    with pytest.raises(InvalidInput, match="only active admin"):
        accounts.set_active(db, admin, admin.id, False)
    second = make_user("admin")
    accounts.set_role(db, second, admin.id, "coach")
    assert accounts.get_user(db, admin.id).role == "coach"
