"""The Evidence page: the filter panel, the search box and the notes list, the note being
written, and the findings board and coverage matrix side by side. It adds the Notes and
Findings menus, Find to the Edit menu and its views to the View menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from fieldwork.errors import NotFound
from ui.actions import make_action
from ui.evidence.edits import Edits
from ui.evidence.refresh import Refresh
from ui.evidence.search import Finder
from ui.fit import fit_evidence
from ui.lazy import note_filter
from ui.models.coverage import CoverageModel
from ui.models.filters import FilterModel
from ui.models.findings import FindingsModel
from ui.models.notes import COLUMNS, SNIPPET_ROLE, NotesModel
from ui.operations import Op
from ui.readonly import BOARD_READ_ONLY
from ui.widgets.board import FindingsBoard
from ui.widgets.coverage_view import CoverageView
from ui.widgets.highlight import SnippetDelegate
from ui.widgets.note_editor import NoteEditor

if TYPE_CHECKING:
    from fieldwork.store.store import NoteFilter
    from ui.host import Shell
    from ui.session import Overview

#: Tabs beside the notes.
BOARD_TAB, COVERAGE_TAB = 0, 1


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


class EvidencePage(QWidget):
    """The page, installed on a window (``host``) when it is made.

    Signals:
        overview_applied(): the counts, findings or heading were read again and shown.
        search_shown(str): the results of this query are in the list.
        row_chosen(str): a note was chosen in the list or a finding on the board.
    """

    overview_applied = Signal()
    search_shown = Signal(str)
    row_chosen = Signal(str)

    def __init__(self, host: Shell) -> None:
        super().__init__()
        self.setObjectName("evidencePage")
        self.host = host
        self._frozen: str | None = None
        self._row_actions: list[tuple[str, str, Callable[[str | None], object]]] = []
        self._build()
        self.refresh = Refresh(self)
        self.finder = Finder(self)
        self.edits = Edits(self)
        self._connect()
        self._build_actions()
        self._restore_state()
        self.fit = fit_evidence(self)  # small screens: see ui/fit.py
        host.add_page(self, "Evidence", tip="Notes, findings and coverage (Ctrl+1)")
        host.add_flusher(self.editor.flush)
        host.session_opened.connect(self._session_opened)
        host.session_closed.connect(self._session_closed)
        # Made with the window, the page hears each change first: other pages may then
        # rely on the list, the note and the overview showing it.
        host.changes_applied.connect(self.refresh.on_changes)
        host.closing.connect(self._closing)
        self._set_open(False)

    # ================================================================ building
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

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search notes and findings")
        self.search.setPlaceholderText("Search notes, case references and findings (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.filter_label = QLabel("All notes")
        self.filter_label.setObjectName("filterLabel")
        self.clear_filter = QToolButton()
        self.clear_filter.setText("Show all")
        self.clear_filter.setAutoRaise(True)
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
                h.resizeSection(i, widths.get(key, 110))

        self.editor = NoteEditor()

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
        self.coverage = CoverageView(self.coverage_model)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        QWidget.setTabOrder(self.search, self.notes_view)
        QWidget.setTabOrder(self.notes_view, self.editor.source)
        QWidget.setTabOrder(self.editor.tag_button, self.tabs)
        QWidget.setTabOrder(self.tabs, self.filter_view)

    def _connect(self) -> None:
        edits, finder = self.edits, self.finder
        self.clear_filter.clicked.connect(finder.show_all_notes)
        self.notes_view.selectionModel().currentChanged.connect(self._note_chosen)
        self.editor.save_requested.connect(edits.save_note)
        self.editor.emptied.connect(edits.note_emptied)
        self.editor.new_source_chosen.connect(edits.remember_new_source)
        self.editor.case_form_requested.connect(edits.edit_case)
        self.editor.tag_requested.connect(edits.tag_note)
        self.editor.unlink_requested.connect(edits.unlink)
        self.board.finding_selected.connect(self._finding_chosen)
        self.board.add_requested.connect(edits.add_finding)
        self.board.delete_requested.connect(edits.delete_finding)
        self.board.move_step_requested.connect(edits.step_finding)
        self.findings_model.move_requested.connect(edits.move_finding)
        self.findings_model.link_requested.connect(edits.link_notes)
        self.findings_model.text_edited.connect(edits.finding_edited)
        self.coverage.filter_requested.connect(finder.filter_notes)
        for view, slot in ((self.notes_view, self._notes_menu),
                           (self.board.view, self._board_menu)):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(slot)

    def _build_actions(self) -> None:
        host, edits, finder = self.host, self.edits, self.finder

        def action(text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = "",
                   *, writes: bool = False) -> QAction:
            a = make_action(self, text, slot, shortcut, tip)
            host.add_session_action(a, writes=writes)
            return a

        self.find_action = action("&Find…", finder.focus_search, QKeySequence.StandardKey.Find)
        self.new_note_action = action("&New Note", edits.new_note, QKeySequence.StandardKey.New,
                                      "Write a note: source, case or role, time, text",
                                      writes=True)
        self.tag_action = action("&Tag to Finding…", edits.tag_note, "Ctrl+L",
                                 "Tag the selected notes to a finding", writes=True)
        self.delete_note_action = action("&Delete Note", edits.delete_notes, "Ctrl+Delete",
                                         writes=True)
        delete_here = QAction(self.notes_view)
        delete_here.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete_here.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_here.triggered.connect(edits.delete_notes)
        self.notes_view.addAction(delete_here)
        self.case_action = action("&Case-Tracking Form…", edits.edit_case_here, "Ctrl+K")
        self.add_finding_action = action("&Add Finding", lambda: edits.add_finding(
            self.board.current_section()), "Ctrl+Shift+N", writes=True)
        self.show_all_action = action("Show &All Notes", finder.show_all_notes, "Ctrl+Shift+A")
        self.untagged_action = action("Show &Untagged Notes", lambda: finder.filter_notes(
            note_filter(untagged=True)), "Ctrl+Shift+U")
        self.notes_action = make_action(self, "Notes &List", self._show_notes, "Ctrl+0")
        self.board_action = make_action(self, "Findings &Board", lambda: self.show_tab(
            BOARD_TAB), "Ctrl+1")
        self.coverage_action = make_action(self, "C&overage Matrix", lambda: self.show_tab(
            COVERAGE_TAB), "Ctrl+2")

        host.menu("edit").addAction(self.find_action)
        menu = QMenu("&Notes", self)
        for a in (self.new_note_action, self.tag_action, self.case_action,
                  self.delete_note_action, None, self.show_all_action, self.untagged_action):
            menu.addSeparator() if a is None else menu.addAction(a)
        host.add_menu(menu, "page")
        menu = QMenu("F&indings", self)
        menu.addAction(self.add_finding_action)
        host.add_menu(menu, "page")
        view = host.menu("view")
        for a in (self.notes_action, self.board_action, self.coverage_action):
            host.window().addAction(a)
            view.addAction(a)

    # ============================================================== the session
    @property
    def overview(self) -> Overview | None:
        return self.refresh.overview

    def _session_opened(self) -> None:
        session = self.host.session
        assert session is not None
        writer = session.writer
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
        self.refresh.refresh_overview()

    def _run_read(self, work: Callable[[], Any], callback: Callable[[Any], None]) -> None:
        """Run a read for a view on the worker; ``callback(result)`` back here."""
        host = self.host
        session = host.session

        def arrived(result: Any) -> None:
            if host.session is session:
                callback(result)

        Op(self, work).success(arrived).run_in_background(host.tasks)

    def _session_closed(self) -> None:
        self.finder.clear()
        self.editor.clear()
        self.notes_model.set_source(None, None)
        self.refresh.clear()
        self._set_open(False)

    def _set_open(self, is_open: bool) -> None:
        self.search.setEnabled(is_open)
        self.board.setEnabled(is_open)
        writable = not is_open or self.host.writable
        if not writable:
            self.board.set_frozen(BOARD_READ_ONLY)
        else:
            self.board.set_frozen(self._frozen)
            self.add_finding_action.setEnabled(is_open and not self._frozen)
        self.notes_view.setDragEnabled(writable)
        self.board.view.setAcceptDrops(writable)

    def freeze_findings(self, why: str | None) -> None:
        """The letter was issued (``why`` it is frozen) or reopened (None)."""
        self._frozen = why or None
        host = self.host
        self.board.set_frozen(self._frozen if host.writable or host.session is None
                              else BOARD_READ_ONLY)
        self.add_finding_action.setEnabled(host.writable and not self._frozen)

    # =============================================================== geometry
    def _restore_state(self) -> None:
        settings = self.host.settings
        for key, splitter in (("window/splitter", self.splitter),
                              ("window/notes_splitter", self.middle)):
            state = settings.bytes_value(key)
            if state is not None:
                splitter.restoreState(state)
        self.tabs.setCurrentIndex(settings.int_value("window/tab", 0))

    def _closing(self) -> None:
        self._save_state()
        self.notes_model.set_source(None, None)

    def _save_state(self) -> None:
        settings = self.host.settings
        settings.set_value("window/splitter", self.splitter.saveState())
        settings.set_value("window/notes_splitter", self.middle.saveState())
        settings.set_value("window/tab", self.tabs.currentIndex())

    # ================================================================== jumps
    def show_tab(self, i: int) -> None:
        self.host.show_page(self)
        self.tabs.setCurrentIndex(i)
        current = self.tabs.currentWidget()
        if current is not None:
            current.setFocus()

    def _show_notes(self) -> None:
        self.host.show_page(self)
        self.notes_view.setFocus()

    def show_note(self, note_id: str) -> None:
        """Bring the page to the front with the note in the editor (selected in the list
        if it is in sight)."""
        self.host.show_page(self)
        self.open_note(note_id)
        row = self.notes_model.row_of(note_id)
        if row is not None:
            self.notes_view.selectRow(row)
        self.editor.setFocus()

    def open_note(self, note_id: str) -> None:
        """Show the note in the editor."""
        session = self.host.session
        if session is None:
            return
        try:
            note = session.reader.note(note_id)
        except NotFound:
            return
        ov = self.overview
        name = ov.inspector_name(note.author) if ov else note.author
        self.editor.show_note(note, name, self.refresh.tags(note))
        self.editor.set_query(self.finder.query if self.notes_model.searching else "")

    def show_finding(self, finding_id: str) -> None:
        self.show_tab(BOARD_TAB)
        self.board.select_finding(finding_id)
        self.board.view.setFocus()

    def show_section(self, key: str) -> None:
        self.show_tab(BOARD_TAB)
        index = self.findings_model.section_index(key)
        if index.isValid():
            self.board.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.board.view.scrollTo(index)
        self.board.view.setFocus()

    def filter_notes(self, where: NoteFilter) -> None:
        """Bring the page to the front showing only the notes ``where`` selects, the list
        focused."""
        self.host.show_page(self)
        self.finder.filter_notes(where)
        self.notes_view.setFocus()

    def _note_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.host.session is None:
            return
        note_id = self.notes_model.note_id(current.row())
        if note_id is None:
            return
        self.row_chosen.emit(note_id)
        if note_id != self.editor.note_id:
            self.open_note(note_id)

    def _finding_chosen(self, finding_id: str) -> None:
        if finding_id:
            self.row_chosen.emit(finding_id)
            self.finder.filter_notes(note_filter(finding=finding_id))

    # ========================================================== what the user is on
    def current_row(self) -> str | None:
        """The note or finding the user is on: the finding on the board if the focus is
        there, else the note in the editor, else the first selected note, else the
        finding."""
        focus = self.focusWidget()
        on_board = focus is not None and self.board.isAncestorOf(focus)
        finding = self.board.current_finding()
        if on_board and finding:
            return finding
        if self.editor.note_id and not self.editor.is_new:
            return self.editor.note_id
        selected = self.edits.selected_note_ids()
        if selected:
            return selected[0]
        return finding

    def add_row_action(self, text: str, shortcut: str,
                       slot: Callable[[str | None], object]) -> None:
        """Add an entry to the notes' and the findings' context menus: ``slot(row id)``."""
        self._row_actions.append((text, shortcut, slot))

    def _row_menu(self, menu: QMenu, row_id: str | None) -> None:
        for text, shortcut, slot in self._row_actions:
            a = menu.addAction(text)
            a.setShortcut(QKeySequence(shortcut))
            a.setEnabled(row_id is not None)
            a.triggered.connect(lambda _c=False, s=slot: s(row_id))

    def _notes_menu(self, pos: QPoint) -> None:
        index = self.notes_view.indexAt(pos)
        note_id = self.notes_model.note_id(index.row()) if index.isValid() else None
        menu = QMenu(self.notes_view)
        self._row_menu(menu, note_id)
        if self._row_actions:
            menu.addSeparator()
        menu.addAction(self.tag_action)
        menu.addAction(self.delete_note_action)
        menu.popup(self.notes_view.viewport().mapToGlobal(pos))

    def _board_menu(self, pos: QPoint) -> None:
        view = self.board.view
        index = view.indexAt(pos)
        if index.isValid():
            view.setCurrentIndex(index)
        finding = self.board.current_finding() if index.isValid() else None
        menu = QMenu(view)
        self._row_menu(menu, finding)
        if not menu.isEmpty():
            menu.popup(view.viewport().mapToGlobal(pos))

    # ============================================================ the page's API
    def new_note(self) -> None:
        self.edits.new_note()

    def selected_note_ids(self) -> list[str]:
        return self.edits.selected_note_ids()

    def link_notes(self, note_ids: list[str], finding_id: str) -> None:
        self.edits.link_notes(note_ids, finding_id)

    def delete_notes(self) -> None:
        self.edits.delete_notes()

    def add_finding(self, section: str) -> None:
        self.edits.add_finding(section)

    def delete_finding(self, finding_id: str) -> None:
        self.edits.delete_finding(finding_id)

    def edit_case(self, ref: str) -> None:
        self.edits.edit_case(ref)

    def show_all_notes(self) -> None:
        self.finder.show_all_notes()
