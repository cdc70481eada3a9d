"""Noticing that nobody is using the app: an application-wide event filter that notes the
time of the last key press, click, wheel turn or mouse move in any of its windows, and a
timer that fires when none has come for the configured time (Settings >
``security/idle_lock_seconds``; 0: never).

The filter does the least it can per event (one comparison and a clock read); the timer is
single-shot, set for the moment the time would run out, and set again for the rest when
input came meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

#: Input that counts as someone using the app.
INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    """Emits ``idle()`` after ``seconds()`` without input to the app, while started.

    Signals:
        idle(): nobody has used the app for the configured time.
    """

    idle = Signal()

    def __init__(self, parent: QObject, seconds: Callable[[], float]) -> None:
        super().__init__(parent)
        self._seconds = seconds
        self.last_input = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._check)
        self._filtering = False

    def start(self) -> None:
        """Start (or start again) counting from now."""
        app = QApplication.instance()
        if app is not None and not self._filtering:
            app.installEventFilter(self)
            self._filtering = True
        self.last_input = time.monotonic()
        self._arm()

    def stop(self) -> None:
        self.timer.stop()

    def uninstall(self) -> None:
        self.stop()
        app = QApplication.instance()
        if app is not None and self._filtering:
            app.removeEventFilter(self)
            self._filtering = False

    def _arm(self, remaining: float | None = None) -> None:
        seconds = self._seconds()
        if seconds <= 0:
            self.timer.stop()
            return
        left = seconds if remaining is None else remaining
        self.timer.start(max(10, int(left * 1000)))

    def _check(self) -> None:
        seconds = self._seconds()
        if seconds <= 0:
            return
        left = seconds - (time.monotonic() - self.last_input)
        if left > 0.005:
            self._arm(left)
            return
        self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT:
            self.last_input = time.monotonic()
        return False
