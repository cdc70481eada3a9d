"""File > Encrypt This Inspection… and New Inspection's "Encrypt this file"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from fieldwork.store import Store
from tests.ui.security_helpers import PASSPHRASE, file_menu_key, when_shown


def test_encrypt_this_inspection_asks_twice_and_reopens_it_encrypted(
    opened: Any, qtbot: Any, idle: Any
) -> None:
    from fieldwork.encryption import is_encrypted
    from fieldwork.lock import lock_path

    path = opened.session.path
    assert opened.security.status.text == "Not encrypted"
    assert opened.security.encrypt_action.isEnabled()
    seen: dict[str, Any] = {}

    def answer(dialog: Any) -> None:
        seen["warning"] = dialog.findChild(type(dialog.problem), "forgottenWarning").text()
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        qtbot.keyClicks(dialog.passphrase, "too short")
        seen["short"] = (dialog.problem.text(), ok.isEnabled())
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # refused: still open
        seen["still"] = dialog.isVisible()
        dialog.passphrase.selectAll()
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.again, PASSPHRASE + "x")
        seen["differ"] = (dialog.problem.text(), ok.isEnabled())
        qtbot.keyClick(dialog.again, Qt.Key.Key_Backspace)
        seen["ok"] = ok.isEnabled()
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)

    timer = when_shown("newPassphraseDialog", answer)
    file_menu_key(qtbot, opened, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: "ok" in seen, timeout=5000)
    assert "cannot be opened again by anyone" in seen["warning"]
    assert "at least 12 characters" in seen["short"][0] and not seen["short"][1]
    assert seen["still"]
    assert seen["differ"] == ("The two passphrases are not the same.", False)
    assert seen["ok"]
    qtbot.waitUntil(lambda: opened.session is not None and opened.session.encrypted,
                    timeout=20000)
    idle()
    del timer
    assert is_encrypted(path) is True
    assert opened.session.writable and opened.session.lock is not None
    assert lock_path(path).exists()
    assert opened.security.status.text == "Encrypted"
    assert not opened.security.encrypt_action.isEnabled()
    assert opened.session.writer.count_notes() == 149
    assert b"Bromley" not in path.read_bytes()


def test_new_inspection_can_be_encrypted_from_the_start(
    window: Any, qtbot: Any, idle: Any, tmp_path: Path
) -> None:
    from fieldwork.encryption import is_encrypted

    target = tmp_path / "new.fieldwork"
    seen: list[str] = []

    def fill(dialog: Any) -> None:
        qtbot.keyClicks(dialog.authority, "Test Borough")
        qtbot.keyClicks(dialog.team, "Alison Whitcombe")
        dialog.path.clear()
        qtbot.keyClicks(dialog.path, str(target))
        box = dialog.encryption.box
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
        assert dialog.encryption.passphrase.isVisibleTo(dialog)
        qtbot.keyClicks(dialog.encryption.passphrase, "short")
        seen.append(dialog.problem_text())
        dialog.encryption.passphrase.clear()
        qtbot.keyClicks(dialog.encryption.passphrase, PASSPHRASE)
        qtbot.keyClicks(dialog.encryption.again, PASSPHRASE)
        seen.append(dialog.problem_text())
        qtbot.keyClick(dialog.encryption.again, Qt.Key.Key_Return)

    timer = when_shown("newInspectionDialog", fill)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_I,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.session is not None, timeout=20000)
    idle()
    del timer
    assert seen == ["The passphrase needs at least 12 characters.", ""]
    assert window.session.path == target and window.session.encrypted
    assert is_encrypted(target)
    with Store.open(target, passphrase=PASSPHRASE) as store:
        assert store.inspection().authority == "Test Borough"
    assert window.security.status.text == "Encrypted"


def test_encrypting_a_file_another_program_has_open_is_refused_and_it_opens_again_plain(
    opened: Any, qtbot: Any, idle: Any, errors_shown: list[tuple[str, str]]
) -> None:
    import subprocess
    import sys

    from fieldwork.encryption import is_encrypted

    path = opened.session.path
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(path)!r})\n"
         "c.execute('select count(*) from sqlite_master').fetchall()\n"
         "print('open', flush=True)\n"
         "time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"

        def answer(dialog: Any) -> None:
            qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
            qtbot.keyClicks(dialog.again, PASSPHRASE)
            qtbot.keyClick(dialog.again, Qt.Key.Key_Return)

        timer = when_shown("newPassphraseDialog", answer)
        file_menu_key(qtbot, opened, Qt.Key.Key_E)
        qtbot.waitUntil(lambda: bool(errors_shown), timeout=20000)
        qtbot.waitUntil(lambda: opened.session is not None, timeout=20000)
        idle()
        del timer
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    assert "another program has the file open" in " ".join(errors_shown[-1])
    assert not is_encrypted(path)
    assert not opened.session.encrypted and opened.session.writable
    assert opened.session.writer.count_notes() == 149
    assert opened.security.status.text == "Not encrypted"


def test_joining_from_a_pack_can_make_an_encrypted_copy(
    window: Any, qtbot: Any, idle: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldwork.encryption import is_encrypted
    from tests.helpers.packs import PASSPHRASE as TEAM_PASSPHRASE
    from tests.helpers.packs import make_lead, pack
    from ui.team import prompts

    lead = make_lead(tmp_path)
    first = pack(lead, tmp_path / "first.fwpack")
    lead.close()
    target = tmp_path / "derek.fieldwork"
    monkeypatch.setattr(prompts, "choose_pack", lambda parent, folder: first)
    monkeypatch.setattr(prompts, "ask_passphrase", lambda *a, **kw: TEAM_PASSPHRASE)
    monkeypatch.setattr(prompts, "choose_member", lambda parent, team, sender: team[1].id)
    monkeypatch.setattr(prompts, "save_inspection", lambda parent, suggested: target)
    seen: list[str] = []

    def new_passphrase(dialog: Any) -> None:
        seen.append("passphrase")
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.keyClicks(dialog.again, PASSPHRASE)
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)

    def question(box: Any) -> None:
        seen.append(box.text())
        timers.append(when_shown("newPassphraseDialog", new_passphrase))
        encrypt = next(b for b in box.buttons() if b.text() == "&Encrypt…")
        encrypt.setFocus()
        qtbot.keyClick(encrypt, Qt.Key.Key_Space)

    timers = [when_shown("encryptCopyQuestion", question)]
    with qtbot.waitSignal(window.team.joined, timeout=20000):
        window.team.join_action.trigger()
    idle()
    assert seen == ["Encrypt derek.fieldwork with a passphrase of your own?", "passphrase"]
    assert is_encrypted(target)
    assert window.session.path == target and window.session.encrypted
    assert window.files.unlocker.dialog is None  # opened with the passphrase just chosen
    assert window.overview.me.name == "Derek Osei"
