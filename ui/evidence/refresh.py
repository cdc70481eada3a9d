"""Keeping the Evidence page up to date: each change's :class:`~fieldwork.model.Changes`
says what to redo.

- The overview (the counts in the filter panel, the evidence on the board, the coverage
  matrix) is computed on the worker (:func:`ui.session.load_overview`: aggregates over every
  note are not for the GUI thread on a 100k-note file), and only when
  ``changes.counts_may_change``.
- A change to the inspection alone reads its heading again (record, me, section titles).
- A change to a finding's text alone shows the new text in place; to a note's text alone,
  updates its row in place. Nothing is counted again.
- Another program's change (``Changes.all()``) reads everything again and keeps the note
  being typed, saying if it was changed or deleted underneath.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel

from fieldwork.errors import FieldworkError, NotFound
from fieldwork.model import Changes, Note
from ui.errors import show_error
from ui.models.filters import KEY_ROLE
from ui.operations import Op
from ui.session import Heading, Overview, load_heading, load_overview

if TYPE_CHECKING:
    from ui.evidence.page import EvidencePage

TYPED_OVER = ("This note was also changed in another window or program. Your text is kept "
              "and saved over that change; History shows both.")
TYPED_DELETED = ("The note you are writing was deleted in another window or program. Your "
                 "text is still here: copy it if you need it.")


class Refresh:
    """The page's overview, and redrawing what each change changed."""

    def __init__(self, page: EvidencePage) -> None:
        self.page = page
        self.overview: Overview | None = None
        self._running = False
        self._again = False

    # ================================================================= changes
    def on_changes(self, changes: Changes, _initiator: object) -> None:
        """Let each view catch up with one change."""
        page = self.page
        session = page.host.session
        if session is None or not changes:
            return
        editor = page.editor
        typing = editor.note_id if changes.everything and editor.dirty \
            and not editor.is_new else None
        session.reader.invalidate_caches()
        if changes.text_only and changes.findings:
            self._update_finding_texts(changes.findings)
        model = page.notes_model
        if changes.everything or changes.notes or (changes.findings and not changes.text_only):
            if model.searching and (changes.notes or changes.everything):
                page.finder.run_search()
            elif not (changes.text_only and model.update_rows(changes.notes)):
                self.refresh_notes()
        current = editor.note_id
        if current and (changes.everything or current in changes.notes or changes.findings):
            try:
                note = session.reader.note(current)
            except NotFound:
                gone = current in changes.notes or (changes.everything
                                                    and not page.host.writing
                                                    and not editor.dirty)
                if gone and not editor.is_new:
                    editor.clear()
            else:
                editor.reload(note, self.tags(note))
                editor.saved(current)
        # The counts last: the list's rows, which the user is looking at, come first.
        if changes.counts_may_change:
            self.refresh_overview()
        elif changes.inspection:
            self._refresh_heading()
        if typing and editor.note_id == typing and not page.host.writing:
            try:
                note = session.reader.note(typing)
            except NotFound:
                page.host.statusBar().showMessage(TYPED_DELETED, 15000)
            else:
                if editor.changed_underneath(note):
                    page.host.statusBar().showMessage(TYPED_OVER, 10000)

    def tags(self, note: Note) -> list[tuple[str, str]]:
        """The note's findings as (id, text), for the editor."""
        texts = {f.id: f.text for f in self.overview.findings} if self.overview else {}
        return [(f, texts.get(f, "…")) for f in note.findings]

    # ============================================================== the list
    def refresh_notes(self) -> None:
        """Read the list again, keeping the selection and the scroll position."""
        page = self.page
        view, model = page.notes_view, page.notes_model
        current = view.currentIndex()
        note_id = model.note_id(current.row()) if current.isValid() else None
        scroll = view.verticalScrollBar().value()
        selected = {model.note_id(i.row()) for i in view.selectionModel().selectedRows()}
        rows_before = model.rowCount()
        near = current.row() if current.isValid() else view.rowAt(0)

        def done() -> None:
            if model.rowCount() == rows_before:
                return
            view.verticalScrollBar().setValue(scroll)
            if note_id is not None:
                self._select_ids(selected, note_id)

        model.refresh(near=max(0, near), done=done)

    def _select_ids(self, ids: set[str | None], current: str | None) -> None:
        view, model = self.page.notes_view, self.page.notes_model
        selection = view.selectionModel()
        selection.blockSignals(True)
        try:
            for note_id in ids:
                if note_id is None:
                    continue
                row = model.row_of(note_id)
                if row is not None:
                    selection.select(model.index(row, 0),
                                     QItemSelectionModel.SelectionFlag.Select
                                     | QItemSelectionModel.SelectionFlag.Rows)
            if current:
                row = model.row_of(current)
                if row is not None:
                    selection.setCurrentIndex(model.index(row, 0),
                                              QItemSelectionModel.SelectionFlag.NoUpdate)
        finally:
            selection.blockSignals(False)
        view.viewport().update()

    # ============================================================ the overview
    def refresh_overview(self) -> None:
        """Recompute the counts on the worker (coalesced: one run at a time)."""
        host = self.page.host
        session = host.session
        if session is None:
            return
        if self._running:
            self._again = True
            return
        self._running = True

        def done(ov: Overview) -> None:
            self._running = False
            if host.session is session:
                self.apply(ov)
            if self._again:
                self._again = False
                self.refresh_overview()

        def failed(err: FieldworkError) -> None:
            self._running = False
            show_error(self.page.window(), err)

        Op(self.page, lambda: load_overview(session.writer)).success(done).failure(failed) \
            .run_in_background(host.tasks)

    def _refresh_heading(self) -> None:
        """Read the inspection's record, who I am and the section titles again (after a
        change to those alone), without counting anything."""
        host = self.page.host
        session = host.session
        if session is None or self.overview is None:
            return
        if self._running:
            self._again = True  # the counts on their way may predate the change
            return

        def done(heading: Heading) -> None:
            if host.session is session and self.overview is not None and not self._running:
                self.apply(self.overview.with_heading(heading))

        Op(self.page, lambda: load_heading(session.writer)).success(done) \
            .run_in_background(host.tasks)

    def _update_finding_texts(self, finding_ids: Iterable[str]) -> None:
        """Show the findings' new texts (their text alone changed): read here, nothing
        counted again."""
        session, ov = self.page.host.session, self.overview
        if session is None or ov is None:
            return
        if self._running:
            self._again = True  # the counts on their way may predate the change
            return
        try:
            fresh = {i: session.reader.finding(i) for i in finding_ids}
        except NotFound:
            self.refresh_overview()
            return
        findings = [replace(f, text=fresh[f.id].text) if f.id in fresh else f
                    for f in ov.findings]
        self.apply(replace(ov, findings=findings))

    def apply(self, ov: Overview) -> None:
        """Show an overview in every view that shows counts or findings."""
        page = self.page
        self.overview = ov
        # Rebuilding a model loses its selection: put it back without acting on it again.
        current_filter = page.filter_view.currentIndex().data(KEY_ROLE)
        current_finding = page.board.current_finding()
        page.filter_model.set_overview(ov)
        page.findings_model.set_overview(ov)
        for view, index in (
            (page.filter_view, page.finder.filter_index(current_filter)),
            (page.board.view, page.findings_model.index_of(current_finding or "")),
        ):
            if index.isValid() and view.currentIndex() != index:
                selection = view.selectionModel()
                selection.blockSignals(True)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                selection.blockSignals(False)
                view.viewport().update()
        page.board.update_buttons()
        page.coverage.set_overview(ov)
        page.editor.set_completions(sorted({c.ref for c in ov.cases} | set(ov.by_case)),
                                    ov.roles)
        edit = page.edits.edit_after_refresh
        if edit:
            index = page.findings_model.index_of(edit)
            page.edits.edit_after_refresh = None
            if index.isValid():
                page.show_tab(0)
                page.board.view.setCurrentIndex(index)
                page.board.view.edit(index)
        page.finder.update_label()
        page.overview_applied.emit()

    def clear(self) -> None:
        """The file was closed."""
        self.overview = None
        page = self.page
        page.filter_model.set_overview(None)
        page.findings_model.set_overview(None)
        page.coverage.set_overview(None)
