"""Bearings: the banner saying the open file is the sample inspection, and who I am.

On first run the app opens the sample inspection, made in Fieldwork's data folder, and the
user writes as its lead. :class:`SampleBanner` says so across the top of the window, with
**New Inspection…** and **Open…** (and a close button, remembered). :class:`WhoAmI` says
in the status bar who notes are recorded as ("You are Alison Whitcombe, lead") with a
**Change…** button that opens the Who Am I dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from fieldwork.model import Inspector, Role
from ui.readonly import EDGE
from ui.session import sample_location

if TYPE_CHECKING:
    from ui.host import Shell

#: The setting that remembers the sample banner was closed.
CLOSED_KEY = "firstrun/sample_banner_closed"
SAMPLE_TEXT = "This is the sample inspection, for trying Fieldwork out."
SAMPLE_TIP = ("It is kept in Fieldwork's own data folder (File ▸ Show in Folder shows it). "
              "Start your own inspection, or open one you have.")
PAPER = "#e8f1fb"
INK = "#123a63"
ROLE_WORDS = {Role.LEAD: "lead", Role.TEAM: "team inspector"}


def is_sample(path: Path) -> bool:
    """Whether ``path`` is the sample inspection the app makes in the data folder."""
    try:
        return path.resolve() == sample_location().resolve()
    except OSError:
        return False


def who_text(me: Inspector | None) -> str:
    """"You are Alison Whitcombe, lead" (or that nobody is chosen)."""
    if me is None:
        return "No inspector chosen"
    return f"You are {me.name}, {ROLE_WORDS.get(me.role, me.role.value)}"


class SampleBanner(QToolBar):
    """The strip across the top of the window while the sample inspection is open."""

    def __init__(self, new_inspection: Callable[[], object], open_file: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__("Sample inspection", parent)
        self.setObjectName("sampleBanner")
        self.setAccessibleName("Sample inspection")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.setStyleSheet(
            f"QToolBar#sampleBanner {{ background: {PAPER}; border: none; "
            f"border-bottom: 1px solid {EDGE}; spacing: 0; padding: 0; }}")
        frame = QFrame()
        frame.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(frame)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.setSpacing(8)
        self.label = QLabel(SAMPLE_TEXT)
        self.label.setObjectName("sampleText")
        self.label.setToolTip(SAMPLE_TIP)
        self.label.setStyleSheet(f"color: {INK};")
        self.label.setMinimumWidth(60)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.new_button = QPushButton("New Inspection…")
        self.new_button.setObjectName("sampleNewInspection")
        self.new_button.clicked.connect(lambda: new_inspection())
        self.open_button = QPushButton("Open…")
        self.open_button.setObjectName("sampleOpen")
        self.open_button.clicked.connect(lambda: open_file())
        self.close_button = QToolButton()
        self.close_button.setObjectName("sampleClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this message")
        self.close_button.setAccessibleName("Hide the sample message")
        self.close_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        for button in (self.new_button, self.open_button):
            button.setAutoDefault(False)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.new_button)
        layout.addWidget(self.open_button)
        layout.addWidget(self.close_button)
        self.addWidget(frame)


class WhoAmI(QWidget):
    """The status bar's "You are Alison Whitcombe, lead — Change…"."""

    def __init__(self, change: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("whoAmI")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.label = QLabel("")
        self.label.setObjectName("whoAmIText")
        self.change_button = QToolButton()
        self.change_button.setObjectName("whoAmIChange")
        self.change_button.setText("Change…")
        self.change_button.setAutoRaise(True)
        self.change_button.setToolTip("Choose who the notes you write are recorded as")
        self.change_button.clicked.connect(lambda: change())
        layout.addWidget(self.label)
        layout.addWidget(self.change_button)

    @property
    def text(self) -> str:
        return self.label.text()

    def show_me(self, me: Inspector | None, *, can_change: bool) -> None:
        self.label.setText(who_text(me) + " —")
        self.change_button.setEnabled(can_change)
        self.setVisible(True)


class Bearings(QObject):
    """The sample banner and the status bar's "You are…", installed on one window."""

    def __init__(self, host: Shell, *, new_inspection: Callable[[], object],
                 open_file: Callable[[], object]) -> None:
        window = host.window()
        super().__init__(window)
        self.host = host
        self.banner = SampleBanner(new_inspection, open_file, window)
        self.banner.close_button.clicked.connect(self.close_banner)
        if isinstance(window, QMainWindow):
            window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
            window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.banner.hide()
        self.who = WhoAmI(lambda: host.choose_identity(), window)
        self.who.hide()
        host.add_status_widget(self.who)
        host.session_opened.connect(self.update)
        host.overview_applied.connect(self.update)
        host.session_closed.connect(self.update)

    def update(self) -> None:
        session, ov = self.host.session, self.host.overview
        closed = self.host.settings.int_value(CLOSED_KEY, 0) == 1
        self.banner.setVisible(session is not None and is_sample(session.path) and not closed)
        if session is None or ov is None:
            self.who.hide()
            return
        self.who.show_me(ov.me, can_change=self.host.writable and bool(ov.inspectors))

    def close_banner(self) -> None:
        self.host.settings.set_value(CLOSED_KEY, 1)
        self.banner.hide()
