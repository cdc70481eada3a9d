"""Ctrl+L: pick a finding by typing a few of its words."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from fieldwork.model import Finding
from ui.dialogs.keys import main_button

FINDING_ROLE = Qt.ItemDataRole.UserRole + 40


class FindingPicker(QDialog):
    """A filter box over every finding; Enter picks the highlighted one."""

    def __init__(self, findings: list[Finding], titles: dict[str, str],
                 parent: QWidget | None = None, *, notes: int = 1) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tag to Finding")
        self.setObjectName("findingPicker")
        self.model = QStandardItemModel(self)
        for f in findings:
            text = " ".join(f.text.split())
            item = QStandardItem(f"{titles.get(f.section, f.section)} — {text}")
            item.setData(f.id, FINDING_ROLE)
            item.setToolTip(f.text)
            item.setEditable(False)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type words from the finding…")
        self.filter.setAccessibleName("Filter findings")
        self.filter.setClearButtonEnabled(True)
        self.list = QListView()
        self.list.setAccessibleName("Findings")
        self.list.setModel(self.proxy)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        what = "this note" if notes == 1 else f"these {notes} notes"
        label = QLabel(f"Tag {what} to:")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tag")
        main_button(self, buttons.button(QDialogButtonBox.StandardButton.Ok))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(620, 420)
        self.filter.textChanged.connect(self._filter)
        self.list.activated.connect(lambda _i: self.accept())
        self.filter.installEventFilter(self)
        self._select_first()

    def _filter(self, text: str) -> None:
        words = [w for w in text.split() if w]
        pattern = "".join(f"(?=.*{_escape(w)})" for w in words)
        self.proxy.setFilterRegularExpression(pattern)
        self._select_first()

    def _select_first(self) -> None:
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def eventFilter(self, obj: object, event: object) -> bool:
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if obj is self.filter and isinstance(event, QKeyEvent) and \
                event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.list.currentIndex().row() + (1 if event.key() == Qt.Key.Key_Down else -1)
            if 0 <= row < self.proxy.rowCount():
                self.list.setCurrentIndex(self.proxy.index(row, 0))
            return True
        return super().eventFilter(obj, event)  # type: ignore[arg-type]

    def chosen(self) -> str | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        return str(index.data(FINDING_ROLE))


def _escape(word: str) -> str:
    import re

    return re.escape(word)
