"""The readiness checks beside the preview: errors first, each one a link to what it is about."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fieldwork.checks import CheckResult

RESULT_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR = QColor("#b3261e")
WARNING = QColor("#8a5300")

_WHERE = {
    "finding": "Click to show the finding on the board",
    "note": "Click to show the note",
    "field": "Click to go to the field in the form",
    "section": "Click to show the section on the board",
    "letter": "In the letter's text",
}


#: How a letter field is named in a check's message.
FIELD_NAMES = {
    "letter_date": "letter date", "fieldwork_dates": "fieldwork dates",
    "statutory_basis": "statutory basis", "recipient.name": "recipient's name",
    "recipient.title": "recipient's job title", "recipient.organisation": "organisation",
    "recipient.salutation": "salutation", "signatory.name": "signatory's name",
    "signatory.title": "signatory's job title", "signatory.signature": "signature image",
    "inspectors": "inspection team", "lead_inspector": "lead inspector",
    "summary": "summary sentence", "evidence_statement": "evidence statement",
}


def field_name(path: str) -> str:
    """"letter date" for ``letter_date``: a field as the form labels it."""
    return FIELD_NAMES.get(path, path.replace(".", "'s ").replace("_", " "))


def message(result: CheckResult) -> str:
    """A check's message, with a field named as the form names it."""
    prefix = f"The letter field {result.target_id}"
    if result.target == "field" and result.target_id and result.message.startswith(prefix):
        return f"The {field_name(result.target_id)}{result.message[len(prefix):]}"
    return result.message


def describe(errors: int, warnings: int, *, issued: bool = False) -> str:
    """"2 errors block issuing · 5 warnings", or "Ready to issue"."""
    if issued:
        if not errors and not warnings:
            return "✔ Issued. Every check still passes on the file as it is now."
        return (f"Issued. On the file as it is now: {errors} error(s), {warnings} warning(s) "
                "to put right before a re-issue.")
    if not errors and not warnings:
        return "✔ Ready to issue: every check passes."
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''} "
                     f"block{'s' if errors == 1 else ''} issuing")
    else:
        parts.append("✔ Nothing blocks issuing")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return " · ".join(parts)


class ChecksList(QWidget):
    """The readiness checks.

    Signals:
        result_activated(object): the user clicked (or pressed Enter on) this CheckResult.
    """

    result_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("<b>Readiness checks</b>")
        self.summary = QLabel("Checking…")
        self.summary.setObjectName("checksSummary")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("checksList")
        self.list.setAccessibleName("Readiness checks")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setSpacing(2)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        if not self.list.style().styleHint(QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick):
            self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        self.hint = QLabel("Errors (✖) block issuing; warnings (⚠) do not. Click one to go to "
                           "what it is about.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self._results: list[CheckResult] | None = None
        self._issued = False

    @property
    def results(self) -> list[CheckResult]:
        return list(self._results or [])

    def set_results(self, results: list[CheckResult] | None, *, issued: bool = False) -> None:
        """Show ``results``; None empties the list ("Checking…")."""
        if results == self._results and issued == self._issued:
            return
        self._issued = issued
        self._results = None if results is None else list(results)
        if results is None:
            self.list.clear()
            self.summary.setText("Checking…")
            self.summary.setStyleSheet("")
            return
        current = self.list.currentRow()
        self.list.clear()
        for r in results:
            mark = "✖" if r.level == "error" else "⚠"
            item = QListWidgetItem(f"{mark}  {message(r)}")
            item.setData(RESULT_ROLE, r)
            item.setForeground(ERROR if r.level == "error" else WARNING)
            item.setToolTip(f"{'Error: blocks issuing' if r.level == 'error' else 'Warning'}"
                            f" ({r.code}). {_WHERE.get(r.target, '')}")
            self.list.addItem(item)
        self._size_items()
        if 0 <= current < self.list.count():
            self.list.setCurrentRow(current)
        errors = sum(r.level == "error" for r in results)
        self.summary.setText(describe(errors, len(results) - errors, issued=issued))
        self.summary.setStyleSheet(f"color: {ERROR.name()}; font-weight: bold;" if errors
                                   else "color: #1b6e35; font-weight: bold;")

    def show_error(self, text: str) -> None:
        self._results = None
        self.list.clear()
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {ERROR.name()};")

    def _size_items(self) -> None:
        """Wrap each message to the list's width (QListWidget does not, by itself)."""
        width = max(120, self.list.viewport().width() - 12)
        fm = self.list.fontMetrics()
        for i in range(self.list.count()):
            item = self.list.item(i)
            rect = fm.boundingRect(0, 0, width, 10000, int(Qt.TextFlag.TextWordWrap), item.text())
            item.setSizeHint(QSize(width, rect.height() + 10))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._size_items()

    def item_for(self, result: CheckResult) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(RESULT_ROLE) == result:
                return self.list.item(i)
        return None

    def _activated(self, item: QListWidgetItem) -> None:
        result = item.data(RESULT_ROLE)
        if isinstance(result, CheckResult):
            self.result_activated.emit(result)
