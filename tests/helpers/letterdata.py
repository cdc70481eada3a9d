"""Letter inputs for tests and benchmarks: the reference letter's data, with evidence behind it.

The letter is composed from a :class:`LetterInput`; the store makes one from a file
(``fieldwork.issuing.letter_input``), but these tests and benchmarks need no file, so an
interchange document is mapped onto the model dataclasses here, one dict to one dataclass.
"""

from __future__ import annotations

import copy
import json
import random
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from fieldwork.letter import LetterInput
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

REPO = Path(__file__).resolve().parents[2]
#: The public reference letter and its inspection, shipped as test fixtures.
REFERENCE_DIR = REPO / "tests" / "fixtures" / "reference" / "bromley-2009"

#: Tokens that are bullet glyphs, not words.
BULLETS = {"-", "•", "▪", "◦", "*"}


def reference_document() -> dict[str, Any]:
    """The reference inspection as interchange JSON."""
    path = REFERENCE_DIR / "inspection.json"
    if not path.is_file():
        raise FileNotFoundError(f"the reference inspection is missing: {path}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def reference_letter_text() -> str:
    """The text of the reference letter."""
    return (REFERENCE_DIR / "letter.txt").read_text(encoding="utf-8")


def words(text: str, *, drop: tuple[str, ...] = ()) -> list[str]:
    """The words of ``text`` in order, less whitespace, bullet glyphs and the words in ``drop``."""
    return [w for w in text.split() if w not in BULLETS and w not in drop]


def from_document(document: dict[str, Any]) -> LetterInput:
    """An interchange document as a :class:`LetterInput`; missing ids are made up in order."""
    fields = copy.deepcopy(document["inspection"])
    state = LetterState(fields.pop("state", "draft"))
    inspection = Inspection(id=str(fields.get("id") or "inspection-1"), fields=fields, state=state)
    inspectors = [
        Inspector(
            id=str(i.get("id") or f"inspector-{n}"),
            name=i["name"],
            role=Role(i.get("role", "team")),
        )
        for n, i in enumerate(document.get("inspectors", []), 1)
    ]
    findings = [
        Finding(
            id=str(f.get("id") or f"finding-{n}"),
            section=f["section"],
            position=int(f["position"]),
            text=f["text"],
        )
        for n, f in enumerate(document.get("findings", []), 1)
    ]
    notes = [
        Note(
            id=str(x.get("id") or f"note-{n}"),
            author=x["author"],
            source=SourceType(x["source"]),
            observed_at=x["observed_at"],
            text=x["text"],
            case_ref=x.get("case_ref"),
            subject_role=x.get("subject_role"),
            findings=list(x.get("findings", [])),
        )
        for n, x in enumerate(document.get("notes", []), 1)
    ]
    cases = [
        Case(
            id=str(c.get("id") or f"case-{n}"),
            ref=c["ref"],
            kind=CaseKind(c.get("kind", "sampled")),
            fields=dict(c.get("fields") or {}),
            urgent=c.get("urgent"),
        )
        for n, c in enumerate(document.get("cases", []), 1)
    ]
    return LetterInput(inspection, inspectors, findings, notes, cases)


def reference_input(**fields: Any) -> LetterInput:
    """The reference letter's data as it is (no notes), with ``fields`` changed."""
    data = from_document(reference_document())
    data.inspection.fields.update(fields)
    return data


#: The evidence the reference evidence statement describes: source, staff role.
_REFERENCE_EVIDENCE = (
    (SourceType.CASE_RECORD, None),
    (SourceType.SUPERVISION_FILE, None),
    (SourceType.OBSERVATION, None),
    (SourceType.OTHER, None),
    (SourceType.INTERVIEW, "Manager"),
    (SourceType.INTERVIEW, "Social worker"),
    (SourceType.INTERVIEW, "Other practitioner"),
    (SourceType.INTERVIEW, "Administrative staff"),
)


def reference_with_evidence(*, generated: bool = False) -> LetterInput:
    """The reference letter's data with a team, cases and notes backing every finding twice.

    Each finding has two notes from two inspectors and two source types. With
    ``generated``, the summary and evidence statement are unset, so the template makes them.
    """
    data = reference_input()
    if generated:
        data.inspection.fields["summary"] = None
        data.inspection.fields["evidence_statement"] = None
    data.inspectors = [
        Inspector("insp-lead", "Alison Whitcombe", Role.LEAD),
        Inspector("insp-team", "Derek Osei", Role.TEAM),
    ]
    data.cases = [
        Case("case-1", "BR-09-02214", CaseKind.TRACKED, {"child_name": "Jayden Okonkwo"}),
        Case("case-2", "BR-09-02287", CaseKind.SAMPLED, {"risk": "Low"}),
    ]
    notes: list[Note] = []
    for n, (source, role) in enumerate(_REFERENCE_EVIDENCE):
        author = data.inspectors[n % 2].id
        case_ref = data.cases[n % 2].ref if source == SourceType.CASE_RECORD else None
        notes.append(
            Note(
                f"note-e{n}",
                author,
                source,
                f"2009-06-24T{9 + n:02d}:00:00",
                f"Evidence of kind {source.value}.",
                case_ref=case_ref,
                subject_role=role,
            )
        )
    for i, finding in enumerate(data.findings):
        for k in range(2):
            source = (SourceType.CASE_RECORD, SourceType.INTERVIEW)[k]
            notes.append(
                Note(
                    f"note-f{i}-{k}",
                    data.inspectors[k].id,
                    source,
                    f"2009-06-25T{9 + k:02d}:{i:02d}:00",
                    f"Note {k + 1} behind finding {i + 1}: {finding.text[:40]}",
                    case_ref=data.cases[0].ref if k == 0 else None,
                    subject_role="Social worker" if k == 1 else None,
                    findings=[finding.id],
                )
            )
    data.notes = notes
    return data


_WORDS = re.findall(
    r"\w+",
    "the referral was screened by the duty manager and passed to the assessment team "
    "with a clear rationale; the child was seen alone and their views were recorded in "
    "their own words, although the initial assessment was completed late and the "
    "supervision record does not show that the manager reviewed the plan with the worker "
    "police and health colleagues were consulted at the strategy discussion",
)


def synthetic_input(
    notes: int, *, findings: int = 16, untagged: float = 0.08, seed: int = 1
) -> LetterInput:
    """The reference letter's data with ``notes`` made-up notes of 100–1500 characters.

    The notes are tagged to the first ``findings`` findings (repeated if more are asked
    for than the letter has); about ``untagged`` of them are left untagged.
    """
    rng = random.Random(seed)
    data = reference_with_evidence()
    base = data.findings
    data.findings = [
        replace(
            base[i % len(base)],
            id=f"finding-s{i}",
            position=i // len(base) * 100 + base[i % len(base)].position,
        )
        for i in range(findings)
    ]
    sources = list(SourceType)
    roles = ["Social worker", "Team manager", "Senior practitioner", None, None]
    made: list[Note] = []
    for n in range(notes):
        length = rng.randint(100, 1500)
        text_words: list[str] = []
        size = 0
        while size < length:
            word = rng.choice(_WORDS)
            text_words.append(word)
            size += len(word) + 1
        text = " ".join(text_words)[:length].rstrip().capitalize() + "."
        tags = [] if rng.random() < untagged else [data.findings[rng.randrange(findings)].id]
        made.append(
            Note(
                f"note-{n:05d}-{rng.getrandbits(32):08x}",
                data.inspectors[n % len(data.inspectors)].id,
                sources[n % len(sources)],
                f"2009-06-{24 + n % 2}T{9 + n % 8:02d}:{n % 60:02d}:00",
                text,
                case_ref=data.cases[n % 2].ref if n % 3 == 0 else None,
                subject_role=roles[n % len(roles)],
                findings=tags,
            )
        )
    data.notes = made
    return data


FOCUSED_FINDINGS = {
    "priority_action": [
        "Children at risk of significant harm are not consistently seen within timescales that "
        "reflect their needs.",
        "Management oversight of the front door does not ensure that threshold decisions are "
        "timely and recorded.",
    ],
    "improve": [
        "The quality and timeliness of assessments for children in need.",
        "The use of chronologies to inform planning.",
        "Supervision that reflects on children's progress.",
    ],
    "findings": [
        "Since the last inspection, senior leaders have invested in the front door, and the "
        "multi-agency safeguarding hub is now well established. Partners understand thresholds, "
        "and most contacts are screened promptly.",
        "Social workers know their children well and speak about them with warmth. Direct work "
        "is creative, and children's wishes and feelings are recorded in their own words.",
        "Caseloads are manageable for most social workers, who describe managers as visible and "
        "supportive. Supervision is regular but does not always reflect on children's progress.",
        "Quality assurance activity is extensive. Audits are moderated and learning is shared, "
        "although actions from audits are not always followed through.",
    ],
}


def focused_input(*, priority: bool = True, improve: bool = True) -> LetterInput:
    """A focused visit to the reference authority, two HMI signing, with evidence behind it."""
    data = reference_with_evidence(generated=True)
    fields = data.inspection.fields
    fields.update(
        template="focused-visit",
        service="children's services",
        focus="the local authority's arrangements for the front door, including contacts, "
        "referrals and assessments of children in need and those at risk of harm",
        fieldwork_dates=["2019-09-30", "2019-10-01"],
        letter_date="2019-10-25",
        signatories=[
            {"name": "Alison Whitcombe", "title": "His Majesty's Inspector"},
            {"name": "Derek Osei"},
        ],
    )
    fields.pop("copies")
    findings: list[Finding] = []
    for section, texts in FOCUSED_FINDINGS.items():
        if (section == "priority_action" and not priority) or (
            section == "improve" and not improve
        ):
            continue
        findings += [Finding(f"fv-{section}-{i}", section, i, t) for i, t in enumerate(texts, 1)]
    data.findings = findings
    for i, note in enumerate(n for n in data.notes if n.findings):
        note.findings = [findings[i % len(findings)].id]
    return data


def pdf_pages(pdf: bytes) -> list[str]:
    """The text layer of each page, as pypdf extracts it."""
    import io

    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


HOSTILE = (
    "<script>alert('x')</script>",
    "AT&T",
    "a <b>bold</b> word",
    "&amp; &lt; {authority} {{ }} %s",
    "שלום עולם",
    "مرحبا بالعالم",
    "Smiles 😀 👍🏽 ❤️ done",
)


def footer_ink(pdf: bytes, *, band_pt: float = 50, half_width_pt: float = 40) -> list[bool]:
    """For each page, whether anything dark is printed in the middle of its foot.

    Page numbers are drawn as outlines, not text, so they are found by rendering the page.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    found: list[bool] = []
    try:
        for index in range(len(document)):
            bitmap = document[index].render(scale=1, grayscale=True)
            width, height, stride = bitmap.width, bitmap.height, bitmap.stride
            buffer = bytes(bitmap.buffer)
            x0, x1 = int(width / 2 - half_width_pt), int(width / 2 + half_width_pt)
            rows = range(int(height - band_pt), height)
            found.append(any(min(buffer[y * stride + x0 : y * stride + x1]) < 128 for y in rows))
    finally:
        document.close()
    return found


def grey_ink(pdf: bytes) -> list[bool]:
    """For each page, whether it has light-grey ink (the DRAFT mark) near its centre."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    found: list[bool] = []
    try:
        for index in range(len(document)):
            bitmap = document[index].render(scale=1, grayscale=True)
            width, height, stride = bitmap.width, bitmap.height, bitmap.stride
            buffer = bytes(bitmap.buffer)
            centre = [
                buffer[y * stride + x]
                for y in range(height // 2 - 60, height // 2 + 60)
                for x in range(width // 2 - 60, width // 2 + 60)
            ]
            found.append(sum(200 <= v <= 235 for v in centre) > 500)
    finally:
        document.close()
    return found


def write_logo(path: Path, width: int = 120, height: int = 40) -> Path:
    """A small PNG, a dark bar on white, made without any imaging library."""
    import struct
    import zlib

    rows = b"".join(
        b"\x00" + b"".join(
            (b"\x20\x40\x80" if 8 <= y < height - 8 and 8 <= x < width - 8 else b"\xff\xff\xff")
            for x in range(width)
        )
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    path.write_bytes(png + chunk(b"IEND", b""))
    return path
