"""The Timeliness page's tables: the figures per rule and start, and the cases of one rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

if TYPE_CHECKING:
    from fieldwork.timeliness import Measure, RuleResult, Timeliness, Timing

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 70
KEY_ROLE = Qt.ItemDataRole.UserRole + 71
STATUS_ROLE = Qt.ItemDataRole.UserRole + 72

LATE = QColor("#f9d6d3")
DIFFERS = QColor("#fdebc8")
IN_TIME = QColor("#dcefe0")
MUTED = QColor("#6b6b6b")
WARN_TEXT = QColor("#8c1d18")


def field_header(name: str) -> str:
    """"assessment_completed" → "Assessment completed"."""
    return name.replace("_", " ").capitalize()


def whole(percent: float | None) -> str:
    return "—" if percent is None else f"{int(percent + 0.5)}%"


def short_date(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


# ------------------------------------------------------------------- figures
@dataclass(frozen=True)
class FigureRow:
    rule: RuleResult
    measure: Measure
    national: bool
    reported: float | None
    differs: bool
    differing: int  # cases counted differently from the rule's start (alternatives only)


FIGURE_COLUMNS = ("Rule", "Measured from", "Cases", "Within", "%", "Reported", "Differ")


class FiguresModel(QAbstractTableModel):
    """One row per rule and start: cases measured, within the limit, the percentage, the
    reported figure, and how many cases an alternative start counts differently."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[FigureRow] = []

    def set_result(self, found: Timeliness | None) -> None:
        self.beginResetModel()
        self.rows = []
        for result in found.results if found else ():
            comparison = found.comparison(result) if found else None
            reported = comparison.reported.percent if comparison else None
            differs = bool(comparison and comparison.differs)
            self.rows.append(FigureRow(result, result.national, True, reported, differs, 0))
            for alt in result.alternatives:
                self.rows.append(FigureRow(result, alt, False, None, False,
                                           len(result.differences(alt))))
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIGURE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return FIGURE_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        m = row.measure
        if role == KEY_ROLE:
            return row.rule.rule.key
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row.rule.rule.name if row.national else ""
            if col == 1:
                return m.phrase.removeprefix("the ").capitalize() + (
                    "" if row.national else " (alternative)")
            if col == 2:
                return str(m.cases)
            if col == 3:
                return str(m.within)
            if col == 4:
                return whole(m.percent)
            if col == 5:
                return "" if row.reported is None else whole(row.reported)
            if col == 6:
                return str(row.differing) if not row.national else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.national and col in (0, 4):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and col in (4, 5) and row.differs:
            return QBrush(LATE)
        if role == Qt.ItemDataRole.ForegroundRole and not row.national:
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole:
            rule = row.rule.rule
            return (f"{rule.name}: {m.within} of {m.cases} within {rule.limit_text}, measured "
                    f"from {m.phrase} ({m.start}) to {rule.end}")
        return None

    def row_of(self, key: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.rule.rule.key == key and r.national),
                    None)


# --------------------------------------------------------------------- cases
@dataclass(frozen=True)
class CaseRow:
    """One case under one rule: measured from each start, or why not."""

    case_id: str
    ref: str
    status: str  # "in_time", "late", "differs" or "not_counted"
    timings: tuple[Timing | None, ...]  # the rule's start, then each alternative
    remark: str
    notes: int

    @property
    def national(self) -> Timing | None:
        return self.timings[0]


STATUS_WORDS = {"in_time": "In time", "late": "Late", "differs": "Differs",
                "not_counted": "Not counted"}


def case_rows(result: RuleResult, note_counts: dict[str, int]) -> list[CaseRow]:
    """Every case in the rule's scope, with its timing from each start."""
    measures = result.measures
    by_case = [m.by_case() for m in measures]
    problems: dict[str, str] = {}
    refs: dict[str, str] = {}
    for m in measures:
        for p in m.problems:
            refs[p.case_id] = p.ref
            problems.setdefault(p.case_id, p.message)
    for m in measures:
        for t in m.timings:
            refs[t.case_id] = t.ref
    rows = []
    for case_id in sorted(result.scope, key=lambda c: (refs.get(c, ""), c)):
        timings = tuple(b.get(case_id) for b in by_case)
        national = timings[0]
        alts = [t for t in timings[1:] if t is not None]
        if national is None:
            status = "not_counted"
            remark = problems.get(case_id, "")
        elif any(t.within != national.within for t in alts):
            status = "differs"
            alt_in_time = any(t.within for t in alts)
            remark = ("in time only from " if alt_in_time else "late only from ") + ", ".join(
                m.phrase for m, t in zip(measures[1:], timings[1:], strict=True)
                if t is not None and t.within != national.within)
        else:
            status = "in_time" if national.within else "late"
            remark = problems.get(case_id, "") if len(alts) < len(timings) - 1 else ""
        ref = refs.get(case_id, case_id)
        rows.append(CaseRow(case_id, ref, status, timings, remark, note_counts.get(ref, 0)))
    return rows


class CasesModel(QAbstractTableModel):
    """The cases of one rule: dates, days and the verdict from each start, and the notes."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.result: RuleResult | None = None
        self.rows: list[CaseRow] = []
        self.columns: list[tuple[str, str, int]] = []  # (kind, header, measure index)
        self.tips: list[str] = []

    def set_result(self, result: RuleResult | None, note_counts: dict[str, int]) -> None:
        self.beginResetModel()
        self.result = result
        self.rows = case_rows(result, note_counts) if result else []
        self.columns = [("ref", "Case", 0)]
        self.tips = ["The authority's case reference"]
        if result is not None:
            rule = result.rule
            unit = "working days" if rule.unit == "working" else "calendar days"
            for i, m in enumerate(result.measures):
                label = m.phrase.removeprefix("the ").capitalize()
                self.columns.append(("start", label, i))
                self.tips.append(f"{label} ({m.start})")
                if i == 0:
                    self.columns.append(("end", field_header(rule.end), 0))
                    self.tips.append(f"{field_header(rule.end)} ({rule.end})")
                self.columns.append(("days", "Days", i))
                self.tips.append(f"The {unit} from {m.phrase} to {rule.end}; the start is day 0")
                self.columns.append(("within", f"≤ {rule.limit}?", i))
                self.tips.append(f"Within {rule.limit_text}, counted from {m.phrase}?")
        self.columns += [("status", "Verdict", 0), ("notes", "Notes", 0), ("remark", "", 0)]
        self.tips += ["By the rule's own start: in time, late, counted differently from "
                      "another start, or not counted", "Notes about this case", ""]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tips[section] or None
        return None

    def _value(self, row: CaseRow, kind: str, i: int) -> tuple[str, Any]:
        """(what is shown, what it sorts by)."""
        t = row.timings[i]
        if kind == "ref":
            return row.ref, row.ref
        if kind == "status":
            return STATUS_WORDS[row.status], row.status
        if kind == "notes":
            return str(row.notes), row.notes
        if kind == "remark":
            return row.remark, row.remark
        if t is None:
            return "", -1 if kind in ("days", "within") else ""
        if kind == "start":
            return short_date(t.start), t.start
        if kind == "end":
            return short_date(t.end), t.end
        if kind == "days":
            return str(t.days), t.days
        return ("Yes" if t.within else "No"), int(t.within)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        kind, _, i = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            shown, key = self._value(row, kind, i)
            return shown if role == Qt.ItemDataRole.DisplayRole else key
        if role == KEY_ROLE:
            return row.ref
        if role == STATUS_ROLE:
            return row.status
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in ("days", "notes", "within"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and kind in ("within", "status"):
            t = row.timings[i]
            if kind == "status":
                colour = {"late": LATE, "differs": DIFFERS, "in_time": IN_TIME}.get(row.status)
                return QBrush(colour) if colour else None
            if t is not None:
                return QBrush(IN_TIME if t.within else LATE)
        if role == Qt.ItemDataRole.ForegroundRole and kind == "remark":
            return QBrush(WARN_TEXT if row.status == "not_counted" else MUTED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.remark or None
        return None

    def row_of(self, ref: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.ref == ref), None)


SHOW_CHOICES = (
    ("all", "All cases"),
    ("late", "Late by the rule"),
    ("differs", "Counted differently"),
    ("not_counted", "Not counted"),
)


class CasesProxy(QSortFilterProxyModel):
    """Sorts the cases by their real values and shows the ones chosen."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.show = "all"

    def set_show(self, show: str) -> None:
        if not hasattr(self, "endFilterChange"):  # Qt before 6.10
            self.show = show
            self.invalidateFilter()
            return
        self.beginFilterChange()
        self.show = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self.show == "all":
            return True
        model = self.sourceModel()
        assert isinstance(model, CasesModel)
        status = model.rows[source_row].status
        if self.show == "late":
            t = model.rows[source_row].national
            return t is not None and not t.within
        return status == self.show
