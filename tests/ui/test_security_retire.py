"""Retention in the app: the date shown once the letter is issued, File > Retire
Inspection… (offered only then, with an explicit tick before the date), and the retired
state afterwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldwork.store import Store
from tests.ui.security_helpers import PASSPHRASE, file_menu_key, open_encrypted, when_shown

LETTER = b"%PDF-1.4 the issued letter"


def issue(path: Path, passphrase: str | None = None) -> None:
    with Store.open(path, passphrase=passphrase) as store:
        store.record_issue(LETTER, by=store.me)


def retention_shown(window: Any, qtbot: Any) -> str:
    status = window.security.retention.status
    qtbot.waitUntil(lambda: status.isVisibleTo(window), timeout=10000)
    return str(status.text())


def test_nothing_to_retire_before_the_letter_is_issued(opened: Any, qtbot: Any,
                                                       idle: Any) -> None:
    idle()
    retention = opened.security.retention
    assert retention.state is not None and retention.state.until is None
    assert not retention.status.isVisibleTo(opened)
    assert not retention.action.isEnabled()
    file_menu_key(qtbot, opened, Qt.Key.Key_T)  # disabled: nothing happens
    qtbot.wait(100)
    assert QApplication.activeModalWidget() is None
    assert opened.session.writable


def retire_from_menu(window: Any, qtbot: Any, idle: Any, answer: Any) -> None:
    """File > Retire Inspection…, ``answer(question)`` once it is up, then wait until the
    window shows the retired file."""
    timer = when_shown("retireQuestion", answer)
    file_menu_key(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: window.session is not None and window.session.retired is not None,
                    timeout=20000)
    idle()
    del timer


def open_issued(window: Any, path: Path, qtbot: Any, idle: Any) -> None:
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.open_file(path)
    idle()


def test_retire_before_the_date_needs_the_tick_then_keeps_only_the_letter(
    window: Any, sample_file: Path, qtbot: Any, idle: Any
) -> None:
    from fieldwork.retention import retention_date

    issue(sample_file)
    open_issued(window, sample_file, qtbot, idle)
    with Store.open(sample_file) as store:
        due = retention_date(store)
    assert due is not None and due > dt.date.today()
    assert retention_shown(window, qtbot) == f"Keep until {due.day} {due:%B %Y}"
    retention = window.security.retention
    assert retention.action.isEnabled()
    seen: dict[str, Any] = {}

    def cancel(box: Any) -> None:
        retire = box.findChild(type(box.defaultButton()), "retireButton")
        seen["first"] = (box.text(), box.informativeText(), retire.isEnabled())
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    timer = when_shown("retireQuestion", cancel)
    file_menu_key(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: "first" in seen)
    idle()
    del timer
    text, informative, enabled = seen["first"]
    assert text == f"Retire {sample_file.name}?"
    assert "removes the notes, the cases, their history, the conflicts, the search index" \
        in informative
    assert "keeps the issued letter's PDF and its sha256" in informative
    assert not enabled  # before the date: not without the tick
    assert window.session.writable and window.session.retired is None

    def confirm(box: Any) -> None:
        tick = box.checkBox()
        seen["tick"] = tick.text()
        retire = box.findChild(type(box.defaultButton()), "retireButton")
        tick.setFocus()
        qtbot.keyClick(tick, Qt.Key.Key_Space)
        seen["enabled"] = retire.isEnabled()
        retire.setFocus()
        qtbot.keyClick(retire, Qt.Key.Key_Space)

    retire_from_menu(window, qtbot, idle, confirm)
    assert "before the retention date" in seen["tick"] and seen["enabled"]
    session = window.session
    assert not session.writable and session.retired.startswith("retired on ")
    assert "only its issued letter is kept" in (session.read_only_reason or "")
    assert window.read_only.banner.isVisibleTo(window)
    assert retention_shown(window, qtbot) == "Retired"
    assert not retention.action.isEnabled()
    with Store.open(sample_file) as store:
        assert store.count_notes() == 0
        assert store.issued_pdf(store.latest_issue().id) == LETTER
    # Capture is off: Ctrl+N makes no note.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.evidence.notes_view, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier)
    idle()
    assert window.session.writer.count_notes() == 0
    # The team actions refuse with one line.
    file_menu_key(qtbot, window, Qt.Key.Key_E, menu=Qt.Key.Key_T)  # Team > Export My Pack…
    qtbot.waitUntil(lambda: bool(window.statusBar().currentMessage()))
    message = window.statusBar().currentMessage()
    assert message.startswith("No pack: this inspection was retired on ")
    assert "\n" not in message
    assert not window.team.merge_action.isEnabled()
    # The issued letter is still there to view, print and save.
    qtbot.keyClick(window.evidence.notes_view, Qt.Key.Key_3,
                   Qt.KeyboardModifier.ControlModifier)
    ws = window.letter.workspace
    assert window.pages.currentWidget() is ws
    qtbot.waitUntil(lambda: ws.idle, timeout=20000)
    assert ws.print_action.isEnabled() and ws.export_action.isEnabled()
    assert window.letter.state_label.text() == "Letter: Issued"
    saved = sample_file.with_name("letter.pdf")
    ws.export_pdf(saved)
    qtbot.waitUntil(lambda: saved.exists(), timeout=10000)
    idle()
    assert saved.read_bytes() == LETTER


def test_an_encrypted_file_is_retired_and_opens_again_with_its_passphrase(
    window: Any, sample_file: Path, qtbot: Any, idle: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldwork.encryption import encrypt_file
    from ui.security import retention as module

    encrypt_file(sample_file, PASSPHRASE)
    issue(sample_file, PASSPHRASE)
    open_encrypted(window, sample_file, qtbot, idle)
    retention_shown(window, qtbot)
    # On or after the retention date no tick is needed.
    until = window.security.retention.state.until
    real = module.dt.date

    class Later(real):  # type: ignore[misc, valid-type]
        @classmethod
        def today(cls) -> dt.date:
            return until + dt.timedelta(days=1)

    monkeypatch.setattr(module.dt, "date", Later)
    seen: list[bool] = []

    def confirm(box: Any) -> None:
        seen.append(box.checkBox() is None)
        retire = box.findChild(type(box.defaultButton()), "retireButton")
        retire.setFocus()
        qtbot.keyClick(retire, Qt.Key.Key_Space)

    retire_from_menu(window, qtbot, idle, confirm)
    monkeypatch.setattr(module.dt, "date", real)
    assert seen == [True]
    assert window.session.encrypted and window.files.unlocker.dialog is None
    assert window.security.status.text == "Encrypted"
    with Store.open(sample_file, passphrase=PASSPHRASE) as store:
        assert store.count_notes() == 0
    assert b"%PDF" not in sample_file.read_bytes()


def test_the_retention_date_appears_when_the_letter_is_issued(
    opened: Any, qtbot: Any, idle: Any
) -> None:
    retention = opened.security.retention
    idle()
    assert not retention.status.isVisibleTo(opened) and not retention.action.isEnabled()
    issue(opened.session.path)  # issued elsewhere (the command line): the window follows
    text = retention_shown(opened, qtbot)
    assert text.startswith("Keep until ")
    assert "File > Retire Inspection" in retention.status.toolTip()
    qtbot.waitUntil(retention.action.isEnabled)


def test_issuing_in_the_app_shows_the_retention_date(
    opened: Any, qtbot: Any, idle: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.letter_helpers import answer_dialogs, settle, show_letter

    answer_dialogs(monkeypatch)
    ws = show_letter(opened, qtbot)
    retention = opened.security.retention
    assert not retention.status.isVisibleTo(opened)
    with qtbot.waitSignal(ws.state_shown, timeout=15000,
                          check_params_cb=lambda state: state == "issued"):
        ws.issue_action.trigger()
    settle(qtbot, ws)
    assert retention_shown(opened, qtbot).startswith("Keep until ")
    qtbot.waitUntil(retention.action.isEnabled)
