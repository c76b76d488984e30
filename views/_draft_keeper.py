"""Nothing typed is lost: a small browser component that keeps a text area's text in local storage until the
server has it, and hands it back after a reload, a dropped connection or a crash.

Streamlit sends a text area's value only when the cursor leaves the box; everything typed since is in the
browser alone. The component (_draft_keeper.js, shipped here and served by Streamlit itself, so it works
offline) stores every keystroke under the user's id and the box's key, drops its copy once the server's value
matches, and after a reload returns the copy through a trigger, whose callback puts it back in the box before
the page is drawn. The copy holds private writing on a possibly shared computer, so it lives only until the
server has it.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from reflection.accounts import User

JS_FILE = Path(__file__).with_name("_draft_keeper.js")
_keeper = st.components.v2.component("reflection_draft_keeper", js=JS_FILE.read_text(encoding="utf-8"))
RESTORED_NOTICE = "Your draft is back: what you typed before the page reloaded was kept in this browser."


def fingerprint(text: str) -> str:
    """What the browser compares its copy with: the server's text itself would travel to the page on every
    rerun (up to 50,000 characters per box)."""
    encoded = text.encode("utf-8", "surrogatepass")
    return f"{len(encoded)}:{zlib.crc32(encoded):08x}"


def _epoch_key(widget_key: str) -> str:
    return f"{widget_key}_draft_epoch"


def keep_typing(user: User, widget_key: str, *, storage_name: str | None = None,
                on_restore: Callable[[], None] | None = None) -> None:
    """Mount the keeper for the text area `widget_key` (drawn just before). `storage_name` tells apart boxes that
    share a key but hold different texts (the edit box of each entry); `on_restore` runs after a restore, as the
    box's own on_change would have."""
    name = storage_name or widget_key
    epoch = st.session_state.setdefault(_epoch_key(widget_key), secrets.token_hex(8))
    component_key = f"{widget_key}_draft_keeper"

    def restore() -> None:
        text = st.session_state[component_key].get("restore")
        if not isinstance(text, str):
            return
        st.session_state[widget_key] = text
        st.session_state[f"{widget_key}_draft_restored"] = True
        if on_restore is not None:
            on_restore()

    _keeper(
        key=component_key, height=0,
        data={"storage_key": f"reflection-draft:{user.id}:{name}", "widget_key": widget_key,
              "server_fingerprint": fingerprint(st.session_state.get(widget_key) or ""), "epoch": epoch},
        on_restore_change=restore,
    )
    if st.session_state.pop(f"{widget_key}_draft_restored", False):
        st.info(RESTORED_NOTICE)


def emptied(widget_key: str) -> None:
    """The page emptied the box on purpose (saved, posted): what was typed before must not come back."""
    st.session_state[_epoch_key(widget_key)] = secrets.token_hex(8)
