"""History… (Ctrl+H): who changed a note or finding, when, and what, before and after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel

from ui import undo


def select_row(window: Any, row: int) -> str:
    index = window.evidence.notes_model.index(row, 0)
    window.evidence.notes_view.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    return str(window.evidence.notes_model.note_id(row))


def test_history_shows_an_edit_with_before_and_after(
    opened: Any, qtbot: Any, idle: Callable[[], None],
) -> None:
    window = opened
    note_id = select_row(window, 0)
    idle()
    before = window.session.reader.note(note_id).text
    after = before.replace(" ", " carefully ", 1)
    window.push(undo.EditNote(window.run, note_id, {"text": before}, {"text": after}))
    idle()
    window.evidence.notes_view.setFocus()
    window.team.history_action.trigger()
    dialog = window.team.history_dialog
    qtbot.waitUntil(lambda: dialog.history is not None and dialog.history.row_id == note_id,
                    timeout=10000)
    text = dialog.view.toPlainText()
    me = window.overview.me.name
    assert f"{me} edited it" in text
    assert "carefully" in text and "Text" in text
    html = dialog.view.toHtml()
    assert "#c9ecc9" in html  # the added word is marked green
    assert dialog.title.text().startswith("Note · ")
    assert "created it" in text
    assert text.index("edited it") < text.index("created it")  # newest first
    idle()


def test_history_follows_the_selection_and_shows_findings(
    opened: Any, qtbot: Any, idle: Callable[[], None],
) -> None:
    window = opened
    first = select_row(window, 0)
    idle()
    dialog = window.team.show_history()
    qtbot.waitUntil(lambda: dialog.history is not None and dialog.history.row_id == first,
                    timeout=10000)
    second = select_row(window, 1)
    qtbot.waitUntil(lambda: dialog.history.row_id == second, timeout=10000)
    finding = window.overview.findings[0]
    window.evidence.board.select_finding(finding.id)
    qtbot.waitUntil(lambda: dialog.history.row_id == finding.id, timeout=10000)
    assert dialog.title.text().startswith("Finding in ")
    assert dialog.windowTitle() == "History of the finding"
    idle()


def test_history_of_a_finding_edited_on_the_board(
    opened: Any, qtbot: Any, idle: Callable[[], None],
) -> None:
    window = opened
    finding = window.overview.findings[0]
    window.push(undo.EditFinding(window.run, finding.id, finding.text, "Rewritten finding."))
    idle()
    window.evidence.board.select_finding(finding.id)
    window.evidence.board.view.setFocus()
    assert window.evidence.current_row() == finding.id
    dialog = window.team.show_history()
    qtbot.waitUntil(lambda: dialog.history is not None and dialog.history.row_id == finding.id
                    and len(dialog.history.entries) >= 2, timeout=10000)
    text = dialog.view.toPlainText()
    assert "Rewritten finding." in text and "edited it" in text
    idle()



def test_history_is_in_the_notes_lists_context_menu(
    opened: Any, qtbot: Any, idle: Callable[[], None], monkeypatch: Any,
) -> None:
    from PySide6.QtWidgets import QMenu

    window = opened
    shown: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *_a: shown.append(menu))
    rect = window.evidence.notes_view.visualRect(window.evidence.notes_model.index(2, 0))
    window.evidence.notes_view.customContextMenuRequested.emit(rect.center())
    (menu,) = shown
    history = menu.actions()[0]
    assert history.text() == "&History…" and history.isEnabled()
    history.trigger()
    dialog = window.team.history_dialog
    note_id = window.evidence.notes_model.note_id(2)
    qtbot.waitUntil(lambda: dialog.history is not None and dialog.history.row_id == note_id,
                    timeout=10000)
    idle()
