"""Putting evidence-at-rest protection into the window: File > Encrypt This Inspection…,
Retire Inspection…, Lock Now and Lock When Idle…; the status items saying whether the file
is encrypted and how long it is kept; and the lock when idle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence

from ui.host import Shell
from ui.security.encrypt import Encrypting
from ui.security.lockscreen import LockScreen
from ui.security.retention import Retention
from ui.security.settings_dialog import IdleLockDialog
from ui.security.status import EncryptionStatus

if TYPE_CHECKING:
    from ui.files import Files
    from ui.readonly import ReadOnlyMode
    from ui.session import Session

LOCK_SHORTCUT = "Ctrl+Shift+L"


class SecurityHost(Shell, Protocol):
    """What the security parts need of the window beyond a page's seams."""

    files: Files
    read_only: ReadOnlyMode

    def install_session(self, session: Session) -> None: ...

    def close_session(self) -> None: ...


class Security:
    """The parts, as installed on one window."""

    def __init__(self, host: SecurityHost) -> None:
        self.host = host
        window = host.window()
        self.status = EncryptionStatus(window)
        host.add_status_widget(self.status)
        self.lock_screen = LockScreen(host)
        self.encrypting = Encrypting(host)
        self.retention = Retention(host)
        host.add_status_widget(self.retention.status)

        self.encrypt_action = QAction("&Encrypt This Inspection…", window)
        self.encrypt_action.setObjectName("encryptInspection")
        self.encrypt_action.setStatusTip("Encrypt this inspection file with a passphrase")
        self.encrypt_action.triggered.connect(lambda _c=False: self.encrypting.start())
        host.add_session_action(self.encrypt_action, writes=True)
        self.lock_action = QAction("&Lock Now", window)
        self.lock_action.setObjectName("lockNow")
        self.lock_action.setShortcut(QKeySequence(LOCK_SHORTCUT))
        self.lock_action.setStatusTip("Hide the inspection behind the lock screen now")
        self.lock_action.triggered.connect(lambda _c=False: self.lock_screen.lock(idle=False))
        host.add_session_action(self.lock_action)
        self.settings_action = QAction("Lock When &Idle…", window)
        self.settings_action.setObjectName("lockWhenIdleSettings")
        self.settings_action.setStatusTip("Choose when Fieldwork locks itself")
        self.settings_action.triggered.connect(lambda _c=False: self.change_idle_time())
        window.addAction(self.settings_action)
        host.add_session_action(self.retention.action, writes=True)

        menu = host.menu("file")
        before = host.files.close_action
        for a in (self.encrypt_action, self.retention.action, self.lock_action,
                  self.settings_action):
            menu.insertAction(before, a)
        menu.insertSeparator(before)

        host.session_opened.connect(self._opened)
        host.session_closed.connect(lambda: self.status.show_file(None))
        self._opened()

    def _opened(self) -> None:
        session = self.host.session
        self.status.show_file(None if session is None else session.encrypted)
        self.encrypt_action.setEnabled(session is not None and session.writable
                                       and not session.encrypted)

    def change_idle_time(self) -> None:
        settings = self.host.settings
        dialog = IdleLockDialog(self.host.window(), settings)
        if dialog.exec():
            settings.set_idle_lock_seconds(dialog.seconds())
            self.lock_screen.settings_changed()


def install_security(host: SecurityHost) -> Security:
    """Add encryption, retention and the lock to the window."""
    return Security(host)
