"""The team folder while a file is open: syncing in the background, and a status item.

:class:`TeamFolder` syncs the open inspection with its team folder (chosen in Team ▸ Team
Folder…, remembered per inspection on this machine) when the file is opened, when the
folder changes (a file-system watcher on the folder and the inspection's folder in it,
with a short pause so that a pack being copied in is looked at once), every minute, and
when the file is closed (bounded: closing waits a few seconds at most).

A sync never holds up typing. Looking at the folder, writing this copy's pack and reading
and checking the team's packs run on the team folder's own lane
(:data:`~ui.operations.TEAM_FOLDER`), with a connection of its own to the open file
(opened and closed for each sync); only
the merge itself, one transaction, goes through the worker like every other write (a
:class:`~ui.operations.CoreOp`, so every view hears what it changed, once). Its commit is
the writer's own, so the watcher of other programs' writes (:mod:`ui.watch`) does not show
it a second time. The passphrase is asked for once per session and kept in memory only.
Problems (the folder gone, a wrong passphrase) show in the status item, never as a stream
of dialogs.

It reaches the window only through :class:`ui.host.Shell`: its action goes in the Team
menu (``add_session_action``), its status item through ``add_status_widget``, and the
last pack is written when the host says ``session_closing``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QToolButton

from fieldwork.errors import FieldworkError
from fieldwork.packs.sync import Prepared, SyncReport, pack_folder
from fieldwork.passphrases import MIN_PASSPHRASE
from ui.actions import make_action
from ui.operations import TEAM_FOLDER, CoreOp, Op
from ui.team import folder_work, prompts
from ui.team.conflicts import seal_resolutions
from ui.team.folder_dialog import TeamFolderDialog, tip
from ui.team.folder_work import Status, SyncOutcome

if TYPE_CHECKING:
    from ui.host import Shell
    from ui.session import Session
    from ui.team.actions import TeamActions

#: How often the folder is looked at while a file is open.
EVERY_MS = 60_000
#: The pause after the folder changes before it is looked at.
SETTLE_MS = 1500
#: How often the status item's "synced N min ago" is brought up to date.
REFRESH_MS = 20_000
#: The longest closing a file waits for its last pack to be written.
CLOSE_WAIT_S = 5.0
SETTINGS_KEY = "team-folder/{}"


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

    def __init__(self, host: Shell, team: TeamActions) -> None:
        super().__init__(host.window())
        self.host = host
        self.team = team
        self.status = Status()
        self.last_report: SyncReport | None = None
        self.problem_detail = ""
        self.dialog: TeamFolderDialog | None = None
        self._session: Session | None = None
        self._again = False
        self._asked = False

        self.action = make_action(
            self, "Team &Folder…", self.show_window, None,
            "Choose the folder your team's packs are exchanged in, and see what came in",
            add_to=host.window())
        self.action.setObjectName("teamFolderAction")
        host.add_session_action(self.action)
        team.menu.insertAction(team.merge_action, self.action)
        self.button = QToolButton()
        self.button.setObjectName("teamFolderStatus")
        self.button.setAutoRaise(True)
        self.button.setAccessibleName("Team folder")
        self.button.clicked.connect(self.status_clicked)
        self.button.hide()
        host.add_status_widget(self.button)

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

        host.session_opened.connect(self.session_opened)
        host.session_closing.connect(self.session_closing)
        if host.session is not None:
            self.session_opened()

    # ================================================================ settings
    def _key(self, session: Session | None = None) -> str:
        session = session or self.host.session
        return SETTINGS_KEY.format(session.reader.inspection_id) if session is not None else ""

    @property
    def folder(self) -> Path | None:
        """The open inspection's team folder on this machine, if one was chosen."""
        return self.folder_of(self.host.session)

    def folder_of(self, session: Session | None) -> Path | None:
        key = self._key(session) if session is not None else ""
        value = self.host.settings.q.value(key, "") if key else ""
        return Path(str(value)) if value else None

    def set_folder(self, folder: Path | None) -> str:
        """Choose the team folder (None: stop syncing); returns why not, or ""."""
        session = self.host.session
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
        self.host.settings.set_value(self._key(), str(folder) if folder else "")
        self.host.settings.sync()
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
        folder, session = self.folder, self.host.session
        if folder is None or session is None:
            return
        paths = [p for p in (folder, pack_folder(folder, session.reader.inspection_id))
                 if p.is_dir()]
        if paths:
            self.watcher.addPaths([str(p) for p in paths])

    # ================================================================== syncing
    def sync_now(self) -> None:
        """Sync now (or as soon as the sync under way has finished)."""
        host = self.host
        session = host.session
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
        if len(passphrase) < MIN_PASSPHRASE:
            # None yet, or one typed for merging an older team's packs: a sync makes packs.
            self._stopped("click to type the team passphrase",
                          f"A sync writes your pack, and a pack needs a team passphrase of "
                          f"at least {MIN_PASSPHRASE} characters." if passphrase else "",
                          ask=True)
            return
        status = self.status
        status.running = True
        self._show()
        seal_resolutions(host.undo_stack)  # the pack may carry them
        path = session.path

        def current() -> bool:
            """Whether the window still shows the session (and folder) this sync is for."""
            return host.session is session and self.status is status

        def ready(prepared: Prepared) -> None:
            if not current():
                return
            host.run(CoreOp(self, lambda store: folder_work.apply_sync(store, prepared),
                            label="Merging the team's packs…", shows_saving=False)
                     .success(lambda outcome: self._applied(outcome) if current() else None)
                     .failure(lambda err: self._failed(err) if current() else None))

        key = session.passphrase
        Op(self, lambda: folder_work.prepare_sync(path, folder, passphrase, key=key)) \
            .success(ready).failure(lambda err: self._failed(err) if current() else None) \
            .run_in_background(host.tasks, lane=TEAM_FOLDER)

    def _applied(self, outcome: SyncOutcome) -> None:
        report = outcome.report
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
        configured = self.host.session is not None and self.folder is not None
        self.button.setVisible(configured)
        if not configured:
            return
        text = self.status.text(dt.datetime.now())
        self.button.setText(("⚠ " if self.status.alarming else "") + text)
        lines = [f"Team folder: {self.folder}"]
        if self.problem_detail:
            lines.append(self.problem_detail)
        lines.append("Click to see what came in" if not self.status.conflicts
                   else "Click to review the conflicts")
        self.button.setToolTip(tip("\n".join(lines)))
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
            self.host.window(), "Team Folder",
            "Type the team passphrase: packs in the team folder are opened and written with it. "
            "It is kept only until Fieldwork closes.", new_pack=True,
            initial=self.team.remembered_passphrase())
        if passphrase is None:
            return False
        self.team.remember(passphrase)
        self.status.problem = ""
        self.status.needs_passphrase = False
        return True

    def show_window(self) -> TeamFolderDialog | None:
        if self.host.session is None:
            return None
        if self.dialog is None:
            self.dialog = TeamFolderDialog(self.host, self)
        self.dialog.reload()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    # ================================================================ sessions
    def session_opened(self) -> None:
        """A file was opened: sync it if it has a team folder here (asking for the
        passphrase once, if this session does not know it)."""
        self._session = self.host.session
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
        session = self.host.session
        if session is None or session is not self._session or self.folder is None:
            return
        if (session.writable and len(self.team.remembered_passphrase()) < MIN_PASSPHRASE
                and not self._asked):
            self._asked = True
            self.ask_passphrase()
        self.sync_now()

    def session_closing(self) -> None:
        """The file is about to close: write its last pack, after the writes already
        queued on the worker and waiting a few seconds at most."""
        session = self.host.session
        self.every.stop()
        self.refresh.stop()
        self.settle.stop()
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        self.status = Status()  # a sync under way is for the file now closing: not shown
        self.button.hide()
        self._session = None
        if self.dialog is not None:
            self.dialog.hide()
        if session is None:
            return
        folder = self.folder_of(session)
        passphrase = self.team.passphrase_for(session.reader.inspection_id)
        if folder is None or not passphrase or not session.writable:
            return
        path, key = session.path, session.passphrase

        def last_pack() -> None:
            done = threading.Event()

            def write() -> None:
                with contextlib.suppress(FieldworkError):
                    folder_work.sync_once(path, folder, passphrase, merge=False, key=key)
                done.set()

            threading.Thread(target=write, daemon=True, name="fieldwork-sync-close").start()
            done.wait(CLOSE_WAIT_S)

        self.host.tasks.run(last_pack, lambda _f: None)


def install_team_folder(host: Shell, team: TeamActions) -> TeamFolder:
    """Team ▸ Team Folder… (in ``team``'s menu, before Merge Packs…) and the status item."""
    return TeamFolder(host, team)
