"""Property tests: a valid pack with random cells changed (types, enums, JSON, version
vectors, ids) or schema objects added, sealed with the project's own pack writer, is either
refused with the receiving file byte for byte as it was, or merged (and joined) into a file
on which ``export``, ``letter``, ``check``, ``conflicts`` and opening in the app succeed."""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fieldwork import issuing, versions
from fieldwork.cli import main
from fieldwork.errors import BadPack, NoSuchInspector
from fieldwork.packs import container, join_pack, merge_packs
from fieldwork.packs.snapshot import TABLE_COLUMNS, Image
from fieldwork.store import Store
from tests.helpers.packs import (
    FINDING_A,
    FINDING_B,
    LEAD,
    NOTE_1,
    NOTE_2,
    PASSPHRASE,
    TEAM,
    files_digest,
    join_team,
    make_lead,
    pack,
)

DEREK, FIONA = TEAM[0][0], TEAM[1][0]


@functools.lru_cache(maxsize=1)
def material() -> tuple[Path, bytes, Any, dict[str, str]]:
    """Built once: the lead's file (closed), and the payload and header of Derek's pack after
    some team work (notes with extra fields, a case, a conflict, history, an issued letter
    that was reopened)."""
    folder = Path(tempfile.mkdtemp(prefix="fw-hostile-"))
    atexit.register(shutil.rmtree, folder, True)
    lead = make_lead(folder)
    lead.edit_note(NOTE_1, text="The lead's reading.")
    lead.record_issue(issuing.letter_pdf(lead, draft=False), by=LEAD)
    issuing.reopen(lead)
    derek, fiona = join_team(lead, folder, 2)
    derek.edit_finding(FINDING_A, text="Derek: referrals are prompt.")
    fiona.edit_finding(FINDING_A, text="Fiona: referrals are mostly prompt.")
    derek.add_case("TB-09-002", "sampled", fields={"risk": "Low", "visits": [1, 2]})
    derek.add_note(author=DEREK, source="interview", subject_role="Team manager",
                   text="Caseloads are high.", findings=[FINDING_B], extra={"x-mood": "calm"})
    derek.add_note(author=DEREK, source="case-record", case_ref="TB-09-002", text="Seen.",
                   findings=[FINDING_A, FINDING_B])
    merge_packs(derek, [pack(fiona, folder / "fiona.fwpack")], PASSPHRASE)
    assert derek.replication.sibling_rows(), "the material should hold a conflict"
    base = pack(derek, folder / "base.fwpack")
    replicas = {"lead": lead.replica, "derek": derek.replica, "fiona": fiona.replica}
    for store in (lead, derek, fiona):
        store.close()
    header, payload = container.read_pack(base, PASSPHRASE)
    return folder / "lead.fieldwork", bytes(payload), header, replicas


IDS = [NOTE_1, NOTE_2, FINDING_A, FINDING_B, LEAD, DEREK, FIONA, "", " ", "x" * 300, "a\nb"]
JSON = [
    "[]", "{}", "null", "[1, 2]", '{"a": 1}', f'["{FINDING_A}"]', '["nope"]',
    f'["{FINDING_A}", "{FINDING_A}"]', "NaN", '{"x": NaN}', "[1e999]", '{"text": "shadow"}',
    '{"x": 9007199254740993}', '{"x": "\\ud800"}', "[" * 40 + "]" * 40, "[" * 3000 + "]" * 3000,
    '{"risk": "High"}', '{"template": "ucra-2009", "authority": "Elsewhere"}',
    '{"letter_date": "2009-13-01"}', '{"state": "issued"}', "[unclosed",
]
WORDS = [
    "evil", "case-record", "observation", "lead", "team", "tracked", "sampled", "draft", "qa",
    "issued", "strength", "development", "no-such-section", "2009-06-24T10:00", "2009-06-24",
    "2009-06-24T10:00:00.000000Z", "2099-01-01T00:00:00.000000Z", "yesterday", "2009-02-30",
    "a\x00b", "0" * 64, "edit", "notes", "findings", "sqlite_master",
]


@st.composite
def vectors(draw: st.DrawFn) -> str:
    replicas = material()[3]
    who = draw(st.lists(st.sampled_from([*replicas.values(), "r", ""]), min_size=1, max_size=2,
                        unique=True))
    counts = draw(st.lists(st.sampled_from([1, 2, 7, 10**6, 10**12, 2**53, 0, -1]),
                           min_size=len(who), max_size=len(who)))
    vector = dict(zip(who, counts, strict=True))
    text = versions.dumps(vector)
    return draw(st.sampled_from([text, text.replace(":", ": ")]))


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
VALUES = st.one_of(
    st.sampled_from([None, 0, 1, -1, 2, 2**53, 2**63 - 1, 1.5, b"\x00\xff", b"%PDF-1.4"]),
    st.sampled_from(IDS), st.sampled_from(JSON), st.sampled_from(WORDS), vectors(), TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1), st.binary(max_size=8),
)
CELLS = st.tuples(
    st.just("cell"),
    st.sampled_from(sorted(TABLE_COLUMNS)).flatmap(
        lambda table: st.tuples(st.just(table), st.sampled_from(TABLE_COLUMNS[table]))
    ),
    st.integers(min_value=0, max_value=20),
    VALUES,
)
SCHEMA = st.tuples(st.just("schema"), st.sampled_from([
    ["CREATE TRIGGER t1 AFTER INSERT ON notes BEGIN DELETE FROM history; END"],
    ["CREATE TRIGGER t2 AFTER UPDATE ON notes BEGIN UPDATE notes SET author = 'x'; END"],
    ["CREATE VIEW v1 AS SELECT * FROM notes"],
    ["CREATE TABLE stash (x)", "INSERT INTO stash VALUES ('secret')"],
    ["CREATE INDEX i1 ON notes(text)"],
    ["CREATE INDEX i2 ON notes(length(text), upper(author))"],
    ["DROP INDEX notes_id"],
    ["DROP INDEX notes_id", "INSERT INTO notes (id, author, source, observed_at, findings, vv, "
     "deleted, created_at, created_by, modified_at, modified_by, text) SELECT id, author, "
     "source, observed_at, findings, vv, deleted, created_at, created_by, modified_at, "
     "modified_by, 'twin' FROM notes LIMIT 1"],
    ["ALTER TABLE cases RENAME TO cases_x", "CREATE VIEW cases AS SELECT * FROM cases_x"],
    ["DELETE FROM findings"],
    ["DELETE FROM inspectors WHERE role = 'lead'"],
    ["DELETE FROM conflicts"],
    ["DELETE FROM inspection"],
    ["PRAGMA user_version = 0"],
    ["CREATE TABLE evil_fk (p INTEGER REFERENCES cases(seq))", "INSERT INTO evil_fk VALUES (99)"],
]), st.just(0), st.just(None))
MUTATIONS = st.lists(st.one_of(CELLS, CELLS, SCHEMA), min_size=1, max_size=4)


def mutated(payload: bytes, mutations: list[tuple[Any, ...]]) -> bytes:
    conn = sqlite3.connect(":memory:")
    conn.deserialize(payload)
    for kind, what, index, value in mutations:
        with contextlib.suppress(sqlite3.Error):  # a change SQLite itself refuses is skipped
            if kind == "cell":
                table, column = what
                conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE rowid = (SELECT rowid FROM {table} "
                    f"ORDER BY rowid LIMIT 1 OFFSET ?)", (value, index))
            else:
                for statement in what:
                    conn.execute(statement)
            conn.commit()
    out = conn.serialize()
    conn.close()
    return out


def seal(path: Path, header: Any, payload: bytes) -> Path:
    fields = {"inspection_id": header.inspection_id, "sender_id": header.sender_id,
              "sender_name": header.sender_name, "replica": header.replica,
              "made_at": header.made_at, "schema_version": header.schema_version}
    container.write_pack(path, fields, Image(io.BytesIO(payload), len(payload)), PASSPHRASE)
    return path


def run(*argv: object) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main([str(a) for a in argv])


def usable(path: Path, folder: Path, *, letter: bool = True) -> None:
    """Everything a user does with a file works on it: the commands, and the app opening."""
    from ui.session import load_overview, open_session

    assert run("export", path, "-o", folder / "out.json") == 0
    assert run("conflicts", path) == 0
    assert run("check", path) in (0, 1)
    if letter:
        assert run("letter", path, "-o", folder / "out.pdf") == 0
    session = open_session(path)
    try:
        load_overview(session.writer)
        session.reader.note_rows(limit=50)
    finally:
        session.close_writer()
        session.close_reader()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutations=MUTATIONS)
def test_a_mutated_pack_is_refused_whole_or_merged_into_a_usable_file(
    mutations: list[tuple[Any, ...]]
) -> None:
    lead_file, payload, header, _ = material()
    with tempfile.TemporaryDirectory(prefix="fw-case-") as name:
        folder = Path(name)
        target = folder / "lead.fieldwork"
        shutil.copyfile(lead_file, target)
        forged = seal(folder / "derek.fwpack", header, mutated(payload, mutations))
        before = files_digest(target)
        store = Store.open(target)
        try:
            merge_packs(store, [forged], PASSPHRASE)
        except BadPack as err:
            assert "\n" not in str(err) and str(err).startswith(f"{forged}: ")
            event("refused")
            store.close()
            assert files_digest(target) == before
        else:
            event("merged")
            store.close()
            usable(target, folder)
        try:
            mine = join_pack(forged, folder / "mine.fieldwork", PASSPHRASE, "Fiona Marchetti")
        except (BadPack, NoSuchInspector):  # refused, or the mutation renamed Fiona
            assert not (folder / "mine.fieldwork").exists()
            assert not [p for p in folder.iterdir() if ".joining" in p.name]
        else:
            event("joined")
            names = {r[0] for r in mine.raw_sql("SELECT name FROM sqlite_master")}
            assert not names & {"t1", "t2", "v1", "stash", "i1", "i2", "cases_x", "evil_fk"}
            mine.close()
            usable(folder / "mine.fieldwork", folder, letter=False)
