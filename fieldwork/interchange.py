"""Interchange JSON: the inspection as one document that scripts and other tools can read.

The format is a contract (see DESIGN.md). Export then import then export gives the same
document: rows are written in an order fixed by their content, not by how they arrived, and
fields this version does not know are kept.

Import checks the whole document before writing anything. An error names the path of the
field, such as ``notes[3].findings[0]``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork.errors import FieldworkError, InvalidDocument, LetterFrozen
from fieldwork.letterstate import is_frozen
from fieldwork.model import Changes, LetterState
from fieldwork.store import rows as R
from fieldwork.validation.document import FORMAT, VERSION, DocumentChecker, too_deep
from fieldwork.validation.rows import ITEM_KEYS
from fieldwork.validation.values import MAX_DEPTH, NonFinite, loads

if TYPE_CHECKING:
    from fieldwork.store import Store

_INSPECTOR_KEYS = ITEM_KEYS["inspectors"]
_CASE_KEYS = ITEM_KEYS["cases"]
_FINDING_KEYS = ITEM_KEYS["findings"]
_NOTE_KEYS = ITEM_KEYS["notes"]
#: Note columns added after the first eight (author … extra): each travels in a document
#: as it is stored, under its own name, and is left out when empty.
_NOTE_MORE = R.NOTES.columns[8:]


# ------------------------------------------------------------------ reading
def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and parse a JSON file; malformed JSON is an :class:`InvalidDocument`.

    ``NaN`` and ``Infinity`` are kept as markers that the checks refuse with their path.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidDocument("", f"{p}: no such file") from None
    except UnicodeDecodeError as err:
        raise InvalidDocument("", f"{p}: not UTF-8 text ({err.reason})") from None
    except OSError as err:
        raise InvalidDocument("", f"{p}: cannot be read ({err.strerror})") from None
    try:
        doc = loads(text)
    except json.JSONDecodeError as err:
        raise InvalidDocument(
            "", f"{p}: malformed JSON at line {err.lineno} column {err.colno}: {err.msg}"
        ) from None
    except ValueError:  # a number too long for Python to read (over 4,300 digits)
        doc = json.loads(text, parse_constant=NonFinite, parse_int=_long_int)
    except RecursionError:
        raise InvalidDocument(too_deep(text), f"nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(doc, dict):
        raise InvalidDocument("", "the document must be a JSON object")
    return doc


def _long_int(text: str) -> int | NonFinite:
    """An integer, or a marker for one too long to read, which the checks refuse by path."""
    return int(text) if len(text) <= 4000 else NonFinite(f"a {len(text)}-digit number")


def _extra(item: dict[str, Any], known: frozenset[str]) -> dict[str, Any] | None:
    unknown = item.keys() - known
    return {k: item[k] for k in unknown} if unknown else None


# ---------------------------------------------------------------- importing
def _template_sections(name: str) -> tuple[str, ...]:
    from fieldwork.letter import load_template

    return tuple(load_template(name).section_keys)


def validate(doc: dict[str, Any]) -> dict[str, Any]:
    """Check a document; returns the checked parts. Raises :class:`InvalidDocument`."""
    return DocumentChecker(_template_sections).check(doc)


def import_document(store: Store, doc: dict[str, Any], *, by: str | None = None) -> Changes:
    """Bring a document into an open store: new rows are added, known ids are updated.

    Everything is checked first; on any error nothing is written. The changes name every
    row written, and are ``everything`` when any was: views read the file again.
    """
    return _write(store, validate(doc), by=by)


#: Why a document may not change an issued letter.
FROZEN = (
    "the letter has been issued; its fields and findings cannot change until it is reopened "
    "for a re-issue (fieldwork issue F --reopen); notes can still be imported"
)


def check_letter_state(store: Store | None, checked: dict[str, Any]) -> None:
    """Refuse a document that would issue the letter, or change an issued one.

    A letter becomes issued only by issuing it, so ``state: "issued"`` imports only into a
    file that is issued already. Into such a file, a document may bring notes, but not
    change the letter's fields, state or findings (:data:`FROZEN`).
    """
    current = store.inspection() if store is not None else None
    head = checked["inspection"]
    wanted = head.get("state")
    if store is None or current is None or not is_frozen(current.state):
        if wanted == LetterState.ISSUED.value:
            raise InvalidDocument(
                "inspection.state",
                "'issued' can only be imported into a file whose letter is issued already: "
                "a letter becomes issued only by issuing it (fieldwork issue)",
            )
        return
    if wanted is not None and wanted != LetterState.ISSUED.value:
        raise LetterFrozen(f"inspection.state: {FROZEN}")
    fields = _inspection_fields(head)
    for key in sorted(fields.keys() | current.fields.keys()):
        if fields.get(key) != current.fields.get(key):
            raise LetterFrozen(f"inspection.{key}: {FROZEN}")
    keys = _finding_keys(store, checked)
    for i, item in enumerate(checked["findings"]):
        row = store.replication.raw_row("findings", checked["ids"][id(item)])
        if row is None or row["deleted"] or R.FINDINGS.decode(row) != _finding(checked, item, keys):
            raise LetterFrozen(f"findings[{i}]: {FROZEN}")


def _inspection_fields(head: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in head.items() if k not in ("id", "state")}


def _finding(
    checked: dict[str, Any], item: dict[str, Any], keys: dict[int, int]
) -> dict[str, Any]:
    """A document's finding as the store keeps it, its place given as its sort key."""
    return {
        "section": item["section"], "position": keys[id(item)],
        "text": item["text"], "extra": _extra(item, _FINDING_KEYS),
    }


def _write(store: Store, checked: dict[str, Any], *, by: str | None) -> Changes:
    store.require_writable()
    check_letter_state(store, checked)
    changes = Changes()
    with store.atomic():
        head = checked["inspection"]
        fields = _inspection_fields(head)
        state = head.get("state", store.inspection().state.value)
        if store.bulk.upsert("inspection", [(store.inspection_id,
                                             {"fields": fields, "state": state})], by=by):
            changes |= Changes(inspection=True)
        if checked["extra"]:
            store.set_meta("document_extra", json.dumps(checked["extra"], ensure_ascii=False))
        by_name = checked["by_name"]
        inspector_ids = checked["inspector_ids"]
        ids = checked["ids"]

        def rows(kind: str, items: list[dict[str, Any]], content: Any) -> frozenset[str]:
            return store.bulk.upsert(kind, [(ids[id(item)], content(item)) for item in items],
                                     by=by)

        changes |= Changes(inspectors=rows("inspectors", checked["inspectors"], lambda it: {
            "name": it["name"], "role": it.get("role", "team"),
            "extra": _extra(it, _INSPECTOR_KEYS)}))
        changes |= Changes(cases=rows("cases", checked["cases"], lambda it: {
            "ref": it["ref"], "kind": it.get("kind", "sampled"), "fields": it.get("fields") or {},
            "urgent": it.get("urgent"), "extra": _extra(it, _CASE_KEYS)}))
        keys = _finding_keys(store, checked)
        changes |= Changes(findings=rows("findings", checked["findings"],
                                         lambda it: _finding(checked, it, keys)))

        def note(it: dict[str, Any]) -> dict[str, Any]:
            author = it["author"]
            return {
                "author": author if author in inspector_ids else by_name[author],
                "source": it["source"],
                "case_ref": it.get("case_ref"),
                "subject_role": it.get("subject_role"),
                "observed_at": it["observed_at"],
                "text": it["text"],
                "findings": list(dict.fromkeys(it.get("findings", []))),
                "extra": _extra(it, _NOTE_KEYS),
                **{key: it.get(key) for key in _NOTE_MORE},
            }

        changes |= Changes(notes=_write_notes(store, checked, note, by=by))
        store.invalidate_caches()
    # An import may touch any number of rows: views read the file again.
    return changes | Changes.all() if changes else changes


def _finding_keys(store: Store, checked: dict[str, Any]) -> dict[int, int]:
    """The stored sort key of each finding (see :mod:`fieldwork.store.ordering`).

    A document's ``position`` is a place in the section's list: the findings of each
    section are put in order of position, then of the document. Findings already stored
    keep their keys when those already give that order, so a round trip changes nothing.
    """
    from fieldwork.store import ordering

    stored = {
        fid: (section, key) for fid, section, key in store.queries.finding_keys(deleted=True)
    }
    findings: list[dict[str, Any]] = checked["findings"]
    ids: dict[int, str] = checked["ids"]
    positions: dict[int, int] = checked["positions"]
    by_section: dict[str, list[tuple[int, int, dict[str, Any]]]] = {}
    for i, item in enumerate(findings):
        entry = (positions[id(item)], i, item)
        by_section.setdefault(item["section"], []).append(entry)
    keys: dict[int, int] = {}
    for section, entries in by_section.items():
        items = [item for _, _, item in sorted(entries, key=lambda e: (e[0], e[1]))]
        current = [stored.get(ids[id(item)]) for item in items]
        kept = [c[1] for c in current if c is not None and c[0] == section]
        new = ordering.keys_for_order(kept, len(items))
        keys.update((id(item), key) for item, key in zip(items, new, strict=True))
    return keys


def _write_notes(
    store: Store, checked: dict[str, Any], content: Any, *, by: str | None
) -> frozenset[str]:
    """Notes, the bulk of a document: known ids are updated, new ones go in encoded.

    New notes skip the intermediate dictionaries of the other kinds, since an import of
    100,000 notes spends as long in Python as in SQLite: each becomes its table row in
    one step, in the order they were observed (ties in document order).
    """
    dump = R.dump
    ids = checked["ids"]
    inspector_ids = checked["inspector_ids"]
    by_name = checked["by_name"]
    authors = {n: by_name[n] for n in by_name} | {a: a for a in inspector_ids}
    existing = store.queries.known_ids("notes")
    encoded: dict[str, str] = {}  # finding id → its JSON, for the findings column
    known: list[tuple[str, dict[str, Any]]] = []
    rows: list[tuple[Any, ...]] = []
    tags: list[list[str]] = []
    stamp = store.bulk.stamp(by)
    assert R.NOTES.columns[:8] == (
        "author", "source", "case_ref", "subject_role", "observed_at", "text", "findings", "extra"
    )
    notes = checked["notes"]
    for item in sorted(notes, key=lambda it: it["observed_at"]):
        item_id = ids[id(item)]
        if item_id in existing:
            known.append((item_id, content(item)))
            continue
        findings = item.get("findings") or []
        if findings:
            if len(findings) > 1:
                findings = list(dict.fromkeys(findings))
            try:
                tagged = "[" + ",".join([encoded[f] for f in findings]) + "]"
            except KeyError:
                encoded.update((f, dump(f) or "") for f in findings)
                tagged = "[" + ",".join([encoded[f] for f in findings]) + "]"
        else:
            tagged = "[]"
        rows.append((
            item_id, authors[item["author"]], item["source"], item.get("case_ref"),
            item.get("subject_role"), item["observed_at"], item["text"], tagged,
            dump(_extra(item, _NOTE_KEYS)), *[item.get(key) for key in _NOTE_MORE], *stamp,
        ))
        tags.append(findings)
    store.bulk.insert_encoded("notes", rows, findings=tags)
    return store.bulk.upsert("notes", known, by=by) | {row[0] for row in rows}


def import_file(
    target: str | os.PathLike[str], source: str | os.PathLike[str], *, by: str | None = None,
    encrypt_with: str | None = None,
) -> tuple[Store, Changes]:
    """Import a JSON file into ``target``, creating the inspection file if it is missing.

    A new file appears whole or not at all, encrypted with the passphrase ``encrypt_with``
    if given (an existing file stays as it is). Returns the open store and what changed.
    """
    from fieldwork.store import Store

    doc = load(source)
    path = Path(target)
    if path.exists():
        checked = validate(doc)
        store = Store.open(path)
        try:
            return store, _write(store, checked, by=by)
        except BaseException:
            store.close()
            raise
    return import_new(path, doc, encrypt_with=encrypt_with)


def import_new(path: str | os.PathLike[str], doc: dict[str, Any], *,
               encrypt_with: str | None = None) -> tuple[Store, Changes]:
    """Make a new inspection file from a document, in bulk.

    The file is built under a temporary name with journaling off, made durable, then
    renamed into place: it appears whole or not at all. ``me`` is the lead, if there is one.
    With ``encrypt_with`` (a passphrase) it is encrypted from its first byte.
    """
    from fieldwork import files
    from fieldwork.store import Store
    from fieldwork.store.bulk import gc_paused
    from fieldwork.store.cipher import new_key

    with gc_paused():
        checked = validate(doc)
    check_letter_state(None, checked)
    path = Path(path)
    if path.exists():
        raise FieldworkError(f"{path}: already exists")
    lead = next((i for i in checked["inspectors"] if i.get("role") == "lead"), None)
    actor = checked["ids"][id(lead)] if lead else ""
    inspection_id = checked["inspection"].get("id")
    files.refuse_overwrite(path)
    files.refuse_stray_journal(path)
    key = new_key(encrypt_with) if encrypt_with is not None else None
    tmp = files.work_path(path, "importing")
    try:
        store = Store.create(tmp, inspection_id=inspection_id, actor=actor, key=key)
        try:
            with store.bulk.building():
                changes = _write(store, checked, by=actor or None)
        finally:
            store.close()
        # Durable before it takes the name; synced only now that no connection is open.
        files.sync_file(tmp)
        os.replace(tmp, path)
        files.sync_dir(path.parent)
    except OSError as err:
        raise files.write_error(path, err) from None
    finally:
        files.remove_database(tmp)
    return Store.open(path, actor=actor or None, key=key), changes


# ---------------------------------------------------------------- exporting
def export_document(store: Store) -> dict[str, Any]:
    """The inspection as an interchange document, in a stable order."""
    inspection = store.inspection()
    head: dict[str, Any] = {"id": inspection.id, **inspection.fields}
    if inspection.state.value != "draft":
        head["state"] = inspection.state.value
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "inspection": head}

    inspectors = store.inspectors()
    doc["inspectors"] = [
        {"id": i.id, "name": i.name, "role": i.role.value, **(i.extra or {})} for i in inspectors
    ]
    doc["cases"] = []
    for c in store.cases():
        item: dict[str, Any] = {"id": c.id, "ref": c.ref, "kind": c.kind.value}
        item["fields"] = c.fields
        if c.urgent is not None:
            item["urgent"] = c.urgent
        item.update(c.extra or {})
        doc["cases"].append(item)
    doc["findings"] = [
        {"id": f.id, "section": f.section, "position": f.position, "text": f.text,
         **(f.extra or {})}
        for f in store.findings()
    ]
    notes = []
    for n in store.notes(order="observed_at"):
        item = {"id": n.id, "author": n.author, "source": n.source.value}
        if n.case_ref is not None:
            item["case_ref"] = n.case_ref
        if n.subject_role is not None:
            item["subject_role"] = n.subject_role
        item["observed_at"] = n.observed_at
        item["text"] = n.text
        item["findings"] = n.findings
        item.update((key, value) for key in _NOTE_MORE
                    if (value := getattr(n, key)) is not None)
        item.update(n.extra or {})
        notes.append(item)
    notes.sort(key=lambda n: (n["observed_at"], n["id"]))
    doc["notes"] = notes
    extra = store.meta("document_extra")
    if extra:
        doc.update(json.loads(extra))
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """The document as text: two-space indents, Unicode kept, a final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def export_file(store: Store, path: str | os.PathLike[str]) -> None:
    """Write the document atomically: a work file beside ``path``, then a rename.

    Never over evidence: an inspection file (this one or another), a pack, or a journal
    is refused and left as it was (:func:`fieldwork.files.refuse_overwrite`).
    """
    from fieldwork import files
    from fieldwork.issuing import write_bytes

    files.refuse_overwrite(path, inputs=[store.path])
    write_bytes(path, dumps(export_document(store)).encode("utf-8"), inputs=[store.path])
