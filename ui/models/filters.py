"""The side panel: ways to narrow the notes list, each with how many notes it leaves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from fieldwork.model import SourceType
from ui.lazy import note_filter
from ui.session import Overview

if TYPE_CHECKING:
    from fieldwork.store.store import NoteFilter

FILTER_ROLE = Qt.ItemDataRole.UserRole + 10
KEY_ROLE = Qt.ItemDataRole.UserRole + 11
COUNT_ROLE = Qt.ItemDataRole.UserRole + 12


@dataclass(frozen=True)
class FilterEntry:
    key: str
    label: str
    count: int
    where: NoteFilter
    tooltip: str = ""


def entries(ov: Overview) -> list[tuple[str, list[FilterEntry]]]:
    """The side panel's groups and their entries, from an overview."""
    top = [
        FilterEntry("all", "All notes", ov.total, note_filter()),
        FilterEntry("untagged", "Untagged", ov.untagged, note_filter(untagged=True),
                    "Notes not yet tagged to any finding"),
    ]
    sources = [
        FilterEntry(f"source:{s.value}", s.label, ov.by_source.get(s.value, 0),
                    note_filter(source=s))
        for s in SourceType
    ]
    authors = [
        FilterEntry(f"author:{i.id}", i.name + (" (lead)" if i.role.value == "lead" else ""),
                    ov.by_author.get(i.id, 0), note_filter(author=i.id))
        for i in ov.inspectors
    ]
    findings = []
    for f in ov.findings:
        n = ov.evidence.get(f.id, {}).get("notes", 0)
        label = " ".join(f.text.split())
        short = label if len(label) <= 60 else label[:59] + "…"
        findings.append(FilterEntry(f"finding:{f.id}", short, n, note_filter(finding=f.id), label))
    refs = sorted({c.ref for c in ov.cases} | set(ov.by_case))
    kinds = {c.ref: c.kind.value for c in ov.cases}
    cases = [
        FilterEntry(f"case:{ref}", ref, ov.by_case.get(ref, 0), note_filter(case_ref=ref),
                    kinds.get(ref, ""))
        for ref in refs
    ]
    return [("", top), ("Source", sources), ("Author", authors), ("Finding", findings),
            ("Case", cases)]


class FilterModel(QStandardItemModel):
    """A two-level tree: groups (Source, Author, Finding, Case) and their entries.

    Counts are updated in place when the entries are the same, so a selection survives.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._keys: list[list[str]] = []
        self.setHorizontalHeaderLabels(["Filter", "Notes"])

    def set_overview(self, ov: Overview | None) -> None:
        groups = entries(ov) if ov is not None else []
        keys = [[e.key for e in items] for _, items in groups]
        if keys == self._keys and self.rowCount() == len(groups):
            self._update(groups)
            return
        self._keys = keys
        self.removeRows(0, self.rowCount())
        bold = QFont()
        bold.setBold(True)
        root = self.invisibleRootItem()
        for title, items in groups:
            if not title:
                for e in items:
                    root.appendRow(self._row(e))
                continue
            group = QStandardItem(title)
            group.setFont(bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setData(f"group:{title}", KEY_ROLE)
            total = QStandardItem("")
            total.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for e in items:
                group.appendRow(self._row(e))
            root.appendRow([group, total])

    def _row(self, e: FilterEntry) -> list[QStandardItem]:
        name = QStandardItem(e.label)
        name.setData(e.where, FILTER_ROLE)
        name.setData(e.key, KEY_ROLE)
        name.setData(e.count, COUNT_ROLE)
        name.setEditable(False)
        if e.tooltip:
            name.setToolTip(e.tooltip)
        count = QStandardItem(str(e.count))
        count.setData(e.where, FILTER_ROLE)
        count.setData(e.key, KEY_ROLE)
        count.setEditable(False)
        count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if e.count == 0:
            name.setForeground(Qt.GlobalColor.gray)
            count.setForeground(Qt.GlobalColor.gray)
        return [name, count]

    def _update(self, groups: list[tuple[str, list[FilterEntry]]]) -> None:
        root = self.invisibleRootItem()
        row = 0
        for title, items in groups:
            if not title:
                for e in items:
                    self._set(root.child(row, 0), root.child(row, 1), e)
                    row += 1
                continue
            group = root.child(row, 0)
            for i, e in enumerate(items):
                self._set(group.child(i, 0), group.child(i, 1), e)
            row += 1

    def _set(self, name: QStandardItem, count: QStandardItem, e: FilterEntry) -> None:
        if name.text() != e.label:
            name.setText(e.label)
        if count.text() != str(e.count):
            count.setText(str(e.count))
            name.setData(e.count, COUNT_ROLE)
            colour = Qt.GlobalColor.gray if e.count == 0 else None
            for item in (name, count):
                if colour is None:
                    item.setData(None, Qt.ItemDataRole.ForegroundRole)
                else:
                    item.setForeground(colour)
        name.setData(e.where, FILTER_ROLE)
        count.setData(e.where, FILTER_ROLE)

    def find_key(self, key: str) -> QStandardItem | None:
        """The entry whose key is ``key`` (e.g. ``source:interview``)."""
        root = self.invisibleRootItem()
        for r in range(root.rowCount()):
            item = root.child(r, 0)
            if item.data(KEY_ROLE) == key:
                return item
            for c in range(item.rowCount()):
                child = item.child(c, 0)
                if child.data(KEY_ROLE) == key:
                    return child
        return None
