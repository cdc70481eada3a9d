"""The coverage matrix: findings × source types, with how many notes back each pair."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from fieldwork.model import Finding, SourceType
from ui.lazy import note_filter
from ui.session import Overview

FILTER_ROLE = Qt.ItemDataRole.UserRole + 30
STATUS_ROLE = Qt.ItemDataRole.UserRole + 31

Index = QModelIndex | QPersistentModelIndex

SOURCES: tuple[SourceType, ...] = tuple(SourceType)
#: Column 0 is the finding, then one per source type, then the total.
TOTAL_COLUMN = len(SOURCES) + 1

HEADERS: dict[SourceType, str] = {
    SourceType.CASE_RECORD: "Case\nrecord",
    SourceType.SUPERVISION_FILE: "Super-\nvision",
    SourceType.OBSERVATION: "Obser-\nvation",
    SourceType.INTERVIEW: "Inter-\nview",
    SourceType.MANAGEMENT_INFORMATION: "Mgmt\ninfo",
    SourceType.PARTNER_AGENCY: "Partner\nagency",
    SourceType.OTHER: "Other",
}

NO_EVIDENCE = QColor("#f9d6d3")
ONE_SOURCE = QColor("#fdebc8")
WARN_TEXT = QColor("#8c1d18")


def heat(count: int, top: int) -> QColor | None:
    """A cell's colour: pale to deep teal as the count rises towards the busiest cell."""
    if count <= 0 or top <= 0:
        return None
    share = min(1.0, count / top)
    start, end = (235, 246, 245), (38, 140, 132)
    r, g, b = (round(s + (e - s) * (0.15 + 0.85 * share)) for s, e in zip(start, end, strict=True))
    return QColor(r, g, b)


class CoverageModel(QAbstractTableModel):
    """One row per finding in letter order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []
        self._titles: dict[str, str] = {}
        self._counts: list[dict[str, int]] = []
        self._top = 0

    def set_overview(self, ov: Overview | None) -> None:
        findings = list(ov.findings) if ov else []
        evidence = ov.evidence if ov else {}
        counts = [dict(evidence.get(f.id, {}).get("sources", {})) for f in findings]
        same_shape = [f.id for f in findings] == [f.id for f in self._findings]
        if not same_shape:
            self.beginResetModel()
        self._findings = findings
        self._counts = counts
        self._titles = dict(ov.section_titles) if ov else {}
        self._top = max((max(c.values(), default=0) for c in counts), default=0)
        if not same_shape:
            self.endResetModel()
        elif findings:
            self.dataChanged.emit(self.index(0, 0), self.index(len(findings) - 1, TOTAL_COLUMN))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._findings)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else TOTAL_COLUMN + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                if section == 0:
                    return "Finding"
                if section == TOTAL_COLUMN:
                    return "Total"
                if 0 < section < TOTAL_COLUMN:
                    return HEADERS[SOURCES[section - 1]]
            if role == Qt.ItemDataRole.ToolTipRole and 0 < section < TOTAL_COLUMN:
                return SOURCES[section - 1].label
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self._findings):
                return str(section + 1)
        return None

    def status(self, row: int) -> str:
        """``none`` (no evidence), ``single`` (one kind of source) or ``ok``."""
        kinds = sum(1 for v in self._counts[row].values() if v)
        return "none" if kinds == 0 else "single" if kinds == 1 else "ok"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._findings)):
            return None
        f = self._findings[row]
        counts = self._counts[row]
        total = sum(counts.values())
        status = self.status(row)
        if role == STATUS_ROLE:
            return status
        if col == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return " ".join(f.text.split())
            if role == Qt.ItemDataRole.ToolTipRole:
                title = self._titles.get(f.section, f.section)
                warn = {"none": "\nNo evidence yet.",
                        "single": "\nBacked by only one kind of source."}.get(status, "")
                return f"{title}\n{f.text}{warn}"
            if role == Qt.ItemDataRole.BackgroundRole:
                if status == "none":
                    return QBrush(NO_EVIDENCE)
                if status == "single":
                    return QBrush(ONE_SOURCE)
            if role == Qt.ItemDataRole.ForegroundRole and status != "ok":
                return QBrush(WARN_TEXT)
            if role == FILTER_ROLE:
                return note_filter(finding=f.id)
            return None
        if col == TOTAL_COLUMN:
            if role == Qt.ItemDataRole.DisplayRole:
                return str(total)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            if role == FILTER_ROLE:
                return note_filter(finding=f.id)
            if role == Qt.ItemDataRole.BackgroundRole and status == "none":
                return QBrush(NO_EVIDENCE)
            return None
        source = SOURCES[col - 1]
        n = counts.get(source.value, 0)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(n) if n else "·"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = heat(n, self._top)
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not n:
                return QBrush(QColor("#9a9a9a"))
            if self._top and n / self._top > 0.55:
                return QBrush(QColor("white"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{n} {source.label.lower()} note{'s' if n != 1 else ''}"
        if role == FILTER_ROLE:
            return note_filter(finding=f.id, source=source)
        return None

    def finding_id(self, row: int) -> str | None:
        return self._findings[row].id if 0 <= row < len(self._findings) else None
