"""Fitting the window to small and high-DPI screens.

- :func:`clamp_to_screen`: the window, restored from settings or at its default size, lies
  inside the available area of its screen (a geometry saved on a bigger screen, or at
  another scale factor, is shrunk and moved in).
- :class:`FitColumns`: a table's fixed columns give way (proportionally, down to a
  minimum) so that its stretching column keeps a share of the width, rather than sliding
  behind a horizontal scroll bar.
- :class:`StackBelow`: under a width, two panes of a splitter stand one above the other
  (the letter's checks go below its preview, so the form and the preview get the width),
  and side by side again above it.
- :func:`fit_evidence`, :func:`fit_letter`: the two pages' settings of the above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView, QWidget

if TYPE_CHECKING:
    from ui.evidence import EvidencePage
    from ui.letter.workspace import LetterWorkspace
    from ui.timeliness.page import TimelinessView

#: Under this width the letter's checks go below its preview.
LETTER_STACK_WIDTH = 1100
#: The share of a table's width its stretching column keeps, at least.
STRETCH_SHARE = 0.4
#: Room left for the window manager's frame before the window is shown (then it is known).
FRAME_ALLOWANCE = (8, 36)
#: The narrowest a fixed column becomes.
MIN_COLUMN = 48


def available_area(widget: QWidget) -> QRect:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 700)


def clamp_to_screen(window: QWidget) -> None:
    """Shrink and move ``window`` so that it (with its frame) lies inside its screen's
    available area."""
    area = available_area(window)
    frame = window.frameGeometry()
    extra_w = max(0, frame.width() - window.width())
    extra_h = max(0, frame.height() - window.height())
    if frame == window.geometry():  # not shown yet: leave room for a title bar and edges
        extra_w, extra_h = FRAME_ALLOWANCE
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, 200), max(height, 150))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.left()), max(y, area.top()))


class _ClampWhenShown(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(obj, QWidget):
            obj.removeEventFilter(self)
            clamp_to_screen(obj)
            # Again once the window manager has framed it (its frame is known by then).
            window, size = obj, obj.size()
            QTimer.singleShot(300, window, lambda: _clamp_if_framed(window, size))
            self.deleteLater()
        return False


def _clamp_if_framed(window: QWidget, shown: QSize) -> None:
    """Clamp again once the window manager has framed the window, unless it was resized
    since it was shown (by the user, or a test)."""
    if window.size() == shown and window.frameGeometry() != window.geometry():
        clamp_to_screen(window)


def keep_on_screen(window: QWidget) -> None:
    """:func:`clamp_to_screen` now, and again when the window is first shown (pages built
    after its geometry was restored may have made it larger)."""
    clamp_to_screen(window)
    window.installEventFilter(_ClampWhenShown(window))


class FitColumns(QObject):
    """Keep ``table``'s fixed columns narrow enough that column ``stretch`` (resize mode
    Stretch) has :data:`STRETCH_SHARE` of the width, and no horizontal scroll bar shows."""

    def __init__(self, table: QTableView, stretch: int) -> None:
        super().__init__(table)
        self.table = table
        self.stretch = stretch
        header = table.horizontalHeader()
        self.wanted = {i: header.sectionSize(i) for i in range(header.count()) if i != stretch}
        header.setMinimumSectionSize(MIN_COLUMN)
        header.sectionResized.connect(self._user_resized)
        self._fitting = False
        table.viewport().installEventFilter(self)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def _user_resized(self, index: int, _old: int, new: int) -> None:
        if not self._fitting and index in self.wanted:
            self.wanted[index] = new

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        width = self.table.viewport().width()
        shown = {i: w for i, w in self.wanted.items() if not header.isSectionHidden(i)}
        room = int(width * (1 - STRETCH_SHARE))
        total = sum(shown.values())
        scale = min(1.0, room / total) if total else 1.0
        self._fitting = True
        try:
            for i, w in shown.items():
                size = max(MIN_COLUMN, int(w * scale))
                if header.sectionResizeMode(i) != QHeaderView.ResizeMode.Stretch \
                        and header.sectionSize(i) != size:
                    header.resizeSection(i, size)
        finally:
            self._fitting = False


class StackBelow(QObject):
    """While ``splitter``'s parent is narrower than ``width``, its panes ``first`` and
    ``first + 1`` stand one above the other (in a vertical splitter in their place)."""

    def __init__(self, splitter: QSplitter, first: int, width: int,
                 stacked_sizes: list[int], column_share: float = 0.55) -> None:
        super().__init__(splitter)
        self.column_share = column_share
        self.splitter = splitter
        self.first = first
        self.width = width
        self.stacked_sizes = stacked_sizes
        self.column = QSplitter(Qt.Orientation.Vertical)
        self.column.setObjectName(splitter.objectName() + "Stack")
        self.column.setChildrenCollapsible(False)
        self.column.hide()
        self.column.setParent(splitter.parentWidget())
        self.side_sizes: list[int] | None = None
        watched = splitter.parentWidget() or splitter
        watched.installEventFilter(self)
        self.watched = watched

    @property
    def stacked(self) -> bool:
        return self.column.parentWidget() is self.splitter

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.watched and event.type() == QEvent.Type.Resize:
            self.apply(self.watched.width())
        return False

    def apply(self, width: int) -> None:
        stack = width < self.width
        top_index, splitter, column = self.first, self.splitter, self.column
        if stack and self.stacked:
            self._share()
            return
        if stack == self.stacked:
            return
        if stack:
            self.side_sizes = splitter.sizes()
            top, bottom = splitter.widget(top_index), splitter.widget(top_index + 1)
            assert top is not None and bottom is not None
            column.addWidget(top)
            column.addWidget(bottom)
            splitter.insertWidget(top_index, column)
            column.show()
            column.setSizes(self.stacked_sizes)
            self._share()
        else:
            top, bottom = column.widget(0), column.widget(1)
            assert top is not None and bottom is not None
            splitter.insertWidget(top_index, top)
            splitter.insertWidget(top_index + 1, bottom)
            column.hide()
            column.setParent(splitter.parentWidget())
            if self.side_sizes:
                splitter.setSizes(self.side_sizes)


    def _share(self) -> None:
        """The column has :attr:`column_share` of the width; the other panes share the
        rest as they did (at least their minimum widths)."""
        splitter, top_index = self.splitter, self.first
        sizes = splitter.sizes()
        total = sum(sizes)
        others = [i for i in range(splitter.count()) if i != top_index]
        old = max(1, sum(sizes[i] for i in others))
        keep = int(total * (1 - self.column_share))
        new = list(sizes)
        for i in others:
            pane = splitter.widget(i)
            new[i] = max(pane.minimumWidth() if pane is not None else 0,
                         int(sizes[i] * keep / old) if old > 1 else keep // len(others))
        new[top_index] = max(0, total - sum(new[i] for i in others))
        if new != sizes:
            splitter.setSizes(new)


def fit_evidence(page: EvidencePage) -> FitColumns:
    """The notes list keeps its Note column in view; the side panels keep a readable
    width (their labels elide, with the whole text in the tooltip)."""
    from ui.models.notes import COLUMNS

    metrics = page.fontMetrics()
    page.filter_view.setMinimumWidth(metrics.horizontalAdvance("Alison Whitcombe") + 40)
    page.filter_view.setTextElideMode(Qt.TextElideMode.ElideRight)
    page.tabs.setMinimumWidth(metrics.horizontalAdvance("M") * 18)
    page.middle.setMinimumWidth(metrics.horizontalAdvance("M") * 22)
    page.splitter.setChildrenCollapsible(False)
    return FitColumns(page.notes_view, [k for k, _ in COLUMNS].index("text"))


def fit_letter(ws: LetterWorkspace) -> StackBelow:
    """Under :data:`LETTER_STACK_WIDTH` the checks go below the preview: the form and the
    preview share the width, so the form never scrolls sideways and the preview's fit
    width is readable."""
    form = ws.form
    content = form.widget()
    if content is not None:  # as wide as its fields need, within reason
        scroll = form.verticalScrollBar().sizeHint().width()
        form.setMinimumWidth(min(content.minimumSizeHint().width() + scroll + 4, 300))
    ws.checks.setMinimumWidth(120)
    return StackBelow(ws.splitter, 1, LETTER_STACK_WIDTH, [420, 140], column_share=0.55)


def fit_timeliness(view: TimelinessView) -> None:
    """The line above the cases wraps rather than widening the window (to 1077 px)."""
    view.cases_label.setWordWrap(True)
    view.cases_label.setMinimumWidth(120)
