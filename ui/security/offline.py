"""Work on the whole file with nothing else open on it: encrypting it, retiring it.

:func:`run_closed` closes the session (what is being typed is saved first), waits for the
team folder's lane and its last sync to let go of the file, then runs the work on the
worker (with the file's lock file held, so no other app opens it meanwhile), and opens the
file again. A progress dialog shows meanwhile. If the work fails, the file (which the core
leaves whole) opens again as it was and the error is shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QProgressDialog

from fieldwork import lock as filelock
from fieldwork.errors import FieldworkError
from ui.errors import show_error
from ui.operations import TEAM_FOLDER, Op
from ui.session import Session, open_session

if TYPE_CHECKING:
    from ui.security.install import SecurityHost

T = TypeVar("T")
#: How long to wait for the team folder's last sync (its own connection) to finish.
LANE_WAIT_S = 60.0
#: The thread the team folder's last sync on closing runs on (:mod:`ui.team.folder`).
CLOSING_SYNC_THREAD = "fieldwork-sync-close"


def _let_go(lane_done: threading.Event) -> None:
    lane_done.wait(LANE_WAIT_S)
    for thread in threading.enumerate():
        if thread.name == CLOSING_SYNC_THREAD:
            thread.join(LANE_WAIT_S)


class ClosedWork(QObject):
    """One run of work on the closed file, with its progress dialog."""

    def __init__(self, host: SecurityHost, label: str) -> None:
        super().__init__(host.window())
        self.host = host
        self.label = label
        self.progress: QProgressDialog | None = None

    def run(self, path: Path, work: Callable[[Path], T], *, passphrase: str | None,
            key_id: str | None, before: str | None, done: Callable[[T], None],
            hold_lock: bool = True) -> None:
        """Close the file, run ``work(path)`` on the worker, open the file again with
        ``passphrase`` (its own, or the new one ``work`` encrypted it with; ``key_id`` if
        known), then call ``done(result)``. If the work fails, the file opens again with
        the passphrase it had ``before``. With ``hold_lock`` the work runs with the file's
        lock file held (work that takes the lock itself says False)."""
        host = self.host
        host.close_session()
        lane_done = threading.Event()
        host.tasks.run(lane_done.set, lambda _f: None, lane=TEAM_FOLDER)
        progress = QProgressDialog(self.label, "", 0, 0, host.window())
        progress.setObjectName("closedWorkProgress")
        progress.setWindowTitle("Fieldwork")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.show()
        self.progress = progress
        def background() -> tuple[T, Session]:
            _let_go(lane_done)
            held = filelock.acquire(path) if hold_lock else None
            try:
                result = work(path)
            finally:
                if held is not None:
                    held.release()
            return result, open_session(path, passphrase=passphrase, key_id=key_id)

        def finished(out: tuple[T, Session]) -> None:
            self._end()
            result, session = out
            host.install_session(session)
            done(result)

        def failed(err: FieldworkError) -> None:
            self._end()
            show_error(host.window(), err)
            host.files.open_file(path, passphrase=before,
                                 key_id=key_id if before is not None else None)

        Op(self, background, label=self.label).success(finished).failure(failed) \
            .run_in_background(host.tasks)

    def _end(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
