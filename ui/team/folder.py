"""The team folder while a file is open: syncing in the background, and a status item.

:class:`TeamFolder` syncs the open inspection with its team folder (chosen in Team ▸ Team
Folder…, remembered per inspection on this machine) when the file is opened, when the
folder changes (a file-system watcher on the folder and the inspection's folder in it,
with a short pause so that a pack being copied in is looked at once), every minute, and
when the file is closed (bounded: closing waits a few seconds at most).

A sync never holds up typing. Looking at the folder, writing this copy's pack and reading
and checking the team's packs run on a thread of their own, with a connection of their
own; only the merge itself, one transaction, goes through the worker thread like every
other write. The passphrase is asked for once per session and kept in memory only.
Problems (the folder gone, a wrong passphrase) show in the status item, never as a
stream of dialogs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton

from fieldwork.errors import FieldworkError
from fieldwork.packs.sync import Prepared, SyncReport, pack_folder
from ui.actions import make_action
from ui.operations import Op
from ui.team import folder_work, prompts
from ui.team.conflicts import seal_resolutions
from ui.team.folder_work import Status, SyncOutcome

if TYPE_CHECKING:
    from fieldwork.store import Store
    from ui.mainwindow import MainWindow
    from ui.session import Session
    from ui.team.actions import TeamActions
    from ui.team.folder_dialog import TeamFolderDialog

#: How often the folder is looked at while a file is open.
EVERY_MS = 60_000
#: The pause after the folder changes before it is looked at.
SETTLE_MS = 1500
#: How often the status item's "synced N min ago" is brought up to date.
REFRESH_MS = 20_000
#: The longest closing a file waits for its last pack to be written.
CLOSE_WAIT_S = 5.0
SETTINGS_KEY = "team-folder/{}"


class SyncThread(QObject):
    """One thread for the team folder's file work, with its own connection to the open
    file. A daemon thread: a folder on a slow share never keeps the app from quitting.

    Signals:
        _finished(object): internal; carries a callback to the GUI thread.
    """

    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self._store: Store | None = None  # used on the thread only
        self._finished.connect(lambda deliver: deliver())
        threading.Thread(target=self._run, daemon=True, name="fieldwork-sync").start()

    def _run(self) -> None:
        while True:
            self._jobs.get()()

    def submit(self, fn: Callable[[Store], Any], path: Path,
               done: Callable[[Any], None]) -> None:
        """``fn(store)`` on the thread, with the thread's own store of ``path``; then
        ``done(result)`` on the GUI thread, where an expected error is the result."""

        def job() -> None:
            try:
                result: Any = fn(self._store_of(path))
            except FieldworkError as err:
                result = err
            except BaseException as err:  # a bug: raised again on the GUI thread
                caught = err

                def fail() -> None:
                    raise caught

                self._emit(fail)
                return
            self._emit(lambda: done(result))

        self._jobs.put(job)

    def _emit(self, deliver: Callable[[], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the window has gone
            self._finished.emit(deliver)

    def _store_of(self, path: Path) -> Store:
        from fieldwork.store import Store

        if self._store is not None and self._store.path != path:
            self._close()
        if self._store is None:
            self._store = Store.open(path)
        return self._store

    def release(self) -> None:
        """Close the thread's connection (after the work queued before)."""
        self._jobs.put(self._close)

    def _close(self) -> None:
        if self._store is not None:
            with contextlib.suppress(Exception):
                self._store.close()
            self._store = None


class TeamFolder(QObject):
    """The team folder of the window's open inspection.

    Signals:
        synced(object): a sync finished; carries its :class:`~fieldwork.packs.sync.SyncReport`.
        failed(str): a sync stopped; carries the status item's words for why.
        status_changed(): the status item's text changed.
    """

    synced = Signal(object)
    failed = Signal(str)
    status_changed = Signal()

    def __init__(self, window: MainWindow, team: TeamActions) -> None:
        super().__init__(window)
        self.window = window
        self.team = team
        self.status = Status()
        self.last_report: SyncReport | None = None
        self.problem_detail = ""
        self.dialog: TeamFolderDialog | None = None
        self._session: Session | None = None
        self._again = False
        self._asked = False
        self.sync_thread = SyncThread(self)

        self.action: QAction = make_action(
            window, "Team &Folder…", self.show_window,
            tip="Choose the folder your team's packs are exchanged in, and see what came in")
        self.button = QToolButton()
        self.button.setObjectName("teamFolderStatus")
        self.button.setAutoRaise(True)
        self.button.setAccessibleName("Team folder")
        self.button.clicked.connect(self.status_clicked)
        self.button.hide()
        window.statusBar().addPermanentWidget(self.button)

        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self.sync_now)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _path: self.settle.start())
        self.every = QTimer(self)
        self.every.setInterval(EVERY_MS)
        self.every.timeout.connect(self.sync_now)
        self.refresh = QTimer(self)
        self.refresh.setInterval(REFRESH_MS)
        self.refresh.timeout.connect(self._show)

    # ================================================================ settings
    def _key(self, session: Session | None = None) -> str:
        session = session or self.window.session
        return SETTINGS_KEY.format(session.reader.inspection_id) if session is not None else ""

    @property
    def folder(self) -> Path | None:
        """The open inspection's team folder on this machine, if one was chosen."""
        return self.folder_of(self.window.session)

    def folder_of(self, session: Session | None) -> Path | None:
        key = self._key(session) if session is not None else ""
        value = self.window.settings.q.value(key, "") if key else ""
        return Path(str(value)) if value else None

    def set_folder(self, folder: Path | None) -> str:
        """Choose the team folder (None: stop syncing); returns why not, or ""."""
        session = self.window.session
        if session is None:
            return "Open an inspection first."
        if folder is not None:
            folder = folder.expanduser()
            if not folder.is_dir():
                return f"{folder} is not a folder."
            if session.path.resolve().is_relative_to(folder.resolve()):
                return ("This inspection file is inside that folder. A live inspection file in "
                        "a synced folder is damaged by partial syncs: move it out of the folder "
                        "first, or choose another. Only packs go in the team folder.")
        self.window.settings.set_value(self._key(), str(folder) if folder else "")
        self.window.settings.sync()
        self.status = Status()
        self.problem_detail = ""
        self._watch()
        if folder is None:
            self.every.stop()
            self.refresh.stop()
        else:
            self.every.start()
            self.refresh.start()
            self._asked = False
            self.sync_now()
        self._show()
        return ""

    def _watch(self) -> None:
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        folder, session = self.folder, self.window.session
        if folder is None or session is None:
            return
        paths = [p for p in (folder, pack_folder(folder, session.reader.inspection_id))
                 if p.is_dir()]
        if paths:
            self.watcher.addPaths([str(p) for p in paths])

    # ================================================================== syncing
    def sync_now(self) -> None:
        """Sync now (or as soon as the sync under way has finished)."""
        session = self.window.session
        folder = self.folder
        if session is None or folder is None:
            return
        if self.status.running:
            self._again = True
            return
        if not session.writable:
            self._stopped("paused: this file is read-only", "The inspection file is "
                          "read-only, and a sync must write to it.")
            return
        passphrase = self.team.remembered_passphrase()
        if not passphrase:
            self.status.problem = "click to type the team passphrase"
            self.status.needs_passphrase = True
            self._show()
            return
        status = self.status
        status.running = True
        self._show()
        seal_resolutions(self.window.undo_stack)  # the pack may carry them
        path = session.path

        def current() -> bool:
            """Whether the window still shows the session (and folder) this sync is for."""
            return self.window.session is session and self.status is status

        def ready(result: Prepared | FieldworkError) -> None:
            if not current():
                return
            if isinstance(result, FieldworkError):
                self._failed(result)
                return
            Op(self.window, lambda: folder_work.apply_sync(session.writer, result)) \
                .success(lambda outcome: self._applied(outcome) if current() else None) \
                .failure(lambda err: self._failed(err) if current() else None) \
                .run_in_background(self.window.tasks)

        self.sync_thread.submit(lambda store: folder_work.prepare_sync(store, folder, passphrase),
                                path, ready)

    def _applied(self, outcome: SyncOutcome) -> None:
        report = outcome.report
        if outcome.changes is not None:
            self.window.apply_changes(outcome.changes)
        self.team._show_count(report.open_conflicts)
        self.status.synced_at = dt.datetime.now()
        self.status.conflicts = report.open_conflicts
        self.status.waiting = report.waiting
        self.status.news.add(report)
        self.status.problem = ""
        self.status.needs_passphrase = False
        self.problem_detail = ""
        self.last_report = report
        if len(self.watcher.directories()) < 2:
            self._watch()  # the inspection's folder is made by the first sync
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reload()
        self._finish()
        self.synced.emit(report)

    def _failed(self, err: FieldworkError) -> None:
        problem, ask = folder_work.problem_of(err)
        if ask:
            self.team.forget_passphrase()
        self._stopped(problem, str(err), ask)
        self._finish()
        self.failed.emit(problem)

    def _stopped(self, problem: str, detail: str, ask: bool = False) -> None:
        self.status.problem = problem
        self.status.needs_passphrase = ask
        self.problem_detail = detail
        self._show()

    def _finish(self) -> None:
        self.status.running = False
        self._show()
        if self._again:
            self._again = False
            self.settle.start()

    # =================================================================== status
    def _show(self) -> None:
        configured = self.window.session is not None and self.folder is not None
        self.button.setVisible(configured)
        if not configured:
            return
        text = self.status.text(dt.datetime.now())
        self.button.setText(("⚠ " if self.status.alarming else "") + text)
        tip = [f"Team folder: {self.folder}"]
        if self.problem_detail:
            tip.append(self.problem_detail)
        tip.append("Click to see what came in" if not self.status.conflicts
                   else "Click to review the conflicts")
        self.button.setToolTip("\n".join(tip))
        self.button.setStyleSheet("color: #a01010;" if self.status.alarming else "")
        self.status_changed.emit()

    def status_clicked(self) -> None:
        """Type the passphrase if that is what stops the sync; review the open conflicts if
        there are any; otherwise show the Team Folder window."""
        if self.status.needs_passphrase:
            if self.ask_passphrase():
                self.sync_now()
            return
        self.status.news = folder_work.News()
        self._show()
        if self.status.conflicts and not self.status.problem:
            self.team.review_conflicts()
        else:
            self.show_window()

    def ask_passphrase(self) -> bool:
        passphrase = prompts.ask_passphrase(
            self.window, "Team Folder",
            "Type the team passphrase: packs in the team folder are opened and written with it. "
            "It is kept only until Fieldwork closes.")
        if passphrase is None:
            return False
        self.team.remember(passphrase)
        self.status.problem = ""
        self.status.needs_passphrase = False
        return True

    def show_window(self) -> TeamFolderDialog | None:
        if self.window.session is None:
            return None
        from ui.team.folder_dialog import TeamFolderDialog

        if self.dialog is None:
            self.dialog = TeamFolderDialog(self.window, self)
        self.dialog.reload()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    # ================================================================ sessions
    def session_opened(self) -> None:
        """A file was opened: sync it if it has a team folder here (asking for the
        passphrase once, if this session does not know it)."""
        self._session = self.window.session
        self.status = Status()
        self.last_report = None
        self.problem_detail = ""
        self._again = False
        self._asked = False
        self._watch()
        if self.dialog is not None:
            self.dialog.hide()
        if self.folder is None:
            self.every.stop()
            self.refresh.stop()
            self._show()
            return
        self.every.start()
        self.refresh.start()
        self._show()
        QTimer.singleShot(0, self._first_sync)

    def _first_sync(self) -> None:
        session = self.window.session
        if session is None or session is not self._session or self.folder is None:
            return
        if (session.writable and not self.team.remembered_passphrase() and not self._asked):
            self._asked = True
            self.ask_passphrase()
        self.sync_now()

    def session_closing(self, session: Session) -> None:
        """The file is being closed: write its last pack, waiting a few seconds at most,
        after the writes already queued; then let go of the thread's connection."""
        self.every.stop()
        self.refresh.stop()
        self.settle.stop()
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        self.sync_thread.release()
        folder = self.folder_of(session)
        passphrase = self.team.passphrase_for(session.reader.inspection_id)
        self.button.hide()
        self._session = None
        if folder is None or not passphrase or not session.writable:
            return
        path = session.path

        def last_pack() -> None:
            done = threading.Event()

            def write() -> None:
                with contextlib.suppress(FieldworkError):
                    folder_work.sync_once(path, folder, passphrase, merge=False)
                done.set()

            threading.Thread(target=write, daemon=True, name="fieldwork-sync-close").start()
            done.wait(CLOSE_WAIT_S)

        self.window.tasks.run(last_pack, lambda _f: None)


def install_team_folder(window: MainWindow, team: TeamActions) -> TeamFolder:
    """The team folder's action (for the Team menu) and status item, on ``window``."""
    return TeamFolder(window, team)
