"""Helpers for the team-pack tests: a small inspection, copies made by joining, exchanges."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

from fieldwork import interchange
from fieldwork.packs import container, export_pack, join_pack, merge_packs
from fieldwork.packs.merge import MergeSummary
from fieldwork.packs.snapshot import Image
from fieldwork.store import Store
from fieldwork.store.schema import SCHEMA_VERSION

PASSPHRASE = "correct horse battery staple"

LEAD = "11111111-0000-4000-8000-000000000001"
TEAM = (
    ("22222222-0000-4000-8000-000000000002", "Derek Osei"),
    ("33333333-0000-4000-8000-000000000003", "Fiona Marchetti"),
    ("44444444-0000-4000-8000-000000000004", "Paul Hendry"),
)
FINDING_A = "aaaaaaaa-0000-4000-8000-00000000000a"
FINDING_B = "bbbbbbbb-0000-4000-8000-00000000000b"
NOTE_1 = "0e000000-0000-4000-8000-000000000001"
NOTE_2 = "0e000000-0000-4000-8000-000000000002"


def small_document() -> dict[str, Any]:
    """A lead, three team inspectors, two findings and two notes."""
    return {
        "format": "fieldwork-inspection",
        "version": 1,
        "inspection": {
            "id": "ce000000-0000-4000-8000-0000000000ce",
            "template": "ucra-2009",
            "title": "Annual unannounced inspection",
            "authority": "Test Borough",
            "fieldwork_dates": ["2009-06-24", "2009-06-25"],
        },
        "inspectors": [
            {"id": LEAD, "name": "Alison Whitcombe", "role": "lead"},
            *({"id": i, "name": n, "role": "team"} for i, n in TEAM),
        ],
        "cases": [{"id": "ca000000-0000-4000-8000-0000000000ca", "ref": "TB-09-001",
                   "kind": "tracked"}],
        "findings": [
            {"id": FINDING_A, "section": "strength", "position": 1,
             "text": "Referrals are dealt with promptly."},
            {"id": FINDING_B, "section": "development", "position": 1,
             "text": "Supervision is not always recorded."},
        ],
        "notes": [
            {"id": NOTE_1, "author": LEAD, "source": "case-record", "case_ref": "TB-09-001",
             "observed_at": "2009-06-24T09:00", "text": "Referral seen the same day.",
             "findings": [FINDING_A]},
            {"id": NOTE_2, "author": LEAD, "source": "supervision-file",
             "observed_at": "2009-06-24T10:00", "text": "Supervision notes are sparse.",
             "findings": []},
        ],
    }


def make_lead(folder: Path, name: str = "lead.fieldwork") -> Store:
    """The lead's copy of the small inspection; ``me`` is the lead."""
    source = folder / "setup.json"
    source.write_text(json.dumps(small_document()), encoding="utf-8")
    store, _ = interchange.import_file(folder / name, source)
    source.unlink()
    return store


def pack(store: Store, path: Path) -> Path:
    export_pack(store, path, PASSPHRASE)
    return path


def join_team(lead: Store, folder: Path, count: int = 3) -> list[Store]:
    """Copies for the first ``count`` team inspectors, made by joining from the lead's pack."""
    first = pack(lead, folder / "lead-first.fwpack")
    return [
        join_pack(first, folder / f"{name.split()[0].lower()}.fieldwork", PASSPHRASE, name)
        for _, name in TEAM[:count]
    ]


def exchange(source: Store, target: Store, folder: Path, tag: str = "") -> MergeSummary:
    """Pack ``source`` and merge the pack into ``target``."""
    path = pack(source, folder / f"{source.path.stem}{tag}.fwpack")
    (summary,) = merge_packs(target, [path], PASSPHRASE)
    return summary


def state(store: Store) -> tuple[str, frozenset[tuple[str, str, str]]]:
    """What must be equal on converged copies: the export, and the open conflicts."""
    conflicts = frozenset(
        (r["tbl"], r["row_id"], r["vv"]) for r in store.replication.sibling_rows()
    )
    return interchange.dumps(interchange.export_document(store)), conflicts


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def remake(source: Path, target: Path, *, header: dict[str, Any] | None = None,
           user_version: int | None = None, sql: str | list[str] | None = None,
           params: tuple[Any, ...] = ()) -> Path:
    """A pack re-sealed with the right key after changing its header fields, its
    payload's schema version or its rows (``sql``: one statement with ``params``, or a list
    of statements): for forging packs no Fieldwork would make."""
    old, payload = container.read_pack(source, PASSPHRASE)
    if user_version is not None or sql is not None:
        conn = sqlite3.connect(":memory:")
        conn.deserialize(payload)
        if user_version is not None:
            conn.execute(f"PRAGMA user_version = {user_version}")
        for statement in [sql] if isinstance(sql, str) else sql or []:
            conn.execute(statement, params if isinstance(sql, str) else ())
        conn.commit()
        payload = bytearray(conn.serialize())
        conn.close()
    fields = {
        "inspection_id": old.inspection_id, "sender_id": old.sender_id,
        "sender_name": old.sender_name, "replica": old.replica, "made_at": old.made_at,
        "schema_version": old.schema_version, **(header or {}),
    }
    container.write_pack(target, fields, Image(io.BytesIO(payload), len(payload)), PASSPHRASE)
    return target


def rewrite_header(source: Path, target: Path, **changes: Any) -> Path:
    """A pack whose header (plain JSON, readable without the passphrase) says something
    else, with its checksum made to match: what anyone can write without the passphrase.
    ``kdf`` changes are merged into the header's ``kdf`` object."""
    data = source.read_bytes()
    length = int.from_bytes(data[8:12], "big")
    doc = json.loads(data[12 : 12 + length])
    for key, value in changes.items():
        if key == "kdf":
            doc["kdf"].update(value)
        else:
            doc[key] = value
    text = json.dumps(doc).encode()
    digest = hashlib.sha256(text).digest()[:8]
    target.write_bytes(
        data[:8] + len(text).to_bytes(4, "big") + text + digest + data[12 + length + 8 :]
    )
    return target


def files_digest(path: Path) -> dict[str, str]:
    """The sha256 of an inspection file and of its -wal, if there is one."""
    out = {}
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            out[suffix or "file"] = sha256(part)
    return out


def _flip(path: Path, offset: int, out: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x5A
    out.write_bytes(bytes(data))
    return out


def bad_packs(good: Path, tmp_path: Path, lead: Store) -> dict[str, tuple[Path, str]]:
    """Each kind of bad pack, with (a part of) the reason it must be refused with."""
    data = good.read_bytes()
    header_len = int.from_bytes(data[8:12], "big")
    truncated = tmp_path / "truncated.fwpack"
    truncated.write_bytes(data[: len(data) // 2])
    cut_header = tmp_path / "cut-header.fwpack"
    cut_header.write_bytes(data[:20])
    not_a_pack = tmp_path / "notes.txt"
    not_a_pack.write_text("just some notes\n")
    empty = tmp_path / "empty.fwpack"
    empty.write_bytes(b"")
    folder = tmp_path / "folder.fwpack"
    folder.mkdir()
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = Store.create(other_dir / "other.fieldwork", inspection={"template": "ucra-2009"})
    other_pack = pack(other, tmp_path / "other-inspection.fwpack")
    other.close()
    return {
        "truncated": (truncated, "truncated"),
        "header cut short": (cut_header, "truncated"),
        "header byte flipped": (
            _flip(good, 12 + header_len // 2, tmp_path / "hflip.fwpack"), "damaged"),
        "header json byte flipped": (
            _flip(good, 12 + header_len - 3, tmp_path / "hflip2.fwpack"), "damaged"),
        "header length flipped": (_flip(good, 10, tmp_path / "lflip.fwpack"), "damaged"),
        "header checksum flipped": (
            _flip(good, 12 + header_len + 2, tmp_path / "cflip.fwpack"), "damaged"),
        "magic flipped": (_flip(good, 2, tmp_path / "mflip.fwpack"), "not a Fieldwork pack"),
        "body byte flipped": (
            _flip(good, len(data) - 40, tmp_path / "bflip.fwpack"), "tampered"),
        "first body byte flipped": (
            _flip(good, 12 + header_len + 8 + 1, tmp_path / "bflip0.fwpack"), "tampered"),
        "not a pack": (not_a_pack, "not a Fieldwork pack"),
        "empty file": (empty, "not a Fieldwork pack"),
        "missing": (tmp_path / "nowhere.fwpack", "no such file"),
        "a folder": (folder, "folder"),
        "another inspection": (other_pack, "another inspection"),
        "newer schema (header)": (
            remake(good, tmp_path / "newer.fwpack",
                   header={"schema_version": SCHEMA_VERSION + 1}), "newer Fieldwork"),
        "newer schema (payload)": (
            remake(good, tmp_path / "newer-payload.fwpack", user_version=SCHEMA_VERSION + 1),
            "newer Fieldwork"),
        "header disagrees with payload": (
            remake(good, tmp_path / "mixed.fwpack",
                   header={"inspection_id": lead.inspection_id.replace("c", "d")}),
            "another inspection"),
    }


BAD_KINDS = [
    "truncated", "header cut short", "header byte flipped", "header json byte flipped",
    "header length flipped", "header checksum flipped",
    "magic flipped", "body byte flipped", "first body byte flipped", "not a pack",
    "empty file", "missing", "a folder", "another inspection", "newer schema (header)",
    "newer schema (payload)", "header disagrees with payload",
]
