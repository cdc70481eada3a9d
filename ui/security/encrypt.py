"""File > Encrypt This Inspection…: converting the open plain file in place.

The passphrase is asked twice (:class:`~ui.security.dialogs.NewPassphraseDialog`: at
least 12 characters, with the warning that a forgotten one loses everything). Then the file
is closed, the core's :func:`fieldwork.encryption.encrypt_file` runs on the worker
(:class:`~ui.security.offline.ClosedWork`), and the file opens again, encrypted, with the
passphrase kept in the session.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.security.dialogs import NewPassphraseDialog
from ui.security.offline import ClosedWork

if TYPE_CHECKING:
    from ui.security.install import SecurityHost


def ask_new_passphrase(window: QWidget, name: str) -> str | None:
    """The passphrase to encrypt ``name`` with (typed twice), or None if cancelled."""
    dialog = NewPassphraseDialog(
        window, "Encrypt This Inspection",
        f"Encrypt {name} with a passphrase. From now on it opens only with that "
        "passphrase, here and in any copy of the file. Packs made from it work as before.")
    chosen = dialog.value() if dialog.exec() else None
    dialog.deleteLater()  # the typed passphrase goes with it
    return chosen


def ask_copy_encryption(window: QWidget, name: str) -> str | None:
    """Whether a new copy (joined from a pack) is encrypted: its passphrase, ``""`` to
    keep it plain, or None if the user cancelled."""
    box = QMessageBox(QMessageBox.Icon.Question, "Encrypt Your Copy",
                      f"Encrypt {name} with a passphrase of your own?",
                      QMessageBox.StandardButton.Cancel, window)
    box.setObjectName("encryptCopyQuestion")
    box.setInformativeText(
        "An encrypted copy cannot be read by anyone who takes the laptop or the file without "
        "its passphrase. The team passphrase still opens the team's packs.")
    encrypt = box.addButton("&Encrypt…", QMessageBox.ButtonRole.AcceptRole)
    plain = box.addButton("Keep It &Plain", QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(encrypt)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is plain:
        return ""
    if clicked is not encrypt:
        return None
    return ask_new_passphrase(window, name)


def _encrypt(path: Path, passphrase: str) -> None:
    from fieldwork.encryption import encrypt_file

    encrypt_file(path, passphrase)


class Encrypting(QObject):
    """The menu entry's work on one window."""

    def __init__(self, host: SecurityHost) -> None:
        super().__init__(host.window())
        self.host = host
        self.work: ClosedWork | None = None

    def start(self, passphrase: str | None = None) -> None:
        """Ask for the passphrase (unless given), then encrypt the open file."""
        host = self.host
        session = host.session
        if session is None:
            return
        if session.encrypted:
            host.statusBar().showMessage(f"{session.path.name} is already encrypted.", 5000)
            return
        if not session.writable:
            host.statusBar().showMessage(
                "Read-only: this inspection cannot be encrypted here.", 5000)
            return
        if passphrase is None:
            passphrase = ask_new_passphrase(host.window(), session.path.name)
            if passphrase is None:
                return
        path, chosen = session.path, passphrase

        def done(_none: None) -> None:
            host.statusBar().showMessage(
                f"Encrypted {path.name}: it now opens only with its passphrase.", 8000)

        self.work = ClosedWork(host, f"Encrypting {path.name}…")
        self.work.run(path, lambda p: _encrypt(p, chosen), passphrase=chosen, key_id=None,
                      before=None, done=done, hold_lock=False)  # encrypt_file takes it
