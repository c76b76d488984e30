"""Every page, in a real browser: axe-core finds no serious or critical violation (WCAG 2.1 AA rules),
and at a phone's width (390 px) nothing scrolls sideways. Screenshots at that width are kept in
test-artifacts/ for a person to look at."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_app import StreamlitPage
from conftest import ARTIFACTS

from reflection import accounts, debriefs, groups, journal, prompts, sharing

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}
# Widest element inside the page minus the viewport: anything above 0 scrolls sideways.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  let widest = document.documentElement.scrollWidth;
  for (const id of ['stApp', 'stAppViewContainer', 'stMain']) {
    const element = document.querySelector(`[data-testid="${id}"]`);
    if (element) { widest = Math.max(widest, element.scrollWidth); }
  }
  return widest - width;
}"""


def serious_violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def check_page(app: StreamlitPage, name: str) -> list[str]:
    """Problems of the page as shown now: axe at desktop width, then overflow at phone width."""
    problems = [f"{name}: {violation}" for violation in serious_violations(app.page)]
    app.page.set_viewport_size(PHONE)
    app.wait_idle()
    app.page.wait_for_timeout(300)  # let the layout settle at the new width
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    overflow = app.page.evaluate(OVERFLOW_SCRIPT)
    if overflow > 0:
        problems.append(f"{name}: scrolls sideways by {overflow} px at {PHONE['width']} px wide")
    app.page.set_viewport_size(DESKTOP)
    app.wait_idle()
    return problems


@pytest.fixture
def school(app_db, make_account):
    """A teacher with a flagged entry shared with a coach, facilitating a group with an open debrief."""
    teacher, coach = make_account("teacher", "Ms. Rivera"), make_account("coach", "Mr. Okafor")
    entry = journal.create_entry(app_db, teacher, journal.EntryDraft(
        body="These kids are lazy about homework, but Maya's question took us somewhere new.", title="Fractions"))
    share = sharing.share_entry(app_db, teacher, entry.id, coach_id=coach.id)
    admin = accounts.find_user(app_db, "site-admin")
    group = groups.create_group(app_db, admin, f"Science PLC {teacher.id}", facilitator_id=teacher.id)
    debrief = debriefs.start_debrief(app_db, teacher, group.id, prompts.load_library().get("tuning"), "Lab unit", teacher.id)
    return teacher, coach, {"journal": entry.id, "coaching": share.id, "debriefs": debrief.id}


def test_every_page_passes_axe_and_fits_a_phone(app, school):
    teacher, coach, opened = school
    app.open()
    problems = check_page(app, "sign-in")
    app.sign_in(teacher.username)
    app.expect_heading("Write")
    app.commit("Your reflection", "My low kids can't focus after lunch.")
    app.click("Check my language")
    app.expect_text("to reconsider")
    problems += check_page(app, "write-checked")
    for title in ("Journal", "Prompts", "Insights", "PLC debriefs", "Shared & coaching", "Account"):
        app.go_to(title)
        problems += check_page(app, title.lower().replace(" & ", "-").replace(" ", "-"))
    app.go_to("Journal")
    app.click_key(f"journal_open_{opened['journal']}")
    app.expect_text("Back to the list")
    problems += check_page(app, "journal-entry")
    app.go_to("PLC debriefs")
    app.click_key(f"debriefs_open_{opened['debriefs']}")
    app.expect_text("min suggested")
    problems += check_page(app, "debrief-open")
    assert not problems, "\n".join(problems)


def test_the_coach_and_admin_pages_pass_axe_and_fit_a_phone(new_tab, app_server, school):
    teacher, coach, opened = school
    problems = []
    for username, titles in ((coach.username, ("Shared & coaching",)), ("site-admin", ("Admin",))):
        app = StreamlitPage(new_tab(), app_server)
        app.sign_in_to_write(username)
        for title in titles:
            app.go_to(title)
            if title == "Shared & coaching":
                app.click_key(f"coaching_open_{opened['coaching']}")
                app.expect_text("Comments")
            problems += check_page(app, f"{username}-{title.lower().replace(' & ', '-').replace(' ', '-')}")
    assert not problems, "\n".join(problems)


def test_signing_in_writing_and_checking_work_with_the_keyboard_alone(app, make_account):
    teacher = make_account("teacher")
    app.open()
    keyboard = app.page.keyboard
    app.textbox("Username").focus()
    keyboard.type(teacher.username)
    keyboard.press("Tab")
    keyboard.type("correct horse battery")
    keyboard.press("Enter")
    app.expect_heading("Write")
    app.textbox("Your reflection").focus()
    keyboard.type("My low kids can't focus after lunch.")
    app.rerun_after(lambda: keyboard.press("Tab"))  # leaving the box sends its text
    focused = ""
    for _ in range(15):  # Tab forward to the check button, then press it with Enter
        focused = app.page.evaluate("document.activeElement.innerText || ''").strip()
        if focused == "Check my language":
            break
        keyboard.press("Tab")
    assert focused == "Check my language"
    app.rerun_after(lambda: keyboard.press("Enter"))
    app.expect_text("to reconsider")
