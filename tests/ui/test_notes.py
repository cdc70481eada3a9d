"""Capturing notes with the keyboard: autosave, reopen, undo, and errors that keep the text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from fieldwork.errors import DiskFull
from fieldwork.model import SourceType
from fieldwork.store import Store
from fieldwork.store.store import NoteFilter

TEXT = "Case BR-09-99999: referral screened within the hour; child seen the same day."


def _start_note_with_keyboard(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.evidence.notes_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.evidence.editor.source.hasFocus()


def test_type_a_note_wait_for_autosave_reopen_and_find_it(
    opened: Any, qtbot: Any, idle: Any, settings: Any
) -> None:
    path = opened.session.path
    _start_note_with_keyboard(opened, qtbot)
    editor = opened.evidence.editor
    editor.source.setCurrentIndex(editor.source.findData(SourceType.CASE_RECORD.value))
    qtbot.keyClick(editor.source, Qt.Key.Key_Tab)
    assert editor.subject.hasFocus()
    qtbot.keyClicks(editor.subject, "BR-09-99999")
    qtbot.keyClick(editor.subject, Qt.Key.Key_Tab)
    assert editor.when.hasFocus()  # the case form (Ctrl+K) is out of the Tab chain
    qtbot.keyClicks(editor.when, "24 Jun 2009 10:30")
    qtbot.keyClick(editor.when, Qt.Key.Key_Tab)
    assert editor.text.hasFocus()
    qtbot.keyClicks(editor.text, TEXT)
    # No focus change: the pause in typing alone saves it, within a second.
    qtbot.waitUntil(lambda: editor.status.text() == "Saved", timeout=3000)
    assert opened.saved_label.text() == "Saved"
    note_id = editor.note_id
    opened.close()

    with Store.open(path) as store:
        note = store.note(note_id)
        assert note.text == TEXT
        assert note.case_ref == "BR-09-99999"
        assert note.source == SourceType.CASE_RECORD
        assert note.observed_at == "2009-06-24T10:30"
        assert store.inspector(note.author).name == "Alison Whitcombe"
        hits = store.search("BR-09-99999 hour")
        assert note_id in [h.id for h in hits if h.kind == "note"]


def test_focus_change_saves_at_once(opened: Any, qtbot: Any, idle: Any) -> None:
    opened.evidence.new_note()
    qtbot.keyClicks(opened.evidence.editor.text, "Observed a duty manager reviewing contacts.")
    opened.evidence.search.setFocus()
    idle()
    assert opened.evidence.editor.status.text() == "Saved"
    assert opened.session.reader.count_notes() == 150


def test_a_new_note_is_undone_whole_and_redone_with_its_fields(opened: Any, qtbot: Any,
                                                               idle: Any) -> None:
    ev = opened.evidence
    ev.new_note()
    ev.editor.source.setCurrentIndex(ev.editor.source.findData(SourceType.INTERVIEW.value))
    ev.editor.subject.setText("Team manager")
    ev.editor.subject.textEdited.emit("Team manager")
    qtbot.keyClicks(ev.editor.text, "Supervision is monthly and recorded.")
    ev.editor.flush()
    idle()
    note_id = ev.editor.note_id
    qtbot.keyClicks(ev.editor.text, " Actions are followed up.")
    ev.editor.flush()
    idle()
    opened.undo()  # the typing merged into the new note: one undo takes it all away
    idle()
    assert opened.session.reader.count_notes() == 149
    opened.redo()
    idle()
    note = opened.session.reader.note(note_id)
    assert note.text == "Supervision is monthly and recorded. Actions are followed up."
    assert (note.source, note.subject_role) == (SourceType.INTERVIEW, "Team manager")


def test_editing_a_note_autosaves_and_undo_restores_it(opened: Any, qtbot: Any,
                                                       idle: Any) -> None:
    opened.evidence.notes_view.selectRow(0)
    note_id = opened.evidence.editor.note_id
    before = opened.session.reader.note(note_id).text
    opened.evidence.editor.text.setFocus()
    opened.evidence.editor.text.moveCursor(opened.evidence.editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(opened.evidence.editor.text, " Checked again.")
    opened.evidence.notes_view.setFocus()
    idle()
    assert opened.session.reader.note(note_id).text == before + " Checked again."
    opened.undo()
    idle()
    assert opened.session.reader.note(note_id).text == before
    assert opened.evidence.editor.text.toPlainText() == before
    opened.redo()
    idle()
    assert opened.evidence.editor.text.toPlainText() == before + " Checked again."


def test_delete_a_note_with_the_delete_key_and_undo(opened: Any, qtbot: Any,
                                                    idle: Any) -> None:
    opened.evidence.notes_view.selectRow(3)
    note_id = opened.evidence.selected_note_ids()[0]
    opened.activateWindow()
    opened.evidence.notes_view.setFocus()
    qtbot.keyClick(opened.evidence.notes_view, Qt.Key.Key_Delete)
    idle()
    assert opened.evidence.notes_model.rowCount() == 148
    assert opened.overview.total == 148
    opened.undo()
    idle()
    assert opened.evidence.notes_model.rowCount() == 149
    assert opened.session.reader.note(note_id).id == note_id


def test_interview_asks_for_the_staff_role(opened: Any, qtbot: Any, idle: Any) -> None:
    opened.evidence.new_note()
    editor = opened.evidence.editor
    editor.source.setCurrentIndex(editor.source.findData(SourceType.INTERVIEW.value))
    assert editor.subject_label.text() == "Staff &role:"
    assert not editor.case_button.isVisibleTo(editor)
    qtbot.keyClicks(editor.subject, "Team manager")
    qtbot.keyClicks(editor.text, "Spoke to the team manager about supervision.")
    editor.flush()
    idle()
    note = opened.session.reader.note(editor.note_id)
    assert (note.subject_role, note.case_ref) == ("Team manager", None)


def test_a_failed_save_keeps_the_text_and_retries(
    opened: Any, qtbot: Any, idle: Any, monkeypatch: Any, errors_shown: list[tuple[str, str]]
) -> None:
    writer = opened.session.writer
    real = writer.add_note

    def full(**_kw: Any) -> Any:
        raise DiskFull("t.fieldwork: the disk is full; the last change was not saved")

    monkeypatch.setattr(writer, "add_note", full)
    opened.evidence.new_note()
    qtbot.keyClicks(opened.evidence.editor.text, "Words that must not be lost")
    opened.evidence.editor.flush()
    idle()
    assert errors_shown[0][0] == "The disk is full"
    assert opened.evidence.editor.text.toPlainText() == "Words that must not be lost"
    assert opened.evidence.editor.status.text().startswith("Not saved")
    assert opened.saved_label.text() == "Not saved"
    monkeypatch.setattr(writer, "add_note", real)
    qtbot.keyClicks(opened.evidence.editor.text, ".")
    opened.evidence.editor.flush()
    idle()
    assert opened.session.reader.note(opened.evidence.editor.note_id).text == (
        "Words that must not be lost."
    )
    assert opened.saved_label.text() == "Saved"


def test_case_tracking_form_records_an_urgent_referral(opened: Any, qtbot: Any, idle: Any,
                                                       monkeypatch: Any) -> None:
    from fieldwork.model import CaseKind
    from ui.dialogs.case_form import CaseDialog

    def fill(dialog: CaseDialog) -> int:
        dialog.tracked.setChecked(True)
        dialog.fields["risk"].setText("High")
        dialog.urgent.setChecked(True)
        dialog.urgent_fields["reason"].setPlainText("Child not seen")
        dialog.urgent_fields["response"].setPlainText("Seen the same afternoon")
        return 1

    monkeypatch.setattr(CaseDialog, "exec", fill)
    opened.evidence.edit_case("BR-09-77777")
    idle()
    case = opened.session.reader.case("BR-09-77777")
    assert case.kind == CaseKind.TRACKED
    assert case.fields["risk"] == "High"
    assert case.urgent is not None and case.urgent["response"] == "Seen the same afternoon"
    assert "BR-09-77777" in opened.evidence.editor._case_names.stringList()


def test_filters_have_counts_and_narrow_the_list(opened: Any, idle: Any) -> None:
    item = opened.evidence.filter_model.find_key("source:interview")
    assert item is not None
    assert item.index().siblingAtColumn(1).data() == "30"
    opened.evidence.filter_view.setCurrentIndex(item.index())
    idle()
    assert opened.evidence.notes_model.rowCount() == 30
    assert opened.evidence.notes_model.where == NoteFilter(source=SourceType.INTERVIEW)
    untagged = opened.evidence.filter_model.find_key("untagged")
    opened.evidence.filter_view.setCurrentIndex(untagged.index())
    idle()
    assert opened.evidence.notes_model.rowCount() == opened.overview.untagged == 12


def test_sorting_by_a_column(opened: Any, idle: Any) -> None:
    opened.evidence.notes_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    idle()
    names = [opened.evidence.notes_model.index(r, 1).data() for r in range(149)]
    assert names == sorted(names)


