"""Retention in the app: the date the evidence is kept until, and File > Retire Inspection….

Once the letter is issued, the status bar shows "Keep until <date>" (the core's
:func:`fieldwork.retention.retention_date`). Retiring is offered only then: a question
says what is removed (notes, cases, history, conflicts, the search index, pack logs) and
what is kept (the issued letter's PDF, its sha256, who retired it and when); before the
retention date it also needs an explicit tick. The core's
:func:`fieldwork.retention.retire` runs on the worker with the file closed
(:class:`~ui.security.offline.ClosedWork`); the file then opens again read-only, retired:
the issued letter can still be viewed and printed, capture is off, and the team actions
refuse with one line.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QWidget

from ui.operations import Op
from ui.security.offline import ClosedWork

if TYPE_CHECKING:
    from fieldwork.model import Changes
    from fieldwork.retention import RetiredRecord
    from fieldwork.store import Store
    from ui.security.install import SecurityHost

REMOVED = ("the notes, the cases, their history, the conflicts, the search index and the "
           "record of team packs")
KEPT = ("the issued letter's PDF and its sha256, and a short record of who retired the "
        "inspection and when")


@dataclass(frozen=True)
class RetentionState:
    """What the window shows of retention for the file open now."""

    #: The date the evidence is kept until (None before the letter is issued).
    until: dt.date | None
    #: The core's record of the retirement, once retired.
    retired: RetiredRecord | None = None


def load_state(store: Store) -> RetentionState:
    """Run on the worker."""
    from fieldwork.retention import retention_date, retired_record

    return RetentionState(retention_date(store), retired_record(store))


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def retired_text(record: RetiredRecord) -> str:
    """``retired on 3 December 2026 by Alison Whitcombe``."""
    text = "retired"
    try:
        text += f" on {long_date(dt.datetime.fromisoformat(record.at).date())}"
    except ValueError:
        text += f" on {record.at}"
    return text + (f" by {record.by}" if record.by else "")


def _retire(path: Path, passphrase: str | None, by: str, now: bool) -> RetiredRecord:
    """Run on the worker, with the file closed and its lock file held."""
    from fieldwork.retention import retire
    from fieldwork.store import Store

    store = Store.open(path, passphrase=passphrase)
    try:
        return retire(store, by=by, now=now)
    finally:
        store.close()


class Retention(QObject):
    """The status item and the menu entry, installed on one window."""

    def __init__(self, host: SecurityHost) -> None:
        super().__init__(host.window())
        self.host = host
        self.state: RetentionState | None = None
        self.status = QLabel()
        self.status.setObjectName("retentionStatus")
        self.status.hide()
        self.action = QAction("Re&tire Inspection…", self)
        self.action.setObjectName("retireInspection")
        self.action.setStatusTip("Remove the evidence of an issued inspection, keeping its "
                                 "letter")
        self.action.triggered.connect(lambda _c=False: self.ask())
        self.action.setEnabled(False)
        self.work: ClosedWork | None = None
        host.session_opened.connect(self.refresh)
        host.changes_applied.connect(self._changed)
        host.session_closed.connect(self.clear)

    def _changed(self, changes: Changes, _initiator: object) -> None:
        """Issuing (or reopening) the letter changes the inspection's record; another
        program's write may have changed anything."""
        if changes.inspection or changes.everything:
            self.refresh()

    def clear(self) -> None:
        self.state = None
        self.status.hide()
        self.action.setEnabled(False)

    def refresh(self) -> None:
        """Read the retention date and the retirement again (on the worker)."""
        session = self.host.session
        if session is None:
            self.clear()
            return

        def show(state: RetentionState) -> None:
            if self.host.session is session:
                self.show_state(state)

        Op(self, lambda: load_state(session.writer)).success(show) \
            .run_in_background(self.host.tasks)

    def show_state(self, state: RetentionState) -> None:
        self.state = state
        session = self.host.session
        if state.retired is not None:
            self.status.setText("Retired")
            self.status.setToolTip(f"This inspection was {retired_text(state.retired)}: "
                                   f"only {KEPT} are kept.")
            self.status.show()
        elif state.until is not None:
            self.status.setText(f"Keep until {long_date(state.until)}")
            self.status.setToolTip(
                f"The letter is issued. The evidence is kept until {long_date(state.until)}; "
                "then File > Retire Inspection… removes it, keeping the letter.")
            self.status.show()
        else:
            self.status.hide()
        self.action.setEnabled(state.until is not None and state.retired is None
                               and session is not None and session.writable)

    # ================================================================ retiring
    def ask(self, *, today: dt.date | None = None) -> None:
        """Ask, then retire the open inspection."""
        host, state, session = self.host, self.state, self.host.session
        if session is None or state is None:
            return
        if state.retired is not None:
            host.statusBar().showMessage("This inspection is already retired.", 5000)
            return
        if state.until is None:
            host.statusBar().showMessage(
                "Only an inspection whose letter is issued can be retired.", 5000)
            return
        early = (today or dt.date.today()) < state.until
        if not confirm_retire(host.window(), session.path.name, state.until, early=early):
            return
        ov = host.overview
        by = ov.me.name if ov is not None and ov.me is not None else getpass.getuser()
        path, passphrase, key_id = session.path, session.passphrase, session.key_id

        def done(_record: RetiredRecord) -> None:
            host.statusBar().showMessage(
                f"Retired {path.name}: the evidence is removed, the issued letter kept.", 8000)

        self.work = ClosedWork(host, f"Retiring {path.name}…")
        self.work.run(path, lambda p: _retire(p, passphrase, by, early),
                      passphrase=passphrase, key_id=key_id, before=passphrase, done=done)


def confirm_retire(parent: QWidget, name: str, until: dt.date, *, early: bool) -> bool:
    """The question before retiring; before the retention date, a box must be ticked."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Retire Inspection",
                      f"Retire {name}?", QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("retireQuestion")
    box.setInformativeText(
        f"This removes {REMOVED}, so that none of it can be read from the file again. "
        f"It keeps {KEPT}. It cannot be undone.")
    retire = box.addButton("&Retire", QMessageBox.ButtonRole.DestructiveRole)
    retire.setObjectName("retireButton")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    if early:
        tick = QCheckBox(f"Retire now, before the retention date ({long_date(until)})")
        tick.setObjectName("retireEarly")
        box.setCheckBox(tick)
        retire.setEnabled(False)
        tick.toggled.connect(retire.setEnabled)
    _exec(box)
    return box.clickedButton() is retire


def _exec(box: QMessageBox) -> None:
    """Show the question (tests replace this to answer it with key presses)."""
    box.exec()
