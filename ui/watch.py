"""Showing what other programs write to the open file: the command line, or the app that has
it open for writing while this window reads it.

Every second the worker asks SQLite for the writer connection's ``PRAGMA data_version``
(:meth:`ui.session.Session.changed_elsewhere`). SQLite moves it only when another
connection commits, so this window's own saves never count, and asking costs a few
microseconds: no query, no busy indicator, and the worker stays idle. When it has moved,
every view reads again through the usual path (the window's ``apply_changes`` with
:meth:`Changes.all() <fieldwork.model.Changes.all>`, and this watcher as the initiator):
the list keeps its selection and scroll position, and the note being typed keeps its text
and cursor.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from fieldwork.model import Changes

if TYPE_CHECKING:
    from ui.operations import TaskManager
    from ui.session import Session

#: How often to ask whether another program has written the file.
POLL_MS = 1000


class WatchHost(Protocol):
    """What the watcher needs of the window."""

    tasks: TaskManager

    @property
    def session(self) -> Session | None: ...

    def apply_changes(self, changes: Changes, initiator: object = None) -> None: ...


class ChangeWatcher(QObject):
    """Polls the open file for other programs' writes and shows them.

    Signals:
        shown(): another program's changes were read, and every view is showing them.
        holder_left(): the app that had this (read-only) file open for writing closed it.
    """

    shown = Signal()
    holder_left = Signal()

    def __init__(self, host: WatchHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self._session: Session | None = None
        self._asking = False
        self._holder_gone = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    def start(self, session: Session) -> None:
        self._session = session
        self._asking = False
        self._holder_gone = False
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._session = None

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def poll(self) -> None:
        """Ask the worker, without counting as work, whether the file changed elsewhere."""
        session = self._session
        if session is None or self._asking:
            return
        self._asking = True
        look_for_holder = session.holder is not None and not self._holder_gone

        def ask() -> tuple[bool, bool]:
            return session.changed_elsewhere(), look_for_holder and session.holder_left()

        self.host.tasks.run_quietly(ask, lambda f: self._answered(session, f))

    def _answered(self, session: Session, future: Future[tuple[bool, bool]]) -> None:
        self._asking = False
        if session is not self._session or self.host.session is not session:
            return
        changed, holder_gone = future.result()
        if changed:
            self._show(session)
        if holder_gone:
            self._holder_gone = True
            self.holder_left.emit()

    def _show(self, _session: Session) -> None:
        self.host.apply_changes(Changes.all(), self)
        self.shown.emit()
