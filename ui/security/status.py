"""The status-bar item saying which kind of file is open: "Encrypted" (with a padlock) or
"Not encrypted", with a tooltip saying what that means."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.security.dialogs import lock_icon

ENCRYPTED_TIP = ("This inspection file is encrypted: without its passphrase nobody can read "
                 "it, on a lost laptop or in a copy. It is readable while it is open here.")
PLAIN_TIP = ("This inspection file is not encrypted: anyone with the file can read it. "
             "File > Encrypt This Inspection… encrypts it with a passphrase.")


class EncryptionStatus(QWidget):
    """The item itself; :meth:`show_file` sets it for the file open now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("encryptionStatus")
        self.icon = QLabel()
        self.icon.setPixmap(lock_icon(self).pixmap(16, 16))
        self.label = QLabel()
        self.label.setObjectName("encryptionStatusText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(4)
        layout.addWidget(self.icon)
        layout.addWidget(self.label)
        self.show_file(None)

    @property
    def text(self) -> str:
        return self.label.text()

    def show_file(self, encrypted: bool | None) -> None:
        """``encrypted`` for the open file, None when none is open."""
        self.setVisible(encrypted is not None)
        self.icon.setVisible(bool(encrypted))
        self.label.setText("Encrypted" if encrypted else "Not encrypted")
        self.setToolTip(ENCRYPTED_TIP if encrypted else PLAIN_TIP)
        self.setAccessibleName(self.label.text())
