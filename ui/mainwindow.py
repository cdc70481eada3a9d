"""The main window: filters, the notes list and the note, the findings board and coverage.

Every change goes through the undo stack or an :class:`~ui.operations.Op`, runs on the
worker, and comes back as :class:`~fieldwork.model.Changes`; :meth:`MainWindow.apply_changes`
then lets each view decide what to redraw, and the aggregate counts are recomputed on the
worker (:func:`ui.session.load_overview`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from fieldwork.errors import FieldworkError, NotFound
from fieldwork.model import Changes, Note, SearchHit, SourceType
from ui import undo
from ui.actions import make_action
from ui.dialogs.about import show_about
from ui.errors import show_error
from ui.lazy import note_filter
from ui.models.coverage import CoverageModel
from ui.models.filters import FILTER_ROLE, KEY_ROLE, FilterModel
from ui.models.findings import FindingsModel
from ui.models.notes import COLUMNS, SNIPPET_ROLE, NotesModel
from ui.operations import Op, TaskManager
from ui.session import (
    NewInspection,
    Overview,
    Session,
    create_inspection,
    load_overview,
    open_session,
    sample_file,
    save_copy,
)
from ui.settings import Settings
from ui.widgets.board import FindingsBoard
from ui.widgets.coverage_view import CoverageView
from ui.widgets.highlight import SnippetDelegate
from ui.widgets.note_editor import NoteEditor

if TYPE_CHECKING:
    from fieldwork.store import Store
    from fieldwork.store.store import NoteFilter, NoteRow
    from ui.letter.install import LetterPage
    from ui.team.actions import TeamActions
    from ui.timeliness import TimelinessPage

SEARCH_LIMIT = 100


class NotesTable(QTableView):
    """The notes list: drag rows onto a finding to tag them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesList")
        self.setAccessibleName("Notes")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.LinkAction)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.horizontalHeader().setStretchLastSection(False)


class MainWindow(QMainWindow):
    """One window on one inspection at a time.

    Signals:
        session_opened(): a file was opened and its first rows are in the list.
        overview_applied(): the counts were recomputed and every view shows them.
        search_shown(str): the results of this query are in the list.
        changes_applied(object): a write's Changes were applied to the views.
    """

    session_opened = Signal()
    overview_applied = Signal()
    search_shown = Signal(str)
    changes_applied = Signal(object)

    def __init__(self, settings: Settings | None = None, tasks: TaskManager | None = None,
                 *, defer_pages: bool = False) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.tasks = tasks or TaskManager(self)
        self.session: Session | None = None
        self.overview: Overview | None = None
        self.undo_stack = QUndoStack(self)
        self._overview_running = False
        self._overview_again = False
        self._search_gen = 0
        self._query = ""
        self._writes = 0
        self._edit_after_refresh: str | None = None
        self._filter_description = "All notes"
        self.setObjectName("mainWindow")
        self.setWindowTitle("Fieldwork")
        self._build()
        self._build_actions()
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
        """Add the Team menu and the Letter page, catching up with a file already open."""
        if self.letter is not None:
            return
        from ui.letter import install_letter
        from ui.team import install_team_actions
        from ui.timeliness import install_timeliness

        self.team = install_team_actions(self)
        self.letter = install_letter(self)
        self.timeliness = install_timeliness(self)
        self._set_open(self.session is not None)
        if self.session is not None:
            self.team._session_opened()
            self.letter.workspace.session_opened()
            self.timeliness.view.session_opened()

    # ================================================================== building
    def _build(self) -> None:
        self.notes_model = NotesModel(self)
        self.filter_model = FilterModel(self)
        self.findings_model = FindingsModel(self)
        self.coverage_model = CoverageModel(self)

        self.filter_view = QTreeView()
        self.filter_view.setObjectName("filterPanel")
        self.filter_view.setAccessibleName("Filters")
        self.filter_view.setModel(self.filter_model)
        self.filter_view.setHeaderHidden(True)
        self.filter_view.setRootIsDecorated(True)
        self.filter_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.filter_view.setUniformRowHeights(True)
        header = self.filter_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.filter_view.selectionModel().currentChanged.connect(self._filter_chosen)
        self.filter_model.modelReset.connect(self._expand_filters)
        self.filter_model.rowsInserted.connect(lambda *_: self._expand_filters())

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search notes and findings")
        self.search.setPlaceholderText("Search notes, case references and findings (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.filter_label = QLabel("All notes")
        self.filter_label.setObjectName("filterLabel")
        self.clear_filter = QToolButton()
        self.clear_filter.setText("Show all")
        self.clear_filter.setAutoRaise(True)
        self.clear_filter.clicked.connect(self.show_all_notes)
        bar = QHBoxLayout()
        bar.addWidget(self.filter_label, 1)
        bar.addWidget(self.clear_filter)

        self.notes_view = NotesTable()
        self.notes_view.setModel(self.notes_model)
        self.notes_view.setItemDelegateForColumn(
            [k for k, _ in COLUMNS].index("text"), SnippetDelegate(SNIPPET_ROLE, self.notes_view)
        )
        self.notes_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        h = self.notes_view.horizontalHeader()
        widths = {"observed_at": 100, "author": 120, "source": 110, "case_ref": 130,
                  "findings": 70}
        for i, (key, _) in enumerate(COLUMNS):
            if key == "text":
                h.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
            else:
                h.resizeSection(i, widths[key])
        self.notes_view.selectionModel().currentChanged.connect(self._note_chosen)
        self.notes_model.modelReset.connect(self._update_filter_label)

        self.editor = NoteEditor()
        self.editor.save_requested.connect(self._save_note)
        self.editor.case_form_requested.connect(self.edit_case)
        self.editor.tag_requested.connect(self.tag_note)
        self.editor.unlink_requested.connect(self.unlink)
        self.editor.state_changed.connect(self._editor_state)

        notes_pane = QWidget()
        notes_layout = QVBoxLayout(notes_pane)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.addWidget(self.search)
        notes_layout.addLayout(bar)
        notes_layout.addWidget(self.notes_view, 1)
        self.middle = QSplitter(Qt.Orientation.Vertical)
        self.middle.setObjectName("notesSplitter")
        self.middle.addWidget(notes_pane)
        self.middle.addWidget(self.editor)
        self.middle.setStretchFactor(0, 3)
        self.middle.setStretchFactor(1, 2)

        self.board = FindingsBoard(self.findings_model)
        self.board.finding_selected.connect(self._finding_chosen)
        self.board.add_requested.connect(self.add_finding)
        self.board.delete_requested.connect(self.delete_finding)
        self.board.move_step_requested.connect(self.step_finding)
        self.findings_model.move_requested.connect(self.move_finding)
        self.findings_model.link_requested.connect(self.link_notes)
        self.findings_model.text_edited.connect(self._finding_edited)
        self.coverage = CoverageView(self.coverage_model)
        self.coverage.filter_requested.connect(self.filter_notes)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sideTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.board, "&Findings")
        self.tabs.addTab(self.coverage, "C&overage")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.filter_view)
        self.splitter.addWidget(self.middle)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([250, 780, 570])
        self.splitter.setContentsMargins(6, 6, 6, 0)
        self.setCentralWidget(self.splitter)

        QWidget.setTabOrder(self.search, self.notes_view)
        QWidget.setTabOrder(self.notes_view, self.editor.source)
        QWidget.setTabOrder(self.editor.tag_button, self.tabs)
        QWidget.setTabOrder(self.tabs, self.filter_view)

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
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.saved_label)
        self.tasks.busy_changed.connect(self._busy)

    def _build_actions(self) -> None:
        def action(text: str, slot: Callable[[], Any], shortcut: Any = None,
                   tip: str = "") -> QAction:
            return make_action(self, text, slot, shortcut, tip, add_to=self)

        K = QKeySequence.StandardKey
        self.new_inspection_action = action("&New Inspection…", self.new_inspection,
                                            "Ctrl+Shift+I", "Set up a new inspection")
        self.open_action = action("&Open…", self.choose_file, K.Open)
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.sample_action = action("Open the &Sample Inspection", self.open_sample)
        self.copy_action = action("Save a &Copy…", self.save_a_copy, "Ctrl+Shift+S",
                                  "Copy this inspection to a new file")
        self.close_action = action("&Close", self.close_file, K.Close)
        self.quit_action = action("&Quit", self.close, K.Quit)
        self.identity_action = action("&Who Am I…", self.choose_identity)

        self.undo_action = action("&Undo", self.undo, K.Undo)
        self.redo_action = action("&Redo", self.redo, K.Redo)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda t: self.undo_action.setText(f"&Undo {t}" if t else "&Undo"))
        self.undo_stack.redoTextChanged.connect(
            lambda t: self.redo_action.setText(f"&Redo {t}" if t else "&Redo"))
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.find_action = action("&Find…", self.focus_search, K.Find)
        self.new_note_action = action("&New Note", self.new_note, K.New,
                                      "Write a note: source, case or role, time, text")
        self.tag_action = action("&Tag to Finding…", self.tag_note, "Ctrl+L",
                                 "Tag the selected notes to a finding")
        self.delete_note_action = action("&Delete Note", self.delete_notes, "Ctrl+Delete")
        delete_here = QAction(self.notes_view)
        delete_here.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete_here.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_here.triggered.connect(self.delete_notes)
        self.notes_view.addAction(delete_here)
        self.case_action = action("&Case-Tracking Form…", self.edit_case_here, "Ctrl+K")
        self.add_finding_action = action("&Add Finding", lambda: self.add_finding(
            self.board.current_section()), "Ctrl+Shift+N")
        self.show_all_action = action("Show &All Notes", self.show_all_notes, "Ctrl+Shift+A")
        self.untagged_action = action("Show &Untagged Notes", lambda: self.filter_notes(
            note_filter(untagged=True)), "Ctrl+Shift+U")
        self.board_action = action("Findings &Board", lambda: self._show_tab(0), "Ctrl+1")
        self.coverage_action = action("C&overage Matrix", lambda: self._show_tab(1), "Ctrl+2")
        self.notes_action = action("Notes &List", self.notes_view.setFocus, "Ctrl+0")
        self.about_action = action("&About Fieldwork", lambda: show_about(self))

        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.new_inspection_action)
        menu.addAction(self.open_action)
        menu.addMenu(self.recent_menu)
        menu.addAction(self.sample_action)
        menu.addSeparator()
        menu.addAction(self.copy_action)
        menu.addAction(self.identity_action)
        menu.addSeparator()
        menu.addAction(self.close_action)
        menu.addAction(self.quit_action)
        menu = self.menuBar().addMenu("&Edit")
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        menu.addSeparator()
        menu.addAction(self.find_action)
        menu = self.menuBar().addMenu("&Notes")
        menu.addAction(self.new_note_action)
        menu.addAction(self.tag_action)
        menu.addAction(self.case_action)
        menu.addAction(self.delete_note_action)
        menu.addSeparator()
        menu.addAction(self.show_all_action)
        menu.addAction(self.untagged_action)
        menu = self.menuBar().addMenu("F&indings")
        menu.addAction(self.add_finding_action)
        menu = self.menuBar().addMenu("&View")
        menu.addAction(self.notes_action)
        menu.addAction(self.board_action)
        menu.addAction(self.coverage_action)
        menu = self.menuBar().addMenu("&Help")
        menu.addAction(self.about_action)
        self._file_actions = [
            self.copy_action, self.close_action, self.identity_action, self.find_action,
            self.new_note_action, self.tag_action, self.delete_note_action, self.case_action,
            self.add_finding_action, self.show_all_action, self.untagged_action,
        ]

    def _show_tab(self, i: int) -> None:
        self.tabs.setCurrentIndex(i)
        self.tabs.currentWidget().setFocus()

    def _set_open(self, is_open: bool) -> None:
        for a in self._file_actions:
            a.setEnabled(is_open)
        self.search.setEnabled(is_open)
        self.board.setEnabled(is_open)
        if is_open and self.session and not self.session.writable:
            for a in (self.new_note_action, self.tag_action, self.delete_note_action,
                      self.add_finding_action, self.identity_action):
                a.setEnabled(False)

    # ================================================================ settings
    def _restore_geometry(self) -> None:
        geometry = self.settings.bytes_value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1500, 920)
        for key, splitter in (("window/splitter", self.splitter),
                              ("window/notes_splitter", self.middle)):
            state = self.settings.bytes_value(key)
            if state is not None:
                splitter.restoreState(state)
        self.tabs.setCurrentIndex(self.settings.int_value("window/tab", 0))

    def _save_geometry(self) -> None:
        self.settings.set_value("window/geometry", self.saveGeometry())
        self.settings.set_value("window/splitter", self.splitter.saveState())
        self.settings.set_value("window/notes_splitter", self.middle.saveState())
        self.settings.set_value("window/tab", self.tabs.currentIndex())
        self.settings.sync()

    # =================================================================== files
    def open_file(self, path: Path, *, on_opened: Callable[[], None] | None = None) -> None:
        """Open an inspection on the worker; the current one stays open until it has."""
        self.editor.flush()
        started = time.perf_counter()

        def opened(session: Session) -> None:
            self._close_session()
            self._install(session)
            self.statusBar().showMessage(
                f"Opened {session.path.name} in {time.perf_counter() - started:.2f} s", 4000)
            if on_opened is not None:
                on_opened()

        def failed(err: FieldworkError) -> None:
            self.settings.forget_recent(Path(path))
            show_error(self, err)

        Op(self, lambda: open_session(Path(path)), label=f"Opening {Path(path).name}…") \
            .success(opened).failure(failed).run_in_background(self.tasks)

    def _opened(self, session: Session, on_opened: Callable[[], None] | None) -> None:
        self._close_session()
        self._install(session)
        if on_opened is not None:
            on_opened()

    def finish_open(self, future: Future[Session], *,
                    on_opened: Callable[[], None] | None = None) -> None:
        """Install a session whose opening was started before the window existed."""
        err = future.exception()
        if isinstance(err, FieldworkError):
            show_error(self, err)
            return
        if err is not None:
            raise err
        self._close_session()
        self._install(future.result())
        if on_opened is not None:
            on_opened()

    def open_sample(self, *, on_opened: Callable[[], None] | None = None) -> None:
        """Open the sample inspection, making it in the user's data folder the first time."""
        self.editor.flush()
        Op(self, lambda: open_session(sample_file()), label="Opening the sample…") \
            .success(lambda s: self._opened(s, on_opened)).run_in_background(self.tasks)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Inspection", self.settings.folder(), "Inspections (*.fieldwork)"
        )
        if path:
            self.open_file(Path(path))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for i, path in enumerate(recent):
            a = self.recent_menu.addAction(f"&{i + 1} {path.name}")
            a.setToolTip(str(path))
            a.triggered.connect(lambda _c=False, p=path: self.open_file(p))
        if not recent:
            self.recent_menu.addAction("No recent inspections").setEnabled(False)

    def new_inspection(self, spec: NewInspection | None = None, *,
                       on_opened: Callable[[], None] | None = None) -> None:
        """Ask for the set-up (unless given), create the file and open it."""
        if spec is None:
            from ui.dialogs.new_inspection import NewInspectionDialog

            folder = Path(self.settings.folder()) if self.settings.folder() else None
            dialog = NewInspectionDialog(self, folder=folder)
            if not dialog.exec():
                return
            spec = dialog.spec()
        self.editor.flush()
        chosen = spec
        Op(self, lambda: create_inspection(chosen), label="Creating the inspection…") \
            .success(lambda s: self._opened(s, on_opened)).run_in_background(self.tasks)

    def save_a_copy(self, target: Path | None = None, *,
                    on_saved: Callable[[Path], None] | None = None) -> None:
        session = self.session
        if session is None:
            return
        if target is None:
            suggested = session.path.with_name(session.path.stem + " copy.fieldwork")
            path, _ = QFileDialog.getSaveFileName(
                self, "Save a Copy", str(suggested), "Inspections (*.fieldwork)")
            if not path:
                return
            target = Path(path if path.endswith(".fieldwork") else path + ".fieldwork")
        self.editor.flush()
        chosen = target

        def work() -> Path:
            if chosen.exists() and chosen.resolve() != session.path.resolve():
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{chosen}{suffix}").unlink(missing_ok=True)
            return save_copy(session.writer, chosen)

        def done(path: Path) -> None:
            self.settings.add_recent(path)
            self.statusBar().showMessage(f"Saved a copy as {path.name}", 5000)
            if on_saved:
                on_saved(path)

        Op(self, work, label="Saving a copy…").success(done).run_in_background(self.tasks)

    def close_file(self) -> None:
        self._close_session()

    def _install(self, session: Session) -> None:
        self.session = session
        writer = session.writer
        self.settings.add_recent(session.path)
        self.settings.set_last_file(session.path)
        self.settings.set_folder(session.path.parent)
        self.undo_stack.clear()
        # The list's queries run on the worker, with the writer's connection.
        self.notes_model.set_source(
            lambda where, order, desc, limit, offset: writer.note_rows(
                where, order=order, descending=desc, limit=limit, offset=offset),
            writer.count_notes,
            session.reader.note_rows_by_id,
            runner=self._run_read,
            first=session.first_rows,
        )
        self._set_open(True)
        self.editor.set_read_only(not session.writable)
        self.saved_label.setText("Saved" if session.writable else "Read-only")
        self.setWindowTitle(f"{session.path.stem} — Fieldwork")
        self.refresh_overview()
        self.session_opened.emit()

    def _run_read(self, work: Callable[[], Any], callback: Callable[[Any], None]) -> None:
        """Run a read for a view on the worker; ``callback(result)`` back here."""
        session = self.session

        def arrived(result: Any) -> None:
            if self.session is session:
                callback(result)

        Op(self, work).success(arrived).run_in_background(self.tasks)

    def _close_session(self) -> None:
        session = self.session
        if session is None:
            return
        self.editor.flush()
        if self.letter is not None:
            self.letter.workspace.flush()
        self.session = None
        self.overview = None
        self.undo_stack.clear()
        if self.letter is not None:
            self.letter.session_closed()
        if self.timeliness is not None:
            self.timeliness.session_closed()
        if self.team is not None:
            self.team.session_closing(session)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._query = ""
        self.editor.clear()
        self.notes_model.set_source(None, None)
        self.filter_model.set_overview(None)
        self.findings_model.set_overview(None)
        self.coverage.set_overview(None)
        session.close_reader()
        self.tasks.run(session.close_writer, lambda _f: None)
        self._set_open(False)
        self.saved_label.setText("")
        self.setWindowTitle("Fieldwork")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.editor.flush()
        if self.letter is not None:
            self.letter.workspace.flush()
        self._save_geometry()
        session = self.session
        self.session = None
        if session is not None and self.team is not None:
            self.team.session_closing(session)
        if session is not None:
            self.notes_model.set_source(None, None)
            session.close_reader()
            self.tasks.run(session.close_writer, lambda _f: None)
        self.tasks.shutdown()
        if self.letter is not None:
            self.letter.workspace.shutdown()
        super().closeEvent(event)

    # ================================================================= writing
    def write(
        self,
        fn: Callable[[Store], Changes],
        on_failure: Callable[[FieldworkError], None] | None = None,
        on_success: Callable[[Changes], None] | None = None,
    ) -> None:
        """Run ``fn(writer store)`` on the worker and broadcast what it changed."""
        session = self.session
        if session is None:
            return
        self._writes += 1
        self.saved_label.setText("Saving…")

        def done(changes: Changes) -> None:
            self._writes -= 1
            if self.session is session:
                self.apply_changes(changes)
            if on_success:
                on_success(changes)

        def failed(err: FieldworkError) -> None:
            self._writes -= 1
            self.saved_label.setText("Not saved")
            if on_failure:
                on_failure(err)
            show_error(self, err)

        Op(self, lambda: fn(session.writer)).success(done).failure(failed) \
            .run_in_background(self.tasks)

    def push(self, command: undo.StoreCommand) -> None:
        self.undo_stack.push(command)

    def undo(self) -> None:
        self.editor.flush()
        if self.letter is not None:
            self.letter.workspace.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.editor.flush()
        if self.letter is not None:
            self.letter.workspace.flush()
        self.undo_stack.redo()

    def apply_changes(self, changes: Changes) -> None:
        """Let each view catch up with one write."""
        session = self.session
        if session is None:
            return
        if self._writes == 0:
            self.saved_label.setText("Saved")
        session.reader.invalidate_caches()
        if changes.notes or changes.findings:
            if self.notes_model.searching and changes.notes:
                self._run_search(self._query)
            else:
                self._refresh_notes()
        current = self.editor.note_id
        if current and (current in changes.notes or changes.findings):
            try:
                note = session.reader.note(current)
            except NotFound:
                if current in changes.notes and not self.editor.is_new:
                    self.editor.clear()
            else:
                self.editor.reload(note, self._tags(note))
                self.editor.saved(current)
        if changes.inspection or changes.inspectors:
            session.reader.invalidate_caches()
        self.changes_applied.emit(changes)
        self.refresh_overview()

    def _refresh_notes(self) -> None:
        current = self.notes_view.currentIndex()
        note_id = self.notes_model.note_id(current.row()) if current.isValid() else None
        scroll = self.notes_view.verticalScrollBar().value()
        selected = {self.notes_model.note_id(i.row())
                    for i in self.notes_view.selectionModel().selectedRows()}
        rows_before = self.notes_model.rowCount()
        near = current.row() if current.isValid() else self.notes_view.rowAt(0)

        def done() -> None:
            if self.notes_model.rowCount() == rows_before or note_id is None:
                return
            self.notes_view.verticalScrollBar().setValue(scroll)
            self._select_ids(selected, note_id)

        self.notes_model.refresh(near=max(0, near), done=done)

    def _select_ids(self, ids: set[str | None], current: str | None) -> None:
        selection = self.notes_view.selectionModel()
        selection.blockSignals(True)
        try:
            for note_id in ids:
                if note_id is None:
                    continue
                row = self.notes_model.row_of(note_id)
                if row is not None:
                    selection.select(self.notes_model.index(row, 0),
                                     QItemSelectionModel.SelectionFlag.Select
                                     | QItemSelectionModel.SelectionFlag.Rows)
            if current:
                row = self.notes_model.row_of(current)
                if row is not None:
                    selection.setCurrentIndex(self.notes_model.index(row, 0),
                                              QItemSelectionModel.SelectionFlag.NoUpdate)
        finally:
            selection.blockSignals(False)
        self.notes_view.viewport().update()

    # ------------------------------------------------------------ the overview
    def refresh_overview(self) -> None:
        """Recompute the counts on the worker (coalesced: one run at a time)."""
        session = self.session
        if session is None:
            return
        if self._overview_running:
            self._overview_again = True
            return
        self._overview_running = True

        def done(ov: Overview) -> None:
            self._overview_running = False
            if self.session is session:
                self._apply_overview(ov)
            if self._overview_again:
                self._overview_again = False
                self.refresh_overview()

        def failed(err: FieldworkError) -> None:
            self._overview_running = False
            show_error(self, err)

        Op(self, lambda: load_overview(session.writer)).success(done).failure(failed) \
            .run_in_background(self.tasks)

    def _apply_overview(self, ov: Overview) -> None:
        self.overview = ov
        # Rebuilding a model loses its selection: put it back without acting on it again.
        current_filter = self.filter_view.currentIndex().data(KEY_ROLE)
        current_finding = self.board.current_finding()
        self.filter_model.set_overview(ov)
        self.findings_model.set_overview(ov)
        for view, index in (
            (self.filter_view, self._filter_index(current_filter)),
            (self.board.view, self.findings_model.index_of(current_finding or "")),
        ):
            if index.isValid() and view.currentIndex() != index:
                selection = view.selectionModel()
                selection.blockSignals(True)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                selection.blockSignals(False)
                view.viewport().update()
        self.board.update_buttons()
        self.coverage.set_overview(ov)
        self.editor.set_completions(sorted({c.ref for c in ov.cases} | set(ov.by_case)), ov.roles)
        title = ov.inspection.title or "Inspection"
        authority = ov.inspection.authority
        short = f"{authority}" if authority else title
        dates = ov.inspection.fieldwork_dates
        if dates:
            short += f", {dates[0][:4]}"
        me = f"{ov.me.name} ({ov.me.role.value})" if ov.me else "no inspector chosen"
        self.setWindowTitle(f"{short} — {me} — Fieldwork")
        if self._edit_after_refresh:
            index = self.findings_model.index_of(self._edit_after_refresh)
            self._edit_after_refresh = None
            if index.isValid():
                self._show_tab(0)
                self.board.view.setCurrentIndex(index)
                self.board.view.edit(index)
        self._update_filter_label()
        self.overview_applied.emit()

    # ================================================================== notes
    def _tags(self, note: Note) -> list[tuple[str, str]]:
        texts = {f.id: f.text for f in self.overview.findings} if self.overview else {}
        return [(f, texts.get(f, "…")) for f in note.findings]

    def _note_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.session is None:
            return
        note_id = self.notes_model.note_id(current.row())
        if note_id is None or note_id == self.editor.note_id:
            return
        self.show_note(note_id)

    def show_note(self, note_id: str) -> None:
        if self.session is None:
            return
        try:
            note = self.session.reader.note(note_id)
        except NotFound:
            return
        name = self.overview.inspector_name(note.author) if self.overview else note.author
        self.editor.show_note(note, name, self._tags(note))
        self.editor.set_query(self._query if self.notes_model.searching else "")

    def new_note(self) -> None:
        session = self.session
        if session is None or not session.writable:
            return
        if not session.reader.me:
            self.choose_identity(then=self.new_note)
            return
        me = self.overview.me.name if self.overview and self.overview.me else "me"
        where = self.notes_model.where
        source = SourceType(where.source) if where.source else None
        self.notes_view.clearSelection()
        self.editor.start_new(str(uuid.uuid4()), me, source=source,
                              subject=where.case_ref or "")

    def _save_note(self, note_id: str, is_new: bool, before: dict[str, Any],
                   after: dict[str, Any]) -> None:
        session = self.session
        if session is None:
            return
        command: undo.StoreCommand
        if is_new:
            command = undo.AddNote(self.write, note_id,
                                   {**after, "author": session.reader.me})
        else:
            command = undo.EditNote(self.write, note_id, before, after)
        command.on_failure = lambda _err: self.editor.save_failed(note_id, is_new)
        self.push(command)

    def _editor_state(self, state: str) -> None:
        if state == "Not saved":
            self.saved_label.setText("Not saved")

    def selected_note_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.notes_view.selectionModel().selectedRows()})
        ids = [self.notes_model.note_id(r) for r in rows]
        return [i for i in ids if i]

    def _target_notes(self) -> list[str]:
        """The notes an action applies to: the note being written, or the selected ones."""
        focus = self.focusWidget()
        in_editor = focus is not None and self.editor.isAncestorOf(focus)
        selected = self.selected_note_ids()
        if (in_editor or not selected) and self.editor.note_id:
            self.editor.flush()
            if self.editor.is_new:
                return []
            return [self.editor.note_id]
        return selected

    def delete_notes(self) -> None:
        ids = self._target_notes()
        if ids:
            self.push(undo.DeleteNotes(self.write, ids))
            self.statusBar().showMessage(
                f"Deleted {len(ids)} note{'s' if len(ids) != 1 else ''} — "
                f"{self.undo_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}"
                " undoes it", 5000)

    def tag_note(self) -> None:
        """Ctrl+L: choose a finding for the note being written or the selected notes."""
        if self.overview is None:
            return
        ids = self._target_notes()
        if not ids:
            self.statusBar().showMessage("Write or select a note first.", 4000)
            return
        from ui.dialogs.finding_picker import FindingPicker

        picker = FindingPicker(self.overview.findings, self.overview.section_titles, self,
                               notes=len(ids))
        if picker.exec() and picker.chosen():
            self.link_notes(ids, str(picker.chosen()))

    def link_notes(self, note_ids: list[str], finding_id: str) -> None:
        text = ""
        if self.overview:
            text = next((f.text for f in self.overview.findings if f.id == finding_id), "")
        self.push(undo.LinkNotes(self.write, note_ids, finding_id, text))

    def unlink(self, note_id: str, finding_id: str) -> None:
        self.push(undo.UnlinkNote(self.write, note_id, finding_id))

    # ------------------------------------------------------------------ cases
    def edit_case_here(self) -> None:
        ref = self.editor.subject.text().strip() or (self.notes_model.where.case_ref or "")
        if ref:
            self.edit_case(ref)
        else:
            self.statusBar().showMessage("Type a case reference in the note first.", 4000)

    def edit_case(self, ref: str) -> None:
        session = self.session
        if session is None:
            return
        from ui.dialogs.case_form import CaseDialog

        try:
            case = session.reader.case(ref)
        except NotFound:
            case = None
        dialog = CaseDialog(ref, case, self, read_only=not session.writable)
        if not dialog.exec():
            return
        new_ref, kind, fields, urgent = dialog.values()
        case_id = case.id if case else None

        def work(store: Store) -> Changes:
            if case_id is None:
                return store.add_case(new_ref, kind, fields=fields, urgent=urgent)
            return store.edit_case(case_id, ref=new_ref, kind=kind.value, fields=fields,
                                   urgent=urgent)

        self.write(work)

    # ------------------------------------------------------------- identity
    def choose_identity(self, then: Callable[[], None] | None = None) -> None:
        session, ov = self.session, self.overview
        if session is None or ov is None:
            return
        from ui.dialogs.identity import choose_identity

        chosen = choose_identity(self, ov.inspectors, session.reader.me)
        if chosen is None:
            return

        def work(store: Store) -> Changes:
            store.set_me(chosen)
            return Changes(inspection=True)

        def done(_c: Changes) -> None:
            if self.session is session:
                session.reader.invalidate_caches()  # the reader learns "me" from the file
            if then:
                then()

        self.write(work, on_success=done)

    # =================================================================== search
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_changed(self, text: str) -> None:
        self._query = text
        if not text.strip():
            self._search_gen += 1
            self.notes_model.clear_hits()
            self.findings_model.set_matches(set())
            self.editor.set_query("")
            self._update_filter_label()
            self.search_shown.emit("")
            return
        self._run_search(text)

    def _run_search(self, text: str) -> None:
        session = self.session
        if session is None:
            return
        self._search_gen += 1
        gen = self._search_gen

        def work() -> tuple[list[SearchHit], list[NoteRow]] | None:
            if gen != self._search_gen:
                return None  # a newer query is waiting: skip this one
            store = session.writer
            hits = store.search(text, limit=SEARCH_LIMIT)
            ids = [h.id for h in hits if h.kind == "note"]
            rows = store.note_rows_by_id(ids)
            return hits, rows

        def done(result: tuple[list[SearchHit], list[NoteRow]] | None) -> None:
            if result is None or gen != self._search_gen or self.session is not session:
                return
            hits, rows = result
            by_id = {r.id: r for r in rows}
            note_hits = [h for h in hits if h.kind == "note" and h.id in by_id]
            self.notes_model.set_hits([by_id[h.id] for h in note_hits],
                                      {h.id: h.snippet for h in note_hits})
            matched = {h.id for h in hits if h.kind == "finding"}
            self.findings_model.set_matches(matched)
            self.editor.set_query(text)
            self._update_filter_label(findings=len(matched))
            self.search_shown.emit(text)

        Op(self, work).success(done).run_in_background(self.tasks)

    # ================================================================= filters
    def _expand_filters(self) -> None:
        for r in range(self.filter_model.rowCount()):
            index = self.filter_model.index(r, 0)
            key = str(index.data(KEY_ROLE))
            if key in ("group:Source", "group:Author", "group:Finding"):
                self.filter_view.expand(index)

    def _filter_index(self, key: object) -> QModelIndex:
        item = self.filter_model.find_key(str(key)) if key else None
        return item.index() if item is not None else QModelIndex()

    def _filter_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        where = current.data(FILTER_ROLE) if current.isValid() else None
        if where is not None:
            name = current.siblingAtColumn(0).data(Qt.ItemDataRole.DisplayRole)
            self._set_filter(where, self._describe(where) if where.finding else str(name))

    def filter_notes(self, where: NoteFilter) -> None:
        """Show only the notes ``where`` selects (from the coverage matrix, a menu…)."""
        key = None
        if where == note_filter(untagged=True):
            key = "untagged"
        elif where.finding and where.source is None:
            key = f"finding:{where.finding}"
        item = self.filter_model.find_key(key) if key else None
        if item is not None:
            self.filter_view.setCurrentIndex(item.index())
            return
        self.filter_view.selectionModel().clearSelection()
        self._set_filter(where, self._describe(where))

    def _describe(self, where: NoteFilter) -> str:
        parts = []
        if where.finding and self.overview:
            text = next((f.text for f in self.overview.findings if f.id == where.finding), "")
            parts.append("“" + (text if len(text) < 60 else text[:59] + "…") + "”")
        if where.source:
            parts.append(SourceType(where.source).label)
        if where.untagged:
            parts.append("Untagged")
        if where.case_ref:
            parts.append(where.case_ref)
        return " × ".join(parts) or "All notes"

    def _set_filter(self, where: NoteFilter, description: str) -> None:
        if self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self._query = ""
            self._search_gen += 1
            self.findings_model.set_matches(set())
            self.editor.set_query("")
        self._filter_description = description
        self.notes_model.set_filter(where)
        self._update_filter_label()

    def show_all_notes(self) -> None:
        item = self.filter_model.find_key("all")
        if item is not None:
            self.filter_view.setCurrentIndex(item.index())
        self._set_filter(note_filter(), "All notes")

    def _finding_chosen(self, finding_id: str) -> None:
        if finding_id:
            self.filter_notes(note_filter(finding=finding_id))

    def _update_filter_label(self, findings: int | None = None) -> None:
        n = self.notes_model.rowCount()
        if self.notes_model.searching:
            text = f"Search: {n} note{'s' if n != 1 else ''}"
            if n >= SEARCH_LIMIT:
                text += " (best first; refine the search to see others)"
            if findings:
                text += (f" and {findings} finding{'s' if findings != 1 else ''}"
                         " (marked on the board)")
            self.filter_label.setText(text)
            self.clear_filter.setVisible(True)
            return
        everything = self.notes_model.unfiltered
        what = "All notes" if everything else self._filter_description
        self.filter_label.setText(f"{what} — {n} note{'s' if n != 1 else ''}")
        self.clear_filter.setVisible(not everything)

    # ================================================================ findings
    def add_finding(self, section: str) -> None:
        if not section or self.session is None:
            return
        finding_id = str(uuid.uuid4())
        self._edit_after_refresh = finding_id
        self.push(undo.AddFinding(self.write, finding_id, section, "New finding"))

    def delete_finding(self, finding_id: str) -> None:
        self.push(undo.DeleteFinding(self.write, finding_id))
        self.statusBar().showMessage("Finding deleted — Ctrl+Z undoes it", 5000)

    def _finding_edited(self, finding_id: str, before: str, after: str) -> None:
        self.push(undo.EditFinding(self.write, finding_id, before, after))

    def move_finding(self, finding_id: str, section: str, index: int) -> None:
        title = self.overview.section_titles.get(section, section) if self.overview else section
        self.push(undo.MoveFinding(self.write, finding_id, section, index, title))

    def step_finding(self, finding_id: str, step: int) -> None:
        """Move a finding one place up or down, across into the next section at the ends."""
        ov = self.overview
        if ov is None:
            return
        finding = next((f for f in ov.findings if f.id == finding_id), None)
        if finding is None:
            return
        sections = ov.sections
        siblings = [f.id for f in ov.findings if f.section == finding.section]
        i = siblings.index(finding_id) + step
        section = finding.section
        if i < 0 or i >= len(siblings):
            s = sections.index(section) + step if section in sections else -1
            if not 0 <= s < len(sections):
                return
            section = sections[s]
            others = [f for f in ov.findings if f.section == section]
            i = len(others) if step < 0 else 0
        self.move_finding(finding_id, section, i)

    # ==================================================================== misc
    def _busy(self, on: bool, label: str) -> None:
        self.busy.setVisible(on)
        self.busy_label.setText(label if on else "")

    def paint_ready(self) -> bool:
        """Whether the notes list has rows on screen (benchmarks and tests)."""
        return self.session is not None and self.notes_model.rowCount() > 0


def single_shot(ms: int, fn: Callable[[], None]) -> None:
    QTimer.singleShot(ms, fn)
