import pytest

from reflection import accounts, config, setup_code
from reflection.errors import AccessDenied, InvalidInput, SignInFailed, SignInThrottled


def test_first_account_becomes_admin_only_with_the_setup_code_and_only_once(db, password):
    assert accounts.needs_first_admin(db)
    code = setup_code.issue()
    for wrong in ("", "AAAA-AAAA-AAAA-AAAA", code[:-1], code + "A"):
        with pytest.raises(InvalidInput, match="setup code is not right"):
            accounts.create_first_admin(db, "intruder", "X", password, wrong)
    assert accounts.needs_first_admin(db)
    # Typed as printed (with dashes) or in lower case, the code works.
    admin = accounts.create_first_admin(db, "principal", "Dr. Okafor", password, setup_code.display(code).lower())
    assert admin.role == "admin" and not accounts.needs_first_admin(db)
    with pytest.raises(InvalidInput, match="setup code is not right"):
        accounts.create_first_admin(db, "intruder", "X", password, code)  # used once, forgotten


def test_the_setup_code_is_printed_to_the_server_log_once_and_has_80_random_bits(capsys):
    setup_code.forget()
    code = setup_code.issue()
    assert setup_code.issue() == code
    logged = capsys.readouterr().err
    assert logged.count("setup code") == 1 and setup_code.display(code) in logged
    assert len(code) == 16 and set(code) <= set(setup_code.ALPHABET) and len(setup_code.ALPHABET) >= 32
    setup_code.forget()
    assert setup_code.issue() != code


def test_passwords_are_stored_as_argon2id_hashes(db, make_user, password):
    user = make_user()
    stored = db.execute("SELECT password_hash FROM users WHERE id = ?", [user.id]).fetchone()[0]
    assert stored.startswith("$argon2id$") and password not in stored


def hash_at(cost: str, monkeypatch) -> None:
    """From now on this process hashes passwords at `cost` (the suite's own is argon2's cheapest)."""
    monkeypatch.setenv("REFLECTION_PASSWORD_HASHING", cost)
    accounts._hasher.cache_clear()


def test_a_server_hashes_at_the_recommended_cost_and_upgrades_a_cheaper_hash_at_sign_in(db, make_user, password,
                                                                                      monkeypatch, request):
    request.addfinalizer(accounts._hasher.cache_clear)  # the next hash reads the restored setting
    hash_at("cheapest-for-tests", monkeypatch)
    cheap_user = make_user()
    hash_at("recommended", monkeypatch)
    colleague = accounts.create_user(db, None, "new-colleague", "New Colleague", password)
    stored = dict(db.execute("SELECT id, password_hash FROM users").fetchall())
    server_cost = "$argon2id$v=19$m=65536,t=3,p=4$"
    assert stored[colleague.id].startswith(server_cost) and not stored[cheap_user.id].startswith(server_cost)
    accounts.authenticate(db, cheap_user.username, password)
    upgraded = db.execute("SELECT password_hash FROM users WHERE id = ?", [cheap_user.id]).fetchone()[0]
    assert upgraded.startswith(server_cost)
    assert accounts.authenticate(db, cheap_user.username, password) == cheap_user


def test_an_unknown_hashing_cost_is_refused_with_the_choices(monkeypatch):
    monkeypatch.setenv("REFLECTION_PASSWORD_HASHING", "fast")
    with pytest.raises(ValueError, match="recommended, cheapest-for-tests"):
        config.password_hashing()


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


@pytest.mark.slow
def test_forty_parallel_guesses_check_no_more_passwords_than_the_limit(db, db_path, make_user):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from reflection import db as database

    user = make_user()
    guesses = 40
    start_together = Barrier(guesses)

    def guess(number: int) -> str:
        connection = database.connect(db_path)  # one connection per request, as the server has
        try:
            start_together.wait()
            accounts.authenticate(connection, user.username, f"guess number {number}", "203.0.113.9")
        except SignInFailed:
            return "checked"
        except SignInThrottled:
            return "throttled"
        finally:
            connection.close()
        return "signed in"

    with ThreadPoolExecutor(max_workers=guesses) as pool:
        outcomes = list(pool.map(guess, range(guesses)))
    assert outcomes.count("checked") == accounts.FAILURES_BEFORE_LOCK
    assert outcomes.count("throttled") == guesses - accounts.FAILURES_BEFORE_LOCK


def test_a_strangers_wrong_guesses_do_not_lock_the_owner_out_from_their_own_address(db, make_user, password):
    user = make_user()
    for _ in range(accounts.FAILURES_BEFORE_LOCK):
        with pytest.raises(SignInFailed):
            accounts.authenticate(db, user.username, "wrong password", "203.0.113.9")
    with pytest.raises(SignInThrottled):
        accounts.authenticate(db, user.username, password, "203.0.113.9")
    assert accounts.authenticate(db, user.username, password, "198.51.100.7") == user


@pytest.mark.slow
@pytest.mark.parametrize("spread_over", ["usernames", "addresses"])
def test_one_address_trying_many_usernames_or_one_username_from_many_addresses_is_locked(
    db, make_user, password, spread_over
):
    user = make_user()
    if spread_over == "usernames":
        limit, attempt = accounts.ADDRESS_FAILURES_BEFORE_LOCK, lambda n: (f"someone{n}", "203.0.113.9")
    else:
        limit, attempt = accounts.USERNAME_FAILURES_BEFORE_LOCK, lambda n: (user.username, f"203.0.113.{n}")
    for number in range(limit):
        username, address = attempt(number)
        with pytest.raises(SignInFailed):
            accounts.authenticate(db, username, "wrong password", address)
    _, next_address = attempt(limit)  # the same address, or a fresh one
    with pytest.raises(SignInThrottled):
        accounts.authenticate(db, user.username, password, next_address)
    if spread_over == "usernames":  # the lock holds that address only
        assert accounts.authenticate(db, user.username, password, "198.51.100.7") == user


@pytest.mark.slow
def test_successful_sign_ins_from_a_shared_address_never_lock_it(db, make_user, password):
    """A school behind one address, or several clients whose address is unknown (one bucket)."""
    users = [make_user() for _ in range(3)]
    for _ in range(accounts.ADDRESS_FAILURES_BEFORE_LOCK // len(users) + 2):
        for user in users:
            assert accounts.authenticate(db, user.username, password, None) == user
    assert db.execute("SELECT max(failures) FROM sign_in_attempts WHERE username = '*'").fetchone()[0] == 0


@pytest.mark.parametrize(
    "address, bucket",
    [(None, "unknown"), ("", "unknown"), ("not an address", "unknown"), ("x" * 10_000, "unknown"),
     ("203.0.113.9", "203.0.113.9"), ("::ffff:203.0.113.9", "203.0.113.9"),
     ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"), ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64")],
)
def test_client_addresses_become_bounded_buckets(address, bucket):
    assert accounts.client_bucket(address) == bucket


def test_huge_sign_in_input_is_refused_without_being_stored(db, db_path, make_user, password):
    user = make_user()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_before = db_path.stat().st_size
    for number in range(20):
        with pytest.raises((SignInFailed, SignInThrottled)):
            accounts.authenticate(db, f"{number}" + "n" * 200_000, "p" * 200_000, "203.0.113.9")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert db_path.stat().st_size - size_before < 100_000
    stored = db.execute("SELECT username, address FROM sign_in_attempts").fetchall()
    assert stored == [(accounts.ANY, "203.0.113.9")]
    assert accounts.authenticate(db, user.username, password, "198.51.100.7") == user


@pytest.mark.parametrize("weak", ["password1", "Password123", "12345678", "qwertyuiop", " iloveyou "])
def test_common_passwords_are_refused_wherever_a_password_is_set(db, make_user, password, weak):
    admin, teacher = make_user("admin"), make_user()
    with pytest.raises(InvalidInput, match="most common"):
        accounts.create_user(db, admin, "new.teacher", "New", weak)
    with pytest.raises(InvalidInput, match="most common"):
        accounts.change_password(db, teacher, password, weak)
    with pytest.raises(InvalidInput, match="most common"):
        accounts.reset_password(db, admin, teacher.id, weak)


def test_the_username_is_refused_as_a_password(db, make_user, password):
    with pytest.raises(InvalidInput, match="cannot be the username"):
        accounts.create_user(db, None, "ms.rivera", "Ms Rivera", "MS.Rivera")
    with pytest.raises(InvalidInput, match="cannot be the username"):
        accounts.create_first_admin(db, "principal.okafor", "Dr. Okafor", "principal.okafor", setup_code.issue())
    teacher = make_user(username="jlee.science")
    with pytest.raises(InvalidInput, match="cannot be the username"):
        accounts.change_password(db, teacher, password, "jlee.science")
    assert accounts.authenticate(db, "jlee.science", password) == teacher


def test_the_common_password_list_is_lowercase_unique_and_long_enough_to_matter():
    lines = [line for line in accounts.COMMON_PASSWORDS_FILE.read_text().splitlines() if line and not line.startswith("#")]
    assert len(lines) == len(set(lines)) >= 100
    assert all(line == line.strip().casefold() and len(line) >= accounts.MIN_PASSWORD_LENGTH for line in lines)
