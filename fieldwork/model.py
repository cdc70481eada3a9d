"""The plain data of an inspection: dataclasses and enums, no storage and no Qt."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class SourceType(enum.StrEnum):
    """Where a piece of evidence came from. The values are the interchange spellings."""

    CASE_RECORD = "case-record"
    SUPERVISION_FILE = "supervision-file"
    OBSERVATION = "observation"
    INTERVIEW = "interview"
    MANAGEMENT_INFORMATION = "management-information"
    PARTNER_AGENCY = "partner-agency"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The human name, as a menu or a report shows it."""
        return SOURCE_LABELS[self]


SOURCE_LABELS: dict[SourceType, str] = {
    SourceType.CASE_RECORD: "Case record",
    SourceType.SUPERVISION_FILE: "Supervision file",
    SourceType.OBSERVATION: "Observation of practice",
    SourceType.INTERVIEW: "Staff interview",
    SourceType.MANAGEMENT_INFORMATION: "Management information",
    SourceType.PARTNER_AGENCY: "Partner agency",
    SourceType.OTHER: "Other",
}


class Role(enum.StrEnum):
    """An inspector's place in the team."""

    LEAD = "lead"
    TEAM = "team"


class CaseKind(enum.StrEnum):
    """Tracked cases are followed in depth; sampled cases are read once."""

    TRACKED = "tracked"
    SAMPLED = "sampled"


class LetterState(enum.StrEnum):
    """The letter moves draft → qa → issued."""

    DRAFT = "draft"
    QA = "qa"
    ISSUED = "issued"


#: The case-tracking record's fields, in the order a form shows them.
CASE_FIELDS: tuple[tuple[str, str], ...] = (
    ("referral_date", "Referral date"),
    ("referral_source", "Referral source"),
    ("decision_date", "Decision date"),
    ("assessment_start", "Initial assessment started"),
    ("assessment_completed", "Initial assessment completed"),
    ("core_assessment_start", "Core assessment started"),
    ("core_assessment_completed", "Core assessment completed"),
    ("child_seen", "Child seen"),
    ("strategy_discussion", "Strategy discussion"),
    ("management_oversight", "Management oversight"),
    ("risk", "Risk"),
    ("judgement", "Inspector's judgement"),
)


@dataclass
class Inspector:
    """A member of the inspection team."""

    id: str
    name: str
    role: Role = Role.TEAM
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    """A case record looked at by the team, named by the authority's reference only."""

    id: str
    ref: str
    kind: CaseKind = CaseKind.SAMPLED
    fields: dict[str, Any] = field(default_factory=dict)
    urgent: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Note:
    """One piece of evidence, tagged to the findings it supports."""

    id: str
    author: str
    source: SourceType
    observed_at: str
    text: str
    case_ref: str | None = None
    subject_role: str | None = None
    findings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    modified_at: str = ""


@dataclass
class Finding:
    """A judgement that goes into one section of the letter."""

    id: str
    section: str
    position: int
    text: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Inspection:
    """The inspection's own record: the letter's fields.

    ``fields`` holds the interchange ``inspection`` object as it is (authority, dates,
    recipient, signatory, copies and any extra fields); the properties read the common ones.
    """

    id: str
    fields: dict[str, Any] = field(default_factory=dict)
    state: LetterState = LetterState.DRAFT

    @property
    def template(self) -> str:
        return str(self.fields.get("template") or "ucra-2009")

    @property
    def title(self) -> str:
        return str(self.fields.get("title") or "")

    @property
    def authority(self) -> str:
        return str(self.fields.get("authority") or "")

    @property
    def fieldwork_dates(self) -> list[str]:
        return [str(d) for d in self.fields.get("fieldwork_dates") or []]

    @property
    def letter_date(self) -> str | None:
        value = self.fields.get("letter_date")
        return str(value) if value else None

    @property
    def summary(self) -> str | None:
        value = self.fields.get("summary")
        return str(value) if value else None

    @property
    def evidence_statement(self) -> str | None:
        value = self.fields.get("evidence_statement")
        return str(value) if value else None


@dataclass
class HistoryEntry:
    """One change to one row: who, when, what, and the values before and after."""

    id: str
    table: str
    row_id: str
    at: str
    by: str
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class SearchHit:
    """One ranked search result, with a snippet whose matches are marked."""

    kind: str  # "note" or "finding"
    id: str
    snippet: str
    rank: float


@dataclass(frozen=True)
class Changes:
    """What one write changed, so that a view can refresh only what it must.

    Each set holds the ids of the rows of that kind that were added, edited or deleted.
    ``created`` is the id of the row the write made, if it made one. ``everything`` says
    that any row may have changed (another program wrote the file, a merge, an import):
    every view reads again. ``text_only`` says that only the text of the notes and
    findings named changed: no tag, source, author, case, order or deletion, so no count
    can have changed.
    """

    notes: frozenset[str] = frozenset()
    findings: frozenset[str] = frozenset()
    cases: frozenset[str] = frozenset()
    inspectors: frozenset[str] = frozenset()
    inspection: bool = False
    created: str | None = None
    everything: bool = False
    text_only: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(
            self.notes or self.findings or self.cases or self.inspectors or self.inspection
        )

    @classmethod
    def all(cls) -> Changes:
        """Anything may have changed: every view reads again."""
        return cls(everything=True)

    @property
    def counts_may_change(self) -> bool:
        """Whether any count, tag, evidence figure or order may differ: not for a change
        to texts alone, nor for the letter's own fields."""
        if self.everything:
            return True
        if self.text_only:
            return bool(self.cases or self.inspectors)
        return bool(self.notes or self.findings or self.cases or self.inspectors)

    def __or__(self, other: Changes) -> Changes:
        text_only = (self.text_only or not self) and (other.text_only or not other)
        return Changes(
            notes=self.notes | other.notes,
            findings=self.findings | other.findings,
            cases=self.cases | other.cases,
            inspectors=self.inspectors | other.inspectors,
            inspection=self.inspection or other.inspection,
            created=self.created or other.created,
            everything=self.everything or other.everything,
            text_only=text_only and bool(self or other) and not (self.everything
                                                                  or other.everything),
        )
