"""The worker: results come back on the GUI thread, errors go to the failure callback."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

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


def test_the_letter_s_lane_never_holds_up_the_worker(tasks: Any, qtbot: Any) -> None:
    """Compiling a big letter must not delay a note being saved."""
    from ui.operations import LETTER

    release = threading.Event()
    saved: list[str] = []
    compiled: list[str] = []
    Op(None, lambda: release.wait(10)).success(lambda _r: compiled.append("letter")) \
        .run_in_background(tasks, lane=LETTER)
    Op(None, lambda: "note").success(saved.append).run_in_background(tasks)
    qtbot.waitUntil(lambda: saved == ["note"], timeout=3000)
    assert compiled == [] and not tasks.idle and tasks.lane_idle("worker")
    release.set()
    qtbot.waitUntil(lambda: tasks.idle)
    assert compiled == ["letter"]


def test_shutdown_finishes_queued_writes_and_drops_queued_renders(qtbot: Any) -> None:
    from ui.operations import LETTER

    tasks = TaskManager()
    release = threading.Event()
    ran: list[str] = []
    tasks.run(lambda: release.wait(10), lambda _f: None, lane=LETTER)
    tasks.run(lambda: ran.append("render"), lambda _f: None, lane=LETTER)
    tasks.run(lambda: (time.sleep(0.1), ran.append("write")), lambda _f: None)
    release.set()
    tasks.shutdown()
    assert "write" in ran and "render" not in ran
    done: list[int] = []
    tasks.run(lambda: done.append(1), lambda _f: None)  # closed: nothing runs
    assert done == []


def test_shutdown_never_waits_for_the_team_folder_s_lane(qtbot: Any) -> None:
    """A sync stuck on a network share that has gone quiet must not keep the app from
    closing: that lane's thread is a daemon, not waited for; its queued work is dropped."""
    from ui.operations import TEAM_FOLDER

    tasks = TaskManager()
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []
    called: list[str] = []
    threads: list[threading.Thread] = []
    tasks.run(lambda: (threads.append(threading.current_thread()), started.set(),
                       release.wait(30)),
              lambda _f: called.append("stuck"), lane=TEAM_FOLDER)
    tasks.run(lambda: ran.append("queued"), lambda _f: called.append("queued"),
              lane=TEAM_FOLDER)
    assert started.wait(5)
    (thread,) = threads
    assert thread.daemon and thread.name == "fieldwork-team-folder"
    tasks.shutdown()
    assert thread.is_alive() and not release.is_set()  # returned with the job still stuck
    release.set()
    thread.join(5)
    QCoreApplication.processEvents()  # a late callback would be delivered now
    assert ran == [] and called == [] and not thread.is_alive()


def test_a_core_op_s_result_may_carry_its_changes() -> None:
    from dataclasses import dataclass

    from fieldwork.model import Changes
    from ui.operations import changes_of

    @dataclass
    class Outcome:
        changes: Changes
        added: int

    assert changes_of(Outcome(Changes.all(), 3)) == Changes.all()
    assert changes_of(Changes(inspection=True)) == Changes(inspection=True)


def test_a_refused_core_op_calls_back_and_shows_the_error_only_when_asked(
        errors_shown: list[tuple[str, str]]) -> None:
    from fieldwork.model import Changes
    from ui.operations import CoreOp

    err = FileLocked("f.fieldwork: the file is locked by another program; try again")
    heard: list[str] = []
    def nothing(_store: Any) -> Changes:
        return Changes()

    CoreOp(None, nothing).failure(lambda e: heard.append("handled")).failed(err, None)
    assert heard == ["handled"] and errors_shown == []
    CoreOp(None, nothing).failure(lambda e: heard.append("and shown"),
                                  show_error=True).failed(err, None)
    assert heard == ["handled", "and shown"] and len(errors_shown) == 1
    CoreOp(None, nothing).failed(err, None)
    assert len(errors_shown) == 2
