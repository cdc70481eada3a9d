"""The placeholder language of template text: ``{authority}``, ``{field:NAME}``, ``{{`` for a brace.

Only template text is ever filled. Values are inserted as they are, so a brace or a
placeholder typed by a user stays literal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

#: Placeholders that every piece of template text may use, and the letter field behind each.
GENERAL: dict[str, str] = {
    "authority": "authority",
    "service": "service",
    "title": "title",
    "fieldwork_dates": "fieldwork_dates",
    "letter_date": "letter_date",
    "statutory_basis": "statutory_basis",
    "inspectors": "inspectors",
    "lead_inspector": "lead_inspector",
    "recipient_name": "recipient.name",
    "recipient_title": "recipient.title",
    "organisation": "recipient.organisation",
    "salutation": "recipient.salutation",
    "signatory": "signatory.name",
}

#: Placeholders of the evidence statement's sentences only.
EVIDENCE = ("evidence_sources", "staff_roles")

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_FIELD_NAME = re.compile(r"[A-Za-z0-9_.-]+")


class PlaceholderError(ValueError):
    "Template text has a lone brace or a placeholder the context does not know."


def names(text: str) -> list[str]:
    """The placeholders in ``text``, in order.

    :raises PlaceholderError: on a lone ``{`` or ``}``
    """
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            raise PlaceholderError(f"lone {token!r} (write {token * 2} for a brace)")
        found.append(match.group(1).strip())
    return found


def check(text: str, *, extra: tuple[str, ...] = (), counts: tuple[str, ...] = ()) -> None:
    """Raise :class:`PlaceholderError` naming the first placeholder not allowed here.

    ``extra`` names more plain placeholders; ``counts`` the section keys ``{count:KEY}`` may use.
    """
    for name in names(text):
        kind, _, arg = name.partition(":")
        if not arg and (name in GENERAL or name in extra):
            continue
        if kind == "field" and _FIELD_NAME.fullmatch(arg):
            continue
        if kind == "count" and arg in counts:
            continue
        raise PlaceholderError(f"unknown placeholder {{{name}}}")


def fill(text: str, value: Callable[[str], str] | Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced by its value; ``{{`` and ``}}`` become braces."""
    lookup = value.__getitem__ if isinstance(value, Mapping) else value

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        if match.group(1) is None:
            return token
        return lookup(match.group(1).strip())

    return _TOKEN.sub(replace, text)


def required_field(name: str) -> str | None:
    """The letter field a placeholder reads (``recipient.name``), or None for generated ones."""
    if name.startswith("field:"):
        return name[len("field:") :]
    return GENERAL.get(name)
