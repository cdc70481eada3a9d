"""The questions the Team menu asks: files, the passphrase, who I am.

Each is one function, so a test can replace it (``monkeypatch.setattr(prompts, ...)``)
instead of clicking through a native file dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldwork.model import Inspector, Role
from ui.dialogs.keys import main_button

PACK_FILTER = "Team packs (*.fwpack)"
INSPECTION_FILTER = "Inspections (*.fieldwork)"


class PassphraseDialog(QDialog):
    """The team passphrase, typed hidden; with ``confirm``, typed twice to catch a slip.
    With ``confirm`` or ``new_pack`` it will make packs, so it needs
    :data:`~fieldwork.passphrases.MIN_PASSPHRASE` characters."""

    def __init__(self, parent: QWidget | None, title: str, text: str, *,
                 confirm: bool = False, initial: str = "", new_pack: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.passphrase = QLineEdit(initial)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Team passphrase")
        self.again = QLineEdit(initial)
        self.again.setObjectName("passphraseAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("Team passphrase again")
        self.show_text = QCheckBox("&Show the passphrase")
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #a01010;")
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        if confirm:
            form.addRow("&Again:", self.again)
        else:
            self.again.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        main_button(self, self.buttons.button(QDialogButtonBox.StandardButton.Ok))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.show_text)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._confirm = confirm
        self._new_pack = confirm or new_pack
        self.passphrase.textChanged.connect(self._check)
        self.again.textChanged.connect(self._check)
        self.show_text.toggled.connect(self._show)
        self._check()

    def _show(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.again.setEchoMode(mode)

    def problem_text(self) -> str:
        from fieldwork.passphrases import MIN_PASSPHRASE

        if not self.passphrase.text():
            return "Type the team passphrase."
        if self._new_pack and len(self.passphrase.text()) < MIN_PASSPHRASE:
            # Only making a pack needs it: an older pack opens with what it has.
            return f"A team passphrase needs at least {MIN_PASSPHRASE} characters."
        if self._confirm and self.again.text() != self.passphrase.text():
            return "The two passphrases differ."
        return ""

    def _check(self) -> None:
        problem = self.problem_text()
        shown = problem if self.passphrase.text() else ""
        self.problem.setText(shown)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def value(self) -> str:
        return self.passphrase.text()


def ask_passphrase(parent: QWidget | None, title: str, text: str, *, confirm: bool = False,
                   initial: str = "", new_pack: bool = False) -> str | None:
    """The passphrase typed, or None if cancelled."""
    dialog = PassphraseDialog(parent, title, text, confirm=confirm, initial=initial,
                              new_pack=new_pack)
    return dialog.value() if dialog.exec() else None


def choose_packs(parent: QWidget | None, folder: str) -> list[Path]:
    paths, _ = QFileDialog.getOpenFileNames(parent, "Merge Packs", folder,
                                            f"{PACK_FILTER};;All files (*)")
    return [Path(p) for p in paths]


def choose_pack(parent: QWidget | None, folder: str) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Join an Inspection from a Pack", folder,
                                          f"{PACK_FILTER};;All files (*)")
    return Path(path) if path else None


def save_pack(parent: QWidget | None, suggested: Path) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export My Pack", str(suggested), PACK_FILTER)
    if not path:
        return None
    return Path(path if path.endswith(".fwpack") else path + ".fwpack")


def save_inspection(parent: QWidget | None, suggested: Path) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save My Copy of the Inspection", str(suggested), INSPECTION_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite)
    if not path:
        return None
    return Path(path if path.endswith(".fieldwork") else path + ".fieldwork")


def choose_member(parent: QWidget | None, team: list[Inspector], sender: str) -> str | None:
    """Who am I in this team: the chosen inspector's id, or None if cancelled."""
    if not team:
        return None
    labels = [f"{i.name} (lead)" if i.role == Role.LEAD else i.name for i in team]
    start = next((n for n, i in enumerate(team) if i.role != Role.LEAD), 0)
    label, ok = QInputDialog.getItem(
        parent, "Who Are You?",
        f"This pack from {sender} holds the inspection's team.\n"
        "Choose yourself: the notes you write are recorded as yours.",
        labels, start, False)
    if not ok:
        return None
    return team[labels.index(label)].id


def encrypt_copy(parent: QWidget | None, name: str) -> str | None:
    """The passphrase to encrypt a new copy with, ``""`` for a plain one, None: cancelled."""
    from ui.security.encrypt import ask_copy_encryption

    return ask_copy_encryption(parent, name)  # type: ignore[arg-type]
