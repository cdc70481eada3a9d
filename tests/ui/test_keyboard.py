"""Window shortcuts work wherever focus is, and the Edit menu acts on the focused widget
(issue 13). Driven by key events on the focused widget."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from tests.ui.letter_helpers import show_letter
from tests.ui.test_typing import CTRL, focused, new_note, press, to_text, type_text, when_modal

SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_ctrl_e_exports_from_a_one_line_field_of_the_letter_form(
        opened: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = show_letter(opened, qtbot)
    exports: list[object] = []
    monkeypatch.setattr(ws.output, "export_pdf", lambda path=None: exports.append(path))
    fields = [w for w in ws.form.findChildren(QLineEdit) if w.isVisible() and w.isEnabled()]
    assert len(fields) >= 3
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    for field in fields[:3]:
        field.setFocus()
        qtbot.keyClicks(field, "x")
        press(qtbot, Qt.Key.Key_E, CTRL)
    assert exports == [None, None, None]
    # A line-editing key the window does not use stays the field's own (Ctrl+Left).
    field = fields[0]
    field.setFocus()
    field.setText("one two")
    press(qtbot, Qt.Key.Key_End)
    press(qtbot, Qt.Key.Key_Left, CTRL)
    assert field.cursorPosition() == 4


def test_shortcuts_from_the_note_text_a_combo_the_list_and_the_search_box(
        opened: Any, qtbot: Any) -> None:
    ev = opened.evidence
    editor = new_note(opened, qtbot)  # Ctrl+N from the notes list
    press(qtbot, Qt.Key.Key_F, CTRL)  # from the source combo
    assert focused() is ev.search
    press(qtbot, Qt.Key.Key_0, CTRL)  # from the search box
    assert focused() is ev.notes_view
    press(qtbot, Qt.Key.Key_N, CTRL)
    to_text(qtbot, editor)
    type_text(qtbot, "Plan seen")
    seen = when_modal(qtbot, lambda d: qtbot.keyClick(d.focusWidget() or d, Qt.Key.Key_Escape))
    press(qtbot, Qt.Key.Key_L, CTRL)  # the finding picker, from the note text
    assert seen == ["FindingPicker"]
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    editor.text.setFocus()
    press(qtbot, Qt.Key.Key_1, CTRL)  # the board, from the note text
    assert focused() is ev.board.view or ev.board.isAncestorOf(focused())


def test_ctrl_delete_in_the_text_deletes_a_word_not_the_note(opened: Any, qtbot: Any,
                                                             idle: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    type_text(qtbot, "alpha beta")
    qtbot.waitUntil(lambda: editor.status.text() == "Saved", timeout=4000)
    idle()
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Delete, CTRL)
    assert editor.text.toPlainText() == "beta"
    idle()
    assert opened.session.reader.count_notes() == 150


def test_the_edit_menu_has_the_standard_actions_with_their_platform_keys(opened: Any) -> None:
    menu = opened.menu("edit")
    by_text = {a.text().replace("&", "").split(" ")[0]: a for a in menu.actions() if a.text()}
    K = QKeySequence.StandardKey
    for name, key in (("Undo", K.Undo), ("Redo", K.Redo), ("Cut", K.Cut), ("Copy", K.Copy),
                      ("Paste", K.Paste), ("Select", K.SelectAll)):
        assert name in by_text, name
        assert by_text[name].shortcuts() == QKeySequence.keyBindings(key), name


def test_select_all_cut_and_paste_act_on_the_focused_field(opened: Any, qtbot: Any,
                                                           idle: Any) -> None:
    editor = new_note(opened, qtbot)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "BR-09-04172")
    press(qtbot, Qt.Key.Key_A, CTRL)
    press(qtbot, Qt.Key.Key_X, CTRL)
    assert editor.subject.text() == ""
    assert QGuiApplication.clipboard().text() == "BR-09-04172"
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is editor.text
    press(qtbot, Qt.Key.Key_V, CTRL)
    assert editor.text.toPlainText() == "BR-09-04172"
    # And through the menu's actions, on whatever has focus.
    opened.keyboard.select_all_action.trigger()
    opened.keyboard.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == "BR-09-04172"


def test_select_all_and_copy_in_the_notes_list(opened: Any, qtbot: Any) -> None:
    ev = opened.evidence
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    ev.notes_view.setFocus()
    ev.notes_view.selectRow(0)
    press(qtbot, Qt.Key.Key_A, CTRL)
    rows = {i.row() for i in ev.notes_view.selectionModel().selectedRows()}
    assert len(rows) == ev.notes_model.rowCount()
    ev.notes_view.clearSelection()
    ev.notes_view.selectRow(2)
    press(qtbot, Qt.Key.Key_C, CTRL)
    copied = QGuiApplication.clipboard().text()
    note = opened.session.reader.note(ev.notes_model.note_id(2))
    assert "\n" not in copied and (note.case_ref or note.subject_role or "") in copied


def test_the_edit_menu_undo_acts_on_the_text_first(opened: Any, qtbot: Any, idle: Any) -> None:
    editor = new_note(opened, qtbot)
    to_text(qtbot, editor)
    type_text(qtbot, "one two")
    qtbot.waitUntil(lambda: editor.status.text() == "Saved", timeout=4000)
    idle()
    assert opened.undo_action.text() == "&Undo Typing"
    opened.undo_action.trigger()
    assert editor.text.toPlainText() == "one "
    opened.redo_action.trigger()
    assert editor.text.toPlainText() == "one two"
    opened.evidence.notes_view.setFocus()  # out of the field: the window's last change
    assert opened.undo_action.text().startswith("&Undo New note")


def test_placeholders_look_like_placeholders(opened: Any, qtbot: Any) -> None:
    editor = new_note(opened, qtbot)
    assert editor.subject.text() == ""
    assert editor.subject.font().italic()
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.PlaceholderText) != palette.color(
        QPalette.ColorRole.Text)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "BR")
    assert not editor.subject.font().italic()
    assert editor.text.font().italic()  # still empty
    # The Letter page's fields too, once it is shown (Ctrl+3).
    press(qtbot, Qt.Key.Key_3, CTRL)
    form = opened.letter.workspace.form
    fields = [w for w in form.findChildren(QLineEdit) + form.findChildren(QPlainTextEdit)
              if w.placeholderText()]
    assert fields
    for w in fields:
        empty = not (w.text() if isinstance(w, QLineEdit) else w.toPlainText())
        assert w.font().italic() == empty, w.placeholderText()
