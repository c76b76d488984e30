"""Reflection: entry point. Page config, the sign-in gate, navigation and the shared sidebar."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from reflection import accounts, audit, db as database, setup_code, single_sign_on
from reflection.errors import InvalidInput, ReflectionError
from views import _common as ui

# A shipped file: a material icon as page_icon makes every browser fetch the favicon from an outside font host.
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"
st.set_page_config(page_title="Reflection", page_icon=str(ICON), layout="wide")
APP = "app"  # the message slot of what app.py draws around every page (sidebar, account notices)


def first_run() -> None:
    setup_code.issue()  # printed to the server log, if the launcher has not done so already
    st.title("Welcome to Reflection")
    st.write(
        "This is a new installation. Create the first account: it becomes the administrator, "
        "who creates accounts for teachers and coaches. An administrator cannot read anyone's private journal."
    )
    st.write(
        "To prove you installed it, give the one-time setup code the server printed to its log when it started "
        "(the line says “one-time setup code”)."
    )
    ui.show_messages("first_run")
    with st.form("first_run"):
        st.text_input("Setup code", key="first_run_code", max_chars=40, placeholder="ABCD-EFGH-JKLM-NPQR")
        st.text_input("Username", key="first_run_username", max_chars=accounts.MAX_USERNAME_CHARS)
        st.text_input("Your name", key="first_run_display_name")
        st.text_input("Password", type="password", key="first_run_password", max_chars=accounts.MAX_PASSWORD_LENGTH)
        st.text_input("Password again", type="password", key="first_run_confirm", max_chars=accounts.MAX_PASSWORD_LENGTH)
        st.form_submit_button("Create admin account", on_click=ui.run_action, args=("first_run", create_first_admin, None))


def create_first_admin() -> None:
    state = st.session_state
    if state["first_run_password"] != state["first_run_confirm"]:
        raise InvalidInput("The two passwords differ. Please type them again.")
    ui.sign_in(accounts.create_first_admin(ui.db(), state["first_run_username"], state["first_run_display_name"],
                                           state["first_run_password"], state["first_run_code"]))


def school_providers() -> dict[str, str]:
    """The single sign-on providers set up in .streamlit/secrets.toml (`[auth.NAME]`), by name: button label."""
    try:
        settings = st.secrets.get("auth", {})
    except FileNotFoundError:  # no secrets file: local accounts only
        return {}
    return {name: values.get("label", name.title())
            for name, values in settings.items() if hasattr(values, "get")}


def link_school_identity() -> None:
    """Back from the school's sign-in: open the account its verified email links to, in a session of our own
    (revocable, unlike Streamlit's identity cookie, which the cookie route drops), or say why not."""
    try:
        user = single_sign_on.account_for_identity(
            ui.db(), st.user.get("email"), single_sign_on.is_verified(st.user), st.user.get("name"))
    except ReflectionError as error:
        ui.end_school_identity(str(error))
        st.rerun()
    ui.sign_in(user)
    st.rerun()


def sign_in() -> None:
    st.title("Reflection")
    st.caption("A private place to reflect on teaching, and to check our own language for bias.")
    if reason := st.session_state.pop(ui.SIGNED_OUT_KEY, None):
        st.info(reason)
    ui.show_arrival_notice()
    for name, label in school_providers().items():
        if st.button(f"Sign in with {label}", key=f"sign_in_sso_{name}", type="primary"):
            st.login(name)
    if school_providers():
        st.caption("Or with a Reflection username and password:")
    # max_chars only shapes the box; authenticate() refuses and never stores over-long input itself.
    with st.form("sign_in"):
        username = st.text_input("Username", key="sign_in_username", max_chars=accounts.MAX_USERNAME_CHARS)
        password = st.text_input("Password", type="password", key="sign_in_password", max_chars=accounts.MAX_PASSWORD_LENGTH)
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try:
            # st.context.ip_address is the connection's peer, or the client a trusted local proxy names
            # (uvicorn's forwarded_allow_ips); raw X-Forwarded-For headers could be typed by anyone.
            user = accounts.authenticate(ui.db(), username, password, st.context.ip_address)
        except ReflectionError as error:
            ui.show_error(error)
            return
        ui.sign_in(user)
        st.rerun()


def account_notices(user: accounts.User) -> None:
    """What someone else did to this account (an admin's password reset), until its owner dismisses it; and
    what the last action of app.py's own buttons reported."""
    ui.show_messages(APP)
    notices = audit.unseen_notices(ui.db(), user)
    for notice in notices:
        st.warning(ui.escape(notice.message) + " If you did not expect this, tell your administrator or school leader.")
    if notices:
        st.button("Dismiss", key="account_notices_dismiss", on_click=ui.run_action,
                  args=(APP, lambda: audit.dismiss_notices(ui.db(), user), None))


def choose_new_password(user: accounts.User) -> None:
    """After an admin's reset, nothing else opens until the owner picks a password only they know."""
    st.title("Choose a new password")
    account_notices(user)
    st.write(
        "An administrator set a temporary password for your account. Before you continue, choose a new "
        "password that only you know."
    )
    ui.show_messages("choose_password")
    password_keys = ("choose_password_new", "choose_password_again")

    def choose() -> None:
        new, again = (st.session_state[key] for key in password_keys)
        if new != again:
            raise InvalidInput("The two new passwords differ. Please type them again.")
        accounts.choose_new_password(ui.db(), user, new)
        ui.sign_in(user)  # the change ended every session of the account, this tab's too

    with st.form("choose_password"):
        for key, label in zip(password_keys, ("New password", "New password again")):
            st.text_input(label, type="password", key=key, max_chars=accounts.MAX_PASSWORD_LENGTH)
        st.form_submit_button("Save my new password", on_click=ui.run_action,
                              args=("choose_password", choose, None, password_keys))
    st.button("Sign out", key="choose_password_sign_out", on_click=ui.run_action,
              args=("choose_password", ui.sign_out, None))


def pages_for(user: accounts.User | None) -> dict[str, list]:
    """The navigation for this user; with no user, every page, so a deep link survives signing in."""
    sections = {
        "Reflect": [
            st.Page("views/write.py", title="Write", icon=":material/edit_note:", default=True),
            st.Page("views/journal.py", title="Journal", icon=":material/menu_book:"),
            st.Page("views/prompts.py", title="Prompts", icon=":material/explore:"),
            st.Page("views/insights.py", title="Insights", icon=":material/insights:"),
        ],
        "Together": [
            st.Page("views/debriefs.py", title="PLC debriefs", icon=":material/groups:"),
            st.Page("views/circles.py", title="Peer circles", icon=":material/diversity_3:"),
            st.Page("views/coaching.py", title="Shared & coaching", icon=":material/forum:"),
        ],
        "Settings": [st.Page("views/account.py", title="Account", icon=":material/person:")],
    }
    if user is None or user.is_admin:
        sections["Settings"].append(st.Page("views/admin.py", title="Admin", icon=":material/admin_panel_settings:"))
    return sections


def main() -> None:
    ui.follow_redirect()
    if accounts.needs_first_admin(ui.db()):
        st.navigation(pages_for(None), position="hidden")
        first_run()
        return
    user = ui.current_user()
    if user is None and school_providers() and st.user.is_logged_in:
        link_school_identity()
    if user is None:
        # The requested page is remembered in the URL and opens once the sign-in succeeds.
        st.navigation(pages_for(None), position="hidden")
        sign_in()
        return
    if user.must_change_password:
        st.navigation(pages_for(None), position="hidden")
        choose_new_password(user)
        return
    with st.sidebar:
        st.markdown(f"Signed in as **{ui.escape(user.display_name)}** · {user.role}")
        st.button("Sign out", key="sign_out", on_click=ui.run_action, args=(APP, ui.sign_out, None))
    account_notices(user)
    ui.show_arrival_notice()
    # One flat list: Streamlit draws section headers inside the navigation's <ul> as <div>s, which
    # screen readers announce as a broken list (axe-core "list", serious).
    st.navigation([page for section in pages_for(user).values() for page in section]).run()


try:
    with database.storage_errors_explained():
        main()
except database.StorageError as error:
    st.error(str(error))
except Exception as error:
    ui.show_unexpected_error(error)
