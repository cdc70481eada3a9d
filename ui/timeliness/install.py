"""Putting the Timeliness page into the main window: a page beside the Evidence and Letter
pages, reached from the View menu (Ctrl+4), kept up to date as the cases change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QTabWidget

from ui.timeliness.page import TimelinessView

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow

SHORTCUT = "Ctrl+4"


class TimelinessPage:
    """The page as installed on one main window (after the Letter page, whose tabs it
    joins)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.view = TimelinessView(window)
        pages = window.letter.pages if window.letter is not None else None
        if not isinstance(pages, QTabWidget):
            raise RuntimeError("the Timeliness page goes beside the Letter page: install that "
                               "first")
        self.pages = pages
        self.index = pages.addTab(self.view, "Timeliness")
        pages.setTabToolTip(self.index, "Timeliness from the case records, beside the "
                                        f"authority's reported figure ({SHORTCUT})")

        self.show_action = QAction("&Timeliness", window)
        self.show_action.setObjectName("showTimeliness")
        self.show_action.setShortcut(QKeySequence(SHORTCUT))
        self.show_action.setStatusTip("Timeliness from the case records: working days, the "
                                      "national rule and the authority's own figure")
        self.show_action.triggered.connect(lambda _c=False: self.show())
        window.addAction(self.show_action)
        bar = window.menuBar()
        view = next((a for a in bar.actions() if a.text().replace("&", "") == "View"), None)
        view_menu = view.menu() if view is not None else None
        if isinstance(view_menu, QMenu):
            view_menu.addAction(self.show_action)

        window.session_opened.connect(self.view.session_opened)
        window.changes_applied.connect(self.view.on_changes)
        window.overview_applied.connect(self.view.overview_applied)

    def show(self) -> None:
        self.pages.setCurrentIndex(self.index)
        self.view.figures.setFocus()

    def session_closed(self) -> None:
        self.view.clear()


def install_timeliness(window: MainWindow) -> TimelinessPage:
    """Add the Timeliness page and its View menu entry to ``window``."""
    return TimelinessPage(window)


__all__ = ["TimelinessPage", "install_timeliness"]
