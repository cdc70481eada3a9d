"""Typing is safe (issue 13): undo in words, an emptied note, the Time field, the Tab
order, a new note's source and its heading. Driven by key events on the focused widget."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from fieldwork.model import SourceType
from ui.widgets.note_editor import EMPTY_STATE

CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> Any:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot: Any, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def new_note(window: Any, qtbot: Any) -> Any:
    """Ctrl+N in the window: the editor, its source focused."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.evidence.notes_view.setFocus()
    press(qtbot, Qt.Key.Key_N, CTRL)
    editor = window.evidence.editor
    assert editor.source.hasFocus()
    return editor


def to_text(qtbot: Any, editor: Any) -> None:
    for expected in (editor.subject, editor.when, editor.text):
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is expected


def when_modal(qtbot: Any, answer: Any) -> list[str]:
    """Answer the next modal dialog with ``answer(dialog)`` once it shows; the names of the
    dialogs answered."""
    seen: list[str] = []
    timer = QTimer()

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            timer.stop()
            seen.append(type(dialog).__name__)
            answer(dialog)

    timer.timeout.connect(poll)
    timer.start(20)
    seen_timer.append(timer)  # kept alive until the test ends
    return seen


seen_timer: list[QTimer] = []


def saved(qtbot: Any, editor: Any, idle: Any) -> None:
    qtbot.waitUntil(lambda: editor.status.text() == "Saved", timeout=4000)
    idle()


# ===================================================================== undo in words
def test_ctrl_z_after_a_pause_undoes_a_word_and_never_the_whole_note(
        opened: Any, qtbot: Any, idle: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    type_text(qtbot, "Referral screened within the hour")
    saved(qtbot, editor, idle)  # the autosave keeps the text's undo history
    note_id = editor.note_id
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert editor.text.toPlainText() == "Referral screened within the "
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert editor.text.toPlainText() == "Referral screened within "
    saved(qtbot, editor, idle)
    assert opened.session.reader.note(note_id).text == "Referral screened within "
    # Redo brings the words back, a word at a time.
    press(qtbot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert editor.text.toPlainText() == "Referral screened within the "
    assert opened.session.reader.count_notes() == 150


def test_a_pause_ends_an_undo_step(opened: Any, qtbot: Any, idle: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    type_text(qtbot, "Seen")
    qtbot.wait(1300)  # a pause
    type_text(qtbot, "by")
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert editor.text.toPlainText() == "Seen"


def test_emptying_a_saved_note_deletes_it_on_leaving_and_ctrl_z_brings_it_back(
        opened: Any, qtbot: Any, idle: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    type_text(qtbot, "Strategy meeting held")
    saved(qtbot, editor, idle)
    note_id = editor.note_id
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Z, CTRL)
    assert editor.text.toPlainText() == ""
    qtbot.wait(1200)  # well past the autosave: an empty text is never saved
    idle()
    assert opened.session.reader.note(note_id).text == "Strategy meeting held"
    assert editor.status.text() == EMPTY_STATE
    # Another program taking the focus (a case record to read) is not leaving the note.
    editor.text.clearFocus()
    idle()
    assert opened.session.reader.count_notes() == 150
    editor.text.setFocus()
    # Leaving the emptied note (Ctrl+0: the notes list) deletes it, undoably, and says so.
    press(qtbot, Qt.Key.Key_0, CTRL)
    assert focused() is opened.evidence.notes_view
    idle()
    assert opened.session.reader.count_notes() == 149
    assert "emptied, so it was deleted" in opened.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    idle()
    assert opened.session.reader.count_notes() == 150
    assert opened.session.reader.note(note_id).text == "Strategy meeting held"


def test_text_brought_back_after_emptying_is_kept(opened: Any, qtbot: Any, idle: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    type_text(qtbot, "Plan agreed")
    saved(qtbot, editor, idle)
    press(qtbot, Qt.Key.Key_A, CTRL)
    press(qtbot, Qt.Key.Key_Delete)
    assert editor.status.text() == EMPTY_STATE
    press(qtbot, Qt.Key.Key_Z, CTRL)  # the deletion undone: the text is back
    assert editor.text.toPlainText() == "Plan agreed"
    assert editor.status.text() == "Saved"
    press(qtbot, Qt.Key.Key_0, CTRL)
    idle()
    assert opened.session.reader.note(editor.note_id).text == "Plan agreed"
    assert opened.session.reader.count_notes() == 150


def test_the_window_undo_takes_over_when_the_text_has_nothing_left_to_undo(
        opened: Any, qtbot: Any, idle: Any) -> None:
    ev = opened.evidence
    ev.notes_view.setFocus()
    ev.notes_view.selectRow(0)
    first = ev.editor.note_id
    before = opened.session.reader.note(first).text
    ev.editor.text.setFocus()
    press(qtbot, Qt.Key.Key_End, CTRL)
    type_text(qtbot, " Checked again")
    ev.notes_view.setFocus()  # saves
    idle()
    assert opened.session.reader.note(first).text == before + " Checked again"
    press(qtbot, Qt.Key.Key_Down)  # the next note, whose text has no history
    second = ev.editor.note_id
    assert second != first
    second_text = ev.editor.text.toPlainText()
    ev.editor.text.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    idle()
    assert opened.session.reader.note(first).text == before
    assert ev.editor.text.toPlainText() == second_text


# ===================================================================== the Time field
def test_the_time_field_keeps_spaces_and_reads_a_typed_date(opened: Any, qtbot: Any,
                                                            idle: Any) -> None:
    editor = new_note(opened, qtbot)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is editor.when
    type_text(qtbot, "24 Jun 2009 10:30")  # Tab selected the time: typing replaces it
    assert focused() is editor.when
    assert editor.when.text() == "24 Jun 2009 10:30"
    assert editor.when.hint.text() == "Wed 24 Jun 2009 10:30"
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Child seen alone.")
    saved(qtbot, editor, idle)
    assert opened.session.reader.note(editor.note_id).observed_at == "2009-06-24T10:30"
    assert editor.text.toPlainText() == "Child seen alone."


def test_yesterday_and_a_time_alone(opened: Any, qtbot: Any, idle: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    type_text(qtbot, "Visit recorded.")
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is editor.when
    type_text(qtbot, "yesterday 14:00")
    press(qtbot, Qt.Key.Key_Tab)
    saved(qtbot, editor, idle)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert opened.session.reader.note(editor.note_id).observed_at == \
        f"{yesterday.isoformat()}T14:00"
    assert editor.when.text() == f"{yesterday.day} {yesterday:%b} {yesterday.year} 14:00"
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, "9:05")
    press(qtbot, Qt.Key.Key_Tab)
    saved(qtbot, editor, idle)
    assert opened.session.reader.note(editor.note_id).observed_at == \
        f"{dt.date.today().isoformat()}T09:05"


def test_a_time_that_cannot_be_read_is_outlined_explained_and_never_saved(
        opened: Any, qtbot: Any, idle: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    type_text(qtbot, "Case file read.")
    saved(qtbot, editor, idle)
    note_id = editor.note_id
    stored_before = opened.session.reader.note(note_id).observed_at
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, "31 Feb 2009 10:00")
    assert "border" in editor.when.styleSheet()
    assert "Feb 2009 has no day 31" in editor.when.hint.text()
    assert "24 Jun 2009 10:30" in editor.when.toolTip()
    assert editor.status.text() == "Time not saved"
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_0, CTRL)  # leaving the note saves what can be saved: not the time
    idle()
    qtbot.wait(900)
    idle()
    assert opened.session.reader.note(note_id).observed_at == stored_before
    assert editor.when.text() == "31 Feb 2009 10:00"  # kept, to be put right
    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # T&ime:
    assert focused() is editor.when
    type_text(qtbot, "28 Feb 2009 10:00")
    assert editor.when.styleSheet() == ""
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: opened.session.reader.note(note_id).observed_at
                    == "2009-02-28T10:00", timeout=4000)


def test_a_time_in_the_future_is_saved_with_a_warning(opened: Any, qtbot: Any) -> None:
    editor = new_note(opened, qtbot)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "24 Jun 2099 10:30")
    assert editor.when.hint.text() == "⚠ Wed 24 Jun 2099 10:30: in the future"
    assert editor.when.stored_value() == "2099-06-24T10:30"
    assert editor.when.styleSheet() == ""


def test_a_disabled_time_field_is_empty(opened: Any) -> None:
    editor = opened.evidence.editor
    assert editor.note_id is None
    assert not editor.when.isEnabled()
    assert editor.when.text() == ""
    assert editor.when.hint.text() == ""
    assert editor.when.placeholderText() == ""


# ===================================================================== Tab order
def test_tab_order_is_source_subject_time_text_both_ways(opened: Any, qtbot: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    for expected in (editor.when, editor.subject, editor.source):
        press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        assert focused() is expected
    # An interview: the staff role in the same place.
    qtbot.keyClicks(editor.source, "Staff")
    assert editor.source.currentData() == SourceType.INTERVIEW.value
    assert editor.subject_label.text() == "Staff &role:"
    to_text(qtbot, editor)


def test_the_case_form_has_its_own_shortcut(opened: Any, qtbot: Any) -> None:
    editor = new_note(opened, qtbot)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "BR-09-04172")
    seen = when_modal(qtbot, lambda dialog: qtbot.keyClick(
        dialog.focusWidget() or dialog, Qt.Key.Key_Escape))
    press(qtbot, Qt.Key.Key_K, CTRL)  # from inside the case-reference field
    assert seen == ["CaseDialog"]
    assert opened.focusWidget() is editor.subject  # where it was


# ===================================================================== a new note
def _select_note_with_source(window: Any, source: SourceType) -> None:
    model = window.evidence.notes_model
    for row in range(model.rowCount()):
        note_id = model.note_id(row)
        if note_id and window.session.reader.note(note_id).source == source:
            window.evidence.notes_view.selectRow(row)
            return
    raise AssertionError(f"no {source} note in the sample")


def test_a_new_note_starts_with_the_source_last_chosen_for_a_new_note(
        opened: Any, qtbot: Any, idle: Any, settings: Any) -> None:
    _select_note_with_source(opened, SourceType.MANAGEMENT_INFORMATION)
    editor = opened.evidence.editor
    assert editor.source.currentData() == SourceType.MANAGEMENT_INFORMATION.value
    editor = new_note(opened, qtbot)
    assert editor.source.currentData() == SourceType.CASE_RECORD.value  # not the viewed one
    qtbot.keyClicks(editor.source, "Staff")
    to_text(qtbot, editor)
    type_text(qtbot, "Manager describes the duty rota.")
    saved(qtbot, editor, idle)
    _select_note_with_source(opened, SourceType.MANAGEMENT_INFORMATION)
    editor = new_note(opened, qtbot)
    assert editor.source.currentData() == SourceType.INTERVIEW.value
    assert settings.q.value("notes/new_source") == SourceType.INTERVIEW.value
    # Changed after the new note was first saved: still the new note's source.
    to_text(qtbot, editor)
    type_text(qtbot, "Rota seen.")
    saved(qtbot, editor, idle)
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is editor.source
    qtbot.keyClicks(editor.source, "Supervision")
    assert settings.q.value("notes/new_source") == SourceType.SUPERVISION_FILE.value
    # Changing the source of a note that was not started here is not remembered.
    _select_note_with_source(opened, SourceType.MANAGEMENT_INFORMATION)
    opened.evidence.editor.source.setFocus()
    qtbot.keyClicks(opened.evidence.editor.source, "Case")
    assert settings.q.value("notes/new_source") == SourceType.SUPERVISION_FILE.value


def test_the_heading_follows_the_saved_state(opened: Any, qtbot: Any, idle: Any) -> None:
    editor = new_note(opened, qtbot)
    assert editor.heading.text().startswith("New note by")
    to_text(qtbot, editor)
    type_text(qtbot, "Plan reviewed.")
    saved(qtbot, editor, idle)
    assert editor.heading.text() == "Note by Alison Whitcombe"
