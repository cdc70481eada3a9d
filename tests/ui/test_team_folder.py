"""Team ▸ Team Folder…: choosing the folder, syncing in the background, the status item."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from fieldwork.packs.sync import SyncReport, pack_folder
from fieldwork.store import Store
from tests.helpers.packs import NOTE_1, PASSPHRASE, join_team, make_lead
from tests.helpers.team_ui import open_in
from tests.helpers.teamfolder import pack_of, synced
from ui.operations import CoreOp
from ui.team import folder as folder_module
from ui.team import folder_dialog, folder_work, prompts
from ui.team.folder_work import News, Status


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passphrase prompt answers with the team passphrase; records each time it asks."""
    titles: list[str] = []

    def ask(parent: Any, title: str, text: str, **_: Any) -> str:
        titles.append(title)
        return PASSPHRASE

    monkeypatch.setattr(prompts, "ask_passphrase", ask)
    return titles


@pytest.fixture
def copies(tmp_path: Path) -> Iterator[tuple[Path, Store, Path]]:
    """The lead's file (closed), Derek's copy (open), and the team folder."""
    home = tmp_path / "laptop"
    home.mkdir()
    lead = make_lead(home)
    (derek,) = join_team(lead, home, 1)
    path = lead.path
    lead.close()
    team = tmp_path / "Team"
    team.mkdir()
    yield path, derek, team
    derek.close()


def choose(window: Any, qtbot: Any, team: Path) -> Any:
    """Team ▸ Team Folder…, and choose ``team``; waits for the first sync."""
    window.team.folder.action.trigger()
    dialog = window.team.folder.dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(window.team.folder.synced, timeout=20000):
        dialog.choose(team)
    return dialog


def status(window: Any) -> str:
    return str(window.team.folder.button.text())


def test_choosing_a_folder_syncs_and_is_remembered_for_this_inspection(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None], settings: Any, errors_shown: list[Any],
) -> None:
    lead_path, _, team = copies
    open_in(window, qtbot, lead_path, idle)
    folder = window.team.folder
    assert not folder.button.isVisible()
    assert folder.action in window.team.menu.actions()
    window.team.remember(PASSPHRASE)
    dialog = choose(window, qtbot, team)
    idle()
    with Store.open(lead_path) as lead:
        own = pack_of(lead, team)
        key = f"team-folder/{lead.inspection_id}"
    assert own.is_file()
    assert settings.q.value(key) == str(team)
    assert folder.button.isVisible() and status(window) == "Team folder: synced just now"
    qtbot.waitUntil(lambda: dialog.packs.topLevelItemCount() == 1, timeout=5000)
    item = dialog.packs.topLevelItem(0)
    assert [item.text(0), item.text(2)] == ["Alison Whitcombe", "yours"]
    assert asked == [] and errors_shown == []

    # Opened again in this run: the folder and the passphrase are remembered.
    window.files.close_file()
    idle()
    with qtbot.waitSignal(folder.synced, timeout=20000):
        open_in(window, qtbot, lead_path, idle)
    assert asked == []
    # In the next run of the app, the folder is remembered; the passphrase is asked, once.
    window.close()
    from ui.mainwindow import MainWindow

    again = MainWindow(settings)
    qtbot.add_widget(again)
    again.show()
    with qtbot.waitSignal(again.team.folder.synced, timeout=20000):
        with qtbot.waitSignal(again.overview_applied, timeout=10000):
            again.open_file(lead_path)
    qtbot.waitUntil(lambda: again.tasks.idle, timeout=10000)
    assert asked == ["Team Folder"]
    assert status(again) == "Team folder: synced just now"
    again.close()


def test_a_members_notes_arrive_and_the_status_says_from_whom(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None],
) -> None:
    lead_path, derek, team = copies
    open_in(window, qtbot, lead_path, idle)
    window.team.remember(PASSPHRASE)
    choose(window, qtbot, team)
    idle()
    rows = window.evidence.notes_model.rowCount()
    # Derek's pack lands in the folder: the watcher notices, and a sync merges it.
    derek.add_note(author=derek.me, source="interview", text="Derek: duty manager seen.")
    derek.add_note(author=derek.me, source="interview", text="Derek: team manager seen.")
    with qtbot.waitSignal(window.team.folder.synced, timeout=20000) as blocker:
        synced(derek, team)
    report: SyncReport = blocker.args[0]
    if not report.merged:  # the watcher saw the folder before the pack was in it
        with qtbot.waitSignal(window.team.folder.synced, timeout=20000):
            window.team.folder.sync_now()
    idle()
    assert status(window) == "Team folder: synced just now · 2 new notes from Derek"
    qtbot.waitUntil(lambda: window.evidence.notes_model.rowCount() == rows + 2, timeout=5000)
    # Clicking it shows what came in, and the news is then read.
    qtbot.mouseClick(window.team.folder.button, Qt.MouseButton.LeftButton)
    dialog = window.team.folder.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.packs.topLevelItemCount() == 2, timeout=5000)
    lines = {dialog.packs.topLevelItem(i).text(0): dialog.packs.topLevelItem(i).text(3)
             for i in range(2)}
    assert lines["Derek Osei"].startswith("2 added, 0 updated, 0 deleted, 0 in conflict")
    assert status(window) == "Team folder: synced just now"
    idle()


def test_a_syncs_merge_is_shown_once_and_a_sync_with_nothing_new_redraws_nothing(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The merge is the writer's own commit: the views hear it once, from the team folder,
    and the watcher of other programs' writes never shows it again."""
    lead_path, derek, team = copies
    open_in(window, qtbot, lead_path, idle)
    window.team.remember(PASSPHRASE)
    folder = window.team.folder
    choose(window, qtbot, team)
    idle()
    folder.every.stop()
    folder.watcher.blockSignals(True)  # one sync, when the test says
    session = window.session
    looks: list[bool] = []
    real = session.changed_elsewhere

    def changed_elsewhere() -> bool:
        looks.append(real())
        return looks[-1]

    monkeypatch.setattr(session, "changed_elsewhere", changed_elsewhere)
    heard: list[tuple[Any, Any]] = []
    window.changes_applied.connect(lambda changes, by: heard.append((changes, by)))
    shown: list[bool] = []
    window.watcher.shown.connect(lambda: shown.append(True))

    derek.add_note(author=derek.me, source="interview", text="Derek: duty manager seen.")
    synced(derek, team)
    with qtbot.waitSignal(folder.synced, timeout=20000):
        folder.sync_now()
    idle()
    assert [(c.everything, by) for c, by in heard] == [(True, folder)]
    for _ in range(2):  # the watcher's next looks find nothing written elsewhere
        n = len(looks)
        window.watcher.poll()
        qtbot.waitUntil(lambda n=n: len(looks) > n, timeout=5000)
    assert not any(looks) and shown == []
    heard.clear()
    with qtbot.waitSignal(folder.synced, timeout=20000) as blocker:
        folder.sync_now()
    idle()
    assert blocker.args[0].nothing_new and heard == []
    assert status(window) == "Team folder: synced just now · 1 new note from Derek"


def test_a_conflict_shows_and_clicking_opens_the_review(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None],
) -> None:
    lead_path, derek, team = copies
    open_in(window, qtbot, lead_path, idle)
    window.team.remember(PASSPHRASE)
    choose(window, qtbot, team)
    idle()
    with qtbot.waitSignal(window.changes_applied, timeout=10000):
        window.run(CoreOp(None, lambda store: store.edit_note(NOTE_1, text="The lead's words.")))
    derek.edit_note(NOTE_1, text="Derek's words.")
    window.team.folder.watcher.blockSignals(True)  # one sync, when the test says
    synced(derek, team)
    with qtbot.waitSignal(window.team.folder.synced, timeout=20000):
        window.team.folder.sync_now()
    idle()
    assert status(window) == "Team folder: synced just now · changes from Derek · 1 conflict"
    assert window.team.conflicts_button.isVisible()
    qtbot.mouseClick(window.team.folder.button, Qt.MouseButton.LeftButton)
    review = window.team.conflicts_dialog
    assert review is not None and review.isVisible()
    qtbot.waitUntil(lambda: len(review.conflicts()) == 1, timeout=10000)
    idle()


def test_problems_show_in_the_status_item_not_in_dialogs(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None], errors_shown: list[Any],
) -> None:
    lead_path, derek, team = copies
    synced(derek, team)  # the folder holds a pack the passphrase must open
    open_in(window, qtbot, lead_path, idle)
    folder = window.team.folder
    window.team.remember("not the team passphrase at all")
    with qtbot.waitSignal(folder.failed, timeout=20000):
        choose_no_wait(window, team)
    idle()
    assert status(window) == "⚠ Team folder: the passphrase is wrong — click to type it again"
    assert window.team.remembered_passphrase() == ""
    # Nothing was written with the wrong passphrase.
    with Store.open(lead_path) as lead:
        assert not pack_of(lead, team).exists()
    # The minute's syncs do not ask again; clicking does.
    folder.sync_now()
    assert asked == []
    with qtbot.waitSignal(folder.synced, timeout=20000):
        qtbot.mouseClick(folder.button, Qt.MouseButton.LeftButton)
    assert asked == ["Team Folder"]
    idle()
    assert status(window).startswith("Team folder: synced just now")

    # The folder goes (a drive unplugged): said in the item, then back to normal.
    away = team.with_name("Team-unplugged")
    team.rename(away)
    with qtbot.waitSignal(folder.failed, timeout=20000):
        folder.sync_now()
    assert status(window) == ("⚠ Team folder: the folder cannot be reached — is its drive or "
                              "share connected?")
    away.rename(team)
    with qtbot.waitSignal(folder.synced, timeout=20000):
        folder.sync_now()
    idle()
    assert not status(window).startswith("⚠")
    assert errors_shown == []


def test_a_short_passphrase_or_another_pack_under_this_name_stops_it_plainly(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None], errors_shown: list[Any], tmp_path: Path,
) -> None:
    lead_path, derek, team = copies
    open_in(window, qtbot, lead_path, idle)
    folder = window.team.folder
    # A passphrase typed for merging an older team's packs is too short to make a pack.
    window.team.remember("elevenchars")
    folder.every.stop()
    choose_no_wait(window, team)
    assert status(window) == "⚠ Team folder: click to type the team passphrase"
    assert "at least 12 characters" in folder.button.toolTip()
    assert not (team / derek.inspection_id).exists()  # nothing was run
    dialog = prompts.PassphraseDialog(None, "Team Folder", "", new_pack=True)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.passphrase.setText("elevenchars")
    assert not ok.isEnabled() and "at least 12" in dialog.problem.text()
    dialog.passphrase.setText(PASSPHRASE)
    assert ok.isEnabled()
    dialog.deleteLater()
    with qtbot.waitSignal(folder.synced, timeout=20000):
        qtbot.mouseClick(folder.button, Qt.MouseButton.LeftButton)  # asks, then syncs
    assert asked == ["Team Folder"]
    idle()
    # Derek's pack, put under the lead's pack's name: never written over, said plainly.
    with Store.open(lead_path) as lead:
        own = pack_of(lead, team)
    derek.add_note(author=derek.me, source="observation", text="Misfiled.")
    synced(derek, team)
    mine = own.read_bytes()
    own.write_bytes(pack_of(derek, team).read_bytes())
    with qtbot.waitSignal(window.changes_applied, timeout=10000):
        window.run(CoreOp(None, lambda store: store.add_note(
            author=store.me, source="observation", text="To be packed.")))
    with qtbot.waitSignal(folder.failed, timeout=20000):
        folder.sync_now()
    assert status(window) == "⚠ Team folder: not synced — click for details"
    assert "a pack this copy did not make (from Derek Osei" in folder.problem_detail
    assert own.read_bytes() == pack_of(derek, team).read_bytes() != mine
    assert errors_shown == []
    idle()


def choose_no_wait(window: Any, team: Path) -> None:
    window.team.folder.action.trigger()
    window.team.folder.dialog.choose(team)


def test_a_folder_holding_the_inspection_file_is_refused(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], idle: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lead_path, _, _ = copies
    open_in(window, qtbot, lead_path, idle)
    monkeypatch.setattr(folder_dialog, "choose_folder", lambda parent, start: lead_path.parent)
    window.team.folder.action.trigger()
    dialog = window.team.folder.dialog
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert "This inspection file is inside that folder" in dialog.problem.text()
    assert window.team.folder.folder is None and not window.team.folder.button.isVisible()
    dialog.accept()


def test_the_sync_reads_off_the_gui_thread_and_writes_on_the_worker(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None], monkeypatch: pytest.MonkeyPatch,
) -> None:
    lead_path, derek, team = copies
    synced(derek, team)
    threads: dict[str, str] = {}
    prepare, apply = folder_work.prepare_sync, folder_work.apply_sync

    def prepare_on(*args: Any, **kwargs: Any) -> Any:
        threads["prepare"] = threading.current_thread().name
        return prepare(*args, **kwargs)

    def apply_on(*args: Any) -> Any:
        threads["apply"] = threading.current_thread().name
        return apply(*args)

    monkeypatch.setattr(folder_work, "prepare_sync", prepare_on)
    monkeypatch.setattr(folder_work, "apply_sync", apply_on)
    open_in(window, qtbot, lead_path, idle)
    window.team.remember(PASSPHRASE)
    choose(window, qtbot, team)
    idle()
    assert threads["prepare"] == "fieldwork-team-folder"
    assert threads["apply"].startswith("fieldwork-worker")
    assert window.team.folder.every.isActive()
    assert window.team.folder.every.interval() == 60_000
    assert {Path(p) for p in window.team.folder.watcher.directories()} == {
        team, pack_folder(team, derek.inspection_id)}


def test_closing_writes_the_last_pack_and_never_waits_long(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None], monkeypatch: pytest.MonkeyPatch,
) -> None:
    lead_path, derek, team = copies
    open_in(window, qtbot, lead_path, idle)
    window.team.remember(PASSPHRASE)
    choose(window, qtbot, team)
    idle()
    window.team.folder.every.stop()
    window.team.folder.watcher.blockSignals(True)
    with qtbot.waitSignal(window.changes_applied, timeout=10000):
        window.run(CoreOp(None, lambda store: store.add_note(
            author=store.me, source="observation", text="Typed just before closing.")))
    window.files.close_file()  # the last pack is written before the file is let go
    idle()
    report = synced(derek, team)
    assert [s.new_notes for s in report.merged] == [1]

    # A folder that hangs (a network share gone quiet) does not hold closing up for long.
    open_in(window, qtbot, lead_path, idle)
    with qtbot.waitSignal(window.changes_applied, timeout=10000):
        window.run(CoreOp(None, lambda store: store.add_note(
            author=store.me, source="observation", text="Another.")))
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def hangs(*_a: Any, **_k: Any) -> None:
        started.set()
        release.wait(60)
        finished.set()

    monkeypatch.setattr(folder_work, "sync_once", hangs)
    monkeypatch.setattr(folder_module, "CLOSE_WAIT_S", 0.2)
    window.close()
    # The window closed while the last sync was still stuck: it did not wait for it.
    assert started.is_set() and not finished.is_set()
    release.set()


def test_a_read_only_file_is_not_synced_and_says_why(
    window: Any, qtbot: Any, copies: tuple[Path, Store, Path], asked: list[str],
    idle: Callable[[], None], settings: Any,
) -> None:
    lead_path, derek, team = copies
    settings.set_value(f"team-folder/{derek.inspection_id}", str(team))
    lead_path.chmod(0o444)
    try:
        open_in(window, qtbot, lead_path, idle)
        qtbot.waitUntil(lambda: "read-only" in status(window), timeout=5000)
        assert status(window) == "⚠ Team folder: paused: this file is read-only"
        assert asked == []
        assert not (team / derek.inspection_id).exists()
    finally:
        lead_path.chmod(0o600)


# ----------------------------------------------------------------- the wording
def test_the_status_says_when_and_what_came_in() -> None:
    now = dt.datetime(2009, 6, 25, 14, 30)
    status = Status(synced_at=now - dt.timedelta(seconds=70), conflicts=1)
    report = SyncReport(folder=Path("."), at="")
    from fieldwork.packs.merge import MergeSummary

    report.merged = [MergeSummary("d.fwpack", "Derek Osei", "", added=2, new_notes=2)]
    status.news.add(report)
    assert status.text(now) == "Team folder: synced 1 min ago · 2 new notes from Derek · 1 conflict"
    report.merged = [MergeSummary("f.fwpack", "Fiona Marchetti", "", added=1, new_notes=1),
                     MergeSummary("p.fwpack", "Paul Hendry", "", updated=3)]
    status.news.add(report)
    assert status.news.parts() == ["3 new notes from Derek and Fiona", "changes from Paul"]
    assert folder_work.ago(now - dt.timedelta(minutes=90), now) == "at 13:00"
    assert folder_work.ago(now - dt.timedelta(days=1), now) == "on 24 Jun at 14:30"
    assert Status().text(now) == "Team folder: not synced yet"
    assert not News()
