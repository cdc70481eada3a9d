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


def unlock_dialog(window: Any, qtbot: Any) -> Any:
    """The passphrase dialog of the window's opening, once it is up and ready for typing."""
    qtbot.waitUntil(lambda: window.files.unlocker.dialog is not None
                    and window.files.unlocker.dialog.isVisible(), timeout=10000)
    dialog = window.files.unlocker.dialog
    qtbot.waitUntil(lambda: dialog.passphrase.isEnabled() and dialog.passphrase.hasFocus())
    return dialog


def type_passphrase(qtbot: Any, dialog: Any, text: str) -> None:
    dialog.passphrase.selectAll()
    qtbot.keyClicks(dialog.passphrase, text)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)


def open_encrypted(window: Any, path: Any, qtbot: Any, idle: Callable[[], None]) -> None:
    """Open the encrypted ``path`` in ``window``, typing its passphrase, and wait until its
    views are drawn and the worker is idle."""
    window.open_file(path)
    dialog = unlock_dialog(window, qtbot)
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()


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
