"""Fault suite: a disk that fills up, and a read-only disk (small tmpfs mounts, as root).

Without root these are skipped, and say why; the .ci/run container runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.cli import main
from fieldwork.errors import DiskFull
from fieldwork.store import Store
from fieldwork.store.db import ON_READ_ONLY_DISK
from tests.conftest import REPO
from tests.helpers.mounts import remount_read_only, tmpfs

#: A note written by a process that was then killed: it is only in the write-ahead log.
IN_WAL = "kestrel seen in the log only"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def sound(path: Path) -> set[str]:
    """Open the file, check it and its search index; the ids of its notes."""
    with Store.open(path) as store:
        assert store.integrity_check() == "ok"
        store.index.check()
        return {r[0] for r in store.raw_sql("SELECT id FROM notes WHERE deleted = 0")}


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_loses_nothing_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Evidence read on the file and checked with the manager. " * 20
    with tmpfs(tmp_path / "disk", "2m") as disk:
        path = disk / "full.fieldwork"
        saved: list[str] = []
        store = Store.create(path)
        try:
            store.add_inspector("Tom Team")
            with pytest.raises(DiskFull) as caught:
                for i in range(2000):
                    saved.append(store.add_note(author="Tom Team", source="other",
                                                text=f"{i} {text}").created or "")
        finally:
            store.close()
        assert len(saved) >= 10
        message = str(caught.value)
        assert "\n" not in message and "disk is full" in message
        status, out, err = run(capsys, "note", "add", path, "--author", "Tom Team",
                               "--source", "other", "--text", text)
        assert (status, out) == (2, "")
        assert err.startswith("error: ") and err.count("\n") == 1
        assert "disk is full" in err or "could not be read or written" in err
        assert set(saved) <= sound(path)
        status, out, _ = run(capsys, "search", path, "manager")
        assert status == 0 and "manager" in out
        assert [p.name for p in disk.iterdir() if p.name.startswith(".")] == []


def _crash_after_writing(path: Path) -> None:
    """A process that writes a note and is killed before it closes: the note stays in the
    write-ahead log, with the log and the shared memory left beside the file."""
    code = (
        "import os, sys\n"
        "from fieldwork.store import Store\n"
        "s = Store.open(sys.argv[1])\n"
        f"s.add_note(author=s.inspectors()[0].id, source='observation', text={IN_WAL!r})\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, cwd=REPO)
    assert Path(f"{path}-wal").stat().st_size > 0


@pytest.fixture(scope="module")
def read_only_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A read-only disk holding the sample inspection three ways: closed cleanly; with
    its log and shared memory left by a killed app; with only its log (copied without the
    shared memory, as a copy to a CD might be)."""
    from fieldwork.interchange import import_file
    from tests.conftest import SAMPLE

    work = tmp_path_factory.mktemp("ro-work")
    clean = work / "clean.fieldwork"
    store, _ = import_file(clean, SAMPLE)
    store.add_note(author=store.inspectors()[0].id, source="observation", text=IN_WAL)
    store.close()
    crashed = work / "crashed.fieldwork"
    shutil.copyfile(clean, crashed)
    with Store.open(crashed) as s:  # the clean file's note goes; the killed app's comes
        s.delete_note(next(n.id for n in s.notes() if n.text == IN_WAL))
    _crash_after_writing(crashed)
    with tmpfs(tmp_path_factory.mktemp("ro") / "disk", "8m") as disk:
        files = {
            "closed cleanly": disk / "clean.fieldwork",
            "log and shared memory left": disk / "crashed.fieldwork",
            "log only": disk / "log-only.fieldwork",
        }
        shutil.copyfile(clean, files["closed cleanly"])
        for suffix in ("", "-wal", "-shm"):
            shutil.copyfile(f"{crashed}{suffix}", f"{files['log and shared memory left']}{suffix}")
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{crashed}{suffix}", f"{files['log only']}{suffix}")
        remount_read_only(disk)
        yield files


KINDS = ["closed cleanly", "log and shared memory left", "log only"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_on_a_read_only_disk_can_be_searched_exported_printed_and_checked(
    kind: str, read_only_disk: dict[str, Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = read_only_disk[kind]
    status, out, err = run(capsys, "search", path, "kestrel")
    assert status == 0, err
    assert IN_WAL.split()[0] in out and "log only" in out  # the last write is there
    status, out, err = run(capsys, "export", path)
    assert status == 0, err
    assert IN_WAL in [n["text"] for n in json.loads(out)["notes"]]
    status, out, err = run(capsys, "letter", path, "-o", tmp_path / "letter.pdf")
    assert status == 0, err
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF")
    status, out, err = run(capsys, "check", path)
    assert status in (0, 1), err
    assert "error" in out.splitlines()[-1] or "ready" in out.splitlines()[-1]
    with Store.open(path) as store:
        assert not store.writable and store.read_only_reason == ON_READ_ONLY_DISK
        assert IN_WAL in {n.text for n in store.notes()}
    # A copy made to read the log is gone once the file is closed.
    data = Path(os.environ["FIELDWORK_DATA_DIR"])
    assert [p for p in data.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_write_on_a_read_only_disk_says_why_in_one_line(
    kind: str, read_only_disk: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = read_only_disk[kind]
    status, out, err = run(capsys, "note", "add", path, "--author", "Alison Whitcombe",
                           "--source", "other", "--text", "x")
    assert (status, out) == (2, "")
    assert err == f"error: {path}: the file is on a read-only disk; nothing was changed\n"
