"""What every page needs: the database connection, the signed-in user, and safe rendering helpers.

Pages stay thin: they gather input, call `reflection`, and show results or its error messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import streamlit as st

from reflection import accounts, config, prompt_store, prompts, sessions
from reflection import db as database
from reflection.accounts import User
from reflection.errors import ReflectionError, SessionEnded

_DB_KEY = "_db_connection"
SESSION_KEY = "session_token"  # the token of this tab's server-side session (reflection/sessions.py)
SIGNED_OUT_KEY = "signed_out_because"  # why the last session ended, shown above the sign-in form


def db():
    """One connection per browser session, reopened when the configured path changes (tests do that)."""
    path = str(config.database_path())
    held = st.session_state.get(_DB_KEY)
    if held is None or held[0] != path:
        st.session_state[_DB_KEY] = (path, database.connect(path))
    return st.session_state[_DB_KEY][1]


def current_user() -> User | None:
    """The signed-in account, re-checked against its server-side session on every run: a deleted,
    deactivated or reset account, or an idle tab, is signed out here before anything is drawn."""
    token = st.session_state.get(SESSION_KEY)
    if token is None:
        return None
    try:
        user = accounts.get_user(db(), sessions.resume(db(), token).user_id)
    except SessionEnded as ended:
        sign_out()
        st.session_state[SIGNED_OUT_KEY] = str(ended)
        return None
    return user


def require_user() -> User:
    user = current_user()
    if user is None:
        st.warning("Please sign in first.")
        st.stop()
    return user


def sign_in(user: User) -> None:
    st.session_state[SESSION_KEY] = sessions.start(db(), user.id)


def sign_out() -> None:
    """End this tab's session and forget everything of it except the database connection."""
    sessions.end(db(), st.session_state.get(SESSION_KEY))
    for name in list(st.session_state.keys()):
        if name != _DB_KEY:
            del st.session_state[name]


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


def show_error(error: Exception) -> None:
    st.error(str(error))


@st.cache_resource
def built_in_prompts() -> prompts.PromptLibrary:
    return prompts.load_library()


def prompt_library(connection, user: User) -> prompts.PromptLibrary:
    """The shipped prompt sets plus the user's own and their groups' sets."""
    return prompt_store.library_for(connection, user, built_in_prompts())


def run_action(page: str, action: Callable[[], object], notice: str, clear: tuple[str, ...] = ()) -> None:
    """A button callback: run one domain call, then report its result on the rerun that follows.

    Callbacks run before the page is drawn, so the boxes in `clear` can still be emptied.
    """
    try:
        # Callbacks run before the page, outside app.py's handler: a write that did not go through
        # `db.writing` still gets the same plain words (disk full, read-only) instead of a traceback.
        with database.storage_errors_explained():
            action()
    except ReflectionError as error:
        st.session_state[f"{page}_error"] = str(error)
        return
    for key in clear:
        st.session_state[key] = ""
    st.session_state[f"{page}_notice"] = notice


def show_messages(page: str) -> None:
    """Show, once, what the last `run_action` of this page reported."""
    if notice := st.session_state.pop(f"{page}_notice", None):
        st.success(notice)  # markdown: user text in a notice goes through `escape` where it is written
    if error := st.session_state.pop(f"{page}_error", None):
        st.error(error)
