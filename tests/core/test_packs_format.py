"""The pack file: what its header says, its encryption, and every bad pack refused."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.errors import BadPack, InvalidValue, NewerSchema, ReadOnly
from fieldwork.packs import crypto, merge_packs, read_pack_header
from fieldwork.store import Store
from fieldwork.store.schema import SCHEMA_VERSION
from tests.helpers.packs import (
    BAD_KINDS,
    LEAD,
    NOTE_1,
    PASSPHRASE,
    bad_packs,
    make_lead,
    pack,
    remake,
    sha256,
    state,
)


@pytest.fixture
def lead(tmp_path: Path) -> Iterator[Store]:
    store = make_lead(tmp_path)
    yield store
    store.close()


@pytest.fixture
def good_pack(lead: Store, tmp_path: Path) -> Path:
    return pack(lead, tmp_path / "good.fwpack")


@pytest.fixture
def target(tmp_path: Path, good_pack: Path) -> Iterator[Store]:
    """A team copy the bad packs are merged into."""
    from fieldwork.packs import join_pack

    store = join_pack(good_pack, tmp_path / "derek.fieldwork", PASSPHRASE, "Derek Osei")
    yield store
    store.close()


def test_header_is_readable_without_the_passphrase(lead: Store, good_pack: Path) -> None:
    header = read_pack_header(good_pack)
    assert header.inspection_id == lead.inspection_id
    assert (header.sender_id, header.sender_name) == (LEAD, "Alison Whitcombe")
    assert header.replica == lead.replica
    assert header.schema_version == SCHEMA_VERSION
    assert header.made_at.endswith("Z")


def test_pack_holds_no_plain_text(lead: Store, good_pack: Path) -> None:
    data = good_pack.read_bytes()
    assert b"Referral seen the same day" not in data
    assert b"SQLite format 3" not in data
    assert b"Derek Osei" not in data  # team names are in the body only


def test_packs_of_one_inspection_share_one_key_derivation(lead: Store, tmp_path: Path) -> None:
    crypto.derive_key.cache_clear()
    pack(lead, tmp_path / "a.fwpack")
    pack(lead, tmp_path / "b.fwpack")
    info = crypto.derive_key.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_each_pack_has_its_own_nonce(lead: Store, tmp_path: Path) -> None:
    a = read_pack_header(pack(lead, tmp_path / "a.fwpack"))
    b = read_pack_header(pack(lead, tmp_path / "b.fwpack"))
    assert a.nonce != b.nonce and a.salt == b.salt


def test_an_empty_passphrase_is_refused(lead: Store, tmp_path: Path) -> None:
    from fieldwork.packs import export_pack

    with pytest.raises(InvalidValue, match="passphrase"):
        export_pack(lead, tmp_path / "x.fwpack", "")
    assert not (tmp_path / "x.fwpack").exists()


def test_packing_over_the_inspection_file_is_refused(lead: Store) -> None:
    from fieldwork.packs import export_pack

    before = sha256(lead.path)
    with pytest.raises(InvalidValue, match="inspection file this command reads"):
        export_pack(lead, lead.path, PASSPHRASE)
    assert sha256(lead.path) == before


def test_a_failed_write_leaves_no_partial_pack(lead: Store, tmp_path: Path) -> None:
    from fieldwork.errors import FieldworkError
    from fieldwork.packs import export_pack

    with pytest.raises(FieldworkError, match="no such directory"):
        export_pack(lead, tmp_path / "missing" / "x.fwpack", PASSPHRASE)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


# ---------------------------------------------------------------- bad packs
@pytest.mark.parametrize("kind", BAD_KINDS)
def test_a_bad_pack_is_refused_and_changes_nothing(
    kind: str, good_pack: Path, target: Store, tmp_path: Path, lead: Store
) -> None:
    path, reason = bad_packs(good_pack, tmp_path, lead)[kind]
    before_state = state(target)
    target.close()
    before = sha256(target.path)
    store = Store.open(target.path)
    with pytest.raises(BadPack) as err:
        merge_packs(store, [path], PASSPHRASE)
    message = str(err.value)
    assert "\n" not in message and str(path) in message
    assert reason.lower() in message.lower()
    assert state(store) == before_state
    store.close()
    assert sha256(target.path) == before


def test_the_wrong_passphrase_is_named(good_pack: Path, target: Store) -> None:
    with pytest.raises(BadPack, match="wrong passphrase"):
        merge_packs(target, [good_pack], "not the passphrase")


def test_a_pack_of_a_newer_format_is_refused(good_pack: Path, tmp_path: Path) -> None:
    import hashlib
    import json

    data = good_pack.read_bytes()
    length = int.from_bytes(data[8:12], "big")
    doc = json.loads(data[12 : 12 + length])
    doc["format_version"] = 99
    text = json.dumps(doc).encode()
    newer = tmp_path / "newer-format.fwpack"
    digest = hashlib.sha256(text).digest()[:8]
    newer.write_bytes(
        data[:8] + len(text).to_bytes(4, "big") + text + digest + data[12 + length + 8 :]
    )
    with pytest.raises(BadPack, match="pack format 99"):
        read_pack_header(newer)


def test_one_bad_pack_in_a_list_refuses_the_whole_list(
    good_pack: Path, target: Store, tmp_path: Path, lead: Store
) -> None:
    lead.add_note(author=LEAD, source="observation", text="Only in the good pack.")
    newer_good = pack(lead, tmp_path / "good2.fwpack")
    bad, _ = bad_packs(good_pack, tmp_path, lead)["body byte flipped"]
    before = state(target)
    with pytest.raises(BadPack, match=r"bflip\.fwpack"):
        merge_packs(target, [newer_good, bad], PASSPHRASE)
    assert state(target) == before
    merged = target.replication.merge_rows()
    assert merged == [r for r in merged if r["pack"] != "good2.fwpack"]


def test_merging_into_a_read_only_copy_is_refused(good_pack: Path, target: Store) -> None:
    path = target.path
    target.close()
    before = sha256(path)
    os.chmod(path, 0o444)
    try:
        store = Store.open(path)
        if store.writable:  # running as root, permissions do not bind: as Store.open would
            store.writable = False
        with pytest.raises(ReadOnly):
            merge_packs(store, [good_pack], PASSPHRASE)
        store.close()
    finally:
        os.chmod(path, 0o644)
    assert sha256(path) == before


def test_merging_into_a_newer_schema_copy_is_refused(good_pack: Path, target: Store) -> None:
    import sqlite3

    path = target.path
    target.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = sha256(path)
    with pytest.raises(NewerSchema):
        Store.open(path)
    assert sha256(path) == before


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE notes SET vv = 'not a vector'", f"notes row {NOTE_1}: vv: "),
        ("""UPDATE notes SET vv = '{"r": "x"}'""", f"notes row {NOTE_1}: vv: 'r' in the version"),
        ("UPDATE notes SET findings = '[unclosed'", f"notes row {NOTE_1}: findings: is not valid"),
        ("UPDATE history SET after = '{' WHERE rowid IN (SELECT rowid FROM history LIMIT 1)",
         "after: is not valid JSON"),
        ("UPDATE notes SET deleted = 7", f"notes row {NOTE_1}: deleted: must be 0 or 1"),
    ],
)
def test_a_sealed_pack_with_rows_fieldwork_never_writes_is_refused(
    sql: str, reason: str, lead: Store, good_pack: Path, target: Store, tmp_path: Path
) -> None:
    lead.edit_note(NOTE_1, text="so that history has an entry")
    source = pack(lead, tmp_path / "with-history.fwpack")
    forged = remake(source, tmp_path / "forged.fwpack", sql=sql)
    before = state(target)
    with pytest.raises(BadPack) as err:
        merge_packs(target, [forged], PASSPHRASE)
    assert str(err.value).startswith(f"{forged}: ") and reason in str(err.value)
    assert state(target) == before
