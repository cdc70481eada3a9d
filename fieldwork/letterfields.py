"""The letter's fields, one at a time: list them, read one, set one, clear one.

A letter field is a key of the inspection's ``fields`` (see docs/interchange.md), or a
dotted path into one of its tables (``recipient.name``). Setting one is an ordinary edit:
it is recorded in the history and refused once the letter is issued.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fieldwork.errors import InvalidValue
from fieldwork.letter.placeholders import check_field_name
from fieldwork.model import Changes

if TYPE_CHECKING:
    from fieldwork.store import Store

#: Fields made from the inspection's team, not set as letter fields.
COMPUTED = {
    "inspectors": "the inspection team (its inspectors)",
    "lead_inspector": "the inspection team (its lead)",
}
#: Fields whose value is a list: given as JSON (``--json``).
LISTS = frozenset({"fieldwork_dates", "copies", "signatories", "recipient.address",
                   "allowed_words"})
#: Fields whose value is a table.
TABLES = frozenset({"recipient", "signatory"})


@dataclass(frozen=True)
class FieldInfo:
    """One letter field as ``fieldwork fields`` shows it.

    ``needed``: this letter needs it filled in; ``used``: the template reads it at all;
    ``missing``: needed and not filled in.
    """

    key: str
    value: Any
    needed: bool
    used: bool
    missing: bool


def get_path(fields: dict[str, Any], key: str) -> Any:
    """The value at a dotted key, or None."""
    value: Any = fields
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def parse_value(key: str, text: str, *, as_json: bool) -> Any:
    """The value a person typed for ``key``: the text, or JSON with ``as_json``.

    :raises InvalidValue: malformed JSON, or a list or table given as plain text
    """
    if as_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise InvalidValue(f"{key}: not valid JSON ({err.msg}, character {err.pos})") \
                from None
    if key in LISTS or key in TABLES:
        example = '["2021-11-09", "2021-11-10"]' if key == "fieldwork_dates" else '["…", "…"]'
        what = "a list" if key in LISTS else "a table"
        if key in TABLES:
            example = '{"name": "…", "title": "…"}'
        raise InvalidValue(f"{key} is {what}: give it as JSON with --json, for example "
                           f"--json '{example}'")
    return text


def check_key(key: str) -> None:
    """:raises InvalidValue: not a field name, or a field that is not set this way"""
    if not check_field_name(key):
        raise InvalidValue(f"not a letter field name: {key!r} (letters, digits, _ and -, "
                           "with dots between parts, such as recipient.name)")
    top = key.split(".")[0]
    if top in COMPUTED:
        raise InvalidValue(f"{key} comes from {COMPUTED[top]}, not from a letter field")
    if top == "template":
        return
    if top in ("id", "state"):
        raise InvalidValue(f"{key} is not a letter field (the letter's state changes with "
                           "fieldwork issue)")


def check_value(key: str, value: Any) -> None:
    """The value must suit the field: dates are dates, a template exists.

    :raises InvalidValue: naming the field
    """
    from fieldwork.letter.dates import parse_date

    try:
        if key == "letter_date":
            if not isinstance(value, str):
                raise InvalidValue("must be a date, YYYY-MM-DD")
            parse_date(value)
        elif key == "fieldwork_dates":
            if not isinstance(value, list) or not value or not all(
                isinstance(v, str) for v in value
            ):
                raise InvalidValue("must be a list of dates, YYYY-MM-DD")
            for v in value:
                parse_date(v)
        elif key == "template":
            from fieldwork.letter import load_template

            if not isinstance(value, str):
                raise InvalidValue("must be a template's name")
            load_template(value)
        elif key in LISTS and not isinstance(value, list):
            raise InvalidValue("must be a list")
        elif key in TABLES and not isinstance(value, dict):
            raise InvalidValue("must be a table (a JSON object)")
    except InvalidValue as err:
        raise InvalidValue(f"{key}: {err}") from None


def with_value(fields: dict[str, Any], key: str, value: Any) -> tuple[str, Any]:
    """The top-level field and its new value once ``key`` is set to ``value`` (None: unset).

    :raises InvalidValue: a dotted key whose parent is not a table
    """
    top, _, rest = key.partition(".")
    if not rest:
        return top, value
    root = copy.deepcopy(fields.get(top))
    if root is None:
        if value is None:
            return top, None
        root = {}
    if not isinstance(root, dict):
        raise InvalidValue(f"{top} is not a table, so it has no {rest!r}")
    table: dict[str, Any] = root
    parts = rest.split(".")
    for part in parts[:-1]:
        inner = table.get(part)
        if inner is None:
            if value is None:
                return top, fields.get(top)
            inner = table[part] = {}
        if not isinstance(inner, dict):
            raise InvalidValue(f"{top}.{part} is not a table, so it has no {parts[-1]!r}")
        table = inner
    if value is None:
        table.pop(parts[-1], None)
    else:
        table[parts[-1]] = value
    return top, root or None


def set_field(store: Store, key: str, value: Any, *, by: str | None = None) -> Changes:
    """Set a letter field (``value`` None clears it); what changed (nothing, or the
    letter's fields).

    :raises InvalidValue: a bad key or value
    :raises LetterFrozen: the letter has been issued
    """
    check_key(key)
    if value is not None:
        check_value(key, value)
    top, new = with_value(store.inspection().fields, key, value)
    return store.update_inspection({top: new}, by=by)


def list_fields(store: Store) -> list[FieldInfo]:
    """The letter's fields: those the template reads, then any others it holds."""
    from fieldwork.checks import letter_fields, required_fields
    from fieldwork.issuing import letter_input
    from fieldwork.letter import load_template
    from fieldwork.letter.compose import field_value

    data = letter_input(store)
    template = load_template(data.inspection.template)
    used = letter_fields(template)
    needed = set(required_fields(template, data))
    fields = data.inspection.fields
    keys = list(used)
    for key, value in fields.items():
        if isinstance(value, dict) and key in TABLES:
            keys += [f"{key}.{k}" for k in value]
        else:
            keys.append(key)
    out: list[FieldInfo] = []
    for key in dict.fromkeys(keys):
        value = get_path(fields, key)
        if key in COMPUTED or key == "signatory.name":
            try:
                value = field_value(data, key) or None
            except InvalidValue:
                value = None
        try:
            filled = bool(field_value(data, key))
        except InvalidValue:
            filled = value not in (None, "", [], {})
        out.append(FieldInfo(key, value, key in needed, key in used, key in needed and not filled))
    return out
