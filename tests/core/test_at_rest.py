"""Nothing in the clear: the raw bytes of an encrypted file, its log and journal, and of a
retired file (plain or encrypted), hold none of the notes' text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fieldwork import encryption, retention
from fieldwork.inspections import save_copy
from fieldwork.packs import export_pack, merge_packs
from fieldwork.store import Store

PASS = "four random words here"
TEAM = "the team passphrase ok"
#: In every note, case and edit, and nowhere else: what must never be found in the bytes.
MARK = "qzxv"


def _fill(store: Store, count: int) -> list[str]:
    lead = store.add_inspector("Ann Lead", "lead").created
    assert lead
    store.set_me(lead)
    store.add_case(f"{MARK}case1")
    ids = []
    with store.atomic():
        for i in range(count):
            changes = store.add_note(
                author=lead, source="observation", observed_at="2026-01-05T10:00",
                text=f"Child {MARK}{i:05d} seen at home; {MARK}secret{i} disclosed worry",
                case_ref=f"{MARK}ref{i % 50}")
            ids.extend(changes.notes)
    return ids


def _bytes_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _assert_clear_of(folder: Path, mark: str = MARK) -> None:
    for name, data in _bytes_of(folder).items():
        assert mark.encode() not in data, f"{name} holds note text in the clear"
        assert mark.encode("utf-16-le") not in data, name


def test_encrypted_file_after_edits_merge_and_search(tmp_path: Path) -> None:
    path = tmp_path / "e.fieldwork"
    with Store.create(path, passphrase=PASS) as store:
        assert store.raw_sql("PRAGMA temp_store").fetchone()[0] == 2  # temp data in memory
        ids = _fill(store, 1000)
        for note_id in ids[:100]:
            store.edit_note(note_id, text=f"Edited {MARK} note, {MARK}again")
        for note_id in ids[100:110]:
            store.delete_note(note_id)
        copy = save_copy(store, tmp_path / "copy.fieldwork")
    with Store.open(copy, passphrase=PASS) as other:
        other.edit_note(ids[500], text=f"Changed in the copy {MARK}copy")
        export_pack(other, tmp_path / "copy.fwpack", TEAM)
    # Leave the file open with its log unmerged while the bytes are read.
    store = Store.open(path, passphrase=PASS)
    try:
        merge_packs(store, [tmp_path / "copy.fwpack"], TEAM)
        assert store.search(f"{MARK}copy")
        assert len(store.search(MARK + "00999")) == 1
        assert (tmp_path / "e.fieldwork-wal").stat().st_size > 0
        _assert_clear_of(tmp_path)
        reader = Store.open(path, passphrase=PASS, read_only=True)
        try:
            assert reader.raw_sql("PRAGMA temp_store").fetchone()[0] == 2
            assert reader.search(f"{MARK}again")
        finally:
            reader.close()
    finally:
        store.close()
    _assert_clear_of(tmp_path)
    with Store.open(path, passphrase=PASS) as store:
        assert store.note(ids[500]).text == f"Changed in the copy {MARK}copy"
    # The same search finds the text in a plain copy: it can fail.
    (tmp_path / "control").mkdir()
    encryption.decrypt_file(path, tmp_path / "control" / "plain.fieldwork", PASS)
    with pytest.raises(AssertionError, match="in the clear"):
        _assert_clear_of(tmp_path / "control")


def _issued(path: Path, passphrase: str | None, count: int = 300) -> list[str]:
    with Store.create(path, passphrase=passphrase) as store:
        ids = _fill(store, count)
        for note_id in ids[:20]:
            store.edit_note(note_id, text=f"Edited {MARK} text")
        store.record_issue(b"%PDF-1.4 the issued letter", by=store.me)
        store.team_packs.save([])
    return ids


@pytest.mark.parametrize("passphrase", [None, PASS], ids=["plain", "encrypted"])
def test_retired_file_holds_no_removed_text(tmp_path: Path, passphrase: str | None) -> None:
    path = tmp_path / "r.fieldwork"
    _issued(path, passphrase)
    store = Store.open(path, passphrase=passphrase)
    try:
        if passphrase is None:  # a plain file holds the text before (the test can fail)
            assert MARK.encode() in b"".join(_bytes_of(tmp_path).values())
        record = retention.retire(store, by="Ann Lead", now=True)
        assert record.by == "Ann Lead" and len(record.letter_sha256) == 64
        # With the connection still open, the log was emptied and the file rewritten.
        _assert_clear_of(tmp_path)
        assert store.retired and not store.writable
        assert store.count_notes() == 0
        assert store.issued_pdf(store.latest_issue().id) == b"%PDF-1.4 the issued letter"
    finally:
        store.close()
    _assert_clear_of(tmp_path)
    with Store.open(path, passphrase=passphrase) as store:
        assert retention.retired_record(store) == record
        assert store.integrity_check() == "ok"
        assert store.search(MARK) == []


def test_retention_date_and_refusals(tmp_path: Path) -> None:
    path = tmp_path / "r.fieldwork"
    with Store.create(path) as store:
        _fill(store, 3)
        assert retention.retention_date(store) is None
        with pytest.raises(retention.NotIssued, match="not been issued"):
            retention.retire(store, by="Ann", now=True)
        store.record_issue(b"%PDF-1.4", by=store.me)
        issued = dt.datetime.fromisoformat(store.latest_issue().at).date()
        due = retention.retention_date(store)
        assert due == retention.add_months(issued, 12)
        retention.set_months(store, 6)
        assert retention.retention_date(store) == retention.add_months(issued, 6)
        with pytest.raises(retention.InvalidValue):
            retention.set_months(store, 0)
        with pytest.raises(retention.RetentionNotDue, match="--now"):
            retention.retire(store, by="Ann")
        assert store.count_notes() == 3
        retention.retire(store, by="Ann", today=retention.add_months(issued, 6))
        with pytest.raises(retention.Retired, match="was retired on"):
            retention.retire(store, by="Ann", now=True)


def test_add_months_keeps_to_the_month() -> None:
    assert retention.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert retention.add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)
    assert retention.add_months(dt.date(2028, 2, 29), 12) == dt.date(2029, 2, 28)


def test_retire_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    from fieldwork.cli import main

    path = tmp_path / "r.fieldwork"
    _issued(path, PASS, count=5)
    pw = tmp_path / "pw"
    pw.write_text(PASS)
    key = ["--passphrase-file", str(pw)]
    assert main(["retention", str(path), "--months", "3", *key]) == 0
    assert "3 months after the letter was issued" in capsys.readouterr().out
    assert main(["retire", str(path), *key]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--now" in err
    assert main(["retire", str(path), "--now", *key]) == 0
    assert "retired by Ann Lead" in capsys.readouterr().out
    assert main(["check", str(path), *key]) == 0
    assert "retired on" in capsys.readouterr().out
    team = tmp_path / "team"
    team.write_text(TEAM)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "pw").write_text(PASS)
    assert main(["sync", str(path), str(folder), "--passphrase-file", str(team),
                 "--file-passphrase-file", str(folder / "pw")]) == 2
    err = capsys.readouterr().err  # the file's own passphrase is refused there too
    assert "inside the team folder" in err and "folder/pw" in err
    (folder / "pw").unlink()
    for argv in (["pack", str(path), "-o", str(tmp_path / "x.fwpack"), "--passphrase-file",
                  str(team), "--file-passphrase-file", str(pw)],
                 ["sync", str(path), str(folder), "--passphrase-file", str(team),
                  "--file-passphrase-file", str(pw)],
                 ["merge", str(path), str(tmp_path / "x.fwpack"), "--passphrase-file",
                  str(team), "--file-passphrase-file", str(pw)],
                 ["appendix", str(path), "-o", str(tmp_path / "a.pdf"), *key],
                 ["note", "add", str(path), "--author", "Ann Lead", "--text", "x",
                  "--source", "observation", *key]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "retired" in err, (argv, err)
    assert not (tmp_path / "x.fwpack").exists()
    assert main(["letter", str(path), "-o", str(tmp_path / "l.pdf"), *key]) == 0
    assert (tmp_path / "l.pdf").read_bytes() == b"%PDF-1.4 the issued letter"
    assert main(["export", str(path), *key]) == 0
    capsys.readouterr()


def test_encrypted_file_on_a_read_only_disk_reads_through_an_encrypted_copy(
        tmp_path: Path) -> None:
    """A file whose log was left by a killed app, on a read-only disk, is read from a
    private copy of the file and its log: as encrypted as they are."""
    import os
    import shutil
    import subprocess
    import sys

    from tests.helpers.mounts import remount_read_only, tmpfs

    work = tmp_path / "work"
    work.mkdir()
    path = work / "e.fieldwork"
    with Store.create(path, passphrase=PASS) as store:
        _fill(store, 50)
    killed = subprocess.run([sys.executable, "-c", (
        f"import os, sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from fieldwork.store import Store\n"
        f"s = Store.open({str(path)!r}, passphrase={PASS!r})\n"
        f"s.add_note(author=s.me, source='observation', text='Last words {MARK}last')\n"
        "os._exit(9)")],
        check=False)
    assert killed.returncode == 9
    assert Path(f"{path}-wal").stat().st_size > 0
    with tmpfs(tmp_path / "disk", "4m") as disk:
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{path}{suffix}", disk / f"e.fieldwork{suffix}")
        remount_read_only(disk)
        data = Path(os.environ["FIELDWORK_DATA_DIR"])
        with Store.open(disk / "e.fieldwork", passphrase=PASS) as store:
            assert not store.writable
            assert store.search(f"{MARK}last")
            copies = [p for p in data.rglob("*") if p.is_file()]
            assert copies, "read through a private copy"
            for copy in copies:
                assert MARK.encode() not in copy.read_bytes(), copy
        assert [p for p in data.rglob("*") if p.is_file()] == []


def test_sync_with_an_encrypted_file(tmp_path: Path) -> None:
    from fieldwork.packs.sync import sync

    lead = tmp_path / "lead.fieldwork"
    with Store.create(lead, passphrase=PASS) as store:
        _fill(store, 20)
        copy = save_copy(store, tmp_path / "mine.fieldwork")
    folder = tmp_path / "team"
    folder.mkdir()
    with Store.open(copy, passphrase=PASS) as other:
        other.add_note(author=other.me, source="interview", text=f"From the copy {MARK}sync")
        sync(other, folder, TEAM)
    with Store.open(lead, passphrase=PASS) as store:
        sync(store, folder, TEAM)
        assert store.search(f"{MARK}sync")
    for pack in folder.rglob("*.fwpack"):
        assert MARK.encode() not in pack.read_bytes()


def test_a_reopened_letter_is_not_retired(tmp_path: Path) -> None:
    from fieldwork import issuing

    path = tmp_path / "r.fieldwork"
    _issued(path, None, count=3)
    with Store.open(path) as store:
        issuing.reopen(store)
        assert retention.retention_date(store) is None
        with pytest.raises(retention.NotIssued, match="reopened"):
            retention.retire(store, by="Ann", now=True)
        assert store.count_notes() == 3
