"""From an inspection file to its letter: composing, checking, issuing and the appendix.

This joins the store to :mod:`fieldwork.letter` and :mod:`fieldwork.checks`. An issued
letter is frozen: :func:`letter_pdf` then returns the stored bytes, the same every time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from fieldwork.errors import FieldworkError, InvalidValue
from fieldwork.letterstate import is_frozen
from fieldwork.model import Changes, LetterState, Role
from fieldwork.store.issues import LetterIssue

if TYPE_CHECKING:
    from fieldwork.checks import CheckResult
    from fieldwork.letter import LetterInput
    from fieldwork.store import Store


@dataclasses.dataclass(frozen=True)
class Issued(LetterIssue):
    """An issue of the letter just made, with what issuing changed: the letter's state,
    which freezes its fields and findings."""

    changes: Changes = dataclasses.field(default_factory=lambda: Changes(inspection=True))


class NotReady(FieldworkError):
    "The readiness checks found errors, so the letter cannot be issued."

    def __init__(self, results: list[CheckResult]) -> None:
        self.results = results
        errors = [r for r in results if r.is_error]
        first = errors[0].message if errors else "unknown"
        more = f" (and {len(errors) - 1} more; run 'fieldwork check')" if len(errors) > 1 else ""
        super().__init__(f"the letter is not ready to issue: {first}{more}")


def letter_input(store: Store) -> LetterInput:
    """Everything the letter is made from, read from the file."""
    from fieldwork.letter import LetterInput

    return LetterInput(
        inspection=store.inspection(),
        inspectors=store.inspectors(),
        findings=store.findings(),
        notes=store.notes(),
        cases=store.cases(),
    )


def letter_pdf(store: Store, *, draft: bool | None = None) -> bytes:
    """The letter as PDF: the stored bytes once issued, otherwise freshly compiled."""
    from fieldwork.letter import compose, render_pdf

    issue = store.latest_issue()
    if is_frozen(store.inspection().state) and issue is not None:
        pdf = store.issued_pdf(issue.id)
        if hashlib.sha256(pdf).hexdigest() != issue.sha256:
            raise FieldworkError(
                f"{store.path}: the issued letter stored in this file does not match its "
                "checksum; it has been altered, so it is not given out"
            )
        return pdf
    return render_pdf(compose(letter_input(store), draft=draft))


def letter_text(store: Store) -> str:
    """The letter as plain text, for review and for scripts."""
    from fieldwork.letter import compose, render_text

    return render_text(compose(letter_input(store)))


def left_out_warnings(store: Store) -> list[str]:
    """A line for each finding the letter leaves out, because its section is not in the
    template, naming the finding and the section."""
    from fieldwork.checks import finding_label, left_out
    from fieldwork.letter import load_template

    template = load_template(store.inspection().template)
    return [
        f"{finding_label(f.text)} ({f.id}) is left out: its section {f.section!r} is not "
        f"in the template {template.name}"
        for f in left_out(letter_input(store), template)
    ]


def check(store: Store) -> list[CheckResult]:
    """The readiness checks, errors first (:func:`fieldwork.checks.readiness_checks`)."""
    from fieldwork.checks import readiness_checks

    return readiness_checks(letter_input(store))


def mark_qa(store: Store, *, by: str | None = None) -> Changes:
    """Send the draft for quality assurance."""
    if is_frozen(store.inspection().state):
        raise InvalidValue("the letter is already issued; reopen it for a re-issue first")
    return store.set_state(LetterState.QA, by=by)


def issue(store: Store, *, by: str | None = None) -> Issued:
    """Run the checks, then compile the final letter and store it with its sha256.

    Only the lead issues the letter (``by``, or the copy's owner): other copies accept an
    issued letter from no one else.

    :raises NotReady: a check found an error
    :raises InvalidValue: the letter is already issued, or the issuer is not the lead
    """
    if is_frozen(store.inspection().state):
        raise InvalidValue(
            "the letter is already issued; reopen it for a re-issue first "
            "(fieldwork issue F --reopen)"
        )
    who = by if by is not None else store.actor
    team = {i.id: i for i in store.inspectors()}
    member = team.get(who)
    if member is not None and member.role != Role.LEAD:
        _not_the_lead(member.name)
    from fieldwork.checks import blocking

    results = check(store)
    if blocking(results):
        raise NotReady(results)
    if member is None:
        _not_the_lead(who or "nobody")
    from fieldwork.letter import compose, render_pdf

    pdf = render_pdf(compose(letter_input(store), draft=False))
    return Issued(**dataclasses.asdict(store.record_issue(pdf, by=by)))


def _not_the_lead(name: str) -> None:
    raise InvalidValue(
        f"only the inspection's lead can issue the letter, and {name} is not the lead "
        "(other copies accept an issued letter only from the lead)"
    )


def reopen(store: Store, *, by: str | None = None) -> Changes:
    """Unfreeze an issued letter for a re-issue; the earlier issue stays stored."""
    if not is_frozen(store.inspection().state):
        raise InvalidValue("the letter has not been issued")
    return store.set_state(LetterState.DRAFT, by=by)


def appendix_pdf(
    store: Store, *, progress: Callable[[int, int], None] | None = None
) -> bytes:
    """The evidence appendix: every finding with the notes behind it. Not for publication."""
    from fieldwork.letter import render_appendix_pdf

    return render_appendix_pdf(letter_input(store), progress=progress)


def write_bytes(
    path: str | os.PathLike[str], data: bytes, *, inputs: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Write a file whole or not at all, owner-only: a work file beside it, synced, renamed.

    Never over evidence: an inspection file, a pack, one of ``inputs`` or a database's
    journal is refused and left as it was (:func:`fieldwork.files.refuse_overwrite`).

    :raises ProtectedFile: ``path`` names evidence
    :raises DiskFull: the disk filled up (nothing was written)
    :raises ReadOnly: the folder cannot be written
    """
    from fieldwork import files

    p = Path(path)
    with files.atomic_write(p, inputs=inputs) as fh:
        fh.write(data)
    return p
