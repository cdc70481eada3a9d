"""The rules the command line and the app share: making an inspection, saving a copy, the
sections' names, the issued letter's freeze and the order of the readiness checks."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from fieldwork import issuing
from fieldwork.check_results import CheckResult, errors_first
from fieldwork.cli import main
from fieldwork.errors import InvalidValue, LetterFrozen
from fieldwork.files import ProtectedFile
from fieldwork.inspections import (
    NewInspection,
    create_inspection,
    fieldwork_days,
    save_copy,
    section_titles,
)
from fieldwork.letterstate import check_not_frozen, is_frozen
from fieldwork.model import LetterState, Role
from fieldwork.store import Store


def spec(path: Path, **changes: object) -> NewInspection:
    values: dict[str, object] = dict(
        path=path, template="ucra-2009", authority="Test Borough", title="",
        first_day=dt.date(2026, 3, 2), last_day=dt.date(2026, 3, 4),
        team=[("Lena Lead", Role.LEAD), ("Tom Team", Role.TEAM), ("  ", Role.TEAM)],
        me="Tom Team",
    )
    values.update(changes)
    return NewInspection(**values)  # type: ignore[arg-type]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------ a new inspection
def test_a_new_inspection_has_its_team_days_and_owner(tmp_path: Path) -> None:
    path = create_inspection(spec(tmp_path / "new.fieldwork", title=" Unannounced visit "))
    with Store.open(path) as store:
        assert [(i.name, i.role) for i in store.inspectors()] == [
            ("Lena Lead", Role.LEAD), ("Tom Team", Role.TEAM)]
        assert store.inspector(store.me).name == "Tom Team"
        inspection = store.inspection()
        assert inspection.fieldwork_dates == ["2026-03-02", "2026-03-03", "2026-03-04"]
        assert (inspection.authority, inspection.title, inspection.template) == (
            "Test Borough", "Unannounced visit", "ucra-2009")
        assert inspection.state == LetterState.DRAFT


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"authority": "  "}, "needs the authority's name"),
        ({"team": [(" ", Role.LEAD)]}, "at least one inspector"),
        ({"me": "Someone Else"}, "choose who you are from the team"),
        ({"team": [("Lena Lead", Role.LEAD), ("Lena Lead", Role.TEAM)], "me": "Lena Lead"},
         "'Lena Lead' is in the team twice"),
        ({"template": "no-such-template"}, "no-such-template"),
    ],
)
def test_a_new_inspection_is_refused_before_any_file_is_made(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        create_inspection(spec(tmp_path / "new.fieldwork", **changes))
    assert list(tmp_path.iterdir()) == []


def test_a_new_inspection_never_replaces_a_file(tmp_path: Path) -> None:
    path = tmp_path / "new.fieldwork"
    path.write_text("my notes")
    with pytest.raises(InvalidValue, match="already exists"):
        create_inspection(spec(path))
    assert path.read_text() == "my notes"


def test_fieldwork_days_run_from_first_to_last() -> None:
    assert fieldwork_days(dt.date(2009, 6, 24), dt.date(2009, 6, 25)) == [
        "2009-06-24", "2009-06-25"]
    assert fieldwork_days(dt.date(2009, 6, 24), dt.date(2009, 6, 1)) == ["2009-06-24"]


def test_fieldwork_new_makes_the_same_inspection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "new", tmp_path / "cli", "--authority", "Test Borough",
                           "--lead", "Lena Lead", "--team", "Tom Team", "--me", "Tom Team",
                           "--first-day", "2026-03-02", "--last-day", "2026-03-04")
    assert (status, err) == (0, "")
    assert out == (f"created {tmp_path / 'cli.fieldwork'}: 2 inspectors; this copy belongs "
                   "to Tom Team\n")
    create_inspection(spec(tmp_path / "app.fieldwork"))
    with Store.open(tmp_path / "cli.fieldwork") as cli, \
            Store.open(tmp_path / "app.fieldwork") as app:
        assert cli.inspection().fields == app.inspection().fields
        assert [(i.name, i.role) for i in cli.inspectors()] == [
            (i.name, i.role) for i in app.inspectors()]
        assert cli.inspector(cli.me).name == app.inspector(app.me).name


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--authority", " ", "--lead", "Lena"], "error: an inspection needs the authority's"),
        (["--authority", "A", "--lead", "Lena", "--me", "Tom"], "error: choose who you are"),
        (["--authority", "A", "--lead", "Lena", "--first-day", "24/06/2009"],
         "error: --first-day: not a date in the form YYYY-MM-DD"),
    ],
)
def test_fieldwork_new_refuses_bad_input_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, "new", tmp_path / "x.fieldwork", *argv)
    assert (status, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------- a copy
def test_a_saved_copy_holds_everything_under_its_own_identity(store: Store,
                                                               tmp_path: Path) -> None:
    store.add_note(author="Tom Team", source="other", text="Kept in the copy.")
    path = save_copy(store, tmp_path / "copy.fieldwork")
    with Store.open(path) as copy:
        assert [n.text for n in copy.notes()] == ["Kept in the copy."]
        assert copy.inspection_id == store.inspection_id
        assert copy.replica != store.replica


def test_a_copy_over_evidence_or_itself_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="different file name"):
        save_copy(store, store.path)
    other = tmp_path / "other.fieldwork"
    Store.create(other).close()
    before = sha(other)
    with pytest.raises(ProtectedFile):
        save_copy(store, other)
    assert sha(other) == before


def test_fieldwork_copy(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                        ) -> None:
    store.add_note(author="Tom Team", source="other", text="From the command line.")
    target = tmp_path / "copy.fieldwork"
    assert run(capsys, "copy", store.path, target) == (0, f"wrote {target}\n", "")
    with Store.open(target) as copy:
        assert copy.replica != store.replica and copy.count_notes() == 1
    status, _, err = run(capsys, "copy", store.path, target)
    assert status == 2 and err.startswith("error: ") and "inspection file" in err


# ------------------------------------------------------------ section names
def test_sections_are_named_by_label_then_heading_then_key(store: Store) -> None:
    titles = section_titles(store)
    assert list(titles) == ["satisfactory", "strength", "development", "priority_action"]
    assert titles == {
        "satisfactory": "Satisfactory practice",  # the template's label: no heading printed
        "strength": "Strengths",
        "development": "Areas for development",
        "priority_action": "Areas for priority action",
    }


def test_a_section_label_is_never_printed(tmp_path: Path) -> None:
    from fieldwork.letter import load_template

    template = load_template("ucra-2009")
    section = next(s for s in template.sections if s.key == "satisfactory")
    assert (section.label, section.heading, section.title) == (
        "Satisfactory practice", "", "Satisfactory practice")
    assert not [text for text in template.texts if "Satisfactory practice" in text]


def test_without_its_template_the_sections_are_named_by_key(store: Store) -> None:
    store.add_finding("priority_action", "Act now.")
    store.raw_sql("UPDATE inspection SET fields = json_set(fields, '$.template', 'gone')")
    assert section_titles(store) == {"priority_action": "Priority action"}


# ------------------------------------------------------ the letter's rules
def test_only_an_issued_letter_is_frozen() -> None:
    assert [is_frozen(s) for s in LetterState] == [False, False, True]
    check_not_frozen(LetterState.QA)
    with pytest.raises(LetterFrozen, match="cannot change without a re-issue"):
        check_not_frozen("issued")


def test_checks_are_listed_errors_first_each_kind_in_order() -> None:
    def result(level: str, code: str) -> CheckResult:
        return CheckResult(level, code, code, "letter")  # type: ignore[arg-type]

    results = [result("warning", "w1"), result("error", "e1"), result("warning", "w2"),
               result("error", "e2")]
    assert [r.code for r in errors_first(results)] == ["e1", "e2", "w1", "w2"]


def test_the_command_line_and_issuing_list_the_checks_errors_first(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    backed = store.add_finding("strength", "Good practice, from one source.").created or ""
    store.add_note(author="Tom Team", source="observation", text="Seen.", findings=[backed])
    results = issuing.check(store)
    levels = [r.level for r in results]
    assert "error" in levels and "warning" in levels
    assert levels == sorted(levels, key=lambda level: level != "error")
    store.close()
    status, out, _ = run(capsys, "check", store.path)
    assert status == 1
    printed = [line.split(":")[0] for line in out.splitlines()[:-1]]
    assert printed == levels
