"""Syncing through a team folder: what is written, what is merged, and what sync engines do."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldwork import files
from fieldwork.errors import (
    InvalidValue,
    NoTeamFolder,
    ReadOnly,
    StaleCopy,
    WrongPassphrase,
)
from fieldwork.files import ProtectedFile
from fieldwork.packs import container, crypto, join_pack, merge_packs
from fieldwork.packs import sync as S
from fieldwork.store import Store
from fieldwork.store import teampacks as T
from fieldwork.store.schema import SCHEMA_VERSION
from tests.helpers.packs import (
    NOTE_2,
    PASSPHRASE,
    files_digest,
    join_team,
    make_lead,
    pack,
    remake,
    state,
)
from tests.helpers.teamfolder import pack_of, synced, team_folder_story

HOUR_AGO = time.time() - 3600


class PlainFolder:
    """One folder every copy writes to and reads from, as on a network share."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()

    def folder(self, who: str) -> Path:
        return self.path

    def settle(self) -> None:
        pass


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "Team"
    path.mkdir()
    return path


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[Store, Store, Store]]:
    """The lead and two members (Derek, Fiona), made by joining; files outside the folder."""
    home = tmp_path / "copies"
    home.mkdir()
    lead = make_lead(home)
    derek, fiona = join_team(lead, home, 2)
    (home / "lead-first.fwpack").unlink()
    yield lead, derek, fiona
    for store in (lead, derek, fiona):
        store.close()


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packs decrypted, by file name."""
    seen: list[str] = []
    real = container.read_pack

    def counting(path: Path, passphrase: str) -> Any:
        seen.append(Path(path).name)
        return real(path, passphrase)

    monkeypatch.setattr(container, "read_pack", counting)
    return seen


def age(path: Path, seconds: float = 3600) -> None:
    """Make a file look as if it had not changed for ``seconds``."""
    then = time.time() - seconds
    os.utime(path, (then, then))


# ------------------------------------------------------------------- the story
def test_the_story_through_a_plain_shared_folder(tmp_path: Path) -> None:
    team_folder_story(tmp_path, PlainFolder(tmp_path / "Share"))


# ----------------------------------------------------------------- writing
def test_the_first_sync_writes_this_copys_pack_owner_only(
    team: tuple[Store, Store, Store], folder: Path
) -> None:
    lead = team[0]
    report = synced(lead, folder)
    target = pack_of(lead, folder)
    assert report.wrote is not None and report.wrote.path == target
    assert target.parent == folder / lead.inspection_id
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left
    header = container.read_header(target)
    assert (header.replica, header.inspection_id) == (lead.replica, lead.inspection_id)
    assert report.lines()[1].startswith(f"wrote {target.name} (")
    # The pack is an ordinary one: a new member can join from it.
    joined = join_pack(target, folder.parent / "paul.fieldwork", PASSPHRASE, "Paul Hendry")
    assert state(joined) == state(lead)
    joined.close()


def test_a_sync_with_nothing_new_reads_and_writes_nothing(
    team: tuple[Store, Store, Store], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, derek, fiona = team
    for store in (derek, fiona, lead):
        synced(store, folder)
    synced(lead, folder)
    before_files, before_folder = files_digest(lead.path), listing(folder)

    def no(*_a: object, **_k: object) -> None:
        raise AssertionError("a sync with nothing new decrypted or wrote a pack")

    monkeypatch.setattr(container, "read_pack", no)
    monkeypatch.setattr(container, "write_pack", no)
    monkeypatch.setattr(crypto, "derive_key", no)
    report = synced(lead, folder)
    assert report.nothing_new and report.packs == 2
    assert report.lines()[-1] == "nothing new (2 packs of the team checked)"
    assert files_digest(lead.path) == before_files
    assert listing(folder) == before_folder


def test_notes_travel_and_merging_is_not_a_change_to_pass_on(
    team: tuple[Store, Store, Store], folder: Path
) -> None:
    lead, derek, fiona = team
    for store in (lead, derek, fiona):
        synced(store, folder)
    derek.add_note(author=derek.me, source="interview", text="Derek's first interview.")
    derek.add_note(author=derek.me, source="interview", text="Derek's second interview.")
    derek.delete_note(NOTE_2)
    report = synced(derek, folder)
    assert report.wrote is not None

    report = synced(lead, folder)
    assert report.wrote is None  # the lead changed nothing itself
    derek_summary = next(s for s in report.merged if s.sender == "Derek Osei")
    assert (derek_summary.added, derek_summary.deleted, derek_summary.new_notes) == (2, 1, 2)
    assert lead.count_notes() == 3
    # What the lead merged is not passed on: Fiona reads it from Derek's own pack.
    assert synced(lead, folder).nothing_new
    report = synced(fiona, folder)
    assert [s.sender for s in report.merged if any(s.counts)] == ["Derek Osei"]
    assert state(fiona) == state(lead)
    # A change of the lead's own is written at the next sync, and only once.
    lead.add_note(author=lead.me, source="observation", text="The lead's own note.")
    assert synced(lead, folder).wrote is not None
    assert synced(lead, folder).wrote is None


def test_bookkeeping_reads_a_touched_pack_by_its_hash_alone(
    team: tuple[Store, Store, Store], folder: Path, reads: list[str]
) -> None:
    lead, derek, _ = team
    synced(derek, folder)
    synced(lead, folder)
    derek_pack = pack_of(derek, folder)
    assert reads == [derek_pack.name]
    rows = lead.team_packs.load()
    assert rows[derek_pack.name].state == T.MERGED and rows[derek_pack.name].merge_id
    assert rows[derek_pack.name].sha256 == S._sha256(derek_pack)[0]
    assert rows[pack_of(lead, folder).name].state == T.MINE

    # Touched (as an engine does when it copies a file again): hashed, not decrypted.
    os.utime(derek_pack, (HOUR_AGO, HOUR_AGO))
    report = synced(lead, folder)
    assert reads == [derek_pack.name] and not report.merged
    assert lead.team_packs.load()[derek_pack.name].mtime_ns == derek_pack.stat().st_mtime_ns
    # The same bytes under an engine's conflict name: recognised by their hash.
    shutil.copyfile(derek_pack, derek_pack.with_name(
        f"{derek_pack.stem}.sync-conflict-20090625-101112-ABCDEFG.fwpack"))
    shutil.copyfile(derek_pack, derek_pack.with_name(f"{derek_pack.stem}-DEREKS-LAPTOP.fwpack"))
    report = synced(lead, folder)
    assert reads == [derek_pack.name] and not report.merged and not report.refused
    assert report.packs == 3


def test_a_pack_still_arriving_is_skipped_then_merged(
    team: tuple[Store, Store, Store], folder: Path, tmp_path: Path
) -> None:
    lead, derek, _ = team
    synced(lead, folder)
    derek.add_note(author=derek.me, source="observation", text="Arrives late.")
    whole = pack(derek, tmp_path / "derek-whole.fwpack").read_bytes()
    target = pack_of(derek, folder)
    for part in (whole[:20], whole[: len(whole) // 3], whole[: len(whole) - 1]):
        target.write_bytes(part)  # a network share shows the file as it is copied
        report = synced(lead, folder)
        assert not report.merged and not report.refused
        assert [n.name for n in report.waiting] == [target.name]
        assert "will be merged once it has arrived" in report.lines()[-1]
    target.write_bytes(whole)
    report = synced(lead, folder)
    assert [s.new_notes for s in report.merged] == [1] and not report.waiting


def test_a_pack_damaged_while_arriving_is_waited_for_then_reported_once(
    team: tuple[Store, Store, Store], folder: Path, tmp_path: Path
) -> None:
    lead, derek, _ = team
    whole = bytearray(pack(derek, tmp_path / "d.fwpack").read_bytes())
    target = pack_of(derek, folder)
    target.parent.mkdir()
    whole[-50] ^= 0xFF  # fails authentication: an engine writing the file in place, say
    target.write_bytes(whole)
    report = synced(lead, folder)  # fresh: it may still be changing
    assert [n.name for n in report.waiting] == [target.name] and not report.refused
    report = synced(lead, folder)  # unchanged since the last look: it is damaged
    assert not report.waiting
    assert [(n.name, n.sender) for n in report.refused] == [(target.name, "Derek Osei")]
    assert "fails authentication" in report.refused[0].reason
    assert synced(lead, folder).nothing_new  # reported once
    age(target)
    assert synced(lead, folder).nothing_new  # touched: known by its hash
    # Derek's next sync replaces the damaged file under his name, and it is merged.
    derek.add_note(author=derek.me, source="observation", text="Written again.")
    report = synced(derek, folder)
    assert report.wrote is not None and [n.name for n in report.refused] == [target.name]
    assert [s.new_notes for s in synced(lead, folder).merged] == [1]


def test_a_pack_cut_short_that_stopped_arriving_is_reported_once(
    team: tuple[Store, Store, Store], folder: Path, tmp_path: Path
) -> None:
    lead, derek, _ = team
    whole = pack(derek, tmp_path / "d.fwpack").read_bytes()
    target = pack_of(derek, folder)
    target.parent.mkdir()
    target.write_bytes(whole[:5000])
    age(target, 7200)
    assert [n.name for n in synced(lead, folder).waiting] == [target.name]
    report = synced(lead, folder)
    assert [n.name for n in report.refused] == [target.name]
    assert report.refused[0].reason.startswith("it stopped arriving (the pack is truncated")
    assert synced(lead, folder).nothing_new


def test_a_bad_pack_is_reported_once_and_never_blocks_the_good_ones(
    team: tuple[Store, Store, Store], folder: Path, tmp_path: Path
) -> None:
    lead, derek, fiona = team
    for store in (derek, fiona):
        store.add_note(author=store.me, source="observation", text=f"From {store.me}.")
        synced(store, folder)
    # Fiona's pack claims a note with an unknown source: refused by the checks.
    bad = remake(pack_of(fiona, folder), tmp_path / "bad.fwpack",
                 sql="UPDATE notes SET source = 'evil'")
    shutil.copyfile(bad, pack_of(fiona, folder))
    age(pack_of(fiona, folder))
    report = synced(lead, folder)
    assert [s.sender for s in report.merged] == ["Derek Osei"]
    assert [(n.sender, n.reason.split(":")[0]) for n in report.refused] == [
        ("Fiona Marchetti", "notes row 0e000000-0000-4000-8000-000000000001")]
    assert lead.count_notes() == 3
    assert synced(lead, folder).nothing_new  # not reported, nor read, again
    # A garbage file and a pack made with another passphrase: refused, each once.
    garbage = folder / lead.inspection_id / "notes.fwpack"
    garbage.write_text("not a pack at all\n")
    age(garbage)
    other = tmp_path / "other-passphrase.fwpack"
    container.write_pack(other, {
        "inspection_id": lead.inspection_id, "sender_id": "x", "sender_name": "Mallory",
        "replica": "00000000-0000-4000-8000-000000000000", "made_at": "2009-06-25T10:00:00Z",
        "schema_version": 2}, _Empty(), "another passphrase entirely")
    shutil.copyfile(other, folder / lead.inspection_id / "mallory.fwpack")
    age(folder / lead.inspection_id / "mallory.fwpack")
    report = synced(lead, folder)
    assert {n.name: n.reason for n in report.refused} == {
        "mallory.fwpack": "made with another passphrase than the team's",
        "notes.fwpack": "not a Fieldwork pack",
    }
    assert synced(lead, folder).nothing_new


class _Empty:
    size = 0

    def readinto(self, buffer: memoryview) -> int:
        return 0


def test_engine_files_and_other_inspections_are_left_alone(
    team: tuple[Store, Store, Store], folder: Path, tmp_path: Path, reads: list[str]
) -> None:
    lead, derek, _ = team
    synced(derek, folder)
    sub = folder / lead.inspection_id
    junk = b"partial download"
    for name in (".syncthing.abc.fwpack.tmp", f".{derek.replica}.fwpack.tmp",
                 "~syncthing~abc.fwpack.tmp", "notes.txt", "desktop.ini", ".stfolder"):
        (sub / name).write_bytes(junk)
    (sub / "folder.fwpack").mkdir()
    other = Store.create(tmp_path / "other.fieldwork", inspection={"template": "ucra-2009"})
    shutil.copyfile(pack(other, tmp_path / "o.fwpack"), sub / "other.fwpack")
    other.close()
    report = synced(lead, folder)
    assert reads == [pack_of(derek, folder).name]
    assert [n.name for n in report.ignored] == ["other.fwpack"]
    assert "another inspection" in report.ignored[0].reason
    assert not report.refused and not report.waiting
    assert synced(lead, folder).nothing_new  # the ignored pack is not mentioned again
    assert (sub / ".syncthing.abc.fwpack.tmp").read_bytes() == junk


def test_a_pack_in_the_wrong_folder_is_not_looked_at(
    team: tuple[Store, Store, Store], folder: Path
) -> None:
    lead, derek, _ = team
    synced(derek, folder)
    shutil.move(pack_of(derek, folder), folder / "derek.fwpack")
    assert synced(lead, folder).merged == []


def test_work_files_left_in_the_folder_are_swept_at_every_sync(
    team: tuple[Store, Store, Store], folder: Path
) -> None:
    lead = team[0]
    synced(lead, folder)
    sub = folder / lead.inspection_id
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    name = pack_of(lead, folder).name

    def work_file(host: str, pid: int, hours: float) -> Path:
        path = sub / f".{name}.{host}-{pid}-0123abcd.tmp"
        path.write_bytes(b"a pack being written")
        age(path, hours * 3600)
        return path

    killed = work_file(files.HOST_TAG, proc.pid, 0)  # this machine, its maker gone
    writing = work_file(files.HOST_TAG, os.getpid(), 0)  # a pack being written here now
    elsewhere = work_file("0badc0de", 1, 2)  # another member's machine, copied by the engine
    abandoned = work_file("0badc0de", 2, 25)
    report = synced(lead, folder)
    assert report.nothing_new  # swept though there was nothing to write
    assert not killed.exists() and not abandoned.exists()
    assert writing.exists() and elsewhere.exists()


# ------------------------------------------------------------ this copy's own pack
def test_copies_of_this_copys_own_pack_are_never_merged_back_wrongly(
    team: tuple[Store, Store, Store], folder: Path, reads: list[str]
) -> None:
    lead = team[0]
    synced(lead, folder)
    own = pack_of(lead, folder)
    older = own.with_name(f"{own.stem}.sync-conflict-20090624-090000-XYZ.fwpack")
    shutil.copyfile(own, older)  # an engine's copy of an older pack of this copy
    lead.add_note(author=lead.me, source="observation", text="Newer than that pack.")
    report = synced(lead, folder)
    assert report.wrote is not None
    assert report.merged == [] and not report.refused  # a copy of what it wrote: not read
    assert reads == []
    # An older pack of this copy that it did not know of: read, and it brings nothing.
    lead.add_note(author=lead.me, source="observation", text="Newer still.")
    shutil.copyfile(own, own.with_name(f"{own.stem}-LAPTOP.fwpack"))
    synced(lead, folder)
    report = synced(lead, folder)
    assert report.merged == [] and report.wrote is None
    assert lead.count_notes() == 4


@pytest.mark.parametrize("changes_since", [0, 1, 3])
def test_an_old_copy_says_so_and_writes_nothing(
    team: tuple[Store, Store, Store], folder: Path, tmp_path: Path, changes_since: int
) -> None:
    lead = team[0]
    synced(lead, folder)
    backup = tmp_path / "backup.fieldwork"
    lead.backup(backup)  # the lead backs the file up, and works on
    lead.add_note(author=lead.me, source="observation", text="After the backup.")
    synced(lead, folder)
    restored = Store.open(backup)  # the laptop dies; the backup is restored
    try:
        # With as many changes as were lost since, or more, its clock is no help.
        for i in range(changes_since):
            restored.add_note(author=restored.me, source="observation", text=f"Restored {i}.")
        before, listed = files_digest(backup), listing(folder)
        with pytest.raises(StaleCopy, match="older than its own pack in the team folder") as err:
            synced(restored, folder)
        assert "fieldwork join" in str(err.value) and "\n" not in str(err.value)
        assert files_digest(backup) == before and listing(folder) == listed
    finally:
        restored.close()


def test_a_copy_that_crashed_before_recording_its_pack_writes_it_again(
    team: tuple[Store, Store, Store], folder: Path
) -> None:
    lead = team[0]
    S.prepare(lead, folder, PASSPHRASE)  # the pack is written; the record never is
    assert lead.team_packs.load() == {}
    report = synced(lead, folder)
    assert report.wrote is not None and not report.refused
    assert lead.team_packs.load()[pack_of(lead, folder).name].state == T.MINE
    assert synced(lead, folder).nothing_new


# ------------------------------------------------------------------- refusals
def test_a_wrong_passphrase_is_refused_before_anything_is_written(
    team: tuple[Store, Store, Store], folder: Path
) -> None:
    lead, derek, _ = team
    synced(derek, folder)
    lead.add_note(author=lead.me, source="observation", text="Not yet packed.")
    before, listed = files_digest(lead.path), listing(folder)
    with pytest.raises(WrongPassphrase, match="opens none of the team's packs") as err:
        S.sync(lead, folder, "a wrong passphrase for sure")
    assert "wrong passphrase for sure" not in str(err.value)
    assert files_digest(lead.path) == before and listing(folder) == listed


def test_a_missing_folder_and_a_file_inside_the_folder_are_refused(
    team: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead = team[0]
    with pytest.raises(NoTeamFolder, match="no such folder"):
        synced(lead, tmp_path / "unplugged")
    (tmp_path / "a-file").write_text("")
    with pytest.raises(NoTeamFolder, match="not a folder"):
        synced(lead, tmp_path / "a-file")
    with pytest.raises(InvalidValue, match="inside the team folder"):
        synced(lead, lead.path.parent.parent)
    assert not (lead.path.parent.parent / lead.inspection_id).exists()


def test_a_read_only_copy_says_so_plainly(folder: Path, tmp_path: Path) -> None:
    home = tmp_path / "cd"
    home.mkdir()
    path = make_lead(home).path
    path.chmod(0o444)  # as on a CD, or a file marked read-only
    copy = Store.open(path)
    try:
        with pytest.raises(ReadOnly, match="read-only, and a sync must write to it"):
            synced(copy, folder)
        assert listing(folder) == {}
    finally:
        copy.close()


def test_a_pack_of_the_previous_schema_is_merged(
    team: tuple[Store, Store, Store], folder: Path, tmp_path: Path
) -> None:
    lead, derek, _ = team
    derek.add_note(author=derek.me, source="observation", text="From an older Fieldwork.")
    old = remake(pack(derek, tmp_path / "d.fwpack"), tmp_path / "old.fwpack", user_version=1,
                 header={"schema_version": 1},
                 sql=["DROP TABLE team_packs",
                      "DELETE FROM _sqlite_migrations WHERE name = '0002_team_folder'"])
    assert container.read_header(old).schema_version == 1
    target = pack_of(derek, folder)
    target.parent.mkdir()
    shutil.copyfile(old, target)
    report = synced(lead, folder)
    assert [s.new_notes for s in report.merged] == [1] and not report.refused
    assert [s.added for s in merge_packs(lead, [old], PASSPHRASE)] == [0]
    joined = join_pack(old, tmp_path / "paul.fieldwork", PASSPHRASE, "Paul Hendry")
    assert state(joined) == state(lead)
    joined.close()


def _as_schema_1(path: Path) -> None:
    """Make a file look as the previous Fieldwork left it: no bookkeeping table."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE team_packs; DELETE FROM _sqlite_migrations WHERE "
                       "name IN ('0002_team_folder', '0003_finding_places'); "
                       "PRAGMA user_version = 1;")
    conn.close()


def test_a_file_of_the_previous_schema_is_upgraded_or_read_as_it_is(tmp_path: Path) -> None:
    home = tmp_path / "old"
    home.mkdir()
    store = make_lead(home)
    path = store.path
    store.close()
    _as_schema_1(path)
    with Store.open(path) as upgraded:
        assert upgraded.raw_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert upgraded.team_packs.load() == {}
    _as_schema_1(path)
    before = files_digest(path)
    # Opened read-only on purpose (a second window), or marked read-only (as on a CD):
    # read as it is, not upgraded, and left byte for byte.
    with Store.open(path, read_only=True) as read_only:
        assert not read_only.writable
        assert read_only.raw_sql("PRAGMA user_version").fetchone()[0] == 1
        assert read_only.team_packs.load() == {} and read_only.count_notes() == 2
    assert files_digest(path)["file"] == before["file"]
    path.chmod(0o444)
    try:
        with Store.open(path) as read_only:
            assert not read_only.writable
            assert read_only.raw_sql("PRAGMA user_version").fetchone()[0] == 1
            assert read_only.team_packs.load() == {} and read_only.count_notes() == 2
            with pytest.raises(ReadOnly, match="a sync must write to it"):
                synced(read_only, tmp_path / "old")
    finally:
        path.chmod(0o600)
    assert files_digest(path)["file"] == before["file"]


def test_a_sync_never_checkpoints_so_never_holds_up_another_connections_writes(
    team: tuple[Store, Store, Store], folder: Path
) -> None:
    # A checkpoint that empties the log holds the file's writer lock while it waits for
    # readers: the app's saves, on its other connection, would wait or fail meanwhile. The
    # pack is serialised by SQLite instead, so the log is never truncated by a sync.
    lead, derek, _ = team
    synced(derek, folder)
    lead.raw_sql("PRAGMA wal_autocheckpoint = 0")  # SQLite's own, after commits, aside
    for i in range(40):
        lead.add_note(author=lead.me, source="observation", text=f"To be packed {i}.")
    wal = Path(f"{lead.path}-wal")
    before = wal.stat().st_size
    assert before > 40 * 4096
    report = synced(lead, folder)
    assert report.wrote is not None and report.merged
    assert wal.stat().st_size >= before


def test_another_pack_under_this_copys_name_is_never_written_over(
    team: tuple[Store, Store, Store], folder: Path, tmp_path: Path
) -> None:
    lead, derek, _ = team
    own = pack_of(lead, folder)
    own.parent.mkdir()
    # Derek's pack, put under the lead's name: the sync stops before writing anything.
    derek.add_note(author=derek.me, source="observation", text="Misfiled.")
    shutil.copyfile(pack(derek, tmp_path / "d.fwpack"), own)
    before, listed = files_digest(lead.path), listing(folder)
    with pytest.raises(ProtectedFile, match=r"a pack this copy did not make \(from Derek") as err:
        synced(lead, folder)
    assert "move it out of the team folder" in str(err.value) and "\n" not in str(err.value)
    assert files_digest(lead.path) == before and listing(folder) == listed
    # Moved aside, it is merged as the pack it is, and the lead's own is written.
    shutil.move(own, own.with_name("misfiled.fwpack"))
    report = synced(lead, folder)
    assert [s.new_notes for s in report.merged] == [1] and report.wrote is not None
    assert container.read_header(own).replica == lead.replica
    # A pack of another inspection under its name: the same.
    with Store.create(tmp_path / "other.fieldwork") as other:
        shutil.copyfile(pack(other, tmp_path / "o.fwpack"), own)
    lead.add_note(author=lead.me, source="observation", text="Changed since.")
    with pytest.raises(ProtectedFile, match="of another inspection"):
        synced(lead, folder)


def test_this_copys_own_pack_cut_short_is_waited_for_then_replaced(
    team: tuple[Store, Store, Store], folder: Path
) -> None:
    lead = team[0]
    synced(lead, folder)
    own = pack_of(lead, folder)
    lead.add_note(author=lead.me, source="observation", text="Changed since.")
    own.write_bytes(own.read_bytes()[:3000])
    report = synced(lead, folder)
    assert report.wrote is None and [n.name for n in report.waiting] == [own.name]
    age(own, 7200)
    synced(lead, folder)  # the first look at it as it now is
    report = synced(lead, folder)
    assert report.wrote is not None
    assert container.read_header(own).replica == lead.replica
    assert synced(lead, folder).nothing_new
    # A damaged file there that is not a pack at all is replaced; one with a pack's
    # beginning but no readable header may be anyone's: left, and the sync says so.
    lead.add_note(author=lead.me, source="observation", text="Changed again.")
    own.write_bytes(b"not a pack")
    age(own, 7200)  # unchanged for long: not arriving
    assert synced(lead, folder).wrote is not None
    lead.add_note(author=lead.me, source="observation", text="And again.")
    own.write_bytes(own.read_bytes()[:40])
    age(own, 7200)
    assert [n.name for n in synced(lead, folder).waiting] == [own.name]
    with pytest.raises(ProtectedFile, match="a file this copy did not make"):
        synced(lead, folder)


# ------------------------------------------------------------------ disk faults
def test_a_full_team_folder_writes_and_merges_nothing_then_recovers(
    team: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    from fieldwork.errors import DiskFull
    from tests.helpers.mounts import tmpfs

    lead, derek, _ = team
    with tmpfs(tmp_path / "share", "2m") as share:
        derek.add_note(author=derek.me, source="observation", text="On the share.")
        synced(derek, share)
        filler = share / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as fh:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        before, listed = files_digest(lead.path), listing(share)
        with pytest.raises(DiskFull, match="the disk is full; nothing was written"):
            synced(lead, share)
        assert files_digest(lead.path) == before  # Derek's pack was not merged
        assert listing(share) == listed  # nor is a piece of the lead's left behind
        filler.unlink()
        report = synced(lead, share)
        assert report.wrote is not None and [s.new_notes for s in report.merged] == [1]


def test_a_read_only_share_or_disk_says_so_in_one_line(
    team: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    from tests.helpers.mounts import remount_read_only, tmpfs

    lead, derek, _ = team
    with tmpfs(tmp_path / "share", "4m") as share:
        synced(derek, share)
        remount_read_only(share)  # a share mounted read-only
        before = files_digest(lead.path)
        with pytest.raises(ReadOnly, match="read-only") as err:
            synced(lead, share)
        assert "\n" not in str(err.value) and files_digest(lead.path) == before
    with tmpfs(tmp_path / "cd", "4m") as cd:  # the inspection file on a read-only disk
        lead.backup(cd / "lead.fieldwork")
        remount_read_only(cd)
        with Store.open(cd / "lead.fieldwork") as on_cd:
            with pytest.raises(ReadOnly, match="on a read-only disk, and a sync must write"):
                synced(on_cd, tmp_path / "copies")
