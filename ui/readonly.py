"""A file open for reading only: the question that leads there, and the banner that says why.

A file that another app or window has open for writing is offered read-only (see
:mod:`ui.dialogs.already_open`). A read-only session shows a banner across the top of the
window giving the reason: who has the file and on which machine, or what the store says
(a read-only disk, a file marked read-only). When the file is read-only because it is open
elsewhere, **Open for Editing** tries again, and the banner says when the other app closes
the file.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolBar,
    QWidget,
)

from fieldwork.lock import AlreadyOpen, Holder
from ui.dialogs.already_open import ask_open_read_only
from ui.session import holder_text

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from ui.host import Host
    from ui.session import Session

#: What the findings board says while the file is read-only.
BOARD_READ_ONLY = "Read-only: the findings cannot be changed here."
INK = "#6b4e00"
PAPER = "#fff4ce"
EDGE = "#e3c567"


def banner_text(reason: str, holder: Holder | None) -> str:
    """``Read-only: <reason>.`` and, for a file open elsewhere, what to expect (plain text)."""
    reason = reason.strip().rstrip(".")
    text = f"Read-only: {reason}."
    if holder is not None:
        text += " Changes made there appear here within a few seconds."
    return text


def left_text(holder: Holder) -> str:
    where = f" on {holder.host}" if holder.host and not holder.here else ""
    who = "The other window" if holder.here else holder.who
    return (f"Read-only: {who} has closed this inspection{where}. "
            "Open it for editing to make your own changes.")


class ReadOnlyBanner(QToolBar):
    """The strip across the top of the window while the file can only be read.

    Signals:
        edit_requested(): the user asked to open the file for editing after all.
    """

    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Read-only", parent)
        self.setObjectName("readOnlyBanner")
        self.setAccessibleName("Read-only")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # not in the window's toolbar menu
        self.setStyleSheet(
            f"QToolBar#readOnlyBanner {{ background: {PAPER}; border: none; "
            f"border-bottom: 1px solid {EDGE}; spacing: 0; padding: 0; }}")
        self.frame = frame = QFrame()
        frame.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(frame)
        layout.setContentsMargins(10, 4, 8, 4)
        layout.setSpacing(8)
        self.icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(QSize(size, size)))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.icon.setContentsMargins(0, 2, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("readOnlyText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet(f"color: {INK};")
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.edit_button = QPushButton("Open for Editing")
        self.edit_button.setObjectName("openForEditing")
        self.edit_button.setToolTip("Open this inspection for writing, if it is no longer "
                                    "open elsewhere")
        self.edit_button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.edit_requested)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.addWidget(frame)
        self._plain = ""

    def _fit(self) -> None:
        """As tall as the text needs at this width (a tool bar sizes its widgets by their
        size hints, which cannot know how a long line wraps)."""
        layout = self.frame.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        others = self.icon.sizeHint().width() + layout.spacing() + margins.left() \
            + margins.right()
        if self.edit_button.isVisibleTo(self):
            others += self.edit_button.sizeHint().width() + layout.spacing()
        text = self.label.heightForWidth(max(100, self.width() - others - 8))
        inner = max(text, self.edit_button.sizeHint().height(),
                    self.icon.sizeHint().height())
        height = inner + margins.top() + margins.bottom()
        if self.frame.maximumHeight() != height:
            self.frame.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    @property
    def text(self) -> str:
        """What the banner says, as plain text."""
        return self._plain

    def say(self, text: str, *, can_edit: bool) -> None:
        self._plain = text
        head, _, rest = text.partition(":")
        self.label.setText(f"<b>{html.escape(head)}:</b>{html.escape(rest)}")
        self.edit_button.setVisible(can_edit)
        self._fit()


class ReadOnlyMode(QObject):
    """The read-only side of opening files, installed on one main window: the banner
    across its top while the open file is read-only."""

    def __init__(self, host: Host, window: QMainWindow) -> None:
        super().__init__(window)
        self.host = host
        self.banner = ReadOnlyBanner(window)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.banner.hide()
        self.banner.edit_requested.connect(self.edit_here)
        host.session_opened.connect(lambda: self.session_installed(host.session))
        host.session_closed.connect(self.banner.hide)

    def refused(self, err: AlreadyOpen, on_opened: Callable[[], None] | None = None, *,
                passphrase: str | None = None, key_id: str | None = None) -> None:
        """The file is open for writing elsewhere: say by whom, and offer it read-only
        (an encrypted one with the ``passphrase`` already typed, if any)."""
        if ask_open_read_only(self.host.window(), err):
            self.host.open_file(err.path, read_only=True, holder=err.holder,
                                on_opened=on_opened, passphrase=passphrase, key_id=key_id)

    def session_installed(self, session: Session | None) -> None:
        if session is None or session.writable:
            self.banner.hide()
            return
        self.banner.say(banner_text(session.read_only_reason or "the file cannot be written",
                                    session.holder), can_edit=session.holder is not None)
        self.banner.show()

    def holder_left(self) -> None:
        """The app that had the file open for writing closed it."""
        session = self.host.session
        if session is not None and session.holder is not None:
            self.banner.say(left_text(session.holder), can_edit=True)

    def edit_here(self) -> None:
        """Open the file read-only here for writing, if nobody has it open for writing now."""
        session = self.host.session
        if session is None:
            return
        self.host.open_file(session.path, on_refused=self._still_open)

    def _still_open(self, err: AlreadyOpen) -> None:
        session = self.host.session
        if session is not None and err.holder is not None:
            session.holder = err.holder
            session.read_only_reason = f"this inspection is {holder_text(err.holder)}"
            self.session_installed(session)
        self.host.statusBar().showMessage(f"Still open elsewhere: {err}.", 8000)
