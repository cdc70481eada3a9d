"""No stray descriptors: with the file open as the app holds it, nothing in the process
opens the inspection file, its WAL or its shared memory with plain file I/O.

(Closing such a descriptor would drop every lock the process holds on the file; see
test_faults_processes.py for what another process then does to it.) Every plain open in
the process is checked against the databases it has open, through a whole working session.
"""

from __future__ import annotations

import builtins
import io
import os
from pathlib import Path
from typing import Any

import pytest

from fieldwork import files, interchange, issuing
from fieldwork.cli import main
from fieldwork.packs import export_pack, join_pack, merge_packs
from fieldwork.store import Store
from tests.helpers.packs import PASSPHRASE, make_lead


@pytest.fixture
def audited(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail on a plain open of a database open here; returns the paths opened."""
    opened: list[str] = []
    real_io_open, real_os_open = io.open, os.open

    def check(path: Any) -> None:
        if isinstance(path, int):
            return
        opened.append(os.fspath(path))
        if files.is_open_here(path):
            raise AssertionError(f"plain open of {path} while a connection to it is open")

    def io_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        check(file)
        return real_io_open(file, *args, **kwargs)

    def os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        check(path)
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", io_open)
    monkeypatch.setattr(io, "open", io_open)
    monkeypatch.setattr(os, "open", os_open)
    return opened


def test_a_working_session_never_opens_the_file_behind_sqlite(
    tmp_path: Path, audited: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    lead = make_lead(tmp_path)
    lead.close()
    path = lead.path
    writer, reader = Store.open(path), Store.open(path)  # as the app opens it
    try:
        writer.add_note(author="Alison Whitcombe", source="observation", text="kestrel seen")
        assert reader.count_notes() == 3
        assert files.is_open_here(path) and files.is_open_here(f"{path}-wal")
        export_pack(writer, tmp_path / "lead.fwpack", PASSPHRASE)
        writer.backup(tmp_path / "copy.fieldwork")
        interchange.export_file(writer, tmp_path / "x.json")
        issuing.write_bytes(tmp_path / "letter.pdf", issuing.letter_pdf(writer))
        issuing.write_bytes(tmp_path / "appendix.pdf", issuing.appendix_pdf(writer))
        with join_pack(tmp_path / "lead.fwpack", tmp_path / "derek.fieldwork", PASSPHRASE,
                       "Derek Osei") as derek:
            derek.add_note(author="Derek Osei", source="interview", text="kestrel again")
            export_pack(derek, tmp_path / "derek.fwpack", PASSPHRASE)
        merge_packs(writer, [tmp_path / "derek.fwpack"], PASSPHRASE)
        with Store.open(path, read_only=True) as viewer:
            assert viewer.count_notes() == 4
        secret = tmp_path / "pw.txt"
        secret.write_text(PASSPHRASE)
        for argv in (["search", path, "kestrel"], ["check", path],
                     ["note", "add", path, "--author", "Derek Osei", "--source", "other",
                      "--text", "from the command line"],
                     ["pack", path, "-o", tmp_path / "cli.fwpack", "--passphrase-file", secret],
                     ["letter", path, "-o", tmp_path / "cli.pdf"]):
            assert main([str(a) for a in argv]) in (0, 1), capsys.readouterr().err
        assert writer.integrity_check() == "ok"
        assert reader.count_notes() == 5
    finally:
        writer.close()
        reader.close()
    assert not files.is_open_here(path)
    assert any(p.endswith("letter.pdf") or ".tmp" in p for p in audited)  # the audit ran


def test_the_files_open_here_are_known_by_inode_and_forgotten_when_gone(tmp_path: Path) -> None:
    import gc

    path = tmp_path / "x.fieldwork"
    Store.create(path).close()
    assert not files.is_open_here(path)
    store = Store.open(path)
    link = tmp_path / "same-file.fieldwork"
    os.link(path, link)
    assert files.is_open_here(path) and files.is_open_here(link)
    assert files.is_open_here(f"{link}-wal") and not files.is_open_here(tmp_path / "other")
    del store  # dropped without close(): forgotten once collected
    gc.collect()
    assert not files.is_open_here(path)
    kept = Store.open(path)
    try:
        path.unlink()
        link.unlink()  # the file is gone: its inode number may now be any new file's
        assert not files.is_open_here(path)
    finally:
        kept.close()
