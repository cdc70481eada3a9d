"""The lock when idle: a plain file asks to continue, an encrypted one is closed and needs
its passphrase again; typing in progress is saved first; nothing reaches the window while
it is locked; the idle time is a setting with its own dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldwork.store import Store
from tests.ui.security_helpers import PASSPHRASE, file_menu_key, open_encrypted, when_shown

IDLE = 0.4


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    from ui.settings import Settings

    s = Settings.in_file(tmp_path / "settings" / "fieldwork.ini")
    s.set_idle_lock_seconds(IDLE)
    return s


def lock_dialog(window: Any, qtbot: Any, timeout: int = 5000) -> Any:
    screen = window.security.lock_screen
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(),
                    timeout=timeout)
    return screen.dialog


def start_typing(window: Any, qtbot: Any, text: str) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.evidence.notes_view, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.evidence.editor.text, text)


def test_default_idle_time_is_ten_minutes(tmp_path: Path) -> None:
    from ui.settings import Settings

    s = Settings.in_file(tmp_path / "other.ini")
    assert s.idle_lock_seconds() == 600
    s.set_value("security/idle_lock_seconds", "garbage")
    assert s.idle_lock_seconds() == 600


def test_a_plain_file_locks_when_idle_saves_the_typing_and_asks_to_continue(
    opened: Any, qtbot: Any, idle: Any
) -> None:
    path = opened.session.path
    start_typing(opened, qtbot, "Typed just before walking away")
    dialog = lock_dialog(opened, qtbot)
    screen = opened.security.lock_screen
    assert screen.locked and opened.session is not None  # a plain file stays open
    assert dialog.windowTitle() == "Fieldwork Is Locked"
    assert not dialog.passphrase.isVisibleTo(dialog)
    assert screen.covers and screen.covers[0].isVisible()
    assert screen.covers[0].geometry() == opened.rect()
    idle()
    with Store.open(path) as other:
        assert any(n.text == "Typed just before walking away" for n in other.notes())
    # Keys do not reach the window behind the lock.
    count = opened.undo_stack.count()
    qtbot.keyClick(opened.evidence.notes_view, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier)
    assert opened.undo_stack.count() == count and screen.locked
    # Nor do the window's shortcuts typed in the lock dialog itself (the window's keyboard
    # hands its shortcuts on only from its own widgets), nor the Edit menu's.
    index = opened.undo_stack.index()
    for key in (Qt.Key.Key_N, Qt.Key.Key_Z):
        qtbot.keyClick(dialog.ok, key, Qt.KeyboardModifier.ControlModifier)
    assert opened.undo_stack.count() == count and opened.undo_stack.index() == index
    assert screen.locked and dialog.isVisible()
    with Store.open(path) as other:
        assert any(n.text == "Typed just before walking away" for n in other.notes())
    # Esc does not unlock it; Enter continues.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and screen.locked
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.locked)
    assert not dialog.isVisible() and not screen.covers
    assert opened.session is not None and opened.session.path == path
    # And the clock starts again.
    lock_dialog(opened, qtbot)


def test_input_keeps_the_window_unlocked(opened: Any, qtbot: Any) -> None:
    screen = opened.security.lock_screen
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    for _ in range(8):
        qtbot.keyClick(opened.evidence.notes_view, Qt.Key.Key_Down)
        qtbot.wait(int(IDLE * 1000 / 3))
        assert not screen.locked
    lock_dialog(opened, qtbot)


def test_close_file_from_the_lock_screen(opened: Any, qtbot: Any, idle: Any) -> None:
    dialog = lock_dialog(opened, qtbot)
    dialog.cancel.setFocus()
    qtbot.keyClick(dialog.cancel, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: opened.session is None)
    idle()
    assert not opened.security.lock_screen.locked
    assert not opened.security.lock_screen.covers


@pytest.fixture
def encrypted_open(window: Any, sample_file: Path, qtbot: Any, idle: Any) -> Any:
    from fieldwork.encryption import encrypt_file

    encrypt_file(sample_file, PASSPHRASE)
    window.settings.set_idle_lock_seconds(0)  # no lock while typing the passphrase
    open_encrypted(window, sample_file, qtbot, idle)
    window.settings.set_idle_lock_seconds(IDLE)
    window.security.lock_screen.settings_changed()
    return window


def test_an_encrypted_file_is_closed_when_locked_and_needs_its_passphrase(
    encrypted_open: Any, qtbot: Any, idle: Any
) -> None:
    from fieldwork import files
    from fieldwork.lock import lock_path

    window = encrypted_open
    path = window.session.path
    window.show_page(window.letter.workspace if hasattr(window.letter, "workspace")
                     else window.evidence)
    page = window.pages.currentIndex()
    start_typing(window, qtbot, "Saved before the lock closed the file")
    note_id = window.evidence.editor.note_id
    dialog = lock_dialog(window, qtbot)
    idle()
    assert window.session is None  # every connection closed, the lock file released
    assert not files.is_open_here(path) and not lock_path(path).exists()
    with Store.open(path, passphrase=PASSPHRASE) as other:
        assert any(n.text == "Saved before the lock closed the file" for n in other.notes())
    # The team folder's minute timer has nothing to sync while locked.
    assert window.team is not None
    qtbot.wait(300)
    assert window.tasks.idle and window.session is None
    # A wrong passphrase: said in the dialog, typed again.
    assert dialog.passphrase.hasFocus()
    qtbot.keyClicks(dialog.passphrase, "wrong passphrase here")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.problem.isVisibleTo(dialog), timeout=10000)
    assert "does not open" in dialog.problem.text()
    assert window.session is None and window.security.lock_screen.locked
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    idle()
    assert not window.security.lock_screen.locked
    assert window.session.path == path and window.session.encrypted
    assert window.pages.currentIndex() == page
    assert window.evidence.editor.note_id == note_id  # the note being written, again
    assert window.evidence.editor.text.toPlainText() == "Saved before the lock closed the file"


def test_lock_now_from_the_keyboard(opened: Any, qtbot: Any) -> None:
    opened.settings.set_idle_lock_seconds(0)
    opened.security.lock_screen.settings_changed()
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    qtbot.keyClick(opened.evidence.notes_view, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = lock_dialog(opened, qtbot)
    assert dialog.intro.text().startswith("Fieldwork was locked. sample.fieldwork is not "
                                          "encrypted")
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not opened.security.lock_screen.locked)


def test_the_idle_time_is_changed_in_its_dialog(opened: Any, qtbot: Any) -> None:
    opened.settings.set_idle_lock_seconds(600)
    opened.security.lock_screen.settings_changed()
    seen: list[str] = []

    def change(dialog: Any) -> None:
        seen.append(dialog.windowTitle())
        assert dialog.minutes.value() == 10 and dialog.enabled.isChecked()
        dialog.minutes.setFocus()
        dialog.minutes.selectAll()
        qtbot.keyClicks(dialog.minutes, "25")
        qtbot.keyClick(dialog.minutes, Qt.Key.Key_Return)

    timer = when_shown("idleLockDialog", change)
    file_menu_key(qtbot, opened, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: bool(seen))
    assert opened.settings.idle_lock_seconds() == 25 * 60

    def never(dialog: Any) -> None:
        seen.append("off")
        dialog.enabled.setFocus()
        qtbot.keyClick(dialog.enabled, Qt.Key.Key_Space)
        assert not dialog.minutes.isEnabled()
        qtbot.keyClick(dialog.enabled, Qt.Key.Key_Return)

    timer = when_shown("idleLockDialog", never)
    file_menu_key(qtbot, opened, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: "off" in seen)
    assert opened.settings.idle_lock_seconds() == 0
    assert not opened.security.lock_screen.idle.timer.isActive()
    del timer
    assert QApplication.activeModalWidget() is None


def test_while_locked_the_team_folder_never_touches_the_closed_file(
    encrypted_open: Any, qtbot: Any, idle: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.team import folder_work

    window = encrypted_open
    window.settings.set_idle_lock_seconds(0)
    window.security.lock_screen.settings_changed()
    team = tmp_path / "team"
    team.mkdir()
    folder = window.team.folder
    window.team.remember("the team passphrase 2009")
    folder.action.trigger()
    assert folder.dialog is not None
    with qtbot.waitSignal(folder.synced, timeout=20000):
        folder.dialog.choose(team)
    idle()
    assert folder.every.isActive()
    calls: list[Path] = []
    real = folder_work.prepare_sync

    def recorded(path: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(folder_work, "prepare_sync", recorded)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.evidence.notes_view, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = lock_dialog(window, qtbot)
    idle()
    assert window.session is None
    assert not folder.every.isActive() and not folder.settle.isActive()
    folder.every.timeout.emit()  # the minute comes round anyway
    (team / "poke").write_text("a change in the folder")
    qtbot.wait(400)
    idle()
    assert calls == []
    with qtbot.waitSignal(folder.synced, timeout=20000):
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert calls and calls[-1] == window.session.path  # syncing again once unlocked


def test_every_window_of_the_app_is_covered(opened: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QLabel

    other = QLabel("evidence in another window")
    qtbot.add_widget(other)
    other.show()
    qtbot.waitExposed(other)
    dialog = lock_dialog(opened, qtbot)
    covers = opened.security.lock_screen.covers
    assert {c.parentWidget() for c in covers} == {opened, other}
    assert all(c.isVisible() and c.geometry() == c.parentWidget().rect() for c in covers)
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not opened.security.lock_screen.covers)
    assert not any(c.isVisible() for c in other.findChildren(type(covers[0])))
    assert other.isVisible()


def test_a_dialog_left_open_is_covered_and_still_there_after_unlocking(
    opened: Any, qtbot: Any
) -> None:
    screen = opened.security.lock_screen
    seen: dict[str, Any] = {}

    def left_open(dialog: Any) -> None:
        qtbot.keyClicks(dialog.minutes, "5")  # typing, then walking away
        lock = lock_dialog(opened, qtbot)
        seen["covered"] = any(c.parentWidget() is dialog for c in screen.covers)
        seen["modal"] = QApplication.activeModalWidget() is lock
        qtbot.keyClick(dialog.minutes, Qt.Key.Key_Escape)  # blocked: the lock is on
        seen["still"] = dialog.isVisible() and screen.locked
        qtbot.keyClick(lock.ok, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not screen.locked)
        seen["after"] = dialog.isVisible()
        qtbot.keyClick(dialog.minutes, Qt.Key.Key_Escape)

    timer = when_shown("idleLockDialog", left_open)
    file_menu_key(qtbot, opened, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: "after" in seen, timeout=10000)
    del timer
    assert seen == {"covered": True, "modal": True, "still": True, "after": True}
    assert opened.settings.idle_lock_seconds() == IDLE  # cancelled: unchanged


def test_a_file_taken_by_another_app_while_locked_is_offered_read_only(
    encrypted_open: Any, qtbot: Any, idle: Any, questions: Any
) -> None:
    from tests.helpers import holder as holder_process

    window = encrypted_open
    path = window.session.path
    dialog = lock_dialog(window, qtbot)
    idle()
    proc = holder_process.start(path, "Derek Osei")  # the lock file was free
    try:
        questions.answer = "Open Read-Only"
        with qtbot.waitSignal(window.session_opened, timeout=10000):
            qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
            qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
        idle()
        assert len(questions.asked) == 1 and "Derek Osei" in questions.asked[0][0]
        assert not window.security.lock_screen.locked
        session = window.session
        assert session.path == path and session.encrypted and not session.writable
        assert window.files.unlocker.dialog is None  # not asked for the passphrase again
    finally:
        holder_process.stop(proc)
