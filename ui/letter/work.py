"""The letter workspace's work, off the GUI thread: reading the letter, compiling, checking.

Nothing here imports Qt. :func:`read_snapshot` touches the store and so runs on the
worker (:class:`~ui.operations.TaskManager`); the rest works on a snapshot alone and runs
on the letter thread, so that compiling never holds up a note being saved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork import paths
from fieldwork.errors import FieldworkError, InvalidValue
from fieldwork.letterstate import is_frozen
from fieldwork.model import LetterState

if TYPE_CHECKING:
    from fieldwork.checks import CheckResult
    from fieldwork.letter import LetterInput
    from fieldwork.store import LetterIssue, Store

#: The letter fields the form edits, each a top-level key of ``inspection.fields``.
FORM_KEYS = (
    "template", "title", "authority", "service", "statutory_basis", "fieldwork_dates",
    "letter_date", "recipient", "summary", "evidence_statement", "signatory", "copies",
)
#: Required "fields" that are not typed in the letter form.
COMPUTED_FIELDS = frozenset({"inspectors", "lead_inspector"})


@dataclass(frozen=True)
class LetterSnapshot:
    """Everything the workspace shows, read from the file in one go."""

    data: LetterInput
    issue: LetterIssue | None = None
    #: The stored bytes of the issued letter, when it is issued.
    issued_pdf: bytes | None = None
    writable: bool = True
    #: Read without the notes and cases (for the state, while the workspace is hidden).
    light: bool = False

    @property
    def state(self) -> LetterState:
        return self.data.inspection.state

    @property
    def fields(self) -> dict[str, Any]:
        return self.data.inspection.fields

    @property
    def issued(self) -> bool:
        """Whether the letter is issued, and so frozen."""
        return is_frozen(self.state)

    def inspector_name(self, inspector_id: str) -> str:
        for person in self.data.inspectors:
            if person.id == inspector_id:
                return person.name
        return inspector_id or "unknown"


def read_snapshot(
    store: Store, *, reuse: LetterSnapshot | None = None, light: bool = False
) -> LetterSnapshot:
    """The letter's input, state and latest issue (run on the worker).

    With ``reuse``, only the inspection's own record is read again, and the findings,
    notes, cases and team are ``reuse``'s: for a change to the letter's fields alone,
    which on a big inspection saves reading every note.
    """
    from fieldwork.issuing import letter_input

    if reuse is not None:
        data = replace(reuse.data, inspection=store.inspection())
        light = reuse.light
    elif light:
        # Every note of a big inspection is the costly part, and only the letter needs it.
        from fieldwork.letter import LetterInput

        data = LetterInput(inspection=store.inspection(), inspectors=store.inspectors(),
                           findings=store.findings(), notes=[], cases=[])
    else:
        data = letter_input(store)
    issue = store.latest_issue()
    pdf = None
    if is_frozen(data.inspection.state) and issue is not None:
        pdf = store.issued_pdf(issue.id)
    return LetterSnapshot(data=data, issue=issue, issued_pdf=pdf, writable=store.writable,
                          light=light)


def compile_pdf(snapshot: LetterSnapshot, *, for_screen: bool = False) -> bytes:
    """The letter as it prints: the stored bytes once issued, else freshly compiled
    (``for_screen``: uncompressed, quicker to make, for a preview that is only drawn)."""
    if snapshot.issued_pdf is not None:
        return snapshot.issued_pdf
    from fieldwork.letter import compose, render_pdf

    return render_pdf(compose(snapshot.data), compress=not for_screen)


@dataclass(frozen=True)
class Readiness:
    """The readiness checks and the generated paragraphs, for one snapshot."""

    results: list[CheckResult] = field(default_factory=list)
    summary: str = ""
    evidence_statement: str = ""
    #: Fields the template asks for beyond the form's own (``focus``, say).
    extra_fields: tuple[str, ...] = ()
    error: str | None = None

    @property
    def errors(self) -> list[CheckResult]:
        return [r for r in self.results if r.is_error]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if not r.is_error]


def readiness(snapshot: LetterSnapshot) -> Readiness:
    """Run the checks and generate the default paragraphs (no store needed)."""
    from fieldwork.checks import letter_fields, readiness_checks
    from fieldwork.letter import (
        generated_evidence_statement,
        generated_summary,
        load_template,
    )

    data = snapshot.data
    try:
        template = load_template(data.inspection.template)
        results = readiness_checks(data, template)
        summary = generated_summary(data, template)
        evidence = generated_evidence_statement(data, template)
    except FieldworkError as err:
        return Readiness(error=str(err))
    known = {key.split(".")[0] for key in FORM_KEYS} | COMPUTED_FIELDS
    extra = tuple(f for f in letter_fields(template) if "." not in f and f not in known)
    return Readiness(results=results, summary=summary, evidence_statement=evidence,
                     extra_fields=extra)


def keep_signature(source: str | Path) -> Path:
    """Copy a chosen signature image into the user's data folder; the copy's path.

    The copy is named by its checksum, so choosing the same image twice keeps one copy.

    :raises InvalidValue: the file cannot be read or the folder cannot be written
    """
    from fieldwork.files import atomic_write, is_open_here

    src = Path(source)
    if is_open_here(src):  # reading it would drop this process's locks on it
        raise InvalidValue(f"{src}: is an open inspection file, not an image")
    try:
        data = src.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:16]
        folder = paths.private_data_dir("signatures")
        target = folder / f"{digest}{src.suffix.lower()}"
        if not target.exists():
            with atomic_write(target) as fh:
                fh.write(data)
    except OSError as err:
        raise InvalidValue(f"{src}: the signature image cannot be copied ({err.strerror})") \
            from None
    return target


def describe_issue(snapshot: LetterSnapshot) -> str:
    """"Issued on 24 July 2009 at 10:05 by Lena Lead" for the latest issue."""
    issue = snapshot.issue
    if issue is None:
        return "Issued"
    return f"Issued {when(issue.at)} by {snapshot.inspector_name(issue.by)}"


def when(iso: str) -> str:
    """A stored UTC time as local "on 24 July 2009 at 10:05"."""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return f"at {iso}"
    return f"on {moment.day} {moment:%B %Y} at {moment:%H:%M}"
