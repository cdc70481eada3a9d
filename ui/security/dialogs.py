"""The security dialogs: typing a file's passphrase (to open or to unlock it), and choosing
a new one (to encrypt a file).

:class:`UnlockDialog` stays open while the passphrase is tried on the worker: a wrong one
is said in the dialog, the text stays selected for typing again, and nothing else is lost.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QIcon,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def min_length() -> int:
    """The shortest passphrase that may encrypt a file (the core's rule, as for team packs;
    read when needed: the core's encryption is not imported while the window is built)."""
    from fieldwork.encryption import MIN_PASSPHRASE

    return MIN_PASSPHRASE
PROBLEM_STYLE = "color: #a01010;"
FORGOTTEN = ("If the passphrase is forgotten, the inspection cannot be opened again by "
             "anyone: there is no way to recover it. Keep it somewhere safe.")


class UnlockDialog(QDialog):
    """A file's passphrase, typed hidden; Enter tries it, Esc cancels.

    ``keychain`` offers "Remember in the system keychain" (only where there is one);
    ``close_text`` names the button that stands for Cancel ("Close File" on the lock
    screen, where Esc does nothing).

    Signals:
        submitted(str, bool): try this passphrase (and remember it in the keychain).
    """

    submitted = Signal(str, bool)

    def __init__(self, parent: QWidget | None, title: str, text: str, *,
                 keychain: bool = False, remembered: bool = False,
                 ok_text: str = "&Open", close_text: str = "", ask: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self._ask = ask
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        icon = QLabel()
        icon.setPixmap(lock_icon(self).pixmap(32, 32))
        self.intro = QLabel(text)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.remember = QCheckBox("&Remember in the system keychain")
        self.remember.setObjectName("rememberPassphrase")
        self.remember.setToolTip("Keep the passphrase in this computer's keychain, so that "
                                 "Fieldwork opens this inspection without asking. It is "
                                 "stored nowhere else.")
        self.remember.setChecked(remembered)
        self.remember.setVisible(keychain)
        self.problem = QLabel("")
        self.problem.setObjectName("passphraseProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        form = QFormLayout()
        if ask:
            form.addRow("&Passphrase:", self.passphrase)
        else:
            self.passphrase.hide()  # only a click (or Enter) to go on
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("unlockButton")
        self.ok.setDefault(True)
        self.cancel: QPushButton = self.buttons.addButton(
            close_text or "Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel.setObjectName("closeFileButton" if close_text else "cancelButton")
        self.cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self._closable = not close_text
        self._ok_label = ok_text
        layout = QVBoxLayout(self)
        row = QFormLayout()
        row.addRow(icon, self.intro)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._typed)
        self._typed()
        self.passphrase.setFocus()

    def _typed(self) -> None:
        self.ok.setEnabled(not self._ask or (bool(self.passphrase.text())
                                             and self.passphrase.isEnabled()))

    def _submit(self) -> None:
        text = self.passphrase.text()
        if self._ask and (not text or not self.passphrase.isEnabled()):
            return
        self.busy(True)
        self.submitted.emit(text, self.remember.isVisible() and self.remember.isChecked())

    def busy(self, on: bool) -> None:
        """While the passphrase is being tried: nothing can be typed or pressed twice."""
        self.passphrase.setEnabled(not on)
        self.remember.setEnabled(not on)
        self.ok.setText("Opening…" if on else self._ok_label)
        self._typed()
        if on:
            self.problem.hide()

    def wrong(self, message: str) -> None:
        """Say why that passphrase did not open the file, and let it be typed again."""
        self.busy(False)
        self.problem.setText(message)
        self.problem.show()
        self.adjustSize()
        self.passphrase.setFocus()
        self.passphrase.selectAll()

    def finish(self, accepted: bool = True) -> None:
        """Close the dialog (the lock screen's too): the file opened, or was closed."""
        self._closable = True
        if accepted:
            self.accept()
        else:
            self.reject()

    def done(self, result: int) -> None:
        self.passphrase.clear()  # not left in a hidden widget's memory
        super().done(result)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self._closable:
            event.accept()  # the lock screen stays until unlocked or the file is closed
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self._submit()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closable:
            event.ignore()
            return
        super().closeEvent(event)


class NewPassphraseDialog(QDialog):
    """A new passphrase for a file, typed twice, at least :func:`min_length` characters,
    with the warning that a forgotten one loses everything."""

    def __init__(self, parent: QWidget | None, title: str, text: str, *,
                 ok_text: str = "&Encrypt") -> None:
        super().__init__(parent)
        self.setObjectName("newPassphraseDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        intro = QLabel(text)
        intro.setWordWrap(True)
        warning = QLabel(FORGOTTEN)
        warning.setObjectName("forgottenWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet("font-weight: bold;")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("newPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("New passphrase")
        self.again = QLineEdit()
        self.again.setObjectName("newPassphraseAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("New passphrase again")
        self.problem = QLabel("")
        self.problem.setObjectName("newPassphraseProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        form.addRow("&Again:", self.again)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._check)
        self.again.textChanged.connect(self._check)
        self._check()

    def problem_text(self) -> str:
        text = self.passphrase.text()
        if len(text) < min_length():
            return (f"A passphrase needs at least {min_length()} characters "
                    f"({len(text)} so far). Several unrelated words are easy to remember.")
        if text != self.again.text():
            return "The two passphrases are not the same."
        return ""

    def _check(self) -> None:
        problem = self.problem_text()
        typed = bool(self.passphrase.text() or self.again.text())
        self.problem.setText(problem if typed else "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problem)

    def accept(self) -> None:
        if self.problem_text():
            return
        super().accept()

    def value(self) -> str:
        return self.passphrase.text()


def lock_icon(widget: QWidget) -> QIcon:
    """A padlock: the theme's, or one drawn here (Qt has none of its own)."""
    icon = QIcon.fromTheme("system-lock-screen", QIcon.fromTheme("changes-prevent"))
    if not icon.isNull():
        return icon
    color = widget.palette().color(QPalette.ColorRole.WindowText)
    drawn = QIcon()
    for size in (16, 32, 64):
        drawn.addPixmap(_padlock(size, color))
    return drawn


def _padlock(size: int, color: QColor) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    unit = size / 16
    pen = QPen(color, max(1.0, 1.6 * unit))
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(4.5 * unit, 1.5 * unit, 7 * unit, 9 * unit), 0, 180 * 16)
    p.drawLine(QPointF(4.5 * unit, 6 * unit), QPointF(4.5 * unit, 7.5 * unit))
    p.drawLine(QPointF(11.5 * unit, 6 * unit), QPointF(11.5 * unit, 7.5 * unit))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawRoundedRect(QRectF(2.5 * unit, 7 * unit, 11 * unit, 8 * unit), unit, unit)
    p.setBrush(Qt.GlobalColor.white)
    p.drawEllipse(QPointF(8 * unit, 10.5 * unit), 1.2 * unit, 1.2 * unit)
    p.end()
    return pixmap


__all__ = ["NewPassphraseDialog", "UnlockDialog", "lock_icon", "min_length"]
