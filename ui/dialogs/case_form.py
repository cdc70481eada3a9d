"""The case-tracking form: tracked or sampled, the tracking fields, and an urgent referral."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldwork.model import CASE_FIELDS, Case, CaseKind
from ui.dialogs.keys import main_button

URGENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("referred_at", "Referred back"),
    ("reason", "Why"),
    ("response", "The authority's response"),
    ("responded_at", "Responded"),
)


class CaseDialog(QDialog):
    """Edits one case record; :meth:`values` gives ``(ref, kind, fields, urgent)``."""

    def __init__(self, ref: str, case: Case | None = None, parent: QWidget | None = None,
                 *, read_only: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Case {ref}")
        self.setObjectName("caseDialog")
        self.case = case
        self.ref = QLineEdit(ref)
        self.ref.setAccessibleName("Case reference")
        self.tracked = QRadioButton("&Tracked")
        self.sampled = QRadioButton("&Sampled")
        kinds = QButtonGroup(self)
        kinds.addButton(self.tracked)
        kinds.addButton(self.sampled)
        (self.tracked if case and case.kind == CaseKind.TRACKED else self.sampled).setChecked(True)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.tracked)
        kind_row.addWidget(self.sampled)
        kind_row.addStretch(1)
        form = QFormLayout()
        form.addRow("&Reference:", self.ref)
        form.addRow("Kind:", kind_row)
        self.fields: dict[str, QLineEdit] = {}
        values = case.fields if case else {}
        for key, label in CASE_FIELDS:
            edit = QLineEdit(_text(values.get(key)))
            edit.setAccessibleName(label)
            if key.endswith("_date") or "assessment_" in key:
                edit.setPlaceholderText("YYYY-MM-DD")
            self.fields[key] = edit
            form.addRow(f"{label}:", edit)
        self.urgent = QGroupBox("&Urgent: referred back to the authority")
        self.urgent.setCheckable(True)
        self.urgent.setChecked(bool(case and case.urgent))
        urgent_form = QFormLayout(self.urgent)
        self.urgent_fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        u = (case.urgent if case else None) or {}
        for key, label in URGENT_FIELDS:
            widget: QLineEdit | QPlainTextEdit
            if key in ("reason", "response"):
                widget = QPlainTextEdit(_text(u.get(key)))
                widget.setTabChangesFocus(True)
                widget.setFixedHeight(56)
            else:
                widget = QLineEdit(_text(u.get(key)))
                widget.setPlaceholderText("YYYY-MM-DD HH:MM")
            widget.setAccessibleName(label)
            self.urgent_fields[key] = widget
            urgent_form.addRow(f"{label}:", widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        if read_only:
            save.setEnabled(False)
        main_button(self, None if read_only else save)  # Enter saves; Esc cancels
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.urgent)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def values(self) -> tuple[str, CaseKind, dict[str, Any], dict[str, Any] | None]:
        fields: dict[str, Any] = {}
        if self.case:
            fields.update(self.case.fields)
        for key, edit in self.fields.items():
            text = edit.text().strip()
            fields[key] = text or None
        urgent: dict[str, Any] | None = None
        if self.urgent.isChecked():
            urgent = dict((self.case.urgent if self.case else None) or {})
            for key, widget in self.urgent_fields.items():
                text = (widget.toPlainText() if isinstance(widget, QPlainTextEdit)
                        else widget.text()).strip()
                urgent[key] = text or None
        kind = CaseKind.TRACKED if self.tracked.isChecked() else CaseKind.SAMPLED
        return self.ref.text().strip(), kind, fields, urgent


def _text(value: Any) -> str:
    return "" if value is None else str(value)
