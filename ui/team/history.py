"""History: every recorded change to one note or finding: who, when, and what changed.

A non-modal window. While it is open it follows the note or finding chosen in the main
window, and reads the history again after every change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from fieldwork.errors import FieldworkError
from fieldwork.model import Changes
from ui.dialogs.keys import main_button
from ui.operations import Op
from ui.team import work
from ui.team.present import kind_label
from ui.team.render import history_html

if TYPE_CHECKING:
    from ui.host import Host


class HistoryDialog(QDialog):
    """One row's edit history, newest first.

    Signals:
        loaded(str): the history of this row id is on screen.
    """

    loaded = Signal(str)

    def __init__(self, host: Host) -> None:
        super().__init__(host.window())
        self.host = host
        self.setObjectName("historyDialog")
        self.setWindowTitle("History")
        self.resize(760, 640)
        self.row_id: str | None = None
        self.history: work.RowHistory | None = None
        self._generation = 0
        self.title = QLabel("")
        self.title.setObjectName("historyTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.subtitle = QLabel("")
        self.subtitle.setObjectName("historySubtitle")
        self.subtitle.setWordWrap(True)
        self.view = QTextBrowser()
        self.view.setObjectName("historyView")
        self.view.setAccessibleName("History")
        self.view.setOpenLinks(False)
        legend = QLabel("Removed words are struck through in red; added words are green. "
                        "Times are local. This window follows the note or finding you select.")
        legend.setWordWrap(True)
        legend.setStyleSheet("color: palette(mid);")
        close = QPushButton("&Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(legend, 1)
        bottom.addWidget(close)
        main_button(self, close)  # Enter and Esc close
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        host.changes_applied.connect(self.on_changes)

    def show_row(self, row_id: str) -> None:
        """Show the history of this note or finding (read on the worker)."""
        self.row_id = row_id
        self.reload()

    def reload(self) -> None:
        session = self.host.session
        row_id = self.row_id
        if session is None or row_id is None or not self.isVisible():
            return
        self._generation += 1
        generation = self._generation

        def done(history: work.RowHistory) -> None:
            if generation != self._generation or self.host.session is not session:
                return
            self._show(history)

        def failed(err: FieldworkError) -> None:
            if generation == self._generation:
                self.title.setText("No history")
                self.subtitle.setText(str(err))
                self.view.clear()

        Op(self, lambda: work.load_history(session.writer, row_id)).success(done) \
            .failure(failed).run_in_background(self.host.tasks)

    def on_changes(self, changes: Changes, _initiator: object) -> None:
        """A change to the row shown adds to its history: read it again."""
        row_id = self.row_id
        if row_id is not None and (changes.everything or row_id in changes.notes
                                   or row_id in changes.findings):
            self.reload()

    def _show(self, history: work.RowHistory) -> None:
        same = self.history is not None and self.history.row_id == history.row_id
        scroll = self.view.verticalScrollBar().value() if same else 0
        self.history = history
        kind = kind_label(history.table).lower()
        self.setWindowTitle(f"History of the {kind}")
        self.title.setText(history.title + ("  (deleted)" if history.deleted else ""))
        n = len(history.entries)
        people = sorted({history.names.inspector(e.by) for e in history.entries})
        self.subtitle.setText(
            f"{n} recorded change{'s' if n != 1 else ''} by {', '.join(people)}")
        self.view.setHtml(history_html(history))
        self.view.verticalScrollBar().setValue(scroll)
        self.loaded.emit(history.row_id)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()
