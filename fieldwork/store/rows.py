"""How each replicated table's rows map to the model's dataclasses and back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fieldwork.model import (
    Case,
    CaseKind,
    Finding,
    Inspection,
    Inspector,
    LetterState,
    Note,
    Role,
    SourceType,
)

#: The columns that follow a replicated row's content, as the row travels between copies:
#: its version vector, its tombstone flag, and who made and last changed it, when.
VERSION_TAIL = ("vv", "deleted", "created_at", "created_by", "modified_at", "modified_by")


@dataclass(frozen=True)
class TableSpec:
    """A replicated table's content columns, and which of them hold JSON."""

    name: str
    kind: str  # the singular noun used in messages and history
    columns: tuple[str, ...]
    json_columns: frozenset[str]

    def encode(self, data: dict[str, Any]) -> tuple[Any, ...]:
        """The content values in column order, JSON columns as text."""
        return tuple(
            dump(data.get(col)) if col in self.json_columns else data.get(col)
            for col in self.columns
        )

    def decode(self, row: dict[str, Any] | Any) -> dict[str, Any]:
        """The content of a row (a mapping with at least the content columns)."""
        return {
            col: (_load(row[col]) if col in self.json_columns else row[col])
            for col in self.columns
        }


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def dump(value: Any) -> str | None:
    """A value as canonical JSON text (None stays None), as the tables store it."""
    if value is None:
        return None
    return _ENCODER.encode(value)


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


INSPECTION = TableSpec("inspection", "inspection", ("fields", "state"), frozenset({"fields"}))
INSPECTORS = TableSpec("inspectors", "inspector", ("name", "role", "extra"), frozenset({"extra"}))
CASES = TableSpec(
    "cases",
    "case",
    ("ref", "kind", "fields", "urgent", "extra"),
    frozenset({"fields", "urgent", "extra"}),
)
FINDINGS = TableSpec(
    "findings", "finding", ("section", "position", "text", "extra"), frozenset({"extra"})
)
NOTES = TableSpec(
    "notes",
    "note",
    ("author", "source", "case_ref", "subject_role", "observed_at", "text", "findings", "extra"),
    frozenset({"findings", "extra"}),
)

SPECS: dict[str, TableSpec] = {
    spec.name: spec for spec in (INSPECTION, INSPECTORS, CASES, FINDINGS, NOTES)
}


def inspection_from(row_id: str, data: dict[str, Any]) -> Inspection:
    return Inspection(
        id=row_id, fields=dict(data["fields"] or {}), state=LetterState(data["state"])
    )


def inspector_from(row_id: str, data: dict[str, Any]) -> Inspector:
    return Inspector(
        id=row_id, name=data["name"], role=Role(data["role"]), extra=data["extra"] or {}
    )


def case_from(row_id: str, data: dict[str, Any]) -> Case:
    return Case(
        id=row_id,
        ref=data["ref"],
        kind=CaseKind(data["kind"]),
        fields=data["fields"] or {},
        urgent=data["urgent"],
        extra=data["extra"] or {},
    )


def finding_from(row_id: str, data: dict[str, Any]) -> Finding:
    return Finding(
        id=row_id,
        section=data["section"],
        position=int(data["position"]),
        text=data["text"],
        extra=data["extra"] or {},
    )


def note_from(row_id: str, data: dict[str, Any], live_findings: set[str] | None = None) -> Note:
    findings = list(data["findings"] or [])
    if live_findings is not None:
        findings = [f for f in findings if f in live_findings]
    return Note(
        id=row_id,
        author=data["author"],
        source=SourceType(data["source"]),
        observed_at=data["observed_at"],
        text=data["text"],
        case_ref=data["case_ref"],
        subject_role=data["subject_role"],
        findings=findings,
        extra=data["extra"] or {},
    )
