"""The app's lock on an inspection file: one writer, told who has it, stale after a crash."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork import lock
from fieldwork.errors import FileLocked, NotAnInspection, ReadOnly
from fieldwork.store import Store
from tests.helpers import holder as holder_process


@pytest.fixture
def inspection(tmp_path: Path) -> Path:
    path = tmp_path / "bromley-2009.fieldwork"
    Store.create(path).close()
    return path


def test_acquire_writes_who_holds_it_and_release_removes_it(inspection: Path) -> None:
    held = lock.acquire(inspection, person="Alison Whitcombe")
    target = inspection.with_name(".bromley-2009.fieldwork.lock")
    assert held.lock_file == target == lock.lock_path(inspection)
    data = json.loads(target.read_text())
    assert data["format"] == "fieldwork-lock"
    assert data["person"] == "Alison Whitcombe"
    assert data["host"] == socket.gethostname()
    assert data["pid"] == os.getpid()
    assert data["app"] == "Fieldwork" and data["version"]
    assert data["user"]
    assert data["since"].startswith(time.strftime("%Y-%m-%d"))
    assert lock.is_locked_here(inspection)
    held.release()
    assert not target.exists()
    assert not lock.is_locked_here(inspection)
    held.release()  # twice is harmless
    with lock.acquire(inspection):  # and it can be taken again
        assert target.exists()
    assert not target.exists()


def test_the_lock_file_is_owner_only_whatever_the_umask(inspection: Path) -> None:
    old = os.umask(0)
    try:
        with lock.acquire(inspection) as held:
            assert stat.S_IMODE(held.lock_file.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_the_person_can_be_named_once_known(inspection: Path) -> None:
    with lock.acquire(inspection) as held:
        held.set_person("Derek Osei")
        assert json.loads(held.lock_file.read_text())["person"] == "Derek Osei"
        assert held.holder.person == "Derek Osei"


def test_a_second_acquire_in_this_process_is_refused(inspection: Path) -> None:
    with lock.acquire(inspection, person="Alison Whitcombe"):
        with pytest.raises(lock.AlreadyOpen) as caught:
            lock.acquire(inspection)
        # Also through another spelling of the same path.
        with pytest.raises(lock.AlreadyOpen):
            lock.acquire(inspection.parent / "." / inspection.name)
    err = caught.value
    assert isinstance(err, FileLocked)
    assert err.holder is not None and err.holder.here
    assert str(err).startswith("bromley-2009.fieldwork is already open in another window")


def test_a_link_to_the_file_elsewhere_shares_its_lock(inspection: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "links"
    elsewhere.mkdir()
    link = elsewhere / "mine.fieldwork"
    link.symlink_to(inspection)
    assert lock.lock_path(link) == lock.lock_path(inspection)
    proc = holder_process.start(link)
    try:
        with pytest.raises(lock.AlreadyOpen):
            lock.acquire(inspection)
    finally:
        holder_process.stop(proc)


def test_a_holder_in_another_process_is_named_with_its_machine(inspection: Path) -> None:
    proc = holder_process.start(inspection, "Derek Osei")
    try:
        with pytest.raises(lock.AlreadyOpen) as caught:
            lock.acquire(inspection)
        who = caught.value.holder
        assert who is not None
        assert (who.person, who.pid, who.host) == ("Derek Osei", proc.pid, socket.gethostname())
        message = str(caught.value)
        assert re.fullmatch(
            f"bromley-2009.fieldwork is open in Fieldwork by Derek Osei \\({who.user}\\) "
            f"on {re.escape(socket.gethostname())} since \\d\\d:\\d\\d", message), message
        assert lock.holder_of(inspection) == who
        assert not lock.is_locked_here(inspection)
    finally:
        holder_process.stop(proc)
    # Closed there: it can be taken here.
    with lock.acquire(inspection):
        pass


def test_a_holder_killed_leaves_a_stale_lock_that_the_next_acquire_clears(
    inspection: Path,
) -> None:
    proc = holder_process.start(inspection, "Derek Osei")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdout.close()
    proc.stdin.close()
    stale = lock.holder_of(inspection)
    assert stale is not None and stale.pid == proc.pid  # the crash left its record
    with lock.acquire(inspection, person="Alison Whitcombe") as held:
        assert lock.holder_of(inspection) == held.holder
        assert held.holder.pid == os.getpid()


def test_the_inspection_file_itself_is_never_opened(
    inspection: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Closing any descriptor of the database file drops the process's SQLite locks."""
    opened: list[str] = []
    real_open = os.open

    def recording_open(path: object, *args: object, **kwargs: object) -> int:
        opened.append(os.fspath(path))  # type: ignore[arg-type]
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", recording_open)
    store = Store.open(inspection)
    try:
        opened.clear()
        with lock.acquire(inspection) as held:
            held.set_person("Alison Whitcombe")
            with pytest.raises(lock.AlreadyOpen):
                lock.acquire(inspection)
        proc = holder_process.start(inspection)
        try:
            with pytest.raises(lock.AlreadyOpen):
                lock.acquire(inspection)
        finally:
            holder_process.stop(proc)
    finally:
        store.close()
    assert opened and all(Path(p).name == ".bromley-2009.fieldwork.lock" for p in opened)


def test_only_one_of_many_processes_holds_the_lock_at_a_time(inspection: Path) -> None:
    """Processes that take and release the lock in a tight loop never overlap."""
    script = (
        "import sys, time\n"
        "from fieldwork import lock\n"
        "path, log, n = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
        "done = 0\n"
        "while done < n:\n"
        "    try:\n"
        "        held = lock.acquire(path)\n"
        "    except lock.AlreadyOpen:\n"
        "        time.sleep(0.001)\n"
        "        continue\n"
        "    with open(log, 'a') as f:\n"
        "        f.write('in\\n'); f.flush(); time.sleep(0.002); f.write('out\\n')\n"
        "    held.release()\n"
        "    done += 1\n"
    )
    log = inspection.with_name("log.txt")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(inspection), str(log), "25"])
             for _ in range(4)]
    for p in procs:
        assert p.wait(timeout=120) == 0
    lines = log.read_text().split()
    assert lines == ["in", "out"] * 100
    assert not lock.lock_path(inspection).exists()


@contextlib.contextmanager
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder with an inspection in it that cannot be written: a read-only mount as root
    (root ignores permission bits), a folder without write permission otherwise."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        Store.create(folder / "x.fieldwork").close()
        folder.chmod(0o555)
        try:
            yield folder / "x.fieldwork"
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        Store.create(folder / "x.fieldwork").close()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder / "x.fieldwork"
    finally:
        for _ in range(50):
            if subprocess.run(["umount", str(folder)], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)


def test_a_read_only_folder_cannot_be_locked_and_says_why(tmp_path: Path) -> None:
    with read_only_folder(tmp_path) as path:
        with pytest.raises(lock.LockUnavailable) as caught:
            lock.acquire(path)
        assert isinstance(caught.value, ReadOnly)
        assert caught.value.reason in ("the file is on a read-only disk",
                                       "the file's folder cannot be written (permission denied)")
        assert not lock.is_locked_here(path)
        assert not lock.lock_path(path).exists()


def test_a_missing_folder_is_not_an_inspection(tmp_path: Path) -> None:
    with pytest.raises(NotAnInspection):
        lock.acquire(tmp_path / "nowhere" / "x.fieldwork")


def test_a_hostile_lock_file_is_read_as_a_plain_one_line_name(inspection: Path) -> None:
    target = lock.lock_path(inspection)
    target.write_text(json.dumps({
        "format": "fieldwork-lock", "person": "Eve\x1b[2J\nEvil" + "x" * 5000,
        "user": ["not", "a", "string"], "host": "HOST\r\n", "pid": True, "since": "yesterday",
    }))
    who = lock.holder_of(inspection)
    assert who is not None
    assert who.person.startswith("Eve [2J Evil") and len(who.person) <= lock.MAX_FIELD
    assert (who.user, who.host, who.pid, who.since_text) == ("", "HOST", 0, "")
    for raw in (b"", b"\xff\xfe", b"[" * 100000, b'{"format": "other"}', b"null"):
        target.write_bytes(raw)
        assert lock.holder_of(inspection) is None
    # Whatever it says, a lock file nobody holds is stale.
    with lock.acquire(inspection) as held:
        assert lock.holder_of(inspection) == held.holder


# ------------------------------------------------------------------ without fcntl
@pytest.fixture
def without_fcntl(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Windows way: exclusive creation and a process check."""
    monkeypatch.setattr(lock, "USE_FCNTL", False)


def write_record(path: Path, **fields: object) -> None:
    record = {"format": "fieldwork-lock", "person": "Derek Osei", "user": "derek",
              "host": socket.gethostname(), "pid": 1, "since": "2026-03-02T10:42:00+00:00"}
    record.update(fields)
    lock.lock_path(path).write_text(json.dumps(record))


@pytest.mark.usefixtures("without_fcntl")
def test_without_fcntl_a_live_holder_here_or_any_holder_elsewhere_is_respected(
    inspection: Path,
) -> None:
    write_record(inspection, pid=os.getppid())
    with pytest.raises(lock.AlreadyOpen, match="by Derek Osei \\(derek\\) on "):
        lock.acquire(inspection)
    write_record(inspection, pid=2**30, host="LAPTOP-3")  # cannot be checked from here
    with pytest.raises(lock.AlreadyOpen, match="on LAPTOP-3 since 2 Mar"):
        lock.acquire(inspection)


@pytest.mark.usefixtures("without_fcntl")
def test_without_fcntl_a_dead_holder_is_stale(inspection: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    write_record(inspection, pid=proc.pid)
    with lock.acquire(inspection) as held:
        assert held.holder.pid == os.getpid()
        with pytest.raises(lock.AlreadyOpen):
            lock.acquire(inspection)
        assert stat.S_IMODE(held.lock_file.stat().st_mode) == 0o600
    assert not lock.lock_path(inspection).exists()


@pytest.mark.usefixtures("without_fcntl")
def test_without_fcntl_an_unreadable_record_is_stale_only_once_old(inspection: Path) -> None:
    target = lock.lock_path(inspection)
    target.write_bytes(b"")
    with pytest.raises(lock.AlreadyOpen, match="another Fieldwork window"):
        lock.acquire(inspection)
    old = time.time() - 60
    os.utime(target, (old, old))
    with lock.acquire(inspection):
        pass


def test_pid_alive() -> None:
    assert lock.pid_alive(os.getpid())
    assert not lock.pid_alive(0)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not lock.pid_alive(proc.pid)
