"""The placeholder language of template text: ``{authority}``, ``{field:NAME}``, ``{{`` for a brace.

Only template text is ever filled. Values are inserted as they are, so a brace or a
placeholder typed by a user stays literal.

A placeholder is a name, optionally with a style after a colon:

- ``{authority}``, ``{fieldwork_dates}``… (:data:`GENERAL`): a letter field as text;
- ``{fieldwork_dates:range}``, ``{inspectors:post_nominals}``… (:data:`STYLES`): the same
  field written another way;
- ``{inspectors:Inspector|Inspectors}``: the first word for one person, the second for
  several (for :data:`PEOPLE`), and ``{count:KEY:area|areas}`` the same for the number
  of findings in section ``KEY``;
- ``{field:NAME}`` any other letter field (``NAME`` may be dotted), and ``{field:NAME?}``
  the same but empty, rather than a marker, when the field is not filled in: an optional
  field, never required;
- ``{count:KEY}``: the number of findings in section ``KEY`` in words, with its noun.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

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

#: The styles a placeholder may take after a colon, the first being the plain one.
STYLES: dict[str, tuple[str, ...]] = {
    "fieldwork_dates": ("list", "range", "first", "last"),
    "inspectors": ("names", "post_nominals", "titles"),
    "lead_inspector": ("name", "post_nominals", "title"),
    "signatory": ("names", "titles"),
}

#: Lists of people that ``{NAME:one|several}`` chooses a word by.
PEOPLE = ("inspectors", "signatory")

#: Placeholders of the evidence statement's sentences only.
EVIDENCE = ("evidence_sources", "staff_roles")

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_FIELD_NAME = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")


class PlaceholderError(ValueError):
    "Template text has a lone brace or a placeholder the context does not know."


@dataclass(frozen=True)
class Placeholder:
    """One placeholder, parsed: ``kind`` is ``general``, ``field`` or ``count``.

    ``name`` is the general name, the field path or the section key; ``style`` what
    follows it (``range``, ``area|areas``); ``choice`` the two words of a ``one|several``
    style; ``optional`` marks ``{field:NAME?}``.
    """

    kind: str
    name: str
    style: str = ""
    optional: bool = False

    @property
    def choice(self) -> tuple[str, str] | None:
        if "|" not in self.style:
            return None
        one, _, several = self.style.partition("|")
        return one, several


def parse(token: str) -> Placeholder:
    """A placeholder's text (between the braces) as a :class:`Placeholder`; not checked."""
    token = token.strip()
    kind, _, rest = token.partition(":")
    if kind == "field":
        optional = rest.endswith("?")
        return Placeholder("field", rest[:-1] if optional else rest, optional=optional)
    if kind == "count":
        key, _, style = rest.partition(":")
        return Placeholder("count", key, style)
    return Placeholder("general", kind, rest)


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


def check(
    text: str,
    *,
    extra: tuple[str, ...] = (),
    counts: tuple[str, ...] = (),
    sections: tuple[str, ...] = (),
) -> None:
    """Raise :class:`PlaceholderError` naming the first placeholder not allowed here.

    ``extra`` names more plain placeholders; ``counts`` the section keys ``{count:KEY}``
    may use (those with nouns); ``sections`` every section key, which
    ``{count:KEY:one|several}`` may use.
    """
    for name in names(text):
        if not _allowed(parse(name), extra, counts, (*sections, *counts)):
            raise PlaceholderError(f"unknown placeholder {{{name}}}")


def _allowed(
    p: Placeholder, extra: tuple[str, ...], counts: tuple[str, ...], sections: tuple[str, ...]
) -> bool:
    if p.kind == "field":
        return bool(_FIELD_NAME.fullmatch(p.name))
    if p.kind == "count":
        if p.choice is not None:
            return p.name in sections and p.style.count("|") == 1
        return p.name in counts and not p.style
    if not p.style:
        return p.name in GENERAL or p.name in extra
    if p.choice is not None:
        return p.name in PEOPLE and p.style.count("|") == 1
    return p.style in STYLES.get(p.name, ())


def check_field_name(name: str) -> bool:
    """Whether ``name`` is a letter field's name: ``focus``, ``recipient.name``."""
    return bool(_FIELD_NAME.fullmatch(name))


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
    """The letter field a placeholder needs filled in (``recipient.name``), or None: for
    generated values, counts, word choices and optional fields."""
    p = parse(name)
    if p.kind == "field":
        return None if p.optional else p.name
    if p.kind == "count" or p.choice is not None:
        return None
    return GENERAL.get(p.name)


def read_field(name: str) -> str | None:
    """The letter field a placeholder reads at all, required or optional; None if none."""
    p = parse(name)
    if p.kind == "field":
        return p.name
    if p.kind == "count" or p.choice is not None:
        return None
    return GENERAL.get(p.name)
