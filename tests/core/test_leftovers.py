"""Leftovers: hidden work files of killed commands go the next time Fieldwork writes in
their folder; a live process's work files, and lock files, are never touched; a command
that ends (normally, with an error, or with Ctrl-C) leaves none behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldwork import files
from fieldwork.cli import main
from fieldwork.store import Store
from tests.conftest import REPO, SAMPLE

DAY = 24 * 3600


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def work_file(folder: Path, name: str, kind: str, *, pid: int, host: str = files.HOST_TAG,
              age: float = 0.0, sidecars: tuple[str, ...] = ()) -> Path:
    path = folder / f".{name}.{host}-{pid}-0123abcd.{kind}"
    for suffix in ("", *sidecars):
        Path(f"{path}{suffix}").write_bytes(b"decrypted evidence")
        if age:
            then = time.time() - age
            os.utime(f"{path}{suffix}", (then, then))
    return path


def test_work_path_names_its_maker(tmp_path: Path) -> None:
    path = files.work_path(tmp_path / "x.fieldwork", "joining")
    assert path.parent == tmp_path
    assert path.name.startswith(f".x.fieldwork.{files.HOST_TAG}-{os.getpid()}-")
    assert path.name.endswith(".joining")
    with pytest.raises(ValueError):
        files.work_path(tmp_path / "x.fieldwork", "lock")


def test_sweep_removes_only_what_dead_processes_left(
    tmp_path: Path, dead_pid: int, live_pid: int
) -> None:
    kept = [
        work_file(tmp_path, "a.fieldwork", "importing", pid=live_pid),  # a live import
        work_file(tmp_path, "a.fieldwork", "joining", pid=os.getpid()),  # ours
        work_file(tmp_path, "a.fieldwork", "tmp", pid=dead_pid, host="0badc0de"),  # young
        tmp_path / ".a.fieldwork.lock",  # the app's lock: never touched, however old
        tmp_path / ".a.fieldwork.0123abcd.joining",  # an older Fieldwork's, young
        tmp_path / ".bashrc",
        tmp_path / "a.fieldwork",
    ]
    gone = [
        work_file(tmp_path, "a.fieldwork", "joining", pid=dead_pid, sidecars=("-wal", "-shm")),
        work_file(tmp_path, "b.fwpack", "tmp", pid=dead_pid),
        work_file(tmp_path, "a.fieldwork", "index", pid=dead_pid),
        work_file(tmp_path, "a.fieldwork", "copying", pid=dead_pid, host="0badc0de",
                  age=2 * DAY),
        tmp_path / ".a.fieldwork.89abcdef.importing",  # an older Fieldwork's, a day old
    ]
    for path in kept[3:] + gone[4:]:
        path.write_text("x")
    for path in (kept[3], gone[4]):
        os.utime(path, (time.time() - 2 * DAY, time.time() - 2 * DAY))
    removed = files.sweep(tmp_path)
    assert hidden(tmp_path) == sorted(p.name for p in kept if p.name.startswith("."))
    assert {p.name for p in removed} >= {p.name for p in gone}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_reused_pid_does_not_keep_a_work_file(tmp_path: Path, live_pid: int) -> None:
    """The pid is alive, but its process started after the file was written: not its maker."""
    path = work_file(tmp_path, "a.fieldwork", "importing", pid=live_pid, age=3600)
    files.sweep(tmp_path)
    assert not path.exists()


def test_opening_creating_or_writing_in_a_folder_sweeps_it(
    tmp_path: Path, dead_pid: int, live_pid: int, capsys: pytest.CaptureFixture[str]
) -> None:
    inspection = tmp_path / "x.fieldwork"
    Store.create(inspection).close()
    for action in (
        lambda: Store.open(inspection).close(),
        lambda: Store.create(tmp_path / f"new{time.monotonic_ns()}.fieldwork").close(),
        lambda: main(["export", str(inspection), "-o", str(tmp_path / "x.json")]),
        lambda: main(["import", str(tmp_path / f"i{time.monotonic_ns()}.fieldwork"),
                      str(SAMPLE)]),
    ):
        stale = work_file(tmp_path, "x.fieldwork", "joining", pid=dead_pid)
        live = work_file(tmp_path, "x.fieldwork", "importing", pid=live_pid)
        action()
        assert not stale.exists() and live.exists()
        live.unlink()
    capsys.readouterr()
    assert hidden(tmp_path) == []


def big_document(count: int) -> dict[str, Any]:
    doc = json.loads(SAMPLE.read_text())
    author = doc["inspectors"][0]["id"]
    doc["notes"] += [
        {"id": f"bulk-{i}", "author": author, "source": "case-record",
         "observed_at": "2009-06-24T10:00", "text": f"Bulk note {i} about strategy " * 4}
        for i in range(count)
    ]
    return doc


@pytest.fixture(scope="module")
def big_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.json"
    path.write_text(json.dumps(big_document(40000)))
    return path


def start_import(target: Path, source: Path) -> subprocess.Popen[str]:
    """``fieldwork import`` in its own session (so a signal to its group is a Ctrl-C), once
    its work file has appeared."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fieldwork", "import", str(target), str(source)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not any(p.name.endswith(".importing") for p in target.parent.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.01)
    time.sleep(0.2)  # well into it: rows going in, the index worker busy
    return proc


@pytest.mark.slow
def test_a_killed_import_leaves_work_files_that_the_next_command_removes(
    tmp_path: Path, big_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    proc = start_import(folder / "big.fieldwork", big_json)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert hidden(folder)  # what a killed import leaves
    assert not (folder / "big.fieldwork").exists()
    time.sleep(0.1)
    Store.create(folder / "other.fieldwork").close()
    assert hidden(folder) == []


@pytest.mark.slow
def test_ctrl_c_during_an_import_leaves_nothing(tmp_path: Path, big_json: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    proc = start_import(folder / "big.fieldwork", big_json)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends to the whole group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and err == "error: interrupted\n"
    assert list(folder.iterdir()) == []


def test_a_failed_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inspection = tmp_path / "x.fieldwork"
    Store.create(inspection).close()

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    assert main(["export", str(inspection), "-o", str(tmp_path / "x.json")]) == 2
    assert capsys.readouterr().err == "error: interrupted\n"
    assert hidden(tmp_path) == [] and not (tmp_path / "x.json").exists()
