"""Files that cannot be written open for reading, and a write says why in one line.

(A read-only disk is in test_faults_disk.py.) Root may write anything, so a file or a
folder without write permission bits counts as read-only for root too: the user marked it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.cli import main
from fieldwork.errors import ReadOnly
from fieldwork.store import Store
from fieldwork.store.db import FOLDER_READ_ONLY, MARKED_READ_ONLY, OPENED_READ_ONLY


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def inspection(tmp_path: Path, sample_store: Store) -> Path:
    """The sample, closed cleanly, in a folder of its own."""
    sample_store.close()
    folder = tmp_path / "folder"
    folder.mkdir()
    path = folder / "x.fieldwork"
    sample_store.path.rename(path)
    return path


def reads_work(capsys: pytest.CaptureFixture[str], path: Path, out_dir: Path) -> None:
    status, out, err = run(capsys, "search", path, "strategy")
    assert status == 0 and "[strategy]" in out.lower(), err
    status, out, err = run(capsys, "export", path)
    assert status == 0 and len(json.loads(out)["notes"]) == 149, err
    status, _, err = run(capsys, "letter", path, "-o", out_dir / "letter.pdf")
    assert status == 0, err
    status, _, err = run(capsys, "check", path)
    assert status in (0, 1), err


def write_says(capsys: pytest.CaptureFixture[str], path: Path, why: str) -> None:
    status, out, err = run(capsys, "note", "add", path, "--author", "Alison Whitcombe",
                           "--source", "other", "--text", "x")
    assert (status, out) == (2, "")
    assert err == f"error: {path}: {why}; nothing was changed\n"


def test_a_file_marked_read_only_opens_for_reading(
    inspection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inspection.chmod(0o444)
    before = sha(inspection)
    try:
        reads_work(capsys, inspection, tmp_path)
        write_says(capsys, inspection, MARKED_READ_ONLY)
        with Store.open(inspection) as store:
            assert store.read_only_reason == MARKED_READ_ONLY
            with pytest.raises(ReadOnly, match="marked read-only; nothing was changed"):
                store.add_finding("strength", "x")
    finally:
        inspection.chmod(0o600)
    assert sha(inspection) == before
    # Once writable again it writes, though a read left its log behind marked read-only.
    with Store.open(inspection) as store:
        assert store.writable
        store.add_finding("strength", "written after all")


def test_a_file_in_a_read_only_folder_opens_for_reading(
    inspection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = inspection.parent
    before = sha(inspection)
    folder.chmod(0o555)
    try:
        reads_work(capsys, inspection, tmp_path)
        write_says(capsys, inspection, FOLDER_READ_ONLY)
        with Store.open(inspection) as store:
            assert store.read_only_reason == FOLDER_READ_ONLY
    finally:
        folder.chmod(0o700)
    assert sha(inspection) == before


@pytest.fixture
def in_use(inspection: Path) -> Iterator[Store]:
    """The file open for writing elsewhere (here, as another program would have it)."""
    with Store.open(inspection) as store:
        yield store


def test_opening_read_only_on_purpose_changes_nothing(inspection: Path, in_use: Store) -> None:
    before = sha(inspection)
    with Store.open(inspection, read_only=True) as store:
        assert not store.writable and store.read_only_reason == OPENED_READ_ONLY
        with pytest.raises(ReadOnly, match="opened read-only; nothing was changed"):
            store.add_note(author="Alison Whitcombe", source="other", text="x")
        in_use.add_note(author="Alison Whitcombe", source="other", text="kestrel from elsewhere")
        assert [h.snippet for h in store.search("kestrel")]  # sees the other's change
    assert sha(inspection) == before  # the other's change is still in its log


def test_a_writable_file_has_no_reason(inspection: Path) -> None:
    with Store.open(inspection) as store:
        assert store.writable and store.read_only_reason is None
