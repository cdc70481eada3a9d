"""How team data reads to a person: names for ids, labels for fields, local times, titles.

Plain Python (no Qt), so the conflict review, the history panel and the merge summary say
things the same way, and tests can check the wording directly.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldwork.model import SourceType

#: Field labels, per table, in the order they are shown.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "notes": {
        "text": "Text",
        "source": "Source",
        "case_ref": "Case reference",
        "subject_role": "Role seen",
        "observed_at": "Observed",
        "author": "Author",
        "findings": "Tagged to",
        "extra": "Other fields",
        "deleted": "Deleted",
    },
    "findings": {
        "text": "Text",
        "section": "Section",
        "position": "Position",
        "extra": "Other fields",
        "deleted": "Deleted",
    },
    "cases": {
        "ref": "Case reference",
        "kind": "Kind",
        "fields": "Case-tracking record",
        "urgent": "Referred back",
        "extra": "Other fields",
        "deleted": "Deleted",
    },
    "inspectors": {"name": "Name", "role": "Role", "extra": "Other fields",
                   "deleted": "Deleted"},
    "inspection": {"fields": "Letter details", "state": "Letter state", "deleted": "Deleted"},
}

#: Fields whose values are prose, shown with a word-level diff.
TEXT_FIELDS = frozenset({"text", "name"})

#: What each history operation means, as "<who> …".
OPERATIONS: dict[str, str] = {
    "create": "created it",
    "edit": "edited it",
    "link": "tagged it to a finding",
    "unlink": "removed a tag",
    "move": "moved it",
    "delete": "deleted it",
    "restore": "restored it",
    "resolve": "resolved a conflict",
    "unresolve": "undid a conflict's resolution",
    "state": "changed the letter's state",
    "issue": "issued the letter",
}


@dataclass
class Names:
    """What ids stand for in one inspection: inspectors, findings and sections."""

    inspectors: dict[str, str] = field(default_factory=dict)
    findings: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)

    def inspector(self, inspector_id: str | None) -> str:
        if not inspector_id:
            return "someone unknown"
        return self.inspectors.get(inspector_id, inspector_id)

    def finding(self, finding_id: str) -> str:
        text = self.findings.get(finding_id)
        return f"“{short(text, 70)}”" if text else "a finding no longer there"

    def section(self, key: str) -> str:
        return self.sections.get(key, key.replace("_", " ").capitalize() if key else "")

    #: Each section's live findings as (stored sort key, id), in order.
    orders: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def place(self, section: str, key: Any, finding_id: str) -> str:
        """Where a version of a finding, with its stored sort key, puts it in its section:
        "3 of 5" (a conflict holds sort keys, not places; see fieldwork.store.ordering)."""
        others = [k for k, fid in self.orders.get(section, []) if fid != finding_id]
        if not isinstance(key, int):
            return str(key)
        return f"{sum(k < key for k in others) + 1} of {len(others) + 1}"


def short(text: str | None, width: int = 60) -> str:
    """One line of at most ``width`` characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def local_time(at: str | None, *, seconds: bool = False) -> str:
    """A stored UTC time (ISO 8601 with Z) as local time: "24 June 2009, 17:02" (with
    ``seconds``: "24 June 2009, 17:02:05")."""
    if not at:
        return "an unknown time"
    try:
        when = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    if when.tzinfo is not None:
        when = when.astimezone()
    return f"{when.day} {when:%B %Y, %H:%M:%S}" if seconds else f"{when.day} {when:%B %Y, %H:%M}"


def wall_time(value: str) -> str:
    """A local wall-clock time as recorded (a note's ``observed_at``): "24 June 2009, 15:10"."""
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{when.day} {when:%B %Y, %H:%M}"


def label(table: str, name: str) -> str:
    return FIELD_LABELS.get(table, {}).get(name, name.replace("_", " ").capitalize())


def field_order(table: str, names: set[str] | list[str] | tuple[str, ...]) -> list[str]:
    """``names`` in the order the table's fields are shown."""
    known = list(FIELD_LABELS.get(table, {}))
    return sorted(names, key=lambda n: (known.index(n) if n in known else len(known), n))


def value_text(table: str, name: str, value: Any, names: Names) -> str:
    """A field's value as a person reads it (ids become names, codes become labels)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if name == "deleted":
        return "yes" if value else "no"
    if table == "notes" and name == "author":
        return names.inspector(str(value))
    if table == "notes" and name == "source":
        try:
            return SourceType(value).label
        except ValueError:
            return str(value)
    if table == "notes" and name == "findings" and isinstance(value, list):
        return "\n".join(names.finding(str(f)) for f in value)
    if table == "notes" and name == "observed_at":
        return wall_time(str(value))
    if table == "findings" and name == "section":
        return names.section(str(value))
    if isinstance(value, Mapping):
        return "\n".join(f"{k.replace('_', ' ')}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(_plain(v) for v in value)
    return str(value)


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False)


def row_title(table: str, content: Mapping[str, Any], names: Names) -> str:
    """What a row is, in a few words: "Finding in Strengths: “Referrals are…”"."""
    if table == "notes":
        try:
            source = SourceType(str(content.get("source"))).label
        except ValueError:
            source = "Note"
        where = content.get("case_ref") or content.get("subject_role")
        head = f"Note · {source}" + (f" · {where}" if where else "")
        return f"{head}: “{short(content.get('text'), 60)}”"
    if table == "findings":
        return (f"Finding in {names.section(str(content.get('section') or ''))}: "
                f"“{short(content.get('text'), 60)}”")
    if table == "cases":
        return f"Case {content.get('ref') or ''}".strip()
    if table == "inspectors":
        return f"Inspector {content.get('name') or ''}".strip()
    return "The inspection's details"


def kind_label(table: str) -> str:
    return {"notes": "Note", "findings": "Finding", "cases": "Case", "inspectors": "Inspector",
            "inspection": "Inspection"}.get(table, table)
