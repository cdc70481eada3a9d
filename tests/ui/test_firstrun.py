"""First run: the sample says it is the sample, and the window says who I am."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

import ui.dialogs.new_inspection
import ui.files


def open_sample(window: Any, qtbot: Any, idle: Any) -> Any:
    with qtbot.waitSignal(window.overview_applied, timeout=20000):
        window.files.open_sample()
    idle()
    return window


def press(widget: Any, qtbot: Any, key: Qt.Key = Qt.Key.Key_Space) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    qtbot.keyClick(widget, key)


def test_the_sample_says_so_and_who_i_am(window: Any, qtbot: Any, idle: Any) -> None:
    open_sample(window, qtbot, idle)
    banner = window.bearings.banner
    assert banner.isVisible()
    assert "sample inspection" in banner.label.text()
    assert [b.text() for b in (banner.new_button, banner.open_button)] == \
        ["New Inspection…", "Open…"]
    who = window.bearings.who
    assert who.isVisible()
    assert who.text == "You are Alison Whitcombe, lead —"
    assert who.change_button.text() == "Change…" and who.change_button.isEnabled()
    assert "Alison Whitcombe" in window.windowTitle() and "lead" in window.windowTitle()


def test_the_banner_opens_and_starts_inspections(window: Any, qtbot: Any, idle: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    open_sample(window, qtbot, idle)
    asked: list[str] = []

    class FakeDialog:
        @staticmethod
        def getOpenFileName(_parent: Any, title: str, *_a: Any) -> tuple[str, str]:
            asked.append(title)
            return "", ""

    monkeypatch.setattr(ui.files, "QFileDialog", FakeDialog)
    monkeypatch.setattr(ui.dialogs.new_inspection.NewInspectionDialog, "exec",
                        lambda self: asked.append(self.windowTitle()) or 0)
    banner = window.bearings.banner
    press(banner.open_button, qtbot)
    press(banner.new_button, qtbot)
    assert asked[0] == "Open Inspection"
    assert len(asked) == 2 and "Inspection" in asked[1]


def test_closing_the_banner_is_remembered(window: Any, qtbot: Any, idle: Any) -> None:
    open_sample(window, qtbot, idle)
    banner = window.bearings.banner
    press(banner.close_button, qtbot)
    assert not banner.isVisible()
    window.close_session()
    open_sample(window, qtbot, idle)
    assert not banner.isVisible()
    assert window.bearings.who.isVisible()


def test_no_banner_on_my_own_inspection(opened: Any) -> None:
    assert not opened.bearings.banner.isVisible()
    assert opened.bearings.who.text == "You are Alison Whitcombe, lead —"


def test_change_opens_who_am_i(opened: Any, qtbot: Any, idle: Any) -> None:
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.windowTitle())
        focus = dialog.focusWidget() or dialog
        qtbot.keyClick(focus, Qt.Key.Key_Down)  # Derek Osei (team)
        qtbot.keyClick(focus, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    press(opened.bearings.who.change_button, qtbot)
    qtbot.waitUntil(lambda: "Derek Osei" in opened.bearings.who.text, timeout=10000)
    assert seen == ["Who Am I"]
    assert opened.bearings.who.text == "You are Derek Osei, team inspector —"
    assert "Derek Osei" in opened.windowTitle()


def test_nobody_and_closed(window: Any, opened: Any, tmp_path: Path) -> None:
    window.close_session()
    assert not window.bearings.who.isVisible()
    assert not window.bearings.banner.isVisible()
