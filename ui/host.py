"""What pages, menus and dialogs may use of the window: small typing Protocols.

The main window (:mod:`ui.mainwindow`) is a shell: it holds the open file, the worker and
the undo stack, runs changes, and offers places to add pages, menus, status-bar items and
actions. Everything else reaches it through these Protocols, never by importing it:

- :class:`Host` is what a page, a dialog or a menu uses day to day: the session, the
  worker, running a change (``run(CoreOp(...))``), the undo stack, the status bar, and the
  signals saying a file was opened or closed and what each change changed.
- :class:`Evidence` is the Evidence page as other pages see it: showing a note, a finding
  or a section, filtering the notes, the case form, freezing the findings.
- :class:`Shell` adds the seams an installer uses to put its page or menu in the window.

A page listens to ``changes_applied(changes, initiator)`` and redraws only what
``changes`` names (:class:`~fieldwork.model.Changes`); ``initiator`` is the op's parent,
so a view can tell the change it made itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction, QUndoStack
    from PySide6.QtWidgets import QMenu, QStatusBar, QWidget

    from fieldwork.lock import AlreadyOpen, Holder
    from fieldwork.store.store import NoteFilter
    from ui.operations import CoreOp, TaskManager
    from ui.session import Overview, Session
    from ui.settings import Settings

#: Where :meth:`Shell.add_menu` puts a menu: with the pages' menus (before View), or with
#: the tools (before Help).
MenuPlace = Literal["page", "tool"]
#: The window's own menus, which pages may add to.
MenuName = Literal["file", "edit", "view", "help"]


class Evidence(Protocol):
    """The Evidence page (filters, notes, the note, the findings board, coverage), as the
    other pages use it. Each ``show_…`` brings the page to the front."""

    @property
    def row_chosen(self) -> SignalInstance:
        """(str) the note or finding chosen in the list or on the board."""

    def show_note(self, note_id: str) -> None: ...

    def show_finding(self, finding_id: str) -> None: ...

    def show_section(self, key: str) -> None: ...

    def filter_notes(self, where: NoteFilter) -> None: ...

    def edit_case(self, ref: str) -> None: ...

    def current_row(self) -> str | None:
        """The note or finding the user is on (the focus decides), if any."""

    def add_row_action(self, text: str, shortcut: str,
                       slot: Callable[[str | None], object]) -> None:
        """Add an entry to the notes' and the findings' context menus: ``slot(row id)``."""

    def freeze_findings(self, why: str | None) -> None:
        """Stop the findings changing (the letter was issued: ``why``), or let them."""


class Host(Protocol):
    """What a page, a dialog or a menu may use of the window."""

    settings: Settings
    tasks: TaskManager
    undo_stack: QUndoStack

    @property
    def session_opened(self) -> SignalInstance:
        """() a file was opened and its first rows are in the list."""

    @property
    def session_closing(self) -> SignalInstance:
        """() the file is about to close (the window too, perhaps): it is still open, and
        work queued on the worker now runs before its writer closes (a last sync, say)."""

    @property
    def session_closed(self) -> SignalInstance:
        """() the file was closed."""

    @property
    def changes_applied(self) -> SignalInstance:
        """(Changes, object) a change was made (by the op's parent, or by another program:
        the watcher). The Evidence page hears it first."""

    @property
    def overview_applied(self) -> SignalInstance:
        """() the counts, the findings or the inspection's heading were read again."""

    @property
    def session(self) -> Session | None: ...

    @property
    def overview(self) -> Overview | None: ...

    @property
    def writable(self) -> bool:
        """A file is open, and for writing."""

    @property
    def writing(self) -> bool:
        """A change is on its way to the file."""

    @property
    def evidence(self) -> Evidence: ...

    def run(self, op: CoreOp[Any]) -> None:
        """Make a change on the worker, then tell every view what it changed."""

    def push(self, command: Any) -> None:
        """Push an undoable command (a :class:`~ui.undo.StoreCommand`): its redo runs."""

    def undo(self) -> None: ...

    def flush(self) -> None:
        """Save at once whatever is being typed, anywhere in the window."""

    def open_file(self, path: Path, *, on_opened: Callable[[], None] | None = None,
                  read_only: bool = False, holder: Holder | None = None,
                  on_refused: Callable[[AlreadyOpen], None] | None = None,
                  passphrase: str | None = None, key_id: str | None = None) -> None: ...

    def choose_identity(self, then: Callable[[], None] | None = None) -> None: ...

    def statusBar(self) -> QStatusBar: ...

    def window(self) -> QWidget:
        """The window itself, as the parent of a dialog."""


class Shell(Host, Protocol):
    """The seams an installer uses to add its page, menu or status-bar item."""

    def add_page(self, page: QWidget, title: str, *, tip: str = "",
                 action: QAction | None = None) -> None:
        """Add a page beside the others; ``action`` (its shortcut shows it) goes in the
        View menu."""

    def show_page(self, page: QWidget) -> None: ...

    def add_menu(self, menu: QMenu, place: MenuPlace = "tool") -> None: ...

    def menu(self, name: MenuName) -> QMenu:
        """One of the window's own menus, to add an action to."""

    def add_status_widget(self, widget: QWidget) -> None:
        """Add a permanent item to the status bar, after the others."""

    def add_session_action(self, action: QAction, *, writes: bool = False) -> None:
        """Make ``action`` work from anywhere in the window, enabled only while a file is
        open (and, if it ``writes``, open for writing)."""

    def add_flusher(self, flush: Callable[[], None]) -> None:
        """``flush()`` saves what is being typed on a page (before undo, closing…)."""

    @property
    def closing(self) -> SignalInstance:
        """() the window is closing: stop what runs in the background."""
