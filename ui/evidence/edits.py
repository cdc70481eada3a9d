"""The Evidence page's changes: writing, deleting and tagging notes, the findings on the
board, and the case-tracking form. Each is an undoable command (:mod:`ui.undo`) or a
:class:`~ui.operations.CoreOp`, run by the window on the worker."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QKeySequence

from fieldwork.errors import NotFound
from fieldwork.model import Changes, SourceType
from ui import undo
from ui.operations import CoreOp
from ui.widgets.note_editor import ROLE_SOURCES

#: Settings: the source type last chosen for a new note.
NEW_SOURCE_KEY = "notes/new_source"

if TYPE_CHECKING:
    from fieldwork.store import Store
    from ui.evidence.page import EvidencePage
    from ui.host import Host


def _undo_key() -> str:
    return QKeySequence(QKeySequence.StandardKey.Undo).toString(
        QKeySequence.SequenceFormat.NativeText)


class Edits:
    """Turns what the user does on the Evidence page into changes of the file."""

    def __init__(self, page: EvidencePage) -> None:
        self.page = page
        #: A finding just added, to edit in place once the board shows it.
        self.edit_after_refresh: str | None = None

    @property
    def host(self) -> Host:
        return self.page.host

    # =================================================================== notes
    def new_note(self) -> None:
        page, host = self.page, self.page.host
        session = host.session
        if session is None or not session.writable:
            return
        if not session.reader.me:
            host.choose_identity(then=self.new_note)
            return
        ov = page.overview
        me = ov.me.name if ov and ov.me else "me"
        where = page.notes_model.where
        # The source last chosen for a new note, never the one of the note on screen.
        source = self.last_new_source()
        subject = where.case_ref or "" if source not in ROLE_SOURCES else ""
        page.notes_view.clearSelection()
        page.editor.start_new(str(uuid.uuid4()), me, source=source, subject=subject)

    def last_new_source(self) -> SourceType:
        value = self.host.settings.q.value(NEW_SOURCE_KEY, SourceType.CASE_RECORD.value)
        try:
            return SourceType(str(value))
        except ValueError:
            return SourceType.CASE_RECORD

    def remember_new_source(self, value: str) -> None:
        self.host.settings.set_value(NEW_SOURCE_KEY, value)

    def note_emptied(self, note_id: str) -> None:
        """The text of a saved note was emptied and left: delete the note, undoably."""
        self.host.push(undo.DeleteNotes(self.host.run, [note_id]))
        self.host.statusBar().showMessage(
            f"The note was emptied, so it was deleted — {_undo_key()} brings it back", 8000)

    def save_note(self, note_id: str, is_new: bool, before: dict[str, Any],
                  after: dict[str, Any]) -> None:
        """The editor's autosave: a new note, or an edit of the fields that changed."""
        page, host = self.page, self.page.host
        session = host.session
        if session is None:
            return
        command: undo.StoreCommand
        if is_new:
            command = undo.AddNote(host.run, note_id, {**after, "author": session.reader.me})
        else:
            command = undo.EditNote(host.run, note_id, before, after)
        command.initiator = page.editor
        command.on_failure = lambda _err: page.editor.save_failed(note_id, is_new)
        host.push(command)

    def selected_note_ids(self) -> list[str]:
        page = self.page
        rows = sorted({i.row() for i in page.notes_view.selectionModel().selectedRows()})
        ids = [page.notes_model.note_id(r) for r in rows]
        return [i for i in ids if i]

    def target_notes(self) -> list[str]:
        """The notes an action applies to: the note being written, or the selected ones."""
        editor = self.page.editor
        focus = self.page.focusWidget()
        in_editor = focus is not None and editor.isAncestorOf(focus)
        selected = self.selected_note_ids()
        if (in_editor or not selected) and editor.note_id:
            editor.flush()
            if editor.is_new:
                return []
            return [editor.note_id]
        return selected

    def delete_notes(self) -> None:
        ids = self.target_notes()
        if ids:
            self.host.push(undo.DeleteNotes(self.host.run, ids))
            self.host.statusBar().showMessage(
                f"Deleted {len(ids)} note{'s' if len(ids) != 1 else ''} — {_undo_key()}"
                " undoes it", 5000)

    def tag_note(self) -> None:
        """Ctrl+L: choose a finding for the note being written or the selected notes."""
        ov = self.page.overview
        if ov is None:
            return
        ids = self.target_notes()
        if not ids:
            self.host.statusBar().showMessage("Write or select a note first.", 4000)
            return
        from ui.dialogs.finding_picker import FindingPicker

        picker = FindingPicker(ov.findings, ov.section_titles, self.page.window(),
                               notes=len(ids))
        if picker.exec() and picker.chosen():
            self.link_notes(ids, str(picker.chosen()))

    def link_notes(self, note_ids: list[str], finding_id: str) -> None:
        ov = self.page.overview
        text = next((f.text for f in ov.findings if f.id == finding_id), "") if ov else ""
        self.host.push(undo.LinkNotes(self.host.run, note_ids, finding_id, text))

    def unlink(self, note_id: str, finding_id: str) -> None:
        self.host.push(undo.UnlinkNote(self.host.run, note_id, finding_id))

    # ================================================================= findings
    def add_finding(self, section: str) -> None:
        if not section or self.host.session is None:
            return
        finding_id = str(uuid.uuid4())
        self.edit_after_refresh = finding_id
        self.host.push(undo.AddFinding(self.host.run, finding_id, section, "New finding"))

    def delete_finding(self, finding_id: str) -> None:
        self.host.push(undo.DeleteFinding(self.host.run, finding_id))
        self.host.statusBar().showMessage("Finding deleted — Ctrl+Z undoes it", 5000)

    def finding_edited(self, finding_id: str, before: str, after: str) -> None:
        self.host.push(undo.EditFinding(self.host.run, finding_id, before, after))

    def move_finding(self, finding_id: str, section: str, index: int) -> None:
        ov = self.page.overview
        title = ov.section_titles.get(section, section) if ov else section
        self.host.push(undo.MoveFinding(self.host.run, finding_id, section, index, title))

    def step_finding(self, finding_id: str, step: int) -> None:
        """Move a finding one place up or down, across into the next section at the ends."""
        ov = self.page.overview
        if ov is None:
            return
        finding = next((f for f in ov.findings if f.id == finding_id), None)
        if finding is None:
            return
        sections = ov.sections
        siblings = [f.id for f in ov.findings if f.section == finding.section]
        i = siblings.index(finding_id) + step
        section = finding.section
        if i < 0 or i >= len(siblings):
            s = sections.index(section) + step if section in sections else -1
            if not 0 <= s < len(sections):
                return
            section = sections[s]
            others = [f for f in ov.findings if f.section == section]
            i = len(others) if step < 0 else 0
        self.move_finding(finding_id, section, i)

    # =================================================================== cases
    def edit_case_here(self) -> None:
        page = self.page
        ref = page.editor.subject.text().strip() or (page.notes_model.where.case_ref or "")
        if ref:
            self.edit_case(ref)
        else:
            self.host.statusBar().showMessage("Type a case reference in the note first.", 4000)

    def edit_case(self, ref: str) -> None:
        """The case-tracking form for ``ref``; saving it adds or edits the case."""
        session = self.host.session
        if session is None:
            return
        from ui.dialogs.case_form import CaseDialog

        try:
            case = session.reader.case(ref)
        except NotFound:
            case = None
        dialog = CaseDialog(ref, case, self.page.window(), read_only=not session.writable)
        if not dialog.exec():
            return
        new_ref, kind, fields, urgent = dialog.values()
        case_id = case.id if case else None

        def work(store: Store) -> Changes:
            if case_id is None:
                return store.add_case(new_ref, kind, fields=fields, urgent=urgent)
            return store.edit_case(case_id, ref=new_ref, kind=kind.value, fields=fields,
                                   urgent=urgent)

        self.host.run(CoreOp(self.page, work))
