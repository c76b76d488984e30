"""One way to act on a page (`ui.run_action`): a refused action says why on the next run and keeps what was
typed; a done one says so once; no page writes another page's session keys."""

from __future__ import annotations

import re

from apptest_text import texts

from reflection import accounts, prompt_store
from reflection.config import PROJECT_ROOT

# Pages write only keys that start with their own name; the Write page is reached from others by address.
OWN_KEYS = re.compile(r"""(?:key=|session_state\[|session_state\.(?:get|pop|setdefault)\()f?["']([a-z_]+)""")


def open_page(app_test, user, page):
    return app_test(user).switch_page(page).run()


def click(at, label: str):
    next(button for button in at.button if button.label == label).click().run()
    assert not at.exception
    return at


def test_a_refused_form_says_why_after_the_rerun_and_keeps_what_was_typed(app_test, make_user, db):
    make_user(username="taken")
    at = open_page(app_test, make_user("admin"), "views/admin.py")
    at.text_input(key="admin_new_display_name").input("Ms Rivera")
    at.text_input(key="admin_new_username").input("taken")
    at.text_input(key="admin_new_password").input("first password")
    click(at, "Create account")
    assert "taken" in texts(at.error)
    assert at.text_input(key="admin_new_display_name").value == "Ms Rivera"
    assert at.text_input(key="admin_new_username").value == "taken"
    at.text_input(key="admin_new_username").input("ms.rivera")
    click(at, "Create account")
    assert not at.error and "Created teacher account “ms\\.rivera”." in texts(at.success)
    assert at.text_input(key="admin_new_username").value == ""  # emptied once the account exists
    assert accounts.authenticate(db, "ms.rivera", "first password")


def test_a_done_action_says_so_once(app_test, make_user, db):
    teacher = make_user()
    item = prompt_store.add_set(db, teacher, "Friday check-in", "What went well?")
    at = open_page(app_test, teacher, "views/prompts.py")
    at.button(key=f"prompts_delete_{item.id}").click().run()
    assert "Deleted “Friday check\\-in”." in texts(at.success)
    assert prompt_store.stored_sets(db, teacher) == []
    at.run()
    assert "Deleted" not in texts(at.success)


def test_two_new_passwords_that_differ_are_refused_and_stay_typed(app_test, make_user, password):
    at = open_page(app_test, make_user(), "views/account.py")
    at.text_input(key="account_current_password").input(password)
    at.text_input(key="account_new_password").input("a new long password")
    at.text_input(key="account_new_password_again").input("a new long passwort")
    click(at, "Change password")
    assert "The two new passwords differ" in texts(at.error)
    assert at.text_input(key="account_new_password_again").value == "a new long passwort"
    at.run()
    assert "differ" not in texts(at.error)


def test_prompts_send_the_writer_to_the_write_page_by_address(app_test, make_user):
    at = open_page(app_test, make_user(), "views/prompts.py")
    at.button(key="prompts_write_kolb").click().run()
    assert not at.exception
    assert at.session_state["write_prompt_set"] == "kolb" and at.session_state["write_step"] == 0
    assert "prompt_set" not in at.query_params  # read once by the Write page


def test_no_page_names_a_session_key_of_another_page():
    pages = {path.stem: path for path in (PROJECT_ROOT / "views").glob("*.py") if not path.stem.startswith("_")}
    foreign = {
        page: [key for key in OWN_KEYS.findall(path.read_text(encoding="utf-8"))
               if any(key.startswith(f"{other}_") for other in pages if other != page)]
        for page, path in pages.items()
    }
    assert not {page: keys for page, keys in foreign.items() if keys}
