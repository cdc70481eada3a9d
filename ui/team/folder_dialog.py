"""Team ▸ Team Folder…: choose the folder packs are exchanged in, and see what is there.

The window shows the folder (with Choose… and Stop Syncing), what must never go in it,
when it was last synced and what that brought, and every pack in it as this copy last saw
it: whose, when made, and whether it was merged (with what it brought), refused (and
why), is still arriving, or is this copy's own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.keys import main_button
from ui.folders import documents_folder
from ui.operations import Op
from ui.team import folder_work
from ui.team.diff import escape
from ui.team.folder_work import PackLine

if TYPE_CHECKING:
    from ui.host import Host
    from ui.team.folder import TeamFolder

NEVER = ("Only packs go in the team folder. Never put the inspection file (.fieldwork) there: "
         "a sync engine copying it while Fieldwork writes to it damages it. Nor a file "
         "holding the passphrase: the engine copies it to every machine, and perhaps a cloud.")


def tip(text: str) -> str:
    """A tooltip showing ``text`` as it is (Qt would take text that looks like markup for
    markup)."""
    return f"<qt>{escape(text)}</qt>"


def choose_folder(parent: QWidget | None, start: str) -> Path | None:
    """The folder chosen, or None (a test replaces this)."""
    path = QFileDialog.getExistingDirectory(parent, "Choose the Team Folder", start)
    return Path(path) if path else None


class TeamFolderDialog(QDialog):
    """The team folder of the open inspection, and what this copy knows of its packs."""

    def __init__(self, host: Host, folder: TeamFolder) -> None:
        super().__init__(host.window())
        self.host = host
        self.team_folder = folder
        self.setObjectName("teamFolderDialog")
        self.setWindowTitle("Team Folder")
        self.resize(860, 520)

        self.folder_label = QLabel("")
        self.folder_label.setObjectName("folderLabel")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.choose_button = QPushButton("&Choose…")
        self.choose_button.setObjectName("chooseFolder")
        self.choose_button.clicked.connect(self.choose)
        self.stop_button = QPushButton("&Stop Syncing")
        self.stop_button.setObjectName("stopSyncing")
        self.stop_button.clicked.connect(self.stop)
        # Sender names, file names and reasons come from the team folder: never markup.
        self.problem = QLabel("")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setObjectName("folderProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a01010;")
        never = QLabel(NEVER)
        never.setWordWrap(True)
        never.setStyleSheet("color: palette(mid);")
        self.state_label = QLabel("")
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.state_label.setObjectName("syncState")
        self.state_label.setWordWrap(True)
        self.packs = QTreeWidget()
        self.packs.setObjectName("folderPacks")
        self.packs.setHeaderLabels(["From", "Made", "State", "Details"])
        self.packs.setRootIsDecorated(False)
        self.packs.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.packs.header()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.sync_button = QPushButton("Sync &Now")
        self.sync_button.setObjectName("syncNow")
        self.sync_button.clicked.connect(self._sync_now)
        self.review_button = QPushButton("&Review Conflicts…")
        self.review_button.setObjectName("reviewConflicts")
        self.review_button.clicked.connect(self._review)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        self.close_button = close

        top = QHBoxLayout()
        top.addWidget(self.folder_label, 1)
        top.addWidget(self.choose_button)
        top.addWidget(self.stop_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        buttons.addWidget(self.review_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(never)
        layout.addSpacing(6)
        layout.addWidget(self.state_label)
        layout.addWidget(self.packs, 1)
        layout.addLayout(buttons)
        folder.status_changed.connect(self._show_state)

    # ================================================================ showing
    def reload(self) -> None:
        """Show the folder and the state, and read this copy's record of its packs."""
        self._show_state()
        session = self.host.session
        if session is None or self.team_folder.folder is None:
            self.packs.clear()
            return

        def shown(lines: list[PackLine]) -> None:
            if self.host.session is session:
                self._fill(lines)

        Op(self, lambda: folder_work.folder_lines(session.writer)).success(shown) \
            .run_in_background(self.host.tasks)

    def _fill(self, lines: list[PackLine]) -> None:
        self.packs.clear()
        for line in lines:
            item = QTreeWidgetItem([line.sender or "?", line.made, line.state, line.detail])
            item.setToolTip(0, tip(line.name))
            item.setToolTip(3, tip(line.detail))
            if line.state == "refused":
                item.setForeground(2, Qt.GlobalColor.darkRed)
            self.packs.addTopLevelItem(item)

    def _show_state(self) -> None:
        folder = self.team_folder.folder
        status = self.team_folder.status
        if folder is None:
            self.folder_label.setText("<b>No team folder is chosen</b> for this inspection on "
                                      "this machine.")
        else:
            self.folder_label.setText(f"<b>Team folder:</b> {escape(str(folder))}")
        self.stop_button.setEnabled(folder is not None)
        self.sync_button.setEnabled(folder is not None and not status.running)
        # Enter chooses a folder while there is none, else closes; Esc closes.
        main_button(self, self.choose_button if folder is None else self.close_button)
        self.problem.setText(self.team_folder.problem_detail if status.problem else "")
        self.problem.setVisible(bool(status.problem))
        report = self.team_folder.last_report
        words = [status.text(dt.datetime.now()).removeprefix("Team folder: ")]
        if report is not None:
            if report.wrote is not None:
                words.append("Your pack was written.")
            for note in report.waiting:
                words.append(f"Still arriving: {note.name}"
                             + (f" from {note.sender}" if note.sender else "") + ".")
        for note in status.news.refused:
            words.append(f"Refused {note.name}"
                         + (f" from {note.sender}" if note.sender else "") + f": {note.reason}.")
        self.state_label.setText("\n".join(words) if folder is not None else "")
        self.review_button.setVisible(status.conflicts > 0)

    # ================================================================ actions
    def choose(self, folder: Path | None = None) -> None:
        current = self.team_folder.folder
        chosen = folder or choose_folder(self, str(current or documents_folder()))
        if chosen is None:
            return
        why = self.team_folder.set_folder(chosen)
        self.problem.setText(why)
        self.problem.setVisible(bool(why))
        if not why:
            self.reload()

    def stop(self) -> None:
        self.team_folder.set_folder(None)
        self.reload()

    def _sync_now(self) -> None:
        self.team_folder.sync_now()

    def _review(self) -> None:
        self.team_folder.team.review_conflicts()
