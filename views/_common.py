"""What every page needs: the database connection, the signed-in user, and safe rendering helpers.

Pages stay thin: they gather input, call `reflection`, and show results or its error messages.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from reflection import accounts, config, db as database, prompt_store, prompts, sessions, single_sign_on
from reflection.accounts import User
from reflection.errors import ReflectionError, SessionEnded
from views import _draft_keeper as draft_keeper

_DB_KEY = "_db_connection"
SESSION_KEY = "session_token"  # the token of this tab's server-side session (reflection/sessions.py)
SIGNED_OUT_KEY = "signed_out_because"  # why the last session ended, shown above the sign-in form
_ENDED_COOKIE_KEY = "ended_cookie_token"  # a cookie token this tab saw end, not to be tried again
_REDIRECT_KEY = "browser_redirect"  # where the browser was asked to go, in case a rerun dropped the message
# Routes of the launcher (serve.py) that set and clear the session cookie.
BEGIN_SESSION_PATH = "/session/begin"
END_SESSION_PATH = "/session/end"
COOKIE_ROUTES_SERVED = False  # set by serve.py, which serves them in this process
NOTICE_PARAMETER = "notice"
# How another page sends the writer to the Write page with a prompt set chosen (`?prompt_set=kolb`):
# pages never write each other's session keys.
PROMPT_SET_PARAMETER = "prompt_set"
WRITE_PAGE = "views/write.py"
ARRIVAL_NOTICES = {
    "password_changed": (st.success, "Password changed. Any other tab or device signed in to your account was "
                                     "signed out."),
    "school_unverified": (st.warning, single_sign_on.UNVERIFIED),
    "school_no_account": (st.warning, single_sign_on.NO_ACCOUNT),
    "school_deactivated": (st.warning, accounts.DEACTIVATED_MESSAGE),
    "account_deleted": (st.info, "Your account and everything private in it were deleted."),
}


def db():
    """One connection per browser session, reopened when the configured path changes (tests do that)."""
    path = str(config.database_path())
    held = st.session_state.get(_DB_KEY)
    if held is None or held[0] != path:
        st.session_state[_DB_KEY] = (path, database.connect(path))
    return st.session_state[_DB_KEY][1]


def _cookie_token() -> str | None:
    """The session token the browser's cookie carried when this tab connected, unless this tab has already
    seen it end (the cookie outlives the session until the browser next reaches /session/end)."""
    token = _cookie()
    return None if token is None or token == st.session_state.get(_ENDED_COOKIE_KEY) else token


def _cookie() -> str | None:
    token = st.context.cookies.get(sessions.COOKIE_NAME)
    return token if isinstance(token, str) else None  # AppTest's stand-in client has no real cookies


def current_user() -> User | None:
    """The signed-in account, re-checked against its server-side session on every run: a deleted,
    deactivated or reset account, a sign-out in another tab, or an idle tab is signed out here before
    anything is drawn. The token comes from this tab's sign-in or, after a reload or in a new tab, from the
    cookie."""
    token = st.session_state.get(SESSION_KEY) or _cookie_token()
    if token is None:
        return None
    try:
        user = accounts.get_user(db(), sessions.resume(db(), token).user_id)
    except SessionEnded as ended:
        _forget_session()
        st.session_state[SIGNED_OUT_KEY] = str(ended)
        return None
    st.session_state[SESSION_KEY] = token
    return user


def require_user() -> User:
    user = current_user()
    if user is None:
        st.warning("Please sign in first.")
        st.stop()
    return user


def sign_in(user: User, notice: str | None = None) -> None:
    """Start a session for this tab, and have the browser keep it in the cookie (see reflection/sessions.py);
    the caller reruns.

    The browser reloads the page on the way, which forgets this run's messages: `notice`, a key of
    ARRIVAL_NOTICES, travels in the address and is shown after the reload (`show_arrival_notice`).
    """
    token = sessions.start(db(), user.id)
    st.session_state[SESSION_KEY] = token
    if notice:
        st.session_state[NOTICE_PARAMETER] = notice  # for the rerun before the reload, and for AppTest
    back_to = _here() + (f"?{urlencode({NOTICE_PARAMETER: notice})}" if notice else "")
    _send_browser_to(f"{BEGIN_SESSION_PATH}?{urlencode({'code': sessions.hand_over(token), 'next': back_to})}")


def end_school_identity(reason: str) -> None:
    """A school identity that opens no account: the cookie route drops Streamlit's identity cookie and the
    sign-in page says why (`reason` is one of the fixed texts of single_sign_on); the caller reruns."""
    _leave_for_sign_in(next((key for key, (_, text) in ARRIVAL_NOTICES.items() if text == reason), None))


def show_arrival_notice() -> None:
    """The notice a sign-in asked for (only the fixed texts below: the address is typed by anyone), once."""
    key = st.session_state.pop(NOTICE_PARAMETER, None)
    if NOTICE_PARAMETER in st.query_params:
        key = st.query_params[NOTICE_PARAMETER]
        del st.query_params[NOTICE_PARAMETER]
    if key in ARRIVAL_NOTICES:
        show, text = ARRIVAL_NOTICES[key]
        show(text)


def sign_out(notice: str | None = None) -> None:
    """End this tab's session, forget everything of it except the database connection, and have the
    browser drop the cookie; the caller reruns. `notice`, a key of ARRIVAL_NOTICES, is shown on the sign-in
    page the browser lands on."""
    sessions.end(db(), st.session_state.get(SESSION_KEY))
    _forget_session()
    if notice:
        st.session_state[NOTICE_PARAMETER] = notice  # for the rerun before the reload, and for AppTest
    _leave_for_sign_in(notice)


def _leave_for_sign_in(notice: str | None) -> None:
    """Send the browser through the route that clears the cookies to the sign-in page, with `notice`."""
    back_to = "/" + (f"?{urlencode({NOTICE_PARAMETER: notice})}" if notice else "")
    _send_browser_to(f"{END_SESSION_PATH}?{urlencode({'next': back_to})}")


def _forget_session() -> None:
    ended = _cookie()
    for name in list(st.session_state.keys()):
        if name != _DB_KEY:
            del st.session_state[name]
    if ended:
        st.session_state[_ENDED_COOKIE_KEY] = ended


def _here() -> str:
    """This page's path, where the browser returns once the cookie is set."""
    return urlsplit(st.context.url or "/").path or "/"


def _send_browser_to(path: str) -> None:
    """Have the browser load `path` of this server on the next run: callers rerun at once. A rerun drops the
    messages of the run it interrupts, so the move is sent from the start of the next run (`follow_redirect`).
    Without serve.py's routes the browser stays: sign-in then lasts for the tab only."""
    if COOKIE_ROUTES_SERVED:
        st.session_state[_REDIRECT_KEY] = path


def follow_redirect() -> None:
    """Called first on every run: move the browser where the last run asked, with the message Streamlit's own
    sign-in (st.login) moves it with. Without a browser (AppTest) nothing moves."""
    path = st.session_state.pop(_REDIRECT_KEY, None)
    context = get_script_run_ctx()
    if path is None or context is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = path
    context.enqueue(message)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:$])")


def escape(text: str) -> str:
    """User text on its way into markdown: shown literally, never as markup, links or HTML."""
    # quote=False: an entity such as &#x27; would have its "#" escaped below and show literally.
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text or "", quote=False))
    return escaped.replace("\n", "  \n")


def opened(name: str) -> int | None:
    """The id of the item open on a page, kept in the URL (`?entry=12`): the browser's Back closes it, and
    a copied link opens it again (access is still checked by the page's domain call)."""
    value = st.query_params.get(name, "")
    return int(value) if value.isdigit() else None


def set_opened(name: str, item_id: int | None) -> None:
    if item_id is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = str(item_id)


def write_with(slug: str) -> None:
    """Open the Write page with the prompt set `slug` chosen (views/write.py reads and drops the parameter)."""
    st.switch_page(WRITE_PAGE, query_params={PROMPT_SET_PARAMETER: slug})


def show_error(error: Exception) -> None:
    st.error(str(error))


def show_unexpected_error(error: Exception) -> None:
    """An error nobody planned for: the full story goes to the server's log, the user gets one calm sentence
    (never a traceback or the server's paths; client.showErrorDetails is off as well)."""
    logging.getLogger("reflection").error("Unexpected error while running a page", exc_info=error)
    st.error("Something went wrong on the server; nothing you typed was deleted. Please try again, and tell your "
             "administrator if it keeps happening.")


@st.cache_resource
def built_in_prompts() -> prompts.PromptLibrary:
    return prompts.load_library()


def prompt_library(connection, user: User) -> prompts.PromptLibrary:
    """The shipped prompt sets plus the user's own and their groups' sets."""
    return prompt_store.library_for(connection, user, built_in_prompts())


def run_action(page: str, action: Callable[[], object], notice: str | Callable[[object], str | None] | None,
               clear: tuple[str, ...] = ()) -> object | None:
    """The one way a page changes data: run `action` (one domain call), then report on the next run, once,
    with `show_messages(page)`: the `notice` on success (or `notice(result)`, None for none), or the refusal's
    own sentence. Boxes in `clear` are emptied on success only: a refused action keeps what the user typed.

    Use it as a button's callback (callbacks run before the page is drawn, so `clear` can still empty its
    boxes); where the action needs values drawn in this run, call it after the button and rerun. Returns
    what the action returned, None when it was refused.
    """
    try:
        # Callbacks run before the page, outside app.py's handler: a write that did not go through
        # `db.writing` still gets the same plain words (disk full, read-only) instead of a traceback.
        with database.storage_errors_explained():
            result = action()
    except ReflectionError as error:
        st.session_state[_error_key(page)] = str(error)
        return None
    for key in clear:
        st.session_state[key] = ""
        draft_keeper.emptied(key)
    notify(page, notice(result) if callable(notice) else notice)
    return result


def notify(page: str, notice: str | None) -> None:
    """Keep `notice` (markdown: user text in it goes through `escape`) for the page's next `show_messages`."""
    if notice:
        st.session_state[_notice_key(page)] = notice


def show_messages(page: str) -> None:
    """Show, once, what the last `run_action` of this page reported."""
    if notice := st.session_state.pop(_notice_key(page), None):
        st.success(notice)
    if error := st.session_state.pop(_error_key(page), None):
        st.error(error)


def _notice_key(page: str) -> str:
    return f"{page}_notice"


def _error_key(page: str) -> str:
    return f"{page}_error"
