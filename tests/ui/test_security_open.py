"""Opening an encrypted inspection in the app: the passphrase dialog, the keychain, and
every way in (Open…, Recent, the command line's file, the sample)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.security_helpers import (
    PASSPHRASE,
    MemoryKeyring,
    file_menu_key,
    type_passphrase,
    unlock_dialog,
)
from ui.security.keychain import SERVICE, Keychain, file_identity


@pytest.fixture
def memory_keychain() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def encrypted(sample_file: Path) -> Path:
    from fieldwork.encryption import encrypt_file

    encrypt_file(sample_file, PASSPHRASE)
    return sample_file


def test_an_encrypted_file_asks_for_its_passphrase_and_a_wrong_one_can_be_retyped(
    window: Any, encrypted: Path, qtbot: Any, idle: Any
) -> None:
    window.open_file(encrypted)
    dialog = unlock_dialog(window, qtbot)
    assert window.session is None
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
    assert not dialog.remember.isVisibleTo(dialog)  # no keychain on this machine
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # nothing typed: nothing tried
    assert dialog.passphrase.isEnabled() and not dialog.ok.isEnabled()
    assert not dialog.problem.isVisibleTo(dialog)
    type_passphrase(qtbot, dialog, "not the passphrase at all")
    qtbot.waitUntil(lambda: dialog.problem.isVisibleTo(dialog), timeout=10000)
    assert "does not open this inspection" in dialog.problem.text()
    assert dialog.isVisible() and window.session is None
    assert dialog.passphrase.hasFocus()
    assert dialog.passphrase.selectedText() == "not the passphrase at all"  # to retype
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()
    assert not dialog.isVisible() and dialog.passphrase.text() == ""  # not kept there
    session = window.session
    assert session.encrypted and session.passphrase == PASSPHRASE
    assert session.writable and session.writer.count_notes() == 149
    assert "passphrase" not in repr(session) and PASSPHRASE not in repr(session)
    assert window.security.status.text == "Encrypted"
    assert "encrypted" in window.security.status.toolTip()
    assert PASSPHRASE not in "".join(str(v) for v in
                                     [window.settings.q.value(k)
                                      for k in window.settings.q.allKeys()])


def test_escape_cancels_and_leaves_the_open_file_alone(
    opened: Any, encrypted_copy: Path, qtbot: Any, idle: Any
) -> None:
    before = opened.session
    opened.open_file(encrypted_copy)
    dialog = unlock_dialog(opened, qtbot)
    qtbot.keyClicks(dialog.passphrase, "half typed")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    idle()
    assert opened.session is before and not before.encrypted
    assert opened.security.status.text == "Not encrypted"


@pytest.fixture
def encrypted_copy(tmp_path: Path, sample_file: Path) -> Path:
    from fieldwork.encryption import encrypt_file

    target = tmp_path / "copy" / "encrypted.fieldwork"
    target.parent.mkdir()
    shutil.copy(sample_file, target)
    encrypt_file(target, PASSPHRASE)
    return target


def test_the_keychain_box_remembers_and_the_next_open_needs_no_typing(
    window: Any, encrypted: Path, qtbot: Any, idle: Any, memory_keychain: MemoryKeyring
) -> None:
    window.open_file(encrypted)
    dialog = unlock_dialog(window, qtbot)
    assert dialog.remember.isVisibleTo(dialog) and not dialog.remember.isChecked()
    dialog.remember.setFocus()
    qtbot.keyClick(dialog.remember, Qt.Key.Key_Space)
    assert dialog.remember.isChecked()
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()
    key_id = window.session.key_id
    assert key_id and memory_keychain.items == {(SERVICE, key_id): PASSPHRASE}
    window.close_session()
    idle()
    assert file_identity(encrypted) == key_id  # the salt, unchanged by opening
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        window.open_file(encrypted)  # from the keychain: no dialog
    idle()
    assert window.files.unlocker.dialog is None and window.session.encrypted

    # Unticking the box on a later open forgets it.
    window.close_session()
    idle()
    memory_keychain.items[(SERVICE, key_id)] = "a stale passphrase"
    window.open_file(encrypted)
    dialog = unlock_dialog(window, qtbot)
    assert "no longer opens" in dialog.problem.text()
    assert dialog.remember.isChecked()
    dialog.remember.setFocus()
    qtbot.keyClick(dialog.remember, Qt.Key.Key_Space)
    dialog.passphrase.setFocus()
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()
    assert memory_keychain.items == {}


def test_the_keychain_is_not_offered_without_a_usable_backend() -> None:
    keyring.set_keyring(fail.Keyring())
    assert not Keychain().usable()
    assert Keychain().get("inspection-x") is None
    assert not Keychain().set("inspection-x", PASSPHRASE)
    keyring.set_keyring(MemoryKeyring())
    assert Keychain().usable()
    from keyring.backends import null

    keyring.set_keyring(null.Keyring())
    assert not Keychain().usable()


def test_recent_command_line_and_sample_ask_too(
    window: Any, encrypted: Path, qtbot: Any, idle: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import Future

    from fieldwork import paths
    from ui.session import open_session

    # The command line: the app starts opening before the window exists.
    future: Future[Any] = Future()
    try:
        future.set_result(open_session(encrypted))
    except Exception as err:
        future.set_exception(err)
    window.files.finish_open(future)
    dialog = unlock_dialog(window, qtbot)
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()
    assert window.session.path == encrypted

    # Recent: the File menu's list.
    window.close_session()
    idle()
    assert window.settings.recent_files()[0] == encrypted.resolve()
    file_menu_key(qtbot, window, Qt.Key.Key_R)  # Open Recent
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is window.files.recent_menu)
    qtbot.keyClick(window.files.recent_menu, Qt.Key.Key_1)
    dialog = unlock_dialog(window, qtbot)
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()

    # The sample, once the user has encrypted it.
    window.close_session()
    idle()
    sample = paths.user_data_dir() / "bromley-2009.fieldwork"
    sample.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(encrypted, sample)
    window.files.open_sample()
    dialog = unlock_dialog(window, qtbot)
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()
    assert window.session.path == sample and window.session.encrypted
    del monkeypatch


def test_every_connection_of_the_session_uses_its_passphrase(
    window: Any, encrypted: Path, qtbot: Any, idle: Any, tmp_path: Path
) -> None:
    from ui.team import folder_work

    window.open_file(encrypted)
    dialog = unlock_dialog(window, qtbot)
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()
    session = window.session
    own = session.open_store()
    try:
        assert own.count_notes() == 149
    finally:
        own.close()
    folder = tmp_path / "team"
    folder.mkdir()
    report = folder_work.sync_once(session.path, folder, "team passphrase 2009",
                                   merge=False, key=session.passphrase)
    assert report is not None
    assert any(folder.rglob("*.fwpack"))


def test_a_crash_report_never_holds_the_passphrase(
    window: Any, encrypted: Path, qtbot: Any, idle: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldwork import crash
    from ui import app

    window.open_file(encrypted)
    dialog = unlock_dialog(window, qtbot)
    with qtbot.waitSignal(window.session_opened, timeout=10000):
        type_passphrase(qtbot, dialog, PASSPHRASE)
    idle()
    monkeypatch.setenv("FIELDWORK_NO_BUG_DIALOG", "1")
    try:
        raise RuntimeError(f"a bug that quotes {PASSPHRASE} unquoted")
    except RuntimeError as err:
        app._excepthook(type(err), err, err.__traceback__)
    reports = list(crash.reports_dir().glob("*.txt"))
    assert len(reports) == 1
    text = reports[0].read_text()
    assert "a bug that quotes" in text and PASSPHRASE not in text
    assert QApplication.instance() is not None


def test_the_gui_command_reads_the_passphrase_file(
    encrypted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldwork import cli
    from ui import app

    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    given: list[tuple[list[str], str | None]] = []
    monkeypatch.setattr(app, "main", lambda argv, *, passphrase=None:
                        given.append((list(argv), passphrase)) or 0)
    assert cli.main(["gui", str(encrypted), "--passphrase-file", str(secret)]) == 0
    monkeypatch.setenv("FIELDWORK_PASSPHRASE_FILE", str(secret))
    assert cli.main(["gui", str(encrypted)]) == 0
    assert given == [([str(encrypted)], PASSPHRASE)] * 2


def test_the_app_opens_an_encrypted_file_given_its_passphrase(
    encrypted: Path, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    code = ("import sys\nfrom ui.app import main\n"
            "sys.exit(main(sys.argv[1:], passphrase=sys.stdin.read()))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDWORK_NO_BUG_DIALOG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(encrypted), "--exit-when-shown",
         "--settings", str(tmp_path / "settings.ini")],
        input=PASSPHRASE, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("shown ")
    assert PASSPHRASE not in (tmp_path / "settings.ini").read_text()


def test_an_encrypted_file_open_elsewhere_opens_read_only_without_asking_twice(
    window: Any, encrypted: Path, qtbot: Any, idle: Any, questions: Any
) -> None:
    from tests.helpers import holder as holder_process

    proc = holder_process.start(encrypted, "Derek Osei")
    try:
        questions.answer = "Open Read-Only"
        window.open_file(encrypted)
        dialog = unlock_dialog(window, qtbot)
        with qtbot.waitSignal(window.session_opened, timeout=10000):
            type_passphrase(qtbot, dialog, PASSPHRASE)
        idle()
        assert len(questions.asked) == 1 and "Derek Osei" in questions.asked[0][0]
        session = window.session
        assert not session.writable and session.encrypted and session.holder is not None
        assert window.files.unlocker.dialog is None  # the passphrase was asked once
    finally:
        holder_process.stop(proc)
