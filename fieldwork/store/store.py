"""The inspection file: the only place that reads and writes it.

A :class:`Store` is one open ``*.fieldwork`` file. Its methods are the edits and reads a
person makes: every write runs in one transaction, goes through :mod:`.writer` (content
checked, version stamped, history recorded, search index kept current) and returns a
:class:`~fieldwork.model.Changes` saying what it changed. Deletions are tombstones, so that
they can travel to other copies. The rest is in parts, each reached from the store:

* :attr:`Store.queries` — lists and counts of notes, the row history (:mod:`.queries`);
* :attr:`Store.index` — the search indexes and links (:mod:`.index`);
* :attr:`Store.bulk` — bulk imports and merges, and building a new file (:mod:`.bulk`);
* :attr:`Store.replication` — versions of rows between copies (:mod:`.replication`);
* :attr:`Store.team_packs` — this copy's record of its team folder (:mod:`.teampacks`).

A Store may be used from any thread, but from one thread at a time.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from fieldwork import files
from fieldwork.errors import FieldworkError, InvalidValue, ReadOnly, Retired
from fieldwork.letterstate import check_not_frozen
from fieldwork.model import (
    CaseKind,
    Changes,
    Finding,
    Inspection,
    LetterState,
    Note,
    Role,
    SearchHit,
    SourceType,
)
from fieldwork.store import cipher, opening, ordering, retiring
from fieldwork.store import rows as R
from fieldwork.store.bulk import Bulk
from fieldwork.store.db import remove_database, translated
from fieldwork.store.index import SearchIndex
from fieldwork.store.issues import LetterIssue, LetterIssues
from fieldwork.store.places import Places
from fieldwork.store.queries import NoteFilter, NoteRow, Queries
from fieldwork.store.replication import Replication
from fieldwork.store.search import search_notes_and_findings
from fieldwork.store.teampacks import TeamPacks
from fieldwork.store.writer import (
    RowWriter,
    blank_none,
    check_keys,
    enum_value,
    local_now,
    new_id,
)

__all__ = ["LetterIssue", "NoteFilter", "NoteRow", "Store"]

#: The fields a caller may change with :meth:`Store.edit_note` and its kin: the content
#: columns of the table.
NOTE_FIELDS = frozenset(R.NOTES.columns)
FINDING_FIELDS = frozenset(R.FINDINGS.columns)
CASE_FIELDS = frozenset(R.CASES.columns)
#: A change to these alone leaves every count, tag and order as it was.
_TEXT_ONLY = frozenset({"text"})


P = ParamSpec("P")
T = TypeVar("T")
Part = TypeVar("Part")


def _offered(part: str, method: Callable[Concatenate[Part, P], T]) -> Callable[
        Concatenate[Store, P], T]:
    """A method of one of the store's parts (the attribute ``part``), offered on the
    store itself under the same signature: the facade's reads of lists, counts and
    issued letters."""

    def on_the_store(self: Store, *args: P.args, **kwargs: P.kwargs) -> T:
        return method(getattr(self, part), *args, **kwargs)

    on_the_store.__name__ = on_the_store.__qualname__ = method.__name__
    on_the_store.__doc__ = method.__doc__
    return on_the_store


class Store:
    """One open inspection file.

    ``actor`` is the inspector id that writes are recorded as; it defaults to the file's
    ``me`` (who this copy belongs to).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        writable: bool,
        read_only_reason: str | None = None,
        key: cipher.FileKey | None = None,
    ) -> None:
        self.path = path
        self._conn = conn
        #: The key of an encrypted file (in memory only), or None for a plain one.
        self.key = key
        conn.row_factory = cipher.row_factory(conn)
        self._db = opening.database(conn)
        #: Whether writes are allowed; see :attr:`read_only_reason` for why not.
        self.writable = writable
        self._read_only_reason = read_only_reason
        self._registration: weakref.finalize[Any, Any] | None = None
        self._reading_copy: Path | None = None
        self._meta: dict[str, str] = {
            row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM meta")
        }
        self.actor: str = self._meta.get("me", "")
        self._mark_retired()
        #: The parts (see the module's documentation).
        self.queries = Queries(conn)
        self.index = SearchIndex(conn, key)
        self._writer = RowWriter(self, conn)
        self._places = Places(conn, self._writer)
        self.bulk = Bulk(self, conn)
        self.replication = Replication(self, conn)
        self.letter_issues = LetterIssues(self, conn)
        self.team_packs = TeamPacks(conn)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        actor: str | None = None,
        read_only: bool = False,
        passphrase: str | None = None,
        key: cipher.FileKey | None = None,
    ) -> Store:
        """Open an existing inspection file, for writing if it can be written; otherwise
        (or with ``read_only``) read-only, :attr:`read_only_reason` saying why. See
        :func:`.opening.open_connection`.

        An encrypted file needs its ``passphrase`` (or the :attr:`key` of another store
        open on it); a plain file ignores both. Without one, the passphrase given to the
        command (:func:`fieldwork.store.cipher.given_passphrase`) is used, if any.

        :raises NotAnInspection: missing, empty, not SQLite, or SQLite of another kind
        :raises NewerSchema: written by a newer Fieldwork (the file is not touched)
        :raises EncryptedFile: an encrypted file, and no passphrase
        :raises WrongPassphrase: an encrypted file the passphrase does not open (unchanged)
        """
        p = Path(path)
        if passphrase is None and key is None:
            passphrase = cipher.given_passphrase()
        conn, copy, reason, file_key = opening.open_connection(
            p, read_only=read_only, passphrase=passphrase, key=key)
        try:
            store = cls(conn, p, writable=reason is None, read_only_reason=reason,
                        key=file_key)
        except BaseException:
            opening.discard(conn, copy)
            raise
        store._reading_copy = copy
        # Known as open in this process until closed, or (dropped without close(), its
        # connection closing when it is collected) until collected.
        store._registration = weakref.finalize(
            store, files.unregister_open, files.register_open(copy or p)
        )
        if actor is not None:
            store.actor = actor
        return store

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        inspection: dict[str, Any] | None = None,
        inspection_id: str | None = None,
        actor: str = "",
        with_inspection: bool = True,
        passphrase: str | None = None,
        key: cipher.FileKey | None = None,
    ) -> Store:
        """Create a new, empty inspection file. It must not exist already.

        The file appears whole or not at all: it is built beside the target and renamed.
        ``with_inspection=False`` leaves out the inspection's own row, for a copy whose rows
        all come from elsewhere (a pack being joined): the caller adds it. With a
        ``passphrase`` (at least 12 characters) or a ``key``, the file is encrypted from
        its first byte.

        :raises InvalidValue: the passphrase is too short
        """
        p = Path(path)
        if key is None and passphrase is not None:
            key = cipher.new_key(passphrase)
        with opening.new_file(p, inspection_id=inspection_id, actor=actor, key=key) as conn:
            store = cls(conn, p, writable=True, key=key)
            store.actor = actor
            if with_inspection:
                with store.atomic():
                    store._writer.insert(
                        "inspection", store.inspection_id,
                        {"fields": dict(inspection or {}), "state": LetterState.DRAFT.value},
                        by=None,
                    )
        return cls.open(p, actor=actor or None, key=key)

    def close(self) -> None:
        self._conn.close()
        if self._registration is not None:
            self._registration()
        if self._reading_copy is not None:
            remove_database(self._reading_copy)
            self._reading_copy = None

    @property
    def encrypted(self) -> bool:
        """Whether the file is encrypted (:mod:`fieldwork.encryption`)."""
        return self.key is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why this file cannot be changed, as a short phrase for a banner ("the file is on
        a read-only disk", "the file is marked read-only", "the file's folder is read-only",
        "opened read-only"); None when it can be."""
        if self.writable:
            return None
        return self._read_only_reason or "the file is read-only"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def atomic(self) -> Iterator[Store]:
        """A transaction; nested blocks use savepoints. SQLite errors become expected ones."""
        try:
            with translated(self.path), self._db.atomic():
                yield self
        except BaseException:
            self.queries.findings_changed()
            raise

    def require_writable(self) -> None:
        """:raises ReadOnly: the file is open read-only (saying why)
        :raises Retired: the inspection was retired (a kind of ReadOnly)"""
        if self.retired:
            raise Retired(f"{self.path}: {self.read_only_reason}; nothing was changed")
        if not self.writable:
            raise ReadOnly(f"{self.path}: {self.read_only_reason}; nothing was changed")

    # -------------------------------------------------------------------- meta
    @property
    def replica(self) -> str:
        """This copy's own id, the key of its entries in version vectors."""
        return self._meta["replica"]

    @property
    def inspection_id(self) -> str:
        return self._meta["inspection_id"]

    @property
    def me(self) -> str:
        """The inspector this copy belongs to (an id), or empty if not yet chosen."""
        return self._meta.get("me", "")

    def meta(self, key: str, default: str | None = None) -> str | None:
        return self._meta.get(key, default)

    def set_meta(self, key: str, value: str) -> None:
        """Set a local setting of this copy (never travels in a pack)."""
        self.require_writable()
        with self.atomic():
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        self._meta[key] = value

    def set_me(self, inspector_id: str) -> Changes:
        """Record who this copy belongs to; later writes are recorded as theirs."""
        self.inspector(inspector_id)
        self.set_meta("me", inspector_id)
        self.actor = inspector_id
        return Changes(inspection=True)

    def new_replica(self) -> None:
        """Give this file a fresh replica id: for a copy made by copying the file."""
        self.set_meta("replica", new_id())

    def tick(self) -> int:
        """The next value of this copy's write counter."""
        row = self._conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'clock' "
            "RETURNING value"
        ).fetchone()
        self._meta["clock"] = str(row[0])
        return int(row[0])

    def invalidate_caches(self) -> None:
        """Read the file's settings again and forget what is cached (after another
        connection, or a bulk write, changed the file)."""
        self.queries.findings_changed()
        rows = self._conn.execute("SELECT key, value FROM meta")
        self._meta = {r["key"]: r["value"] for r in rows}

    def data_version(self) -> int:
        """SQLite's ``data_version``: it changes when another connection commits to the file."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def change_mark(self) -> tuple[int, int]:
        """What moves whenever the file changes: ``data_version`` (another connection's
        commit) and the number of rows this connection has changed. Equal marks: nothing
        was written to the file between them."""
        return self.data_version(), self._conn.total_changes

    # -------------------------------------------------------------- inspection
    def inspection(self) -> Inspection:
        row = self._writer.row("inspection", self.inspection_id)
        return R.inspection_from(row["id"], R.INSPECTION.decode(row))

    def update_inspection(self, fields: dict[str, Any], *, by: str | None = None) -> Changes:
        """Set some of the letter's fields; a value of None removes the field."""
        self.require_writable()
        with self.atomic():
            current = self.inspection()
            check_not_frozen(current.state)
            merged = {k: v for k, v in {**current.fields, **fields}.items() if v is not None}
            keys = [k for k in fields if current.fields.get(k) != merged.get(k)]
            # The history shows the fields that changed, not the whole letter.
            shown = {"fields": ({k: current.fields.get(k) for k in keys},
                                {k: merged.get(k) for k in keys})}
            changed = self._writer.update("inspection", self.inspection_id, {"fields": merged},
                                          by=by, shown=shown)
        return Changes(inspection=bool(changed))

    def set_state(self, state: LetterState, *, by: str | None = None) -> Changes:
        """Move the letter to a new state (issuing goes through :mod:`fieldwork.issuing`)."""
        self.require_writable()
        with self.atomic():
            changed = self._writer.update("inspection", self.inspection_id,
                                          {"state": LetterState(state).value}, by=by, op="state")
        return Changes(inspection=bool(changed))

    # -------------------------------------------------------------- inspectors
    inspectors = _offered("queries", Queries.inspectors)
    inspector = _offered("queries", Queries.inspector)

    def add_inspector(
        self, name: str, role: Role | str = Role.TEAM, *, id: str | None = None,
        extra: dict[str, Any] | None = None, by: str | None = None,
    ) -> Changes:
        self.require_writable()
        if not name.strip():
            raise InvalidValue("an inspector needs a name")
        row_id = id or new_id()
        data = {"name": name, "role": enum_value(Role, role, "role").value, "extra": extra or None}
        with self.atomic():
            self._writer.insert("inspectors", row_id, data, by=by)
        return Changes(inspectors=frozenset({row_id}), created=row_id)

    def delete_inspector(self, inspector_id: str, *, by: str | None = None) -> Changes:
        self.require_writable()
        with self.atomic():
            self._writer.delete("inspectors", inspector_id, by=by)
        return Changes(inspectors=frozenset({inspector_id}))

    # ------------------------------------------------------------------- cases
    cases = _offered("queries", Queries.cases)
    case = _offered("queries", Queries.case)

    def add_case(
        self, ref: str, kind: CaseKind | str = CaseKind.SAMPLED, *,
        fields: dict[str, Any] | None = None, urgent: dict[str, Any] | None = None,
        id: str | None = None, extra: dict[str, Any] | None = None, by: str | None = None,
    ) -> Changes:
        self.require_writable()
        if not ref.strip():
            raise InvalidValue("a case needs its reference")
        row_id = id or new_id()
        data = {"ref": ref.strip(), "kind": enum_value(CaseKind, kind, "kind").value,
                "fields": fields or {}, "urgent": urgent, "extra": extra or None}
        with self.atomic():
            if self.queries.case_ref_taken(data["ref"]):
                raise InvalidValue(f"a case with reference {data['ref']!r} already exists")
            self._writer.insert("cases", row_id, data, by=by)
        return Changes(cases=frozenset({row_id}), created=row_id)

    def edit_case(self, case_id: str, *, by: str | None = None, **changes: Any) -> Changes:
        self.require_writable()
        check_keys(changes, CASE_FIELDS, "case")
        if "kind" in changes:
            changes["kind"] = enum_value(CaseKind, changes["kind"], "kind").value
        with self.atomic():
            changed = self._writer.update("cases", case_id, changes, by=by)
        return Changes(cases=frozenset({case_id}) if changed else frozenset())

    # ---------------------------------------------------------------- findings
    def section_keys(self) -> tuple[str, ...]:
        """The section keys of this inspection's letter template."""
        from fieldwork.letter import load_template

        return tuple(load_template(self.inspection().template).section_keys)

    def _check_section(self, section: str) -> None:
        keys = self.section_keys()
        if section not in keys:
            raise InvalidValue(
                f"unknown section {section!r}; this letter's sections are: {', '.join(keys)}"
            )

    def findings(self, *, section: str | None = None) -> list[Finding]:
        """Live findings in letter order (by section, then position), each ``position``
        its place in its section's list, 1..n."""
        try:
            keys = self.section_keys()
        except FieldworkError:
            keys = ()
        return self.queries.findings(keys, section=section)

    def finding(self, finding_id: str) -> Finding:
        row = self._writer.row("findings", finding_id)
        finding = R.finding_from(row["id"], R.FINDINGS.decode(row))
        finding.position = self._places.rank(finding_id, finding.section)
        return finding

    def add_finding(
        self, section: str, text: str, *, position: int | None = None, id: str | None = None,
        extra: dict[str, Any] | None = None, by: str | None = None,
    ) -> Changes:
        """Add a finding at ``position`` of its section (1 is first; past the end, or
        None, is last); the findings from there on move down one.

        :raises InvalidValue: no text, an unknown section, or a position below 1
        """
        self.require_writable()
        if not text.strip():
            raise InvalidValue("a finding needs its text")
        if position is not None:
            ordering.check_position(position)
        self._check_section(section)
        row_id = id or new_id()
        with self.atomic():
            check_not_frozen(self.inspection().state)
            key = self._places.key_at(section, position, moving=None, by=by)
            data = {"section": section, "position": key, "text": text, "extra": extra}
            self._writer.insert("findings", row_id, data, by=by)
        return Changes(findings=frozenset({row_id}), created=row_id)

    def edit_finding(self, finding_id: str, *, by: str | None = None, **changes: Any) -> Changes:
        """Change a finding's text, section or position; a change of its text alone is
        ``text_only``.

        ``position`` is its place in the section's list (1 is first, past the end is
        last). A finding moved to another section without a position goes last there.

        :raises InvalidValue: an empty text, an unknown section, or a position below 1
        """
        self.require_writable()
        check_keys(changes, FINDING_FIELDS, "finding")
        if "section" in changes:
            self._check_section(changes["section"])
        if "text" in changes and not str(changes["text"]).strip():
            raise InvalidValue("a finding needs its text")
        if changes.get("position") is not None:
            ordering.check_position(changes["position"])
        return self._edit_finding(finding_id, changes, by=by, op="edit")

    def move_finding(
        self, finding_id: str, section: str, index: int, *, by: str | None = None
    ) -> Changes:
        """Put a finding at ``index`` (0-based; past the end is last) of ``section``: the
        same rule as :meth:`edit_finding` with ``position = index + 1``."""
        self.require_writable()
        self._check_section(section)
        return self._edit_finding(finding_id, {"section": section,
                                               "position": max(0, index) + 1}, by=by, op="move")

    def _edit_finding(self, finding_id: str, changes: dict[str, Any], *, by: str | None,
                      op: str) -> Changes:
        with self.atomic():
            check_not_frozen(self.inspection().state)
            placed, shown = self._places.placed(self.finding(finding_id), changes, by=by)
            changed = self._writer.update("findings", finding_id, placed, by=by, op=op,
                                          shown=shown)
        return Changes(findings=frozenset({finding_id}) if changed else frozenset(),
                       text_only=bool(changed) and changed <= _TEXT_ONLY)

    def restore_finding(self, finding_id: str, *, by: str | None = None) -> Changes:
        """Bring back a deleted finding with its tags (the undo of a delete)."""
        self.require_writable()
        with self.atomic():
            check_not_frozen(self.inspection().state)
            self._writer.update("findings", finding_id, {}, by=by, op="restore", undelete=True)
            noted = self.queries.tagged_to(finding_id)
        return Changes(findings=frozenset({finding_id}), notes=noted)

    def delete_finding(self, finding_id: str, *, by: str | None = None) -> Changes:
        """Delete a finding. Notes tagged to it keep their tags, which return if it is restored."""
        self.require_writable()
        with self.atomic():
            check_not_frozen(self.inspection().state)
            noted = self.queries.tagged_to(finding_id)
            self._writer.delete("findings", finding_id, by=by)
        return Changes(findings=frozenset({finding_id}), notes=noted)

    # ------------------------------------------------------------------- notes
    def add_note(
        self, *, author: str, source: SourceType | str, text: str, case_ref: str | None = None,
        subject_role: str | None = None, observed_at: str | None = None,
        findings: Sequence[str] = (), id: str | None = None, extra: dict[str, Any] | None = None,
    ) -> Changes:
        """Add a note, recorded as written by ``author`` (an inspector id or name)."""
        self.require_writable()
        data = self._note_values({
            "author": author, "source": source, "case_ref": case_ref,
            "subject_role": subject_role, "observed_at": observed_at or local_now(),
            "text": text, "findings": findings, "extra": extra or None,
        })
        row_id = id or new_id()
        with self.atomic():
            self._writer.insert("notes", row_id, data, by=data["author"])
        return Changes(notes=frozenset({row_id}), created=row_id)

    def edit_note(self, note_id: str, *, by: str | None = None, **changes: Any) -> Changes:
        """Change some of a note's fields. Returns empty Changes if nothing differed, and
        ``text_only`` ones if only its text did (the autosave of a note being typed)."""
        self.require_writable()
        check_keys(changes, NOTE_FIELDS, "note")
        values = self._note_values(changes)
        with self.atomic():
            changed = self._writer.update("notes", note_id, values, by=by)
        return Changes(notes=frozenset({note_id}) if changed else frozenset(),
                       text_only=bool(changed) and changed <= _TEXT_ONLY)

    def _note_values(self, given: dict[str, Any]) -> dict[str, Any]:
        """A note's fields as given by a person, as the file keeps them: the author's id,
        the source's value, blank references as none, each live finding once."""
        values = dict(given)
        if "author" in values:
            values["author"] = self.inspector(values["author"]).id
        if "source" in values:
            values["source"] = enum_value(SourceType, values["source"], "source").value
        for key in ("case_ref", "subject_role"):
            if key in values:
                values[key] = blank_none(values[key])
        if "findings" in values:
            values["findings"] = self.queries.live_finding_ids(values["findings"])
        return values

    def delete_note(self, note_id: str, *, by: str | None = None) -> Changes:
        self.require_writable()
        with self.atomic():
            tagged = frozenset(self.note(note_id).findings)
            self._writer.delete("notes", note_id, by=by)
        return Changes(notes=frozenset({note_id}), findings=tagged)

    def restore_note(self, note_id: str, *, by: str | None = None) -> Changes:
        """Bring back a deleted note (the undo of a delete)."""
        self.require_writable()
        with self.atomic():
            self._writer.update("notes", note_id, {}, by=by, op="restore", undelete=True)
            tagged = frozenset(self.note(note_id).findings)
        return Changes(notes=frozenset({note_id}), findings=tagged)

    def note(self, note_id: str) -> Note:
        return self.queries.note(self._writer.row("notes", note_id))

    # ----------------------------------------------------------------- queries
    notes = _offered("queries", Queries.notes)
    note_rows = _offered("queries", Queries.note_rows)
    note_rows_by_id = _offered("queries", Queries.note_rows_by_id)
    count_notes = _offered("queries", Queries.count_notes)
    note_counts = _offered("queries", Queries.note_counts)
    evidence_counts = _offered("queries", Queries.evidence_counts)
    subject_roles = _offered("queries", Queries.subject_roles)
    history = _offered("queries", Queries.history)

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Ranked hits over note text, case references and findings, with marked snippets."""
        return search_notes_and_findings(self._conn, query, limit=limit)

    # ------------------------------------------------------------------- links
    def link(self, note_id: str, finding_id: str, *, by: str | None = None) -> Changes:
        """Tag a note to a finding. Linking twice is a no-op.

        :raises NoSuchNote: if ``note_id`` is unknown
        :raises NoSuchFinding: if ``finding_id`` is unknown
        """
        return self.link_many([note_id], finding_id, by=by)

    def link_many(
        self, note_ids: Iterable[str], finding_id: str, *, by: str | None = None
    ) -> Changes:
        """Tag several notes to one finding, in one transaction."""
        self.require_writable()
        self.finding(finding_id)
        touched: set[str] = set()
        with self.atomic():
            for note_id in note_ids:
                current = R.NOTES.decode(self._writer.row("notes", note_id))["findings"]
                if finding_id in current:
                    continue
                self._writer.update("notes", note_id, {"findings": [*current, finding_id]},
                                    by=by, op="link")
                touched.add(note_id)
        return Changes(
            notes=frozenset(touched), findings=frozenset({finding_id}) if touched else frozenset()
        )

    def unlink(self, note_id: str, finding_id: str, *, by: str | None = None) -> Changes:
        """Remove a note's tag to a finding. Unlinking an absent tag is a no-op."""
        self.require_writable()
        with self.atomic():
            current = R.NOTES.decode(self._writer.row("notes", note_id))["findings"]
            if finding_id not in current:
                return Changes()
            self._writer.update("notes", note_id,
                                {"findings": [f for f in current if f != finding_id]}, by=by,
                                op="unlink")
        return Changes(notes=frozenset({note_id}), findings=frozenset({finding_id}))

    # ------------------------------------------------------------------ issues
    record_issue = _offered("letter_issues", LetterIssues.record)
    issues = _offered("letter_issues", LetterIssues.all)
    latest_issue = _offered("letter_issues", LetterIssues.latest)
    issued_pdf = _offered("letter_issues", LetterIssues.pdf)

    # -------------------------------------------------------------- retirement
    @property
    def retired(self) -> bool:
        """Whether the inspection was retired (:mod:`fieldwork.retention`): its evidence
        is gone, and the file is read-only."""
        return retiring.RETIRED_AT in self._meta

    def _mark_retired(self) -> None:
        if self.retired:
            self.writable = False
            self._read_only_reason = (
                f"the inspection was retired on {self._meta[retiring.RETIRED_AT][:10]}; "
                "only its issued letter is kept")

    def retire_evidence(self, record: dict[str, str]) -> None:
        """Remove the evidence for good and record the retirement (the settings in
        ``record``); see :mod:`.retiring`. Called by :func:`fieldwork.retention.retire`,
        which decides whether it may be."""
        self.require_writable()
        retiring.wipe(self, self._conn, record)
        self._meta.update(record)
        for key in retiring.WIPED_META:
            self._meta.pop(key, None)
        self.queries.findings_changed()
        self._mark_retired()

    # -------------------------------------------------------------- whole file
    def backup(self, target: str | os.PathLike[str], *, replace: bool = False) -> None:
        """Copy the whole file to a new file ``target``: see :func:`.opening.backup`."""
        opening.backup(self._conn, self.path, Path(target), replace=replace, key=self.key)

    def copy_into(self, other: Store) -> None:
        """Replace everything in ``other`` (an open, writable file) with this file's content,
        through SQLite's backup API, under SQLite's locks. Both must be plain or both
        encrypted (SQLCipher copies pages between encrypted files only)."""
        other.require_writable()
        if self.encrypted != other.encrypted:
            raise InvalidValue(
                f"{other.path}: cannot take the content of {self.path}: one is encrypted "
                "and the other not")
        with translated(other.path):
            self._conn.backup(other._conn)

    def export_database(self, target: str | os.PathLike[str], key: cipher.FileKey | None
                        ) -> None:
        """Copy this encrypted file's whole content into the new, empty database
        ``target``: plain (``key`` None) or encrypted with ``key``
        (:func:`.cipher.export`). For :mod:`fieldwork.encryption`."""
        if not self.encrypted:
            raise InvalidValue(f"{self.path}: is not encrypted")
        with translated(self.path):
            cipher.export(self._conn, Path(target), key, self.path)

    def serialize(self) -> bytes:
        """The whole file as one database image (its WAL included), read in one transaction.

        Of an encrypted file, a plain image of its tables without the search indexes
        (:func:`.cipher.plain_image`), held in memory only."""
        with translated(self.path):
            if self.encrypted:
                return cipher.plain_image(self._conn)
            return self._conn.serialize()

    def integrity_check(self) -> str:
        """SQLite's ``integrity_check`` of the file: "ok", or the first problem found (the
        search indexes are checked by :meth:`SearchIndex.check`)."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def raw_sql(self, statement: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one SQL statement on the file as it is, past every rule of the store (no
        history, versions or search index): for diagnostics, tests and benchmarks only."""
        return self._conn.execute(statement, params)
