"""A small bar chart of timeliness, drawn with QPainter (QtCharts is not in Essentials).

One horizontal bar per figure (the rule's own start, then each alternative start), grouped
under each rule's name, on a 0–100% scale; a dashed line marks the figure the authority
reported. The national figure is drawn red when the reported one is more than a few
points away from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

NATIONAL = QColor("#3d5a80")
ALTERNATIVE = QColor("#8fb3cf")
DIFFERS = QColor("#b23a2a")
REPORTED = QColor("#b5651d")
TRACK = QColor("#e9edf1")


@dataclass(frozen=True)
class Bar:
    """One figure: its label, the percentage (None: no cases), and the counts behind it."""

    label: str
    percent: float | None
    within: int
    cases: int
    national: bool
    differs: bool = False


@dataclass(frozen=True)
class Group:
    """One rule's bars and, if one is recorded, the percentage the authority reported."""

    title: str
    bars: tuple[Bar, ...]
    reported: float | None = None


class BarChart(QWidget):
    """Horizontal bars for the timeliness figures; :meth:`set_groups` to fill it."""

    BAR = 18
    GAP = 6
    TITLE = 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinessChart")
        self.setAccessibleName("Timeliness chart")
        self.groups: tuple[Group, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(260)

    def set_groups(self, groups: list[Group] | tuple[Group, ...]) -> None:
        self.groups = tuple(groups)
        lines = []
        for g in self.groups:
            parts = [f"{b.label}: " + ("no cases" if b.percent is None else
                                       f"{b.percent:.0f}% ({b.within} of {b.cases})")
                     for b in g.bars]
            if g.reported is not None:
                parts.append(f"reported: {g.reported:g}%")
            lines.append(f"{g.title} — " + "; ".join(parts))
        self.setToolTip("\n".join(lines))
        self.setAccessibleDescription("\n".join(lines))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = sum(len(g.bars) for g in self.groups)
        marks = sum(1 for g in self.groups if g.reported is not None)
        height = (len(self.groups) * (self.TITLE + 4) + rows * (self.BAR + self.GAP)
                  + marks * self.fontMetrics().height() + 12)
        return QSize(420, max(height, 80))

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 80)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        p.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if not self.groups:
            p.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No figures yet")
            p.end()
            return
        metrics = self.fontMetrics()
        label_width = min(
            max((metrics.horizontalAdvance(b.label) for g in self.groups for b in g.bars),
                default=0) + 12,
            int(self.width() * 0.42),
        )
        value_width = metrics.horizontalAdvance("100% (999 of 999)") + 10
        left = 8 + label_width
        right = self.width() - 8 - value_width
        scale = max(right - left, 20)
        bold = QFont(self.font())
        bold.setBold(True)
        y = 6.0
        for group in self.groups:
            p.setFont(bold)
            p.setPen(text)
            p.drawText(QRectF(8, y, self.width() - 16, self.TITLE),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       metrics.elidedText(group.title, Qt.TextElideMode.ElideRight,
                                          self.width() - 16))
            p.setFont(self.font())
            y += self.TITLE
            top = y
            for bar in group.bars:
                row = QRectF(8, y, label_width - 8, self.BAR)
                p.setPen(text)
                p.drawText(row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           metrics.elidedText(bar.label, Qt.TextElideMode.ElideLeft,
                                              label_width - 8))
                p.fillRect(QRectF(left, y, scale, self.BAR), TRACK)
                if bar.percent is not None:
                    colour = (DIFFERS if bar.differs else NATIONAL) if bar.national \
                        else ALTERNATIVE
                    p.fillRect(QRectF(left, y, scale * bar.percent / 100.0, self.BAR), colour)
                    value = f"{int(bar.percent + 0.5)}% ({bar.within} of {bar.cases})"
                else:
                    value = "no cases"
                p.setPen(text)
                p.drawText(QRectF(right + 6, y, value_width, self.BAR),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, value)
                y += self.BAR + self.GAP
            if group.reported is not None:
                x = left + scale * group.reported / 100.0
                pen = QPen(REPORTED, 2, Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawLine(QPointF(x, top - 3), QPointF(x, y - self.GAP + 3))
                p.setPen(REPORTED)
                label = f"reported {group.reported:g}%"
                width = metrics.horizontalAdvance(label) + 4
                tx = min(max(x - width / 2, left), left + scale - width)
                p.drawText(QRectF(tx, y - self.GAP + 2, width, metrics.height()),
                           Qt.AlignmentFlag.AlignCenter, label)
                y += metrics.height()
            y += 4
        p.end()
