"""The findings board: the letter's sections with their findings, evidence and triangulation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.models.findings import (
    EVIDENCE_ROLE,
    FINDING_ID_ROLE,
    KIND_ROLE,
    SEARCH_ROLE,
    SECTION_ROLE,
    FindingsModel,
    evidence_text,
)
from ui.widgets.highlight import HIGHLIGHT

PAD = 6
WARN = QColor("#b3261e")
AMBER = QColor("#8a5300")


def text_width(option: QStyleOptionViewItem) -> int:
    """The width a finding's text wraps to: the same whether or not the scroll bar shows,
    so that the row heights the view lays out match what is painted."""
    view = option.widget
    if not isinstance(view, QTreeView):
        return max(100, option.rect.width() - 2 * PAD)
    style = view.style()
    scroll = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view)
    # Findings sit one level down: indented once, and once more for the branch marks.
    indent = view.indentation() * (2 if view.rootIsDecorated() else 1)
    return max(100, view.width() - 2 * view.frameWidth() - scroll - indent - 2 * PAD - 2)


class FindingDelegate(QStyledItemDelegate):
    """A finding as wrapped text with its evidence line beneath; sections as headings."""

    def _lines(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
               width: int) -> tuple[QRect, QRect]:
        fm = QFontMetrics(option.font)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        body = fm.boundingRect(QRect(0, 0, max(width, 50), 100000),
                               int(Qt.TextFlag.TextWordWrap), text)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        evidence = QRect(0, 0, width, QFontMetrics(small).height())
        return body, evidence

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if index.data(KIND_ROLE) != "finding":
            size = super().sizeHint(option, index)
            return QSize(size.width(), size.height() + 10)
        width = text_width(option)
        body, evidence = self._lines(option, index, width)
        return QSize(width, body.height() + evidence.height() + 4 * PAD)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if index.data(KIND_ROLE) != "finding":
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            opt.rect = opt.rect.adjusted(0, 6, 0, 0)
            super().paint(painter, opt, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        rect = opt.rect.adjusted(PAD, PAD, -PAD, -PAD)
        rect.setWidth(min(rect.width(), text_width(option)))
        body, _ = self._lines(opt, index, rect.width())
        painter.save()
        if index.data(SEARCH_ROLE):
            painter.fillRect(QRect(rect.left() - 3, rect.top() - 2, 3, rect.height() + 4),
                             HIGHLIGHT.darker(130))
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(QPalette.ColorGroup.Normal, role))
        painter.setFont(opt.font)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), body.height()),
                         int(Qt.TextFlag.TextWordWrap), text)
        notes, sources, authors = index.data(EVIDENCE_ROLE) or (0, 0, 0)
        small = QFont(opt.font)
        small.setPointSizeF(max(7.0, opt.font.pointSizeF() * 0.9))
        painter.setFont(small)
        colour = opt.palette.color(QPalette.ColorGroup.Normal, role)
        if not selected:
            colour = WARN if notes == 0 else AMBER if sources == 1 else QColor("#4a5a5a")
        painter.setPen(colour)
        line = QRect(rect.left(), rect.top() + body.height() + PAD // 2, rect.width(),
                     QFontMetrics(small).height())
        marker = "⚠ " if notes == 0 or sources == 1 else ""
        painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         marker + evidence_text(notes, sources, authors))
        painter.restore()


class BoardView(QTreeView):
    """The tree of sections and findings, accepting dropped notes and findings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        self.setItemDelegate(FindingDelegate(self))
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setAnimated(False)
        self.setRootIsDecorated(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._laid_out_width = -1

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()

    def paintEvent(self, event: Any) -> None:
        # Row heights depend on the width the text wraps to; lay out again whenever the
        # width has changed since the rows were measured, before painting them.
        if self.width() != self._laid_out_width:
            self._laid_out_width = self.width()
            self.doItemsLayout()
        super().paintEvent(event)

    def reset(self) -> None:
        self._laid_out_width = -1
        super().reset()

    def dragMoveEvent(self, event: Any) -> None:
        super().dragMoveEvent(event)
        if event.isAccepted() and event.source() is not self:
            event.setDropAction(Qt.DropAction.LinkAction
                                if event.possibleActions() & Qt.DropAction.LinkAction
                                else Qt.DropAction.CopyAction)
            event.accept()


class FindingsBoard(QWidget):
    """The board with its buttons.

    Signals:
        finding_selected(str): a finding was chosen ("" when none).
        add_requested(str): add a finding to this section key.
        delete_requested(str): delete this finding.
        move_step_requested(str, int): move this finding up (-1) or down (+1).
    """

    finding_selected = Signal(str)
    add_requested = Signal(str)
    delete_requested = Signal(str)
    move_step_requested = Signal(str, int)

    def __init__(self, model: FindingsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = BoardView()
        self.view.setObjectName("findingsBoard")
        self.view.setAccessibleName("Findings board")
        self.view.setModel(model)
        self.frozen = False
        self._hint = ("Drag notes onto a finding to tag them. Drag a finding to reorder it or "
                      "move it to another section.")
        self.hint = QLabel(self._hint)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")
        self.add_button = QPushButton("&Add finding")
        self.add_button.setToolTip("Add a finding to the selected section (Ctrl+Shift+N)")
        self.add_button.setAutoDefault(False)
        self.up_button = QPushButton("Move up")
        self.up_button.setToolTip("Move the finding up (Alt+Up)")
        self.down_button = QPushButton("Move down")
        self.down_button.setToolTip("Move the finding down (Alt+Down)")
        self.delete_button = QPushButton("Delete")
        for b in (self.up_button, self.down_button, self.delete_button):
            b.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.current_section()))
        self.delete_button.clicked.connect(self._delete)
        self.up_button.clicked.connect(lambda: self._step(-1))
        self.down_button.clicked.connect(lambda: self._step(1))
        for keys, slot in (("Alt+Up", lambda: self._step(-1)), ("Alt+Down", lambda: self._step(1)),
                           (QKeySequence.StandardKey.Delete, self._delete)):
            act = QAction(self)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.view.addAction(act)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        model.modelReset.connect(self.view.expandAll)
        model.rowsInserted.connect(lambda *_: self.view.expandAll())
        self.update_buttons()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.update_buttons()
        self.finding_selected.emit(self.current_finding() or "")

    def update_buttons(self) -> None:
        has = self.current_finding() is not None and not self.frozen
        for b in (self.up_button, self.down_button, self.delete_button):
            b.setEnabled(has)
        self.add_button.setEnabled(not self.frozen)

    def set_frozen(self, why: str | None) -> None:
        """Refuse edits (the letter is issued), saying ``why``; None allows them again.

        Notes can still be dropped onto findings: tags do not change the issued letter.
        """
        self.frozen = why is not None
        self.hint.setText(why or self._hint)
        self.hint.setStyleSheet("color: #1b6e35; font-weight: bold;" if why
                                else "color: palette(mid);")
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if why else
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked)
        self.view.setDragEnabled(why is None)
        self.update_buttons()

    def current_finding(self) -> str | None:
        index = self.view.currentIndex()
        if index.isValid() and index.data(KIND_ROLE) == "finding":
            return str(index.data(FINDING_ID_ROLE))
        return None

    def current_section(self) -> str:
        index = self.view.currentIndex()
        if index.isValid():
            return str(index.data(SECTION_ROLE))
        first = self.model.index(0, 0)
        return str(first.data(SECTION_ROLE)) if first.isValid() else ""

    def select_finding(self, finding_id: str) -> None:
        index = self.model.index_of(finding_id)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def _delete(self) -> None:
        f = self.current_finding()
        if f:
            self.delete_requested.emit(f)

    def _step(self, step: int) -> None:
        f = self.current_finding()
        if f:
            self.move_step_requested.emit(f, step)

