"""Owner-only files: everything Fieldwork creates is 0600, its folders 0700, whatever the
umask; opening a file to write it takes the group's and others' permissions off it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork import files, interchange, issuing
from fieldwork.demo import write_demo
from fieldwork.packs import export_pack, join_pack
from fieldwork.paths import private_data_dir
from fieldwork.store import Store
from tests.conftest import SAMPLE
from tests.helpers.packs import PASSPHRASE, small_document

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o000, 0o022], ids=["umask 000", "umask 022"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


@pytest.fixture
def work_files(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """The mode of every work file at the moment it is renamed into place."""
    seen: list[tuple[str, int]] = []
    real = os.replace

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append((Path(src).name, mode(src)))
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    return seen


def test_everything_written_is_owner_only(
    umask: int, tmp_path: Path, work_files: list[tuple[str, int]]
) -> None:
    store, _ = interchange.import_file(tmp_path / "a.fieldwork", SAMPLE)
    with store:
        store.add_note(author="Alison Whitcombe", source="other", text="while open")
        made = [store.path, Path(f"{store.path}-wal"), Path(f"{store.path}-shm")]
        interchange.export_file(store, tmp_path / "a.json")
        issuing.write_bytes(tmp_path / "letter.pdf", issuing.letter_pdf(store))
        export_pack(store, tmp_path / "a.fwpack", PASSPHRASE)
        store.backup(tmp_path / "copy.fieldwork")
        made += [tmp_path / n for n in ("a.json", "letter.pdf", "a.fwpack", "copy.fieldwork")]
        assert {str(p): mode(p) for p in made} == {str(p): 0o600 for p in made}
    lead, _ = interchange.import_new(tmp_path / "lead.fieldwork", small_document())
    with lead:
        export_pack(lead, tmp_path / "lead.fwpack", PASSPHRASE)
    with join_pack(tmp_path / "lead.fwpack", tmp_path / "mine.fieldwork", PASSPHRASE,
                   "Derek Osei") as mine:
        mine.add_note(author="Derek Osei", source="other", text="on site")
        assert mode(mine.path) == mode(f"{mine.path}-wal") == 0o600
    written = write_demo(tmp_path / "demo")
    assert {mode(p) for p in written} == {0o600}
    assert mode(tmp_path / "demo") == 0o700
    kinds = {name.rsplit(".", 1)[-1] for name, _ in work_files}
    assert {"importing", "tmp", "copying", "staging"} <= kinds
    assert {m for _, m in work_files} == {0o600}, work_files


def test_the_data_folder_and_its_folders_are_owner_only(
    umask: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path / "data"))
    reports = private_data_dir("crash-reports")
    assert mode(tmp_path / "data") == mode(reports) == 0o700
    (tmp_path / "data").chmod(0o755)  # made by an older Fieldwork
    private_data_dir()
    assert mode(tmp_path / "data") == 0o700


def test_opening_a_file_to_write_it_makes_it_owner_only(tmp_path: Path) -> None:
    """A file from an older Fieldwork, or copied in with a looser mode, is tightened when it
    is opened for writing (by path: chmod opens no descriptor). Opened read-only, nothing
    about it changes."""
    path = tmp_path / "loose.fieldwork"
    with Store.create(path) as store:
        store.add_inspector("x")
    path.chmod(0o644)
    with Store.open(path, read_only=True):
        pass
    assert mode(path) == 0o644
    with Store.open(path) as store:
        store.add_note(author="x", source="other", text="y")
        assert mode(path) == mode(f"{path}-wal") == mode(f"{path}-shm") == 0o600
    path.chmod(0o444)  # marked read-only: stays so
    Store.open(path).close()
    assert mode(path) == 0o444


def test_create_private_ignores_the_umask(umask: int, tmp_path: Path) -> None:
    files.create_private(tmp_path / "x")
    assert mode(tmp_path / "x") == 0o600
    with pytest.raises(FileExistsError):
        files.create_private(tmp_path / "x")
