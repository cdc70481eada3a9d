"""An open inspection as the app holds it: a writer store for the worker, a reader for the GUI.

Everything here that touches a file runs on the worker thread (see :mod:`ui.operations`),
except :meth:`Session.reader`'s quick reads, which the GUI thread makes for list pages and
single notes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork import lock as filelock
from fieldwork import paths
from fieldwork.errors import FieldworkError, InvalidValue, ReadOnly
from fieldwork.model import Case, CaseKind, Finding, Inspection, Inspector, Role, SourceType

if TYPE_CHECKING:
    from fieldwork.store import Store
    from fieldwork.store.store import NoteRow

DEFAULT_TEMPLATE = "ucra-2009"


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
    _writer_closed: bool = False

    @property
    def writable(self) -> bool:
        return self.writer.writable

    def close_writer(self) -> None:
        """Close the worker's connection and give up the lock (call on the worker)."""
        self._writer_closed = True
        with contextlib.suppress(sqlite3.Error):
            self.writer.close()
        if self.lock is not None:
            self.lock.release()

    def changed_elsewhere(self) -> bool:
        """Whether another connection (the command line, another app) has committed to the
        file since the last call. Cheap: SQLite reads it from the WAL index (call on the
        worker). The writer's own commits do not count, and the reader never writes."""
        if self._writer_closed:
            return False
        try:
            version = self.writer.data_version()
        except sqlite3.OperationalError:
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
        with contextlib.suppress(sqlite3.Error):
            self.reader.close()


def open_session(path: Path, *, read_only: bool = False,
                 holder: filelock.Holder | None = None) -> Session:
    """Open both connections to an inspection file (run on the worker).

    Unless ``read_only`` (then ``holder`` is who has it open for writing, if anyone), take
    the file's lock first; a folder or disk that cannot hold a lock opens the file
    read-only, saying why.

    :raises fieldwork.lock.AlreadyOpen: another app or window has the file open for writing
    """
    from fieldwork.store import Store

    path = Path(path)
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
        writer = Store.open(path, read_only=read_only)
        try:
            reader = Store.open(path, read_only=read_only or not writer.writable)
        except BaseException:
            writer.close()
            raise
    except BaseException:
        if held is not None:
            held.release()
        raise
    if held is not None and not writer.writable:
        held.release()  # read-only for another reason: nothing to hold
        held = None
    if not writer.writable:
        reason = reason or writer.read_only_reason or "the file cannot be written"
    session = Session(path=path, writer=writer, reader=reader, lock=held,
                      read_only_reason=reason, holder=holder if read_only else None)
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

    def inspector_name(self, inspector_id: str) -> str:
        for i in self.inspectors:
            if i.id == inspector_id:
                return i.name
        return inspector_id


def section_titles(store: Store) -> dict[str, str]:
    """Section key → the heading an inspector sees, in letter order."""
    try:
        keys = store.section_keys()
    except FieldworkError:
        keys = tuple(sorted({f.section for f in store.findings()}))
    titles: dict[str, str] = {key: key.replace("_", " ").capitalize() for key in keys}
    try:
        from fieldwork.letter import load_template

        template = load_template(store.inspection().template)
    except (ImportError, FieldworkError):
        return titles
    for section in template.sections:
        if section.key in titles and section.heading:
            titles[section.key] = section.heading
    if titles.get("satisfactory") == "Satisfactory":
        titles["satisfactory"] = "Satisfactory practice"
    return titles


def load_overview(store: Store) -> Overview:
    """Every aggregate the views need, in one pass (run on the worker)."""
    from fieldwork.store.store import NoteFilter

    me: Inspector | None = None
    if store.me:
        with contextlib.suppress(FieldworkError):
            me = store.inspector(store.me)
    return Overview(
        inspection=store.inspection(),
        me=me,
        inspectors=store.inspectors(),
        findings=store.findings(),
        section_titles=section_titles(store),
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


def fieldwork_days(first: dt.date, last: dt.date) -> list[str]:
    """Every day from ``first`` to ``last`` as ISO dates (one day if last is before first)."""
    if last < first:
        last = first
    days = (last - first).days
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(days + 1)]


@dataclass
class NewInspection:
    """What the New Inspection dialog collects."""

    path: Path
    template: str
    authority: str
    title: str
    first_day: dt.date
    last_day: dt.date
    team: list[tuple[str, Role]]
    me: str


def create_inspection(spec: NewInspection) -> Session:
    """Create the file, add the team and record who I am; then open it (run on the worker)."""
    if not spec.authority.strip():
        raise InvalidValue("an inspection needs the authority's name")
    names = [n.strip() for n, _ in spec.team if n.strip()]
    if not names:
        raise InvalidValue("an inspection needs at least one inspector")
    if spec.me not in names:
        raise InvalidValue("choose who you are from the team")
    fields: dict[str, Any] = {
        "template": spec.template,
        "authority": spec.authority.strip(),
        "fieldwork_dates": fieldwork_days(spec.first_day, spec.last_day),
    }
    if spec.title.strip():
        fields["title"] = spec.title.strip()
    from fieldwork.store import Store

    store = Store.create(spec.path, inspection=fields)
    try:
        me_id = ""
        for name, role in spec.team:
            if not name.strip():
                continue
            created = store.add_inspector(name.strip(), role).created
            if name.strip() == spec.me and not me_id:
                me_id = created or ""
        store.set_me(me_id)
    finally:
        store.close()
    return open_session(spec.path)


def sample_file() -> Path:
    """The sample inspection in the user's data folder, made from the shipped JSON if missing.

    Run on the worker: the first run imports the sample.
    """
    folder = paths.user_data_dir()
    target = folder / "bromley-2009.fieldwork"
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


def save_copy(writer: Store, target: Path) -> Path:
    """Copy the open file to ``target`` with SQLite's backup API; the copy gets its own
    replica id, so the two copies merge as two laptops would (run on the worker).

    Never over evidence: the open file itself, another inspection file, a pack or a
    database's journal is refused with the reason, and left as it was. Any other existing
    file (one the user agreed to replace) is replaced whole, only once the copy is made.
    """
    import os

    from fieldwork.files import refuse_overwrite

    if os.path.exists(target) and os.path.samefile(target, writer.path):
        raise InvalidValue("choose a different file name for the copy")
    refuse_overwrite(target, inputs=[writer.path])
    from fieldwork.store import Store

    writer.backup(target, replace=True)
    copy = Store.open(target)
    try:
        copy.new_replica()
    finally:
        copy.close()
    return target


SOURCE_ORDER: tuple[SourceType, ...] = tuple(SourceType)
CASE_KINDS: tuple[CaseKind, ...] = tuple(CaseKind)
