"""Background operations: a few named threads ("lanes"), results signalled back to the GUI
thread.

Like anki's ``CollectionOp``: a widget builds an operation from a function that does the
work, adds success and failure callbacks, and starts it. Callbacks run on the GUI thread.

- :class:`CoreOp` is a change to the open file: ``CoreOp(parent, lambda store: …)`` returns
  the :class:`~fieldwork.model.Changes` the core made (or a result carrying them as
  ``.changes``). The window runs it (``host.run(op)``) on the worker with the writer store,
  then tells every view what changed (``changes_applied(changes, initiator)``).
- :class:`Op` is any other work: a read, a file written elsewhere. It runs on the worker
  (the default lane, so that it sees every write before it) or on another lane.

Each lane is one thread, so its jobs run in the order given. The worker (:data:`WORKER`)
alone owns the writer store; :data:`LETTER` compiles and rasterises the letter and
:data:`EXPORT` prints and writes exports, so that neither ever holds up a note being saved.
:data:`TEAM_FOLDER` reads and writes the team folder, with a connection of its own to the
open file; it may wait on a slow or vanished network share, so its thread is a daemon that
quitting never waits for.

Expected errors (:class:`fieldwork.errors.FieldworkError`) go to the failure callback, or
to :func:`ui.errors.show_error` when there is none. Anything else is a bug and is re-raised
on the GUI thread, where the application's exception hook reports it.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from fieldwork.errors import FieldworkError
from fieldwork.model import Changes

if TYPE_CHECKING:
    from fieldwork.store import Store

T = TypeVar("T")

#: An operation slower than this shows the busy indicator.
PROGRESS_DELAY_MS = 300

#: The store's thread: every write and every long read.
WORKER = "worker"
#: Compiling, rasterising and checking the letter (no store).
LETTER = "letter"
#: Printing and writing exports (no store).
EXPORT = "export"
#: The team folder: looking at it, writing this copy's pack, reading the team's.
TEAM_FOLDER = "team-folder"
#: Lanes whose work may hang on a network share: a daemon thread, never waited for.
_DETACHED = frozenset({TEAM_FOLDER})


class _Executor(Protocol):
    def submit(self, fn: Callable[[], T], /) -> Future[T]: ...

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...


class _DetachedExecutor:
    """One daemon thread running its jobs in order. Unlike a ThreadPoolExecutor's, it is
    not joined when the app quits, so a job stuck on a vanished share cannot hold it up."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = \
            queue.SimpleQueue()
        threading.Thread(target=self._run, daemon=True, name=name).start()

    def submit(self, fn: Callable[[], T], /) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((future, fn))
        return future

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, fn = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except BaseException as err:
                future.set_exception(err)
            else:
                future.set_result(result)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop after the running job; queued ones are cancelled (``wait`` is ignored:
        nothing waits for this thread)."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[0].cancel()
        self._jobs.put(None)


@dataclass
class _Lane:
    executor: _Executor
    #: On shutdown, queued jobs are dropped and callbacks not yet run are skipped (the
    #: worker instead finishes every queued write).
    drop_on_shutdown: bool
    pending: int = 0
    closed: bool = False


class TaskManager(QObject):
    """The app's background threads: the worker and the letter's lanes.

    Signals:
        busy_changed(bool, str): the worker's work has gone on for more than a moment
            (with what it is), or it has all finished.
        _finished(object): internal; carries a callback from a lane to the GUI thread.
        _quiet(object): the same, for work that is not counted (see :meth:`run_quietly`).
    """

    busy_changed = Signal(bool, str)
    _finished = Signal(object)
    _quiet = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes: dict[str, _Lane] = {}
        self._finished.connect(self._on_finished)
        self._quiet.connect(lambda callback: callback())
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.timeout.connect(self._show_busy)
        self._busy_label = ""
        self._busy_shown = False
        self._closed = False

    def _lane(self, name: str) -> _Lane:
        lane = self._lanes.get(name)
        if lane is None:
            executor: _Executor = (
                _DetachedExecutor(f"fieldwork-{name}") if name in _DETACHED else
                ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"fieldwork-{name}"))
            lane = self._lanes[name] = _Lane(executor, drop_on_shutdown=name != WORKER)
        return lane

    # ------------------------------------------------------------------ running
    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[Future[T]], None],
        *,
        label: str = "",
        lane: str = WORKER,
    ) -> None:
        """Run ``fn`` on ``lane``; ``on_done(future)`` is then called on the GUI thread.

        Work on the worker that takes more than a moment shows the busy indicator, with
        ``label``; the other lanes' work never does.
        """
        if self._closed:
            return
        target = self._lane(lane)
        target.pending += 1
        if lane == WORKER:
            if label:
                self._busy_label = label
            if not self._busy_timer.isActive() and not self._busy_shown:
                self._busy_timer.start(PROGRESS_DELAY_MS)
        future = target.executor.submit(fn)
        future.add_done_callback(lambda f: self._deliver((target, lambda: on_done(f))))

    def run_quietly(self, fn: Callable[[], T], on_done: Callable[[Future[T]], None]) -> None:
        """Run a moment's work on the worker without counting it: it never shows the busy
        indicator nor makes the worker look busy (:attr:`idle`). For polling."""
        if self._closed:
            return
        future = self._lane(WORKER).executor.submit(fn)
        future.add_done_callback(lambda f: self._quiet.emit(lambda: on_done(f)))

    def _deliver(self, item: tuple[_Lane, Callable[[], None]]) -> None:
        """Send a finished job's callback to the GUI thread (from the lane's thread)."""
        try:
            self._finished.emit(item)
        except RuntimeError:  # the window has gone: a detached lane's job ended after it
            pass

    def _on_finished(self, item: tuple[_Lane, Callable[[], None]]) -> None:
        lane, callback = item
        lane.pending -= 1
        worker = self._lanes.get(WORKER)
        if lane is worker and lane.pending == 0:
            self._busy_timer.stop()
            if self._busy_shown:
                self._busy_shown = False
                self.busy_changed.emit(False, "")
            self._busy_label = ""
        if lane.closed and lane.drop_on_shutdown:
            return
        callback()

    def _show_busy(self) -> None:
        worker = self._lanes.get(WORKER)
        if worker is not None and worker.pending:
            self._busy_shown = True
            self.busy_changed.emit(True, self._busy_label or "Working…")

    @property
    def idle(self) -> bool:
        """No operation on any lane is queued, running, or waiting for its callback."""
        return all(lane.pending == 0 for lane in self._lanes.values())

    def lane_idle(self, lane: str) -> bool:
        """Nothing on ``lane`` is queued, running, or waiting for its callback."""
        found = self._lanes.get(lane)
        return found is None or found.pending == 0

    def shutdown(self) -> None:
        """Finish the worker's queued work (writes included), let the other lanes' running
        jobs finish and drop their queued ones, and stop every thread."""
        self._closed = True
        self._busy_timer.stop()
        for lane in self._lanes.values():
            lane.closed = True
        for lane in self._lanes.values():
            lane.executor.shutdown(wait=True, cancel_futures=lane.drop_on_shutdown)


def _show(parent: QWidget | None, err: FieldworkError) -> None:
    from ui.errors import show_error

    show_error(parent, err)


class Op(Generic[T]):
    """One piece of background work that changes nothing in the open file.

    ``Op(parent, fn).success(cb).failure(cb).run_in_background(tasks)``
    """

    def __init__(self, parent: QObject | None, fn: Callable[[], T], *, label: str = "") -> None:
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

    def run_in_background(self, tasks: TaskManager, *, lane: str = WORKER) -> None:
        self.started_at = time.perf_counter()
        tasks.run(self._fn, self._done, label=self._label, lane=lane)

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
                _show(self._parent if isinstance(self._parent, QWidget) else None, err)
            return
        raise err


class HasChanges(Protocol):
    """A write's result that carries what it changed (a merge's outcome, say)."""

    @property
    def changes(self) -> Changes: ...


R = TypeVar("R", bound="Changes | HasChanges")


def changes_of(result: Changes | HasChanges) -> Changes:
    """The Changes a :class:`CoreOp`'s function returned, or that its result carries."""
    return result if isinstance(result, Changes) else result.changes


class CoreOp(Generic[R]):
    """One change to the open file: ``fn(writer store)`` on the worker, returning the
    :class:`~fieldwork.model.Changes` the core made (or a result with ``.changes``).

    Run it with the window's ``run(op)``; the views then hear ``changes_applied(changes,
    initiator)``, where ``initiator`` is ``parent`` (so a view can tell its own change).
    ``shows_saving`` says the status bar shows "Saving…" while it runs and "Not saved" if
    it fails (an edit of the user's), rather than leaving it alone (a merge, an issue).
    """

    def __init__(self, parent: QObject | None, fn: Callable[[Store], R], *, label: str = "",
                 shows_saving: bool = True) -> None:
        self.initiator = parent
        self.fn = fn
        self.label = label
        self.shows_saving = shows_saving
        self._success: list[Callable[[R], Any]] = []
        self._failure: list[Callable[[FieldworkError], Any]] = []
        self._show_error = True

    def success(self, callback: Callable[[R], Any]) -> CoreOp[R]:
        """``callback(result)`` once the views have been told what changed."""
        self._success.append(callback)
        return self

    def failure(self, callback: Callable[[FieldworkError], Any], *,
                show_error: bool = False) -> CoreOp[R]:
        """``callback(err)`` when the core refuses; the error dialog is then shown only if
        ``show_error`` (here or for another failure callback)."""
        if not self._failure:
            self._show_error = False
        self._failure.append(callback)
        self._show_error = self._show_error or show_error
        return self

    def succeeded(self, result: R) -> None:
        """Call the success callbacks (the runner does, after the views have caught up)."""
        for callback in self._success:
            callback(result)

    def failed(self, err: FieldworkError, parent: QWidget | None) -> None:
        """Call the failure callbacks and show the error unless they do (the runner does)."""
        for callback in self._failure:
            callback(err)
        if self._show_error:
            _show(parent, err)
