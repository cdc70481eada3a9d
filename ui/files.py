"""The File menu: opening an inspection (or the sample, or a recent one), making a new one,
saving a copy, closing it, and saying who I am.

Opening runs on the worker (:func:`ui.session.open_session`); the file open now stays
open until the new one has opened, and then the window installs it
(:meth:`FileHost.install_session`). A file open for writing elsewhere is offered
read-only (:class:`ui.readonly.ReadOnlyMode`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from fieldwork.errors import FieldworkError
from fieldwork.inspections import NewInspection, save_copy
from fieldwork.lock import AlreadyOpen, Holder
from ui.actions import make_action
from ui.errors import show_error
from ui.folders import ShowInFolder, dialog_folder, dialog_path, remember_folder
from ui.host import Shell
from ui.operations import CoreOp, Op
from ui.security.unlock import Unlocker
from ui.session import PassphraseNeeded, Session, create_inspection, open_session, sample_file

if TYPE_CHECKING:
    from fieldwork.model import Changes
    from ui.readonly import ReadOnlyMode


class FileHost(Shell, Protocol):
    """What file handling needs of the window beyond a page's seams."""

    read_only: ReadOnlyMode

    def install_session(self, session: Session) -> None:
        """Close the file open now, if any, and show ``session``."""

    def close_session(self) -> None: ...


class Files(QObject):
    """The File menu's actions on one window."""

    def __init__(self, host: FileHost) -> None:
        super().__init__(host.window())
        self.host = host
        window = host.window()
        #: Asks for an encrypted file's passphrase (or finds it in the keychain).
        self.unlocker = Unlocker(window, host.tasks)

        def action(text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = "",
                   *, session: bool = False, writes: bool = False) -> QAction:
            a = make_action(self, text, slot, shortcut, tip, add_to=window)
            if session:
                host.add_session_action(a, writes=writes)
            return a

        K = QKeySequence.StandardKey
        self.new_inspection_action = action("&New Inspection…", self.new_inspection,
                                            "Ctrl+Shift+I", "Set up a new inspection")
        self.open_action = action("&Open…", self.choose_file, K.Open)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.sample_action = action("Open the &Sample Inspection", self.open_sample)
        self.copy_action = action("Save a &Copy…", self.save_a_copy, "Ctrl+Shift+S",
                                  "Copy this inspection to a new file", session=True)
        self.identity_action = action("&Who Am I…", self.choose_identity, session=True,
                                      writes=True)
        self.close_action = action("&Close", self.close_file, K.Close, session=True)
        self.quit_action = action("&Quit", window.close, K.Quit)
        menu = host.menu("file")
        for entry in (self.new_inspection_action, self.open_action, self.recent_menu,
                      self.sample_action, None, self.copy_action, self.identity_action, None,
                      self.close_action, self.quit_action):
            if entry is None:
                menu.addSeparator()
            elif isinstance(entry, QMenu):
                menu.addMenu(entry)
            else:
                menu.addAction(entry)
        self.show_in_folder = ShowInFolder(host)

    # ================================================================= opening
    def open_file(self, path: Path, *, on_opened: Callable[[], None] | None = None,
                  read_only: bool = False, holder: Holder | None = None,
                  on_refused: Callable[[AlreadyOpen], None] | None = None,
                  passphrase: str | None = None, key_id: str | None = None,
                  on_failed: Callable[[FieldworkError], None] | None = None) -> None:
        """Open an inspection on the worker; the current one stays open until it has.

        If another app or window has it open for writing, ``on_refused(err)`` is called;
        by default the user is told by whom and offered it read-only (then ``read_only``,
        and ``holder`` is who has it). An encrypted file's ``passphrase`` is asked for
        (:class:`~ui.security.unlock.Unlocker`) unless given, or known to the session
        open on the same file. ``on_failed(err)`` replaces the error dialog.
        """
        host = self.host
        session = host.session
        if session is not None and same_file(session.path, path) and (
                session.writable or read_only):
            host.statusBar().showMessage(f"{session.path.name} is already open here.", 5000)
            return
        if passphrase is None and session is not None and same_file(session.path, path):
            passphrase, key_id = session.passphrase, session.key_id
        host.flush()
        started = time.perf_counter()

        def opened(session: Session) -> None:
            host.install_session(session)
            host.statusBar().showMessage(
                f"Opened {session.path.name} in {time.perf_counter() - started:.2f} s", 4000)
            if on_opened is not None:
                on_opened()

        tried: list[tuple[str | None, str | None]] = [(passphrase, key_id)]

        def failed(err: FieldworkError) -> None:
            if isinstance(err, AlreadyOpen):
                if on_refused is not None:
                    on_refused(err)
                else:  # offered read-only, with the passphrase just typed (if any)
                    host.read_only.refused(err, on_opened, passphrase=tried[-1][0],
                                           key_id=tried[-1][1])
                return
            if on_failed is not None:
                on_failed(err)
                return
            host.settings.forget_recent(Path(path))
            show_error(host.window(), err)

        def opener(passphrase: str | None, key_id: str | None) -> Op[Session]:
            tried[:] = [(passphrase, key_id)]
            return Op(self, lambda: open_session(Path(path), read_only=read_only, holder=holder,
                                                 passphrase=passphrase, key_id=key_id),
                      label=f"Opening {Path(path).name}…")

        self._open_with(opener, passphrase, key_id, opened, failed, ask=on_failed is None)

    def _open_with(self, opener: Callable[[str | None, str | None], Op[Session]],
                   passphrase: str | None, key_id: str | None,
                   opened: Callable[[Session], None],
                   failed: Callable[[FieldworkError], None], *, ask: bool = True) -> None:
        """Run ``opener``; if the file is encrypted, ask for its passphrase (unless not
        to ``ask``: the caller asked already) and try again."""
        def first_failed(err: FieldworkError) -> None:
            if isinstance(err, PassphraseNeeded) and ask:
                self.unlocker.unlock(err, opener, opened, failed)
            else:
                failed(err)

        opener(passphrase, key_id).success(opened).failure(first_failed) \
            .run_in_background(self.host.tasks)

    def _opened(self, session: Session, on_opened: Callable[[], None] | None) -> None:
        self.host.install_session(session)
        if on_opened is not None:
            on_opened()

    def _open_failed(self, err: FieldworkError, on_opened: Callable[[], None] | None) -> None:
        if isinstance(err, PassphraseNeeded):
            path = err.path

            def opener(passphrase: str | None, key_id: str | None) -> Op[Session]:
                return Op(self, lambda: open_session(path, passphrase=passphrase,
                                                     key_id=key_id),
                          label=f"Opening {path.name}…")

            self.unlocker.unlock(err, opener, lambda s: self._opened(s, on_opened),
                                 lambda e: self._open_failed(e, on_opened))
            return
        if isinstance(err, AlreadyOpen):
            self.host.read_only.refused(err, on_opened)
        else:
            show_error(self.host.window(), err)

    def finish_open(self, future: Future[Session], *,
                    on_opened: Callable[[], None] | None = None) -> None:
        """Install a session whose opening was started before the window existed."""
        err = future.exception()
        if isinstance(err, FieldworkError):
            self._open_failed(err, on_opened)
            return
        if err is not None:
            raise err
        self._opened(future.result(), on_opened)

    def open_sample(self, *, on_opened: Callable[[], None] | None = None) -> None:
        """Open the sample inspection, making it in the user's data folder the first time."""
        self.host.flush()
        Op(self, lambda: open_session(sample_file()), label="Opening the sample…") \
            .success(lambda s: self._opened(s, on_opened)) \
            .failure(lambda err: self._open_failed(err, on_opened)) \
            .run_in_background(self.host.tasks)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.host.window(), "Open Inspection", dialog_folder(self.host),
            "Inspections (*.fieldwork)")
        if path:
            remember_folder(self.host.settings, path)
            self.open_file(Path(path))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.host.settings.recent_files()
        for i, path in enumerate(recent):
            a = self.recent_menu.addAction(f"&{i + 1} {path.name}")
            a.setToolTip(str(path))
            a.triggered.connect(lambda _c=False, p=path: self.open_file(p))
        if not recent:
            self.recent_menu.addAction("No recent inspections").setEnabled(False)

    def new_inspection(self, spec: NewInspection | None = None, *,
                       on_opened: Callable[[], None] | None = None,
                       passphrase: str | None = None) -> None:
        """Ask for the set-up (unless given), create the file (encrypted with
        ``passphrase``, or the one chosen in the dialog) and open it."""
        if spec is None:
            from ui.dialogs.new_inspection import NewInspectionDialog

            dialog = NewInspectionDialog(self.host.window(),
                                         folder=Path(dialog_folder(self.host)))
            if not dialog.exec():
                return
            spec = dialog.spec()
            passphrase = dialog.encryption.chosen()
            dialog.deleteLater()  # with the passphrase typed in it
        self.host.flush()
        chosen = spec
        Op(self, lambda: create_inspection(chosen, passphrase=passphrase),
           label="Creating the inspection…") \
            .success(lambda s: self._opened(s, on_opened)) \
            .failure(lambda err: self._open_failed(err, on_opened)) \
            .run_in_background(self.host.tasks)

    # ============================================================ the open file
    def save_a_copy(self, target: Path | None = None, *,
                    on_saved: Callable[[Path], None] | None = None) -> None:
        host = self.host
        session = host.session
        if session is None:
            return
        if target is None:
            suggested = dialog_path(host, session.path.stem + " copy.fieldwork")
            path, _ = QFileDialog.getSaveFileName(
                host.window(), "Save a Copy", suggested, "Inspections (*.fieldwork)")
            if not path:
                return
            remember_folder(host.settings, path)
            target = Path(path if path.endswith(".fieldwork") else path + ".fieldwork")
        host.flush()
        chosen = target

        def work() -> Path:
            # Never deletes or overwrites an inspection file: save_copy refuses one.
            return save_copy(session.writer, chosen)

        def done(path: Path) -> None:
            host.settings.add_recent(path)
            host.statusBar().showMessage(f"Saved a copy as {path.name}", 5000)
            if on_saved:
                on_saved(path)

        Op(self, work, label="Saving a copy…").success(done).run_in_background(host.tasks)

    def close_file(self) -> None:
        self.host.close_session()

    def choose_identity(self, then: Callable[[], None] | None = None) -> None:
        """Who Am I…: choose from the team who is writing in this copy."""
        host = self.host
        session, ov = host.session, host.overview
        if session is None or ov is None:
            return
        from ui.dialogs.identity import choose_identity

        chosen = choose_identity(host.window(), ov.inspectors, session.reader.me)
        if chosen is None:
            return

        def done(_c: Changes) -> None:
            if host.session is session:
                session.reader.invalidate_caches()  # the reader learns "me" from the file
            if then:
                then()

        host.run(CoreOp(self, lambda store: store.set_me(chosen)).success(done))


def same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
