""""Encrypt this file" in the New Inspection dialog: a box, and the passphrase typed twice
(shown only when the box is ticked)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.security.dialogs import FORGOTTEN, min_length


class EncryptChoice(QWidget):
    """Whether a new inspection is encrypted from the start, and with which passphrase."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("encryptChoice")
        self.box = QCheckBox("&Encrypt this file with a passphrase")
        self.box.setObjectName("encryptFile")
        self.box.setToolTip("Nobody can read the file without the passphrase: not on a lost "
                            "laptop, not in a copy.")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("newPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.again = QLineEdit()
        self.again.setObjectName("newPassphraseAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("Passphrase again")
        self.warning = QLabel(FORGOTTEN)
        self.warning.setWordWrap(True)
        self.fields = QWidget()
        form = QFormLayout(self.fields)
        form.setContentsMargins(20, 0, 0, 0)
        form.addRow("Pass&phrase:", self.passphrase)
        form.addRow("A&gain:", self.again)
        form.addRow(self.warning)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.fields)
        self.fields.setVisible(False)
        self.box.toggled.connect(self.fields.setVisible)

    def problem_text(self) -> str:
        if not self.box.isChecked():
            return ""
        text = self.passphrase.text()
        if len(text) < min_length():
            return f"The passphrase needs at least {min_length()} characters."
        if text != self.again.text():
            return "The two passphrases are not the same."
        return ""

    def chosen(self) -> str | None:
        """The passphrase to encrypt the new file with, or None for a plain file."""
        return self.passphrase.text() if self.box.isChecked() else None
