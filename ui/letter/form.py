"""The letter's fields as a form: recipient, dates, statutory basis, the generated paragraphs,
the signatory and the copy list.

The form holds no store. It shows the stored fields (:meth:`LetterForm.load`), reports each
change as the top-level key it touches (``edited``), and gives a key's new value on request
(:meth:`LetterForm.value`). Saving, debouncing and undo are the workspace's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldwork.letter.dates import format_date_list

#: A QDateEdit at this date shows "Not set".
NO_DATE = QDate(1990, 1, 1)
MUTED = "color: palette(placeholder-text);"
#: A field a check found wrong.
PROBLEM_STYLE = ('*[problem="true"] { border: 1px solid #b3261e; background: #fdf0ef; '
                 "border-radius: 2px; } "
                 # A frozen letter's fields look as they are: not for typing in.
                 'QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"], '
                 'QDateEdit[readOnly="true"] { background: palette(window); }')


def _iso(date: QDate) -> str:
    return f"{date.year():04d}-{date.month():02d}-{date.day():02d}"


def _qdate(value: Any) -> QDate | None:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return QDate(day.year, day.month, day.day)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class DateField(QDateEdit):
    """A date with a calendar, or "Not set"."""

    def __init__(self, *, optional: bool = True, short: bool = False) -> None:
        super().__init__()
        self.setCalendarPopup(True)
        self.setDisplayFormat("d MMM yyyy" if short else "d MMMM yyyy")
        self.setMinimumDate(NO_DATE)
        if optional:
            self.setSpecialValueText("Not set")
        self.setDate(NO_DATE)

    def iso(self) -> str | None:
        return None if self.date() == NO_DATE else _iso(self.date())

    def set_iso(self, value: Any) -> None:
        self.setDate((_qdate(value) if value else None) or NO_DATE)


class ParagraphField(QGroupBox):
    """A generated paragraph: the generated text, an override box and "Use generated".

    The box's title says which of the two prints.

    Signals:
        edited(): the override was typed or cleared.
    """

    edited = Signal()

    def __init__(self, title: str, what: str) -> None:
        super().__init__()
        self.heading = title
        self.what = what
        self.generated = QLabel()
        self.generated.setObjectName("generatedText")
        self.generated.setWordWrap(True)
        self.generated.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.generated.setStyleSheet("QLabel { color: palette(placeholder-text); "
                                     "font-style: italic; }")
        self.override = QPlainTextEdit()
        self.override.setObjectName("overrideText")
        self.override.setAccessibleName(f"Your own {what}")
        self.override.setPlaceholderText(f"Leave empty to print the generated {what} above, "
                                         "or type your own wording here.")
        self.override.setTabChangesFocus(True)
        self.override.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.use_generated = QPushButton("Use generated")
        self.use_generated.setToolTip(f"Print the generated {what}, not your own wording")
        self.start_from = QPushButton("Edit generated")
        self.start_from.setToolTip(f"Copy the generated {what} into the box to change it")
        for b in (self.use_generated, self.start_from):
            b.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_from)
        buttons.addWidget(self.use_generated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.generated)
        layout.addWidget(self.override)
        layout.addLayout(buttons)
        self._generated_text = ""
        self._loading = False
        self.override.textChanged.connect(self._typed)
        self.use_generated.clicked.connect(self.clear_override)
        self.start_from.clicked.connect(self._start_from_generated)
        self._update_state()

    @property
    def own_wording(self) -> bool:
        """Whether the lead's own wording (not the generated text) prints."""
        return bool(self.override.toPlainText().strip())

    def text(self) -> str | None:
        value = self.override.toPlainText().strip()
        return value or None

    def set_text(self, value: str | None) -> None:
        if (value or "") != self.override.toPlainText():
            self._loading = True
            try:
                self.override.setPlainText(value or "")
            finally:
                self._loading = False
        self._update_state()

    def set_generated(self, text: str) -> None:
        self._generated_text = text
        self.generated.setText(f"Generated: {text}" if text else
                               f"(The template generates no {self.what} for these findings.)")
        self._update_state()

    def clear_override(self) -> None:
        if self.override.toPlainText():
            self.override.clear()  # textChanged reports the edit

    def _start_from_generated(self) -> None:
        self.override.setPlainText(self._generated_text)
        self.override.setFocus()

    def _typed(self) -> None:
        self._update_state()
        if not self._loading:
            self.edited.emit()

    def _update_state(self) -> None:
        own = self.own_wording
        self.setTitle(f"{self.heading}: your own wording prints" if own
                      else f"{self.heading}: the generated text prints")
        self.use_generated.setEnabled(own and not self.override.isReadOnly())
        self.start_from.setEnabled(not self.override.isReadOnly() and bool(self._generated_text))

    def set_read_only(self, read_only: bool) -> None:
        self.override.setReadOnly(read_only)
        self._update_state()


class CopyList(QWidget):
    """The copy list: name and role a row; add, remove and reorder.

    Signals:
        edited(): a row was added, removed, moved or typed in.
    """

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("copyList")
        self.table.setAccessibleName("Copy list")
        self.table.setHorizontalHeaderLabels(["Name", "Role"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 150)
        self.table.setMinimumHeight(self.fontMetrics().height() * 8)
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("▲")
        self.up_button.setToolTip("Move the person up the list")
        self.up_button.setAccessibleName("Move up")
        self.down_button = QPushButton("▼")
        self.down_button.setToolTip("Move the person down the list")
        self.down_button.setAccessibleName("Move down")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        self.table.itemChanged.connect(self._changed)
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self._loading = False
        self._read_only = False
        self._update_buttons()

    def rows(self) -> list[dict[str, str]]:
        found = []
        for r in range(self.table.rowCount()):
            name, role = (self._cell(r, c) for c in (0, 1))
            if name or role:
                found.append({k: v for k, v in (("name", name), ("role", role)) if v})
        return found

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def set_rows(self, rows: Iterable[Any]) -> None:
        wanted = []
        for item in rows:
            if isinstance(item, dict):
                wanted.append((_text(item.get("name")), _text(item.get("role"))))
            else:
                wanted.append((_text(item), ""))
        current = [(self._cell(r, 0), self._cell(r, 1)) for r in range(self.table.rowCount())]
        if current == wanted:
            return
        self._loading = True
        try:
            self.table.setRowCount(len(wanted))
            for r, (name, role) in enumerate(wanted):
                self.table.setItem(r, 0, QTableWidgetItem(name))
                self.table.setItem(r, 1, QTableWidgetItem(role))
        finally:
            self._loading = False
        self._update_buttons()

    def add_row(self) -> None:
        row = self.table.rowCount()
        self._loading = True
        try:
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(""))
            self.table.setItem(row, 1, QTableWidgetItem(""))
        finally:
            self._loading = False
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)
        self._update_buttons()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        self._update_buttons()
        self.edited.emit()

    def move_row(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        self._loading = True
        try:
            for column in (0, 1):
                a = self.table.takeItem(row, column)
                b = self.table.takeItem(target, column)
                self.table.setItem(row, column, b)
                self.table.setItem(target, column, a)
        finally:
            self._loading = False
        self.table.setCurrentCell(target, self.table.currentColumn())
        self.edited.emit()

    def _changed(self, _item: QTableWidgetItem) -> None:
        if not self._loading:
            self.edited.emit()

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        editable = not self._read_only
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable and row >= 0)
        self.up_button.setEnabled(editable and row > 0)
        self.down_button.setEnabled(editable and 0 <= row < self.table.rowCount() - 1)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self._update_buttons()


class SignatureField(QWidget):
    """The signature image: a thumbnail, "Choose…" and "Remove".

    Signals:
        chosen(str): the user picked this image file.
        removed(): the user took the image away.
    """

    chosen = Signal(str)
    removed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.path: str | None = None
        self.thumb = QLabel()
        self.thumb.setObjectName("signatureImage")
        self.thumb.setMinimumHeight(44)
        self.thumb.setWordWrap(True)
        self.thumb.setFrameShape(QFrame.Shape.StyledPanel)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.choose = QPushButton("Choose…")
        self.choose.setToolTip("Choose a scanned signature (PNG or JPEG)")
        self.remove = QPushButton("Remove")
        for b in (self.choose, self.remove):
            b.setAutoDefault(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.thumb, 1)
        layout.addWidget(self.choose)
        layout.addWidget(self.remove)
        self.choose.clicked.connect(self._choose)
        self.remove.clicked.connect(self.removed.emit)
        self._read_only = False
        self.set_path(None)

    def set_path(self, path: str | None) -> None:
        self.path = path or None
        if not self.path:
            self.thumb.setPixmap(QPixmap())
            self.thumb.setText("None: room is left to sign by hand")
            self.thumb.setStyleSheet(MUTED)
        else:
            pixmap = QPixmap(self.path)
            self.thumb.setStyleSheet("")
            if pixmap.isNull():
                self.thumb.setPixmap(QPixmap())
                self.thumb.setText(f"Not found: {Path(self.path).name}")
            else:
                self.thumb.setPixmap(pixmap.scaledToHeight(
                    40, Qt.TransformationMode.SmoothTransformation))
        self.remove.setEnabled(bool(self.path) and not self._read_only)

    def _choose(self) -> None:
        start = str(Path(self.path).parent) if self.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Choose the Signature Image", start,
                                              "Images (*.png *.jpg *.jpeg)")
        if path:
            self.chosen.emit(path)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.choose.setEnabled(not read_only)
        self.remove.setEnabled(bool(self.path) and not read_only)


class LetterForm(QScrollArea):
    """The letter's fields.

    Signals:
        edited(str): the user changed the field with this top-level key.
        signature_chosen(str): the user chose this image file as the signature.
    """

    edited = Signal(str)
    signature_chosen = Signal(str)

    def __init__(self, templates: list[tuple[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("letterForm")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(PROBLEM_STYLE)
        self._loading = False
        self._read_only = False
        self._base: dict[str, Any] = {}
        self._extra: dict[str, QLineEdit] = {}
        self._widgets: dict[str, QWidget] = {}
        body = QWidget()
        body.setObjectName("letterFormBody")
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(4, 4, 10, 4)
        self._build(templates or [])
        self.body.addStretch(1)
        self.setWidget(body)

    # ---------------------------------------------------------------- building
    def _group(self, title: str) -> QFormLayout:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.body.addWidget(box)
        return form

    def _line(self, path: str, key: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"field:{path}")
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _t: self._edited(key))
        self._widgets[path] = edit
        return edit

    def _build(self, templates: list[tuple[str, str]]) -> None:
        form = self._group("Recipient")
        self.recipient_name = self._line("recipient.name", "recipient", "Ms Gillian Pearson")
        self.recipient_title = self._line("recipient.title", "recipient",
                                          "Director of Children's Services")
        self.organisation = self._line("recipient.organisation", "recipient",
                                       "London Borough of …")
        self.address = QPlainTextEdit()
        self.address.setObjectName("field:recipient.address")
        self.address.setAccessibleName("Address, a line each")
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("One line each: street, town, postcode")
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.address.textChanged.connect(lambda: self._edited("recipient"))
        self._widgets["recipient.address"] = self.address
        self.salutation = self._line("recipient.salutation", "recipient", "Dear Ms Pearson")
        form.addRow("&Name", self.recipient_name)
        form.addRow("Job &title", self.recipient_title)
        form.addRow("&Organisation", self.organisation)
        form.addRow("&Address", self.address)
        form.addRow("Sal&utation", self.salutation)

        form = self._group("Inspection")
        self.inspection_form = form
        self.template = QComboBox()
        self.template.setObjectName("field:template")
        self.template.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.template.setMinimumContentsLength(16)
        for name, label in templates:
            self.template.addItem(label, name)
        self.template.activated.connect(lambda _i: self._edited("template"))
        self._widgets["template"] = self.template
        self.title = self._line("title", "title")
        self.authority = self._line("authority", "authority")
        self.service = self._line("service", "service", "children's services")
        self.statutory_basis = self._line("statutory_basis", "statutory_basis",
                                          "section 138 of the Education and Inspections Act 2006")
        self.letter_date = DateField()
        self.letter_date.setObjectName("field:letter_date")
        self.letter_date.dateChanged.connect(lambda _d: self._edited("letter_date"))
        self._widgets["letter_date"] = self.letter_date
        self.first_day = DateField(optional=False, short=True)
        self.first_day.setObjectName("field:fieldwork_dates")
        self.last_day = DateField(optional=False, short=True)
        self.last_day.setObjectName("field:fieldwork_dates.last")
        self.first_day.dateChanged.connect(lambda _d: self._dates_changed(first=True))
        self.last_day.dateChanged.connect(lambda _d: self._dates_changed(first=False))
        self._widgets["fieldwork_dates"] = self.first_day
        self.dates_text = QLabel()
        self.dates_text.setStyleSheet(MUTED)
        days = QHBoxLayout()
        days.addWidget(self.first_day, 1)
        days.addWidget(QLabel("to"))
        days.addWidget(self.last_day, 1)
        form.addRow("Letter &template", self.template)
        form.addRow("T&itle", self.title)
        form.addRow("Aut&hority", self.authority)
        form.addRow("Ser&vice", self.service)
        form.addRow("Statutory &basis", self.statutory_basis)
        dates_label = QLabel("Fieldwork &dates")
        dates_label.setBuddy(self.first_day)
        form.addRow(dates_label, days)
        form.addRow("", self.dates_text)
        form.addRow("&Letter date", self.letter_date)

        self.summary = ParagraphField("Summary sentence", "summary sentence")
        self.summary.override.setObjectName("field:summary")
        self.summary.edited.connect(lambda: self._edited("summary"))
        self.body.addWidget(self.summary)
        self._widgets["summary"] = self.summary.override
        self.evidence = ParagraphField("Evidence statement", "evidence statement")
        self.evidence.override.setObjectName("field:evidence_statement")
        self.evidence.edited.connect(lambda: self._edited("evidence_statement"))
        self.body.addWidget(self.evidence)
        self._widgets["evidence_statement"] = self.evidence.override

        form = self._group("Signatory")
        self.signatory_name = self._line("signatory.name", "signatory", "Heather Brown")
        self.signatory_title = self._line("signatory.title", "signatory",
                                          "Divisional Manager, Social Care Safeguarding")
        self.signature = SignatureField()
        self.signature.setObjectName("field:signatory.signature")
        self.signature.chosen.connect(self.signature_chosen.emit)
        self.signature.removed.connect(lambda: self.set_signature(None))
        self._widgets["signatory.signature"] = self.signature.choose
        form.addRow("Na&me", self.signatory_name)
        form.addRow("Job titl&e", self.signatory_title)
        form.addRow("Si&gnature", self.signature)

        box = QGroupBox("Copy list")
        self.copies = CopyList()
        self.copies.edited.connect(lambda: self._edited("copies"))
        QVBoxLayout(box).addWidget(self.copies)
        self.body.addWidget(box)
        self._widgets["copies"] = self.copies.table

    # ----------------------------------------------------------------- editing
    def _edited(self, key: str) -> None:
        if not self._loading and not self._read_only:
            self.edited.emit(key)

    def _dates_changed(self, *, first: bool) -> None:
        if self._loading:
            return
        a, b = self.first_day.date(), self.last_day.date()
        if b < a:
            self._loading = True
            try:
                (self.last_day if first else self.first_day).setDate(a if first else b)
            finally:
                self._loading = False
        self._show_dates(self.value("fieldwork_dates"))
        self._edited("fieldwork_dates")

    def _show_dates(self, days: Any) -> None:
        try:
            text = format_date_list([str(d) for d in days or []])
        except ValueError:
            text = ", ".join(str(d) for d in days or [])
        label = f"Prints as “{text}”" if text else "Not set"
        if self.dates_text.text() != label:
            self.dates_text.setText(label)

    def set_signature(self, path: str | None) -> None:
        """Show ``path`` as the signature image and report the edit."""
        self.signature.set_path(path)
        self._edited("signatory")

    # ----------------------------------------------------------------- values
    def value(self, key: str) -> Any:
        """The field ``key`` as the form shows it; None when empty (which unsets it)."""
        base = self._base.get(key)
        if key == "recipient":
            address = [line.strip() for line in self.address.toPlainText().splitlines()
                       if line.strip()]
            return _merged(base, {
                "name": self.recipient_name.text().strip(),
                "title": self.recipient_title.text().strip(),
                "organisation": self.organisation.text().strip(),
                "address": address,
                "salutation": self.salutation.text().strip(),
            })
        if key == "signatory":
            return _merged(base, {
                "name": self.signatory_name.text().strip(),
                "title": self.signatory_title.text().strip(),
                "signature": self.signature.path or "",
            })
        if key == "copies":
            return self.copies.rows() or None
        if key == "summary":
            return self.summary.text()
        if key == "evidence_statement":
            return self.evidence.text()
        if key == "letter_date":
            return self.letter_date.iso()
        if key == "fieldwork_dates":
            first, last = self.first_day.date(), self.last_day.date()
            days = max(0, first.daysTo(last))
            return [_iso(first.addDays(i)) for i in range(days + 1)]
        if key == "template":
            return self.template.currentData() or base
        edit = self._extra.get(key) or self._widgets.get(key)
        if isinstance(edit, QLineEdit):
            return edit.text().strip() or None
        return base

    # ---------------------------------------------------------------- loading
    def load(self, fields: dict[str, Any], *, keep: Iterable[str] = ()) -> None:
        """Show the stored ``fields``; the keys in ``keep`` hold unsaved typing and stay."""
        keep = set(keep)
        self._base = dict(fields)
        self._loading = True
        try:
            self._load(fields, keep)
        finally:
            self._loading = False

    def _load(self, fields: dict[str, Any], keep: set[str]) -> None:
        def put(edit: QLineEdit, value: Any) -> None:
            if edit.text() != _text(value):
                edit.setText(_text(value))
                edit.setCursorPosition(0)  # show the start of a long value

        if "recipient" not in keep:
            recipient = fields.get("recipient") or {}
            if not isinstance(recipient, dict):
                recipient = {"name": recipient}
            put(self.recipient_name, recipient.get("name"))
            put(self.recipient_title, recipient.get("title"))
            put(self.organisation, recipient.get("organisation"))
            address = recipient.get("address") or []
            lines = address.splitlines() if isinstance(address, str) else address
            text = "\n".join(str(line) for line in lines)
            if self.address.toPlainText() != text:
                self.address.setPlainText(text)
            put(self.salutation, recipient.get("salutation"))
        for key, edit in (("title", self.title), ("authority", self.authority),
                          ("service", self.service), ("statutory_basis", self.statutory_basis)):
            if key not in keep:
                put(edit, fields.get(key))
        if "template" not in keep:
            i = self.template.findData(fields.get("template") or "ucra-2009")
            if i >= 0:
                self.template.setCurrentIndex(i)
        if "letter_date" not in keep:
            self.letter_date.set_iso(fields.get("letter_date"))
        if "fieldwork_dates" not in keep:
            days = [str(d) for d in fields.get("fieldwork_dates") or []]
            dates = [d for d in (_qdate(day) for day in days) if d is not None]
            self.first_day.setDate(min(dates) if dates else QDate.currentDate())
            self.last_day.setDate(max(dates) if dates else QDate.currentDate())
            self._show_dates(days)
        if "summary" not in keep:
            self.summary.set_text(_text(fields.get("summary")) or None)
        if "evidence_statement" not in keep:
            self.evidence.set_text(_text(fields.get("evidence_statement")) or None)
        if "signatory" not in keep:
            signatory = fields.get("signatory") or {}
            if not isinstance(signatory, dict):
                signatory = {"name": signatory}
            put(self.signatory_name, signatory.get("name"))
            put(self.signatory_title, signatory.get("title"))
            if (signatory.get("signature") or None) != self.signature.path:
                self.signature.set_path(_text(signatory.get("signature")) or None)
        if "copies" not in keep:
            self.copies.set_rows(fields.get("copies") or [])
        for key, edit in self._extra.items():
            if key not in keep:
                put(edit, fields.get(key))

    def set_generated(self, summary: str, evidence: str) -> None:
        self.summary.set_generated(summary)
        self.evidence.set_generated(evidence)

    def set_extra_fields(self, keys: Iterable[str]) -> None:
        """Add a line for each field the template needs that the form has no place for."""
        for key in keys:
            if key in self._extra:
                continue
            edit = self._line(key, key)
            edit.setReadOnly(self._read_only)
            self._extra[key] = edit
            self.inspection_form.addRow(key.replace("_", " ").capitalize(), edit)
            self._loading = True
            try:
                edit.setText(_text(self._base.get(key)))
            finally:
                self._loading = False

    # ------------------------------------------------------------------ state
    def set_read_only(self, read_only: bool) -> None:
        if read_only == self._read_only:
            return
        self._read_only = read_only
        for edit in (self.recipient_name, self.recipient_title, self.organisation,
                     self.salutation, self.title, self.authority, self.service,
                     self.statutory_basis, self.signatory_name, self.signatory_title,
                     *self._extra.values()):
            edit.setReadOnly(read_only)
        self.address.setReadOnly(read_only)
        for date in (self.letter_date, self.first_day, self.last_day):
            date.setReadOnly(read_only)
        self.template.setEnabled(not read_only)
        self.summary.set_read_only(read_only)
        self.evidence.set_read_only(read_only)
        self.signature.set_read_only(read_only)
        self.copies.set_read_only(read_only)
        for widget in (*self._widgets.values(), *self._extra.values()):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    @property
    def read_only(self) -> bool:
        return self._read_only

    def mark_problems(self, problems: dict[str, str]) -> None:
        """Outline the inputs of fields that a check found wrong, with why as a tooltip."""
        marked = {self.widget_for(path): text for path, text in problems.items()}
        for widget in {*self._widgets.values(), *self._extra.values()}:
            text = marked.get(widget)
            if bool(widget.property("problem")) == (text is not None) \
                    and (text is None or widget.toolTip() == text):
                continue
            widget.setProperty("problem", text is not None)
            widget.setToolTip(text or "")
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def widget_for(self, path: str) -> QWidget | None:
        """The input for a letter field (``recipient.name``, ``letter_date``…)."""
        if path in self._widgets:
            return self._widgets[path]
        if path in self._extra:
            return self._extra[path]
        top = path.split(".")[0]
        return self._widgets.get(top) or self._widgets.get(f"{top}.name")

    def focus_field(self, path: str) -> bool:
        """Scroll to the field's input, focus it and flash it; False if there is none."""
        widget = self.widget_for(path)
        if widget is None:
            return False
        self.ensureWidgetVisible(widget, 40, 60)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        flash(widget)
        return True


def _merged(base: Any, values: dict[str, Any]) -> dict[str, Any] | None:
    """The stored record with the form's values over it; empty values unset their key."""
    merged = dict(base) if isinstance(base, dict) else {}
    for key, value in values.items():
        if value:
            merged[key] = value
        else:
            merged.pop(key, None)
    return merged or None


def flash(widget: QWidget, ms: int = 1500) -> None:
    """Outline ``widget`` for a moment, so the eye finds it."""
    before = widget.styleSheet()
    name = type(widget).__name__
    widget.setStyleSheet(f"{name} {{ border: 2px solid #d08a00; }}")
    restore: Callable[[], None] = lambda: widget.setStyleSheet(before)  # noqa: E731
    QTimer.singleShot(ms, widget, restore)
