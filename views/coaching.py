"""Shared & coaching: entries shared with you, your own shares with their comments, and sharing an entry."""

from __future__ import annotations

import functools

import streamlit as st

from reflection import groups, journal, sharing
from reflection.errors import ReflectionError
from views import _check_panel as check, _common as ui, _draft_keeper as draft_keeper, _entry_form as entry_form

user = ui.require_user()
db = ui.db()

st.title("Shared & coaching")
st.caption("A share is a copy of one entry. Withdraw it at any time and the people you shared it with lose access at once.")


act = functools.partial(ui.run_action, "coaching")
show_messages = functools.partial(ui.show_messages, "coaching")


def show_thread(share: sharing.Share, prefix: str) -> None:
    comments = sharing.list_comments(db, user, share.id)
    if not comments:
        st.caption("No comments yet.")
    for comment in comments:
        with st.container(border=True):
            st.markdown(
                f"**{comment.kind_label}** · {ui.escape(comment.author_name)} · {comment.created_at[:10]}  \n"
                f"{ui.escape(comment.body)}"
            )
            if comment.author_id == user.id and not share.is_withdrawn:
                own_comment_tools(comment, prefix)
    if share.is_withdrawn:
        return
    kind_col, body_col = st.columns([1, 4])
    kind_key, body_key = f"{prefix}_comment_kind_{share.id}", f"{prefix}_comment_body_{share.id}"
    kind_col.selectbox("Kind", list(sharing.COMMENT_KINDS), format_func=sharing.COMMENT_KINDS.get, key=kind_key)
    body_col.text_area("Comment", key=body_key, height=100)
    draft_keeper.keep_typing(user, body_key)
    check_prefix = f"{prefix}_comment_check_{share.id}"

    def post() -> None:
        sharing.add_comment(db, user, share.id, st.session_state[kind_key], st.session_state[body_key])
        check.forget(check_prefix)

    # Only the writer sees this check; posting does not wait for it.
    check.check_panel(check_prefix, [check.Part(body_key)], label="Check before you post", metrics=False)
    st.button("Add comment", key=f"{prefix}_comment_add_{share.id}", on_click=act, args=(post, "Comment added.", (body_key,)))


def own_comment_tools(comment: sharing.Comment, prefix: str) -> None:
    edit_key = f"{prefix}_edit_comment_{comment.id}"
    with st.popover("Edit"):
        st.session_state.setdefault(edit_key, comment.body)
        st.text_area("Your comment", key=edit_key)
        draft_keeper.keep_typing(user, edit_key)
        st.button("Save", key=f"{prefix}_save_comment_{comment.id}",
                  on_click=act, args=(lambda: sharing.update_comment(db, user, comment.id, comment.kind,
                                                                     st.session_state[edit_key]),
                                      "Comment saved."))
    st.button("Delete", key=f"{prefix}_delete_comment_{comment.id}",
              on_click=act, args=(lambda: sharing.delete_comment(db, user, comment.id), "Comment deleted."))


def show_share_body(share: sharing.Share) -> None:
    st.subheader(ui.escape(share.display_title))
    st.caption(f"From {ui.escape(share.owner_name)} · shared {share.created_at[:10]} · "
               + ("with you" if share.coach_id == user.id else f"with {ui.escape(share.recipient_name)}"))
    st.text(share.body)
    entry_form.show_stored_flags(share.body, share.analysis, "Language check, shared by the teacher")


def open_share(share_id: int | None) -> None:
    ui.set_opened("share", share_id)


def shared_with_me() -> None:
    open_id = ui.opened("share")
    if open_id is not None:
        try:
            share = sharing.get_share(db, user, open_id)
        except ReflectionError as error:
            open_share(None)
            ui.show_error(error)
        else:
            st.button("← All shared entries", key="coaching_back", on_click=open_share, args=(None,))
            show_share_body(share)
            st.markdown("**Comments**")
            show_thread(share, "coaching_received")
            return
    query = st.text_input("Search shared entries", key="coaching_search")
    shares = sharing.search_received_shares(db, user, query)
    if not shares:
        st.info("Nothing matches." if query.strip() else "Nothing has been shared with you yet.")
    for share in shares:
        with st.container(border=True):
            text_col, open_col = st.columns([6, 1])
            via = "" if share.coach_id == user.id else f" · via {ui.escape(share.recipient_name)}"
            text_col.markdown(
                f"**{ui.escape(share.display_title)}**  \n{ui.escape(share.owner_name)} · {share.created_at[:10]}"
                f"{via} · {share.comment_count} comment{'s' if share.comment_count != 1 else ''}"
            )
            open_col.button("Open", key=f"coaching_open_{share.id}", on_click=open_share, args=(share.id,))


def my_shares() -> None:
    shares = sharing.list_my_shares(db, user)
    if not shares:
        st.info("You have not shared any entries. Use **Share an entry** to ask a coach or your group for feedback.")
    for share in shares:
        with st.container(border=True):
            status = f"withdrawn {share.withdrawn_at[:10]}" if share.is_withdrawn else "active"
            text_col, withdraw_col = st.columns([5, 1])
            text_col.markdown(
                f"**{ui.escape(share.display_title)}**  \nwith {ui.escape(share.recipient_name)} · "
                f"shared {share.created_at[:10]} · {status}"
                + (" · language check included" if share.include_flags else "")
            )
            if not share.is_withdrawn:
                withdraw_col.button("Withdraw", key=f"coaching_withdraw_{share.id}",
                                    on_click=act, args=(lambda s=share: sharing.withdraw_share(db, user, s.id),
                                                        "Share withdrawn. They can no longer see it."))
            with st.expander(f"Shared copy and comments ({share.comment_count})"):
                st.text(share.body)
                show_thread(share, "coaching_mine")


def name_replacements(entry_id: int) -> dict[str, str] | None:
    """The teacher's choice for each person name; None while a choice is incomplete (shown as a warning)."""
    names = sharing.names_in_entry(db, user, entry_id)
    missed = st.text_input(
        "Other names to hide (comma separated)", key=f"coaching_extra_names_{entry_id}",
        help="Name detection can miss names that are also ordinary words. Names typed here become initials.",
    )
    # A name typed again in other letter case ("maria" for "Maria") is already hidden by the choice below.
    detected = {name.casefold() for name in names}
    extra = [name for name in (part.strip() for part in missed.split(",")) if name and name.casefold() not in detected]
    replacements = {name: sharing.replacement_for(name, "initials") for name in extra}
    if not names:
        if not extra:
            st.caption("No person names found in this entry.")
        return replacements
    st.markdown("**Names in this entry.** Choose how each appears in the shared copy; your entry is not changed.")
    problems = []
    for index, name in enumerate(names):
        name_col, choice_col, pseudonym_col = st.columns([2, 3, 2])
        name_col.text(name)
        choice = choice_col.radio(
            "Show as", list(sharing.NAME_CHOICES), index=1, format_func=sharing.NAME_CHOICES.get, horizontal=True,
            key=f"coaching_name_{entry_id}_{index}_choice", label_visibility="collapsed",
        )
        pseudonym = ""
        if choice == "pseudonym":
            pseudonym = pseudonym_col.text_input("Pseudonym", key=f"coaching_name_{entry_id}_{index}_pseudonym",
                                                 max_chars=sharing.MAX_PSEUDONYM_CHARS)
        try:
            replacements[name] = sharing.replacement_for(name, choice, pseudonym)
        except ReflectionError as error:
            problems.append(str(error))
    for problem in problems:
        st.warning(problem)
    return None if problems else replacements


def share_an_entry() -> None:
    entries = journal.list_entries(db, user, page_size=50).entries
    if not entries:
        st.info("Write an entry first; then you can share it here.")
        return
    by_id = {entry.id: entry for entry in entries}
    entry_id = st.selectbox("Entry (your 50 most recent)", list(by_id), key="coaching_share_entry",
                            format_func=lambda i: f"{by_id[i].taught_on.isoformat()} · {by_id[i].display_title}")
    coaches = {coach.id: coach for coach in sharing.coach_choices(db, user)}
    my_groups = {group.id: group for group in groups.list_groups(db, user) if group.my_role is not None}
    target = st.radio("Share with", ["coach", "group"], horizontal=True, key="coaching_share_to",
                      format_func={"coach": "A coach", "group": "One of my PLC groups"}.get)
    recipient = None
    if target == "coach":
        if coaches:
            recipient = st.selectbox("Coach", list(coaches), format_func=lambda i: coaches[i].display_name,
                                     key="coaching_share_coach")
        else:
            st.info("There are no coach accounts yet.")
    elif my_groups:
        recipient = st.selectbox("Group", list(my_groups), format_func=lambda i: my_groups[i].name,
                                 key="coaching_share_group")
    else:
        st.info("You are not in a PLC group yet.")

    replacements = name_replacements(entry_id)
    include_flags = st.checkbox("Include my language-check results", key="coaching_share_flags",
                                help="Leave this off and they see only the text.")
    if replacements is not None:
        with st.expander("Preview the shared copy"):
            title, body = sharing.preview(db, user, entry_id, replacements)
            st.markdown(f"**{ui.escape(title)}**" if title else "*No title*")
            st.text(body)

    def share() -> None:
        sharing.share_entry(
            db, user, entry_id,
            coach_id=recipient if target == "coach" else None,
            group_id=recipient if target == "group" else None,
            replacements=replacements, include_flags=include_flags,
        )

    # Not a callback: a callback would run with the choices drawn before the click, and a pseudonym
    # typed just before clicking would be missed. Here every value above is this run's.
    if st.button("Share this entry", key="coaching_share_submit", type="primary",
                 disabled=recipient is None or replacements is None):
        act(share, "Shared. You can withdraw it under My shares at any time.")
        st.rerun()


show_messages()
# Keyed, so the open tab survives the reruns that sharing and picking an entry cause.
received_tab, mine_tab, share_tab = st.tabs(["Shared with me", "My shares", "Share an entry"], key="coaching_tab",
                                            on_change="rerun")
with received_tab:
    shared_with_me()
with mine_tab:
    my_shares()
with share_tab:
    share_an_entry()
