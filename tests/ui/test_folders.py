"""File dialogs start in the inspection's folder or in Documents, never in the data folder;
File ▸ Show in Folder opens the inspection's folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl

import ui.files
import ui.folders
import ui.letter.output
import ui.team.prompts
from ui.folders import documents_folder, in_data_folder, start_folder

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class Dialogs:
    """File dialogs replaced: each records the folder it would start in, and is cancelled."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[tuple[str, str]] = []
        for module in (ui.files, ui.letter.output, ui.team.prompts):
            fake = type("FakeFileDialog", (), {
                "getOpenFileName": staticmethod(self._record("open")),
                "getOpenFileNames": staticmethod(self._record("open many", [])),
                "getSaveFileName": staticmethod(self._record("save")),
                "Option": ui.files.QFileDialog.Option,
            })
            monkeypatch.setattr(module, "QFileDialog", fake)

    def _record(self, kind: str, empty: Any = "") -> Any:
        def dialog(_parent: Any, title: str, start: str, *_a: Any, **_k: Any) -> tuple[Any, str]:
            self.started.append((title, start))
            return empty, ""
        return dialog

    def folders(self) -> list[Path]:
        return [Path(start) if Path(start).is_dir() else Path(start).parent
                for _title, start in self.started]


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    return Dialogs(monkeypatch)


def open_in(window: Any, qtbot: Any, idle: Any, path: Path) -> Any:
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.open_file(path)
    idle()
    return window


def press_file_dialogs(window: Any, qtbot: Any) -> None:
    """Open…, Save a Copy…, Export PDF… and Merge Packs…, each from its shortcut."""
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL | SHIFT)
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL | SHIFT)


def test_dialogs_start_in_the_inspection_folder(window: Any, qtbot: Any, idle: Any,
                                                sample_file: Path, tmp_path: Path,
                                                dialogs: Dialogs) -> None:
    folder = tmp_path / "Inspections 2009"
    folder.mkdir()
    path = folder / "bromley.fieldwork"
    shutil.copy(sample_file, path)
    open_in(window, qtbot, idle, path)
    press_file_dialogs(window, qtbot)
    titles = [t for t, _s in dialogs.started]
    assert titles == ["Open Inspection", "Save a Copy", "Export the Letter as PDF",
                      "Merge Packs"]
    assert dialogs.folders() == [folder] * 4
    assert dialogs.started[1][1] == str(folder / "bromley copy.fieldwork")


def test_dialogs_never_start_in_the_data_folder(window: Any, qtbot: Any, idle: Any,
                                                sample_file: Path, dialogs: Dialogs) -> None:
    data = Path(os.environ["FIELDWORK_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    path = data / "sample" / "bromley-2009.fieldwork"
    path.parent.mkdir()
    shutil.copy(sample_file, path)
    open_in(window, qtbot, idle, path)
    assert window.settings.folder() == str(path.parent)  # remembered, but passed over
    press_file_dialogs(window, qtbot)
    assert len(dialogs.started) == 4
    assert dialogs.folders() == [documents_folder()] * 4
    assert not any(in_data_folder(f) for f in dialogs.folders())


def test_with_no_file_open_the_last_folder_chosen_is_used(window: Any, qtbot: Any,
                                                          tmp_path: Path,
                                                          dialogs: Dialogs) -> None:
    window.settings.set_folder(tmp_path)
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    assert dialogs.folders() == [tmp_path]
    window.settings.set_folder(tmp_path / "gone")
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    assert dialogs.folders()[-1] == documents_folder()


def test_start_folder_rule(tmp_path: Path) -> None:
    data = Path(os.environ["FIELDWORK_DATA_DIR"])
    (data / "x").mkdir(parents=True)
    assert start_folder(tmp_path / "a.fieldwork") == tmp_path
    assert start_folder(data / "x" / "a.fieldwork", str(tmp_path)) == tmp_path
    assert start_folder(data / "a.fieldwork", str(data / "x")) == documents_folder()
    assert start_folder(None) == documents_folder()


def test_show_in_folder_opens_the_inspection_folder(opened: Any, qtbot: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    urls: list[QUrl] = []
    monkeypatch.setattr(ui.folders, "open_url", lambda url: urls.append(url) or True)
    menu = opened.menu("file")
    action = opened.files.show_in_folder.action
    assert action in menu.actions() and action.isEnabled()
    menu.popup(opened.mapToGlobal(opened.rect().topLeft()))
    qtbot.waitExposed(menu)
    qtbot.keyClick(menu, Qt.Key.Key_F)  # Show in &Folder
    qtbot.waitUntil(lambda: bool(urls), timeout=3000)
    assert urls == [QUrl.fromLocalFile(str(opened.session.path.resolve().parent))]
    assert "Showing" in opened.statusBar().currentMessage()


def test_show_in_folder_is_off_with_no_file(window: Any) -> None:
    assert not window.files.show_in_folder.action.isEnabled()
