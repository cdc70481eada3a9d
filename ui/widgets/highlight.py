"""Painting search matches: a delegate for marked snippets, and selections for a text editor."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QPlainTextEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextEdit,
    QWidget,
)

from ui.lazy import marks

HIGHLIGHT = QColor("#ffe08a")
_WORD = re.compile(r"\w+", re.UNICODE)


class SnippetDelegate(QStyledItemDelegate):
    """Draws text whose matched words are marked ``\\x02…\\x03``: matches bold, on yellow."""

    def __init__(self, role: int, parent: Any = None) -> None:
        super().__init__(parent)
        self._role = role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        snippet = index.data(self._role)
        if not isinstance(snippet, str) or marks()[0] not in snippet:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget: QWidget | None = opt.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        paint_segments(painter, rect.adjusted(3, 0, -3, 0), snippet, opt.font, opt.palette,
                       selected)


def paint_segments(
    painter: QPainter, rect: QRect, snippet: str, font: QFont, palette: QPalette, selected: bool
) -> None:
    """One line of marked text in ``rect``, elided at the end."""
    from fieldwork.store.search import segments

    painter.save()
    bold = QFont(font)
    bold.setBold(True)
    text_colour = palette.color(
        QPalette.ColorGroup.Normal,
        QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text,
    )
    x = rect.left()
    right = rect.right()
    flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
    parts = segments(" ".join(snippet.split()))
    if parts and not parts[0][1] and len(parts) > 1:
        # Keep the first match in view: trim the words before it to a short lead.
        fm = QFontMetrics(font)
        lead = parts[0][0]
        room = max(40, int((right - x) * 0.3))
        if fm.horizontalAdvance(lead) > room:
            lead = fm.elidedText(lead, Qt.TextElideMode.ElideLeft, room)
            if not lead.startswith("…"):
                lead = "…" + lead
            parts[0] = (lead, False)
    for text, match in parts:
        f = bold if match else font
        fm = QFontMetrics(f)
        width = fm.horizontalAdvance(text)
        room = right - x
        if room <= 0:
            break
        if width > room:
            text = fm.elidedText(text, Qt.TextElideMode.ElideRight, room)
            width = fm.horizontalAdvance(text)
        cell = QRect(x, rect.top(), width, rect.height())
        if match:
            band = QRect(x - 1, rect.center().y() - fm.height() // 2, width + 2, fm.height())
            painter.fillRect(band, HIGHLIGHT)
            painter.setPen(QColor("black"))
        else:
            painter.setPen(text_colour)
        painter.setFont(f)
        painter.drawText(cell, int(flags), text)
        x += width
    painter.restore()


def query_words(query: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(query)]


def highlight_words(editor: QPlainTextEdit, query: str) -> int:
    """Highlight, in ``editor``, the words that ``query`` would match (the last as a prefix,
    as search-as-you-type matches it). Returns how many places were highlighted."""
    words = query_words(query)
    selections: list[QTextEdit.ExtraSelection] = []
    if words:
        prefix_last = not query[-1:].isspace()
        exact = set(words[:-1] if prefix_last else words)
        prefix = words[-1] if prefix_last else None
        fmt = QTextCharFormat()
        fmt.setBackground(HIGHLIGHT)
        fmt.setFontWeight(QFont.Weight.Bold)
        doc = editor.document()
        for m in _WORD.finditer(editor.toPlainText()):
            w = m.group(0).lower()
            if w in exact or (prefix is not None and w.startswith(prefix)):
                sel = QTextEdit.ExtraSelection()
                cursor = QTextCursor(doc)
                cursor.setPosition(m.start())
                cursor.setPosition(m.end(), QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = cursor
                sel.format = fmt
                selections.append(sel)
    editor.setExtraSelections(selections)
    return len(selections)
