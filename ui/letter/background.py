"""A thread for work that needs no store: compiling and rasterising the letter, printing,
the evidence appendix. Results come back on the GUI thread, as with
:class:`~ui.operations.TaskManager`, whose worker stays free for saving notes.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from fieldwork.errors import FieldworkError

T = TypeVar("T")


class Background(QObject):
    """One thread of its own; jobs run in the order given.

    Signals:
        _finished(object): internal; carries a callback from the thread to the GUI thread.
    """

    _finished = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending = 0
        self._closed = False
        self._finished.connect(self._on_finished)

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], Any],
        *,
        on_error: Callable[[FieldworkError], Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``fn()`` on the thread; then ``on_done(result)`` (or ``on_error``) here.

        An expected error without ``on_error`` is shown as a dialog; anything else is a bug
        and is raised on the GUI thread.
        """
        if self._closed:
            return
        self._pending += 1

        def done(future: Future[T]) -> None:
            err = future.exception()
            if err is None:
                on_done(future.result())
            elif isinstance(err, FieldworkError):
                if on_error is not None:
                    on_error(err)
                else:
                    from ui.errors import show_error

                    show_error(parent, err)
            else:
                raise err

        future = self._executor.submit(fn)
        future.add_done_callback(lambda f: self._finished.emit(lambda: done(f)))

    def _on_finished(self, callback: Callable[[], None]) -> None:
        self._pending -= 1
        if not self._closed:
            callback()

    @property
    def idle(self) -> bool:
        """Nothing queued, running, or waiting for its callback."""
        return self._pending == 0

    def shutdown(self) -> None:
        """Let the running job finish, drop the queued ones, and stop the thread."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
