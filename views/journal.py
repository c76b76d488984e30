"""Journal: search, filter and page through your own entries; open, edit or delete one."""

from __future__ import annotations

import streamlit as st

from reflection import journal
from reflection.errors import EditConflict, ReflectionError
from views import _check_panel as check, _common as ui, _draft_keeper as draft_keeper, _entry_form as entry_form

PAGE = "journal"  # the page's message slot
EDIT = "journal_edit"  # the prefix of the edit form's widgets
MODE_KEY = "journal_mode"  # what the open entry shows: "view", "edit" or "confirm_delete"
REVISION_KEY = "journal_edit_revision"  # the revision an edit started from
CONFLICT_KEY = "journal_edit_conflict"  # why the edit could not be saved as it is (another tab saved first)
LIST_PAGE_KEY = "journal_page"  # the page of the entry list on screen

user = ui.require_user()
db = ui.db()

st.title("Journal")
st.caption("Only you can see these entries. Nothing leaves your journal unless you share one entry.")


def open_entry(entry_id: int) -> None:
    ui.set_opened("entry", entry_id)
    st.session_state[MODE_KEY] = "view"


def close_entry() -> None:
    ui.set_opened("entry", None)
    for name in (MODE_KEY, REVISION_KEY, CONFLICT_KEY):
        st.session_state.pop(name, None)
    check.forget(EDIT)


def start_editing(entry: journal.Entry) -> None:
    entry_form.load_into_state(EDIT, entry)
    check.forget(EDIT)
    check.set_dismissed(EDIT, entry.dismissed)
    # The revision this edit starts from: saving after another tab saved is refused (EditConflict).
    st.session_state[REVISION_KEY] = entry.revision
    st.session_state.pop(CONFLICT_KEY, None)
    st.session_state[MODE_KEY] = "edit"


def save_mine_as_new_entry() -> None:
    """After a conflict: the text in the form becomes an entry of its own; the saved one stays as it is."""
    def save() -> None:
        new_id = journal.create_entry(db, user, edited_draft()).id
        close_entry()
        open_entry(new_id)

    ui.run_action(PAGE, save, "Your version was saved as a new entry; the other version is unchanged.")


def edited_draft() -> journal.EntryDraft:
    return entry_form.draft_from_state(EDIT, dismissed=check.dismissed(EDIT))


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
    mode = st.session_state.get(MODE_KEY, "view")
    if mode == "edit":
        edit_entry(entry)
        return
    st.text(entry.body)
    entry_form.show_stored_flags(entry.body, entry.analysis)
    edit_col, delete_col, _ = st.columns([1, 1, 4])
    if edit_col.button("Edit", key="journal_edit"):
        start_editing(entry)
        st.rerun()
    if mode == "confirm_delete":
        st.warning("Delete this entry for good? This cannot be undone.")
        yes_col, no_col, _ = st.columns([1, 1, 4])
        def delete() -> None:
            journal.delete_entry(db, user, entry.id)
            close_entry()

        yes_col.button("Yes, delete it", key="journal_delete_confirm", type="primary", on_click=ui.run_action,
                       args=(PAGE, delete, "Entry deleted."))
        if no_col.button("Keep it", key="journal_delete_cancel"):
            st.session_state[MODE_KEY] = "view"
            st.rerun()
    elif delete_col.button("Delete", key="journal_delete"):
        st.session_state[MODE_KEY] = "confirm_delete"
        st.rerun()


def show_conflict(saved: journal.Entry | None) -> None:
    """Two tabs edited one entry and the other saved first: keep both versions, or take the saved one."""
    st.error(st.session_state[CONFLICT_KEY])
    keep_col, discard_col, _ = st.columns([2, 2, 3])
    keep_col.button("Save mine as a new entry", key="journal_conflict_keep", type="primary", on_click=save_mine_as_new_entry)
    if saved is None:
        discard_col.button("Discard mine", key="journal_conflict_discard", on_click=close_entry)
        return
    discard_col.button("Discard mine, load the saved version", key="journal_conflict_discard", on_click=start_editing, args=(saved,))
    with st.expander("The saved version (copy from it if you like)"):
        st.code(saved.body, language=None, wrap_lines=True)


def edit_entry(entry: journal.Entry | None) -> None:
    """The edit form; `entry` None when it was deleted in another tab while this one edited it."""
    entry_form.render_fields(EDIT, user, storage_name=f"{EDIT}_body_{ui.opened('entry')}")
    if st.session_state.get(CONFLICT_KEY):
        show_conflict(entry)
        return
    check.check_panel(EDIT, [check.Part(entry_form.key(EDIT, "body"))])
    save_col, cancel_col, _ = st.columns([1, 1, 4])

    def save() -> bool:
        try:
            journal.update_entry(db, user, entry.id, edited_draft(), revision=st.session_state.get(REVISION_KEY))
        except EditConflict as conflict:  # not an error to repeat: the form turns into the choice below
            st.session_state[CONFLICT_KEY] = str(conflict)
            return False
        st.session_state[MODE_KEY] = "view"
        check.forget(EDIT)
        return True

    save_col.button("Save changes", key="journal_edit_save", type="primary", on_click=ui.run_action,
                    args=(PAGE, save, lambda saved: "Changes saved." if saved else None))
    if cancel_col.button("Cancel", key="journal_edit_cancel"):
        st.session_state[MODE_KEY] = "view"
        check.forget(EDIT)
        draft_keeper.emptied(entry_form.key(EDIT, "body"))  # what was cancelled stays cancelled
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
    page_number = st.session_state.get(LIST_PAGE_KEY, 1)
    page = journal.list_entries(db, user, entry_filter, page=page_number)
    if page.total == 0:
        st.info("No entries yet. Head to **Write** to start your first reflection.")
        return
    st.caption(f"{page.total} entr{'y' if page.total == 1 else 'ies'} · page {page.page} of {page.page_count}")
    for entry in page.entries:
        entry_row(entry, ui.escape(entry.display_title))
    prev_col, next_col, _ = st.columns([1, 1, 4])
    if prev_col.button("← Newer", key="journal_prev", disabled=page.page <= 1):
        st.session_state[LIST_PAGE_KEY] = page.page - 1
        st.rerun()
    if next_col.button("Older →", key="journal_next", disabled=page.page >= page.page_count):
        st.session_state[LIST_PAGE_KEY] = page.page + 1
        st.rerun()


ui.show_messages(PAGE)
open_id = ui.opened("entry")
if open_id is None:
    close_entry()  # Back in the browser took the entry out of the URL: nothing is left open or in edit
if open_id is not None:
    try:
        show_entry(journal.get_entry(db, user, open_id))
    except ReflectionError as error:
        if st.session_state.get(MODE_KEY) == "edit":
            # Deleted in another tab mid-edit: keep the form, so the text typed here is not lost.
            st.session_state[CONFLICT_KEY] = journal.EDIT_DELETED_MESSAGE
            edit_entry(None)
        else:
            close_entry()
            ui.show_error(error)
            list_view()
else:
    list_view()
