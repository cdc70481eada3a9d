"""The main window: a shell around one open inspection.

It holds the open file (:class:`~ui.session.Session`), the background threads
(:class:`~ui.operations.TaskManager`) and the undo stack; it runs every change
(:meth:`MainWindow.run`) and tells the pages what changed (``changes_applied``). Everything
it shows comes from pages and menus added through its seams (:class:`ui.host.Shell`):
``add_page``, ``add_menu``, ``add_status_widget``, ``add_session_action``. The Evidence
page (:mod:`ui.evidence`) and the File menu (:mod:`ui.files`) are made with the window; the
Team menu, the Letter page and the Timeliness page are installed after it is shown.

Only :mod:`ui.app` (and tests) import this module; everything else uses :mod:`ui.host`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QProgressBar, QTabWidget, QWidget

from fieldwork.errors import FieldworkError
from fieldwork.lock import AlreadyOpen, Holder
from fieldwork.model import Changes
from ui import undo
from ui.actions import make_action
from ui.dialogs.about import show_about
from ui.evidence import EvidencePage
from ui.files import Files
from ui.firstrun import Bearings
from ui.fit import keep_on_screen
from ui.host import MenuName, MenuPlace
from ui.keyboard import Keyboard
from ui.operations import CoreOp, Op, TaskManager, changes_of
from ui.readonly import ReadOnlyMode
from ui.security import install_security
from ui.session import Overview, Session
from ui.settings import Settings
from ui.watch import ChangeWatcher

if TYPE_CHECKING:
    from ui.letter import LetterPage
    from ui.team import TeamActions
    from ui.timeliness import TimelinessPage


class MainWindow(QMainWindow):
    """One window on one inspection at a time.

    Signals:
        session_opened(): a file was opened and its first rows are in the list.
        session_closing(): the file is about to close (the window too, perhaps): it is
            still open, and work queued on the worker now runs before its writer closes.
        session_closed(): the file was closed.
        overview_applied(): the counts, the findings or the inspection's heading were read
            again and the Evidence page shows them.
        changes_applied(object, object): a change's Changes, and who made it (an op's
            parent; the watcher for another program's). Every view listens to it and
            redraws only what the Changes name.
        closing(): the window is closing: stop what runs in the background.
    """

    session_opened = Signal()
    session_closing = Signal()
    session_closed = Signal()
    overview_applied = Signal()
    changes_applied = Signal(object, object)
    closing = Signal()

    def __init__(self, settings: Settings | None = None, tasks: TaskManager | None = None,
                 *, defer_pages: bool = False) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.tasks = tasks or TaskManager(self)
        self._session: Session | None = None
        self.undo_stack = QUndoStack(self)
        self._writes = 0
        self._session_actions: list[QAction] = []
        self._write_actions: list[QAction] = []
        self._flushers: list[Callable[[], None]] = []
        self.setObjectName("mainWindow")
        self.setWindowTitle("Fieldwork")
        self._build()
        self._build_actions()
        # Shortcuts wherever focus is; the Edit menu acts on the focused field.
        self.keyboard = Keyboard(self, self._menus["edit"], self.undo_action, self.redo_action,
                                 self.undo_stack, self.undo, self.redo, self.session_opened)
        self.read_only = ReadOnlyMode(self, self)
        self.watcher = ChangeWatcher(self, self)
        self.watcher.holder_left.connect(self.read_only.holder_left)
        self.files = Files(self)
        self.bearings = Bearings(self, new_inspection=self.files.new_inspection,
                                 open_file=self.files.choose_file)
        self.security = install_security(self)
        self._evidence = EvidencePage(self)
        self._evidence.overview_applied.connect(self._show_title)
        self._evidence.overview_applied.connect(self.overview_applied)
        self._restore_geometry()
        self._set_open(False)
        self.team: TeamActions | None = None
        self.letter: LetterPage | None = None
        self.timeliness: TimelinessPage | None = None
        if defer_pages:
            # The app shows its window and the file's notes first, and builds the Letter
            # and Team pages just after (or after a second, if no file opens); tests build
            # them at once.
            self.session_opened.connect(lambda: QTimer.singleShot(0, self._install_pages))
            QTimer.singleShot(1000, self._install_pages)
        else:
            self._install_pages()

    def _install_pages(self) -> None:
        """Add the Team menu, the Letter page and the Timeliness page (each catches up
        with a file already open)."""
        if self.letter is not None:
            return
        from ui.letter import install_letter
        from ui.team import install_team_actions
        from ui.timeliness import install_timeliness

        self.team = install_team_actions(self)
        self.letter = install_letter(self)
        self.timeliness = install_timeliness(self)

    # ================================================================== building
    def _build(self) -> None:
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.pages.setTabBarAutoHide(True)
        self.setCentralWidget(self.pages)
        bar = self.menuBar()
        self._menus: dict[str, QMenu] = {
            "file": bar.addMenu("&File"), "edit": bar.addMenu("&Edit"),
            "view": bar.addMenu("&View"), "help": bar.addMenu("&Help"),
        }

        self.saved_label = QLabel("")
        self.saved_label.setObjectName("savedLabel")
        self.saved_label.setAccessibleName("Save state")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(140)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.busy_label = QLabel("")
        for widget in (self.busy_label, self.busy, self.saved_label):
            self.statusBar().addPermanentWidget(widget)
        self.tasks.busy_changed.connect(self._busy)

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.undo_action = make_action(self, "&Undo", self.undo, K.Undo, add_to=self)
        self.redo_action = make_action(self, "&Redo", self.redo, K.Redo, add_to=self)
        stack = self.undo_stack
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(
            lambda t: self.undo_action.setText(f"&Undo {t}" if t else "&Undo"))
        stack.redoTextChanged.connect(
            lambda t: self.redo_action.setText(f"&Redo {t}" if t else "&Redo"))
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        edit = self._menus["edit"]
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        self.about_action = make_action(self, "&About Fieldwork", lambda: show_about(self),
                                        add_to=self)
        self._menus["help"].addAction(self.about_action)

    # =================================================================== seams
    def add_page(self, page: QWidget, title: str, *, tip: str = "",
                 action: QAction | None = None) -> None:
        """Add a page beside the others; ``action`` (its shortcut shows it) goes in the
        View menu."""
        index = self.pages.addTab(page, title)
        if tip:
            self.pages.setTabToolTip(index, tip)
        if action is not None:
            self.addAction(action)
            self._menus["view"].addAction(action)

    def show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)

    def add_menu(self, menu: QMenu, place: MenuPlace = "tool") -> None:
        """Add a menu: a page's before View, a tool's before Help."""
        anchor = self._menus["view" if place == "page" else "help"]
        self.menuBar().insertMenu(anchor.menuAction(), menu)

    def menu(self, name: MenuName) -> QMenu:
        return self._menus[name]

    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addPermanentWidget(widget)

    def add_session_action(self, action: QAction, *, writes: bool = False) -> None:
        """Make ``action`` work from anywhere in the window, enabled only while a file is
        open (and, if it ``writes``, open for writing)."""
        self.addAction(action)
        self._session_actions.append(action)
        if writes:
            self._write_actions.append(action)
        action.setEnabled(self.writable if writes else self._session is not None)

    def add_flusher(self, flush: Callable[[], None]) -> None:
        self._flushers.append(flush)

    # ============================================================== the file
    @property
    def session(self) -> Session | None:
        return self._session

    @property
    def overview(self) -> Overview | None:
        return self._evidence.overview

    @property
    def evidence(self) -> EvidencePage:
        return self._evidence

    @property
    def writable(self) -> bool:
        """A file is open, and for writing."""
        return self._session is not None and self._session.writable

    @property
    def writing(self) -> bool:
        """A change is on its way to the file."""
        return self._writes > 0

    def open_file(self, path: Path, *, on_opened: Callable[[], None] | None = None,
                  read_only: bool = False, holder: Holder | None = None,
                  on_refused: Callable[[AlreadyOpen], None] | None = None,
                  passphrase: str | None = None, key_id: str | None = None) -> None:
        """Open an inspection (see :meth:`ui.files.Files.open_file`)."""
        self.files.open_file(path, on_opened=on_opened, read_only=read_only, holder=holder,
                             on_refused=on_refused, passphrase=passphrase, key_id=key_id)

    def choose_identity(self, then: Callable[[], None] | None = None) -> None:
        self.files.choose_identity(then)

    def install_session(self, session: Session) -> None:
        """Close the file open now, if any, and show ``session`` in every page."""
        self.close_session()
        self._session = session
        self.settings.add_recent(session.path)
        self.settings.set_folder(session.path.parent)
        self.undo_stack.clear()
        self._set_open(True)
        self.saved_label.setText("Saved" if session.writable else "Read-only")
        self.setWindowTitle(f"{session.path.stem} — Fieldwork")
        self.watcher.start(session)
        self.session_opened.emit()

    def close_session(self) -> None:
        """Save what is being typed and close the file (its writer on the worker)."""
        session = self._session
        if session is None:
            return
        self.flush()
        self.session_closing.emit()
        self.watcher.stop()
        self._session = None
        self.undo_stack.clear()
        self.session_closed.emit()
        session.close_reader()
        self.tasks.run(session.close_writer, lambda _f: None)
        self._set_open(False)
        self.saved_label.setText("")
        self.setWindowTitle("Fieldwork")

    def _set_open(self, is_open: bool) -> None:
        for a in self._session_actions:
            a.setEnabled(is_open)
        if is_open and not self.writable:
            for a in self._write_actions:
                a.setEnabled(False)

    def _show_title(self) -> None:
        ov = self.overview
        if ov is None:
            return
        title = ov.inspection.title or "Inspection"
        authority = ov.inspection.authority
        short = f"{authority}" if authority else title
        dates = ov.inspection.fieldwork_dates
        if dates:
            short += f", {dates[0][:4]}"
        me = f"{ov.me.name} ({ov.me.role.value})" if ov.me else "no inspector chosen"
        session = self._session
        if ov.me and session is not None and session.lock is not None:
            session.lock.set_person(ov.me.name)  # who has the file, for other windows
        self.setWindowTitle(f"{short} — {me} — Fieldwork")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        if self._session is not None:
            self.session_closing.emit()
        self.closing.emit()
        self._save_geometry()
        self.watcher.stop()
        session = self._session
        self._session = None
        if session is not None:
            session.close_reader()
            self.tasks.run(session.close_writer, lambda _f: None)
        self.tasks.shutdown()
        super().closeEvent(event)

    # ================================================================ changes
    def run(self, op: CoreOp[Any]) -> None:
        """Run a change on the worker with the writer store, then tell every view what it
        changed (:attr:`changes_applied`), then the op's own success callbacks."""
        session = self._session
        if session is None:
            return
        if not session.writable:  # every way in is switched off; this is the backstop
            self.statusBar().showMessage("Read-only: nothing was changed.", 5000)
            return
        saving = op.shows_saving
        if saving:
            self._writes += 1
            self.saved_label.setText("Saving…")

        def done(result: Any) -> None:
            if saving:
                self._writes -= 1
            if self._session is session:
                self.apply_changes(changes_of(result), op.initiator)
            op.succeeded(result)

        def failed(err: FieldworkError) -> None:
            if saving:
                self._writes -= 1
                self.saved_label.setText("Not saved")
            op.failed(err, self)

        Op(self, lambda: op.fn(session.writer), label=op.label).success(done) \
            .failure(failed).run_in_background(self.tasks)

    def apply_changes(self, changes: Changes, initiator: object = None) -> None:
        """Tell every view what a change changed (:attr:`changes_applied`; the Evidence
        page, made with the window, hears it first)."""
        session = self._session
        if session is None or not changes:
            return
        if self._writes == 0 and session.writable:
            self.saved_label.setText("Saved")
        self.changes_applied.emit(changes, initiator)

    def push(self, command: undo.StoreCommand) -> None:
        if self.writable:
            self.undo_stack.push(command)
        else:
            self.statusBar().showMessage("Read-only: nothing was changed.", 5000)

    def flush(self) -> None:
        """Save at once whatever is being typed, on every page."""
        for flush in self._flushers:
            flush()

    def undo(self) -> None:
        self.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.flush()
        self.undo_stack.redo()

    # ==================================================================== misc
    def _busy(self, on: bool, label: str) -> None:
        self.busy.setVisible(on)
        self.busy_label.setText(label if on else "")

    def _restore_geometry(self) -> None:
        geometry = self.settings.bytes_value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1500, 920)
        keep_on_screen(self)  # a smaller screen, or a larger scale factor, than before

    def _save_geometry(self) -> None:
        self.settings.set_value("window/geometry", self.saveGeometry())
        self.settings.sync()
