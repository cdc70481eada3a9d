"""Encrypted inspection files: opening, converting, refusing, and nothing in the clear."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench import synth
from fieldwork import encryption, interchange
from fieldwork.cli import main
from fieldwork.errors import (
    EncryptedFile,
    FieldworkError,
    FileLocked,
    InvalidValue,
    NotAnInspection,
    ReadOnly,
    WrongPassphrase,
)
from fieldwork.files import ProtectedFile
from fieldwork.inspections import save_copy
from fieldwork.packs import export_pack, merge_packs
from fieldwork.store import Store
from tests.helpers import holder
from tests.helpers.mounts import tmpfs

PASS = "four random words here"
TEAM = "the team passphrase ok"
REPO = Path(__file__).resolve().parents[2]


def _plain(tmp_path: Path, notes: int = 200, name: str = "p.fieldwork") -> Path:
    store, _ = interchange.import_new(tmp_path / name, synth.document(notes, seed=3))
    store.close()
    return tmp_path / name


def _document(path: Path, passphrase: str | None = None) -> dict[str, object]:
    with Store.open(path, passphrase=passphrase) as store:
        return interchange.export_document(store)


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def test_created_encrypted_needs_its_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "e.fieldwork"
    with Store.create(path, passphrase=PASS) as store:
        assert store.encrypted
        store.add_inspector("Ann Lead", "lead")
    assert encryption.is_encrypted(path)
    assert not path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(EncryptedFile, match="is encrypted: give its passphrase"):
        Store.open(path)
    before = path.read_bytes()
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        Store.open(path, passphrase="not the passphrase at all")
    with pytest.raises(WrongPassphrase):
        Store.open(path, passphrase="not the passphrase at all", read_only=True)
    assert path.read_bytes() == before
    with Store.open(path, passphrase=PASS, read_only=True) as store:
        assert store.encrypted and not store.writable
        assert [i.name for i in store.inspectors()] == ["Ann Lead"]


def test_a_plain_file_ignores_a_passphrase(tmp_path: Path) -> None:
    path = _plain(tmp_path, 5)
    with Store.open(path, passphrase=PASS) as store:
        assert not store.encrypted
    assert not encryption.is_encrypted(path)


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="too short"):
        Store.create(tmp_path / "e.fieldwork", passphrase="short")
    assert not (tmp_path / "e.fieldwork").exists()
    path = _plain(tmp_path, 5)
    with pytest.raises(InvalidValue, match="too short"):
        encryption.encrypt_file(path, "eleven char")
    assert not encryption.is_encrypted(path)


def test_not_an_inspection_is_not_taken_for_encrypted(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n" * 1000)
    with pytest.raises(NotAnInspection):
        Store.open(junk, passphrase=PASS)
    with pytest.raises(NotAnInspection):
        encryption.is_encrypted(junk)


def test_encrypt_in_place_keeps_everything(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    before = _document(path)
    encryption.encrypt_file(path, PASS)
    assert encryption.is_encrypted(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.fieldwork"]
    assert _document(path, PASS) == before
    with Store.open(path, passphrase=PASS) as store:
        assert store.integrity_check() == "ok"
        assert store.search("referral")
        store.index.check()
    data = path.read_bytes()
    for text in [n["text"] for n in before["notes"]][:50]:  # type: ignore[index]
        assert text.encode()[:40] not in data


def test_change_passphrase_and_decrypt(tmp_path: Path) -> None:
    path = _plain(tmp_path, 50)
    before = _document(path)
    encryption.encrypt_file(path, PASS)
    encryption.change_passphrase(path, PASS, "a brand new passphrase")
    with pytest.raises(WrongPassphrase):
        Store.open(path, passphrase=PASS)
    with pytest.raises(WrongPassphrase):
        encryption.change_passphrase(path, PASS, "whatever long enough")
    out = tmp_path / "plain.fieldwork"
    encryption.decrypt_file(path, out, "a brand new passphrase")
    assert out.read_bytes().startswith(b"SQLite format 3\0")
    assert _document(out) == before
    with Store.open(out) as store:
        assert store.search("referral")


def test_conversions_refused_with_one_line(tmp_path: Path) -> None:
    plain = _plain(tmp_path, 5)
    enc = tmp_path / "e.fieldwork"
    Store.create(enc, passphrase=PASS).close()
    with pytest.raises(InvalidValue, match="encrypted already"):
        encryption.encrypt_file(enc, PASS)
    with pytest.raises(InvalidValue, match="is not encrypted"):
        encryption.decrypt_file(plain, tmp_path / "x.fieldwork", PASS)
    with pytest.raises(ProtectedFile):
        encryption.decrypt_file(enc, plain, PASS)
    with pytest.raises(ProtectedFile, match="this command reads"):
        encryption.decrypt_file(enc, enc, PASS)
    other = tmp_path / "other.fieldwork"
    Store.create(other, passphrase=PASS).close()
    with pytest.raises(ProtectedFile, match="encrypted inspection file"):
        encryption.decrypt_file(enc, other, PASS)


def test_encrypt_refused_while_open_elsewhere(tmp_path: Path) -> None:
    path = _plain(tmp_path, 5)
    proc = holder.start(path, "Ann")
    try:
        with pytest.raises(FileLocked):
            encryption.encrypt_file(path, PASS)
    finally:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()
        proc.wait()
        proc.stdout.close()
    assert not encryption.is_encrypted(path)
    # Another program with a connection open (the CLI, a sync): refused too.
    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sqlite3, sys
            c = sqlite3.connect({str(path)!r}); c.execute("select count(*) from notes")
            print("open", flush=True); sys.stdin.read()""")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        with pytest.raises(FileLocked, match="another program has the file open"):
            encryption.encrypt_file(path, PASS)
    finally:
        assert reader.stdin is not None and reader.stdout is not None
        reader.stdin.close()
        reader.wait()
        reader.stdout.close()
    assert not encryption.is_encrypted(path)
    encryption.encrypt_file(path, PASS)
    assert encryption.is_encrypted(path)


def test_encrypt_in_a_read_only_folder(tmp_path: Path) -> None:
    path = _plain(tmp_path, 5)
    before = path.read_bytes()
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(ReadOnly):
            encryption.encrypt_file(path, PASS)
    finally:
        tmp_path.chmod(0o755)
    assert path.read_bytes() == before


def test_encrypt_on_a_full_disk_leaves_the_file(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "1500k") as disk:
        path = _plain(disk, 300)
        before = _document(path)
        filler = disk / "filler"
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        filler.write_bytes(b"\0" * max(free - path.stat().st_size // 2, 0))
        with pytest.raises(FieldworkError, match="disk"):
            encryption.encrypt_file(path, PASS)
        filler.unlink()
        assert not encryption.is_encrypted(path)
        assert _document(path) == before
        assert sorted(p.name for p in disk.iterdir()) == ["p.fieldwork"]


_KILLER = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from fieldwork import encryption, files
point = {point!r}
real_replace, real_sync = os.replace, files.sync_file
def kill():
    os.kill(os.getpid(), signal.SIGKILL)
real_export = encryption.export
def export(*args):
    if point == "before-export":
        kill()
    real_export(*args)
    if point == "after-export":
        kill()
encryption.export = export
def replace(a, b):
    if point == "before-rename":
        kill()
    real_replace(a, b)
    if point == "after-rename":
        kill()
def sync(p):
    real_sync(p)
    if point == "after-sync":
        kill()
os.replace = replace
files.sync_file = sync
encryption.encrypt_file({path!r}, {pw!r})
"""


@pytest.mark.parametrize("point", ["before-export", "after-export", "after-sync",
                                   "before-rename", "after-rename"])
def test_killed_while_encrypting_leaves_old_or_new(tmp_path: Path, point: str) -> None:
    path = _plain(tmp_path, 100)
    before = _document(path)
    proc = subprocess.run(
        [sys.executable, "-c", _KILLER.format(repo=str(REPO), point=point, path=str(path),
                                              pw=PASS)],
        capture_output=True, text=True, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    if encryption.is_encrypted(path):
        assert point == "after-rename"
        assert _document(path, PASS) == before
    else:
        assert point != "after-rename"
        assert _document(path) == before
    # Whatever was left beside it is swept, and holds no note in the clear.
    with Store.open(path, passphrase=PASS):
        pass
    leftovers = [p for p in tmp_path.iterdir() if p.name != "p.fieldwork"
                 and not p.name.startswith("p.fieldwork-")
                 and p.name != ".p.fieldwork.lock"]  # the killed process's stale app lock
    assert leftovers == []


def test_copies_and_packs_of_an_encrypted_file(tmp_path: Path) -> None:
    path = _plain(tmp_path, 100)
    encryption.encrypt_file(path, PASS)
    with Store.open(path, passphrase=PASS) as store:
        copy = save_copy(store, tmp_path / "copy.fieldwork")
        assert encryption.is_encrypted(copy)
        pack = tmp_path / "lead.fwpack"
        export_pack(store, pack, TEAM)
    with Store.open(copy, passphrase=PASS) as other:
        other.add_note(author=other.me or other.inspectors()[0].id, text="Added in the copy",
                       source="observation", observed_at="2026-01-05T10:00")
        export_pack(other, tmp_path / "copy.fwpack", TEAM)
    with Store.open(path, passphrase=PASS) as store:
        merge_packs(store, [tmp_path / "copy.fwpack"], TEAM)
        assert any(h.kind == "note" for h in store.search("Added in the copy"))


def test_cli_encrypt_decrypt_and_passphrase_files(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = _plain(tmp_path, 20)
    pw = tmp_path / "pw"
    pw.write_text(PASS + "\n")
    assert main(["encrypt", str(path), "--passphrase-file", str(pw)]) == 0
    capsys.readouterr()
    assert main(["search", str(path), "referral"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is encrypted: give its passphrase" in err
    before = path.read_bytes()
    wrong = tmp_path / "wrong"
    wrong.write_text("not this passphrase\n")
    assert main(["search", str(path), "referral", "--passphrase-file", str(wrong)]) == 2
    assert "wrong passphrase" in capsys.readouterr().err
    assert path.read_bytes() == before
    (tmp_path / "empty").write_text("")
    assert main(["search", str(path), "x", "--passphrase-file", str(tmp_path / "empty")]) == 2
    assert "is empty" in capsys.readouterr().err
    assert main(["search", str(path), "x", "--passphrase-file", str(tmp_path / "none")]) == 2
    assert "does not exist" in capsys.readouterr().err
    monkeypatch.setenv("FIELDWORK_PASSPHRASE_FILE", str(pw))
    assert main(["search", str(path), "referral"]) == 0
    assert "referral" in capsys.readouterr().out.lower()
    monkeypatch.delenv("FIELDWORK_PASSPHRASE_FILE")
    out = tmp_path / "plain.fieldwork"
    assert main(["decrypt", str(path), "-o", str(out), "--passphrase-file", str(pw)]) == 0
    assert not encryption.is_encrypted(out)
    assert main(["encrypt", str(path), "--passphrase-file", str(pw)]) == 2
    assert "encrypted already" in capsys.readouterr().err
    assert main(["encrypt", str(out)]) == 2
    assert "give the passphrase" in capsys.readouterr().err


def test_cli_creates_encrypted_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     reference_json: Path) -> None:
    pw, team = tmp_path / "pw", tmp_path / "team"
    pw.write_text(PASS)
    team.write_text(TEAM)
    f = tmp_path / "i.fieldwork"
    assert main(["import", str(f), str(reference_json), "--encrypt",
                 "--passphrase-file", str(pw)]) == 0
    assert encryption.is_encrypted(f)
    n = tmp_path / "n.fieldwork"
    assert main(["new", str(n), "--authority", "X", "--lead", "Ann", "--team", "Bob",
                 "--encrypt", "--passphrase-file", str(pw)]) == 0
    assert encryption.is_encrypted(n)
    pack = tmp_path / "n.fwpack"
    assert main(["pack", str(n), "-o", str(pack), "--passphrase-file", str(team),
                 "--file-passphrase-file", str(pw)]) == 0
    mine = tmp_path / "bob.fieldwork"
    assert main(["join", str(pack), "-o", str(mine), "--as", "Bob", "--passphrase-file",
                 str(team), "--encrypt", "--file-passphrase-file", str(pw)]) == 0
    assert encryption.is_encrypted(mine)
    capsys.readouterr()
    assert main(["join", str(pack), "-o", str(tmp_path / "c.fieldwork"), "--as", "Bob",
                 "--passphrase-file", str(team), "--encrypt",
                 "--file-passphrase-file", str(team)]) == 2
    assert "team passphrase" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "j.fieldwork"), str(reference_json),
                 "--encrypt"]) == 2


def test_index_worker_scratch_is_encrypted(tmp_path: Path) -> None:
    """The search index a worker builds for a new encrypted file never reaches the disk in
    the clear: its scratch database has the file's key."""
    import io

    from fieldwork.store import bulkindex, cipher, index_worker

    key = cipher.new_key(PASS)
    rows = [(i, f"qzxv{i} private words", None, None) for i in range(1, 200)]
    stream = io.BytesIO(
        bulkindex._frame(index_worker.KEY, key.pragma_value)
        + bulkindex._frame(index_worker.ROWS, rows)
        + bulkindex._frame(index_worker.END, None))
    scratch = tmp_path / "scratch"
    scratch.touch()
    fts = ("CREATE VIRTUAL TABLE notes_fts USING fts5(text, case_ref, subject_role, "
           "content='notes', content_rowid='seq')")
    index_worker.build(str(scratch), 1 << 20, fts, stream, bulkindex._module_folder())
    data = scratch.read_bytes()
    assert data[:16] == key.salt and b"qzxv" not in data
    conn = cipher.connect(str(scratch), key, uri_mode=False)
    try:
        assert conn.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'qzxv5'"
                            ).fetchone()[0] == 1
    finally:
        conn.close()


def test_a_second_store_on_an_open_file_reads_no_header(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The app opens a writer and a reader: the second must not open() the file (closing
    that descriptor would drop the first connection's locks)."""
    import builtins

    path = tmp_path / "e.fieldwork"
    Store.create(path, passphrase=PASS).close()
    writer = Store.open(path, passphrase=PASS)
    real_open = builtins.open

    def guarded(file: object, *args: object, **kwargs: object) -> object:
        if isinstance(file, str | Path) and Path(file).resolve() == path.resolve():
            raise AssertionError("the open file was read with plain file I/O")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", guarded)
    try:
        reader = Store.open(path, passphrase=PASS, read_only=True)
        assert encryption.is_encrypted(path)
        reader.close()
        another = Store.open(path, key=writer.key)
        another.close()
    finally:
        monkeypatch.undo()
        writer.close()


def test_cli_changes_the_passphrase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "e.fieldwork"
    Store.create(path, passphrase=PASS).close()
    old, new, short = tmp_path / "old", tmp_path / "new", tmp_path / "short"
    old.write_text(PASS)
    new.write_text("another four random words\n")
    short.write_text("too short")
    before = path.read_bytes()
    assert main(["passphrase", str(path), "--passphrase-file", str(old),
                 "--new-passphrase-file", str(short)]) == 2
    assert "too short" in capsys.readouterr().err
    assert main(["passphrase", str(path), "--passphrase-file", str(new),
                 "--new-passphrase-file", str(new)]) == 2
    assert "wrong passphrase" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert main(["passphrase", str(path), "--passphrase-file", str(old),
                 "--new-passphrase-file", str(new)]) == 0
    assert main(["fields", str(path), "--passphrase-file", str(new)]) == 0
    assert main(["fields", str(path), "--passphrase-file", str(old)]) == 2


def test_encrypted_copy_of_a_plain_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    path = _plain(tmp_path, 50)
    before = _document(path)
    pw = tmp_path / "pw"
    pw.write_text(PASS)
    out = tmp_path / "copy.fieldwork"
    assert main(["copy", str(path), str(out), "--encrypt", "--passphrase-file", str(pw)]) == 0
    assert encryption.is_encrypted(out) and not encryption.is_encrypted(path)
    assert _document(out, PASS) == before
    with Store.open(path) as plain, Store.open(out, passphrase=PASS) as copy:
        assert copy.replica != plain.replica
        assert copy.search("referral")
    assert b"referral" not in out.read_bytes()
    capsys.readouterr()
    assert main(["copy", str(path), str(out), "--encrypt", "--passphrase-file", str(pw)]) == 2
    assert "encrypted inspection file" in capsys.readouterr().err
    assert main(["copy", str(path), str(tmp_path / "c2.fieldwork"), "--encrypt"]) == 2
    assert "give the passphrase" in capsys.readouterr().err
    # An encrypted file's copy is encrypted as it is.
    again = tmp_path / "again.fieldwork"
    assert main(["copy", str(out), str(again), "--encrypt", "--passphrase-file", str(pw)]) == 0
    assert encryption.is_encrypted(again)
    assert _document(again, PASS) == before
