"""Checking an interchange document: every field against the rules of :mod:`.rows` and
:mod:`.values`, each error naming its JSON path (``notes[3].findings[0]``).

Ordinary notes, the bulk of a large document, take a quick path that checks the same rules
inline; anything unusual gets the full check, which names the offending field.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from fieldwork.errors import FieldworkError, InvalidDocument
from fieldwork.validation.rows import (
    CASE_KINDS,
    DOCUMENT_KEYS,
    INSPECTION_KEYS,
    ITEM_KEYS,
    ROLES,
    SOURCES,
    STATES,
    Rule,
    check_document_extra,
    check_inspection_fields,
    extra_rule,
    object_or_null,
    text_rule,
)
from fieldwork.validation.values import (
    MAX_DEPTH,
    MAX_FINDING_TEXT,
    MAX_NOTE_TEXT,
    MAX_SHORT_TEXT,
    MAX_TAGS,
    Invalid,
    check_choice,
    check_datetime,
    check_id,
    check_position,
    check_size,
    describe,
    is_datetime,
    is_id,
    join,
    key_path,
    shown,
)

FORMAT = "fieldwork-inspection"
VERSION = 1

_NOTE_KEYS = ITEM_KEYS["notes"]
_SHORT = text_rule(MAX_SHORT_TEXT)
_OPTIONAL_SHORT = text_rule(MAX_SHORT_TEXT, empty=True, null=True)
_NOTE_TEXT = text_rule(MAX_NOTE_TEXT, empty=True)
_FINDING_TEXT = text_rule(MAX_FINDING_TEXT)


def check(value: Any, rule: Rule, path: str) -> None:
    """Apply ``rule`` to the value at ``path`` of a document."""
    try:
        rule(value)
    except Invalid as err:
        raise InvalidDocument(join(path, err.where), err.message) from None


class DocumentChecker:
    """Validates a document and gives every row an id, without touching any file.

    ``section_keys`` gives a letter template's section keys (and raises
    :class:`FieldworkError` for an unknown template).
    """

    def __init__(self, section_keys: Callable[[str], tuple[str, ...]]) -> None:
        self.section_keys = section_keys
        self.ids: dict[int, str] = {}
        self.positions: dict[int, int] = {}

    def check(self, doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("format") != FORMAT:
            raise InvalidDocument("format", f"must be {FORMAT!r}, not {shown(doc.get('format'))}")
        version = doc.get("version")
        if type(version) is not int:
            raise InvalidDocument("version", f"must be an integer, not {describe(version)}")
        if version > VERSION:
            raise InvalidDocument(
                "version", f"{describe(version)} is newer than this Fieldwork reads ({VERSION})"
            )
        if version < 1:
            raise InvalidDocument("version", f"must be {VERSION}, not {version}")
        ids: set[str] = set()
        inspection, sections = self._inspection(doc.get("inspection"))
        inspectors, by_name = self._inspectors(doc.get("inspectors", []), ids)
        cases = self._cases(doc.get("cases", []), ids)
        findings = _list(doc.get("findings", []), "findings")
        finding_ids: set[str] = set()
        for i, item in enumerate(findings):
            finding_ids.add(self._finding(item, i, sections, ids))
        notes = _list(doc.get("notes", []), "notes")
        inspector_ids = {self.ids[id(item)] for item in inspectors}
        authors = inspector_ids | by_name.keys()
        for i, item in enumerate(notes):
            if _plainly_valid_note(item, authors, finding_ids):
                self._ensure_id(item, "notes", ids, index=i)
            else:
                self._note(item, f"notes[{i}]", authors, finding_ids, ids)
        extra = {k: v for k, v in doc.items() if k not in DOCUMENT_KEYS}
        if extra:
            check(extra, check_document_extra, "")
        return {
            "inspection": inspection,
            "inspectors": inspectors,
            "cases": cases,
            "findings": findings,
            "notes": notes,
            "by_name": by_name,
            "inspector_ids": inspector_ids,
            "extra": extra,
            "ids": self.ids,
            "positions": self.positions,
        }

    def _inspection(self, value: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
        inspection = _obj(value, "inspection")
        if "state" in inspection:
            check(inspection["state"],
                  lambda v: check_choice(v, STATES, "letter state"), "inspection.state")
        if "id" in inspection:
            check(inspection["id"], check_id, "inspection.id")
        fields = {k: v for k, v in inspection.items() if k not in INSPECTION_KEYS}
        template = fields.get("template", "ucra-2009")
        if type(template) is not str:
            raise InvalidDocument("inspection.template",
                                  f"must be a string, not {describe(template)}")
        check(fields, check_inspection_fields, "inspection")
        check(fields, check_size, "inspection")
        try:
            sections = self.section_keys(template)
        except FieldworkError as err:
            raise InvalidDocument("inspection.template", str(err)) from None
        return inspection, sections

    def _inspectors(
        self, value: Any, ids: set[str]
    ) -> tuple[list[Any], dict[str, str]]:
        inspectors = _list(value, "inspectors")
        by_name: dict[str, str] = {}
        for i, item in enumerate(inspectors):
            path = f"inspectors[{i}]"
            _obj(item, path)
            check(item.get("name"), _SHORT, f"{path}.name")
            check(item.get("role", "team"), lambda v: check_choice(v, ROLES, "role"),
                  f"{path}.role")
            _extras(item, "inspectors", path)
            item_id = self._ensure_id(item, path, ids)
            by_name.setdefault(item["name"], item_id)
        return inspectors, by_name

    def _cases(self, value: Any, ids: set[str]) -> list[Any]:
        cases = _list(value, "cases")
        refs: set[str] = set()
        for i, item in enumerate(cases):
            path = f"cases[{i}]"
            _obj(item, path)
            check(item.get("ref"), _SHORT, f"{path}.ref")
            ref = item["ref"]
            if ref in refs:
                raise InvalidDocument(f"{path}.ref", f"duplicate case reference {shown(ref)}")
            refs.add(ref)
            check(item.get("kind", "sampled"),
                  lambda v: check_choice(v, CASE_KINDS, "case kind"), f"{path}.kind")
            for key in ("fields", "urgent"):
                if item.get(key) is not None:
                    check(item[key], object_or_null, f"{path}.{key}")
                    check(item[key], check_size, f"{path}.{key}")
            _extras(item, "cases", path)
            self._ensure_id(item, path, ids)
        return cases

    def _finding(self, item: Any, i: int, sections: tuple[str, ...], ids: set[str]) -> str:
        path = f"findings[{i}]"
        _obj(item, path)
        check(item.get("section"), _SHORT, f"{path}.section")
        section = item["section"]
        if section not in sections:
            raise InvalidDocument(
                f"{path}.section",
                f"unknown section {shown(section)} for this letter template "
                f"(expected one of: {', '.join(sections)})",
            )
        position = item.get("position", i + 1)
        check(position, check_position, f"{path}.position")
        self.positions[id(item)] = position
        check(item.get("text"), _FINDING_TEXT, f"{path}.text")
        _extras(item, "findings", path)
        return self._ensure_id(item, path, ids)

    def _note(
        self, item: Any, path: str, authors: set[str], finding_ids: set[str], ids: set[str]
    ) -> None:
        _obj(item, path)
        check(item.get("author"), _SHORT, f"{path}.author")
        author = item["author"]
        if author not in authors:
            raise InvalidDocument(f"{path}.author",
                                  f"{shown(author)} is not an inspector id or name")
        check(item.get("source"), lambda v: check_choice(v, SOURCES, "source type"),
              f"{path}.source")
        for key in ("case_ref", "subject_role"):
            check(item.get(key), _OPTIONAL_SHORT, f"{path}.{key}")
        check(item.get("observed_at"), check_datetime, f"{path}.observed_at")
        check(item.get("text"), _NOTE_TEXT, f"{path}.text")
        tags = _list(item.get("findings", []), f"{path}.findings")
        if len(tags) > MAX_TAGS:
            raise InvalidDocument(f"{path}.findings",
                                  f"has {len(tags):,} findings; at most {MAX_TAGS:,} are allowed")
        for j, fid in enumerate(tags):
            check(fid, check_id, f"{path}.findings[{j}]")
            if fid not in finding_ids:
                raise InvalidDocument(
                    f"{path}.findings[{j}]", f"no finding with id {shown(fid)} in the document"
                )
        _extras(item, "notes", path)
        self._ensure_id(item, path, ids)

    def _ensure_id(
        self, item: dict[str, Any], path: str, seen: set[str], *, index: int | None = None
    ) -> str:
        """The item's id, or a new one for an item without; the item is not changed.

        ``index``, if given, is appended to ``path`` only when an error needs it.
        """
        item_id = item.get("id")
        if item_id is None:
            item_id = str(uuid.uuid4())
        elif not is_id(item_id):
            check(item_id, check_id, _at(path, index) + ".id")
        if item_id in seen:
            raise InvalidDocument(_at(path, index) + ".id", f"duplicate id {shown(item_id)}")
        seen.add(item_id)
        self.ids[id(item)] = item_id
        return str(item_id)


def _at(path: str, index: int | None) -> str:
    """``path[index]``, made only when an error needs it."""
    return path if index is None else f"{path}[{index}]"


def _plain_text(value: Any, limit: int) -> bool:
    """Text the rules allow without a second look (the common case)."""
    if type(value) is not str or len(value) > limit or "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plainly_valid_note(item: Any, authors: set[str], finding_ids: set[str]) -> bool:
    """A quick yes for an ordinary note, the same rules inline (a large document is mostly
    notes); anything else gets the full check, which names the offending field."""
    if type(item) is not dict or not item.keys() <= _NOTE_KEYS:
        return False
    author, source, text = item.get("author"), item.get("source"), item.get("text")
    case_ref, role = item.get("case_ref"), item.get("subject_role")
    findings = item.get("findings", [])
    try:
        return (
            type(author) is str and author in authors
            and type(source) is str and source in SOURCES
            and is_datetime(item.get("observed_at"))
            and type(text) is str and len(text) <= MAX_NOTE_TEXT and "\x00" not in text
            and (text.isascii() or _plain_text(text, MAX_NOTE_TEXT))
            and (case_ref is None or _plain_text(case_ref, MAX_SHORT_TEXT))
            and (role is None or _plain_text(role, MAX_SHORT_TEXT))
            and type(findings) is list and len(findings) <= MAX_TAGS
            and finding_ids.issuperset(findings)
        )
    except TypeError:  # an unhashable finding id
        return False


def _extras(item: dict[str, Any], table: str, path: str) -> None:
    """An item's keys that Fieldwork does not know: JSON of sane shape and size."""
    unknown = item.keys() - ITEM_KEYS[table]
    if unknown:
        extra = {k: item[k] for k in unknown}
        check(extra, extra_rule(table), path)
        try:
            check_size(extra)
        except Invalid as err:
            raise InvalidDocument(path, f"its extra fields {err.message}") from None


def _obj(value: Any, path: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise InvalidDocument(path, f"must be an object, not {describe(value)}")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if type(value) is not list:
        raise InvalidDocument(path, f"must be a list, not {describe(value)}")
    return value


# ------------------------------------------------------------ deep nesting
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')
#: The containers an interchange document has above any free-form field (document,
#: list, item), so that the whole document may nest this much deeper than a field.
_DOCUMENT_LEVELS = 3


def too_deep(text: str, limit: int = MAX_DEPTH + _DOCUMENT_LEVELS) -> str:
    """The JSON path at which ``text`` first nests deeper than ``limit`` (empty if it never
    does): for a document too deep for the JSON parser itself to read."""
    stack: list[list[Any]] = []  # [is_object, key or index]
    for match in _TOKEN.finditer(text):
        token = match.group()
        char = token[0]
        if char == '"':
            if stack and stack[-1][0] and stack[-1][1] is None:
                try:
                    stack[-1][1] = json.loads(token)
                except ValueError:
                    stack[-1][1] = token[1:-1]
        elif char in "[{":
            if len(stack) >= limit:
                return _path(stack)
            stack.append([char == "{", None if char == "{" else 0])
        elif char in "]}":
            if stack:
                stack.pop()
        elif char == "," and stack:
            if stack[-1][0]:
                stack[-1][1] = None
            else:
                stack[-1][1] += 1
    return ""


def _path(stack: list[list[Any]]) -> str:
    path = ""
    for is_object, step in stack:
        if is_object:
            path = join(path, key_path(str(step)) if step is not None else "")
        else:
            path += f"[{step}]"
    return path
