"""The worker: results come back on the GUI thread, errors go to the failure callback."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from fieldwork.errors import FileLocked
from ui.operations import Op, TaskManager


@pytest.fixture
def tasks(qtbot: Any) -> Any:
    t = TaskManager()
    yield t
    t.shutdown()


def test_success_runs_on_the_gui_thread(tasks: Any, qtbot: Any) -> None:
    seen: list[tuple[int, bool]] = []
    worker: list[bool] = []

    def work() -> int:
        worker.append(threading.current_thread() is threading.main_thread())
        return 42

    Op(None, work).success(
        lambda v: seen.append((v, threading.current_thread() is threading.main_thread()))
    ).run_in_background(tasks)
    qtbot.waitUntil(lambda: tasks.idle)
    assert worker == [False]
    assert seen == [(42, True)]


def test_an_expected_error_goes_to_the_failure_callback(tasks: Any, qtbot: Any) -> None:
    failures: list[str] = []

    def work() -> None:
        raise FileLocked("f.fieldwork: the file is locked by another program; try again")

    Op(None, work).failure(lambda e: failures.append(type(e).__name__)) \
        .run_in_background(tasks)
    qtbot.waitUntil(lambda: tasks.idle)
    assert failures == ["FileLocked"]


def test_an_expected_error_without_a_callback_shows_a_dialog(
    tasks: Any, qtbot: Any, errors_shown: list[tuple[str, str]]
) -> None:
    def work() -> None:
        raise FileLocked("f.fieldwork: the file is locked by another program; try again")

    Op(None, work).run_in_background(tasks)
    qtbot.waitUntil(lambda: tasks.idle)
    assert errors_shown[0][0] == "The inspection file is locked"
    assert "Nothing you typed has been lost" in errors_shown[0][1]


def test_work_that_takes_a_moment_shows_progress(tasks: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(tasks.busy_changed, timeout=3000,
                          check_params_cb=lambda on, label: on and label == "Merging…"):
        tasks.run(lambda: time.sleep(0.6), lambda _f: None, label="Merging…")
    with qtbot.waitSignal(tasks.busy_changed, timeout=3000,
                          check_params_cb=lambda on, label: not on):
        pass
    assert tasks.idle


def test_one_worker_runs_operations_in_order(tasks: Any, qtbot: Any) -> None:
    order: list[int] = []
    for i in range(5):
        tasks.run(lambda i=i: (time.sleep(0.01 * (5 - i)), order.append(i)), lambda _f: None)
    qtbot.waitUntil(lambda: tasks.idle)
    assert order == [0, 1, 2, 3, 4]
