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
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldwork.errors import FieldworkError, InvalidDocument
from fieldwork.model import CaseKind, Changes, Role, SourceType

FORMAT = "fieldwork-inspection"
VERSION = 1

_TOP = ("format", "version", "inspection", "inspectors", "cases", "notes", "findings")
_INSPECTOR_KEYS = frozenset(("id", "name", "role"))
_CASE_KEYS = frozenset(("id", "ref", "kind", "fields", "urgent"))
_FINDING_KEYS = frozenset(("id", "section", "position", "text"))
_NOTE_KEYS = frozenset(
    ("id", "author", "source", "case_ref", "subject_role", "observed_at", "text", "findings")
)


# ------------------------------------------------------------------ reading
def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and parse a JSON file; malformed JSON is an :class:`InvalidDocument`."""
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
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidDocument(
            "", f"{p}: malformed JSON at line {err.lineno} column {err.colno}: {err.msg}"
        ) from None
    if not isinstance(doc, dict):
        raise InvalidDocument("", "the document must be a JSON object")
    return doc


# ----------------------------------------------------------------- checking
class _Checker:
    """Validates a document and gives every row an id, without touching any file."""

    def __init__(self, section_keys: Callable[[str], tuple[str, ...]]) -> None:
        self.section_keys = section_keys
        self.ids: dict[int, str] = {}

    def check(self, doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("format") != FORMAT:
            raise InvalidDocument("format", f"must be {FORMAT!r}, not {doc.get('format')!r}")
        version = doc.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise InvalidDocument("version", "must be an integer")
        if version > VERSION:
            raise InvalidDocument(
                "version", f"{version} is newer than this Fieldwork reads ({VERSION})"
            )
        inspection = _obj(doc.get("inspection"), "inspection")
        template = inspection.get("template", "ucra-2009")
        _str(template, "inspection.template")
        for key in ("title", "authority", "service", "letter_date", "statutory_basis"):
            if inspection.get(key) is not None:
                _str(inspection[key], f"inspection.{key}")
        for key in ("summary", "evidence_statement"):
            if inspection.get(key) is not None:
                _str(inspection[key], f"inspection.{key}")
        dates = inspection.get("fieldwork_dates", [])
        for i, d in enumerate(_list(dates, "inspection.fieldwork_dates")):
            _date(d, f"inspection.fieldwork_dates[{i}]")
        if inspection.get("letter_date") is not None:
            _date(inspection["letter_date"], "inspection.letter_date")
        if "id" in inspection:
            _id(inspection["id"], "inspection.id")
        try:
            sections = self.section_keys(template)
        except FieldworkError as err:
            raise InvalidDocument("inspection.template", str(err)) from None

        inspectors = _list(doc.get("inspectors", []), "inspectors")
        by_name: dict[str, str] = {}
        ids: set[str] = set()
        for i, item in enumerate(inspectors):
            path = f"inspectors[{i}]"
            _obj(item, path)
            _str(item.get("name"), f"{path}.name", required=True)
            role = item.get("role", "team")
            _choice(role, Role, f"{path}.role")
            item_id = self._ensure_id(item, path, ids)
            by_name.setdefault(item["name"], item_id)

        cases = _list(doc.get("cases", []), "cases")
        refs: set[str] = set()
        for i, item in enumerate(cases):
            path = f"cases[{i}]"
            _obj(item, path)
            ref = _str(item.get("ref"), f"{path}.ref", required=True)
            if ref in refs:
                raise InvalidDocument(f"{path}.ref", f"duplicate case reference {ref!r}")
            refs.add(ref)
            _choice(item.get("kind", "sampled"), CaseKind, f"{path}.kind")
            if item.get("fields") is not None:
                _obj(item["fields"], f"{path}.fields")
            if item.get("urgent") is not None:
                _obj(item["urgent"], f"{path}.urgent")
            self._ensure_id(item, path, ids)

        findings = _list(doc.get("findings", []), "findings")
        finding_ids: set[str] = set()
        for i, item in enumerate(findings):
            path = f"findings[{i}]"
            _obj(item, path)
            section = _str(item.get("section"), f"{path}.section", required=True)
            if section not in sections:
                raise InvalidDocument(
                    f"{path}.section",
                    f"unknown section {section!r} for template {template!r} "
                    f"(expected one of: {', '.join(sections)})",
                )
            position = item.get("position", i + 1)
            if not isinstance(position, int) or isinstance(position, bool):
                raise InvalidDocument(f"{path}.position", "must be an integer")
            _str(item.get("text"), f"{path}.text", required=True)
            finding_ids.add(self._ensure_id(item, path, ids))

        notes = _list(doc.get("notes", []), "notes")
        inspector_ids = {self.ids[id(item)] for item in inspectors}
        authors = inspector_ids | by_name.keys()
        sources = _CHOICES[SourceType]
        for i, item in enumerate(notes):
            if _plainly_valid_note(item, authors, sources, finding_ids):
                self._ensure_id(item, "notes", ids, index=i)
                continue
            path = f"notes[{i}]"
            _obj(item, path)
            author = _str(item.get("author"), f"{path}.author", required=True)
            if author not in inspector_ids and author not in by_name:
                raise InvalidDocument(
                    f"{path}.author", f"{author!r} is not an inspector id or name"
                )
            _choice(item.get("source"), SourceType, f"{path}.source")
            for key in ("case_ref", "subject_role"):
                if item.get(key) is not None:
                    _str(item[key], f"{path}.{key}")
            _str(item.get("observed_at"), f"{path}.observed_at", required=True)
            _str(item.get("text"), f"{path}.text", required=True, allow_empty=True)
            for j, fid in enumerate(_list(item.get("findings", []), f"{path}.findings")):
                _str(fid, f"{path}.findings[{j}]", required=True)
                if fid not in finding_ids:
                    raise InvalidDocument(
                        f"{path}.findings[{j}]", f"no finding with id {fid!r} in the document"
                    )
            self._ensure_id(item, path, ids)
        return {
            "inspection": inspection,
            "inspectors": inspectors,
            "cases": cases,
            "findings": findings,
            "notes": notes,
            "by_name": by_name,
            "inspector_ids": inspector_ids,
            "extra": {k: v for k, v in doc.items() if k not in _TOP},
            "ids": self.ids,
        }

    def _ensure_id(
        self, item: dict[str, Any], path: str, seen: set[str], *, index: int | None = None
    ) -> str:
        """The item's id, or a new one for an item without; the item is not changed.

        ``index``, if given, is appended to ``path`` only when an error needs it.
        """
        item_id = item.get("id")
        if type(item_id) is str and item_id.strip():
            pass
        elif item_id is not None:
            item_id = _id(item_id, _at(path, index) + ".id")
        else:
            item_id = str(uuid.uuid4())
        if item_id in seen:
            raise InvalidDocument(_at(path, index) + ".id", f"duplicate id {item_id!r}")
        seen.add(item_id)
        self.ids[id(item)] = item_id
        return item_id


def _at(path: str, index: int | None) -> str:
    """``path[index]``, made only when an error needs it."""
    return path if index is None else f"{path}[{index}]"


def _plainly_valid_note(
    item: Any, authors: set[str], sources: frozenset[str], finding_ids: set[str]
) -> bool:
    """A quick yes for an ordinary note; anything else gets the full check, which names
    the offending field."""
    if type(item) is not dict:
        return False
    author, observed = item.get("author"), item.get("observed_at")
    findings = item.get("findings", [])
    return (
        type(author) is str and author in authors
        and item.get("source") in sources
        and type(observed) is str and bool(observed.strip())
        and type(item.get("text")) is str
        and type(item.get("case_ref", "")) in (str, type(None))
        and type(item.get("subject_role", "")) in (str, type(None))
        and type(findings) is list
        and all(type(f) is str and f in finding_ids for f in findings)
    )


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidDocument(path, f"must be an object, not {_type(value)}")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidDocument(path, f"must be a list, not {_type(value)}")
    return value


def _str(value: Any, path: str, *, required: bool = False, allow_empty: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidDocument(path, f"must be a string, not {_type(value)}")
    if required and not allow_empty and not value.strip():
        raise InvalidDocument(path, "must not be empty")
    return value


def _id(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidDocument(path, "must be a non-empty string")
    return value


def _date(value: Any, path: str) -> None:
    import datetime as dt

    if not isinstance(value, str):
        raise InvalidDocument(path, f"must be a date string (YYYY-MM-DD), not {_type(value)}")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidDocument(path, f"{value!r} is not a date (YYYY-MM-DD)") from None


_CHOICES: dict[Any, frozenset[str]] = {
    enum_type: frozenset(e.value for e in enum_type) for enum_type in (CaseKind, Role, SourceType)
}


def _choice(value: Any, enum_type: Any, path: str) -> None:
    if value not in _CHOICES[enum_type]:
        allowed = ", ".join(e.value for e in enum_type)
        raise InvalidDocument(path, f"must be one of {allowed}, not {value!r}")


def _type(value: Any) -> str:
    return {
        type(None): "null", bool: "a boolean", int: "a number", float: "a number",
        str: "a string", list: "a list", dict: "an object",
    }.get(type(value), type(value).__name__)


def _extra(item: dict[str, Any], known: frozenset[str]) -> dict[str, Any] | None:
    unknown = item.keys() - known
    return {k: item[k] for k in unknown} if unknown else None


# ---------------------------------------------------------------- importing
def _template_sections(name: str) -> tuple[str, ...]:
    from fieldwork.letter import load_template

    return tuple(load_template(name).section_keys)


def validate(doc: dict[str, Any]) -> dict[str, Any]:
    """Check a document; returns the checked parts. Raises :class:`InvalidDocument`."""
    return _Checker(_template_sections).check(doc)


def import_document(store: Any, doc: dict[str, Any], *, by: str | None = None) -> Changes:
    """Bring a document into an open store: new rows are added, known ids are updated.

    Everything is checked first; on any error nothing is written.
    """
    return _write(store, validate(doc), by=by)


def _write(store: Any, checked: dict[str, Any], *, by: str | None) -> Changes:
    store._require_writable()
    changes = Changes()
    with store.atomic():
        head = checked["inspection"]
        fields = {k: v for k, v in head.items() if k not in ("id", "state")}
        state = head.get("state", store.inspection().state.value)
        if store._update(
            "inspection", store.inspection_id, {"fields": fields, "state": state}, by=by
        ):
            changes |= Changes(inspection=True)
        if checked["extra"]:
            store.set_meta("document_extra", json.dumps(checked["extra"], ensure_ascii=False))
        by_name = checked["by_name"]
        inspector_ids = checked["inspector_ids"]
        ids = checked["ids"]

        def rows(kind: str, items: list[dict[str, Any]], content: Any) -> frozenset[str]:
            new: list[tuple[str, dict[str, Any]]] = []
            touched: set[str] = set()
            existing = {
                r[0]: r[1]
                for r in store.conn.execute(f"SELECT id, deleted FROM {kind}")
            }
            for item in items:
                data = content(item)
                item_id = ids[id(item)]
                if item_id in existing:
                    if store._update(kind, item_id, data, by=by, op="import", undelete=True):
                        touched.add(item_id)
                else:
                    new.append((item_id, data))
                    touched.add(item_id)
            store.bulk_insert(kind, new, by=by)
            return frozenset(touched)

        changes |= Changes(inspectors=rows("inspectors", checked["inspectors"], lambda it: {
            "name": it["name"], "role": it.get("role", "team"),
            "extra": _extra(it, _INSPECTOR_KEYS)}))
        changes |= Changes(cases=rows("cases", checked["cases"], lambda it: {
            "ref": it["ref"], "kind": it.get("kind", "sampled"), "fields": it.get("fields") or {},
            "urgent": it.get("urgent"), "extra": _extra(it, _CASE_KEYS)}))
        changes |= Changes(findings=rows("findings", checked["findings"], lambda it: {
            "section": it["section"], "position": it.get("position", 0), "text": it["text"],
            "extra": _extra(it, _FINDING_KEYS)}))

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
            }

        changes |= Changes(notes=_write_notes(store, checked, note, by=by))
        store.invalidate_caches()
    return changes


def _write_notes(
    store: Any, checked: dict[str, Any], content: Any, *, by: str | None
) -> frozenset[str]:
    """Notes, the bulk of a document: known ids are updated, new ones go in encoded.

    New notes skip the intermediate dictionaries of the other kinds, since an import of
    100,000 notes spends as long in Python as in SQLite: each becomes its table row in
    one step, in the order they were observed (ties in document order).
    """
    from fieldwork.store.rows import NOTES, dump

    ids = checked["ids"]
    inspector_ids = checked["inspector_ids"]
    by_name = checked["by_name"]
    authors = {n: by_name[n] for n in by_name} | {a: a for a in inspector_ids}
    existing = {r[0] for r in store.conn.execute("SELECT id FROM notes")}
    encoded: dict[str, str] = {}  # finding id → its JSON, for the findings column
    touched: set[str] = set()
    rows: list[tuple[Any, ...]] = []
    tags: list[list[str]] = []
    stamp = store.bulk_stamp(by)
    assert NOTES.columns == (
        "author", "source", "case_ref", "subject_role", "observed_at", "text", "findings", "extra"
    )
    notes = checked["notes"]
    for item in sorted(notes, key=lambda it: it["observed_at"]):
        item_id = ids[id(item)]
        touched.add(item_id)
        if item_id in existing:
            if not store._update("notes", item_id, content(item), by=by, op="import",
                                 undelete=True):
                touched.discard(item_id)
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
            dump(_extra(item, _NOTE_KEYS)), *stamp,
        ))
        tags.append(findings)
    store.bulk_insert_encoded("notes", rows, findings=tags)
    return frozenset(touched)


def import_file(
    target: str | os.PathLike[str], source: str | os.PathLike[str], *, by: str | None = None
) -> tuple[Any, Changes]:
    """Import a JSON file into ``target``, creating the inspection file if it is missing.

    A new file appears whole or not at all. Returns the open store and what changed.
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
    return import_new(path, doc)


def import_new(path: str | os.PathLike[str], doc: dict[str, Any]) -> tuple[Any, Changes]:
    """Make a new inspection file from a document, in bulk.

    The file is built under a temporary name with journaling off, made durable, then
    renamed into place: it appears whole or not at all. ``me`` is the lead, if there is one.
    """
    from fieldwork import files
    from fieldwork.store import Store
    from fieldwork.store.store import gc_paused

    with gc_paused():
        checked = validate(doc)
    path = Path(path)
    if path.exists():
        raise FieldworkError(f"{path}: already exists")
    lead = next((i for i in checked["inspectors"] if i.get("role") == "lead"), None)
    actor = checked["ids"][id(lead)] if lead else ""
    inspection_id = checked["inspection"].get("id")
    files.refuse_overwrite(path)
    files.refuse_stray_journal(path)
    tmp = files.work_path(path, "importing")
    try:
        store = Store.create(tmp, inspection_id=inspection_id, actor=actor)
        try:
            with store.building():
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
    return Store.open(path, actor=actor or None), changes


# ---------------------------------------------------------------- exporting
def export_document(store: Any) -> dict[str, Any]:
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


def export_file(store: Any, path: str | os.PathLike[str]) -> None:
    """Write the document atomically: a work file beside ``path``, then a rename.

    Never over evidence: an inspection file (this one or another), a pack, or a journal
    is refused and left as it was (:func:`fieldwork.files.refuse_overwrite`).
    """
    from fieldwork import files
    from fieldwork.issuing import write_bytes

    files.refuse_overwrite(path, inputs=[store.path])
    write_bytes(path, dumps(export_document(store)).encode("utf-8"), inputs=[store.path])
