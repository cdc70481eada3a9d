"""Background operations: one worker thread, results signalled back to the GUI thread.

Like anki's ``CollectionOp``: a widget builds an :class:`Op` from a function that does the
work, adds success and failure callbacks, and starts it with :meth:`Op.run_in_background`.
The function runs on the single worker thread (so the writer store is only ever used from
there, one call at a time); the callbacks run on the GUI thread.

Expected errors (:class:`fieldwork.errors.FieldworkError`) go to the failure callback, or to
:func:`ui.errors.show_error` when there is none. Anything else is a bug and is re-raised on
the GUI thread, where the application's exception hook reports it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from fieldwork.errors import FieldworkError

T = TypeVar("T")

#: An operation slower than this shows the busy indicator.
PROGRESS_DELAY_MS = 300


class TaskManager(QObject):
    """The single worker thread.

    Signals:
        busy_changed(bool, str): work has gone on for more than a moment (with what it
            is), or all work has finished.
        _finished(object): internal; carries a callback from the worker to the GUI thread.
        _quiet(object): the same, for work that is not counted (see :meth:`run_quietly`).
    """

    busy_changed = Signal(bool, str)
    _finished = Signal(object)
    _quiet = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldwork-worker")
        self._pending = 0
        self._lock = threading.Lock()
        self._finished.connect(self._on_finished)
        self._quiet.connect(lambda callback: callback())
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.timeout.connect(self._show_busy)
        self._busy_label = ""
        self._busy_shown = False
        self._closed = False

    # ------------------------------------------------------------------ running
    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[Future[T]], None],
        *,
        label: str = "",
    ) -> None:
        """Run ``fn`` on the worker; ``on_done(future)`` is then called on the GUI thread."""
        if self._closed:
            return
        self._pending += 1
        if label:
            self._busy_label = label
        if not self._busy_timer.isActive() and not self._busy_shown:
            self._busy_timer.start(PROGRESS_DELAY_MS)
        future = self._executor.submit(fn)
        future.add_done_callback(lambda f: self._finished.emit(lambda: on_done(f)))

    def run_quietly(self, fn: Callable[[], T], on_done: Callable[[Future[T]], None]) -> None:
        """Run a moment's work on the worker without counting it: it never shows the busy
        indicator nor makes the worker look busy (:attr:`idle`). For polling."""
        if self._closed:
            return
        future = self._executor.submit(fn)
        future.add_done_callback(lambda f: self._quiet.emit(lambda: on_done(f)))

    def run_sync(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the worker and wait for it (shutdown and tests only)."""
        return self._executor.submit(fn).result()

    def _on_finished(self, callback: Callable[[], None]) -> None:
        self._pending -= 1
        if self._pending == 0:
            self._busy_timer.stop()
            if self._busy_shown:
                self._busy_shown = False
                self.busy_changed.emit(False, "")
            self._busy_label = ""
        callback()

    def _show_busy(self) -> None:
        if self._pending:
            self._busy_shown = True
            self.busy_changed.emit(True, self._busy_label or "Working…")

    @property
    def idle(self) -> bool:
        """No operation is queued, running, or waiting for its callback."""
        return self._pending == 0

    def shutdown(self) -> None:
        """Finish the queued work (writes included) and stop the worker."""
        self._closed = True
        self._busy_timer.stop()
        self._executor.shutdown(wait=True)


class Op(Generic[T]):
    """One user action's work, run on the worker thread.

    ``Op(parent, fn).success(cb).failure(cb).run_in_background(tasks)``
    """

    def __init__(self, parent: QWidget | None, fn: Callable[[], T], *, label: str = "") -> None:
        self._parent = parent
        self._fn = fn
        self._label = label
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[FieldworkError], Any] | None = None
        self.started_at = 0.0

    def success(self, callback: Callable[[T], Any]) -> Op[T]:
        self._success = callback
        return self

    def failure(self, callback: Callable[[FieldworkError], Any]) -> Op[T]:
        self._failure = callback
        return self

    def run_in_background(self, tasks: TaskManager) -> None:
        self.started_at = time.perf_counter()
        tasks.run(self._fn, self._done, label=self._label)

    def _done(self, future: Future[T]) -> None:
        err = future.exception()
        if err is None:
            if self._success is not None:
                self._success(future.result())
            return
        if isinstance(err, FieldworkError):
            if self._failure is not None:
                self._failure(err)
            else:
                from ui.errors import show_error

                show_error(self._parent, err)
            return
        raise err
