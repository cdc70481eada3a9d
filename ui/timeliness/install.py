"""Putting the Timeliness page into the window: a page beside the Evidence and Letter
pages, reached from the View menu (Ctrl+4), kept up to date as the cases change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from ui.fit import fit_timeliness
from ui.timeliness.page import TimelinessView

if TYPE_CHECKING:
    from ui.host import Shell

SHORTCUT = "Ctrl+4"


class TimelinessPage:
    """The page as installed on one window."""

    def __init__(self, host: Shell) -> None:
        self.host = host
        self.view = TimelinessView(host)
        fit_timeliness(self.view)  # small screens: see ui/fit.py
        self.show_action = QAction("&Timeliness", self.view)
        self.show_action.setObjectName("showTimeliness")
        self.show_action.setShortcut(QKeySequence(SHORTCUT))
        self.show_action.setStatusTip("Timeliness from the case records: working days, the "
                                      "national rule and the authority's own figure")
        self.show_action.triggered.connect(lambda _c=False: self.show())
        host.add_page(self.view, "Timeliness",
                      tip="Timeliness from the case records, beside the authority's reported "
                          f"figure ({SHORTCUT})", action=self.show_action)
        host.session_opened.connect(self.view.session_opened)
        host.session_closed.connect(self.session_closed)
        host.changes_applied.connect(self.view.on_changes)
        host.overview_applied.connect(self.view.overview_applied)
        if host.session is not None:
            self.view.session_opened()

    def show(self) -> None:
        self.host.show_page(self.view)
        self.view.figures.setFocus()

    def session_closed(self) -> None:
        self.view.clear()


def install_timeliness(host: Shell) -> TimelinessPage:
    """Add the Timeliness page and its View menu entry to the window."""
    return TimelinessPage(host)


__all__ = ["TimelinessPage", "install_timeliness"]
