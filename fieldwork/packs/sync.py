"""Syncing through a team folder: this copy's pack out, the team's new packs in.

A team folder is any folder that a sync engine (Syncthing, OneDrive or SharePoint, a
network share) keeps the same on every member's machine. Only packs go in it: each copy
keeps its own as ``FOLDER/<inspection id>/<replica id>.fwpack`` and merges everyone
else's. The inspection file itself never goes there.

A sync (:func:`sync`, or :func:`prepare` then :func:`apply`):

1. **Looks** at the inspection's folder: every ``*.fwpack`` file that is not hidden (the
   engines' temporary files, ``.syncthing.*.tmp`` and ``~syncthing~*.tmp``, and
   Fieldwork's own work files are hidden; those of dead processes are swept away, see
   :func:`fieldwork.files.sweep`). Each is compared with this copy's record of it
   (:mod:`fieldwork.store.teampacks`): a file whose size, modification time and inode are
   as recorded is not read at all. One that differs is hashed; if its sha256 is one this
   copy has decided about (the same pack under another name, as the engines' conflict
   copies ``*.sync-conflict-*`` and OneDrive's ``NAME-PCNAME`` copies often are), that
   decision stands. Only new content is read.
2. **Writes** this copy's pack, atomically (a hidden temporary name, then a rename), when
   the copy has changed since it last wrote one there: its write counter (the ``clock``,
   which every local change advances) is past the one recorded for its pack, or the pack
   is missing or was replaced. Merging is not a change: every member reads every pack, so
   passing on what was merged would only make each change travel once per member.
   Before anything is written, the passphrase is checked against the packs' headers (and
   must be one a pack may be made with). Only this copy's own previous pack is ever
   replaced (:func:`~fieldwork.packs.export.is_own_pack`): any other pack found under its
   name stops the sync, since writing over it would destroy another's evidence.
3. **Merges** every new pack that passes every check of :func:`~fieldwork.packs.merge_packs`,
   all of them together in one transaction with the record of every file, so a sync
   merges all it has read or (on an error while writing) nothing, and the next sync tries
   again. A pack that fails is left out and does not hold up the others:

   * one that is cut short, or fails while it is still changing (its size or time differ
     from the last look, or it is under half a minute old), is *still arriving*: skipped
     without complaint and read again next time;
   * one that fails otherwise is *refused*: reported once, and not read again until the
     file changes;
   * a pack of another inspection is *ignored*.

A sync with nothing new writes nothing at all, to the folder or to the inspection file.

This copy's own pack is never merged back wrongly. An older pack of this copy brings
nothing. A pack with versions of this copy that this copy never made is refused (forged),
and when it carries this copy's own id it means the copy is an old one (a restored
backup, or a copy of the file): the sync then stops before writing anything
(:class:`~fieldwork.errors.StaleCopy`), because writing would replace the newer pack.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldwork import files
from fieldwork.errors import (
    BadPack,
    ForgedPack,
    IncompletePack,
    InvalidValue,
    NoTeamFolder,
    ReadOnly,
    StaleCopy,
    WrongPackPassphrase,
)
from fieldwork.files import ProtectedFile
from fieldwork.model import Changes
from fieldwork.packs import container, snapshot
from fieldwork.packs.conflicts import count_conflicts
from fieldwork.packs.export import PackInfo, check_new_passphrase, export_pack, refuse_retired
from fieldwork.packs.merge import (
    CheckedPack,
    Indexes,
    Merged,
    MergeSummary,
    check_pack,
    merge_checked,
    receiver_of,
)
from fieldwork.packs.validate import PackRows, Receiver
from fieldwork.store import Store, now
from fieldwork.store import rows as R
from fieldwork.store import teampacks as T
from fieldwork.store.schema import REPLICATED_TABLES
from fieldwork.store.teampacks import Look, TeamPack
from fieldwork.versions import loads

SUFFIX = ".fwpack"
#: A pack that fails to open within this long of its last change may still be arriving.
SETTLE_SECONDS = 30.0
#: A pack cut short that has not changed for this long has stopped arriving.
STALLED_SECONDS = 600.0

#: Called as a sync goes, with what is happening (for a status line).
Progress = Callable[[str], None]


def pack_folder(folder: str | os.PathLike[str], inspection_id: str) -> Path:
    """The inspection's own folder inside a team folder."""
    return Path(folder) / inspection_id


def own_pack_name(store: Store) -> str:
    """The file name of this copy's pack in the team folder."""
    return f"{store.replica}{SUFFIX}"


def is_pack_name(name: str) -> bool:
    """Whether a file in the inspection's folder may be a pack: ``*.fwpack``, not hidden.

    Hidden names are the sync engines' temporary files (``.syncthing.NAME.tmp``, and
    ``~syncthing~NAME.tmp`` on Windows) and this copy's own work files.
    """
    return name.lower().endswith(SUFFIX) and not name.startswith((".", "~"))


@dataclass(frozen=True)
class PackNote:
    """A file that was not merged, and why."""

    name: str
    sender: str
    reason: str


@dataclass
class SyncReport:
    """What one sync did."""

    #: The inspection's folder in the team folder.
    folder: Path
    at: str
    #: The team's packs in the folder (this copy's own pack and copies of it not counted).
    packs: int = 0
    #: This copy's pack, if it was written.
    wrote: PackInfo | None = None
    merged: list[MergeSummary] = field(default_factory=list)
    #: Packs refused at this sync (each is reported once, and tried again if it changes).
    refused: list[PackNote] = field(default_factory=list)
    #: Packs still arriving: tried again next time.
    waiting: list[PackNote] = field(default_factory=list)
    #: Files ignored at this sync: packs of another inspection.
    ignored: list[PackNote] = field(default_factory=list)
    #: Conflicts open after the sync.
    open_conflicts: int = 0
    #: What merging changed in this copy (``everything`` when it wrote any row).
    changes: Changes = field(default_factory=Changes)

    @property
    def nothing_new(self) -> bool:
        """Nothing written, merged, refused or ignored."""
        return not (self.wrote or self.merged or self.refused or self.ignored)

    @property
    def changed(self) -> bool:
        """Whether merging changed this copy."""
        return bool(self.changes)

    def lines(self) -> list[str]:
        """The report for a person, a line per event (refusals apart: see ``refused``)."""
        out = [f"team folder: {self.folder}"]
        if self.wrote is not None:
            out.append(f"wrote {self.wrote.path.name} ({_size(self.wrote.size)}): this "
                       "copy's pack, with its changes since the last one")
        out.extend(
            s.describe() if any(s.counts) else
            f"read {s.pack} from {s.sender} (made {s.made_at}): nothing this copy lacked"
            for s in self.merged
        )
        out.extend(f"waiting for {n.name}{_from(n)}: {n.reason}; it will be merged once it "
                   "has arrived" for n in self.waiting)
        out.extend(f"ignored {n.name}{_from(n)}: {n.reason}" for n in self.ignored)
        if self.nothing_new and not self.waiting:
            out.append(f"nothing new ({self.packs} pack{'s' if self.packs != 1 else ''} "
                       "of the team checked)")
        return out


def _from(note: PackNote) -> str:
    return f" from {note.sender}" if note.sender else ""


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


@dataclass
class Prepared:
    """A sync read and checked, its pack written, ready for :func:`apply`."""

    report: SyncReport
    inspection_id: str
    replica: str
    packs: list[CheckedPack]
    #: Records to write, by file name; a merged pack's gets its merge entry at apply.
    records: dict[str, TeamPack]
    forget: list[str]
    #: The store it was prepared with, the version indexes it read, and how that store's
    #: connection stood then (data_version, total_changes): when :func:`apply` is given the
    #: same store, unchanged since, the merge uses those indexes rather than read them again.
    store: Store | None = field(default=None, repr=False)
    indexes: Indexes | None = field(default=None, repr=False)
    mark: tuple[int, int] = (0, 0)

    @property
    def writes(self) -> bool:
        """Whether :func:`apply` has anything to write to the inspection file."""
        return bool(self.packs or self.records or self.forget)


def sync(store: Store, folder: str | os.PathLike[str], passphrase: str, *,
         progress: Progress | None = None) -> SyncReport:
    """Write this copy's pack to the team folder if it changed, and merge the team's new
    packs: :func:`prepare` and :func:`apply` on one store.

    :raises ReadOnly: the inspection file cannot be written
    :raises NoTeamFolder: the team folder is missing or cannot be used
    :raises InvalidValue: the inspection file is inside the team folder, or the passphrase
        is too short to make a pack with (:func:`~fieldwork.packs.export.check_new_passphrase`)
    :raises WrongPackPassphrase: the passphrase opens none of the team's packs
    :raises StaleCopy: this copy is older than its own pack in the folder
    :raises ProtectedFile: a pack this copy did not make is under this copy's own name
    """
    return apply(store, prepare(store, folder, passphrase, progress=progress))


def prepare(store: Store, folder: str | os.PathLike[str], passphrase: str, *,
            progress: Progress | None = None, merge: bool = True) -> Prepared:
    """Look at the folder, write this copy's pack if it changed, and read and check the
    new packs. Writes nothing to the inspection file: :func:`apply` does, with the same
    file open elsewhere if need be (the app prepares off its writing thread).

    ``merge=False`` only writes this copy's pack (the app, closing): the team's packs are
    left for the next sync.

    :raises: as for :func:`sync`
    """
    refuse_retired(store)
    if not store.writable:
        raise ReadOnly(
            f"{store.path}: {store.read_only_reason}, and a sync must write to it (the "
            "packs it merges, and its record of the team folder); nothing was synced"
        )
    check_new_passphrase(passphrase)  # a sync makes packs: the rule for a new pack holds
    store.invalidate_caches()  # the clock and team may have moved on since it was opened
    sub = _inspection_folder(store, Path(folder))
    return _Sync(store, sub, passphrase, progress or (lambda what: None), merge).run()


def apply(store: Store, prepared: Prepared) -> SyncReport:
    """Merge the checked packs and record every file, in one transaction; then count the
    open conflicts. With nothing to write, writes nothing.

    :raises ReadOnly: the inspection file cannot be written
    """
    report = prepared.report
    if store.inspection_id != prepared.inspection_id or store.replica != prepared.replica:
        raise InvalidValue(f"{store.path}: not the copy this sync was prepared for")
    if prepared.writes:
        store.require_writable()
        indexes = None
        if prepared.store is store and prepared.indexes is not None:
            indexes = prepared.indexes if store.change_mark() == prepared.mark else None
        with store.atomic():
            merged = (merge_checked(store, prepared.packs, indexes=indexes)
                      if prepared.packs else Merged([], Changes()))
            records = prepared.records
            for pack, summary in zip(prepared.packs, merged.summaries, strict=True):
                record = records.get(pack.path.name)
                if record is not None:
                    records[pack.path.name] = dataclasses.replace(record,
                                                                  merge_id=summary.entry)
            store.team_packs.save(records.values(), prepared.forget)
        store.invalidate_caches()
        report.merged = merged.summaries
        report.changes = merged.changes
    report.open_conflicts = count_conflicts(store)
    return report


def _inspection_folder(store: Store, folder: Path) -> Path:
    """The inspection's folder in the team folder, made if missing; checks the team folder."""
    try:
        if not folder.is_dir():
            raise NoTeamFolder(
                f"{folder}: no such folder; is the team folder's drive or share connected?"
                if not folder.exists() else f"{folder}: not a folder"
            )
        if store.path.resolve().is_relative_to(folder.resolve()):
            raise InvalidValue(
                f"{store.path}: the inspection file is inside the team folder {folder}; a "
                "live inspection file in a synced folder is damaged by partial syncs: move it "
                "out (only packs go in the team folder)"
            )
        sub = pack_folder(folder, store.inspection_id)
        if not sub.is_dir():
            sub.mkdir(mode=files.PRIVATE_DIR)
        files.tighten(sub)
    except OSError as err:
        raise NoTeamFolder(f"{folder}: cannot be used as the team folder ({err.strerror})"
                           ) from None
    return sub


class _Sync:
    """One sync's look at the folder, and what it decides about each file."""

    def __init__(self, store: Store, sub: Path, passphrase: str, progress: Progress,
                 merge: bool = True) -> None:
        self.store = store
        self.merge = merge
        self.sub = sub
        self.passphrase = passphrase
        self.progress = progress
        self.clock = int(store.meta("clock") or 0)
        self.records = store.team_packs.load()
        self.by_sha = {r.sha256: r for r in self.records.values()
                       if r.state in T.SETTLED and r.sha256}
        self.sizes = {r.size for r in self.by_sha.values()}
        self.own = own_pack_name(store)
        self.report = SyncReport(folder=sub, at=now())
        self.updates: dict[str, TeamPack] = {}
        self.checked: list[CheckedPack] = []
        self._receiver: Receiver | None = None
        self.indexes: Indexes | None = None
        self.mark: tuple[int, int] = (0, 0)

    # ================================================================== steps
    def run(self) -> Prepared:
        files = self._scan()
        own_look = files.pop(self.own, None)
        forget = [name for name in self.records if name not in files and name != self.own]
        if not self.merge:
            files, forget = {}, []
        to_read: list[_Candidate] = []
        for name, look in sorted(files.items()):
            record = self.records.get(name)
            if record is not None and record.look == look and record.state != T.ARRIVING:
                continue  # seen as it is: not even read
            candidate = self._triage(name, look, record)
            if candidate is not None:
                to_read.append(candidate)
        self.report.packs = sum(
            1 for name in files
            if (self.updates.get(name) or self.records.get(name) or _NONE).state != T.MINE
        )
        write, own_candidate = self._own(own_look)
        if own_candidate is not None:
            to_read.insert(0, own_candidate)
        if write or to_read:
            self._check_passphrase(to_read)
        # First the file under this copy's name (before it is replaced) and the packs with
        # this copy's own id: one newer than this copy stops the sync.
        first = [c for c in to_read
                 if c.name == self.own or c.header is None
                 or c.header.replica == self.store.replica]
        for candidate in first:
            self._read(candidate, stale_stops=True)
        if write and not any(n.name == self.own for n in self.report.waiting):
            self._write_own()
        for candidate in to_read:
            if candidate not in first:
                self._read(candidate, stale_stops=False)
        updates = {name: record for name, record in self.updates.items()
                   if not _same(record, self.records.get(name))}
        return Prepared(self.report, self.store.inspection_id, self.store.replica,
                        self.checked, updates, forget, self.store, self.indexes, self.mark)

    def _scan(self) -> dict[str, Look]:
        """Every file of the inspection's folder that may be a pack, as it looks now."""
        found: dict[str, Look] = {}
        files.sweep(self.sub)  # work files of this machine's dead processes, and old ones
        try:
            with os.scandir(self.sub) as entries:
                for entry in entries:
                    if not is_pack_name(entry.name):
                        continue
                    with contextlib.suppress(OSError):
                        if entry.is_file():
                            found[entry.name] = _look(entry.stat())
        except OSError as err:
            raise NoTeamFolder(f"{self.sub}: cannot be read ({err.strerror})") from None
        return found

    def _triage(self, name: str, look: Look, record: TeamPack | None) -> _Candidate | None:
        """A file that looks different: settled by its sha256 if known, else to be read.

        Only a file of the size of one decided about can hold the same bytes: it is hashed
        first. Any other is hashed as it is read, so that it is read once.
        """
        path = self.sub / name
        sha = ""
        if look.size in self.sizes:
            try:
                sha, before = _sha256(path)
            except OSError:
                return None  # gone, or not readable yet: looked at again next time
            if before != look or _look_now(path) != before:
                self._arriving(name, before, "", "", "it is still being written")
                return None
            known = self.by_sha.get(sha)
            if known is not None:
                # The same bytes as a file decided about already (an engine's copy of it,
                # or the same file touched): the decision stands, without reading it.
                reason = (known.reason if known.state != T.MINE
                          else "a copy of this copy's own pack")
                self.updates[name] = dataclasses.replace(
                    known, name=name, size=look.size, mtime_ns=look.mtime_ns,
                    inode=look.inode, reason=reason, seen_at=self.report.at)
                return None
        try:
            header = container.read_header(path)
        except BadPack as err:
            self._failed(_Candidate(name, path, look, sha, None, record), err)
            return None
        if header.inspection_id != self.store.inspection_id:
            reason = f"a pack of another inspection ({header.inspection_id})"
            self._decide(name, look, sha, T.IGNORED, header, reason)
            self.report.ignored.append(PackNote(name, header.sender_name, reason))
            return None
        return _Candidate(name, path, look, sha, header, record)

    def _own(self, look: Look | None) -> tuple[bool, _Candidate | None]:
        """Whether this copy's pack must be written, and the file at its name to read
        first when it is not the one this copy wrote."""
        record = self.records.get(self.own)
        if look is None:
            return True, None
        if record is not None and record.state == T.MINE and record.look == look:
            return record.clock != self.clock, None
        path = self.sub / self.own
        try:
            sha, before = _sha256(path)
        except OSError:
            return True, None
        if record is not None and record.state == T.MINE and record.sha256 == sha:
            self.updates[self.own] = dataclasses.replace(
                record, size=before.size, mtime_ns=before.mtime_ns, inode=before.inode)
            return record.clock != self.clock, None
        # Not the pack this copy wrote: another copy of this very file wrote it, this copy
        # crashed before recording its pack, or a pack was put under this copy's name.
        try:
            header = container.read_header(path)
        except BadPack as err:
            if self._still_arriving(record, before, path, err):
                self._arriving(self.own, _look_now(path) or before, sha, "",
                               "a file under this copy's own name is still arriving")
            # Stopped: replaced if it is this copy's pack cut short (or not a pack at all);
            # export_pack refuses anything else.
            return True, None
        if (header.inspection_id, header.replica) != (self.store.inspection_id,
                                                      self.store.replica):
            raise self._not_own(path, header)
        return True, _Candidate(self.own, path, before, sha, header, record)

    def _not_own(self, path: Path, header: container.PackHeader | None,
                 why: str = "") -> ProtectedFile:
        """The error for a file this copy did not make, under this copy's own name."""
        what = "a pack this copy did not make"
        if header is not None:
            other = (f", of another inspection ({header.inspection_id})"
                     if header.inspection_id != self.store.inspection_id else "")
            what += f" (from {header.sender_name}, made {header.made_at}{other})"
        elif why:
            what = f"a file this copy did not make ({why})"
        return ProtectedFile(
            f"{path}: {what} is under this copy's own name, and a sync never writes over "
            "another's pack: move it out of the team folder (merge it with 'fieldwork merge' "
            "if it is needed) and sync again; nothing was written or merged"
        )

    def _check_passphrase(self, to_read: list[_Candidate]) -> None:
        """Refuse a passphrase that opens none of the team's packs, before writing."""
        known = {r.key_check for r in self.records.values()
                 if r.state in (T.MINE, T.MERGED) and r.key_check}
        known |= {c.header.key_check for c in to_read if c.header is not None}
        if not known:
            return
        self.progress("checking the passphrase")
        if container.key_check(self.passphrase, self.store.inspection_id) not in known:
            raise WrongPackPassphrase(
                f"{self.sub}: the passphrase is wrong: it opens none of the team's packs "
                "in the team folder; nothing was written or merged"
            )

    def _write_own(self) -> None:
        path = self.sub / self.own
        self.progress(f"writing {self.own}")
        clock = self.clock  # read before the snapshot: a later change is packed next time
        try:
            # Only this copy's own earlier pack may be replaced: a pack of anyone else's
            # that turned up under its name (damaged, say) is left as it is.
            info = export_pack(self.store, path, self.passphrase, replace_own=True)
        except ProtectedFile as err:
            raise self._not_own(path, None, str(err).removeprefix(f"{path}: ")) from None
        try:
            sha, look = _sha256(path)
        except OSError as err:
            raise NoTeamFolder(f"{path}: cannot be read back ({err.strerror})") from None
        header = info.header
        self.updates[self.own] = TeamPack(
            self.own, look.size, look.mtime_ns, look.inode, sha, T.MINE,
            replica=header.replica, sender=header.sender_name, made_at=header.made_at,
            key_check=header.key_check, clock=clock, seen_at=self.report.at)
        self.report.wrote = info

    def _read(self, candidate: _Candidate, *, stale_stops: bool) -> None:
        """Read, authenticate and check one pack, and decide about it."""
        header = candidate.header
        assert header is not None
        self.progress(f"reading {candidate.name} from {header.sender_name}")
        hashing = None if candidate.sha else _Hashing(candidate.path)
        try:
            snapshot.check_header(header, candidate.path, self.store.inspection_id)
            if self._receiver is None:
                self._read_indexes()
                self._receiver = receiver_of(self.store, self.indexes)
            checked = check_pack(self.store, candidate.path, self.passphrase, self._receiver)
        except ForgedPack as err:
            if stale_stops and header.replica == self.store.replica:
                raise self._stale(candidate, "") from None
            self._failed(candidate, err)
            return
        except BadPack as err:
            self._failed(candidate, err)
            return
        if stale_stops and header.replica == self.store.replica:
            missing = own_versions_missing(self.store, checked.rows)
            if missing is not None:
                raise self._stale(candidate, f", with a version of {missing} this copy never had")
        sha, hashed = (candidate.sha, candidate.look) if hashing is None else hashing.result()
        if hashed != candidate.look or _look_now(candidate.path) != candidate.look:
            # Replaced while it was read: what was merged may not be what was hashed, so
            # the file is looked at again next time (merging it again is harmless).
            self._arriving(candidate.name, candidate.look, "", header.sender_name,
                           "it changed while it was read")
        else:
            self._decide(candidate.name, candidate.look, sha, T.MERGED, header, "")
        self.checked.append(checked)

    def _read_indexes(self) -> None:
        """Every table's version index, for the checks and (if nothing is written to the
        file before :func:`apply` merges on the same store) for the merge itself."""
        self.mark = self.store.change_mark()
        replication = self.store.replication
        self.indexes = {name: replication.version_index(name) for name in REPLICATED_TABLES}

    def _stale(self, candidate: _Candidate, detail: str) -> StaleCopy:
        header = candidate.header
        made = f", made {header.made_at}" if header is not None else ""
        return StaleCopy(
            f"{self.store.path}: this copy is older than its own pack in the team folder "
            f"({candidate.name}{made}{detail}): it is a restored backup or a copy of the file, "
            "and syncing would replace the newer pack; nothing was written or merged. Go on "
            "in the newest copy, or make a new one from that pack with 'fieldwork join "
            f"{candidate.path} -o NEW.fieldwork --as NAME'"
        )

    # =============================================================== decisions
    def _failed(self, candidate: _Candidate, err: BadPack) -> None:
        """A pack that could not be read or checked: still arriving, or refused."""
        header = candidate.header
        sender = header.sender_name if header is not None else ""
        reason = str(err).removeprefix(f"{candidate.path}: ")
        if self._still_arriving(candidate.record, candidate.look, candidate.path, err):
            self._arriving(candidate.name, _look_now(candidate.path) or candidate.look,
                           candidate.sha, sender, reason)
            return
        if isinstance(err, IncompletePack):
            reason = f"it stopped arriving ({reason})"
        if isinstance(err, WrongPackPassphrase):
            reason = "made with another passphrase than the team's"
        sha = candidate.sha
        if not sha:  # hashed, so that a copy of it or a touch is known without reading it
            with contextlib.suppress(OSError):
                sha, look = _sha256(candidate.path)
                if look != candidate.look:
                    sha = ""
        self._decide(candidate.name, candidate.look, sha, T.REFUSED, header, reason)
        self.report.refused.append(PackNote(candidate.name, sender, reason))

    def _still_arriving(self, record: TeamPack | None, look: Look, path: Path,
                        err: BadPack) -> bool:
        """Whether a file that fails to open may still be arriving.

        One cut short is, until it has not changed for :data:`STALLED_SECONDS` since the
        last look. Any other is while it changes: when it differs from the last look, or
        (seen for the first time) was changed under :data:`SETTLE_SECONDS` ago.
        """
        now_look = _look_now(path)
        if isinstance(err, IncompletePack):
            return not (record is not None and record.state == T.ARRIVING
                        and record.look == now_look and _age(now_look) > STALLED_SECONDS)
        if now_look != look:
            return True
        if record is not None and record.state == T.ARRIVING:
            return record.look != look
        return _age(look) < SETTLE_SECONDS

    def _arriving(self, name: str, look: Look | None, sha: str, sender: str,
                  reason: str) -> None:
        if look is not None:
            self.updates[name] = TeamPack(name, look.size, look.mtime_ns, look.inode, sha,
                                          T.ARRIVING, sender=sender, reason=reason,
                                          seen_at=self.report.at)
        self.report.waiting.append(PackNote(name, sender, reason))

    def _decide(self, name: str, look: Look, sha: str, state: str,
                header: container.PackHeader | None, reason: str) -> None:
        record = TeamPack(name, look.size, look.mtime_ns, look.inode, sha, state,
                          reason=reason, seen_at=self.report.at)
        if header is not None:
            record = dataclasses.replace(
                record, replica=header.replica, sender=header.sender_name,
                made_at=header.made_at, key_check=header.key_check)
        self.updates[name] = record
        if state in T.SETTLED and sha:
            self.by_sha.setdefault(sha, record)
            self.sizes.add(look.size)


def own_versions_missing(store: Store, pack: PackRows) -> str | None:
    """The first row (as "note ID") of which ``pack`` holds a version this copy made and no
    longer has: one that has seen a later write of this copy than any version this copy
    holds, or another version under a version vector this copy holds. None when this copy
    has every version of its own the pack holds: the pack is an older one of this copy.

    A pack made by this copy has none such. One made by another copy of this very file
    (a copy restored from a backup, or a copied file) has, once the two have gone separate
    ways; so does a forged one.
    """
    replica = store.replica
    for table in REPLICATED_TABLES:
        spec = R.SPECS[table]
        width = len(spec.columns)
        versions: dict[str, list[tuple[str, bool, dict[str, Any]]]] = {}
        for row in pack.rows[table]:
            content = spec.decode(dict(zip(spec.columns, row[1 : 1 + width], strict=True)))
            versions.setdefault(row[0], []).append((row[-6], bool(row[-5]), content))
        for _, row_id, vv, deleted, data, _at, _by in pack.siblings[table]:
            versions.setdefault(row_id, []).append((vv, bool(deleted), json.loads(data)))
        ours = [(row_id, v) for row_id, vs in versions.items() for v in vs
                if loads(v[0]).get(replica, 0) > 0]
        if not ours:
            continue
        held: dict[str, dict[str, tuple[bool, dict[str, Any]]]] = {}
        for row_id in {row_id for row_id, _ in ours}:
            stored = store.replication.raw_row(table, row_id)
            if stored is None:
                continue
            held[row_id] = {stored["vv"]: (bool(stored["deleted"]), spec.decode(stored))}
            for s in store.replication.sibling_rows(table, row_id):
                held[row_id][s["vv"]] = (bool(s["deleted"]), json.loads(s["data"]))
        for row_id, (vv, deleted, content) in ours:
            mine = held.get(row_id, {})
            if vv in mine:
                if mine[vv] != (deleted, content):
                    return f"{spec.kind} {row_id}"
            elif loads(vv).get(replica, 0) > max((loads(v).get(replica, 0) for v in mine),
                                                 default=0):
                return f"{spec.kind} {row_id}"
    return None


@dataclass(eq=False)
class _Candidate:
    """A file to read: as it looked when hashed, and its header if it has one."""

    name: str
    path: Path
    look: Look
    sha: str
    header: container.PackHeader | None
    record: TeamPack | None


_NONE = TeamPack("", 0, 0, 0, "", "")


def _same(record: TeamPack, old: TeamPack | None) -> bool:
    """Whether a record says nothing new (when it was decided apart)."""
    return old is not None and dataclasses.replace(record, seen_at=old.seen_at) == old


def _look(st: os.stat_result) -> Look:
    return Look(st.st_size, st.st_mtime_ns, st.st_ino)


def _look_now(path: Path) -> Look | None:
    try:
        return _look(os.stat(path))
    except OSError:
        return None


def _age(look: Look | None) -> float:
    return time.time() - look.mtime_ns / 1e9 if look is not None else 0.0


class _Hashing:
    """A file's sha256 computed on another thread while the pack is read and checked
    (hashing releases the interpreter's lock, so it runs alongside on a second core)."""

    def __init__(self, path: Path) -> None:
        self._result: tuple[str, Look | None] = ("", None)
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True,
                                        name="fieldwork-sha256")
        self._thread.start()

    def _run(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            self._result = _sha256(path)

    def result(self) -> tuple[str, Look | None]:
        """The sha256 and how the file looked when it was opened (None: unreadable)."""
        self._thread.join()
        return self._result


#: How much of a file is hashed at a time: in large pieces, so that a hash computed beside
#: other work takes the interpreter's lock seldom (reading and hashing run without it).
_HASH_CHUNK = 16 << 20


def _sha256(path: Path) -> tuple[str, Look]:
    """The file's sha256, and how it looked when it was opened."""
    digest = hashlib.sha256()
    with path.open("rb", buffering=0) as fh:
        look = _look(os.fstat(fh.fileno()))
        buffer = bytearray(min(_HASH_CHUNK, max(look.size, 1)))
        view = memoryview(buffer)
        while n := fh.readinto(view):
            digest.update(view[:n])
    return digest.hexdigest(), look
