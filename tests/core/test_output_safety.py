"""No output over evidence: export, letter, appendix and pack never write over an inspection
file, a pack, their own input or its journal files; the file is left byte for byte."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldwork import files, interchange, issuing
from fieldwork.cli import main
from fieldwork.errors import BadPack
from fieldwork.files import ProtectedFile
from fieldwork.packs import export_pack, merge_packs
from fieldwork.store import Store
from tests.helpers.packs import PASSPHRASE


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture
def inspection(sample_store: Store) -> Path:
    sample_store.close()
    return sample_store.path


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


def other_inspection(tmp_path: Path) -> Path:
    path = tmp_path / "other.fieldwork"
    Store.create(path).close()
    return path


def any_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "some.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    return path


def a_pack(tmp_path: Path) -> Path:
    path = tmp_path / "earlier.fwpack"
    with Store.create(tmp_path / "packed.fieldwork") as store:
        export_pack(store, path, PASSPHRASE)
    return path


def a_log(tmp_path: Path) -> Path:
    """A write-ahead log whose database is gone: it may hold the only copy of changes."""
    path = tmp_path / "orphan-wal"
    path.write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 60)
    return path


TARGETS: dict[str, Callable[[Path, Path], Path]] = {
    "another inspection file": lambda tmp, _: other_inspection(tmp),
    "any SQLite database": lambda tmp, _: any_sqlite(tmp),
    "an existing pack": lambda tmp, _: a_pack(tmp),
    "its own input": lambda _, f: f,
    "its own input's WAL": lambda _, f: Path(f"{f}-wal"),
    "its own input's shared memory": lambda _, f: Path(f"{f}-shm"),
    "its own input's journal": lambda _, f: Path(f"{f}-journal"),
    "a write-ahead log": lambda tmp, _: a_log(tmp),
}
COMMANDS = {
    "export": lambda f, out, pw: ("export", f, "-o", out),
    "letter": lambda f, out, pw: ("letter", f, "-o", out),
    "appendix": lambda f, out, pw: ("appendix", f, "-o", out),
    "pack": lambda f, out, pw: ("pack", f, "-o", out, "--passphrase-file", pw),
}


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_command_never_writes_over_evidence(
    command: str, target: str, inspection: Path, passphrase_file: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = TARGETS[target](tmp_path, inspection)
    before = {p: digest(p) for p in (out, inspection)}
    status, stdout, err = run(capsys, *COMMANDS[command](inspection, out, passphrase_file))
    assert (status, stdout) == (2, "")
    assert err.startswith(f"error: {out}: ") and err.count("\n") == 1, err
    assert "choose another name" in err
    assert {p: digest(p) for p in (out, inspection)} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_ordinary_file_is_replaced(
    inspection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "letter.pdf"
    out.write_text("an older letter")
    assert run(capsys, "letter", inspection, "-o", out)[0] == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_the_core_writers_refuse_the_open_file_without_being_told(
    inspection: Path, tmp_path: Path
) -> None:
    """The app calls write_bytes and export_pack with only the target: the files open in
    the process are known, so Export PDF, the appendix and Export My Pack are safe too."""
    with Store.open(inspection) as store:
        store.add_note(author="Alison Whitcombe", source="other", text="in the log")
        before = {p: digest(p) for p in (inspection, Path(f"{inspection}-wal"))}
        for write in (
            lambda p: issuing.write_bytes(p, b"%PDF-1.4"),
            lambda p: export_pack(store, p, PASSPHRASE),
            lambda p: interchange.export_file(store, p),
        ):
            for target in (inspection, Path(f"{inspection}-wal"), Path(f"{inspection}-shm")):
                with pytest.raises(ProtectedFile):
                    write(target)
        assert {p: digest(p) for p in before} == before
        assert store.integrity_check() == "ok"


@pytest.mark.parametrize("target", [t for t in TARGETS if t != "an existing pack"])
def test_a_sync_may_replace_its_own_pack_and_nothing_else(
    target: str, inspection: Path, tmp_path: Path
) -> None:
    """A team folder's sync replaces this copy's previous pack (``replace_own``): a pack
    whose header names this inspection and this copy's replica id. Every other rule stands,
    and another's pack is never replaced, even one of this very inspection."""
    with Store.open(inspection) as store:
        own = tmp_path / "own.fwpack"
        export_pack(store, own, PASSPHRASE)
        first = digest(own)
        with pytest.raises(ProtectedFile, match="never writes over one"):
            export_pack(store, own, PASSPHRASE)  # only when asked
        assert digest(own) == first
        store.add_note(author="Alison Whitcombe", source="other", text="since the pack")
        export_pack(store, own, PASSPHRASE, replace_own=True)
        assert digest(own) != first
        cut = tmp_path / "cut.fwpack"  # this copy's pack cut short by a sync engine
        cut.write_bytes(own.read_bytes()[:3000])
        export_pack(store, cut, PASSPHRASE, replace_own=True)
        assert cut.stat().st_size == own.stat().st_size

        copy = tmp_path / "copy.fieldwork"  # another member's copy of this inspection
        store.backup(copy)
        with Store.open(copy) as member:
            member.new_replica()
            theirs = export_pack(member, tmp_path / "theirs.fwpack", PASSPHRASE).path
        (tmp_path / "elsewhere").mkdir()
        others = [theirs, a_pack(tmp_path / "elsewhere"), TARGETS[target](tmp_path, inspection)]
        damaged = tmp_path / "damaged.fwpack"  # a pack whose header cannot be read
        damaged.write_bytes(own.read_bytes()[:40])
        for path in [*others, damaged]:
            before = digest(path)
            with pytest.raises(ProtectedFile):
                export_pack(store, path, PASSPHRASE, replace_own=True)
            assert digest(path) == before
        assert store.integrity_check() == "ok"


def test_a_pack_is_not_read_from_the_open_inspection_file(inspection: Path) -> None:
    """Merging the inspection file itself as a pack would read it with plain file I/O,
    dropping the process's locks on it: it is refused before it is opened."""
    with Store.open(inspection) as store:
        with pytest.raises(BadPack, match="open inspection file"):
            merge_packs(store, [inspection], PASSPHRASE)
        assert store.integrity_check() == "ok"


def test_a_new_file_is_not_made_over_a_stray_log(tmp_path: Path) -> None:
    path = tmp_path / "new.fieldwork"
    log = Path(f"{path}-wal")
    log.write_bytes(b"\x37\x7f\x06\x82" + b"\x01" * 60)
    with pytest.raises(ProtectedFile, match="in the way"):
        Store.create(path)
    assert not path.exists() and log.read_bytes()[4:5] == b"\x01"


def test_a_backup_never_replaces_evidence(inspection: Path, tmp_path: Path) -> None:
    other = other_inspection(tmp_path)
    before = digest(other)
    with Store.open(inspection) as store:
        with pytest.raises(ProtectedFile):
            store.backup(other, replace=True)
        plain = tmp_path / "plain.txt"
        plain.write_text("not evidence")
        store.backup(plain, replace=True)
    assert digest(other) == before
    with Store.open(plain) as copy:
        assert copy.count_notes() == 149


def test_refuse_overwrite_tells_inputs_by_stat_alone(
    inspection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its own input is recognised without opening it (open() is not even called)."""
    import builtins

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"opened {args[0]}")

    monkeypatch.setattr(builtins, "open", no_open)
    with pytest.raises(ProtectedFile, match="this command reads"):
        files.refuse_overwrite(inspection, inputs=[inspection])
    with pytest.raises(ProtectedFile, match="belongs to the inspection file"):
        files.refuse_overwrite(f"{inspection}-wal", inputs=[inspection])
