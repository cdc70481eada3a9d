"""Conflict review: the open conflicts, both versions side by side, and the lead's decision.

Each decision is a :class:`ResolveConflict` on the window's undo stack, so it runs on the
worker, is broadcast as Changes to every view, and can be undone until the next pack is
made or merged (see :func:`seal_resolutions`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QTextCursor, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldwork.errors import FieldworkError
from fieldwork.model import Changes
from fieldwork.packs.conflicts import (
    TEXT_TABLES,
    Resolution,
    resolve_conflict_undoably,
    undo_resolution,
)
from fieldwork.store import Conflict
from ui import undo
from ui.dialogs.keys import main_button
from ui.operations import Op
from ui.team import diff, work
from ui.team.present import kind_label, label, local_time, short
from ui.team.render import conflict_sides

if TYPE_CHECKING:
    from fieldwork.store import Store
    from ui.host import Host

CONFLICT_ID_ROLE = Qt.ItemDataRole.UserRole


def list_text(conflict: Conflict, state: work.ConflictsState) -> str:
    """Three short lines for the list: what, which row, and whose versions."""
    names = state.names
    title = state.titles.get(conflict.id, conflict.kind)
    head, _, quoted = title.partition(": ")
    mine = names.inspector(conflict.mine_by) + (" (deletes it)" if conflict.mine_deleted else "")
    theirs = names.inspector(conflict.theirs_by) + (
        " (deletes it)" if conflict.theirs_deleted else "")
    return f"{head}\n{short(quoted, 56)}\nMine: {mine} · theirs: {theirs}"


class ResolveConflict(undo.StoreCommand):
    """Keep mine, take theirs, or a merged text; undo puts the conflict back as it was."""

    def __init__(self, run: undo.Runner, conflict_id: str, *, take: str | None = None,
                 text: str | None = None, what: str = "") -> None:
        how = {"mine": "keep mine", "theirs": "take theirs"}.get(take or "", "merged text")
        super().__init__(f"Resolve conflict ({how})" + (f" on {what}" if what else ""), run)
        self.conflict_id = conflict_id
        self.take = take
        self.merged_text = text
        self.resolution: Resolution | None = None
        #: Set when a pack was made or merged after the resolution: it may have travelled.
        self.sealed = False
        self.on_sealed_undo: Callable[[], None] | None = None

    def apply(self, store: Store) -> Changes:
        self.resolution = resolve_conflict_undoably(
            store, self.conflict_id, take=self.take, text=self.merged_text)
        return self.resolution.changes

    def revert(self, store: Store) -> Changes:
        if self.resolution is None:
            return Changes()
        return undo_resolution(store, self.resolution)

    def undo(self) -> None:
        if self.sealed:
            # It has gone out in a pack (or a merge came in on top): undoing it now could
            # diverge from the copies that have it. Drop it from the stack instead.
            self.setObsolete(True)
            if self.on_sealed_undo is not None:
                self.on_sealed_undo()
            return
        super().undo()


def seal_resolutions(stack: QUndoStack) -> int:
    """Make every resolution on ``stack`` final (a pack was made or merged); returns how many."""
    n = 0
    for i in range(stack.count()):
        command = stack.command(i)
        if isinstance(command, ResolveConflict) and not command.sealed:
            command.sealed = True
            n += 1
    return n


class ConflictsDialog(QDialog):
    """The open conflicts, one at a time, with both versions and the three decisions.

    Signals:
        loaded(): the list was read again from the file (after every change).
    """

    loaded = Signal()

    def __init__(self, host: Host) -> None:
        super().__init__(host.window())
        self.host = host
        self.setObjectName("conflictsDialog")
        self.setWindowTitle("Review Conflicts")
        self.resize(1280, 760)
        self.state: work.ConflictsState | None = None
        self._loading = False
        self._again = False
        self._want: str | None = None
        self._build()
        host.changes_applied.connect(self.on_changes)
        # Enter closes (a decision is a button of its own, never Enter's); Esc closes too.
        main_button(self, self.close_button)

    # ================================================================ building
    def _build(self) -> None:
        self.intro = QLabel("")
        self.intro.setObjectName("conflictsIntro")
        self.intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setObjectName("conflictList")
        self.list.setAccessibleName("Open conflicts")
        self.list.setHeaderLabels(["Open conflicts"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setStyleSheet(
            "QTreeWidget::item { padding: 5px 2px; border-bottom: 1px solid palette(midlight); }"
            "QTreeWidget::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }")
        self.list.currentItemChanged.connect(lambda *_: self._show_current())

        self.title = QLabel("")
        self.title.setObjectName("conflictTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.differs = QLabel("")
        self.differs.setObjectName("differsLabel")
        self.differs.setWordWrap(True)
        self.mine_caption = self._caption()
        self.theirs_caption = self._caption()
        self.mine_view = self._browser("mineView", "Mine: the version shown now")
        self.theirs_view = self._browser("theirsView", "Theirs: the version kept aside")
        sides = QGridLayout()
        sides.addWidget(self.mine_caption, 0, 0)
        sides.addWidget(self.theirs_caption, 0, 1)
        sides.addWidget(self.mine_view, 1, 0)
        sides.addWidget(self.theirs_view, 1, 1)
        sides.setColumnStretch(0, 1)
        sides.setColumnStretch(1, 1)
        sides.setRowStretch(1, 1)

        self.keep_button = QPushButton("Keep &mine")
        self.keep_button.setObjectName("keepMine")
        self.keep_button.setToolTip("Keep the version shown now; the other is set aside for good")
        self.take_button = QPushButton("Take &theirs")
        self.take_button.setObjectName("takeTheirs")
        self.take_button.setToolTip("Show their version instead of mine")
        self.edit_button = QPushButton("&Edit a merged text…")
        self.edit_button.setObjectName("editMerged")
        self.keep_button.clicked.connect(lambda: self.resolve(take="mine"))
        self.take_button.clicked.connect(lambda: self.resolve(take="theirs"))
        self.edit_button.clicked.connect(self.start_merged_text)
        decide = QHBoxLayout()
        decide.addWidget(self.keep_button)
        decide.addWidget(self.take_button)
        decide.addWidget(self.edit_button)
        decide.addStretch(1)

        self.merged_box = QFrame()
        self.merged_box.setObjectName("mergedBox")
        self.merged_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.merged = QPlainTextEdit()
        self.merged.setObjectName("mergedText")
        self.merged.setAccessibleName("Merged text")
        self.merged.setTabChangesFocus(True)
        self.save_merged_button = QPushButton("&Save merged text")
        self.save_merged_button.setObjectName("saveMerged")
        self.save_merged_button.clicked.connect(self._save_merged)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self._cancel_merged)
        self.merged.textChanged.connect(
            lambda: self.save_merged_button.setEnabled(bool(self.merged.toPlainText().strip())))
        merged_buttons = QHBoxLayout()
        merged_buttons.addWidget(QLabel("Write the text both versions should become; it "
                                        "replaces both."), 1)
        merged_buttons.addWidget(cancel)
        merged_buttons.addWidget(self.save_merged_button)
        box = QVBoxLayout(self.merged_box)
        box.addWidget(self.merged)
        box.addLayout(merged_buttons)
        self.merged_box.hide()

        detail = QWidget()
        right = QVBoxLayout(detail)
        right.setContentsMargins(6, 0, 0, 0)
        right.addWidget(self.title)
        right.addWidget(self.differs)
        right.addLayout(sides, 1)
        right.addLayout(decide)
        right.addWidget(self.merged_box)
        self.detail = detail

        self.empty = QLabel("No conflicts are open. When two people change the same note or "
                            "finding, both versions wait here until you decide.")
        self.empty.setObjectName("noConflicts")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([400, 880])

        # No Undo button here (it named whatever the window would undo); Ctrl+Z undoes a
        # decision, as the status bar says after each.
        close = QPushButton("&Close")
        close.setObjectName("closeButton")
        close.clicked.connect(self.accept)
        self.close_button = close
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        undo_here = QAction(self)
        undo_here.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        undo_here.triggered.connect(self._undo_shortcut)
        self.addAction(undo_here)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(bottom)

    def _caption(self) -> QLabel:
        caption = QLabel("")
        caption.setTextFormat(Qt.TextFormat.RichText)
        caption.setWordWrap(True)
        return caption

    def _browser(self, name: str, accessible: str) -> QTextBrowser:
        view = QTextBrowser()
        view.setObjectName(name)
        view.setAccessibleName(accessible)
        view.setOpenLinks(False)
        return view

    # ================================================================= loading
    def reload(self) -> None:
        """Read the open conflicts again on the worker (coalesced)."""
        session = self.host.session
        if session is None or not self.isVisible():
            return
        if self._loading:
            self._again = True
            return
        self._loading = True

        def done(state: work.ConflictsState) -> None:
            self._loading = False
            if self.host.session is session:
                self._fill(state)
            if self._again:
                self._again = False
                self.reload()

        def failed(err: FieldworkError) -> None:
            self._loading = False
            from ui.errors import show_error

            show_error(self, err)

        Op(self, lambda: work.load_conflicts(session.writer)).success(done).failure(failed) \
            .run_in_background(self.host.tasks)

    def on_changes(self, _changes: Changes, _initiator: object) -> None:
        """Any change may settle a conflict (or a merge bring new ones): read them again."""
        self.reload()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.reload()

    def _fill(self, state: work.ConflictsState) -> None:
        previous = self.current_id()
        row = self.list.currentIndex().row() if self.list.currentItem() else 0
        self.state = state
        self.list.blockSignals(True)
        self.list.clear()
        for c in state.conflicts:
            item = QTreeWidgetItem([list_text(c, state)])
            item.setData(0, CONFLICT_ID_ROLE, c.id)
            item.setToolTip(0, state.titles.get(c.id, ""))
            self.list.addTopLevelItem(item)
        self.list.blockSignals(False)
        n = len(state.conflicts)
        self.intro.setText(
            f"{n} conflict{'s' if n != 1 else ''} open. Each is something two people changed "
            "without seeing each other's change. Mine is the version this copy shows now, "
            "whoever wrote it; theirs is kept aside. Decide which stays, or write a merged text."
            if n else "")
        self.splitter.setVisible(n > 0)
        self.empty.setVisible(n == 0)
        self.intro.setVisible(n > 0)
        if n:
            ids = [c.id for c in state.conflicts]
            want = self._want if self._want in ids else previous
            index = ids.index(want) if want in ids else min(row, n - 1)
            self._want = None
            top = self.list.topLevelItem(index)
            if top is not None:
                self.list.setCurrentItem(top)
        self._show_current()
        self.loaded.emit()

    # ================================================================= showing
    def conflicts(self) -> list[Conflict]:
        return list(self.state.conflicts) if self.state else []

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(0, CONFLICT_ID_ROLE)) if item is not None else None

    def current(self) -> Conflict | None:
        wanted = self.current_id()
        return next((c for c in self.conflicts() if c.id == wanted), None)

    def select(self, conflict_id: str) -> None:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None and item.data(0, CONFLICT_ID_ROLE) == conflict_id:
                self.list.setCurrentItem(item)
                return
        self._want = conflict_id

    def _show_current(self) -> None:
        conflict = self.current()
        self.detail.setEnabled(conflict is not None)
        self._cancel_merged()
        if conflict is None or self.state is None:
            for w in (self.mine_view, self.theirs_view):
                w.clear()
            self.title.clear()
            self.differs.clear()
            return
        names = self.state.names
        self.title.setText(self.state.titles.get(conflict.id, conflict.kind))
        fields = [label(conflict.table, f) for f in conflict.differing]
        self.differs.setText(
            f"{kind_label(conflict.table)} · differs in: {', '.join(fields) or 'nothing shown'}"
            f" · conflict {conflict.id[:8]}")
        for caption, side, by, at, deleted in (
            (self.mine_caption, "Mine", conflict.mine_by, conflict.mine_at,
             conflict.mine_deleted),
            (self.theirs_caption, "Theirs", conflict.theirs_by, conflict.theirs_at,
             conflict.theirs_deleted),
        ):
            note = "the version shown now" if side == "Mine" else "the version kept aside"
            colour = diff.MINE_COLOUR if side == "Mine" else diff.THEIRS_COLOUR
            made = "Deleted by" if deleted else "Made by"
            caption.setText(
                f"<span style='background-color:{colour}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"
                f"&nbsp; <b>{side}</b>: {note}<br/><span style='color:#444'>{made} "
                f"<b>{diff.escape(names.inspector(by))}</b> on "
                f"{diff.escape(local_time(at, seconds=True))}</span>")
        mine_name, theirs_name = names.inspector(conflict.mine_by), names.inspector(
            conflict.theirs_by)
        if mine_name != theirs_name:
            self.keep_button.setText(f"Keep &mine ({mine_name}'s)")
            self.take_button.setText(f"Take &theirs ({theirs_name}'s)")
        else:
            self.keep_button.setText("Keep &mine")
            self.take_button.setText("Take &theirs")
        left, right = conflict_sides(conflict, names)
        self.mine_view.setHtml(left)
        self.theirs_view.setHtml(right)
        has_text = conflict.table in TEXT_TABLES
        writable = self.host.writable
        self.edit_button.setEnabled(has_text and writable)
        self.keep_button.setEnabled(writable)
        self.take_button.setEnabled(writable)
        self.edit_button.setToolTip(
            "Write one text from both versions" if has_text else
            f"A {conflict.kind} has no text to merge: keep mine or take theirs")

    # ================================================================ deciding
    def resolve(self, *, take: str | None = None, text: str | None = None) -> None:
        """Settle the current conflict on the worker, as an undoable step."""
        conflict = self.current()
        if conflict is None:
            return
        what = short(self.state.titles.get(conflict.id, conflict.kind), 40) if self.state else ""
        command = ResolveConflict(self.host.run, conflict.id, take=take, text=text,
                                  what=f"{kind_label(conflict.table).lower()}")
        command.on_sealed_undo = self._sealed_undo
        self.host.push(command)
        self.host.statusBar().showMessage(
            f"Resolved the conflict on {what} — Undo puts it back", 6000)

    def start_merged_text(self) -> None:
        conflict = self.current()
        if conflict is None or conflict.table not in TEXT_TABLES:
            return
        base = conflict.theirs if conflict.mine_deleted else conflict.mine
        self.merged.setPlainText(str(base.get("text") or ""))
        self.merged_box.show()
        self.merged.setFocus()
        self.merged.moveCursor(QTextCursor.MoveOperation.End)

    def _save_merged(self) -> None:
        text = self.merged.toPlainText()
        if text.strip():
            self.merged_box.hide()
            self.resolve(text=text)

    def _cancel_merged(self) -> None:
        self.merged_box.hide()

    # ==================================================================== undo
    def _undo_shortcut(self) -> None:
        if self.merged_box.isVisible() and self.merged.hasFocus():
            self.merged.undo()
            return
        self.host.undo()

    def _sealed_undo(self) -> None:
        self.host.statusBar().showMessage(
            "That resolution has gone out in a pack (or a merge came in since), so it can no "
            "longer be undone. Edit the note or finding to change it.", 10000)
