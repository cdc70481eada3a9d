"""Rules for single values that come from outside: text, ids, dates, numbers, free-form JSON
and version vectors.

Each check raises :class:`Invalid` with the path of the offending part *inside* the value
(empty for the value itself); the caller puts its own path in front with
:meth:`Invalid.under`, so one rule serves an interchange document (``notes[3].source``)
and a pack's row (``notes row 0e00…: source``) alike.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Collection
from typing import Any

# ------------------------------------------------------------------------ limits
#: An id: a row's, an inspector's, a finding's in a note's list.
MAX_ID = 200
#: Short text: a name, a case reference, a section key, a staff role.
MAX_SHORT_TEXT = 1_000
#: A note's text (about 15,000 words).
MAX_NOTE_TEXT = 100_000
#: A finding's text.
MAX_FINDING_TEXT = 20_000
#: One JSON column of a row as stored (a case's fields, any row's extra fields, a note's
#: findings, the inspection's fields), and the document's own extra fields.
MAX_JSON = 1 << 20
#: Text made of a whole row's content: a conflict's losing version, a history entry's values
#: before and after.
MAX_DERIVED_JSON = 4 << 20
#: How deeply JSON values (objects and lists) may nest inside one field.
MAX_DEPTH = 32
#: How many findings one note may be tagged to.
MAX_TAGS = 1_000
#: The largest integer anywhere (JavaScript's safe integers: 2^53 - 1).
MAX_INT = 2**53 - 1
#: An issued letter's PDF.
MAX_PDF = 50 << 20
#: Entries of one version vector (one per copy that ever changed the row).
MAX_VECTOR_ENTRIES = 1_000


class Invalid(ValueError):
    """A value breaks a rule. ``where`` is the path inside what was checked."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)

    def under(self, prefix: str) -> Invalid:
        """The same error, seen from the value that holds this one at ``prefix``."""
        return Invalid(join(prefix, self.where), self.message)


def join(prefix: str, where: str) -> str:
    """``prefix`` and a path inside it: ``notes[3]`` + ``source`` → ``notes[3].source``."""
    if not where:
        return prefix
    if not prefix:
        return where
    return prefix + where if where.startswith("[") else f"{prefix}.{where}"


_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


def key_path(key: str) -> str:
    """An object key as a step of a path: ``name``, or ``['odd key']`` when it needs quoting."""
    return key if _SIMPLE_KEY.fullmatch(key) else f"[{shown(key)}]"


def shown(value: Any, limit: int = 40) -> str:
    """A value as a message shows it: quoted, escaped, and cut short."""
    if isinstance(value, str):
        text = repr(value[:limit])
        return text[:-1] + "…" + text[-1] if len(value) > limit else text
    return describe(value)


def describe(value: Any) -> str:
    """What kind of value this is, in words: ``a list``, ``null``, ``the number 3``…"""
    if value is None:
        return "null"
    if isinstance(value, NonFinite):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) < 10**24:
            return f"the number {value}"
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {shown(value)}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bytes | bytearray | memoryview):
        return "binary data"
    return type(value).__name__


class NonFinite:
    """``NaN``, ``Infinity`` or ``-Infinity`` where JSON allows only numbers: kept by
    :func:`loads` so that the check that meets it names its path."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_DECODER = json.JSONDecoder(parse_constant=NonFinite)


def loads(text: str) -> Any:
    """Parse JSON, keeping ``NaN`` and ``Infinity`` as :class:`NonFinite` for the checks.

    :raises RecursionError: nested too deeply for the parser
    :raises ValueError: not JSON
    """
    return _DECODER.decode(text)


# ---------------------------------------------------------------------- text
def check_chars(value: str) -> None:
    """Text SQLite, Qt and PDF can all hold: no NUL character, no lone surrogate."""
    if "\x00" in value:
        raise Invalid("", "contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid("", "contains a lone surrogate (it is not valid Unicode)") from None


def check_text(value: Any, limit: int, *, empty: bool = False, null: bool = False) -> None:
    """A string of at most ``limit`` characters; blank only if ``empty``, None only if ``null``."""
    if value is None and null:
        return
    if type(value) is not str:
        raise Invalid("", f"must be a string, not {describe(value)}")
    if len(value) > limit:
        raise Invalid("", f"is {len(value):,} characters long; at most {limit:,} are allowed")
    if not empty and not value.strip():
        raise Invalid("", "must not be empty")
    check_chars(value)


_ID = re.compile(r"[^\x00-\x1f\x7f\ud800-\udfff]+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_id(value: Any) -> bool:
    """The quick form of :func:`check_id`."""
    if type(value) is not str or not 0 < len(value) <= MAX_ID or value.isspace():
        return False
    return value.isprintable() or _ID.fullmatch(value) is not None


def check_id(value: Any) -> None:
    """A row's id: text of 1 to 200 characters, without control characters."""
    if is_id(value):
        return
    if type(value) is not str:
        raise Invalid("", f"must be an id (a string), not {describe(value)}")
    if not value.strip():
        raise Invalid("", "must be a non-empty id")
    if len(value) > MAX_ID:
        raise Invalid("", f"is an id of {len(value):,} characters; at most {MAX_ID} are allowed")
    raise Invalid("", f"{shown(value)} is not an id (it holds control characters or is not "
                      "valid Unicode)")


def is_actor(value: Any) -> bool:
    """The quick form of :func:`check_actor`."""
    return value == "" or is_id(value)


def check_actor(value: Any) -> None:
    """Who made a change: an inspector's id, or empty for a copy that has no owner yet."""
    if value != "":
        check_id(value)


def check_uuid(value: Any) -> None:
    """An id Fieldwork always makes itself, as a UUID in its usual lower-case form."""
    if type(value) is not str or not _UUID.fullmatch(value):
        raise Invalid("", f"{shown(value)} is not a UUID")


def check_choice(value: Any, allowed: Collection[str], what: str) -> None:
    """One of ``allowed`` (an enum's values, in order); ``what`` names the kind."""
    if type(value) is str and value in allowed:
        return
    options = ", ".join(allowed)
    if type(value) is str:
        raise Invalid("", f"{shown(value)} is not a {what} (expected one of: {options})")
    raise Invalid("", f"must be a {what} (one of: {options}), not {describe(value)}")


# ------------------------------------------------------------------- numbers
def check_position(value: Any) -> None:
    """A place in a list: an integer from 1."""
    if type(value) is not int:
        raise Invalid("", f"must be an integer, not {describe(value)}")
    if value < 1:
        raise Invalid("", f"must be 1 or more, not {value}")
    if value > MAX_INT:
        raise Invalid("", f"{describe(value)} is beyond 2^53 - 1")


def check_flag(value: Any) -> None:
    """A stored boolean: 0 or 1."""
    if type(value) is not int or value not in (0, 1):
        raise Invalid("", f"must be 0 or 1, not {describe(value)}")


# --------------------------------------------------------------------- dates
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_MAX_DATETIME = 64


def check_date(value: Any) -> None:
    """A calendar date, ``YYYY-MM-DD``."""
    if type(value) is not str:
        raise Invalid("", f"must be a date string (YYYY-MM-DD), not {describe(value)}")
    if _DATE.fullmatch(value):
        try:
            dt.date.fromisoformat(value)
            return
        except ValueError:
            pass
    raise Invalid("", f"{shown(value)} is not a date (YYYY-MM-DD)")


def is_datetime(value: Any) -> bool:
    """The quick form of :func:`check_datetime`."""
    if type(value) is not str or len(value) > _MAX_DATETIME:
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_datetime(value: Any) -> None:
    """When a note was observed: an ISO 8601 date and time, such as ``2009-06-24T10:30``."""
    if is_datetime(value):
        return
    if type(value) is not str:
        raise Invalid("", f"must be an ISO 8601 date and time (a string), not {describe(value)}")
    raise Invalid("", f"{shown(value)} is not an ISO 8601 date and time "
                      "(such as 2009-06-24T10:30)")


def is_stamp(value: Any) -> bool:
    """The quick form of :func:`check_stamp`."""
    if type(value) is not str or not _STAMP.fullmatch(value):
        return False
    try:
        dt.datetime.fromisoformat(value[:-1])
    except ValueError:
        return False
    return True


def check_stamp(value: Any) -> None:
    """When a row was written, as the store writes it: UTC, to the microsecond, with ``Z``."""
    if not is_stamp(value):
        raise Invalid("", f"{shown(value)} is not a time as Fieldwork writes it "
                          "(such as 2009-06-24T10:30:00.000000Z)")


# ---------------------------------------------------------------------- JSON
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

def check_json(value: Any, depth: int = 0) -> None:
    """A JSON value of sane shape: text without NUL or lone surrogates (keys too), integers
    within ±(2^53 - 1), finite numbers, nesting at most :data:`MAX_DEPTH` deep."""
    kind = type(value)
    if kind is str:
        check_chars(value)
    elif kind is int:
        if not -MAX_INT <= value <= MAX_INT:
            raise Invalid("", f"{describe(value)} is beyond ±(2^53 - 1)")
    elif kind is float:
        if not math.isfinite(value):
            raise Invalid("", f"{value!r} is not a number JSON allows")
    elif value is None or kind is bool:
        pass
    elif kind is list:
        if depth >= MAX_DEPTH:
            raise Invalid("", f"is nested deeper than {MAX_DEPTH} levels")
        for index, item in enumerate(value):
            try:
                check_json(item, depth + 1)
            except Invalid as err:
                raise err.under(f"[{index}]") from None
    elif kind is dict:
        if depth >= MAX_DEPTH:
            raise Invalid("", f"is nested deeper than {MAX_DEPTH} levels")
        for key, item in value.items():
            if type(key) is not str:
                raise Invalid("", f"has a key that is not a string ({describe(key)})")
            step = key_path(key)
            try:
                check_chars(key)
            except Invalid as err:
                raise Invalid(step, f"the key {err.message}") from None
            try:
                check_json(item, depth + 1)
            except Invalid as err:
                raise err.under(step) from None
    elif isinstance(value, NonFinite):
        raise Invalid("", f"{value.name} is not a number JSON allows")
    else:
        raise Invalid("", f"{describe(value)} is not a JSON value")


def check_object(value: Any, *, null: bool = False) -> None:
    """A JSON object (or None when ``null``), checked all the way down."""
    if value is None and null:
        return
    if type(value) is not dict:
        raise Invalid("", f"must be an object, not {describe(value)}")
    check_json(value)


def check_size(value: Any, limit: int = MAX_JSON) -> None:
    """A JSON value whose stored text (as the store writes it) is at most ``limit`` characters."""
    size = len(_ENCODER.encode(value))
    if size > limit:
        raise Invalid("", f"is {size:,} characters of JSON; at most {limit:,} are allowed")


def load_json(text: Any, limit: int = MAX_JSON) -> Any:
    """A stored JSON column parsed: text of at most ``limit`` characters that is JSON.

    The value still needs checking for its shape (see :func:`check_json`).
    """
    if type(text) is not str:
        raise Invalid("", f"must be JSON text, not {describe(text)}")
    if len(text) > limit:
        raise Invalid("", f"is {len(text):,} characters of JSON; at most {limit:,} are allowed")
    try:
        return loads(text)
    except RecursionError:
        raise Invalid("", f"is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise Invalid("", "is not valid JSON") from None


def check_id_list(value: Any) -> None:
    """A note's findings: a list of ids, each once, at most :data:`MAX_TAGS`."""
    if type(value) is not list:
        raise Invalid("", f"must be a list of finding ids, not {describe(value)}")
    if len(value) > MAX_TAGS:
        raise Invalid("", f"has {len(value):,} findings; at most {MAX_TAGS:,} are allowed")
    seen: set[str] = set()
    for index, item in enumerate(value):
        try:
            check_id(item)
        except Invalid as err:
            raise err.under(f"[{index}]") from None
        if item in seen:
            raise Invalid(f"[{index}]", f"{shown(item)} is listed twice")
        seen.add(item)


# ----------------------------------------------------------- version vectors
def check_vector(text: Any) -> dict[str, int]:
    """A stored version vector: a non-empty JSON object in canonical form (sorted keys, no
    spaces) from copies' ids (UUIDs) to counters from 1 to 2^53 - 1. Returns it parsed."""
    from fieldwork import versions

    if type(text) is not str:
        raise Invalid("", f"must be a version vector (JSON text), not {describe(text)}")
    if len(text) > MAX_VECTOR_ENTRIES * 64:
        raise Invalid("", f"is a version vector of {len(text):,} characters; too long")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Invalid("", f"{shown(text)} is not a version vector (not JSON)") from None
    if type(value) is not dict or not value:
        raise Invalid("", f"{shown(text)} is not a version vector (a non-empty object)")
    for key, counter in value.items():
        if type(key) is not str or not _UUID.fullmatch(key):
            raise Invalid("", f"{shown(key)} in the version vector is not a copy's id")
        if type(counter) is not int or not 1 <= counter <= MAX_INT:
            raise Invalid(
                "", f"the counter of {key} must be an integer from 1 to 2^53 - 1, "
                    f"not {describe(counter)}"
            )
    if versions.dumps(value) != text:
        raise Invalid("", f"{shown(text)} is not a version vector as Fieldwork writes it "
                          "(sorted keys, no spaces)")
    return value
