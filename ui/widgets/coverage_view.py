"""The coverage matrix and its summary line."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldwork.model import CaseKind
from ui.lazy import note_filter
from ui.models.coverage import FILTER_ROLE, NO_EVIDENCE, ONE_SOURCE, CoverageModel
from ui.session import Overview


class CoverageView(QWidget):
    """Findings × source types, with the untagged and sampled counts above.

    Signals:
        filter_requested(object): a NoteFilter for the notes list.
    """

    filter_requested = Signal(object)

    def __init__(self, model: CoverageModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.summary = QLabel()
        self.summary.setObjectName("coverageSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.linkActivated.connect(self._link)
        legend = QLabel(
            f'<span style="background:{NO_EVIDENCE.name()}">&nbsp;no evidence&nbsp;</span>'
            f'&nbsp;&nbsp;<span style="background:{ONE_SOURCE.name()}">'
            "&nbsp;one kind of source&nbsp;</span>&nbsp;&nbsp;Click a cell to see its notes."
        )
        legend.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableView()
        self.table.setObjectName("coverageMatrix")
        self.table.setAccessibleName("Coverage matrix")
        self.table.setModel(model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultSectionSize(78)
        header.setMinimumSectionSize(40)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.verticalHeader().setDefaultSectionSize(2 * self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)

    def set_overview(self, ov: Overview | None) -> None:
        self.model.set_overview(ov)
        header = self.table.horizontalHeader()
        for col in range(1, self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, 52 if col < self.model.columnCount() - 1 else 48)
        if ov is None:
            self.summary.setText("")
            return
        sampled = sum(1 for c in ov.cases if c.kind == CaseKind.SAMPLED)
        tracked = sum(1 for c in ov.cases if c.kind == CaseKind.TRACKED)
        none = sum(1 for r in range(self.model.rowCount()) if self.model.status(r) == "none")
        single = sum(1 for r in range(self.model.rowCount()) if self.model.status(r) == "single")
        warn = []
        if none:
            warn.append(f'<b style="color:#b3261e">{none} without evidence</b>')
        if single:
            warn.append(f'<b style="color:#8a5300">{single} from one kind of source</b>')
        findings = f"{len(ov.findings)} findings" + (f" — {', '.join(warn)}" if warn else "")
        self.summary.setText(
            f"{findings}<br>"
            f'<a href="untagged">{ov.untagged} untagged note{"s" if ov.untagged != 1 else ""}'
            f"</a> of {ov.total} · {len(ov.cases)} cases looked at: {sampled} sampled, "
            f"{tracked} tracked"
        )

    def _link(self, href: str) -> None:
        if href == "untagged":
            self.filter_requested.emit(note_filter(untagged=True))

    def _clicked(self, index: QModelIndex) -> None:
        where = index.data(FILTER_ROLE)
        if where is not None:
            self.filter_requested.emit(where)
