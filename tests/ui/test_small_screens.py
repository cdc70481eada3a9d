"""At 1024×700 the notes list (with its Note column), the editor, the board and the letter
(form and preview at fit width) are usable without scrolling sideways; a saved geometry
larger than the screen is clamped to it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from ui.models.notes import COLUMNS

CTRL = Qt.KeyboardModifier.ControlModifier


def at(window: Any, qtbot: Any, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=3000)
    qtbot.wait(50)


def test_the_evidence_page_fits_1024_by_700(opened: Any, qtbot: Any) -> None:
    at(opened, qtbot, 1024, 700)
    ev = opened.evidence
    table = ev.notes_view
    assert not table.horizontalScrollBar().isVisible()
    note = [k for k, _ in COLUMNS].index("text")
    header = table.horizontalHeader()
    right = header.sectionViewportPosition(note) + header.sectionSize(note)
    assert header.sectionSize(note) >= 0.35 * table.viewport().width()
    assert right <= table.viewport().width() + 1
    for i in range(header.count()):  # every column shows, none hidden behind a scroll
        assert header.sectionViewportPosition(i) + header.sectionSize(i) \
            <= table.viewport().width() + 1
    for pane in (ev.filter_view, ev.editor, ev.tabs):
        assert pane.isVisible() and pane.width() >= 150
    assert ev.editor.text.width() >= 300
    # Wider again: the columns have their widths back.
    at(opened, qtbot, 1600, 1000)
    assert header.sectionSize(0) > 60


def test_the_letter_stacks_its_checks_at_1024_and_the_form_never_scrolls_sideways(
        opened: Any, qtbot: Any) -> None:
    at(opened, qtbot, 1024, 700)
    qtbot.keyClick(opened, Qt.Key.Key_3, CTRL)
    ws = opened.letter.workspace
    qtbot.waitUntil(lambda: opened.pages.currentWidget() is ws, timeout=3000)
    qtbot.waitUntil(lambda: ws.idle, timeout=20000)
    fit = opened.letter.fit
    assert fit.stacked
    assert ws.checks.parentWidget() is fit.column
    assert not ws.form.horizontalScrollBar().isVisible()
    assert ws.preview.fit_width
    qtbot.waitUntil(lambda: not ws.preview.horizontalScrollBar().isVisible(), timeout=5000)
    assert ws.preview.width() >= 400 and ws.form.width() >= 400
    assert ws.checks.isVisible()
    at(opened, qtbot, 1600, 1000)
    assert not fit.stacked
    assert ws.splitter.widget(2) is ws.checks


def test_a_saved_geometry_larger_than_the_screen_is_clamped(qtbot: Any, settings: Any) -> None:
    from ui.mainwindow import MainWindow

    big = QMainWindow()
    qtbot.add_widget(big)
    area = big.screen().availableGeometry()
    big.setGeometry(area.x() + 200, area.y() + 100, area.width() * 2, area.height() * 2)
    settings.set_value("window/geometry", big.saveGeometry())
    w = MainWindow(settings)
    qtbot.add_widget(w)
    w.show()
    qtbot.waitExposed(w)
    frame = w.frameGeometry()
    assert area.contains(frame), (area, frame)


def test_the_default_size_fits_a_small_screen(qtbot: Any, settings: Any) -> None:
    from ui.mainwindow import MainWindow

    w = MainWindow(settings)
    qtbot.add_widget(w)
    area = w.screen().availableGeometry()
    assert w.width() <= area.width() and w.height() <= area.height()


def test_the_timeliness_page_does_not_widen_the_window_at_1024(opened: Any, qtbot: Any) -> None:
    at(opened, qtbot, 1024, 700)
    qtbot.keyClick(opened, Qt.Key.Key_4, CTRL)
    view = opened.timeliness.view
    qtbot.waitUntil(lambda: opened.pages.currentWidget() is view, timeout=3000)
    qtbot.waitUntil(lambda: view.idle and bool(view.cases_label.text()), timeout=20000)
    qtbot.wait(100)
    assert opened.minimumSizeHint().width() <= 1024
    assert opened.width() == 1024
