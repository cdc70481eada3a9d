"""Rules for whole rows: each replicated table's content, a row's version data, a conflict's
losing version, a history entry, an issued letter, and a document's own extra fields.

Content is checked in the form the store keeps it (see :mod:`fieldwork.store.rows`), with
JSON columns already parsed. Interchange import applies the same rules field by field to a
document; a pack's rows are checked here whole.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fieldwork.model import CaseKind, LetterState, Role, SourceType
from fieldwork.validation.values import (
    MAX_DERIVED_JSON,
    MAX_FINDING_TEXT,
    MAX_JSON,
    MAX_NOTE_TEXT,
    MAX_PDF,
    MAX_SHORT_TEXT,
    Invalid,
    check_actor,
    check_choice,
    check_date,
    check_datetime,
    check_flag,
    check_id,
    check_id_list,
    check_json,
    check_object,
    check_position,
    check_size,
    check_stamp,
    check_text,
    check_uuid,
    check_vector,
    describe,
    key_path,
    load_json,
    shown,
)

if TYPE_CHECKING:
    from fieldwork.store.rows import TableSpec

Rule = Callable[[Any], None]

#: Each enum's values, in order (a dict, for quick membership and a stable message).
SOURCES = dict.fromkeys(s.value for s in SourceType)
ROLES = dict.fromkeys(r.value for r in Role)
CASE_KINDS = dict.fromkeys(k.value for k in CaseKind)
STATES = dict.fromkeys(s.value for s in LetterState)

#: The top-level keys of an interchange document; any other key is the document's own extra.
DOCUMENT_KEYS = ("format", "version", "inspection", "inspectors", "cases", "notes", "findings")
#: The keys of each kind of item in a document that Fieldwork knows; others are its extra
#: fields, which therefore may not use these names.
ITEM_KEYS: dict[str, frozenset[str]] = {
    "inspectors": frozenset(("id", "name", "role")),
    "cases": frozenset(("id", "ref", "kind", "fields", "urgent")),
    "findings": frozenset(("id", "section", "position", "text")),
    "notes": frozenset(
        ("id", "author", "source", "case_ref", "subject_role", "observed_at", "text", "findings")
    ),
}
#: Keys of the document's ``inspection`` object kept apart from the letter's fields.
INSPECTION_KEYS = frozenset(("id", "state"))
#: Letter fields that hold text, when they are set.
INSPECTION_TEXT_FIELDS = (
    "title", "authority", "service", "statutory_basis", "summary", "evidence_statement",
)
#: A letter template's name, as :func:`fieldwork.letter.load_template` accepts it.
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
#: A history entry's operation: a lower-case word (``edit``, ``link``, ``resolve``…).
_OP = re.compile(r"[a-z][a-z_-]{0,31}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def under(prefix: str, rule: Rule, value: Any) -> None:
    """Apply ``rule`` to ``value``, naming ``prefix`` in any error."""
    try:
        rule(value)
    except Invalid as err:
        raise err.under(prefix) from None


# ------------------------------------------------------------------- content
def text_rule(limit: int, *, empty: bool = False, null: bool = False) -> Rule:
    def rule(value: Any) -> None:
        check_text(value, limit, empty=empty, null=null)

    return rule


def choice_rule(allowed: Collection[str], what: str) -> Rule:
    def rule(value: Any) -> None:
        check_choice(value, allowed, what)

    return rule


def extra_rule(table: str) -> Rule:
    """A row's extra fields: an object (or none) that does not reuse a known key's name."""
    known = ITEM_KEYS[table]

    def rule(value: Any) -> None:
        check_object(value, null=True)
        if value:
            clash = known & value.keys()
            if clash:
                name = sorted(clash)[0]
                raise Invalid(key_path(name), f"an extra field may not be called {name!r}")

    return rule


def object_or_null(value: Any) -> None:
    check_object(value, null=True)


def check_inspection_fields(fields: Any) -> None:
    """The letter's fields: the ``inspection`` object of a document, without id and state."""
    if type(fields) is not dict:
        raise Invalid("", f"must be an object, not {describe(fields)}")
    for key in INSPECTION_KEYS & fields.keys():
        raise Invalid(key, f"{key!r} is kept apart from the letter's fields")
    template = fields.get("template")
    if template is not None and (type(template) is not str
                                 or not _TEMPLATE_NAME.fullmatch(template)):
        raise Invalid("template", f"{shown(template)} is not a letter template's name")
    for key in INSPECTION_TEXT_FIELDS:
        under(key, text_rule(MAX_NOTE_TEXT, empty=True, null=True), fields.get(key))
    dates = fields.get("fieldwork_dates")
    if dates is not None:
        if type(dates) is not list:
            raise Invalid("fieldwork_dates", f"must be a list, not {describe(dates)}")
        for index, day in enumerate(dates):
            under(f"fieldwork_dates[{index}]", check_date, day)
    if fields.get("letter_date") is not None:
        under("letter_date", check_date, fields["letter_date"])
    check_json(fields)


#: The rules for each replicated table's content columns.
CONTENT_RULES: dict[str, dict[str, Rule]] = {
    "inspection": {
        "fields": check_inspection_fields,
        "state": choice_rule(STATES, "letter state"),
    },
    "inspectors": {
        "name": text_rule(MAX_SHORT_TEXT),
        "role": choice_rule(ROLES, "role"),
        "extra": extra_rule("inspectors"),
    },
    "cases": {
        "ref": text_rule(MAX_SHORT_TEXT),
        "kind": choice_rule(CASE_KINDS, "case kind"),
        "fields": object_or_null,
        "urgent": object_or_null,
        "extra": extra_rule("cases"),
    },
    "findings": {
        "section": text_rule(MAX_SHORT_TEXT),
        "position": check_position,
        "text": text_rule(MAX_FINDING_TEXT),
        "extra": extra_rule("findings"),
    },
    "notes": {
        "author": check_id,
        "source": choice_rule(SOURCES, "source type"),
        "case_ref": text_rule(MAX_SHORT_TEXT, empty=True, null=True),
        "subject_role": text_rule(MAX_SHORT_TEXT, empty=True, null=True),
        "observed_at": check_datetime,
        "text": text_rule(MAX_NOTE_TEXT, empty=True),
        "findings": check_id_list,
        "extra": extra_rule("notes"),
    },
}

#: The JSON columns of each table, which are also limited in size.
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "inspection": ("fields",),
    "inspectors": ("extra",),
    "cases": ("fields", "urgent", "extra"),
    "findings": ("extra",),
    "notes": ("findings", "extra"),
}


def check_content(
    table: str, data: Mapping[str, Any], *, sizes: bool = True, only: Collection[str] = ()
) -> None:
    """A row's content as the store keeps it (JSON columns parsed); a missing column is null.

    ``sizes`` checks each JSON column's stored size too (skip it when the stored text has
    been measured already). ``only``, if given, limits the check to those columns.
    """
    rules = CONTENT_RULES[table]
    for column in only or rules:
        under(column, rules[column], data.get(column))
    if sizes:
        for column in JSON_COLUMNS[table]:
            if not only or column in only:
                under(column, check_size, data.get(column))


def check_version(values: Sequence[Any]) -> dict[str, int]:
    """A row's version data as stored (``rows.VERSION_TAIL``): vv, deleted, created at and
    by, modified at and by. Returns the version vector."""
    vv, deleted, created_at, created_by, modified_at, modified_by = values
    try:
        vector = check_vector(vv)
    except Invalid as err:
        raise err.under("vv") from None
    under("deleted", check_flag, deleted)
    under("created_at", check_stamp, created_at)
    under("created_by", check_actor, created_by)
    under("modified_at", check_stamp, modified_at)
    under("modified_by", check_actor, modified_by)
    return vector


def check_stored_row(spec: TableSpec, row: Sequence[Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """A row as a pack or the file holds it: ``(id, *content columns, *version columns)``,
    JSON columns as text. Returns its content (parsed) and its version vector."""
    under("id", check_id, row[0])
    content: dict[str, Any] = {}
    for index, column in enumerate(spec.columns, start=1):
        value = row[index]
        if column in spec.json_columns and value is not None:
            try:
                value = load_json(value)
            except Invalid as err:
                raise err.under(column) from None
        content[column] = value
    check_content(spec.name, content, sizes=False)
    return content, check_version(row[1 + len(spec.columns):])


# --------------------------------------------------------------- the others
def check_sibling(
    spec: TableSpec, row_id: Any, vv: Any, deleted: Any, data: Any, modified_at: Any,
    modified_by: Any,
) -> tuple[dict[str, Any], dict[str, int]]:
    """A losing version of a row kept as a conflict; ``data`` is the JSON of its content.
    Returns the content and the version vector."""
    under("row_id", check_id, row_id)
    try:
        vector = check_vector(vv)
    except Invalid as err:
        raise err.under("vv") from None
    under("deleted", check_flag, deleted)
    try:
        content = load_json(data, MAX_DERIVED_JSON)
    except Invalid as err:
        raise err.under("data") from None
    if type(content) is not dict or set(content) != set(spec.columns):
        raise Invalid("data", f"must be an object with the {spec.kind}'s fields "
                              f"({', '.join(spec.columns)})")
    try:
        check_content(spec.name, content)
    except Invalid as err:
        raise err.under("data") from None
    under("modified_at", check_stamp, modified_at)
    under("modified_by", check_actor, modified_by)
    return content, vector


def check_history(entry: Sequence[Any], tables: frozenset[str]) -> None:
    """A history entry: ``(id, tbl, row_id, at, by, op, before, after)``."""
    entry_id, table, row_id, at, by, op, before, after = entry
    under("id", check_uuid, entry_id)
    if type(table) is not str or table not in tables:
        raise Invalid("tbl", f"{shown(table)} is not a table whose rows have a history")
    under("row_id", check_id, row_id)
    under("at", check_stamp, at)
    under("by", check_actor, by)
    if type(op) is not str or not _OP.fullmatch(op):
        raise Invalid("op", f"{shown(op)} is not an operation")
    for name, text in (("before", before), ("after", after)):
        if text is None:
            continue
        try:
            check_object(load_json(text, MAX_DERIVED_JSON))
        except Invalid as err:
            raise err.under(name) from None


def check_issue(issue: Sequence[Any]) -> None:
    """An issued letter: ``(id, at, by, sha256, pdf, supersedes)``, its PDF matching its
    checksum. Who may issue is the caller's to check."""
    issue_id, at, by, sha256, pdf, supersedes = issue
    under("id", check_uuid, issue_id)
    under("at", check_stamp, at)
    under("by", check_id, by)
    if type(sha256) is not str or not _SHA256.fullmatch(sha256):
        raise Invalid("sha256", f"{shown(sha256)} is not a SHA-256 checksum")
    if type(pdf) is not bytes:
        raise Invalid("pdf", f"must be the letter's PDF, not {describe(pdf)}")
    if len(pdf) > MAX_PDF:
        raise Invalid("pdf", f"is {len(pdf):,} bytes; at most {MAX_PDF:,} are allowed")
    if not pdf.startswith(b"%PDF-"):
        raise Invalid("pdf", "is not a PDF")
    if hashlib.sha256(pdf).hexdigest() != sha256:
        raise Invalid("sha256", "does not match the letter's PDF")
    if supersedes is not None:
        under("supersedes", check_uuid, supersedes)


def check_document_extra(extra: Any) -> None:
    """A document's own extra fields: an object whose keys are none of the document's."""
    check_object(extra)
    for key in DOCUMENT_KEYS:
        if key in extra:
            raise Invalid(key, f"{key!r} is one of the document's own keys")
    check_size(extra, MAX_JSON)
