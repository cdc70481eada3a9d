"""Putting the letter workspace into the window: a Letter page beside the evidence, the
Letter menu, the state in the status bar, and the jumps from a check to what it is about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from ui.fit import fit_letter
from ui.letter.workspace import LetterWorkspace

if TYPE_CHECKING:
    from ui.host import Shell

STATE_WORDS = {"draft": "Draft", "qa": "In QA", "issued": "Issued"}


class LetterPage:
    """The workspace as installed on one window."""

    def __init__(self, host: Shell) -> None:
        self.host = host
        self.workspace = LetterWorkspace(host)
        ws = self.workspace
        self.fit = fit_letter(ws)  # small screens: see ui/fit.py

        self.show_action = QAction("&Letter Workspace", ws)
        self.show_action.setShortcut(QKeySequence("Ctrl+3"))
        self.show_action.setStatusTip("The letter's fields, its preview and the checks")
        self.show_action.triggered.connect(lambda _c=False: self.show_letter())
        host.add_page(ws, "Letter", tip="The letter: its fields, preview and checks (Ctrl+3)",
                      action=self.show_action)
        for a in ws.session_actions:
            host.window().addAction(a)
            a.setEnabled(False)
        self.menu = QMenu("&Letter", ws)
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
        host.add_menu(self.menu, "page")

        self.state_label = QLabel("")
        self.state_label.setObjectName("letterState")
        self.state_label.setToolTip("The letter's state: draft, in QA, or issued")
        host.add_status_widget(self.state_label)

        host.add_flusher(ws.flush)
        host.session_opened.connect(ws.session_opened)
        host.session_closed.connect(self.session_closed)
        host.changes_applied.connect(ws.on_changes)
        host.overview_applied.connect(self._overview_applied)
        host.closing.connect(ws.shutdown)
        ws.state_shown.connect(self._show_state)
        ws.frozen_changed.connect(self._frozen)
        ws.finding_requested.connect(host.evidence.show_finding)
        ws.note_requested.connect(host.evidence.show_note)
        ws.section_requested.connect(host.evidence.show_section)
        if host.session is not None:
            ws.session_opened()

    # ----------------------------------------------------------------- pages
    def show_letter(self) -> None:
        self.host.show_page(self.workspace)
        self.workspace.form.setFocus()

    # ----------------------------------------------------------------- state
    def _overview_applied(self) -> None:
        """The inspection's heading was read again: show its state even while the
        workspace is hidden (and so not read)."""
        ov = self.host.overview
        if ov is not None:
            self._show_state(ov.inspection.state.value)

    def _show_state(self, state: str) -> None:
        if not state or self.host.session is None:
            self.state_label.setText("")
            return
        colour = {"draft": "#3d5a80", "qa": "#8a5300", "issued": "#1b6e35"}[state]
        self.state_label.setText(f"Letter: {STATE_WORDS[state]}")
        self.state_label.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; "
                                       "padding: 0 6px; }")

    def _frozen(self, why: str) -> None:
        self.host.evidence.freeze_findings(why or None)

    def session_closed(self) -> None:
        self.workspace.clear()
        self.state_label.setText("")
        for a in self.workspace.session_actions:
            a.setEnabled(False)


def install_letter(host: Shell) -> LetterPage:
    """Add the letter workspace, its menu and its status to the window."""
    return LetterPage(host)


__all__ = ["LetterPage", "install_letter"]
