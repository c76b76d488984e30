"""Running a debrief step by step, shared by PLC debriefs and peer circles' check-ins.

A circle's check-in is a debrief whose group has no facilitator: every member gets the controls a
PLC's facilitator has, and there is no presenter. Widget keys start with the page's prefix, so each
page keeps its own state.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from reflection import allowed_phrases, debriefs, groups, sharing
from reflection.accounts import User
from views import _check_panel as check, _common as ui, _draft_keeper as draft_keeper, _entry_form as entry_form


@st.fragment(run_every=30)
def step_timer(debrief: debriefs.Debrief) -> None:
    """Redrawn every 30 seconds on its own, so the clock moves without rerunning the page."""
    clock = debriefs.step_clock(debrief)
    left = (f"{-clock.remaining_minutes} min over time" if clock.overtime
            else f"{clock.remaining_minutes} min left")
    st.info(f"⏱ {clock.elapsed_minutes} min elapsed of {clock.suggested_minutes} min suggested · {left}")


@dataclass
class Runner:
    page: str  # the key prefix and message slot of the page that runs the debrief
    db: object
    user: User
    noun: str = "debrief"  # a circle's is a "check-in"
    address: str = "debrief"  # the URL parameter that holds the open one (`?debrief=12`, a circle's `?checkin=`)

    def act(self, action, notice: str, clear: tuple[str, ...] = ()) -> None:
        ui.run_action(self.page, action, notice, clear)

    def key(self, name: str) -> str:
        return f"{self.page}_{name}"

    def open(self, debrief_id: int | None) -> None:
        ui.set_opened(self.address, debrief_id)

    def opened_id(self) -> int | None:
        return ui.opened(self.address)

    def export_button(self, debrief: debriefs.Debrief, where, key: str) -> None:
        where.download_button(
            "Export", debriefs.debrief_markdown(self.db, self.user, debrief.id), file_name=f"debrief-{debrief.id}.md",
            mime="text/markdown", key=key,
        )

    def show_note(self, note: debriefs.Note, debrief: debriefs.Debrief, group: groups.Group) -> None:
        db, user, act = self.db, self.user, self.act
        with st.container(border=True):
            editing_key = self.key(f"note_edit_{note.id}")
            if st.session_state.get(self.key("editing")) == note.id:
                st.session_state.setdefault(editing_key, note.body)
                st.text_area("Edit note", key=editing_key)
                draft_keeper.keep_typing(user, editing_key)
                save_col, cancel_col, _ = st.columns([1, 1, 4])

                def save() -> None:
                    debriefs.update_note(db, user, note.id, st.session_state[editing_key])
                    st.session_state.pop(self.key("editing"), None)
                    st.session_state.pop(editing_key, None)

                save_col.button("Save", key=self.key(f"note_save_{note.id}"), on_click=act, args=(save, "Note saved."))
                cancel_col.button("Cancel", key=self.key(f"note_cancel_{note.id}"),
                                  on_click=lambda: st.session_state.pop(self.key("editing"), None))
                return
            st.markdown(f"{ui.escape(note.body)}  \n*— {ui.escape(note.author_name)}*")
            allow_for_group = None
            if debrief.is_open and group.is_facilitator:
                def allow_for_group(phrase: str) -> None:
                    act(lambda: allowed_phrases.allow_phrase(db, user, phrase, group_id=group.id),
                        f"“{ui.escape(phrase)}” is now allowed for everyone in the group.")
            entry_form.show_stored_flags(note.body, note.analysis, say_when_clean=False,
                                         on_allow=allow_for_group, key_prefix=self.key(f"note_{note.id}"))
            if debrief.is_open and debriefs.may(db, user, "edit", "note", note):
                edit_col, delete_col, _ = st.columns([1, 1, 4])
                edit_col.button("Edit", key=self.key(f"note_editbtn_{note.id}"),
                                on_click=lambda: st.session_state.update({self.key("editing"): note.id}))
                delete_col.button("Delete", key=self.key(f"note_delete_{note.id}"),
                                  on_click=act, args=(lambda: debriefs.delete_note(db, user, note.id), "Note deleted."))

    def step_header(self, debrief: debriefs.Debrief) -> None:
        step = debrief.step
        st.progress((debrief.current_step + 1) / len(debrief.steps),
                    text=f"Step {debrief.current_step + 1} of {len(debrief.steps)}")
        # Protocols can come from group-written prompt sets, so their text is escaped like any user text.
        st.subheader(ui.escape(step.title))
        st.markdown(f"**Who speaks:** {ui.escape(step.role)} · **Suggested:** {step.minutes} min")
        st.text(step.prompt)
        if step.hint:
            st.caption(ui.escape(step.hint))
        step_timer(debrief)

    def controls(self, debrief: debriefs.Debrief) -> None:
        db, user, act = self.db, self.user, self.act
        back_col, next_col, close_col, _ = st.columns([1, 1, 1, 3])
        back_col.button("← Back", key=self.key("prev"), disabled=debrief.current_step == 0,
                        on_click=act, args=(lambda: debriefs.go_to_step(db, user, debrief.id, debrief.current_step - 1),
                                            "Moved back a step."))
        next_col.button("Next step →", key=self.key("next"), disabled=debrief.current_step >= len(debrief.steps) - 1,
                        on_click=act, args=(lambda: debriefs.go_to_step(db, user, debrief.id, debrief.current_step + 1),
                                            "On to the next step."))
        # Closing cannot be undone, so it asks first instead of sitting one click away beside "Next step".
        confirm_key = self.key("confirm_close")
        close_col.button(f"Close {self.noun}…", key=self.key("close"),
                         on_click=lambda: st.session_state.update({confirm_key: debrief.id}))
        if st.session_state.get(confirm_key) != debrief.id:
            return
        st.warning(f"Close this {self.noun} for everyone? Notes and action items become read-only; this cannot be "
                   "undone.")
        yes_col, no_col, _ = st.columns([1, 1, 3])

        def close() -> None:
            st.session_state.pop(confirm_key, None)
            debriefs.close_debrief(db, user, debrief.id)

        yes_col.button("Yes, close it", key=self.key("close_confirm"), type="primary", on_click=act,
                       args=(close, f"{self.noun.capitalize()} closed. It is read-only now; action items can still "
                                    "be ticked."))
        no_col.button("Keep it open", key=self.key("close_cancel"), on_click=lambda: st.session_state.pop(confirm_key, None))

    def notes_section(self, debrief: debriefs.Debrief, group: groups.Group) -> None:
        notes = debriefs.list_notes(self.db, self.user, debrief.id)
        if debrief.is_open:
            st.markdown("**Notes for this step**")
            for note in (n for n in notes if n.step_index == debrief.current_step):
                self.show_note(note, debrief, group)
            self.new_note(debrief)
            earlier = [n for n in notes if n.step_index != debrief.current_step]
            if earlier:
                with st.expander(f"Notes from other steps ({len(earlier)})"):
                    for note in earlier:
                        st.caption(ui.escape(debrief.steps[note.step_index].title))
                        self.show_note(note, debrief, group)
            return
        for index, step in enumerate(debrief.steps):
            step_notes = [n for n in notes if n.step_index == index]
            st.markdown(f"**{index + 1}. {ui.escape(step.title)}**" + ("" if step_notes else " · no notes"))
            for note in step_notes:
                self.show_note(note, debrief, group)

    def new_note(self, debrief: debriefs.Debrief) -> None:
        """The box for a note on the current step, with the writer's own check and, when the note names
        someone, initials in their place (the default) and a preview of what the group will read."""
        body_key, hide_key, check_prefix = self.key("note_body"), self.key("note_hide_names"), self.key("note")
        st.text_area("Add a note", key=body_key, placeholder="Everyone in the group can read notes.")
        draft_keeper.keep_typing(self.user, body_key, storage_name=self.key(f"note_{debrief.id}_{debrief.current_step}"))
        typed = st.session_state.get(body_key, "")
        names, posted = self.note_as_posted(typed)
        if names:
            st.checkbox("Hide names: " + ", ".join(f"{ui.escape(n)} as {sharing.replacement_for(n, 'initials')}"
                                                    for n in names),
                        value=True, key=hide_key)
            if posted != typed:
                st.caption("The group will read: " + ui.escape(posted))

        def post() -> None:
            # The names of the text posted now: the box may have changed since the page was drawn.
            debriefs.add_note(self.db, self.user, debrief.id, debrief.current_step,
                            self.note_as_posted(st.session_state[body_key])[1])
            check.forget(check_prefix)

        # Only the writer sees this check; posting does not wait for it.
        check.check_panel(check_prefix, [check.Part(body_key)], label="Check before you post", metrics=False)
        st.button("Add note", key=self.key("add_note"), on_click=self.act, args=(post, "Note added.", (body_key,)))

    def note_as_posted(self, typed: str) -> tuple[list[str], str]:
        """The names in a typed note, and the note as the group will read it: initials for names unless the
        writer unticked "Hide names"."""
        names = sharing.names_in_text(typed) if typed.strip() else []
        if names and st.session_state.get(self.key("note_hide_names"), True):
            return names, sharing.with_initials(typed, names)
        return names, typed

    def action_items_section(self, debrief: debriefs.Debrief, members: list[groups.Member]) -> None:
        db, user, act = self.db, self.user, self.act
        st.markdown("**Action items**")
        items = debriefs.list_action_items(db, user, debrief.id)
        if not items:
            st.caption("No action items yet.")
        for item in items:
            done_col, text_col, delete_col = st.columns([1, 6, 1])

            def toggle(item: debriefs.ActionItem = item) -> None:
                done = st.session_state[self.key(f"item_done_{item.id}")]
                act(lambda: debriefs.set_action_item_done(db, user, item.id, done), "Action item updated.")

            done_col.checkbox("Done", value=item.done, key=self.key(f"item_done_{item.id}"), on_change=toggle,
                              disabled=not debriefs.may(db, user, "complete", "action_item", item))
            due = f" · due {item.due_on.isoformat()}" if item.due_on else ""
            text_col.markdown(f"{ui.escape(item.text)}  \n*{ui.escape(item.owner_name)}{due}*")
            if debrief.is_open and debriefs.may(db, user, "delete", "action_item", item):
                delete_col.button("Delete", key=self.key(f"item_delete_{item.id}"),
                                  on_click=act, args=(lambda i=item: debriefs.delete_action_item(db, user, i.id),
                                                      "Action item deleted."))
        if not debrief.is_open:
            return
        by_id = {m.user_id: m for m in members}
        text_col, owner_col, due_col = st.columns([3, 2, 2])
        text_col.text_input("New action item", key=self.key("item_text"), max_chars=debriefs.MAX_ACTION_TEXT_CHARS)
        owner_col.selectbox("Owner", list(by_id), format_func=lambda i: by_id[i].display_name,
                            key=self.key("item_owner"))
        due_col.date_input("Due (optional)", value=None, key=self.key("item_due"))

        def add_item() -> None:
            state = st.session_state
            debriefs.add_action_item(db, user, debrief.id, state[self.key("item_text")], state[self.key("item_owner")],
                                   state[self.key("item_due")])
            state[self.key("item_due")] = None  # each item gets its own date, or none

        st.button("Add action item", key=self.key("item_add"),
                  on_click=act, args=(add_item, "Action item added.", (self.key("item_text"),)))

    def run(self, debrief: debriefs.Debrief, group: groups.Group, members: list[groups.Member],
            after_steps=None) -> None:
        """The whole debrief; `after_steps(debrief)` adds what the page shows under the current step."""
        st.button(f"← All {self.noun}s", key=self.key("back"), on_click=self.open, args=(None,))
        st.header(ui.escape(debrief.title))
        people = (f"presenter {ui.escape(debrief.presenter_name)} · facilitator {ui.escape(debrief.facilitator_name)}"
                  if self.noun == "debrief" else f"started by {ui.escape(debrief.facilitator_name)}")
        st.caption(f"{ui.escape(debrief.protocol_name)} · {people} · "
                   + ("open" if debrief.is_open else f"closed {debrief.closed_at[:10]} · read-only"))
        if debrief.is_open:
            self.step_header(debrief)
            if group.leads:
                self.controls(debrief)
            if after_steps is not None:
                after_steps(debrief)
        else:
            self.export_button(debrief, st, key=self.key("export"))
        self.notes_section(debrief, group)
        self.action_items_section(debrief, members)

