"""Readiness checks: is the letter complete, is each finding backed, does it leak personal data?

Each result is an error (it blocks issuing) or a warning, and names what it concerns
(:mod:`fieldwork.check_results`); :func:`readiness_checks` lists them errors first.

Personal data (case references, dates of birth, people's names) is looked for in the
composed letter's text by :mod:`fieldwork.personal_data`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from fieldwork.check_results import CheckResult, Target, errors_first
from fieldwork.check_results import Level as Level  # the names callers know from here
from fieldwork.check_results import blocking as blocking
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
from fieldwork.letter.template import Template, load_template
from fieldwork.letter.text import render_text
from fieldwork.model import Finding

#: Fields every letter needs: the date, the recipient block, the salutation and who signs.
ALWAYS_REQUIRED = ("letter_date", "recipient.name", "recipient.salutation", "signatory.name")


def readiness_checks(data: LetterInput, template: Template | None = None) -> list[CheckResult]:
    """Every readiness check, errors first (:func:`errors_first`): as the command line,
    issuing and the app list them.

    :raises InvalidValue: if the inspection's template is unknown or broken
    """
    return errors_first(run_checks(data, template))


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
        *timeliness_figures(data),
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


def timeliness_figures(data: LetterInput) -> Iterator[CheckResult]:
    """A finding on timeliness whose percentages the case records do not bear out: a warning
    (see :mod:`fieldwork.timeliness.check`)."""
    from fieldwork.timeliness.check import timeliness_figures as check

    return check(data)


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
    """Case references, dates of birth and people's names in the letter's text (see
    :mod:`fieldwork.personal_data`). Each names the finding or the letter field the text is
    in, or else the letter, and the text it matched.

    Names are not looked for in the blocks that name officials on purpose: the recipient,
    the salutation, the signatories and the copy list.
    """
    from fieldwork import personal_data as pd

    letter = compose(data, template, draft=False)
    official = {"address", "salutation", "signature", "copies"}
    body = render_text(
        replace(letter, blocks=tuple(b for b in letter.blocks if b.kind not in official))
    )
    people = render_text(
        replace(letter, blocks=tuple(b for b in letter.blocks if b.kind in official))
    )
    context = personal_data_context(data, template)

    def results(text: str, target: Target, target_id: str | None, where: str,
                *, names: bool = True) -> Iterator[CheckResult]:
        for hit in pd.find(text, context, names=names):
            yield CheckResult(
                "error", hit.code, f"{where} {hit.message}: “{hit.matched}”", target, target_id
            )

    for finding in ordered_findings(data.findings, template):
        yield from results(finding.text, "finding", finding.id, finding_label(finding.text))
        body = body.replace(finding.text, " ")
    for key, value in _prose_fields(data.inspection.fields):
        if value.strip() and value in body:
            yield from results(value, "field", key, f"The letter field {key}")
            body = body.replace(value, " ")
    yield from results(body, "letter", None, "The letter")
    yield from results(people, "letter", None, "The letter", names=False)


#: Letter fields that hold the letter's own people or no prose.
_NOT_PROSE = ("recipient", "signatory", "signatories", "copies", "template", "fieldwork_dates",
              "letter_date", "allowed_words")


def _prose_fields(fields: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, text) of the letter fields people type prose into, longest first."""
    found: list[tuple[str, str]] = []
    for key, value in fields.items():
        path = f"{prefix}{key}"
        if not prefix and key in _NOT_PROSE:
            continue
        if isinstance(value, str):
            found.append((path, value))
        elif isinstance(value, dict):
            found += list(_prose_fields(value, f"{path}."))
    yield from sorted(found, key=lambda kv: -len(kv[1]))


def personal_data_context(data: LetterInput, template: Template) -> Any:
    """What the personal-data check of this letter knows: the case records, and the words it
    never reads as a name (the letter's own people, the template's words, official fields
    and the allowed words)."""
    from fieldwork import personal_data as pd

    fields = data.inspection.fields
    explicit = list(template.allowed_words)
    own = fields.get("allowed_words")
    explicit += [own] if isinstance(own, str) else [str(w) for w in own or [] if w]
    people: list[str] = []
    for inspector in data.inspectors:
        people.append(inspector.name)
        people += [str(v) for k, v in inspector.extra.items() if k in ("title", "post_nominals")]
    recipient = fields.get("recipient")
    people += list(pd.strings(recipient)) if recipient else []
    people += [f"{s.name} {s.title}" for s in signatories(fields, template.signatory_title)]
    people += list(copy_lines(fields))
    official = [str(fields.get(k) or "") for k in ("authority", "service", "title",
                                                  "statutory_basis")]
    allowed = pd.words_of([*explicit, *people, *official, *template.texts, template.label])
    return pd.Context(
        records=pd.read_records(data.cases),
        allowed=frozenset(allowed),
        explicitly_allowed=frozenset(pd.words_of(explicit)),
    )


def signature_images(data: LetterInput) -> Iterator[CheckResult]:
    from fieldwork.letter.compose import signature_file

    for person in signatories(data.inspection.fields):
        if person.image and signature_file(person.image) is None:
            found = "://" not in person.image and Path(person.image).is_file()
            why = ("is not one Fieldwork keeps; choose it again in the Letter form"
                   if found else "is not found")
            yield CheckResult(
                "warning",
                "signature_missing",
                f"The signature image of {person.name} {why}: {person.image}",
                "field",
                "signatory.signature",
            )


def finding_label(text: str) -> str:
    words = " ".join(text.split())
    short = words if len(words) <= 50 else words[:47].rstrip() + "…"
    return f"The finding “{short}”"
