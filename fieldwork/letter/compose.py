"""Composing: an inspection, its findings and notes → a :class:`Letter` of plain-text blocks.

Only template text is filled with placeholders; what users typed is copied as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldwork.errors import InvalidValue
from fieldwork.letter import placeholders
from fieldwork.letter.blocks import Block, Letter
from fieldwork.letter.dates import format_date, format_date_list, format_date_range, parse_date
from fieldwork.letter.english import count_phrase, join_and, normalise_role, pluralise
from fieldwork.letter.template import BodyPart, Section, SummaryRule, Template, load_template
from fieldwork.model import Case, Finding, Inspection, Inspector, LetterState, Note, Role


@dataclass
class LetterInput:
    """Everything a letter is made from: the live (not deleted) rows of one inspection."""

    inspection: Inspection
    inspectors: list[Inspector] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


@dataclass(frozen=True)
class Signatory:
    """One person who signs: name, title and an optional signature image path."""

    name: str
    title: str = ""
    image: str | None = None


def signature_file(path: str | None) -> Path | None:
    """The signature image a letter may print: a file in the user's ``signatures`` folder,
    where the Letter form keeps the images it is given; None for anything else.

    The path is a letter field, and letter fields travel in team packs: a pack must not be
    able to make the lead's letter read some other file of the lead's disk, nor fetch a
    URL (reportlab's image reader would).
    """
    if not path or "://" in path:
        return None
    from fieldwork import paths

    folder = (paths.user_data_dir() / "signatures").resolve()
    try:
        found = Path(path).resolve()
    except (OSError, ValueError):
        return None
    if found.parent != folder or not found.is_file():
        return None
    return found


def compose(
    data: LetterInput, template: Template | None = None, *, draft: bool | None = None
) -> Letter:
    """The letter as blocks of text.

    ``template`` defaults to the inspection's; ``draft`` to "not yet issued".

    :raises InvalidValue: if the inspection's template is unknown or broken
    """
    template = template or load_template(data.inspection.template)
    if draft is None:
        draft = data.inspection.state != LetterState.ISSUED
    by_section = findings_by_section(data.findings, template)
    value = Values(data, template, by_section)
    fields = data.inspection.fields
    blocks: list[Block] = []

    if template.letterhead or template.letterhead_left or template.logo:
        right = tuple(placeholders.fill(t, value) for t in template.letterhead)
        left = tuple(placeholders.fill(t, value) for t in template.letterhead_left)
        logo = str(template.logo) if template.logo else None
        blocks.append(Block("letterhead", right, image=logo, left=left))
    blocks.append(Block("date", (value("letter_date"),)))
    blocks.append(Block("address", recipient_lines(fields)))
    blocks.append(Block("salutation", (value("salutation"),)))
    if template.title:
        blocks.append(Block("title", (placeholders.fill(template.title, value),)))

    for part in template.body:
        if not printed(part, data, by_section):
            continue
        if part.kind in ("text", "heading"):
            # Optional fields may leave space at an end, or nothing at all.
            text = placeholders.fill(part.text, value).strip()
            if text:
                blocks.append(Block("paragraph" if part.kind == "text" else "heading", (text,)))
        elif part.kind == "generated":
            text = generated_paragraph(data, template, part.text)
            if text:
                blocks.append(Block("paragraph", (text,)))
        elif part.section is not None:
            blocks += section_blocks(part.section, by_section.get(part.section.key, []), value)

    if template.closing:
        blocks.append(Block("closing", (placeholders.fill(template.closing, value),)))
    people = signatories(fields, template.signatory_title) or [Signatory("[signatory]")]
    for person in people:
        lines = (person.name, person.title) if person.title else (person.name,)
        blocks.append(Block("signature", lines, image=person.image))
    if template.copies_label is not None:
        copies = copy_lines(fields)
        if copies:
            label = placeholders.fill(template.copies_label, value)
            blocks.append(Block("copies", copies, label=label))

    title = blocks_title(blocks) or data.inspection.title
    return Letter(
        blocks=tuple(blocks), template=template, draft=draft, title=title, author=people[0].name,
        date=letter_day(data.inspection),
    )


def letter_day(inspection: Inspection) -> dt.date | None:
    """The date the letter carries (its letter date, else the last fieldwork day), or None."""
    for value in (inspection.letter_date, *reversed(inspection.fieldwork_dates)):
        if value:
            try:
                return parse_date(value)
            except InvalidValue:
                continue
    return None


def printed(part: BodyPart, data: LetterInput, by_section: dict[str, list[Finding]]) -> bool:
    """Whether a body entry's conditions let it into this letter."""
    if part.only_if_any and not any(by_section.get(k) for k in part.only_if_any):
        return False
    if part.only_if_field and not filled(data, part.only_if_field):
        return False
    return not (part.only_if_empty and filled(data, part.only_if_empty))


def filled(data: LetterInput, path: str) -> bool:
    """Whether a letter field has a value (one that cannot be formatted counts)."""
    try:
        return bool(field_value(data, path))
    except InvalidValue:
        return bool(raw_field(data, path).strip())


def blocks_title(blocks: list[Block]) -> str:
    return next((b.text for b in blocks if b.kind == "title"), "")


def section_blocks(section: Section, findings: list[Finding], value: Values) -> list[Block]:
    """A section's heading, lead-in and findings; or its empty sentence, or nothing."""
    key = section.key
    heading = [Block("heading", (placeholders.fill(section.heading, value),), key)]
    if not section.heading:
        heading = []
    if not findings:
        if section.omitted_when_empty:
            return []
        return [*heading, Block("paragraph", (placeholders.fill(section.empty, value),), key)]
    blocks = list(heading)
    if section.lead_in:
        blocks.append(Block("paragraph", (placeholders.fill(section.lead_in, value),), key))
    texts = tuple(f.text for f in findings)
    if section.style == "bullets":
        blocks.append(Block("bullets", texts, key))
    else:
        blocks += [Block("paragraph", (text,), key) for text in texts]
    return blocks


def findings_by_section(
    findings: Iterable[Finding], template: Template
) -> dict[str, list[Finding]]:
    """Each template section's findings by position; findings of other sections are left out."""
    keys = set(template.section_keys)
    grouped: dict[str, list[Finding]] = {key: [] for key in template.section_keys}
    for finding in findings:
        if finding.section in keys:
            grouped[finding.section].append(finding)
    for items in grouped.values():
        items.sort(key=lambda f: (f.position, f.id))
    return grouped


def ordered_findings(findings: Iterable[Finding], template: Template) -> list[Finding]:
    """The findings in letter order: by section as the template orders them, then position."""
    grouped = findings_by_section(findings, template)
    return [f for key in template.section_keys for f in grouped[key]]


def generated_paragraph(data: LetterInput, template: Template, which: str) -> str:
    """The summary or evidence statement: the lead's own text if set, else generated."""
    if which == "summary":
        return data.inspection.summary or generated_summary(data, template)
    return data.inspection.evidence_statement or generated_evidence_statement(data, template)


def generated_summary(data: LetterInput, template: Template | None = None) -> str:
    """The summary sentence the template's rules make from the number of findings per section."""
    template = template or load_template(data.inspection.template)
    rule = summary_rule(data, template)
    if rule is None:
        return ""
    grouped = findings_by_section(data.findings, template)
    return placeholders.fill(rule.text, Values(data, template, grouped))


def summary_rule(data: LetterInput, template: Template) -> SummaryRule | None:
    """The first summary rule whose conditions this letter's findings meet."""
    grouped = findings_by_section(data.findings, template)
    counts = {key: len(items) for key, items in grouped.items()}
    return next((r for r in template.summary.rules if r.holds(counts)), None)


def generated_evidence_statement(data: LetterInput, template: Template | None = None) -> str:
    """The evidence statement: the kinds of evidence and the staff roles the notes record."""
    template = template or load_template(data.inspection.template)
    rules = template.evidence
    present = {note.source for note in data.notes}
    phrases: list[str] = []
    for source, phrase in rules.sources:
        if source in present and phrase and phrase not in phrases:
            phrases.append(phrase)
    sources = join_and(phrases, separator=rules.source_separator, last=rules.source_last)
    roles = join_and(staff_roles(data.notes, template))
    general = Values(data, template, findings_by_section(data.findings, template))
    extra = {"evidence_sources": sources, "staff_roles": roles}
    sentences: list[str] = []
    for sentence in rules.sentences:
        used = placeholders.names(sentence)
        if any(name in extra and not extra[name] for name in used):
            continue
        sentences.append(placeholders.fill(sentence, lambda n: extra.get(n) or general(n)))
    return " ".join(s for s in sentences if s)


def staff_roles(notes: Iterable[Note], template: Template) -> list[str]:
    """The staff roles of the people the inspectors spoke to, deduplicated and in the plural,
    in the template's order.

    Only notes of the template's ``role_sources`` count (interviews, unless it says
    otherwise): the role of an observation note is who was watched, not who was spoken to.
    Roles the template does not order follow, alphabetically.
    """
    rules = template.evidence
    order = {role: i for i, role in enumerate(rules.role_order)}
    chosen: dict[str, tuple[int, str]] = {}
    for note in notes:
        if note.source not in rules.role_sources:
            continue
        if not note.subject_role or not note.subject_role.strip():
            continue
        role = normalise_role(note.subject_role)
        plural = rules.role_plurals.get(role.lower()) or pluralise(role)
        rank = order.get(role.lower(), order.get(plural.lower(), len(order)))
        current = chosen.get(plural.lower())
        if current is None or rank < current[0]:
            chosen[plural.lower()] = (rank, plural)
    return [plural for _, plural in sorted(chosen.values(), key=lambda r: (r[0], r[1].lower()))]


def recipient_lines(fields: dict[str, Any]) -> tuple[str, ...]:
    """The recipient block: name, title, organisation and address, each line as typed."""
    recipient = fields.get("recipient") or {}
    if not isinstance(recipient, dict):
        return (str(recipient),)
    lines = [recipient.get("name"), recipient.get("title"), recipient.get("organisation")]
    address = recipient.get("address") or []
    lines += address.splitlines() if isinstance(address, str) else list(address)
    kept = tuple(str(line) for line in lines if line and str(line).strip())
    return kept or ("[recipient]",)


def signatories(fields: dict[str, Any], default_title: str = "") -> list[Signatory]:
    """Who signs: ``fields["signatories"]`` if given, else ``fields["signatory"]``."""
    items = fields.get("signatories") or []
    if not isinstance(items, list):
        items = [items]
    if not items and fields.get("signatory"):
        items = [fields["signatory"]]
    people: list[Signatory] = []
    for item in items:
        if isinstance(item, dict):
            name = str(item.get("name") or "").strip()
            title = str(item.get("title") or default_title)
            image = item.get("signature")
            if name:
                people.append(Signatory(name, title, str(image) if image else None))
        elif str(item).strip():
            people.append(Signatory(str(item).strip(), default_title))
    return people


def copy_lines(fields: dict[str, Any]) -> tuple[str, ...]:
    """The copy list, a person a line: ``name, role``."""
    lines: list[str] = []
    for item in fields.get("copies") or []:
        if isinstance(item, dict):
            parts = [str(item.get(k) or "").strip() for k in ("name", "role")]
            line = ", ".join(p for p in parts if p)
        else:
            line = str(item).strip()
        if line:
            lines.append(line)
    return tuple(lines)


def field_value(data: LetterInput, path: str) -> str:
    """The letter field ``path`` (``authority``, ``recipient.name``…) as text; empty if unset."""
    inspection = data.inspection
    if path == "fieldwork_dates":
        return format_date_list(inspection.fieldwork_dates)
    if path == "letter_date":
        return format_date(inspection.letter_date) if inspection.letter_date else ""
    if path == "inspectors":
        return join_and([i.name for i in team(data.inspectors)])
    if path == "lead_inspector":
        return next((i.name for i in data.inspectors if i.role == Role.LEAD), "")
    if path == "signatory.name":
        return join_and([p.name for p in signatories(inspection.fields)])
    value: Any = inspection.fields
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None or isinstance(value, dict):
        return ""
    if isinstance(value, list):
        return join_and([str(v) for v in value if v is not None and str(v).strip()])
    return str(value).strip()


def team(inspectors: Iterable[Inspector]) -> list[Inspector]:
    """The inspectors, the lead first."""
    people = list(inspectors)
    return [i for i in people if i.role == Role.LEAD] + [i for i in people if i.role != Role.LEAD]


class Values:
    """The value of each placeholder for one letter; an unset field shows as ``[name]``, an
    unset optional one (``{field:NAME?}``) as nothing."""

    def __init__(
        self,
        data: LetterInput,
        template: Template | None = None,
        by_section: dict[str, list[Finding]] | None = None,
    ) -> None:
        self.data = data
        self.template = template
        self.counts = {key: len(items) for key, items in (by_section or {}).items()}
        self.cache: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.cache:
            self.cache[name] = self.value(name)
        return self.cache[name]

    def value(self, name: str) -> str:
        p = placeholders.parse(name)
        if p.kind == "count":
            return self.count(p)
        if p.choice is not None:
            one, several = p.choice
            return one if len(self.people(p.name)) == 1 else several
        if p.kind == "general" and p.style:
            try:
                text = styled_value(self.data, p.name, p.style)
            except InvalidValue:
                text = raw_field(self.data, p.name)
            return text or f"[{p.name}]"
        path = placeholders.read_field(name)
        try:
            text = field_value(self.data, path) if path else ""
        except InvalidValue:
            text = raw_field(self.data, path or name)
        if not text and p.optional:
            return ""
        return text or f"[{name}]"

    def count(self, p: placeholders.Placeholder) -> str:
        n = self.counts.get(p.name, 0)
        if p.choice is not None:
            return p.choice[0] if n == 1 else p.choice[1]
        rules = self.template.summary if self.template else None
        if rules is None or p.name not in rules.nouns:
            return str(n)
        words = count_phrase(
            n, numbers=rules.numbers, few=rules.few, few_up_to=rules.few_up_to, many=rules.many
        )
        singular, plural = rules.nouns[p.name]
        return f"{words} {singular if n == 1 else plural}"

    def people(self, name: str) -> list[str]:
        if name == "signatory":
            return [s.name for s in signatories(self.data.inspection.fields)]
        return [i.name for i in self.data.inspectors]


def styled_value(data: LetterInput, name: str, style: str) -> str:
    """A placeholder written in a style: ``{fieldwork_dates:range}``,
    ``{inspectors:post_nominals}``…

    :raises InvalidValue: a date that cannot be read
    """
    inspection = data.inspection
    if name == "fieldwork_dates":
        dates = inspection.fieldwork_dates
        if not dates:
            return ""
        if style == "range":
            return format_date_range(dates)
        if style in ("first", "last"):
            days = sorted(parse_date(d) for d in dates)
            return format_date(days[0] if style == "first" else days[-1])
        return format_date_list(dates)
    if name in ("inspectors", "lead_inspector"):
        people = team(data.inspectors)
        if name == "lead_inspector":
            people = [i for i in people if i.role == Role.LEAD][:1]
        attribute = {"post_nominals": "post_nominals", "titles": "title", "title": "title"}
        return people_phrase(
            [(i.name, str(i.extra.get(attribute.get(style, ""), "") or "").strip())
             for i in people]
        )
    if name == "signatory":
        people_ = signatories(inspection.fields)
        if style == "titles":
            return people_phrase([(s.name, s.title) for s in people_])
        return join_and([s.name for s in people_])
    return field_value(data, placeholders.GENERAL.get(name, name))


def people_phrase(people: list[tuple[str, str]]) -> str:
    """Names, each followed by what goes after it: ``Neil Penswick, HMI, and Matthew
    Brazier, HMI``. Once any name has something after it, the list has a comma before
    its "and", so that each name keeps its own."""
    items = [f"{name}, {after}" if after else name for name, after in people]
    if any(after for _, after in people) and len(items) > 1:
        return join_and(items, last=", and ")
    return join_and(items)


def raw_field(data: LetterInput, path: str) -> str:
    """A field as typed, for a value (a malformed date, say) that cannot be formatted."""
    value = data.inspection.fields.get(path)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
