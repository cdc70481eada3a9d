"""The issuing dialogs: confirm an issue (or say what blocks it), the checksum once issued,
and confirm a reopening."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from fieldwork.checks import CheckResult
from ui.dialogs.keys import main_button
from ui.letter import printing
from ui.letter.checks_view import ERROR, WARNING, message

__all__ = ["IssueDialog", "confirm_reopen", "exec_dialog", "show_issued"]


class IssueDialog(QDialog):
    """"Issue the letter?" with the checks: errors block it, warnings are shown first."""

    def __init__(self, results: list[CheckResult], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("issueDialog")
        self.setWindowTitle("Issue the Letter")
        self.setMinimumWidth(560)
        errors = [r for r in results if r.level == "error"]
        warnings = [r for r in results if r.level != "error"]
        self.blocked = bool(errors)
        if errors:
            head = (f"<b>The letter cannot be issued yet.</b><br>{len(errors)} "
                    f"error{'s' if len(errors) != 1 else ''} must be put right first. Click one "
                    "in the checks list beside the preview to go to it.")
        else:
            head = ("<b>Issue the letter?</b><br>Issuing stores this exact PDF in the inspection "
                    "file with its sha256 checksum, and freezes the letter: its fields and "
                    "findings cannot change unless you reopen it for a re-issue.")
        self.message = QLabel(head)
        self.message.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("issueChecks")
        self.list.setWordWrap(True)
        for r in [*errors, *warnings]:
            mark = "✖ Error" if r.level == "error" else "⚠ Warning"
            item = QListWidgetItem(f"{mark}: {message(r)}")
            item.setForeground(ERROR if r.level == "error" else WARNING)
            self.list.addItem(item)
        self.list.setVisible(bool(results))
        note = ""
        if warnings and not errors:
            note = (f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} do not block "
                    "issuing; read them before you go on.")
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        buttons = QDialogButtonBox()
        if errors:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
            self.issue_button = None
        else:
            self.issue_button = buttons.addButton("Issue Letter",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # Enter issues (or, with errors, closes); Esc cancels.
        main_button(self, self.issue_button or buttons.button(
            QDialogButtonBox.StandardButton.Close))
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)


def show_issued(parent: QWidget | None, what: str, sha256: str) -> QMessageBox:
    """The letter is issued: who and when, and its checksum to copy."""
    box = QMessageBox(QMessageBox.Icon.Information, "Letter Issued", "The letter is issued.",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("issuedDialog")
    box.setInformativeText(
        f"{html.escape(what)}.<br><br>sha256 checksum of the issued PDF:<br>"
        f"<code>{sha256}</code><br><br>Printing or exporting it gives this same file every "
        "time. Its fields and findings are now frozen.")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    exec_dialog(box)
    return box


def exec_dialog(dialog: QDialog) -> int:
    """Show a dialog modally (through :func:`ui.letter.printing.exec_dialog`, which tests
    replace to answer for the user)."""
    return printing.exec_dialog(dialog)


def confirm_reopen(parent: QWidget | None, what: str, sha256: str) -> bool:
    """Ask before unfreezing an issued letter."""
    box = QMessageBox(QMessageBox.Icon.Question, "Reopen for Re-issue",
                      "Reopen the letter for a re-issue?", QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("reopenDialog")
    box.setInformativeText(
        f"{what}, sha256 {sha256[:16]}…. That issue stays on record in the inspection file. "
        "The letter goes back to draft so that it can be changed, and must be issued again.")
    reopen = box.addButton("Reopen", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(reopen)  # Enter reopens (the user chose Reopen…); Esc cancels
    box.setEscapeButton(cancel)
    exec_dialog(box)
    return box.clickedButton() is reopen
