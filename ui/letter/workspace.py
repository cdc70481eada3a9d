"""The letter workspace: the form, the live preview and the readiness checks, with the
letter's state and the actions that move it: QA, issue, reopen, print, export.

How a refresh goes (never on the GUI thread; what to read, and which results to keep, is
decided by :class:`~ui.letter.refresh.LetterRefresh`, which has no widgets):

1. :func:`~ui.letter.work.read_snapshot` reads the letter's input on the worker, which owns
   the writer store (after an edit of the letter's fields alone, only the inspection's
   record is read again);
2. the letter is compiled and the pages in sight are rasterised: on the worker straight
   after the read when the last compile took under 0.15 s (nothing competes with it
   there), else on the letter's own lane (:data:`~ui.operations.LETTER`), so that a big
   inspection does not hold up saving notes;
3. the GUI thread shows whichever result is newest and drops stale ones; then the pages
   out of sight are rasterised, and the checks run and the generated paragraphs are made,
   on the letter's lane.

Edits in the form are saved 300 ms after the last keystroke, through the undo stack
(:class:`~ui.letter.commands.EditLetter`). The worker reads and renders the letter again
in the same job as the write, and the write's ``Changes`` show it. Printing and exports
are :class:`~ui.letter.output.LetterOutput`'s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence, QShowEvent
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldwork.errors import FieldworkError
from fieldwork.model import Changes, LetterState
from ui.actions import make_action
from ui.errors import show_error
from ui.letter import dialogs
from ui.letter.appendix import AppendixExport
from ui.letter.checks_view import ChecksList
from ui.letter.commands import EditLetter
from ui.letter.form import LetterForm
from ui.letter.output import LetterOutput
from ui.letter.pages import Rendered, rasterise, render_letter
from ui.letter.preview import PageView
from ui.letter.refresh import LetterRefresh, Read, UsePrefetched
from ui.letter.work import (
    LetterSnapshot,
    Readiness,
    describe_issue,
    keep_signature,
    read_snapshot,
    readiness,
)
from ui.operations import EXPORT, LETTER, CoreOp, Op
from ui.session import template_names

if TYPE_CHECKING:
    from fieldwork.checks import CheckResult
    from fieldwork.issuing import Issued
    from fieldwork.store import Store
    from ui.host import Host
    from ui.session import Session

T = TypeVar("T")

#: Typing is saved this long after the last keystroke.
SAVE_DELAY_MS = 300

BANNER = {
    LetterState.DRAFT: ("DRAFT", "#3d5a80", "#e8eef6"),
    LetterState.QA: ("IN QA", "#8a5300", "#fbf0dc"),
    LetterState.ISSUED: ("ISSUED", "#1b6e35", "#e3f3e7"),
}


class LetterWorkspace(QWidget):
    """The letter: form, preview and checks.

    Signals:
        preview_shown(int): a refresh put this many pages on screen.
        checks_shown(): the checks and generated paragraphs were brought up to date.
        state_shown(str): the letter's state (draft, qa, issued) as now shown.
        frozen_changed(str): the letter was issued ("why it is frozen"), or reopened ("").
        finding_requested(str), note_requested(str), section_requested(str): a check
            about this finding, note or section was clicked.
        printed(int): a print job of this many pages was sent.
        exported(str): the letter or the appendix was written to this path.
    """

    preview_shown = Signal(int)
    checks_shown = Signal()
    state_shown = Signal(str)
    frozen_changed = Signal(str)
    finding_requested = Signal(str)
    note_requested = Signal(str)
    section_requested = Signal(str)
    printed = Signal(int)
    exported = Signal(str)

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("letterWorkspace")
        self.host = host
        #: When to read the letter again, how much, and which results to keep.
        self.refreshes = LetterRefresh()
        self.readiness: Readiness | None = None
        self.pdf: bytes | None = None
        self.last_refresh_seconds = 0.0
        self._session: Session | None = None
        self._stored: dict[str, Any] = {}
        self._dirty: set[str] = set()
        self._frozen = False
        self._refresh_started = 0.0
        self.output = LetterOutput(self)
        self.output.printing_changed.connect(lambda _on: self._show_state(self.snapshot))
        self.output.printed.connect(self.printed)
        self.output.exported.connect(self.exported)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        self._build()
        self._build_actions()
        self._show_state(None)

    # ================================================================ building
    def _build(self) -> None:
        self.banner = QFrame()
        self.banner.setObjectName("letterBanner")
        self.badge = QLabel()
        self.badge.setObjectName("letterBadge")
        self.banner_text = QLabel()
        self.banner_text.setObjectName("letterBannerText")
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qa_button = QPushButton("Mark for QA")
        self.issue_button = QPushButton("Issue Letter…")
        self.reopen_button = QPushButton("Reopen for Re-issue…")
        self.copy_button = QPushButton("Copy Checksum")
        self.copy_button.setToolTip("Copy the issued PDF's sha256 checksum")
        self.copy_button.clicked.connect(self._copy_checksum)
        for b in (self.qa_button, self.issue_button, self.reopen_button, self.copy_button):
            b.setAutoDefault(False)
        self.qa_button.clicked.connect(self.mark_for_qa)
        self.issue_button.clicked.connect(lambda: self.issue_letter())
        self.reopen_button.clicked.connect(lambda: self.reopen_letter())
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.badge)
        row.addWidget(self.banner_text, 1)
        row.addWidget(self.qa_button)
        row.addWidget(self.issue_button)
        row.addWidget(self.copy_button)
        row.addWidget(self.reopen_button)

        self.form = LetterForm(template_names())
        self.form.edited.connect(self._edited)
        self.form.signature_chosen.connect(self._signature_chosen)
        self.form.setMinimumWidth(240)

        self.preview = PageView()
        self.preview.rerender_wanted.connect(self._rerender)
        self.preview.zoom_changed.connect(self._zoom_shown)

        def tool(text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(lambda _c=False: slot())
            return b

        self.zoom_out_button = tool("−", "Zoom out (Ctrl+-)", self.preview.zoom_out)
        self.zoom_in_button = tool("+", "Zoom in (Ctrl++)", self.preview.zoom_in)
        self.fit_button = tool("Fit width", "Fit the page to the width",
                               self.preview.zoom_to_fit_width)
        self.zoom_label = tool("100%", "The zoom; click for actual size",
                               self.preview.actual_size)
        self.zoom_label.setMinimumWidth(48)
        self.preview_status = QLabel("")
        self.preview_status.setObjectName("previewStatus")
        self.preview_status.setStyleSheet("color: palette(placeholder-text);")
        self.preview_status.setSizePolicy(QSizePolicy.Policy.Ignored,
                                          QSizePolicy.Policy.Preferred)
        self.print_button = tool("Print…", "Print the letter (Ctrl+P)",
                                 lambda: self.print_letter())
        self.export_button = tool("Export PDF…", "Save the letter as a PDF file (Ctrl+E)",
                                  lambda: self.export_pdf())
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 0, 4, 0)
        bar.setSpacing(2)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button,
                  self.fit_button):
            bar.addWidget(w)
        bar.addSpacing(8)
        bar.addWidget(self.preview_status, 1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)
        preview_pane = QWidget()
        column = QVBoxLayout(preview_pane)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(bar)
        column.addWidget(self.preview, 1)

        self.checks = ChecksList()
        self.checks.result_activated.connect(self.go_to)
        self.checks.setMinimumWidth(150)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("letterSplitter")
        self.splitter.addWidget(self.form)
        self.splitter.addWidget(preview_pane)
        self.splitter.addWidget(self.checks)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([470, 720, 330])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)

    def _build_actions(self) -> None:
        def action(text: str, slot: Callable[[], Any], shortcut: Any = None,
                   tip: str = "") -> QAction:
            return make_action(self, text, slot, shortcut, tip)

        self.export_action = action("&Export PDF…", self.export_pdf, "Ctrl+E",
                                    "Save the letter as a PDF file")
        self.print_action = action("&Print…", self.print_letter, QKeySequence.StandardKey.Print,
                                   "Print the letter")
        self.preview_action = action("Print Pre&view…", self.print_preview, "Ctrl+Shift+P",
                                     "See the letter as it will print")
        self.qa_action = action("Mark for &QA", self.mark_for_qa, None,
                                "Send the draft letter for quality assurance")
        self.issue_action = action("&Issue Letter…", self.issue_letter, None,
                                   "Run the checks, then freeze the letter and record its "
                                   "checksum")
        self.reopen_action = action("&Reopen for Re-issue…", self.reopen_letter, None,
                                    "Unfreeze an issued letter so it can be changed and "
                                    "issued again")
        self.appendix_action = action("Export Evidence &Appendix…", self.export_appendix, None,
                                      "Every finding with the notes behind it, for quality "
                                      "assurance (never sent to the authority)")
        self.refresh_action = action("Re&fresh Preview and Checks", self.refresh, "F5")
        self.zoom_in_action = action("Zoom &In", self.preview.zoom_in,
                                     QKeySequence.StandardKey.ZoomIn)
        self.zoom_out_action = action("Zoom &Out", self.preview.zoom_out,
                                      QKeySequence.StandardKey.ZoomOut)
        for a in (self.zoom_in_action, self.zoom_out_action):
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(a)
        self.session_actions = [self.export_action, self.print_action, self.preview_action,
                                self.qa_action, self.issue_action, self.reopen_action,
                                self.appendix_action, self.refresh_action]

    # ============================================================== the session
    @property
    def session(self) -> Session | None:
        return self.host.session

    def session_opened(self) -> None:
        """A file was opened: forget the last one's letter and read this one's."""
        self._save_timer.stop()
        self._dirty.clear()
        self.refreshes.opened()
        self.readiness = None
        self.pdf = None
        self._stored = {}
        self._session = self.session
        self.preview.clear("The letter is being compiled…")
        self.checks.set_results(None)
        self._show_state(None)
        self.refresh(force=True)

    def clear(self) -> None:
        """The file was closed."""
        self._save_timer.stop()
        self._dirty.clear()
        self._session = None
        self.refreshes.closed()
        self.pdf = None
        self.preview.clear("No inspection is open.")
        self.checks.set_results(None)
        self.checks.summary.setText("")
        self._show_state(None)

    def on_changes(self, changes: Changes, _initiator: object = None) -> None:
        """Some write finished: the letter may read differently now."""
        if changes:
            # A change to the letter's own fields needs only the inspection read again.
            self.refresh(full=self.refreshes.needs_full(changes))

    @property
    def snapshot(self) -> LetterSnapshot | None:
        """The letter as last read from the file."""
        return self.refreshes.snapshot

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.refreshes.stale:
            self.refresh()

    # ================================================================ refreshing
    @property
    def idle(self) -> bool:
        """No refresh, save, print or export is under way (tests and screenshots)."""
        return (self.refreshes.idle and not self._dirty
                and self.host.tasks.lane_idle(LETTER) and self.host.tasks.lane_idle(EXPORT)
                and not self._save_timer.isActive())

    def refresh(self, *, force: bool = False, full: bool = True) -> None:
        """Read the letter again, then compile, show and check it in the background.

        While the workspace is hidden this only marks it stale; ``force`` reads the letter's
        state anyway (for the status bar and the findings board), and it is compiled when
        the workspace is shown. ``full=False`` says only the letter's own fields changed
        since the last read.
        """
        session = self.session
        if session is None:
            return
        shown = self.isVisible()
        plan = self.refreshes.plan(visible=shown, force=force, full=full)
        if plan is None:
            return
        self._refresh_started = time.perf_counter()
        if isinstance(plan, UsePrefetched):
            # Read and rendered by the worker right after this edit was written (which is
            # still counted in flight until its callback ends).
            self._arrived(session, plan.read, writes_done=1)
            return
        gen = plan.gen
        self.preview_status.setText("Updating…")
        scale = self.preview.raster_scale()
        in_sight = self.preview.visible_pages()
        # A letter that compiles in a moment is compiled right after it is read, on the
        # worker, where nothing competes with it; a slow one goes to the letter's lane, so
        # that notes still save meanwhile.

        def read() -> Read | None:
            if not self.refreshes.current(gen):
                return None
            snap = read_snapshot(session.writer, reuse=plan.reuse, light=plan.light)
            if not plan.inline:
                return Read(snap)
            try:
                return Read(snap, render_letter(gen, snap, scale, in_sight))
            except FieldworkError as err:
                return Read(snap, err)

        def failed(err: FieldworkError) -> None:
            self.refreshes.read_failed()
            self.preview.clear(f"The letter cannot be read: {err}")

        Op(self, read).success(lambda result: self._arrived(session, result)) \
            .failure(failed).run_in_background(self.host.tasks)

    def _arrived(self, session: Session, result: Read | None, *, writes_done: int = 0) -> None:
        """A read is back: show its pages (if made with it) and state, then compile and
        check on the letter's lane."""
        arrived = self.refreshes.arrived(result if session is self.session else None,
                                         visible=self.isVisible())
        if arrived.again:
            self.refresh(force=True)
            return
        snap = arrived.snapshot
        if snap is None:
            return
        if isinstance(arrived.pages, Rendered):
            self._rendered(arrived.pages)  # the pages first: they are what is awaited
        self._apply_snapshot(snap, writes_done=writes_done)
        gen = self.refreshes.gen
        if arrived.render_error is not None:
            self._render_failed(arrived.render_error)
        elif arrived.render:
            scale = self.preview.raster_scale()
            in_sight = self.preview.visible_pages()
            self._background(
                LETTER,
                lambda: render_letter(gen, snap, scale, in_sight)
                if self.refreshes.current(gen) else None,
                self._rendered, on_error=self._render_failed)
        if arrived.check:

            def check() -> Readiness | None:
                return readiness(snap) if self.refreshes.current(gen) else None

            self._background(LETTER, check, lambda r: self._checked(gen, r))

    def _rendered(self, result: Rendered | None) -> None:
        if result is None or not self.refreshes.shown(result):
            return  # a newer refresh is on its way
        self.pdf = result.pdf
        self.preview.show_pages(result.images, result.sizes, result.scale)
        self.last_refresh_seconds = time.perf_counter() - self._refresh_started
        pages = len(result.images)
        self.preview_status.setText(
            f"{pages} page{'s' if pages != 1 else ''} · updated {time.strftime('%H:%M:%S')}")
        self.preview_shown.emit(pages)
        missing, gen, pdf, scale = result.missing, result.gen, result.pdf, result.scale
        if missing:  # the pages out of sight, now that those in sight are shown

            def rest() -> list[QImage | None] | None:
                return rasterise(pdf, scale, missing)[0] if self.refreshes.current(gen) else None

            def arrived(images: list[QImage | None] | None) -> None:
                if images is not None and self.refreshes.current(gen):
                    self.preview.update_pages(
                        {i: image for i, image in enumerate(images) if image is not None},
                        scale)

            self._background(LETTER, rest, arrived, on_error=self._render_failed)

    def _background(self, lane: str, fn: Callable[[], T], done: Callable[[T], Any], *,
                    on_error: Callable[[FieldworkError], Any] | None = None) -> None:
        """``fn()`` on the letter's ``lane`` (no store there), then ``done(result)`` here."""
        op = Op(self, fn).success(done)
        if on_error is not None:
            op.failure(on_error)
        op.run_in_background(self.host.tasks, lane=lane)

    def _render_failed(self, err: FieldworkError) -> None:
        self.pdf = None
        self.preview.clear(f"The letter cannot be compiled: {err}")
        self.preview_status.setText("Not compiled")

    def _checked(self, gen: int, result: Readiness | None) -> None:
        if result is None or not self.refreshes.current(gen):
            return
        self.readiness = result
        if result.error:
            self.checks.show_error(f"The checks cannot run: {result.error}")
        else:
            issued = self.snapshot is not None and self.snapshot.issued
            self.checks.set_results(result.results, issued=issued)
        from ui.letter.checks_view import message

        self.form.mark_problems({r.target_id: message(r) for r in result.results
                                 if r.target == "field" and r.level == "error" and r.target_id})
        self.form.set_generated(result.summary, result.evidence_statement)
        self.form.set_extra_fields(result.extra_fields)
        self.checks_shown.emit()

    def _rerender(self, scale: float) -> None:
        pdf, gen = self.pdf, self.refreshes.shown_gen
        if pdf is None:
            return

        def render() -> tuple[list[QImage | None], list[QSizeF], float] | None:
            return (*rasterise(pdf, scale), scale) if self.refreshes.current(gen) else None

        def done(result: tuple[list[QImage | None], list[QSizeF], float] | None) -> None:
            if result is not None and self.refreshes.current(gen) and pdf is self.pdf:
                self.preview.show_pages(*result)

        self._background(LETTER, render, done, on_error=self._render_failed)

    def _zoom_shown(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")

    # ================================================================== the state
    def _apply_snapshot(self, snap: LetterSnapshot, *, writes_done: int = 0) -> None:
        """Show a snapshot's state; and its fields, unless typing or writes would be undone
        by it (``writes_done`` of the writes in flight are already in the snapshot)."""
        if self.refreshes.may_load_form(typing=bool(self._dirty), writes_done=writes_done):
            self._stored = dict(snap.fields)
            self.form.load(snap.fields)
        self._show_state(snap)

    def _show_state(self, snap: LetterSnapshot | None) -> None:
        state = snap.state if snap else None
        issued = snap is not None and snap.issued
        writable = snap is not None and snap.writable
        label, ink, paper = BANNER.get(state or LetterState.DRAFT, BANNER[LetterState.DRAFT])
        if self.badge.text() != f" {label} ":  # restyling costs a relayout: only on a change
            self.badge.setText(f" {label} ")
            self.badge.setStyleSheet(f"QLabel {{ background: {ink}; color: white; "
                                     "font-weight: bold; padding: 3px 8px; border-radius: 3px; }")
            self.banner.setStyleSheet(f"QFrame#letterBanner {{ background: {paper}; "
                                      f"border: 1px solid {ink}; border-radius: 4px; }}")
        if snap is None:
            text = "No inspection is open." if self.session is None else "Reading the letter…"
            self.badge.setVisible(self.session is not None)
        elif issued:
            sha = snap.issue.sha256 if snap.issue else ""
            text = (f"<b>{describe_issue(snap)}</b> · sha256 <code>{sha[:16]}…</code><br>"
                    "The letter is frozen: its fields and findings cannot change. To change "
                    "it, reopen it for a re-issue.")
            self.banner_text.setToolTip(f"sha256 {sha}")
        elif state == LetterState.QA:
            text = ("<b>With quality assurance.</b> The letter can still be edited; it prints "
                    "with a DRAFT mark until it is issued.")
        else:
            text = ("<b>Draft.</b> Fill in the letter, put right what the checks list, then "
                    "mark it for QA or issue it. It prints with a DRAFT mark until issued.")
        if snap is not None:
            self.badge.setVisible(True)
            if not issued:
                self.banner_text.setToolTip("")
            if not writable:
                text += "<br><i>This file is read-only: nothing here can be changed.</i>"
        if self.banner_text.text() != text:
            self.banner_text.setText(text)
        is_open = self.session is not None
        self.qa_button.setVisible(state in (None, LetterState.DRAFT))
        self.issue_button.setVisible(not issued)
        self.reopen_button.setVisible(issued)
        self.copy_button.setVisible(issued)
        for widget, on in ((self.qa_button, writable and state == LetterState.DRAFT),
                           (self.issue_button, writable and not issued),
                           (self.reopen_button, writable and issued)):
            widget.setEnabled(on)
        self.qa_action.setEnabled(writable and state == LetterState.DRAFT)
        self.issue_action.setEnabled(writable and not issued)
        self.reopen_action.setEnabled(writable and issued)
        for a in (self.export_action, self.print_action, self.preview_action,
                  self.appendix_action, self.refresh_action):
            a.setEnabled(is_open and not (self.output.printing and a is self.print_action))
        self.print_button.setEnabled(is_open and not self.output.printing)
        self.export_button.setEnabled(is_open)
        self.form.set_read_only(not writable or issued)
        if issued != self._frozen:
            self._frozen = issued
            why = ""
            if issued and snap is not None:
                why = (f"The letter was {describe_issue(snap)[0].lower()}"
                       f"{describe_issue(snap)[1:]}; its findings are frozen. To change them, "
                       "choose Letter ▸ Reopen for Re-issue…")
            self.frozen_changed.emit(why)
        self.state_shown.emit(state.value if state else "")

    def _copy_checksum(self) -> None:
        snap = self.snapshot
        if snap is not None and snap.issue is not None:
            QGuiApplication.clipboard().setText(snap.issue.sha256)
            self.host.statusBar().showMessage("Copied the sha256 checksum", 4000)

    # =================================================================== editing
    def _edited(self, key: str) -> None:
        if self.form.read_only:
            return
        self._dirty.add(key)
        self._save_timer.start()
        self.preview_status.setText("Editing…")

    def flush(self) -> None:
        """Save what was typed and not yet saved (now, not after the pause)."""
        self._save_timer.stop()
        if not self._dirty:
            return
        keys, self._dirty = sorted(self._dirty), set()
        if self.session is None or self.form.read_only:
            return
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key in keys:
            value = self.form.value(key)
            old = self._stored.get(key)
            if value != old and not (value in (None, "", [], {}) and old in (None, "", [], {})):
                before[key], after[key] = old, value
        if not after:
            return
        for key, value in after.items():
            if value is None:
                self._stored.pop(key, None)
            else:
                self._stored[key] = value
        self.host.push(EditLetter(self._write, before, after))

    def _write(self, op: CoreOp[Changes]) -> None:
        """Run an edit of the letter on the worker, counting it until it is back.

        While the letter is in sight, the worker reads and renders it again straight after
        the write, without a round trip through the GUI thread; :meth:`refresh` then shows
        that (see :attr:`LetterRefresh.prefetched <ui.letter.refresh.LetterRefresh>`).
        """
        prefetch = self.refreshes.write_started(visible=self.isVisible())
        snap, scale, in_sight = self.snapshot, self.preview.raster_scale(), \
            self.preview.visible_pages()

        fn = op.fn

        def write_and_read(store: Store) -> Changes:
            changes = fn(store)
            only_fields = changes.inspection and not (changes.everything or changes.notes
                                                      or changes.findings or changes.cases
                                                      or changes.inspectors)
            if prefetch and only_fields and snap is not None:
                fresh = read_snapshot(store, reuse=snap)
                try:
                    self.refreshes.prefetched = Read(fresh, render_letter(0, fresh, scale,
                                                                      in_sight))
                except FieldworkError as err:
                    self.refreshes.prefetched = Read(fresh, err)
            return changes

        def settled() -> None:
            self.refreshes.write_settled()

        def failed(_err: FieldworkError) -> None:
            settled()
            self.refresh()  # show what is stored again

        op.fn = write_and_read
        op.initiator = op.initiator or self
        self.host.run(op.success(lambda _c: settled()).failure(failed, show_error=True))

    def _signature_chosen(self, path: str) -> None:
        if QImage(path).isNull():
            show_error(self, FieldworkError(f"{Path(path).name} is not an image Fieldwork "
                                            "can read; choose a PNG or JPEG file"))
            return
        try:
            kept = keep_signature(path)
        except FieldworkError as err:
            show_error(self, err)
            return
        self.form.set_signature(str(kept))

    # ==================================================================== checks
    def go_to(self, result: CheckResult) -> None:
        """Show what a check is about: a field here, or a finding, note or section."""
        target, ident = result.target, result.target_id or ""
        bar = self.host.statusBar()
        if target == "field":
            if not self.form.focus_field(ident):
                bar.showMessage(f"The field {ident} is set elsewhere (the team, say), not in "
                                "this form.", 6000)
        elif target == "finding":
            self.finding_requested.emit(ident)
        elif target == "note":
            self.note_requested.emit(ident)
        elif target == "section":
            self.section_requested.emit(ident)
        else:
            bar.showMessage("This is in the letter's own text: see the preview.", 6000)

    # ========================================================== printing, exporting
    @property
    def printer(self) -> QPrinter | None:
        """The printer last used (kept: a QPrinter must outlive its dialogs)."""
        return self.output.printer

    @property
    def preview_dialog(self) -> QPrintPreviewDialog | None:
        return self.output.preview_dialog

    @property
    def appendix_export(self) -> AppendixExport | None:
        return self.output.appendix_export

    def print_letter(self, printer: QPrinter | None = None) -> None:
        """Ctrl+P: the print dialog, then print (to ``printer`` without asking, if given)."""
        self.output.print_letter(printer)

    def send_to_printer(self, printer: QPrinter, pdf: bytes) -> None:
        self.output.send_to_printer(printer, pdf)

    def print_preview(self) -> None:
        self.output.print_preview()

    def export_pdf(self, path: str | Path | None = None) -> None:
        """Ctrl+E: save the letter as PDF (the stored bytes once issued)."""
        self.output.export_pdf(path)

    def export_appendix(self, path: str | Path | None = None, *,
                        show_progress: bool = True) -> AppendixExport | None:
        """Write the evidence appendix in the background, with progress."""
        return self.output.export_appendix(path, show_progress=show_progress)

    # =================================================================== issuing
    def mark_for_qa(self) -> None:
        self.flush()
        from fieldwork.issuing import mark_qa

        self.host.run(CoreOp(self, mark_qa).success(
            lambda _c: self.host.statusBar().showMessage("The letter is marked for QA", 5000)))

    def issue_letter(self) -> None:
        """Run the checks; show what blocks issuing, or ask; then issue and show the checksum."""
        session = self.session
        if session is None:
            return
        self.flush()
        from fieldwork.issuing import check, issue

        def checked(results: list[CheckResult]) -> None:
            if session is not self.session:
                return
            self.checks.set_results(results)
            dialog = dialogs.IssueDialog(results, self)
            answer = dialogs.exec_dialog(dialog)
            if dialog.blocked or answer != QDialog.DialogCode.Accepted:
                return
            self.host.run(CoreOp(self, issue, label="Issuing the letter…",
                                 shows_saving=False).success(issued)
                          .failure(lambda err: show_error(self, err)))

        def issued(done: Issued) -> None:
            from ui.letter.work import when

            name = next((p.name for p in session.reader.inspectors() if p.id == done.by),
                        done.by)
            self.host.statusBar().showMessage(f"Issued; sha256 {done.sha256}", 15000)
            dialogs.show_issued(self, f"Issued {when(done.at)} by {name or 'you'}",
                                done.sha256)

        Op(self, lambda: check(session.writer), label="Checking the letter…").success(checked) \
            .run_in_background(self.host.tasks)

    def reopen_letter(self) -> None:
        snap = self.snapshot
        if snap is None or not snap.issued:
            return
        sha = snap.issue.sha256 if snap.issue else ""
        if not dialogs.confirm_reopen(self, describe_issue(snap), sha):
            return
        from fieldwork.issuing import reopen

        self.host.run(CoreOp(self, reopen).success(
            lambda _c: self.host.statusBar().showMessage(
                "The letter is reopened for a re-issue; the earlier issue stays on record",
                8000)))

    # ================================================================== closing
    def shutdown(self) -> None:
        """The window is closing: cancel an export of the appendix under way (the window
        then stops the threads)."""
        self.output.cancel()

