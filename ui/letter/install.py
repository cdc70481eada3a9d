"""Putting the letter workspace into the main window: a Letter page beside the evidence,
the Letter menu, the state in the status bar, and the jumps from a check to what it is about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QTabWidget

from ui.letter.workspace import LetterWorkspace
from ui.readonly import BOARD_READ_ONLY

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow
    from ui.session import Overview

STATE_WORDS = {"draft": "Draft", "qa": "In QA", "issued": "Issued"}
EVIDENCE_PAGE = 0
LETTER_PAGE = 1


class LetterPage:
    """The workspace as installed on one main window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.workspace = LetterWorkspace(window)
        ws = self.workspace

        # The window's evidence (filters, notes, findings) and the letter, as two pages.
        evidence = window.takeCentralWidget()
        assert evidence is not None
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(evidence, "Evidence")
        self.pages.addTab(ws, "Letter")
        self.pages.setTabToolTip(EVIDENCE_PAGE, "Notes, findings and coverage (Ctrl+1)")
        self.pages.setTabToolTip(LETTER_PAGE, "The letter: its fields, preview and checks "
                                              "(Ctrl+3)")
        window.setCentralWidget(self.pages)

        self.show_action = QAction("&Letter Workspace", window)
        self.show_action.setShortcut(QKeySequence("Ctrl+3"))
        self.show_action.setStatusTip("The letter's fields, its preview and the checks")
        self.show_action.triggered.connect(lambda _c=False: self.show_letter())
        window.addAction(self.show_action)
        for a in ws.session_actions:
            window.addAction(a)
        self.menu = QMenu("&Letter", window)
        self.menu.setObjectName("letterMenu")
        entries: list[QAction | None] = [
            self.show_action, None, ws.export_action, ws.print_action, ws.preview_action, None,
            ws.qa_action, ws.issue_action, ws.reopen_action, None, ws.appendix_action,
            ws.refresh_action]
        for entry in entries:
            if entry is None:
                self.menu.addSeparator()
            else:
                self.menu.addAction(entry)
        bar = window.menuBar()
        view = next((a for a in bar.actions() if a.text().replace("&", "") == "View"), None)
        if view is not None:
            bar.insertMenu(view, self.menu)
        else:
            bar.addMenu(self.menu)
        view_menu = view.menu() if view is not None else None
        if isinstance(view_menu, QMenu):
            view_menu.addAction(self.show_action)
        for a in (window.board_action, window.coverage_action, window.notes_action):
            a.triggered.connect(lambda _c=False: self.show_evidence())
        for a in ws.session_actions:
            a.setEnabled(False)

        self.state_label = QLabel("")
        self.state_label.setObjectName("letterState")
        self.state_label.setToolTip("The letter's state: draft, in QA, or issued")
        window.statusBar().addPermanentWidget(self.state_label)

        window.session_opened.connect(ws.session_opened)
        window.changes_applied.connect(ws.on_changes)
        window.overview_applied.connect(self._overview_applied)
        ws.state_shown.connect(self._show_state)
        ws.frozen_changed.connect(self._frozen)
        ws.finding_requested.connect(self.show_finding)
        ws.note_requested.connect(self.show_note)
        ws.section_requested.connect(self.show_section)

    # ----------------------------------------------------------------- pages
    def show_letter(self) -> None:
        self.pages.setCurrentIndex(LETTER_PAGE)
        self.workspace.form.setFocus()

    def show_evidence(self) -> None:
        self.pages.setCurrentIndex(EVIDENCE_PAGE)

    def show_finding(self, finding_id: str) -> None:
        w = self.window
        self.show_evidence()
        w.tabs.setCurrentIndex(0)
        w.board.select_finding(finding_id)
        w.board.view.setFocus()

    def show_section(self, key: str) -> None:
        w = self.window
        self.show_evidence()
        w.tabs.setCurrentIndex(0)
        index = w.findings_model.section_index(key)
        if index.isValid():
            w.board.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            w.board.view.scrollTo(index)
        w.board.view.setFocus()

    def show_note(self, note_id: str) -> None:
        w = self.window
        self.show_evidence()
        w.show_note(note_id)
        row = w.notes_model.row_of(note_id)
        if row is not None:
            w.notes_view.selectRow(row)
        w.editor.setFocus()

    # ----------------------------------------------------------------- state
    def _overview_applied(self) -> None:
        """The counts were read again: catch up if the letter changed without telling us."""
        ov: Overview | None = self.window.overview
        if ov is None:
            return
        self._show_state(ov.inspection.state.value)
        self.workspace.catch_up(ov.inspection, ov.findings)

    def _show_state(self, state: str) -> None:
        if not state or self.window.session is None:
            self.state_label.setText("")
            return
        colour = {"draft": "#3d5a80", "qa": "#8a5300", "issued": "#1b6e35"}[state]
        self.state_label.setText(f"Letter: {STATE_WORDS[state]}")
        self.state_label.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; "
                                       "padding: 0 6px; }")

    def _frozen(self, why: str) -> None:
        w = self.window
        writable = w.session is not None and w.session.writable
        w.board.set_frozen((why or None) if writable or w.session is None else BOARD_READ_ONLY)
        w.add_finding_action.setEnabled(writable and not why)

    def session_closed(self) -> None:
        self.workspace.clear()
        self.state_label.setText("")
        for a in self.workspace.session_actions:
            a.setEnabled(False)


def install_letter(window: MainWindow) -> LetterPage:
    """Add the letter workspace, its menu and its status to ``window``."""
    return LetterPage(window)


__all__ = ["EVIDENCE_PAGE", "LETTER_PAGE", "LetterPage", "install_letter"]
