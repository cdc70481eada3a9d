"""Reading a pack's rows as data: every row checked before anything is written.

A pack is sealed with the team's passphrase, which every member knows, so its content is
no more trusted than an interchange document. Each row of each table a receiver reads is
checked by :mod:`fieldwork.validation` (types, enums, ids, JSON shapes, positions, times,
sizes, version vectors) and against the others (a note's author and findings, a conflict's
row, a history entry's row, an issued letter's predecessor). Then three rules that only a
pack needs:

* **Forged versions.** A pack may not hold versions of the receiving copy (its replica id)
  beyond what that copy has made (its clock).
* **Issued letters.** An issued letter's PDF must match its checksum, and it must have been
  issued by the inspection's lead: one of the receiving copy's leads before the merge
  (when it has none, or when joining, the pack's own). The inspection is ``issued`` only
  with such a record in the pack or the copy.
* **One inspection.** The inspection table holds exactly the pack's inspection.

The first broken rule refuses the whole pack with one line that names the pack, the table,
the row and the field.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork.errors import BadPack, ForgedPack
from fieldwork.model import LetterState, Role
from fieldwork.packs.lattice import sibling_id
from fieldwork.store import Store
from fieldwork.store import rows as R
from fieldwork.store.schema import REPLICATED_TABLES
from fieldwork.validation import (
    Invalid,
    check_document_extra,
    check_history,
    check_issue,
    check_sibling,
    check_stored_row,
)
from fieldwork.validation.rows import SOURCES
from fieldwork.validation.values import (
    MAX_ID,
    MAX_INT,
    MAX_JSON,
    MAX_NOTE_TEXT,
    MAX_SHORT_TEXT,
    MAX_TAGS,
    check_uuid,
    check_vector,
    is_actor,
    is_datetime,
    is_id,
    is_stamp,
    loads,
    shown,
)

if TYPE_CHECKING:
    from fieldwork.packs.container import PackHeader

_CHECKING = True


def checking() -> bool:
    """Whether packs are checked (always, except inside :func:`unchecked_for_benchmark`)."""
    return _CHECKING


@contextlib.contextmanager
def unchecked_for_benchmark() -> Iterator[None]:
    """Read packs without checking their image or rows, as merges did before they were
    checked: only for ``bench/bench_merge.py`` to measure what the checks cost."""
    global _CHECKING
    _CHECKING = False
    try:
        yield
    finally:
        _CHECKING = True


#: A conflict as stored: id, row_id, vv, deleted, data, modified_at, modified_by.
Sibling = tuple[Any, ...]

_SIBLING_COLUMNS = "id, tbl, row_id, vv, deleted, data, modified_at, modified_by"
_HISTORY_COLUMNS = "id, tbl, row_id, at, by, op, before, after"
_ISSUE_COLUMNS = "id, at, by, sha256, pdf, supersedes"
#: How many forged rows the message names before it counts the rest.
_NAMED = 3
#: The width of a note row the quick check knows: id, the first eight content columns
#: (author … extra), and the version tail. A column added to notes after these makes the
#: quick check look only at rows that leave it empty; others get the full check.
_NOTE_ROW = 1 + 8 + 6


@dataclass(frozen=True)
class Receiver:
    """What a pack is checked against: the copy it is merged into, or nothing (a join)."""

    #: Ids of each replicated table's rows in the copy, tombstones too.
    ids: dict[str, Collection[str]] = field(default_factory=dict)
    #: Ids of the issued letters the copy holds.
    issues: Collection[str] = frozenset()
    #: The copy's replica id and clock: no pack may hold a version of it beyond the clock.
    replica: str | None = None
    clock: int = 0
    #: Inspectors whose issued letters are accepted; empty: the pack's own leads.
    leads: frozenset[str] = frozenset()

    @classmethod
    def of(cls, store: Store, ids: dict[str, Collection[str]]) -> Receiver:
        """The copy ``store``, whose rows' ids (per table) the caller has read already."""
        leads = frozenset(i.id for i in store.inspectors() if i.role == Role.LEAD)
        return cls(
            ids=ids,
            issues=frozenset(i.id for i in store.issues()),
            replica=store.replica,
            clock=int(store.meta("clock") or 0),
            leads=leads,
        )


@dataclass
class PackRows:
    """A pack's rows as they travel, each checked (in the order the pack holds them)."""

    #: table → rows as ``(id, *content columns, *R.VERSION_TAIL)``, JSON as text.
    rows: dict[str, list[tuple[Any, ...]]]
    #: table → its losing versions as ``(id, row_id, vv, deleted, data, modified_at,
    #: modified_by)``.
    siblings: dict[str, list[Sibling]]
    #: ``(id, tbl, row_id, at, by, op, before, after)``.
    history: list[tuple[Any, ...]]
    #: ``(id, at, by, sha256, pdf, supersedes)``.
    issues: list[tuple[Any, ...]]
    #: The sender's settings that travel: inspection_id, replica, clock, document_extra.
    meta: dict[str, str]

    def team(self) -> list[tuple[str, str, str]]:
        """The live inspectors as ``(id, name, role)``, the lead first, then by name."""
        return team(self.rows["inspectors"])


def team(inspectors: list[tuple[Any, ...]]) -> list[tuple[str, str, str]]:
    """The live inspectors among stored rows as ``(id, name, role)``, the lead first."""
    name, role = (1 + R.INSPECTORS.columns.index(c) for c in ("name", "role"))
    live = [(r[0], r[name], r[role]) for r in inspectors if not r[-5]]
    return sorted(live, key=lambda r: (r[2] != Role.LEAD.value, r[1], r[0]))


def remember(memory: set[Any], ok: bool, value: Any) -> bool:
    """``ok``, noting ``value`` in ``memory`` when it is: each distinct value is checked once."""
    if ok:
        memory.add(value)
    return ok


def read_pack(
    image: sqlite3.Connection, path: Path, header: PackHeader, receiver: Receiver
) -> PackRows:
    """Every row of the snapshot ``image`` a receiver takes, checked.

    :raises BadPack: the first row that breaks a rule, naming pack, table, row and field
    """
    return _Reader(image, path, header, receiver).read()


class _Reader:
    def __init__(
        self, image: sqlite3.Connection, path: Path, header: PackHeader, receiver: Receiver
    ) -> None:
        self.image = image
        self.path = path
        self.header = header
        self.receiver = receiver
        self.check = checking()
        self.ids: dict[str, set[str]] = {table: set() for table in REPLICATED_TABLES}
        self.forged: list[str] = []
        #: Version vectors that passed, and whether each is forged.
        self.good_vectors: dict[str, bool] = {}

    # ------------------------------------------------------------------ reading
    def read(self) -> PackRows:
        self.image.row_factory = None
        meta = self._meta()
        rows = {table: self._table(table) for table in REPLICATED_TABLES}
        siblings = self._siblings()
        if self.forged:
            named = ", ".join(self.forged[:_NAMED])
            more = f", and {len(self.forged) - _NAMED} more" if len(self.forged) > _NAMED else ""
            raise ForgedPack(
                f"{self.path}: refused as forged: it claims versions of this copy that this "
                f"copy never made ({named}{more})"
            )
        history = self._history()
        issues = self._issues(rows)
        if self.check:
            self._one_inspection(rows["inspection"], meta)
            self._issued_only_with_a_letter(rows["inspection"], siblings["inspection"], issues)
        return PackRows(rows, siblings, history, issues, meta)

    def _select(self, what: str, sql: str) -> Iterator[tuple[Any, ...]]:
        """The rows of a query; text that is not UTF-8 is refused with its row.

        ``what`` names a row in messages (``notes row``); the query's first column is the
        row's id.
        """
        try:
            yield from self.image.execute(sql)
        except sqlite3.OperationalError as err:
            if "decode" not in str(err):
                raise
            row_id, column = self._undecodable(sql)
            raise self._fail(what, row_id, Invalid(column, "holds text that is not UTF-8")
                             ) from None

    def _undecodable(self, sql: str) -> tuple[Any, str]:
        """Which row (its id) and column of ``sql`` hold text that is not UTF-8."""
        self.image.text_factory = bytes
        try:
            cursor = self.image.execute(sql)
            names = [d[0] for d in cursor.description]
            for row in cursor:
                for name, value in zip(names, row, strict=True):
                    if isinstance(value, bytes):
                        try:
                            value.decode("utf-8")
                        except UnicodeDecodeError:
                            row_id = row[0]
                            if isinstance(row_id, bytes):
                                row_id = row_id.decode("utf-8", "replace")
                            return row_id, name
        finally:
            self.image.text_factory = str
        return "?", "?"

    def _fail(self, what: str, row_id: Any, err: Invalid) -> BadPack:
        plain = is_id(row_id) and len(row_id) <= 64 and row_id.isprintable()
        name = row_id if plain else shown(row_id)
        return BadPack(f"{self.path}: {what} {name}: {err}")

    def _meta(self) -> dict[str, str]:
        meta: dict[str, str] = {}
        for key, value in self._select("meta", "SELECT key, value FROM meta NOT INDEXED"):
            if key in ("inspection_id", "replica", "clock", "document_extra", "format"):
                meta[key] = value
        if not self.check:
            return meta
        try:
            check_uuid(meta.get("replica"))
        except Invalid as err:
            raise self._fail("meta", "replica", err) from None
        clock = meta.get("clock")
        if (type(clock) is not str or not clock.isascii() or not clock.isdigit()
                or len(clock) > 16 or int(clock) > MAX_INT):
            raise self._fail("meta", "clock", Invalid("", f"{shown(clock)} is not a counter"))
        extra = meta.get("document_extra")
        if extra is not None:
            try:
                if type(extra) is not str:
                    raise Invalid("", "must be JSON text")
                check_document_extra(loads(extra))
            except (ValueError, RecursionError) as err:
                detail = err if isinstance(err, Invalid) else Invalid("", "is not valid JSON")
                raise self._fail("meta", "document_extra", detail) from None
        return meta

    def _table(self, table: str) -> list[tuple[Any, ...]]:
        spec = R.SPECS[table]
        cols = ", ".join(("id", *spec.columns, *R.VERSION_TAIL))
        rows = list(self._select(
            f"{table} row", f"SELECT {cols} FROM {table} NOT INDEXED ORDER BY seq"
        ))
        ids = self.ids[table]
        if not self.check:
            ids.update(r[0] for r in rows)
            return rows
        quick = self._plain_notes() if table == "notes" else None
        for row in rows:
            row_id = row[0]
            if quick is not None and row_id not in ids and quick(row):
                ids.add(row_id)
                continue
            try:
                content, vector = check_stored_row(spec, row)
                if row_id in ids:
                    raise Invalid("id", "appears twice")
                self._references(table, content)
            except Invalid as err:
                raise self._fail(f"{table} row", row_id, err) from None
            ids.add(row_id)
            self._mine(vector, f"{spec.kind} {row_id}")
        return rows

    def _plain_notes(self) -> Callable[[tuple[Any, ...]], bool]:
        """A quick yes for an ordinary note row: the rules of :func:`check_stored_row` and
        :meth:`_references`, with what repeats from row to row (authors, tags, times,
        version vectors) remembered. Anything else gets the full check, which names the
        offending field. (Text read from SQLite cannot hold lone surrogates: the driver
        refuses text that is not UTF-8.)"""
        authors = {*self.ids["inspectors"], *self.receiver.ids.get("inspectors", ())}
        # One memory per rule: a value that passed one rule says nothing of another.
        shorts: set[Any] = set()
        times: set[Any] = set()
        stamps: set[Any] = set()
        actors: set[Any] = set()
        tagged: set[Any] = set()
        vectors = self.good_vectors
        forged = self.forged
        plain_tags = self._plain_tags

        def short(value: Any) -> bool:
            return remember(shorts, type(value) is str and len(value) <= MAX_SHORT_TEXT
                            and "\x00" not in value, value)

        def plain(row: tuple[Any, ...]) -> bool:
            if len(row) != _NOTE_ROW:  # columns added since: fast only while they are empty
                if any(value is not None for value in row[9:-6]):
                    return False
                row = (*row[:9], *row[-6:])
            (row_id, author, source, case_ref, role, observed, text, tags, extra, vv, deleted,
             created_at, created_by, modified_at, modified_by) = row
            if not (
                type(row_id) is str and 0 < len(row_id) <= MAX_ID and row_id.isprintable()
                and not row_id.isspace()
                and author in authors
                and source in SOURCES
                and (case_ref is None or case_ref in shorts or short(case_ref))
                and (role is None or role in shorts or short(role))
                and (observed in times or remember(times, is_datetime(observed), observed))
                and type(text) is str and len(text) <= MAX_NOTE_TEXT and "\x00" not in text
                and (tags in tagged or remember(tagged, plain_tags(tags), tags))
                and extra is None
                and type(deleted) is int and deleted in (0, 1)
                and (created_at in stamps or remember(stamps, is_stamp(created_at), created_at))
                and (modified_at in stamps
                     or remember(stamps, is_stamp(modified_at), modified_at))
                and (created_by in actors or remember(actors, is_actor(created_by), created_by))
                and (modified_by in actors
                     or remember(actors, is_actor(modified_by), modified_by))
            ):
                return False
            mine = vectors.get(vv)
            if mine is None:
                mine = self._vector(vv)
                if mine is None:
                    return False
            if mine:
                forged.append(f"note {row_id}")
            return True

        return plain

    def _vector(self, vv: Any) -> bool | None:
        """Whether a version vector claims more of the receiving copy than it has made;
        None if it is no version vector (the full check says why)."""
        try:
            vector = check_vector(vv)
        except Invalid:
            return None
        replica = self.receiver.replica
        mine = replica is not None and vector.get(replica, 0) > self.receiver.clock
        self.good_vectors[vv] = mine
        return mine

    def _plain_tags(self, text: Any) -> bool:
        """A note's findings as stored: a JSON list of known findings' ids, each once."""
        if type(text) is not str or len(text) > MAX_JSON:
            return False
        try:
            tags = loads(text)
        except (ValueError, RecursionError):
            return False
        findings = self.ids["findings"]
        theirs = self.receiver.ids.get("findings", ())
        return (
            type(tags) is list and len(tags) <= MAX_TAGS
            and all(type(f) is str and (f in findings or f in theirs) for f in tags)
            and len(set(tags)) == len(tags)
        )

    def _references(self, table: str, content: dict[str, Any]) -> None:
        """A note's author is an inspector, and its findings are findings (live or not), of
        the pack or the copy: the tables before notes are read already."""
        if table != "notes":
            return
        author = content["author"]
        if not self._known("inspectors", author):
            raise Invalid("author", f"{shown(author)} is not an inspector of this inspection")
        for index, finding in enumerate(content["findings"]):
            if not self._known("findings", finding):
                raise Invalid(f"findings[{index}]",
                              f"{shown(finding)} is not a finding of this inspection")

    def _known(self, table: str, row_id: str) -> bool:
        return row_id in self.ids[table] or row_id in self.receiver.ids.get(table, ())

    def _mine(self, vector: dict[str, int], what: str) -> None:
        """Note a version that claims more of the receiving copy than it has made."""
        replica = self.receiver.replica
        if replica is not None and vector.get(replica, 0) > self.receiver.clock:
            self.forged.append(what)

    def _siblings(self) -> dict[str, list[Sibling]]:
        out: dict[str, list[Sibling]] = {table: [] for table in REPLICATED_TABLES}
        seen: set[str] = set()
        for row in self._select(
            "conflicts row", f"SELECT {_SIBLING_COLUMNS} FROM conflicts NOT INDEXED"
        ):
            sid, table, row_id, vv, deleted, data, at, by = row
            if self.check:
                try:
                    if type(table) is not str or table not in out:
                        raise Invalid("tbl", f"{shown(table)} is not a table with conflicts")
                    content, vector = check_sibling(
                        R.SPECS[table], row_id, vv, deleted, data, at, by
                    )
                    if row_id not in self.ids[table]:
                        raise Invalid("row_id", f"{shown(row_id)} is not a row of the pack")
                    if sid != sibling_id(table, row_id, vv):
                        raise Invalid("id", "does not match the conflict's row and version")
                    if sid in seen:
                        raise Invalid("id", "appears twice")
                    try:
                        self._references(table, content)
                    except Invalid as err:
                        raise err.under("data") from None
                except Invalid as err:
                    raise self._fail("conflicts row", sid, err) from None
                seen.add(sid)
                self._mine(vector, f"conflict {sid}")
            out[table].append((sid, row_id, vv, deleted, data, at, by))
        return out

    def _history(self) -> list[tuple[Any, ...]]:
        entries = list(self._select(
            "history entry", f"SELECT {_HISTORY_COLUMNS} FROM history NOT INDEXED ORDER BY seq"
        ))
        if not self.check:
            return entries
        tables = frozenset(REPLICATED_TABLES)
        for entry in entries:
            try:
                check_history(entry, tables)
                if not self._known(entry[1], entry[2]):
                    raise Invalid("row_id", f"{shown(entry[2])} is not a row of this inspection")
            except Invalid as err:
                raise self._fail("history entry", entry[0], err) from None
        return entries

    def _issues(self, rows: dict[str, list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
        issues = list(self._select(
            "issued letter", f"SELECT {_ISSUE_COLUMNS} FROM issues NOT INDEXED"
        ))
        if not self.check:
            return issues
        leads = self.receiver.leads or frozenset(
            row_id for row_id, _, role in team(rows["inspectors"]) if role == Role.LEAD.value
        )
        ids = {issue[0] for issue in issues}
        for issue in issues:
            try:
                check_issue(issue)
                known = issue[0] in self.receiver.issues
                if not known and issue[2] not in leads:
                    raise Invalid("by", f"{shown(issue[2])} is not the inspection's lead; only "
                                        "the lead issues the letter")
                supersedes = issue[5]
                if supersedes is not None and not (
                    supersedes in ids or supersedes in self.receiver.issues
                ):
                    raise Invalid("supersedes", f"{shown(supersedes)} is not an issued letter")
            except Invalid as err:
                raise self._fail("issued letter", issue[0], err) from None
        return issues

    def _one_inspection(self, rows: list[tuple[Any, ...]], meta: dict[str, str]) -> None:
        ids = [r[0] for r in rows]
        if ids != [meta.get("inspection_id")]:
            stray = next((i for i in ids if i != meta.get("inspection_id")), None)
            if stray is None:
                raise BadPack(f"{self.path}: the pack is damaged (it has no inspection row)")
            raise self._fail("inspection row", stray,
                             Invalid("id", "is not the pack's inspection"))

    def _issued_only_with_a_letter(
        self, rows: list[tuple[Any, ...]], siblings: list[Sibling], issues: list[Any]
    ) -> None:
        """The letter is issued only by issuing it: an ``issued`` inspection needs an issued
        letter (checked above) in the pack or the copy."""
        if issues or self.receiver.issues:
            return
        state = 1 + R.INSPECTION.columns.index("state")
        issued = LetterState.ISSUED.value
        for row in rows:
            if row[state] == issued:
                raise self._fail("inspection row", row[0], Invalid(
                    "state", "'issued' without an issued letter; a letter becomes issued only "
                             "by issuing it"))
        for sibling in siblings:
            if loads(sibling[4]).get("state") == issued:
                raise self._fail("conflicts row", sibling[0], Invalid(
                    "data.state", "'issued' without an issued letter; a letter becomes issued "
                                  "only by issuing it"))
