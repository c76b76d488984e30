"""The Admin page: accounts and the batch re-check, and that nobody else can use it."""

from pathlib import Path

import pytest
from apptest_text import texts
from streamlit.testing.v1 import AppTest

from reflection import accounts, journal

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def open_admin(app_test, user):
    at = app_test(user)
    at.run()
    at.switch_page("views/admin.py").run()
    return at


def test_admin_creates_an_account_that_can_sign_in(app_test, make_user, db):
    at = open_admin(app_test, make_user("admin"))
    at.text_input(key="admin_new_display_name").input("Ms Rivera")
    at.text_input(key="admin_new_username").input("ms.rivera")
    at.text_input(key="admin_new_password").input("first password")
    at.selectbox(key="admin_new_role").set_value("coach")
    next(b for b in at.button if b.label == "Create account").click().run()
    assert not at.exception
    assert accounts.authenticate(db, "ms.rivera", "first password").role == "coach"


def test_teachers_and_coaches_cannot_use_the_admin_page(app_test, make_user, sign_in_state):
    for role in ("teacher", "coach"):
        user = make_user(role)
        at = app_test(user)
        at.run()
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("views/admin.py")  # not in their navigation at all
        # Reached directly, the page itself refuses too.
        direct = AppTest.from_file(str(PROJECT_ROOT / "views" / "admin.py"), default_timeout=60)
        sign_in_state(direct, user)
        direct.run()
        assert "for administrators" in texts(direct.error)
        assert not [b for b in direct.button if b.label == "Create account"]


def test_admin_rechecks_entries_analysed_with_older_rules(app_test, make_user, db):
    admin, teacher = make_user("admin"), make_user()
    entry = journal.create_entry(db, teacher, journal.EntryDraft(body="These kids are lazy."))
    db.execute("UPDATE entries SET rules_version = 'old', flag_count = 0, analysis = NULL")
    at = open_admin(app_test, admin)
    assert "1 entry was checked with older rules" in texts(at.markdown)
    at.button(key="admin_reanalyse").click().run()
    assert "Re-checked 1 entry" in texts(at.success)
    assert journal.count_stale_entries(db) == 0
    assert journal.get_entry(db, teacher, entry.id).flag_count >= 1
