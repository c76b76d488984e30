"""Journal: search, filter and page through your own entries; open, edit or delete one."""

from __future__ import annotations

import streamlit as st

from views import _common as ui
from views import _entry_form as entry_form
from reflection import journal
from reflection.errors import ReflectionError

user = ui.require_user()
db = ui.db()

st.title("Journal")
st.caption("Only you can see these entries. Nothing leaves your journal unless you share one entry.")


def open_entry(entry_id: int) -> None:
    st.session_state["journal_open_id"] = entry_id
    st.session_state["journal_mode"] = "view"


def close_entry() -> None:
    st.session_state.pop("journal_open_id", None)
    st.session_state.pop("journal_mode", None)


def show_entry(entry: journal.Entry) -> None:
    st.button("← Back to the list", key="journal_back", on_click=close_entry)
    st.subheader(ui.escape(entry.display_title))
    details = [entry.taught_on.strftime("%A %d %B %Y")]
    if entry.class_period:
        details.append(ui.escape(entry.class_period))
    if entry.mood:
        details.append(f"mood {entry.mood}/5")
    if entry.tags:
        details.append(" ".join(f"`{ui.escape(tag)}`" for tag in entry.tags))
    st.markdown(" · ".join(details))
    mode = st.session_state.get("journal_mode", "view")
    if mode == "edit":
        edit_entry(entry)
        return
    st.markdown(ui.escape(entry.body))
    entry_form.show_stored_flags(entry.body, entry.analysis)
    edit_col, delete_col, _ = st.columns([1, 1, 4])
    if edit_col.button("Edit", key="journal_edit"):
        entry_form.load_into_state("journal_edit", entry)
        st.session_state["journal_mode"] = "edit"
        st.rerun()
    if mode == "confirm_delete":
        st.warning("Delete this entry for good? This cannot be undone.")
        yes_col, no_col, _ = st.columns([1, 1, 4])
        if yes_col.button("Yes, delete it", key="journal_delete_confirm", type="primary"):
            try:
                journal.delete_entry(db, user, entry.id)
            except ReflectionError as error:
                ui.show_error(error)
                return
            close_entry()
            st.session_state["journal_notice"] = "Entry deleted."
            st.rerun()
        if no_col.button("Keep it", key="journal_delete_cancel"):
            st.session_state["journal_mode"] = "view"
            st.rerun()
    elif delete_col.button("Delete", key="journal_delete"):
        st.session_state["journal_mode"] = "confirm_delete"
        st.rerun()


def edit_entry(entry: journal.Entry) -> None:
    entry_form.render_fields("journal_edit")
    save_col, cancel_col, _ = st.columns([1, 1, 4])
    if save_col.button("Save changes", key="journal_edit_save", type="primary"):
        try:
            journal.update_entry(db, user, entry.id, entry_form.draft_from_state("journal_edit"))
        except ReflectionError as error:
            ui.show_error(error)
            return
        st.session_state["journal_mode"] = "view"
        st.session_state["journal_notice"] = "Changes saved."
        st.rerun()
    if cancel_col.button("Cancel", key="journal_edit_cancel"):
        st.session_state["journal_mode"] = "view"
        st.rerun()


def filters() -> journal.EntryFilter:
    tag_counts = journal.user_tags(db, user)
    periods = journal.user_class_periods(db, user)
    tag_col, period_col, from_col, to_col = st.columns(4)
    tag = tag_col.selectbox(
        "Tag", [None] + [tag for tag, _ in tag_counts], format_func=lambda t: "All tags" if t is None else t,
        key="journal_filter_tag",
    )
    period = period_col.selectbox(
        "Class / period", [None] + periods, format_func=lambda p: "All classes" if p is None else p,
        key="journal_filter_period",
    )
    date_from = from_col.date_input("From", value=None, key="journal_filter_from")
    date_to = to_col.date_input("To", value=None, key="journal_filter_to")
    return journal.EntryFilter(tag=tag, class_period=period, date_from=date_from, date_to=date_to)


def entry_row(entry: journal.Entry, summary: str) -> None:
    with st.container(border=True):
        title_col, open_col = st.columns([6, 1])
        meta = [entry.taught_on.isoformat()]
        if entry.class_period:
            meta.append(ui.escape(entry.class_period))
        if entry.flag_count:
            meta.append(f"{entry.flag_count} language flag{'s' if entry.flag_count != 1 else ''}")
        title_col.markdown(f"**{summary}**  \n{' · '.join(meta)}")
        open_col.button("Open", key=f"journal_open_{entry.id}", on_click=open_entry, args=(entry.id,))


def highlighted(text: str) -> str:
    return ui.escape(text).replace(journal.MATCH_START, "**").replace(journal.MATCH_END, "**")


def list_view() -> None:
    query = st.text_input("Search your journal", key="journal_query", placeholder='words, "a phrase", or prefix*')
    entry_filter = filters()
    if query.strip():
        hits = journal.search_entries(db, user, query, entry_filter, limit=50)
        st.caption(f"{len(hits)} matching entr{'y' if len(hits) == 1 else 'ies'} (best match first)")
        if not hits:
            st.info("No entries match. Try fewer or different words.")
        for hit in hits:
            entry_row(hit.entry, highlighted(hit.title_highlighted or hit.entry.display_title))
            st.markdown(f"> {highlighted(hit.snippet)}")
        return
    page_number = st.session_state.get("journal_page", 1)
    page = journal.list_entries(db, user, entry_filter, page=page_number)
    if page.total == 0:
        st.info("No entries yet. Head to **Write** to start your first reflection.")
        return
    st.caption(f"{page.total} entr{'y' if page.total == 1 else 'ies'} · page {page.page} of {page.page_count}")
    for entry in page.entries:
        entry_row(entry, ui.escape(entry.display_title))
    prev_col, next_col, _ = st.columns([1, 1, 4])
    if prev_col.button("← Newer", key="journal_prev", disabled=page.page <= 1):
        st.session_state["journal_page"] = page.page - 1
        st.rerun()
    if next_col.button("Older →", key="journal_next", disabled=page.page >= page.page_count):
        st.session_state["journal_page"] = page.page + 1
        st.rerun()


notice = st.session_state.pop("journal_notice", None)
if notice:
    st.success(notice)
open_id = st.session_state.get("journal_open_id")
if open_id is not None:
    try:
        show_entry(journal.get_entry(db, user, open_id))
    except ReflectionError as error:
        close_entry()
        ui.show_error(error)
        list_view()
else:
    list_view()
