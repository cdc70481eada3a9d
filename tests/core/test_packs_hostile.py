"""A pack is data, never trusted: packs sealed with the team's passphrase by a careless or
malicious member, each refused whole with one line naming pack, table, row and field, and
the receiving file left byte for byte as it was."""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork import issuing, versions
from fieldwork.cli import main
from fieldwork.errors import BadPack, DiskFull
from fieldwork.packs import container, crypto, join_pack, merge_packs, read_pack_header
from fieldwork.packs.join import pack_team
from fieldwork.store import Store
from fieldwork.store.replication import Replication
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
    remake,
    rewrite_header,
    state,
)

DEREK = TEAM[0][0]


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """The lead's copy (with a history entry) and Derek's, made by joining."""
    lead = make_lead(tmp_path)
    lead.edit_note(NOTE_1, text="Referral seen the same day; the lead's reading.")
    (derek,) = join_team(lead, tmp_path, 1)
    derek.add_note(author=DEREK, source="observation", text="Duty desk is calm.",
                   findings=[FINDING_A])
    yield lead, derek
    lead.close()
    derek.close()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def refused(
    capsys: pytest.CaptureFixture[str], secret: Path, store: Store, packs: list[Path]
) -> str:
    """Merge with the CLI; assert exit 2, one line, and the file unchanged byte for byte."""
    path = store.path
    store.close()
    before = files_digest(path)
    status = main(["merge", str(path), *map(str, packs), "--passphrase-file", str(secret)])
    out, err = capsys.readouterr()
    assert status == 2, (out, err)
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert files_digest(path) == before
    return err.removeprefix("error: ").rstrip("\n")


# ----------------------------------------------------------- the reported cases
def test_a_note_with_an_unknown_source_refuses_the_whole_pack(
    team: tuple[Store, Store], tmp_path: Path, capsys: pytest.CaptureFixture[str], secret: Path
) -> None:
    lead, derek = team
    real = pack(derek, tmp_path / "derek-real.fwpack")
    evil = remake(real, tmp_path / "derek.fwpack",
                  sql=f"UPDATE notes SET source = 'evil' WHERE id = '{NOTE_2}'")
    line = refused(capsys, secret, lead, [evil])
    assert line.startswith(f"{evil}: notes row {NOTE_2}: source: 'evil' is not a source type")
    # The lead's file is as usable as before.
    lead_path = tmp_path / "lead.fieldwork"
    for command in (["export", lead_path], ["letter", lead_path, "--text"],
                    ["conflicts", lead_path]):
        assert main([str(c) for c in command]) == 0
    assert main(["check", str(lead_path)]) in (0, 1)
    capsys.readouterr()


def test_a_pack_claiming_versions_of_my_own_copy_is_refused_as_forged(
    team: tuple[Store, Store], tmp_path: Path, capsys: pytest.CaptureFixture[str], secret: Path
) -> None:
    lead, derek = team
    forged_vv = versions.dumps({lead.replica: 10**12})
    evil = remake(pack(derek, tmp_path / "d.fwpack"), tmp_path / "derek.fwpack",
                  sql=f"UPDATE findings SET text = 'Derek rules.', vv = '{forged_vv}' "
                      f"WHERE id = '{FINDING_A}'")
    line = refused(capsys, secret, lead, [evil])
    assert line == (f"{evil}: refused as forged: it claims versions of this copy that this "
                    f"copy never made (finding {FINDING_A})")
    # The lead's later correction is not reverted by the member's next (honest) pack.
    lead = Store.open(tmp_path / "lead.fieldwork")
    lead.edit_finding(FINDING_A, text="The lead's correction.")
    derek.edit_note(NOTE_2, text="Derek's honest edit.")
    merge_packs(lead, [pack(derek, tmp_path / "d2.fwpack")], PASSPHRASE)
    assert lead.finding(FINDING_A).text == "The lead's correction."
    assert lead.note(NOTE_2).text == "Derek's honest edit."
    lead.close()


def test_a_forged_count_names_the_first_rows_and_counts_the_rest(
    team: tuple[Store, Store], tmp_path: Path
) -> None:
    lead, derek = team
    for i in range(4):
        derek.add_note(author=DEREK, source="other", text=f"note {i}")
    forged_vv = versions.dumps({lead.replica: 999, derek.replica: 1})
    evil = remake(pack(derek, tmp_path / "d.fwpack"), tmp_path / "derek.fwpack",
                  sql=f"UPDATE notes SET vv = '{forged_vv}'")
    with pytest.raises(BadPack, match=r"never made \(note [^,]+, note [^,]+, note [^,]+, and "
                                      r"4 more\)$"):
        merge_packs(lead, [evil], PASSPHRASE)


@pytest.mark.parametrize(
    ("by", "sha", "pdf", "reason"),
    [
        ("lead", "0" * 64, b"%PDF-1.4 made up by a member", "sha256: does not match the letter"),
        ("derek", "real", b"%PDF-1.4 made up by a member", "by: '"),
        ("lead", "real", b"not a pdf at all", "pdf: is not a PDF"),
    ],
)
def test_a_forged_issued_letter_is_refused(
    by: str, sha: str, pdf: bytes, reason: str, team: tuple[Store, Store], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], secret: Path,
) -> None:
    lead, derek = team
    issuer = LEAD if by == "lead" else DEREK
    checksum = hashlib.sha256(pdf).hexdigest() if sha == "real" else sha
    evil = remake(pack(derek, tmp_path / "d.fwpack"), tmp_path / "derek.fwpack", sql=[
        "INSERT INTO issues (id, at, by, sha256, pdf, supersedes) VALUES ("
        f"'5e000000-0000-4000-8000-000000000001', '2009-07-24T09:00:00.000000Z', '{issuer}', "
        f"'{checksum}', X'{pdf.hex()}', NULL)",
        "UPDATE inspection SET state = 'issued'",
    ])
    line = refused(capsys, secret, lead, [evil])
    assert line.startswith(f"{evil}: issued letter 5e000000-0000-4000-8000-000000000001: ")
    assert reason in line, line
    if by == "derek":
        assert "is not the inspection's lead" in line
    out = tmp_path / "letter.pdf"
    assert main(["letter", str(tmp_path / "lead.fieldwork"), "-o", str(out)]) == 0
    assert out.read_bytes() != pdf and out.read_bytes().startswith(b"%PDF-")
    capsys.readouterr()


def test_an_issued_state_without_an_issued_letter_is_refused(
    team: tuple[Store, Store], tmp_path: Path
) -> None:
    lead, derek = team
    evil = remake(pack(derek, tmp_path / "d.fwpack"), tmp_path / "derek.fwpack",
                  sql="UPDATE inspection SET state = 'issued'")
    before = state(lead)
    with pytest.raises(BadPack, match=r"inspection row [^:]+: state: 'issued' without an "
                                      "issued letter"):
        merge_packs(lead, [evil], PASSPHRASE)
    assert state(lead) == before


def test_the_leads_issued_letter_travels_and_is_given_out_exactly(
    team: tuple[Store, Store], tmp_path: Path
) -> None:
    lead, derek = team
    pdf = issuing.letter_pdf(lead, draft=False)
    lead.record_issue(pdf, by=LEAD)
    merge_packs(derek, [pack(lead, tmp_path / "issued.fwpack")], PASSPHRASE)
    assert derek.inspection().state.value == "issued"
    assert issuing.letter_pdf(derek) == pdf
    # Derek's pack carries the letter back; the lead knows it already.
    merge_packs(lead, [pack(derek, tmp_path / "back.fwpack")], PASSPHRASE)
    assert [i.sha256 for i in lead.issues()] == [hashlib.sha256(pdf).hexdigest()]


def test_a_member_cannot_issue_the_letter(team: tuple[Store, Store]) -> None:
    _, derek = team
    from fieldwork.errors import InvalidValue

    with pytest.raises(InvalidValue, match="only the inspection's lead can issue"):
        issuing.issue(derek)


def test_an_altered_issued_letter_is_not_given_out(
    team: tuple[Store, Store], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead, _ = team
    pdf = issuing.letter_pdf(lead, draft=False)
    lead.record_issue(pdf, by=LEAD)
    with lead.atomic():
        lead.raw_sql("UPDATE issues SET pdf = ?", (pdf + b"% altered",))
    lead.close()
    out = tmp_path / "letter.pdf"
    assert main(["letter", str(tmp_path / "lead.fieldwork"), "-o", str(out)]) == 2
    assert "does not match its checksum" in capsys.readouterr().err
    assert not out.exists()


def schema_of(store: Store) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in store.raw_sql("SELECT type, name FROM sqlite_master")}


EVIL_SCHEMA = [
    "CREATE TABLE stash (secret TEXT)",
    "INSERT INTO stash VALUES ('kept for later')",
    "CREATE VIEW everything AS SELECT * FROM notes",
    "CREATE TRIGGER wipe AFTER INSERT ON notes BEGIN DELETE FROM history; "
    "UPDATE notes SET author = 'someone-else' WHERE id = NEW.id; END",
    "CREATE TRIGGER wipe_on_edit AFTER UPDATE ON notes BEGIN DELETE FROM history; END",
    "CREATE INDEX sneaky ON notes(length(text))",
]


def test_a_first_pack_with_a_trigger_a_view_and_a_table_gives_a_copy_with_none(
    tmp_path: Path
) -> None:
    lead = make_lead(tmp_path)
    lead.edit_note(NOTE_1, text="Referral seen the same day; the lead's reading.")
    clean = pack(lead, tmp_path / "clean.fwpack")
    evil = remake(clean, tmp_path / "lead-first.fwpack", sql=EVIL_SCHEMA)
    expected = join_pack(clean, tmp_path / "expected.fieldwork", PASSPHRASE, "Derek Osei")
    mine = join_pack(evil, tmp_path / "derek.fieldwork", PASSPHRASE, "Derek Osei")
    assert schema_of(mine) == schema_of(expected)
    names = {name for _, name in schema_of(mine)}
    assert not names & {"stash", "everything", "wipe", "wipe_on_edit", "sneaky"}
    assert state(mine) == state(lead)
    assert [(h.op, h.by) for h in mine.history(NOTE_1)] == [("create", LEAD), ("edit", LEAD)]
    added = mine.add_note(author="Derek Osei", source="observation", text="New.").created
    mine.edit_note(NOTE_1, text="Derek's reading.")
    assert mine.note(added or "").author == DEREK
    assert [h.op for h in mine.history(NOTE_1)] == ["create", "edit", "edit"]
    # A merge never took a pack's schema either, and its triggers never fire here.
    merge_packs(lead, [evil], PASSPHRASE)
    lead.edit_note(NOTE_1, text="Again.")
    assert "wipe" not in {name for _, name in schema_of(lead)}
    assert [h.op for h in lead.history(NOTE_1)] == ["create", "edit", "edit"]
    for store in (lead, expected, mine):
        store.close()


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        (["ALTER TABLE notes RENAME TO notes_real",
          "CREATE VIEW notes AS SELECT * FROM notes_real"],
         "not a pack made by Fieldwork (its 'notes' is not an ordinary table)"),
        (["DROP INDEX notes_live_observed", "DROP INDEX notes_author",
          "DROP INDEX notes_source", "DROP INDEX notes_case_ref",
          "ALTER TABLE notes DROP COLUMN subject_role"],
         "its notes table has no plain column 'subject_role'"),
        (["CREATE TABLE parent (id INTEGER PRIMARY KEY)",
          "CREATE TABLE child (p INTEGER REFERENCES parent(id))",
          "INSERT INTO child VALUES (42)"],
         "fails the foreign key check"),
    ],
)
def test_an_image_that_is_not_plainly_fieldworks_is_refused(
    sql: list[str], reason: str, team: tuple[Store, Store], tmp_path: Path
) -> None:
    lead, derek = team
    evil = remake(pack(derek, tmp_path / "d.fwpack"), tmp_path / "derek.fwpack", sql=sql)
    before = state(lead)
    with pytest.raises(BadPack, match=reason.replace("(", r"\(").replace(")", r"\)")):
        merge_packs(lead, [evil], PASSPHRASE)
    with pytest.raises(BadPack, match=r"not a pack made by Fieldwork|foreign key"):
        join_pack(evil, tmp_path / "x.fieldwork", PASSPHRASE, "Derek Osei")
    assert state(lead) == before
    assert not (tmp_path / "x.fieldwork").exists()


def test_an_image_claiming_an_older_schema_is_refused_not_upgraded(
    team: tuple[Store, Store], tmp_path: Path
) -> None:
    lead, derek = team
    older = remake(pack(derek, tmp_path / "d.fwpack"), tmp_path / "older.fwpack",
                   user_version=0, header={"schema_version": 0})
    with pytest.raises(BadPack, match="its schema version is 0"):
        merge_packs(lead, [older], PASSPHRASE)


def test_a_damaged_page_is_refused(team: tuple[Store, Store], tmp_path: Path) -> None:
    from fieldwork.packs.snapshot import Image

    lead, derek = team
    source = pack(derek, tmp_path / "d.fwpack")
    header, payload = container.read_pack(source, PASSPHRASE)
    page = int.from_bytes(payload[16:18], "big")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(bytes(payload))
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'notes'").fetchone()[0]
    conn.close()
    offset = (root - 1) * page
    payload[offset + 3 : offset + 5] = b"\xff\xff"  # the page claims 65,535 cells
    fields = {"inspection_id": header.inspection_id, "sender_id": header.sender_id,
              "sender_name": header.sender_name, "replica": header.replica,
              "made_at": header.made_at, "schema_version": header.schema_version}
    damaged = tmp_path / "damaged.fwpack"
    import io

    container.write_pack(damaged, fields, Image(io.BytesIO(payload), len(payload)), PASSPHRASE)
    with pytest.raises(BadPack, match="damaged"):
        merge_packs(lead, [damaged], PASSPHRASE)


ROWS = [
    (f"UPDATE notes SET author = 'nobody' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: author: 'nobody' is not an inspector of this inspection"),
    (f"UPDATE notes SET findings = '[\"{FINDING_A}\", \"made-up\"]' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: findings[1]: 'made-up' is not a finding of this inspection"),
    (f"UPDATE notes SET findings = '[\"{FINDING_A}\", \"{FINDING_A}\"]' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: findings[1]: '{FINDING_A}' is listed twice"),
    (f"UPDATE notes SET text = 'a' || char(0) || 'b' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: text: contains a NUL character"),
    (f"UPDATE notes SET text = CAST(X'61ff62' AS TEXT) WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: text: holds text that is not UTF-8"),
    (f"UPDATE notes SET text = '\"' || hex(randomblob(60000)) || '\"' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: text: is 120,002 characters long; at most 100,000"),
    (f"UPDATE notes SET extra = '{{\"text\": \"shadow\"}}' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: extra.text: an extra field may not be called 'text'"),
    (f"UPDATE notes SET extra = '{{\"x\": \"\\ud800\"}}' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: extra.x: contains a lone surrogate"),
    (f"UPDATE notes SET extra = '{{\"x\": NaN}}' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: extra.x: NaN is not a number JSON allows"),
    (f"UPDATE notes SET extra = '{{\"x\": 9007199254740992}}' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: extra.x: the number 9007199254740992 is beyond"),
    (f"UPDATE notes SET extra = '{{\"x\": ' || replace(hex(zeroblob(40)), '00', '[') || "
     f"replace(hex(zeroblob(40)), '00', ']') || '}}' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: extra.x[0][0]"),
    (f"UPDATE notes SET extra = '{{\"x\": ' || replace(hex(zeroblob(5000)), '00', '[') || "
     f"replace(hex(zeroblob(5000)), '00', ']') || '}}' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: extra: is nested deeper than 32 levels"),
    (f"UPDATE notes SET observed_at = 'last Tuesday' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: observed_at: 'last Tuesday' is not an ISO 8601"),
    (f"UPDATE notes SET created_at = '2009-06-24' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: created_at: '2009-06-24' is not a time as Fieldwork writes it"),
    (f"UPDATE notes SET vv = replace(vv, ':', ': ') WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: vv: "),
    (f"UPDATE notes SET vv = '{{\"{LEAD}\": 0}}' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: vv: the counter of {LEAD} must be an integer from 1 to 2^53 - 1"),
    (f"UPDATE notes SET vv = '{{\"r\": 1}}' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: vv: 'r' in the version vector is not a copy's id"),
    # What passed one rule is not taken for another (the quick path remembers values).
    (f"UPDATE notes SET created_at = observed_at WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: created_at: '2009-06-24T10:00' is not a time as Fieldwork"),
    (f"UPDATE notes SET case_ref = '[\"nope\"]', findings = '[\"nope\"]' WHERE id = '{NOTE_2}'",
     f"notes row {NOTE_2}: findings[0]: 'nope' is not a finding of this inspection"),
    (f"UPDATE findings SET position = 0 WHERE id = '{FINDING_B}'",
     f"findings row {FINDING_B}: position: must be 1 or more, not 0"),
    (f"UPDATE findings SET position = 'one' WHERE id = '{FINDING_B}'",
     f"findings row {FINDING_B}: position: must be an integer"),
    ("UPDATE inspectors SET role = 'boss' WHERE role = 'lead'",
     f"inspectors row {LEAD}: role: 'boss' is not a role"),
    ("UPDATE cases SET kind = X'00'",
     "kind: must be a case kind (one of: tracked, sampled), not binary data"),
    ("UPDATE cases SET fields = '[1, 2]'", "fields: must be an object, not a list"),
    ("UPDATE inspection SET fields = json_set(fields, '$.letter_date', 'soon')",
     "fields.letter_date: 'soon' is not a date"),
    ("UPDATE inspection SET fields = json_set(fields, '$.state', 'issued')",
     "fields.state: 'state' is kept apart from the letter's fields"),
    ("UPDATE inspection SET state = 'published'", "state: 'published' is not a letter state"),
    (["INSERT INTO inspection (id, fields, state, vv, deleted, created_at, created_by, "
      "modified_at, modified_by) SELECT 'another', fields, state, vv, deleted, created_at, "
      "created_by, modified_at, modified_by FROM inspection"],
     "inspection row another: id: is not the pack's inspection"),
    (["DROP INDEX notes_id", "INSERT INTO notes (id, author, source, case_ref, subject_role, "
      "observed_at, findings, extra, vv, deleted, created_at, created_by, modified_at, "
      f"modified_by, text) SELECT id, author, source, case_ref, subject_role, observed_at, "
      f"findings, extra, vv, deleted, created_at, created_by, modified_at, modified_by, 'twin' "
      f"FROM notes WHERE id = '{NOTE_2}'"],
     f"notes row {NOTE_2}: id: appears twice"),
    ("INSERT INTO conflicts VALUES ('c0', 'notes', 'no-such-note', '{}', 0, '{}', "
     "'2009-06-24T09:00:00.000000Z', '')", "conflicts row c0: "),
    ("UPDATE history SET by = 'line' || char(10) || 'break'",
     "by: 'line\\nbreak' is not an id"),
    ("UPDATE history SET row_id = 'nothing'",
     "row_id: 'nothing' is not a row of this inspection"),
    ("UPDATE history SET tbl = 'sqlite_master'",
     "tbl: 'sqlite_master' is not a table whose rows have a history"),
    ("INSERT INTO meta VALUES ('document_extra', '{\"notes\": []}')",
     "meta document_extra: notes: 'notes' is one of the document's own keys"),
    ("UPDATE meta SET value = '-1' WHERE key = 'clock'", "meta clock: '-1' is not a counter"),
]


@pytest.mark.parametrize(("sql", "reason"), ROWS, ids=[r[1][:60] for r in ROWS])
def test_a_bad_row_refuses_the_pack_naming_table_row_and_field(
    sql: str | list[str], reason: str, team: tuple[Store, Store], tmp_path: Path
) -> None:
    lead, derek = team
    evil = remake(pack(derek, tmp_path / "d.fwpack"), tmp_path / "derek.fwpack", sql=sql)
    before = state(lead)
    with pytest.raises(BadPack) as err:
        merge_packs(lead, [evil], PASSPHRASE)
    message = str(err.value)
    assert message.startswith(f"{evil}: ") and "\n" not in message
    assert reason in message, message
    assert state(lead) == before
    # Joining from it is refused the same way, and leaves nothing behind.
    with pytest.raises(BadPack):
        join_pack(evil, tmp_path / "x.fieldwork", PASSPHRASE, "Fiona Marchetti")
    assert sorted(p.name for p in tmp_path.iterdir() if "x.fieldwork" in p.name) == []


# -------------------------------------------------------- key derivation

@pytest.mark.parametrize(
    "kdf",
    [
        {"n": 2**20, "r": 32, "p": 16},
        {"n": 2**17},
        {"p": 2},
        {"salt": base64.b64encode(b"\x00" * 16).decode()},
    ],
    ids=["n=2^20 r=32 p=16", "n=2^17", "p=2", "another salt"],
)
def test_a_header_asking_for_another_key_derivation_is_refused_before_deriving(
    kdf: dict[str, object], team: tuple[Store, Store], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], secret: Path,
) -> None:
    lead, derek = team
    evil = rewrite_header(pack(derek, tmp_path / "d.fwpack"), tmp_path / "derek.fwpack",
                          kdf=kdf)

    def derive(*args: object) -> bytes:
        raise AssertionError("a key was derived for a pack that is not Fieldwork's")

    monkeypatch.setattr(crypto, "derive_key", derive)
    with pytest.raises(BadPack, match="not a pack made by Fieldwork"):
        read_pack_header(evil)
    with pytest.raises(BadPack, match="not a pack made by Fieldwork"):
        join_pack(evil, tmp_path / "x.fieldwork", PASSPHRASE, "Derek Osei")
    with pytest.raises(BadPack, match="not a pack made by Fieldwork"):
        pack_team(evil, PASSPHRASE)
    line = refused(capsys, secret, lead, [evil])
    assert line.startswith(f"{evil}: not a pack made by Fieldwork")


def test_key_derivation_itself_refuses_parameters_no_pack_format_uses() -> None:
    with pytest.raises(ValueError, match="not a pack format's"):
        crypto.derive_key("x", b"s" * 16, 2**20, 32, 16)


def test_the_columns_a_receiver_reads_are_the_schemas(tmp_path: Path) -> None:
    from fieldwork.packs.snapshot import TABLE_COLUMNS

    store = Store.create(tmp_path / "x.fieldwork")
    for table, columns in TABLE_COLUMNS.items():
        actual = {r[1] for r in store.raw_sql(
            "SELECT * FROM pragma_table_xinfo(?)", (table,))}
        assert set(columns) == actual, table
    store.close()


def test_a_join_that_fails_while_building_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = make_lead(tmp_path)
    first = pack(lead, tmp_path / "first.fwpack")
    lead.close()
    before = sorted(p.name for p in tmp_path.iterdir())

    def fail(self: Replication, entries: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Replication, "add_history", fail)
    with pytest.raises(DiskFull, match="the disk is full"):
        join_pack(first, tmp_path / "mine.fieldwork", PASSPHRASE, "Derek Osei")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
