"""The Time field of a note: a line edit that reads what people type.

It takes what :func:`fieldwork.when.parse_when` reads (``24 Jun 2009 10:30``,
``24/06/2009 10:30``, ``10:30``, ``yesterday 14:00``…), spaces and all. Beside it a hint
says what it understood ("Wed 24 Jun 2009 10:30") or, for what it cannot read, why, and
the field is outlined in red; :meth:`TimeField.value` is then None, so nothing is saved
until it is put right. A disabled field is empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from fieldwork.when import EXAMPLES, BadTime, described, from_stored, parse_when, shown, stored

#: A time later than now by more than this is shown with a warning (it is still saved).
FUTURE_SLACK = dt.timedelta(hours=1)
PLACEHOLDER = "e.g. 24 Jun 2009 10:30, 10:30 or yesterday 14:00"
INVALID_STYLE = "QLineEdit { border: 2px solid #b3261e; border-radius: 3px; padding: 1px; }"
FORMS_TIP = ("Type a date and time, day first: " + ", ".join(EXAMPLES)
             + ", today 9am, 2009-06-24T10:30")


class TimeField(QLineEdit):
    """A date and time typed as text.

    Signals:
        value_changed(): what the field means changed (or it became unreadable).
    """

    value_changed = Signal()

    def __init__(self, parent: QWidget | None = None,
                 now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        super().__init__(parent)
        self._now = now
        self._value: dt.datetime | None = None
        self._problem = ""
        self._loaded = ""
        self.setPlaceholderText(PLACEHOLDER)
        self.setToolTip(FORMS_TIP)
        self.hint = QLabel("")
        self.hint.setObjectName("timeHint")
        self.hint.setWordWrap(True)
        self.textEdited.connect(self._typed)
        self.editingFinished.connect(self._tidy)

    # ------------------------------------------------------------------ value
    def set_stored(self, value: str | None) -> None:
        """Show a stored ``observed_at`` (None or "": empty)."""
        when = from_stored(value) if value else None
        self._loaded = value or ""
        self._value = when
        self._problem = ""
        self.setText(shown(when) if when else "")
        self._show_state()

    def stored_value(self) -> str | None:
        """The time as the file keeps it; None while the field cannot be read."""
        if self._problem or self._value is None:
            return None
        if self._loaded and from_stored(self._loaded) == self._value:
            return self._loaded  # as it was stored, not reformatted
        return stored(self._value)

    @property
    def problem(self) -> str:
        """Why what is typed is not a time ("" if it is one)."""
        return self._problem

    def setEnabled(self, on: bool) -> None:
        super().setEnabled(on)
        self.setPlaceholderText(PLACEHOLDER if on else "")  # disabled: empty, nothing grey
        self._show_state()

    # ---------------------------------------------------------------- typing
    def _typed(self, text: str) -> None:
        default = self._value.time() if self._value else self._now().time().replace(
            second=0, microsecond=0)
        try:
            self._value = parse_when(text, self._now(), default_time=default)
            self._problem = ""
        except BadTime as err:
            self._problem = str(err)
        self._show_state()
        self.value_changed.emit()

    def _tidy(self) -> None:
        """Leaving the field shows the time as it will be read back."""
        if not self._problem and self._value is not None:
            tidy = shown(self._value)
            if self.text() != tidy:
                self.setText(tidy)

    def _show_state(self) -> None:
        enabled = self.isEnabled()
        if not enabled and not self._problem:
            self.hint.setText("")
        if self._problem:
            self.setStyleSheet(INVALID_STYLE)
            self.hint.setText(f"✖ {self._problem}. The time is not saved until it is put right.")
            self.hint.setStyleSheet("color: #b3261e;")
            self.hint.setToolTip(self._problem + "\n" + FORMS_TIP)
            self.setToolTip(self._problem + "\n" + FORMS_TIP)
            self.setAccessibleDescription(self._problem)
            return
        self.setStyleSheet("")
        future = self._value is not None and self._value > self._now() + FUTURE_SLACK
        self.hint.setStyleSheet("color: #8a5a00;" if future else "color: palette(mid);")
        text = described(self._value) if self._value and enabled else ""
        if text and future:
            text = f"⚠ {text}: in the future"
        self.hint.setText(text)
        self.hint.setToolTip(FORMS_TIP)
        self.setToolTip(FORMS_TIP)
        self.setAccessibleDescription("")
