"""Readiness checks: is the letter complete, is each finding backed, does it leak personal data?

Each result is an error (it blocks issuing) or a warning, and names what it concerns.

Personal data is looked for in the composed letter's text:

- a case reference of one of the inspection's cases;
- a date of birth: "DOB", "D.O.B.", "date of birth", or "born" followed by a date;
- a person's name from a case record. Names are taken only from the values of keys of
  ``case.fields`` and ``case.urgent`` (nested too) whose name contains ``name``
  (``child_name``, ``mother_name``, ``name``) or is one of :data:`NAME_KEYS`. Other
  values are not read as names, so ordinary words in a case record never match. Each
  capitalised word of such a value (honorifics aside) is looked for, case-sensitively,
  as a whole word. The recipient, salutation, signatories and copy list are officials
  named on purpose, so names are not looked for there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from fieldwork.errors import InvalidValue
from fieldwork.letter import placeholders
from fieldwork.letter.compose import (
    LetterInput,
    compose,
    copy_lines,
    field_value,
    findings_by_section,
    ordered_findings,
    printed,
    signatories,
    summary_rule,
)
from fieldwork.letter.dates import MONTHS
from fieldwork.letter.template import Template, load_template
from fieldwork.letter.text import render_text
from fieldwork.model import Finding

Level = Literal["error", "warning"]
Target = Literal["field", "finding", "note", "section", "letter"]

#: Fields every letter needs: the date, the recipient block, the salutation and who signs.
ALWAYS_REQUIRED = ("letter_date", "recipient.name", "recipient.salutation", "signatory.name")

#: Keys of a case record whose values are names, besides any key containing "name".
NAME_KEYS = frozenset(
    {
        "child",
        "children",
        "mother",
        "father",
        "parent",
        "parents",
        "carer",
        "carers",
        "sibling",
        "siblings",
        "surname",
        "forename",
        "forenames",
        "alias",
        "aliases",
        "known_as",
        "family",
        "household",
        "subject",
    }
)

#: Capitalised words of a name value that are not themselves names.
NOT_NAMES = frozenset(
    {
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Mx",
        "Dr",
        "Master",
        "Baby",
        "Unborn",
        "Unknown",
        "The",
        "And",
        "Of",
        "Child",
        "Mother",
        "Father",
        "Family",
        "Not",
        "Known",
        "None",
        "Yes",
        "No",
        "Sr",
        "Jr",
    }
)

_MONTH = "|".join(f"{m[:3]}(?:{m[3:]})?" for m in MONTHS)
_DOB_PATTERNS = (
    re.compile(r"(?<![\w.])(?:D\.?O\.?B\b\.?|date\s+of\s+birth)", re.IGNORECASE),
    re.compile(
        r"\bborn\s+(?:on\s+)?(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\.?,?\s+\d{{4}})",
        re.IGNORECASE,
    ),
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class CheckResult:
    """One finding of a readiness check, about a field, finding, note, section or the letter."""

    level: Level
    code: str
    message: str
    target: Target
    target_id: str | None = None


def blocking(results: Iterable[CheckResult]) -> bool:
    """Whether any result is an error, which blocks issuing the letter."""
    return any(r.level == "error" for r in results)


def run_checks(data: LetterInput, template: Template | None = None) -> list[CheckResult]:
    """Every readiness check, errors and warnings, in a stable order.

    :raises InvalidValue: if the inspection's template is unknown or broken
    """
    template = template or load_template(data.inspection.template)
    return [
        *missing_fields(data, template),
        *unknown_sections(data, template),
        *empty_sections(data, template),
        *evidence_coverage(data),
        *dangling_tags(data),
        *personal_data(data, template),
        *signature_images(data),
    ]


def required_fields(template: Template, data: LetterInput | None = None) -> list[str]:
    """The letter fields this template needs: its ``required_fields``, the basics, and the
    fields its placeholders read (``{field:NAME?}`` aside).

    Given ``data``, only the placeholders of what this letter prints count: a field read
    only by an entry whose condition leaves it out, or by an empty section that is
    omitted, is not needed.
    """
    texts = template.texts if data is None else printed_texts(data, template)
    fields = [*template.required_fields, *ALWAYS_REQUIRED]
    for text in texts:
        for name in placeholders.names(text):
            field = placeholders.required_field(name)
            if field:
                fields.append(field)
    return list(dict.fromkeys(fields))


def letter_fields(template: Template) -> list[str]:
    """Every letter field the template may read, needed or optional, in a stable order."""
    fields = [*template.required_fields, *ALWAYS_REQUIRED]
    for text in template.texts:
        for name in placeholders.names(text):
            field = placeholders.read_field(name)
            if field:
                fields.append(field)
    for part in template.body:
        fields += [f for f in (part.only_if_field, part.only_if_empty) if f]
    return list(dict.fromkeys(fields))


def printed_texts(data: LetterInput, template: Template) -> list[str]:
    """The template text this letter prints, before its placeholders are filled."""
    texts = [template.title, template.closing, *template.letterhead_left, *template.letterhead]
    if template.copies_label and copy_lines(data.inspection.fields):
        texts.append(template.copies_label)
    grouped = findings_by_section(data.findings, template)
    for part in template.body:
        if not printed(part, data, grouped):
            continue
        if part.kind in ("text", "heading"):
            texts.append(part.text)
        elif part.section is not None:
            section = part.section
            if grouped.get(section.key):
                texts += [section.heading, section.lead_in]
            elif not section.omitted_when_empty:
                texts += [section.heading, section.empty]
        elif part.text == "summary" and not data.inspection.summary:
            rule = summary_rule(data, template)
            texts += [rule.text] if rule else []
        elif part.text == "evidence_statement" and not data.inspection.evidence_statement:
            texts += list(template.evidence.sentences)
    return texts


def missing_fields(data: LetterInput, template: Template) -> Iterator[CheckResult]:
    for path in required_fields(template, data):
        try:
            value = field_value(data, path)
        except InvalidValue as err:
            yield CheckResult(
                "error", "invalid_field", f"The letter field {path}: {err}", "field", path
            )
            continue
        if not value:
            yield CheckResult(
                "error", "missing_field", f"The letter field {path} is not filled in", "field", path
            )


def left_out(data: LetterInput, template: Template) -> list[Finding]:
    """The findings the letter leaves out: those in a section the template does not have."""
    keys = set(template.section_keys)
    return [f for f in data.findings if f.section not in keys]


def unknown_sections(data: LetterInput, template: Template) -> Iterator[CheckResult]:
    for finding in left_out(data, template):
        yield CheckResult(
            "error",
            "unknown_section",
            f"{finding_label(finding.text)} is in section {finding.section!r}, which the "
            f"template {template.name} does not have, so it is not in the letter",
            "finding",
            finding.id,
        )


def empty_sections(data: LetterInput, template: Template) -> Iterator[CheckResult]:
    grouped = findings_by_section(data.findings, template)
    for section in template.sections:
        if section.required and not grouped[section.key]:
            name = section.heading or section.key
            yield CheckResult(
                "error",
                "empty_section",
                f"The section {name!r} is required by the template but has no findings",
                "section",
                section.key,
            )


def evidence_coverage(data: LetterInput) -> Iterator[CheckResult]:
    """No evidence is an error; one source type or one inspector only is a triangulation warning."""
    by_name = {i.name: i.id for i in data.inspectors}
    backing: dict[str, list[Any]] = {f.id: [] for f in data.findings}
    for note in data.notes:
        for finding_id in set(note.findings):
            if finding_id in backing:
                backing[finding_id].append(note)
    for finding in data.findings:
        notes = backing[finding.id]
        label = finding_label(finding.text)
        if not notes:
            yield CheckResult(
                "error", "no_evidence", f"{label} has no supporting notes", "finding", finding.id
            )
            continue
        sources = {n.source for n in notes}
        if len(sources) == 1:
            (source,) = sources
            yield CheckResult(
                "warning",
                "single_source_type",
                f"{label} is backed by one kind of evidence only ({source.label.lower()})",
                "finding",
                finding.id,
            )
        authors = {by_name.get(n.author, n.author) for n in notes}
        if len(authors) == 1:
            yield CheckResult(
                "warning",
                "single_inspector",
                f"{label} is backed by the notes of one inspector only",
                "finding",
                finding.id,
            )


def dangling_tags(data: LetterInput) -> Iterator[CheckResult]:
    """A note tagged to a finding that is gone backs nothing: a warning on the note."""
    live = {f.id for f in data.findings}
    for note in data.notes:
        gone = [f for f in note.findings if f not in live]
        if gone:
            yield CheckResult(
                "warning",
                "tag_to_missing_finding",
                f"A note is tagged to {len(gone)} finding(s) that no longer exist",
                "note",
                note.id,
            )


def personal_data(data: LetterInput, template: Template) -> Iterator[CheckResult]:
    """Case references, dates of birth and case-record names in the letter's text.

    Names are not looked for in the blocks that name officials on purpose: the recipient,
    the salutation, the signatories and the copy list.
    """
    letter = compose(data, template, draft=False)
    official = {"address", "salutation", "signature", "copies"}
    body = render_text(
        replace(letter, blocks=tuple(b for b in letter.blocks if b.kind not in official))
    )
    people = render_text(
        replace(letter, blocks=tuple(b for b in letter.blocks if b.kind in official))
    )
    probes = list(_probes(data))
    seen: set[tuple[str, str, str | None]] = set()

    def results(
        text: str, target: Target, target_id: str | None, where: str, *, names: bool = True
    ) -> Iterator[CheckResult]:
        for code, pattern, message in probes:
            if code == "name_in_letter" and not names:
                continue
            match = pattern.search(text)
            if match and (code, match.group(0), target_id) not in seen:
                seen.add((code, match.group(0), target_id))
                yield CheckResult(
                    "error", code, f"{where} {message(match.group(0))}", target, target_id
                )

    for finding in ordered_findings(data.findings, template):
        yield from results(finding.text, "finding", finding.id, finding_label(finding.text))
        body = body.replace(finding.text, " ")
    for name in ("summary", "evidence_statement"):
        own = data.inspection.fields.get(name)
        if isinstance(own, str) and own and own in body:
            yield from results(own, "field", name, f"The {name.replace('_', ' ')}")
            body = body.replace(own, " ")
    yield from results(body, "letter", None, "The letter")
    yield from results(people, "letter", None, "The letter", names=False)


def _probes(data: LetterInput) -> Iterator[tuple[str, re.Pattern[str], Any]]:
    for case in data.cases:
        ref = case.ref.strip()
        if ref:
            pattern = re.compile(rf"(?<![\w/-]){re.escape(ref)}(?![\w/-])", re.IGNORECASE)
            yield "case_ref_in_letter", pattern, lambda found: f"gives the case reference {found}"
    for pattern in _DOB_PATTERNS:
        yield "date_of_birth_in_letter", pattern, lambda found: f"gives a date of birth ({found!r})"
    names: dict[str, str] = {}
    for case in data.cases:
        for value in _name_values(case.fields, case.urgent or {}):
            for word in _WORD.findall(value):
                if len(word) > 1 and word[0].isupper() and word not in NOT_NAMES:
                    names.setdefault(word, case.ref)
    for word, ref in names.items():
        pattern = re.compile(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])")
        yield (
            "name_in_letter",
            pattern,
            lambda found, ref=ref: f"uses the name {found!r} from case {ref}'s record",
        )


def _name_values(*records: Any) -> Iterator[str]:
    """String values of name keys, searched through nested records and lists."""
    for record in records:
        if isinstance(record, dict):
            for key, value in record.items():
                lowered = str(key).lower()
                if "name" in lowered or lowered in NAME_KEYS:
                    yield from _strings(value)
                elif isinstance(value, dict | list):
                    yield from _name_values(value)
        elif isinstance(record, list):
            for item in record:
                yield from _name_values(item)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def signature_images(data: LetterInput) -> Iterator[CheckResult]:
    for person in signatories(data.inspection.fields):
        if person.image and not Path(person.image).is_file():
            yield CheckResult(
                "warning",
                "signature_missing",
                f"The signature image of {person.name} is not found: {person.image}",
                "field",
                "signatory.signature",
            )


def finding_label(text: str) -> str:
    words = " ".join(text.split())
    short = words if len(words) <= 50 else words[:47].rstrip() + "…"
    return f"The finding “{short}”"
