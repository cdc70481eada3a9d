"""Helpers for the tests of ui.security: keychains to set, and driving menus and modal
dialogs with the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QWidget

PASSPHRASE = "correct horse battery staple"


class MemoryKeyring(KeyringBackend):
    """A keychain that lives in this test only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def file_menu_key(qtbot: Any, window: Any, key: Qt.Key, menu: Qt.Key = Qt.Key.Key_F) -> None:
    """Alt (the menu bar takes the keys), F (or ``menu``), then the entry's letter."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, Qt.Key.Key_Alt)
    qtbot.keyClick(window.menuBar(), menu)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    qtbot.keyClick(menu, key)


def when_shown(name: str, act: Callable[[QWidget], None]) -> QTimer:
    """Call ``act(dialog)`` once the modal dialog called ``name`` is up (it may run its
    own event loop, as ``exec()`` does). Keep the timer returned."""
    timer = QTimer()
    timer.setInterval(20)

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.objectName() == name and modal.isVisible():
            timer.stop()
            act(modal)

    timer.timeout.connect(look)
    timer.start()
    return timer


def type_into(widget: QWidget, text: str) -> None:
    from PySide6.QtTest import QTest

    widget.setFocus()
    QTest.keyClicks(widget, text)


def press(widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier =
          Qt.KeyboardModifier.NoModifier) -> None:
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, key, modifier)
