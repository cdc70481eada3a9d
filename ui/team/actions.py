"""The Team menu and the History action, installed on the window by one hook.

``install_team_actions(host)`` adds: Export My Pack…, Join an Inspection from a Pack…,
Team Folder… (:mod:`ui.team.folder`, with its status item), Merge Packs…, Review
Conflicts… and History… (Ctrl+H, also in the notes list's and the findings board's context
menus), and a status-bar button that counts open conflicts.
Another team action goes in :attr:`TeamActions.menu` (``host.add_session_action`` makes it
work only while a file is open), and another status-bar item through
``host.add_status_widget``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton

from fieldwork.errors import FieldworkError
from fieldwork.model import Changes, Inspector
from fieldwork.packs import PackHeader, PackInfo
from ui.actions import make_action
from ui.folders import dialog_folder
from ui.operations import Op
from ui.team import prompts, work
from ui.team.conflicts import ConflictsDialog, seal_resolutions
from ui.team.folder import TeamFolder, install_team_folder
from ui.team.history import HistoryDialog
from ui.team.merge import MergeDialog
from ui.team.messages import show_refusal
from ui.team.present import local_time

if TYPE_CHECKING:
    from ui.host import Shell


class TeamActions(QObject):
    """The team's actions on one window.

    Signals:
        exported(object): a pack was written; carries its :class:`~fieldwork.packs.PackInfo`.
        joined(str): a copy was made from a pack and opened; carries its path.
        conflicts_counted(int): the number of open conflicts was read again.
    """

    exported = Signal(object)
    joined = Signal(str)
    conflicts_counted = Signal(int)

    def __init__(self, host: Shell) -> None:
        super().__init__(host.window())
        self.host = host
        window = host.window()
        self._passphrases: dict[str, str] = {}
        self.merge_dialog: MergeDialog | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self.open_conflicts = 0
        self._counting = False

        def action(text: str, slot: Callable[[], object], shortcut: str | None = None,
                   tip: str = "", *, session: bool = True, writes: bool = False) -> QAction:
            a = make_action(self, text, slot, shortcut, tip, add_to=window)
            if session:
                host.add_session_action(a, writes=writes)
            return a

        self.export_action = action("&Export My Pack…", self.export_pack, None,
                                    "Write an encrypted pack of this copy for the team")
        self.join_action = action("&Join an Inspection from a Pack…", self.join_from_pack, None,
                                  "Make your own copy of an inspection from the lead's pack",
                                  session=False)
        self.merge_action = action("&Merge Packs…", self.merge_packs, "Ctrl+Shift+M",
                                   "Merge team members' packs into this inspection",
                                   writes=True)
        self.conflicts_action = action("Review &Conflicts…", self.review_conflicts, None,
                                       "Decide between versions two people made")
        self.history_action = action("&History…", self.show_history, "Ctrl+H",
                                     "Who changed the selected note or finding, when, and how")

        self.menu = QMenu("&Team", window)
        self.menu.setObjectName("teamMenu")
        for a in (self.export_action, self.join_action, None, self.merge_action,
                  self.conflicts_action, None, self.history_action):
            if a is None:
                self.menu.addSeparator()
            else:
                self.menu.addAction(a)
        host.add_menu(self.menu, "tool")

        self.conflicts_button = QToolButton()
        self.conflicts_button.setObjectName("conflictsButton")
        self.conflicts_button.setAutoRaise(True)
        self.conflicts_button.setToolTip("Review the open conflicts")
        self.conflicts_button.clicked.connect(self.review_conflicts)
        self.conflicts_button.hide()
        host.add_status_widget(self.conflicts_button)
        self.folder: TeamFolder = install_team_folder(host, self)

        host.evidence.add_row_action("&History…", "Ctrl+H", self.show_history)
        host.evidence.row_chosen.connect(self._follow)
        host.session_opened.connect(self._session_opened)
        host.changes_applied.connect(self._changes_applied)
        if host.session is not None:
            self._session_opened()

    # ============================================================== passphrase
    def _inspection_id(self) -> str:
        session = self.host.session
        return session.reader.inspection_id if session is not None else ""

    def remembered_passphrase(self) -> str:
        """The passphrase last used with this inspection in this run (never stored)."""
        return self._passphrases.get(self._inspection_id(), "")

    def remember(self, passphrase: str, inspection_id: str | None = None) -> None:
        self._passphrases[inspection_id or self._inspection_id()] = passphrase

    def passphrase_for(self, inspection_id: str) -> str:
        """The passphrase last used with that inspection in this run, or ""."""
        return self._passphrases.get(inspection_id, "")

    def forget_passphrase(self) -> None:
        """Drop the open inspection's passphrase (it proved wrong)."""
        self._passphrases.pop(self._inspection_id(), None)

    # ================================================================= export
    def export_pack(self, target: Path | None = None, passphrase: str | None = None) -> None:
        """Ask for the passphrase and the file, then write the pack on the worker."""
        host, window = self.host, self.host.window()
        session = host.session
        if session is None:
            return
        if session.retired:
            host.statusBar().showMessage(
                f"No pack: this inspection was {session.retired}, and a retired copy makes "
                "no packs.", 10000)
            return
        host.flush()
        if passphrase is None:
            passphrase = prompts.ask_passphrase(
                window, "Export My Pack",
                "Your pack is encrypted with the team passphrase the lead gave you. Type it "
                "twice; a pack made with a different passphrase cannot be merged.",
                confirm=True, initial=self.remembered_passphrase())
            if passphrase is None:
                return
        if target is None:
            target = prompts.save_pack(window, self._suggested_pack(session.path))
            if target is None:
                return
        chosen, secret = target, passphrase

        def done(info: PackInfo) -> None:
            self.remember(secret)
            sealed = seal_resolutions(host.undo_stack)
            size = info.size / 1_000_000
            host.statusBar().showMessage(
                f"Wrote {info.path} ({size:.1f} MB) from {info.header.sender_name}"
                + (" — resolutions made before it can no longer be undone" if sealed else ""),
                10000)
            self.exported.emit(info)

        def failed(err: FieldworkError) -> None:
            show_refusal(window, "The pack was not written", err,
                         "The inspection is unchanged.")

        Op(window, lambda: work.export(session.writer, chosen, secret),
           label="Writing the pack…").success(done).failure(failed) \
            .run_in_background(host.tasks)

    def _suggested_pack(self, path: Path) -> Path:
        ov = self.host.overview
        who = ov.me.name.split()[0].lower() if ov and ov.me and ov.me.name else "pack"
        stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
        return Path(dialog_folder(self.host)) / f"{path.stem}-{who}-{stamp}.fwpack"

    # =================================================================== join
    def join_from_pack(self, pack: Path | None = None, passphrase: str | None = None,
                       who: str | None = None, target: Path | None = None, *,
                       encrypt_with: str | None = None) -> None:
        """Choose the lead's pack, unlock it, say who I am, save my copy (encrypted, if
        chosen: asked when ``target`` is not given), and open it."""
        host, window = self.host, self.host.window()
        if pack is None:
            pack = prompts.choose_pack(window, dialog_folder(host))
            if pack is None:
                return
        chosen = pack

        def refused(err: FieldworkError) -> None:
            show_refusal(window, "Could not join from this pack", err, "No file was made.")

        def header_read(headers: list[PackHeader | FieldworkError]) -> None:
            header = headers[0]
            if isinstance(header, FieldworkError):
                refused(header)
                return
            secret = passphrase
            if secret is None:
                secret = prompts.ask_passphrase(
                    window, "Join an Inspection",
                    f"This pack is from {header.sender_name}, made {local_time(header.made_at)}."
                    " Type the team passphrase to open it.")
                if secret is None:
                    return
            unlocked = secret
            Op(window, lambda: work.read_team(chosen, unlocked), label="Opening the pack…") \
                .success(lambda result: team_read(result, unlocked)).failure(refused) \
                .run_in_background(host.tasks)

        def team_read(result: tuple[PackHeader, list[Inspector]], secret: str) -> None:
            header, team = result
            me = who if who is not None else prompts.choose_member(window, team,
                                                                    header.sender_name)
            if me is None:
                return
            where = target
            if where is None:
                name = next((i.name for i in team if i.id == me or i.name == me), "me")
                suggested = chosen.with_name(
                    f"{chosen.stem}-{name.split()[0].lower()}.fieldwork")
                where = prompts.save_inspection(window, suggested)
                if where is None:
                    return
            final = where
            key = encrypt_with
            if target is None:
                choice = prompts.encrypt_copy(window, final.name)
                if choice is None:
                    return
                key = choice or None

            def made(path: Path) -> None:
                self.remember(secret, header.inspection_id)
                host.open_file(path, on_opened=lambda: self.joined.emit(str(path)),
                               passphrase=key)
                host.statusBar().showMessage(f"Joined the inspection: your copy is {path}",
                                               8000)

            Op(window, lambda: work.join(chosen, final, secret, me, encrypt_with=key),
               label="Making your copy…").success(made).failure(refused) \
                .run_in_background(host.tasks)

        Op(window, lambda: work.pack_headers([chosen])).success(header_read) \
            .run_in_background(host.tasks)

    # ================================================================== merge
    def merge_packs(self, paths: list[Path] | None = None) -> MergeDialog | None:
        """Choose packs, then merge them from the Merge Packs dialog (shown, not blocking)."""
        host = self.host
        if host.session is None:
            return None
        if paths is None:
            paths = prompts.choose_packs(host.window(), dialog_folder(host))
            if not paths:
                return None
        if self.merge_dialog is not None:
            self.merge_dialog.deleteLater()
        dialog = MergeDialog(host, paths, passphrase=self.remembered_passphrase())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.merged.connect(lambda outcome: self._merged(dialog, outcome))
        dialog.review_requested.connect(self.review_conflicts)
        self.merge_dialog = dialog
        dialog.show()
        if dialog.passphrase.text():
            dialog.merge_button.setFocus()
        else:
            dialog.passphrase.setFocus()
        return dialog

    def _merged(self, dialog: MergeDialog, outcome: work.MergeOutcome) -> None:
        self.remember(dialog.passphrase.text())
        seal_resolutions(self.host.undo_stack)
        added, updated, deleted, _ = outcome.totals
        self.host.statusBar().showMessage(
            f"Merged {len(outcome.summaries)} packs: {added} added, {updated} updated, "
            f"{deleted} deleted; {outcome.open_conflicts} conflicts open", 10000)
        self._show_count(outcome.open_conflicts)

    # ============================================================== conflicts
    def review_conflicts(self) -> ConflictsDialog | None:
        if self.host.session is None:
            return None
        if self.conflicts_dialog is None:
            self.conflicts_dialog = ConflictsDialog(self.host)
        dialog = self.conflicts_dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def count_conflicts(self) -> None:
        """Read the number of open conflicts again (on the worker) for the status bar."""
        session = self.host.session
        if session is None or self._counting:
            return
        self._counting = True

        def done(n: int) -> None:
            self._counting = False
            if self.host.session is session:
                self._show_count(n)

        def failed(_err: FieldworkError) -> None:
            self._counting = False

        Op(self, lambda: work.count_open_conflicts(session.writer)).success(done) \
            .failure(failed).run_in_background(self.host.tasks)

    def _show_count(self, n: int) -> None:
        self.open_conflicts = n
        self.conflicts_button.setText(f"⚠ {n} conflict{'s' if n != 1 else ''} to review")
        self.conflicts_button.setVisible(n > 0)
        self.conflicts_action.setText(f"Review &Conflicts ({n})…" if n else "Review &Conflicts…")
        self.conflicts_counted.emit(n)

    # ================================================================ history
    def show_history(self, row_id: str | None = None) -> HistoryDialog | None:
        """The History window on ``row_id``, or on the note or finding the user is on."""
        host = self.host
        if host.session is None:
            return None
        target = row_id or host.evidence.current_row()
        if target is None:
            host.statusBar().showMessage("Select a note or a finding to see its history.",
                                         5000)
            return None
        if self.history_dialog is None:
            self.history_dialog = HistoryDialog(host)
        dialog = self.history_dialog
        dialog.row_id = target
        dialog.show()
        dialog.raise_()
        dialog.reload()
        return dialog

    def _follow(self, row_id: str) -> None:
        """An open History window follows the note or finding chosen in the window."""
        dialog = self.history_dialog
        if dialog is not None and dialog.isVisible() and row_id and row_id != dialog.row_id:
            dialog.show_row(row_id)

    # ================================================================ session
    def _changes_applied(self, _changes: Changes, _initiator: object) -> None:
        self.count_conflicts()

    def _session_opened(self) -> None:
        self._show_count(0)
        if self.history_dialog is not None:
            self.history_dialog.row_id = None
            self.history_dialog.hide()
        if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
            self.conflicts_dialog.reload()
        self.count_conflicts()


def install_team_actions(host: Shell) -> TeamActions:
    """Add the Team menu and the History action to the window."""
    return TeamActions(host)
