"""The letter's fields from the command line, and what ``letter`` says on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldwork.cli import main
from fieldwork.store import Store
from tests.conftest import SAMPLE


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "s.fieldwork"
    assert run(capsys, "import", path, SAMPLE)[0] == 0
    return path


def test_fields_lists_values_needs_and_what_is_missing(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "field", sample, "template", "focused-visit")[1] == "set\n"
    status, out, _ = run(capsys, "fields", sample)
    assert status == 0
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:-1]}
    assert lines["authority"][:2] == ["needed", "London"]
    assert lines["focus"] == ["MISSING", "-"]
    assert lines["recipient.name"][0] == "needed"
    assert lines["copies"][0] == "-"
    assert out.splitlines()[-1] == "missing: focus"
    doc = json.loads(run(capsys, "fields", sample, "--json")[1])
    assert doc["focus"] == {"value": None, "needed": True, "used": True, "missing": True}
    assert doc["recipient.name"]["value"] == "Ms Gillian Pearson"


def test_field_prints_sets_and_clears_one(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "field", sample, "recipient.name") == (0, "Ms Gillian Pearson\n", "")
    assert run(capsys, "field", sample, "recipient.name", "Ms G. Pearson")[1] == "set\n"
    assert run(capsys, "field", sample, "recipient.name", "Ms G. Pearson")[1] == "unchanged\n"
    assert run(capsys, "field", sample, "recipient.name")[1] == "Ms G. Pearson\n"
    assert run(capsys, "field", sample, "focus", "the front door")[1] == "set\n"
    assert run(capsys, "field", sample, "fieldwork_dates", "--json",
               '["2021-11-09", "2021-11-10"]')[1] == "set\n"
    assert run(capsys, "field", sample, "fieldwork_dates")[1] == '["2021-11-09", "2021-11-10"]\n'
    assert run(capsys, "field", sample, "recipient.title", "--unset")[1] == "cleared\n"
    assert run(capsys, "field", sample, "recipient.title") == (
        1, "", "recipient.title is not set\n"
    )
    assert run(capsys, "field", sample, "extra.deep.key", "v")[1] == "set\n"
    with Store.open(sample) as store:
        fields = store.inspection().fields
    assert fields["recipient"]["name"] == "Ms G. Pearson" and "title" not in fields["recipient"]
    assert fields["recipient"]["salutation"] == "Dear Ms Pearson"
    assert fields["focus"] == "the front door"
    assert fields["extra"] == {"deep": {"key": "v"}}
    out = run(capsys, "letter", sample, "--text")[1]
    assert "on 9 and 10 November 2021" in out


def test_field_changes_are_in_the_history(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "field", sample, "focus", "the front door", "--by", "Derek Osei")
    with Store.open(sample) as store:
        (entry,) = [h for h in store.history(store.inspection_id) if h.after and
                    "focus" in h.after.get("fields", {})]
        derek = store.inspector("Derek Osei").id
        inspection = store.inspection_id
    assert entry.by == derek
    assert entry.before == {"fields": {"focus": None}}
    assert entry.after == {"fields": {"focus": "the front door"}}
    out = run(capsys, "history", sample, inspection)[1]
    assert "Derek Osei  edit\n    fields: {'focus': None} -> {'focus': 'the front door'}" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("fieldwork_dates", "2021-11-09"), "error: fieldwork_dates is a list: give it as JSON"),
        (("fieldwork_dates", "--json", '["2021-11-09"'), "error: fieldwork_dates: not valid JSON"),
        (("fieldwork_dates", "--json", '["9 Nov"]'), "error: fieldwork_dates: not a date"),
        (("letter_date", "2021-13-01"), "error: letter_date: not a date"),
        (("template", "nope"), "error: template: unknown letter template 'nope'"),
        (("inspectors", "A and B"), "error: inspectors comes from the inspection team"),
        (("recipient.name.first", "A"), "error: recipient.name is not a table"),
        (("bad key!", "A"), "error: not a letter field name"),
        (("focus", "x", "--unset"), "error: argument --unset: not allowed with argument value"),
        (("recipient", "x"), "error: recipient is a table: give it as JSON"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    sample: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    before = sample.read_bytes()
    status, out, err = run(capsys, "field", sample, *argv)
    assert status == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1
    with Store.open(sample) as store:
        assert store.inspection().fields["fieldwork_dates"] == ["2009-06-24", "2009-06-25"]
    assert before


def test_an_issued_letter_refuses_field_changes(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "issue", sample)[0] == 0
    status, _, err = run(capsys, "field", sample, "focus", "x")
    assert status == 2
    assert err == ("error: the letter has been issued; its fields and findings cannot change "
                   "without a re-issue\n")
    assert run(capsys, "field", sample, "authority")[1] == "London Borough of Bromley\n"


def test_letter_warns_about_findings_it_leaves_out(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(sample) as store:
        finding = store.findings(section="priority_action") or store.findings()
        target = finding[-1]
    run(capsys, "field", sample, "template", "focused-visit")
    status, out, err = run(capsys, "letter", sample, "--text")
    assert status == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 16  # every sample finding is in a ucra-2009 section
    assert any(target.id in w and "is left out: its section" in w for w in warnings)
    assert target.text[:20] not in out


def test_letter_says_draft_and_qa_plainly(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = run(capsys, "letter", sample, "--text")[2]
    assert note == "note: this letter is a draft, not yet issued\n"
    run(capsys, "issue", sample, "--qa")
    note = run(capsys, "letter", sample, "--text")[2]
    assert note == "note: this letter is in QA, not yet issued\n"


def test_post_nominals_travel_in_interchange_and_packs(tmp_path: Path) -> None:
    from fieldwork import interchange
    from tests.helpers.packs import PASSPHRASE, join_team, make_lead

    lead = make_lead(tmp_path)
    try:
        doc = interchange.export_document(lead)
        doc["inspectors"][0].update(post_nominals="HMI", title="His Majesty's Inspector")
        interchange.import_document(lead, doc)
        (derek,) = join_team(lead, tmp_path, 1)
        try:
            for store in (lead, derek):
                again = interchange.export_document(store)["inspectors"][0]
                assert again["post_nominals"] == "HMI"
                assert again["title"] == "His Majesty's Inspector"
        finally:
            derek.close()
    finally:
        lead.close()
    assert PASSPHRASE
