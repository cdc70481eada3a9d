"""The application shell: opening, creating, copying, closing, errors, settings."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

from fieldwork.model import Role
from fieldwork.store import Store
from ui.session import NewInspection


def test_no_file_opens_the_sample_made_in_the_data_folder(window: Any, qtbot: Any,
                                                          idle: Any) -> None:
    from fieldwork import paths

    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.files.open_sample()
    idle()
    assert window.session.path.parent == paths.user_data_dir()
    assert window.evidence.notes_model.rowCount() == 149
    assert "London Borough of Bromley" in window.windowTitle()
    assert "Alison Whitcombe (lead)" in window.windowTitle()
    assert window.saved_label.text() == "Saved"


def test_create_an_inspection(window: Any, qtbot: Any, idle: Any, tmp_path: Path) -> None:
    spec = NewInspection(
        path=tmp_path / "new.fieldwork", template="ucra-2009", authority="Test Borough",
        title="", first_day=dt.date(2026, 3, 2), last_day=dt.date(2026, 3, 3),
        team=[("Lena Lead", Role.LEAD), ("Tom Team", Role.TEAM)], me="Tom Team",
    )
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.files.new_inspection(spec)
    idle()
    assert "Test Borough" in window.windowTitle()
    assert "Tom Team (team)" in window.windowTitle()
    assert window.evidence.notes_model.rowCount() == 0
    sections = [window.evidence.findings_model.item(r, 0).text()
                for r in range(window.evidence.findings_model.rowCount())]
    assert any(s.startswith("Areas for development") for s in sections)
    window.files.close_file()
    idle()
    with Store.open(spec.path) as store:
        assert [i.name for i in store.inspectors()] == ["Lena Lead", "Tom Team"]
        assert store.inspector(store.me).name == "Tom Team"
        assert store.inspection().fieldwork_dates == ["2026-03-02", "2026-03-03"]


def test_new_inspection_dialog_collects_the_set_up(qtbot: Any, tmp_path: Path) -> None:
    from ui.dialogs.new_inspection import NewInspectionDialog

    dialog = NewInspectionDialog(folder=tmp_path)
    qtbot.add_widget(dialog)
    assert dialog.template.count() >= 1
    assert dialog.problem_text() == "Enter the authority's name."
    qtbot.keyClicks(dialog.authority, "Test Borough")
    dialog.team.setPlainText("Lena Lead\nTom Team")
    dialog.me.setCurrentText("Tom Team")
    assert dialog.problem_text() == ""
    spec = dialog.spec()
    assert spec.path == tmp_path / f"test-borough-{dt.date.today().isoformat()}.fieldwork"
    assert spec.team == [("Lena Lead", Role.LEAD), ("Tom Team", Role.TEAM)]
    assert spec.me == "Tom Team"


def test_open_records_the_file_in_recent_files(opened: Any, settings: Any) -> None:
    assert settings.recent_files()[0] == opened.session.path.resolve()


def test_a_newer_file_is_refused_with_a_clear_dialog(
    window: Any, idle: Any, tmp_path: Path, errors_shown: list[tuple[str, str]],
    sample_file: Path,
) -> None:
    conn = sqlite3.connect(sample_file)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = sample_file.read_bytes()
    window.open_file(sample_file)
    idle()
    assert window.session is None
    assert errors_shown and errors_shown[0][0] == "Made by a newer Fieldwork"
    assert sample_file.read_bytes() == before


def test_not_an_inspection_is_refused(window: Any, idle: Any, tmp_path: Path,
                                      errors_shown: list[tuple[str, str]]) -> None:
    bogus = tmp_path / "notes.fieldwork"
    bogus.write_text("hello")
    window.open_file(bogus)
    idle()
    assert errors_shown[0][0] == "Not an inspection file"


def test_save_a_copy_gets_its_own_replica(opened: Any, idle: Any, tmp_path: Path) -> None:
    target = tmp_path / "copy.fieldwork"
    saved: list[Path] = []
    opened.files.save_a_copy(target, on_saved=saved.append)
    idle()
    assert saved == [target]
    original = opened.session.reader.replica
    with Store.open(target) as copy:
        assert copy.count_notes() == 149
        assert copy.replica != original


def test_geometry_is_remembered(window: Any, settings: Any, qtbot: Any) -> None:
    from ui.mainwindow import MainWindow

    window.resize(780, 560)
    qtbot.wait(50)
    expected = window.size()
    assert expected != window.sizeHint()
    window.evidence.tabs.setCurrentIndex(1)
    window.close()
    assert settings.bytes_value("window/geometry") is not None
    again = MainWindow(settings)
    qtbot.add_widget(again)
    assert again.size() == expected
    assert again.evidence.tabs.currentIndex() == 1
    again.close()


def test_menus_show_shortcuts_and_main_widgets_have_names(window: Any) -> None:
    assert window.evidence.new_note_action.shortcut().toString() == "Ctrl+N"
    assert window.evidence.tag_action.shortcut().toString() == "Ctrl+L"
    assert window.evidence.find_action.shortcut().toString() == "Ctrl+F"
    ev = window.evidence
    for widget in (ev.notes_view, ev.search, ev.board.view, ev.coverage.table,
                   ev.filter_view, ev.editor.text, ev.editor.source):
        assert widget.accessibleName()


def test_about_names_the_version() -> None:
    from fieldwork import __version__
    from ui.dialogs.about import about_text

    assert __version__ in about_text()


def test_gui_command_is_registered() -> None:
    from fieldwork.cli import build_parser

    args = build_parser().parse_args(["gui", "x.fieldwork"])
    assert args.file == "x.fieldwork"
    assert args.handler.__module__ == "ui.cli"


def test_a_read_only_file_opens_for_reading(window: Any, idle: Any, qtbot: Any,
                                            sample_file: Path) -> None:
    sample_file.chmod(0o444)
    try:
        with qtbot.waitSignal(window.overview_applied, timeout=10000):
            window.open_file(sample_file)
        idle()
        assert window.saved_label.text() == "Read-only"
        assert not window.evidence.new_note_action.isEnabled()
        assert window.evidence.notes_model.rowCount() == 149
        window.evidence.notes_view.selectRow(0)
        assert window.evidence.editor.text.isReadOnly()
    finally:
        window.files.close_file()
        idle()
        sample_file.chmod(0o644)


def test_app_window_builds_letter_and_team_pages_after_showing(
    qtbot: Any, settings: Any, sample_file: Path
) -> None:
    """The app shows its window first; the Letter page and Team menu arrive a moment later,
    and catch up with a file that opened in between."""
    from ui.mainwindow import MainWindow

    w = MainWindow(settings, defer_pages=True)
    qtbot.add_widget(w)
    assert w.letter is None and w.team is None
    w.show()
    with qtbot.waitSignal(w.overview_applied, timeout=10000):
        w.open_file(sample_file)
    qtbot.waitUntil(lambda: w.letter is not None, timeout=5000)
    assert w.team is not None
    assert w.team.merge_action.isEnabled()
    w.letter.show_letter()
    qtbot.waitUntil(lambda: w.letter.workspace.snapshot is not None
                    and not w.letter.workspace.snapshot.light, timeout=10000)
    qtbot.waitUntil(lambda: w.tasks.idle and w.letter.workspace.idle, timeout=10000)
    w.close()
