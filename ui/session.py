"""An open inspection as the app holds it: a writer store for the worker, a reader for the GUI.

Everything here that touches a file runs on the worker thread (see :mod:`ui.operations`),
except :meth:`Session.reader`'s quick reads, which the GUI thread makes for list pages and
single notes.
"""

from __future__ import annotations

import contextlib
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork import inspections, paths
from fieldwork import lock as filelock
from fieldwork.errors import FieldworkError, ReadOnly
from fieldwork.inspections import DEFAULT_TEMPLATE, NewInspection, section_titles
from fieldwork.inspections import save_copy as save_copy  # the app's Save a Copy
from fieldwork.model import Case, CaseKind, Finding, Inspection, Inspector, SourceType

if TYPE_CHECKING:
    from fieldwork.store import Store
    from fieldwork.store.store import NoteRow


@dataclass
class Session:
    """One open inspection file.

    ``writer`` is used only on the worker thread, ``reader`` only on the GUI thread. A
    writable session holds the file's lock (:mod:`fieldwork.lock`) until it closes.
    """

    path: Path
    writer: Store
    reader: Store
    #: The number of notes and the first page of the list, fetched while opening.
    first_rows: tuple[int, list[NoteRow]] | None = None
    #: The lock on the file, held while it is open for writing.
    lock: filelock.FileLock | None = None
    #: Why the file is open for reading only (finishing "Read-only: …"), or None.
    read_only_reason: str | None = None
    #: Who has the file open for writing, when that is why it is read-only here.
    holder: filelock.Holder | None = None
    #: The writer connection's ``PRAGMA data_version`` when last asked (worker only).
    data_version: int = 0
    #: The file's passphrase, for an encrypted file (None: a plain one). Kept here, in
    #: memory, and nowhere else: every connection the session opens needs it.
    passphrase: str | None = field(default=None, repr=False)
    #: The encrypted file's keychain name (:func:`ui.security.keychain.file_identity`).
    key_id: str | None = None
    #: ``retired on <date> by <name>``, once the inspection is retired (then read-only).
    retired: str | None = None
    _writer_closed: bool = False

    def __post_init__(self) -> None:
        _LIVE[id(self)] = self

    @property
    def encrypted(self) -> bool:
        return self.passphrase is not None

    def open_store(self) -> Store:
        """A connection of its own to the file (for a lane other than the worker's), with
        the session's passphrase; the caller closes it."""
        from fieldwork.store import Store

        return Store.open(self.path, passphrase=self.passphrase)

    @property
    def writable(self) -> bool:
        return self.writer.writable

    def close_writer(self) -> None:
        """Close the worker's connection and give up the lock (call on the worker)."""
        from fieldwork.store import SQL_ERRORS

        self._writer_closed = True
        with contextlib.suppress(*SQL_ERRORS):
            self.writer.close()
        if self.lock is not None:
            self.lock.release()

    def changed_elsewhere(self) -> bool:
        """Whether another connection (the command line, another app) has committed to the
        file since the last call. Cheap: SQLite reads it from the WAL index (call on the
        worker). The writer's own commits do not count, and the reader never writes."""
        from fieldwork.store import OPERATIONAL_ERRORS

        if self._writer_closed:
            return False
        try:
            version = self.writer.data_version()
        except OPERATIONAL_ERRORS:
            return False
        changed = version != self.data_version
        self.data_version = version
        return changed

    def holder_left(self) -> bool:
        """Whether the app that had the file open for writing has closed it (call on the
        worker: it looks for the lock file)."""
        return self.holder is not None and not filelock.lock_path(self.path).exists()

    def close_reader(self) -> None:
        """Close the GUI's connection (call on the GUI thread)."""
        from fieldwork.store import SQL_ERRORS

        with contextlib.suppress(*SQL_ERRORS):
            self.reader.close()


#: Every session not yet garbage-collected, so that a crash report can take their
#: passphrases out of what it says (:func:`secrets`). Holds no passphrase itself.
_LIVE: weakref.WeakValueDictionary[int, Session] = weakref.WeakValueDictionary()


def secrets() -> list[str]:
    """The passphrases of the sessions alive now, to scrub from crash reports."""
    return [s.passphrase for s in list(_LIVE.values()) if s.passphrase]


class PassphraseNeeded(FieldworkError):
    """The file is encrypted, and no passphrase (or a wrong one) was given to open it."""

    def __init__(self, path: Path, key_id: str | None, *, wrong: bool) -> None:
        self.path = Path(path)
        self.key_id = key_id
        self.wrong = wrong
        super().__init__(f"{self.path.name}: " + (
            "that passphrase does not open this inspection" if wrong
            else "this inspection is encrypted: its passphrase is needed to open it"))


def _key_id(path: Path) -> str | None:
    """The encrypted file's keychain name, read from its first bytes, unless a connection
    to it is open in this process (reading it then would drop SQLite's locks)."""
    from fieldwork import files
    from ui.security.keychain import file_identity

    if files.is_open_here(path):
        return None
    try:
        return file_identity(path)
    except OSError:
        return None


def open_session(path: Path, *, read_only: bool = False,
                 holder: filelock.Holder | None = None, passphrase: str | None = None,
                 key_id: str | None = None) -> Session:
    """Open both connections to an inspection file (run on the worker).

    An encrypted file needs its ``passphrase`` (``key_id`` is its keychain name, when the
    caller knows it already); without it, or with a wrong one, :class:`PassphraseNeeded`
    is raised before anything is opened or locked.

    Unless ``read_only`` (then ``holder`` is who has it open for writing, if anyone), take
    the file's lock first; a folder or disk that cannot hold a lock opens the file
    read-only, saying why.

    :raises fieldwork.lock.AlreadyOpen: another app or window has the file open for writing
    """
    from fieldwork import files
    from fieldwork.encryption import is_encrypted
    from fieldwork.errors import EncryptedFile, WrongPassphrase
    from fieldwork.store import Store

    path = Path(path)
    if passphrase is None and path.is_file() and not files.is_open_here(path) \
            and is_encrypted(path):
        raise PassphraseNeeded(path, _key_id(path), wrong=False)
    if passphrase is not None and key_id is None:
        key_id = _key_id(path)
    held: filelock.FileLock | None = None
    reason: str | None = None
    if read_only:
        reason = f"this inspection is {holder_text(holder)}" if holder else None
    elif path.is_file():
        try:
            held = filelock.acquire(path)
        except filelock.LockUnavailable as err:
            read_only, reason = True, err.reason
    try:
        try:
            writer = Store.open(path, read_only=read_only, passphrase=passphrase)
        except WrongPassphrase:
            raise PassphraseNeeded(path, key_id, wrong=True) from None
        except EncryptedFile:
            raise PassphraseNeeded(path, key_id, wrong=False) from None
        try:
            reader = Store.open(path, read_only=read_only or not writer.writable,
                                passphrase=passphrase)
        except BaseException:
            writer.close()
            raise
    except BaseException:
        if held is not None:
            held.release()
        raise
    if not writer.encrypted:
        passphrase = key_id = None  # a plain file: a passphrase given is not needed
    if held is not None and not writer.writable:
        held.release()  # read-only for another reason: nothing to hold
        held = None
    if not writer.writable:
        reason = reason or writer.read_only_reason or "the file cannot be written"
    retired = _retired(writer)
    if retired is not None and writer.writable:
        # Only the issued letter is left: nothing to write, no lock to hold.
        reader.close()
        writer.close()
        if held is not None:
            held.release()
        return open_session(path, read_only=True, passphrase=passphrase, key_id=key_id)
    if retired is not None:
        reason = f"this inspection was {retired}; only its issued letter is kept"
    session = Session(path=path, writer=writer, reader=reader, lock=held,
                      read_only_reason=reason, holder=holder if read_only else None,
                      passphrase=passphrase, key_id=key_id if passphrase else None,
                      retired=retired)
    try:
        from ui.models.notes import PAGE_SIZE

        session.first_rows = (writer.count_notes(), writer.note_rows(limit=PAGE_SIZE))
        session.changed_elsewhere()  # the starting point
        if held is not None and writer.me:
            with contextlib.suppress(FieldworkError):
                held.set_person(writer.inspector(writer.me).name)
    except BaseException:
        session.close_reader()
        session.close_writer()
        raise
    return session


def _retired(store: Store) -> str | None:
    """``retired on 3 December 2026 by Alison Whitcombe``, if the inspection is retired."""
    from fieldwork.retention import retired_record
    from ui.security.retention import retired_text

    record = retired_record(store)
    return None if record is None else retired_text(record)


def holder_text(holder: filelock.Holder) -> str:
    """``open in Fieldwork by Derek Osei (derek) on LAPTOP-3``."""
    if holder.here:
        return "open in another window of this Fieldwork"
    where = f" on {holder.host}" if holder.host else ""
    return f"open in {holder.app or 'Fieldwork'} by {holder.who}{where}"


@dataclass
class Overview:
    """The counts the side panel, the findings board and the coverage matrix show.

    Computed on the worker after each change (aggregates over every note are not for the
    GUI thread on a 100k-note file).
    """

    inspection: Inspection
    me: Inspector | None
    inspectors: list[Inspector]
    findings: list[Finding]
    section_titles: dict[str, str]
    evidence: dict[str, dict[str, Any]]
    by_source: dict[str, int]
    by_author: dict[str, int]
    by_case: dict[str, int]
    cases: list[Case]
    total: int
    untagged: int
    roles: list[str] = field(default_factory=list)

    @property
    def sections(self) -> list[str]:
        return list(self.section_titles)

    def with_heading(self, heading: Heading) -> Overview:
        """This overview with the inspection's record, who I am and the section titles
        read again (after a change to those alone: no count can have changed)."""
        return replace(self, inspection=heading.inspection, me=heading.me,
                       section_titles=heading.section_titles)

    def inspector_name(self, inspector_id: str) -> str:
        for i in self.inspectors:
            if i.id == inspector_id:
                return i.name
        return inspector_id


@dataclass(frozen=True)
class Heading:
    """The part of the overview that is no count: the inspection's record, who I am, and
    the section titles (read again after a change to the inspection alone)."""

    inspection: Inspection
    me: Inspector | None
    section_titles: dict[str, str]


def load_heading(store: Store) -> Heading:
    """The inspection's record, who I am and the section titles (run on the worker)."""
    me: Inspector | None = None
    if store.me:
        with contextlib.suppress(FieldworkError):
            me = store.inspector(store.me)
    return Heading(store.inspection(), me, section_titles(store))


def load_overview(store: Store) -> Overview:
    """Every aggregate the views need, in one pass (run on the worker)."""
    from fieldwork.store.store import NoteFilter

    heading = load_heading(store)
    return Overview(
        inspection=heading.inspection,
        me=heading.me,
        inspectors=store.inspectors(),
        findings=store.findings(),
        section_titles=heading.section_titles,
        evidence=store.evidence_counts(),
        by_source=store.note_counts("source"),
        by_author=store.note_counts("author"),
        by_case=store.note_counts("case_ref"),
        cases=store.cases(),
        total=store.count_notes(),
        untagged=store.count_notes(NoteFilter(untagged=True)),
        roles=store.subject_roles(),
    )


def template_names() -> list[tuple[str, str]]:
    """(name, label) of every letter template, or the default one if letters are absent."""
    try:
        from fieldwork.letter import list_templates

        found = [(t.name, t.label or t.name) for t in list_templates()]
    except ImportError:
        found = []
    return found or [(DEFAULT_TEMPLATE, DEFAULT_TEMPLATE)]


def create_inspection(spec: NewInspection, *, passphrase: str | None = None) -> Session:
    """Create the file (:func:`fieldwork.inspections.create_inspection`; encrypted from
    the start with ``passphrase``), then open it (run on the worker)."""
    if passphrase is not None:
        spec = replace(spec, passphrase=passphrase)
    return open_session(inspections.create_inspection(spec), passphrase=spec.passphrase)


def sample_location() -> Path:
    """Where the sample inspection is made: in the user's data folder."""
    return paths.user_data_dir() / "bromley-2009.fieldwork"


def sample_file() -> Path:
    """The sample inspection in the user's data folder, made from the shipped JSON if missing.

    Run on the worker: the first run imports the sample.
    """
    folder = paths.user_data_dir()
    target = sample_location()
    if target.exists():
        return target
    try:
        paths.private_data_dir()
    except OSError as err:
        raise ReadOnly(f"{folder}: cannot be created ({err.strerror})") from None
    from fieldwork.interchange import import_file

    store, _ = import_file(target, paths.sample_path())
    store.close()
    return target


SOURCE_ORDER: tuple[SourceType, ...] = tuple(SourceType)
CASE_KINDS: tuple[CaseKind, ...] = tuple(CaseKind)
