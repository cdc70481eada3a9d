"""Template inheritance: ``extends = "NAME"`` takes another template and changes only what
the new file says.

Merging works on the parsed TOML, before the template is checked:

- a top-level key replaces the parent's; a table (``[page]``, ``[summary]``…) is merged
  key by key, its own tables too, and a list (``summary.rules``, ``required_fields``)
  replaces the parent's whole;
- ``remove = ["copies", "page.bullet"]`` drops inherited keys or tables;
- each ``[[body]]`` entry of the new file changes the parent's body, in order: an entry
  whose ``id`` is the parent's replaces that entry (a section's id is its key, a
  generated paragraph's its name, unless it has its own ``id``); ``before = "ID"`` or
  ``after = "ID"`` inserts a new entry there; ``remove = "ID"`` removes one; any other
  entry is added at the end.

A file may extend a template of its own name: a user's ``focused-visit.toml`` with
``extends = "focused-visit"`` adapts the shipped one instead of itself.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldwork.errors import InvalidValue

#: Finds the files a template name may be in, first match first.
Finder = Callable[[str], list[Path]]

#: Keys of a body entry that say where it goes, used up by the merge.
PLACEMENT = ("before", "after", "remove")


def load_toml(path: Path) -> dict[str, Any]:
    """A template file's TOML.

    :raises InvalidValue: the file cannot be read or is not TOML; the message names it
    """
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as err:
        raise InvalidValue(f"{path.name}: cannot be read ({err.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        message = " ".join(str(err).split())
        raise InvalidValue(f"{path.name}: not valid TOML: {message}") from None


def entry_id(entry: Any) -> str | None:
    """The id a body entry is addressed by: its ``id``, else its section key or the name of
    its generated paragraph; None for fixed text without an id."""
    if not isinstance(entry, dict):
        return None
    for key in ("id", "section", "generated"):
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def resolve(
    path: Path,
    data: dict[str, Any],
    find: Finder,
    check_parent: Callable[[Path], object],
    chain: tuple[Path, ...] = (),
) -> tuple[dict[str, Any], tuple[Path, ...]]:
    """The template data of ``path`` with every template it extends merged in, and the
    files it was made from (``path`` first).

    ``check_parent(path)`` reads and checks a parent on its own, so that a mistake in it
    is reported against its own file.

    :raises InvalidValue: a missing parent, a cycle, an id that is not in the parent
    """
    data = _absolute_logo(path, data)
    parent_name = data.get("extends")
    if parent_name is None:
        if "remove" in data:
            raise _fail(path, "remove", "is only for a template that extends another")
        for i, entry in enumerate(data.get("body") or []):
            if isinstance(entry, dict):
                for key in PLACEMENT:
                    if key in entry:
                        raise _fail(path, f"body[{i}].{key}",
                                    "is only for a template that extends another")
        return data, (path,)
    if not isinstance(parent_name, str) or not parent_name:
        raise _fail(path, "extends", "must be the name of a template")
    seen = (*chain, path)
    candidates = find(parent_name)
    if not candidates:
        raise _fail(path, "extends", f"no template {parent_name!r} to extend")
    fresh = [c for c in candidates if c.resolve() not in {p.resolve() for p in seen}]
    if not fresh:
        names = " → ".join(p.stem for p in (*seen, candidates[0]))
        raise _fail(path, "extends", f"{parent_name!r} makes a cycle ({names})")
    parent_path = fresh[0]
    parent, files = resolve(parent_path, load_toml(parent_path), find, check_parent, seen)
    # Only now, with no cycle above it, is the parent read on its own.
    check_parent(parent_path)
    return merge(path, parent, data, parent_name), (path, *files)


def merge(path: Path, parent: dict[str, Any], child: dict[str, Any], parent_name: str
          ) -> dict[str, Any]:
    """``child`` laid over ``parent`` (see the module's rules)."""
    merged = copy.deepcopy(parent)
    merged.pop("extends", None)
    removals = child.get("remove", [])
    if not isinstance(removals, list) or not all(isinstance(r, str) for r in removals):
        raise _fail(path, "remove", "must be a list of keys, such as [\"copies\"]")
    for key in removals:
        _remove(path, merged, key)
    for key, value in child.items():
        if key in ("extends", "remove"):
            continue
        if key == "body":
            merged["body"] = _merge_body(path, merged.get("body", []), value, parent_name)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_tables(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    merged["extends"] = parent_name
    return merged


def _merge_tables(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_tables(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _remove(path: Path, data: dict[str, Any], dotted: str) -> None:
    *parents, last = dotted.split(".")
    table: Any = data
    for part in parents:
        table = table.get(part) if isinstance(table, dict) else None
    if not isinstance(table, dict) or last not in table:
        raise _fail(path, "remove", f"the template it extends has no {dotted!r} to remove")
    del table[last]


def _merge_body(path: Path, parent: Any, child: Any, parent_name: str) -> list[Any]:
    if not isinstance(child, list):
        raise _fail(path, "body", "must be an array of tables ([[body]])")
    body = list(parent) if isinstance(parent, list) else []

    def index_of(wanted: str, where: str) -> int:
        for i, entry in enumerate(body):
            if entry_id(entry) == wanted:
                return i
        known = ", ".join(repr(i) for i in (entry_id(e) for e in body) if i) or "none"
        raise _fail(path, where, f"no body entry with id {wanted!r} in {parent_name!r} "
                                 f"(its ids: {known})")

    for n, entry in enumerate(child):
        where = f"body[{n}]"
        if not isinstance(entry, dict):
            raise _fail(path, where, "must be a table")
        places = [k for k in PLACEMENT if k in entry]
        if len(places) > 1:
            raise _fail(path, where, "give one of before, after and remove")
        entry = dict(entry)
        if places:
            key = places[0]
            target = entry.pop(key)
            if not isinstance(target, str):
                raise _fail(path, f"{where}.{key}", "must be the id of an entry")
            at = index_of(target, f"{where}.{key}")
            if key == "remove":
                if entry:
                    raise _fail(path, where, "an entry that removes another has no other keys")
                del body[at]
            else:
                new_id = entry_id(entry)
                if new_id is not None and any(entry_id(e) == new_id for e in body):
                    raise _fail(path, f"{where}.id",
                                f"{new_id!r} is already an entry's id; replace it instead")
                body.insert(at if key == "before" else at + 1, entry)
            continue
        own = entry_id(entry)
        if own is not None and any(entry_id(e) == own for e in body):
            body[index_of(own, where)] = entry
        elif isinstance(entry.get("id"), str):
            raise _fail(path, f"{where}.id",
                        f"no body entry with id {entry['id']!r} in {parent_name!r} to replace "
                        "(add before = \"ID\" or after = \"ID\" to insert a new entry)")
        else:
            body.append(entry)
    return body


def _absolute_logo(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The letterhead's logo as a path from the file that names it, so it survives merging."""
    head = data.get("letterhead")
    if isinstance(head, dict) and isinstance(head.get("logo"), str) and head["logo"]:
        data = dict(data)
        data["letterhead"] = {**head, "logo": str((path.parent / head["logo"]).resolve())}
    return data


def _fail(path: Path, key: str, message: str) -> InvalidValue:
    return InvalidValue(f"{path.name}: {key}: {message}")
