"""Merge Packs: choose the packs, give the passphrase, merge in the background, see what came in.

The merge runs on the worker thread (it writes the store). The library's progress callback
is called there too; :class:`ProgressRelay` turns each call into a signal, which Qt queues
to the GUI thread, so the window keeps painting and answering while the packs are read.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldwork.errors import FieldworkError
from fieldwork.packs import PackHeader
from ui.dialogs.keys import main_button
from ui.folders import dialog_folder
from ui.operations import CoreOp, Op
from ui.team import prompts, work
from ui.team.messages import show_refusal
from ui.team.present import local_time

if TYPE_CHECKING:
    from ui.host import Host

SUMMARY_COLUMNS = ("From", "Pack", "Made", "Added", "Updated", "Deleted", "In conflict")


class ProgressRelay(QObject):
    """Carries the library's progress calls from the worker to the GUI thread.

    Signals:
        progressed(int, int, str): steps done, steps in all, what is happening.
    """

    progressed = Signal(int, int, str)

    def report(self, done: int, total: int, what: str) -> None:
        """Called on the worker; the signal is queued to the GUI thread."""
        self.progressed.emit(done, total, what)


class MergeDialog(QDialog):
    """Three pages: the packs and the passphrase, the progress, and the summary.

    Signals:
        merged(object): the merge finished; carries the :class:`~ui.team.work.MergeOutcome`.
        refused(str): the merge was refused; carries the library's one-line reason.
        review_requested(): the user asked to review the open conflicts.
    """

    merged = Signal(object)
    refused = Signal(str)
    review_requested = Signal()

    def __init__(self, host: Host, paths: list[Path] | None = None,
                 passphrase: str = "") -> None:
        super().__init__(host.window())
        self.host = host
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge Packs")
        self.resize(900, 560)
        self.paths: list[Path] = []
        self.outcome: work.MergeOutcome | None = None
        self.running = False
        self._started = 0.0
        self.relay = ProgressRelay(self)
        self.relay.progressed.connect(self._progressed)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page(passphrase))
        self.pages.addWidget(self._progress_page())
        self.pages.addWidget(self._summary_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        # Enter merges (from the passphrase box too); Esc cancels.
        main_button(self, self.merge_button)
        if paths:
            self.add_paths(paths)
        self._update()

    # ================================================================= pages
    def _choose_page(self, passphrase: str) -> QWidget:
        page = QWidget()
        intro = QLabel("Merge your team's packs into this inspection. Every pack is checked "
                       "before anything is written: if one cannot be merged, none is.")
        intro.setWordWrap(True)
        self.packs = QTreeWidget()
        self.packs.setObjectName("packList")
        self.packs.setHeaderLabels(["Pack", "From", "Made", "Check"])
        self.packs.setRootIsDecorated(False)
        self.packs.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.packs.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.add_button = QPushButton("&Add packs…")
        self.remove_button = QPushButton("&Remove")
        self.add_button.clicked.connect(self._choose_more)
        self.remove_button.clicked.connect(self._remove_selected)
        self.passphrase = QLineEdit(passphrase)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Team passphrase")
        self.passphrase.setPlaceholderText("The team passphrase the packs were made with")
        self.passphrase.textChanged.connect(self._update)
        self.merge_button = QPushButton("&Merge")
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.start)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        side = QHBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        form = QFormLayout()
        form.addRow("Team &passphrase:", self.passphrase)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.merge_button)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.packs, 1)
        layout.addLayout(side)
        layout.addLayout(form)
        layout.addLayout(buttons)
        return page

    def _progress_page(self) -> QWidget:
        page = QWidget()
        self.progress_label = QLabel("Starting…")
        self.progress_label.setObjectName("progressLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("mergeProgress")
        self.progress.setRange(0, 0)
        note = QLabel("The packs are checked and merged in the background. Nothing is written "
                      "until every pack has been read.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)
        layout.addWidget(note)
        layout.addStretch(2)
        return page

    def _summary_page(self) -> QWidget:
        page = QWidget()
        self.summary_title = QLabel("")
        self.summary_title.setObjectName("summaryTitle")
        font = QFont(self.summary_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.summary_title.setFont(font)
        self.summary_subtitle = QLabel("")
        self.summary_subtitle.setWordWrap(True)
        self.table = QTableWidget(0, len(SUMMARY_COLUMNS))
        self.table.setObjectName("mergeSummary")
        self.table.setHorizontalHeaderLabels(list(SUMMARY_COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for c in range(3, len(SUMMARY_COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.conflicts_label = QLabel("")
        self.conflicts_label.setObjectName("conflictsLabel")
        self.conflicts_label.setWordWrap(True)
        self.conflict_list = QTreeWidget()
        self.conflict_list.setObjectName("openConflicts")
        self.conflict_list.setHeaderLabels(["Open conflict", "Versions by"])
        self.conflict_list.setRootIsDecorated(False)
        self.conflict_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.conflict_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.conflict_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.review_button = QPushButton("&Review conflicts…")
        self.review_button.setObjectName("reviewButton")
        self.review_button.clicked.connect(self._review)
        close = QPushButton("&Close")
        close.setObjectName("closeButton")
        close.clicked.connect(self.accept)
        self.close_button = close
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.review_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary_title)
        layout.addWidget(self.summary_subtitle)
        layout.addWidget(self.table)
        layout.addSpacing(8)
        layout.addWidget(self.conflicts_label)
        layout.addWidget(self.conflict_list, 1)
        self.summary_stretch = QWidget()
        layout.addWidget(self.summary_stretch, 1)
        layout.addLayout(buttons)
        return page

    # ================================================================ choosing
    def add_paths(self, paths: list[Path]) -> None:
        """Add packs to the list and read their headers (on the worker)."""
        new = [p for p in paths if p not in self.paths]
        if not new:
            return
        items: list[QTreeWidgetItem] = []
        for path in new:
            item = QTreeWidgetItem([path.name, "…", "", "reading…"])
            item.setToolTip(0, str(path))
            item.setData(0, Qt.ItemDataRole.UserRole, str(path))
            self.packs.addTopLevelItem(item)
            items.append(item)
        self.paths.extend(new)
        self._update()

        def shown(headers: list[PackHeader | FieldworkError]) -> None:
            for item, path, header in zip(items, new, headers, strict=True):
                if path not in self.paths:
                    continue
                if isinstance(header, PackHeader):
                    item.setText(1, header.sender_name)
                    item.setText(2, local_time(header.made_at))
                    item.setText(3, "ready")
                else:
                    item.setText(1, "")
                    reason = str(header).removeprefix(f"{path}: ")
                    item.setText(3, f"cannot be merged: {reason}")
                    item.setForeground(3, Qt.GlobalColor.darkRed)
                    item.setToolTip(3, str(header))

        Op(self, lambda: work.pack_headers(new)).success(shown) \
            .run_in_background(self.host.tasks)

    def _choose_more(self) -> None:
        chosen = prompts.choose_packs(self, dialog_folder(self.host))
        self.add_paths(chosen)

    def _remove_selected(self) -> None:
        for item in self.packs.selectedItems():
            path = Path(str(item.data(0, Qt.ItemDataRole.UserRole)))
            if path in self.paths:
                self.paths.remove(path)
            self.packs.takeTopLevelItem(self.packs.indexOfTopLevelItem(item))
        self._update()

    def _update(self) -> None:
        self.merge_button.setEnabled(bool(self.paths) and bool(self.passphrase.text())
                                     and not self.running)
        self.remove_button.setEnabled(bool(self.paths))

    # ================================================================= merging
    def start(self) -> None:
        """Merge the listed packs on the worker; the progress page shows while it runs."""
        host = self.host
        session = host.session
        if session is None or self.running or not self.paths:
            return
        host.flush()
        paths = list(self.paths)
        passphrase = self.passphrase.text()
        self.running = True
        self._update()
        self.progress.setRange(0, 0)
        self.progress_label.setText(f"Checking {len(paths)} pack{'s' if len(paths) != 1 else ''}…")
        self.pages.setCurrentIndex(1)
        self._started = time.perf_counter()
        report = self.relay.report

        def merged(outcome: work.MergeOutcome) -> None:
            self.running = False
            self.outcome = outcome
            self._show_summary(outcome, time.perf_counter() - self._started)
            self.merged.emit(outcome)

        def failed(err: FieldworkError) -> None:
            self.running = False
            self.pages.setCurrentIndex(0)
            self._update()
            show_refusal(self, "The packs were not merged", err,
                         "Nothing was changed: the inspection is exactly as it was.")
            self.refused.emit(str(err))

        host.run(CoreOp(self, lambda store: work.merge(store, paths, passphrase, report),
                        label="Merging packs…", shows_saving=False)
                 .success(merged).failure(failed))

    def _progressed(self, done: int, total: int, what: str) -> None:
        if not self.running:
            return
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        text = what[:1].upper() + what[1:]
        if what.startswith("reading"):
            text += f" ({done + 1} of {total - 1})"
        self.progress_label.setText(text + "…" if what != "done" else "Done.")

    # ================================================================= summary
    def _show_summary(self, outcome: work.MergeOutcome, seconds: float) -> None:
        n = len(outcome.summaries)
        added, updated, deleted, _ = outcome.totals
        self.summary_title.setText(f"{n} pack{'s' if n != 1 else ''} merged")
        session = self.host.session
        into = f" into {session.path.name}" if session is not None else ""
        self.summary_subtitle.setText(
            f"{added} added, {updated} updated and {deleted} deleted{into}, in "
            f"{seconds:.1f} s. Each row is one pack: what it brought that this copy did not "
            "have yet.")
        rows = [*outcome.summaries, None]
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        totals = outcome.totals
        for r, s in enumerate(rows):
            if s is None:
                texts = ["All packs", "", "", *(str(v) for v in totals)]
            else:
                texts = [s.sender, s.pack, local_time(s.made_at),
                         *(str(v) for v in (s.added, s.updated, s.deleted, s.conflicts))]
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if c >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if s is None:
                    item.setFont(bold)
                if c == 6 and text != "0":
                    item.setForeground(Qt.GlobalColor.darkRed)
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        shown_rows = min(len(rows), 10)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth() + sum(
            self.table.rowHeight(r) for r in range(shown_rows))
        self.table.setFixedHeight(height)
        open_now = outcome.open_conflicts
        self.conflict_list.clear()
        for what, who in outcome.conflicts:
            line = QTreeWidgetItem([what, who])
            line.setToolTip(0, what)
            self.conflict_list.addTopLevelItem(line)
        if open_now:
            more = open_now - len(outcome.conflicts)
            self.conflicts_label.setText(
                f"<b>{open_now} conflict{'s are' if open_now != 1 else ' is'} open.</b> Two "
                "people changed the same thing without seeing each other's change: both "
                "versions are kept, and the one shown for now is provisional, until you decide."
                + (f" The first {len(outcome.conflicts)} are listed; {more} more are in the "
                   "review." if more > 0 else ""))
            self.conflicts_label.setStyleSheet("color: #8a4b00;")
        else:
            self.conflicts_label.setText("No conflicts are open: nothing needs deciding.")
            self.conflicts_label.setStyleSheet("")
        self.conflict_list.setVisible(open_now > 0)
        self.summary_stretch.setVisible(open_now == 0)
        self.review_button.setVisible(open_now > 0)
        self.review_button.setDefault(open_now > 0)
        self.close_button.setDefault(open_now == 0)
        self.pages.setCurrentIndex(2)

    def summary_rows(self) -> list[list[str]]:
        """The summary table's cells, row by row (for tests)."""
        rows: list[list[str]] = []
        for r in range(self.table.rowCount()):
            items = (self.table.item(r, c) for c in range(self.table.columnCount()))
            rows.append([item.text() if item is not None else "" for item in items])
        return rows

    def _review(self) -> None:
        self.accept()
        self.review_requested.emit()

    # ================================================================= closing
    def reject(self) -> None:
        if self.running:
            return  # a merge cannot stop half-way; it finishes, all or nothing
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)
