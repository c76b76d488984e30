"""School single sign-on: which account a school identity opens, and the admin's choice for unknown emails."""

import pytest

from reflection import accounts, single_sign_on
from reflection.errors import AccessDenied, InvalidInput, SignInFailed


def test_a_verified_email_opens_its_linked_account_whatever_the_case(db, make_user):
    admin, teacher = make_user("admin"), make_user()
    single_sign_on.set_email(db, admin, teacher.id, "Ms.Rivera@School.Example")
    assert single_sign_on.email_of(db, teacher.id) == "Ms.Rivera@school.example"
    assert single_sign_on.account_for_identity(db, "ms.rivera@SCHOOL.example", True, "R").id == teacher.id


def test_an_unverified_or_missing_email_opens_nothing_even_when_linked(db, make_user):
    admin, teacher = make_user("admin"), make_user()
    single_sign_on.set_email(db, admin, teacher.id, "t@school.example")
    for email, verified in (("t@school.example", False), ("t@school.example", None), (None, True), ("not an email", True)):
        with pytest.raises(SignInFailed, match="did not confirm"):
            single_sign_on.account_for_identity(db, email, verified, "T")


def test_unknown_emails_are_refused_unless_the_admin_allows_their_domain(db, make_user):
    admin = make_user("admin")
    with pytest.raises(SignInFailed, match="no Reflection account"):
        single_sign_on.account_for_identity(db, "new@school.example", True, "New Teacher")
    single_sign_on.set_policy(db, admin, "school.example\n@District.Example", create_teachers=False)
    with pytest.raises(SignInFailed, match="no Reflection account"):
        single_sign_on.account_for_identity(db, "new@school.example", True, "New Teacher")
    assert single_sign_on.set_policy(db, admin, "school.example, district.example", True).domains == (
        "school.example", "district.example")
    created = single_sign_on.account_for_identity(db, "new@district.example", True, "New Teacher")
    assert (created.username, created.display_name, created.role) == ("new", "New Teacher", "teacher")
    assert single_sign_on.account_for_identity(db, "new@district.example", True, "New Teacher").id == created.id
    other = single_sign_on.account_for_identity(db, "new@school.example", True, "")
    assert other.username == "new-2" and other.display_name == "new-2"
    with pytest.raises(SignInFailed, match="no Reflection account"):
        single_sign_on.account_for_identity(db, "new@elsewhere.example", True, "X")
    with pytest.raises(SignInFailed):  # no password opens a school-only account
        accounts.authenticate(db, "new", "")


def test_a_deactivated_account_stays_closed_to_school_sign_in(db, make_user):
    admin, teacher = make_user("admin"), make_user()
    single_sign_on.set_email(db, admin, teacher.id, "t@school.example")
    accounts.set_active(db, admin, teacher.id, False)
    with pytest.raises(SignInFailed, match="deactivated"):
        single_sign_on.account_for_identity(db, "t@school.example", True, "T")


def test_only_admins_link_emails_or_change_the_policy_and_bad_input_is_explained(db, make_user):
    admin, teacher, other = make_user("admin"), make_user(), make_user()
    with pytest.raises(AccessDenied):
        single_sign_on.set_email(db, teacher, teacher.id, "me@school.example")
    with pytest.raises(AccessDenied):
        single_sign_on.set_policy(db, teacher, "school.example", True)
    with pytest.raises(InvalidInput, match="whole email address"):
        single_sign_on.set_email(db, admin, teacher.id, "<script>@x")
    with pytest.raises(InvalidInput, match="not an email domain"):
        single_sign_on.set_policy(db, admin, "school.example\nhttps://evil.example/", True)
    single_sign_on.set_email(db, admin, teacher.id, "t@school.example")
    with pytest.raises(InvalidInput, match="Another account"):
        single_sign_on.set_email(db, admin, other.id, "T@school.example")
    single_sign_on.set_email(db, admin, teacher.id, "")
    assert single_sign_on.email_of(db, teacher.id) == ""


def test_only_a_true_claim_vouches_for_an_email():
    assert single_sign_on.is_verified({"email_verified": True})
    assert single_sign_on.is_verified({"xms_edov": True})  # Microsoft Entra's optional claim
    for claims in ({}, {"email_verified": "false"}, {"email_verified": "true"}, {"email_verified": False, "xms_edov": 1}):
        assert not single_sign_on.is_verified(claims)
