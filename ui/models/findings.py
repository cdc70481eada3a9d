"""The findings board: the letter's sections, each with its findings in letter order.

Drops are requests, not edits: dropping a finding asks for a move, dropping notes on a
finding asks for them to be tagged. The window turns each request into an undoable command;
the board is rebuilt from the next :class:`~ui.session.Overview`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from fieldwork.model import Finding
from ui.models.notes import NOTE_IDS_MIME, note_ids_from
from ui.session import Overview

FINDING_MIME = "application/x-fieldwork-finding-id"

FINDING_ID_ROLE = Qt.ItemDataRole.UserRole + 20
SECTION_ROLE = Qt.ItemDataRole.UserRole + 21
EVIDENCE_ROLE = Qt.ItemDataRole.UserRole + 22
KIND_ROLE = Qt.ItemDataRole.UserRole + 23
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 24

Index = QModelIndex | QPersistentModelIndex


def evidence_summary(entry: dict[str, Any] | None) -> tuple[int, int, int]:
    """(notes, distinct source types, distinct inspectors) of one finding."""
    if not entry:
        return 0, 0, 0
    return int(entry["notes"]), len(entry["sources"]), len(entry["authors"])


def evidence_text(notes: int, sources: int, authors: int) -> str:
    if notes == 0:
        return "No evidence yet"
    parts = [
        f"{notes} note{'s' if notes != 1 else ''}",
        f"{sources} source type{'s' if sources != 1 else ''}",
        f"{authors} inspector{'s' if authors != 1 else ''}",
    ]
    text = " · ".join(parts)
    if sources == 1:
        text += " — only one kind of source"
    return text


class FindingsModel(QStandardItemModel):
    """Sections (top level) and their findings (children).

    Signals:
        move_requested(str, str, int): finding id, section key, index in that section.
        link_requested(list, str): note ids, finding id.
        text_edited(str, str, str): finding id, text before, text after.
    """

    move_requested = Signal(str, str, int)
    link_requested = Signal(list, str)
    text_edited = Signal(str, str, str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shape: list[tuple[str, list[str]]] = []
        self._matches: set[str] = set()

    def set_overview(self, ov: Overview | None) -> None:
        if ov is None:
            self._shape = []
            self.clear()
            return
        by_section: dict[str, list[Finding]] = {key: [] for key in ov.sections}
        for f in ov.findings:
            by_section.setdefault(f.section, []).append(f)
        shape = [(key, [f.id for f in items]) for key, items in by_section.items()]
        if shape == self._shape:
            self._update(by_section, ov)
            return
        self._shape = shape
        self.clear()
        bold = QFont()
        bold.setBold(True)
        for key, items in by_section.items():
            section = QStandardItem()
            section.setData("section", KIND_ROLE)
            section.setData(key, SECTION_ROLE)
            section.setFont(bold)
            section.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                             | Qt.ItemFlag.ItemIsDropEnabled)
            self._set_section_text(section, ov.section_titles.get(key, key), len(items))
            for f in items:
                section.appendRow(self._finding_item(f, ov))
            self.appendRow(section)

    def _set_section_text(self, item: QStandardItem, title: str, n: int) -> None:
        text = f"{title}  ({n})"
        if item.text() != text:
            item.setText(text)
        item.setData(title, Qt.ItemDataRole.AccessibleTextRole)

    def _finding_item(self, f: Finding, ov: Overview) -> QStandardItem:
        item = QStandardItem()
        item.setData("finding", KIND_ROLE)
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        )
        self._fill(item, f, ov)
        return item

    def _fill(self, item: QStandardItem, f: Finding, ov: Overview) -> None:
        counts = evidence_summary(ov.evidence.get(f.id))
        values = {
            Qt.ItemDataRole.DisplayRole: f.text,
            FINDING_ID_ROLE: f.id,
            SECTION_ROLE: f.section,
            EVIDENCE_ROLE: counts,
            Qt.ItemDataRole.ToolTipRole: evidence_text(*counts),
            Qt.ItemDataRole.AccessibleDescriptionRole: evidence_text(*counts),
            SEARCH_ROLE: f.id in self._matches,
        }
        for role, value in values.items():
            if item.data(role) != value:
                item.setData(value, role)

    def _update(self, by_section: dict[str, list[Finding]], ov: Overview) -> None:
        for row, (key, items) in enumerate(by_section.items()):
            section = self.item(row, 0)
            self._set_section_text(section, ov.section_titles.get(key, key), len(items))
            for i, f in enumerate(items):
                self._fill(section.child(i, 0), f, ov)

    def set_matches(self, finding_ids: set[str]) -> None:
        """Mark the findings that match the current search."""
        self._matches = set(finding_ids)
        for s in range(self.rowCount()):
            section = self.item(s, 0)
            for i in range(section.rowCount()):
                child = section.child(i, 0)
                hit = child.data(FINDING_ID_ROLE) in self._matches
                if bool(child.data(SEARCH_ROLE)) != hit:
                    child.setData(hit, SEARCH_ROLE)

    # ------------------------------------------------------------------ lookups
    def index_of(self, finding_id: str) -> QModelIndex:
        for s in range(self.rowCount()):
            section = self.item(s, 0)
            for i in range(section.rowCount()):
                if section.child(i, 0).data(FINDING_ID_ROLE) == finding_id:
                    return section.child(i, 0).index()
        return QModelIndex()

    def section_index(self, key: str) -> QModelIndex:
        for s in range(self.rowCount()):
            if self.item(s, 0).data(SECTION_ROLE) == key:
                return self.item(s, 0).index()
        return QModelIndex()

    # ------------------------------------------------------------------ editing
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.EditRole and index.data(KIND_ROLE) == "finding":
            before = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            after = str(value).strip()
            if not after or after == before:
                return False
            ok = super().setData(index, after, role)
            self.text_edited.emit(index.data(FINDING_ID_ROLE), before, after)
            return ok
        return super().setData(index, value, role)

    # ------------------------------------------------------------ drag and drop
    def mimeTypes(self) -> list[str]:
        return [FINDING_MIME, NOTE_IDS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction | Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        for index in indexes:
            if index.data(KIND_ROLE) == "finding":
                mime.setData(FINDING_MIME, QByteArray(str(index.data(FINDING_ID_ROLE)).encode()))
                break
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if data.hasFormat(NOTE_IDS_MIME):
            return parent.isValid() and parent.data(KIND_ROLE) == "finding" and row == -1
        if data.hasFormat(FINDING_MIME):
            return parent.isValid()
        return False

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        if data.hasFormat(NOTE_IDS_MIME):
            ids = note_ids_from(data)
            if ids:
                self.link_requested.emit(ids, parent.data(FINDING_ID_ROLE))
            return bool(ids)
        finding_id = bytes(data.data(FINDING_MIME).data()).decode()
        target = self.drop_target(finding_id, row, parent)
        if target is None:
            return False
        self.move_requested.emit(finding_id, *target)
        return True

    def drop_target(self, finding_id: str, row: int, parent: Index) -> tuple[str, int] | None:
        """Where a finding dropped at (row, parent) goes: (section key, index among the others)."""
        if parent.data(KIND_ROLE) == "finding":
            section_index = parent.parent()
            row = parent.row()
        else:
            section_index = self.index(parent.row(), 0) if parent.isValid() else QModelIndex()
        section_item = self.itemFromIndex(section_index)
        if section_item is None:
            return None
        key = str(section_item.data(SECTION_ROLE))
        ids = [section_item.child(i, 0).data(FINDING_ID_ROLE)
               for i in range(section_item.rowCount())]
        if row < 0:
            row = len(ids)
        if finding_id in ids and ids.index(finding_id) < row:
            row -= 1
        if finding_id in ids and ids.index(finding_id) == row:
            return None
        return key, row
