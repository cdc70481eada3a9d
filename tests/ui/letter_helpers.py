"""Helpers for the letter workspace's tests: showing the workspace, waiting for it, and
answering its dialogs instead of a user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog

from fieldwork.store import Store


def show_letter(window: Any, qtbot: Any) -> Any:
    """Switch to the Letter page and wait for its preview and checks; the workspace."""
    ws = window.letter.workspace
    window.letter.show_letter()
    qtbot.waitUntil(lambda: ws.idle and ws.preview.page_count > 0 and ws.readiness is not None,
                    timeout=15000)
    return ws


def settle(qtbot: Any, ws: Any) -> None:
    """Wait until every save, refresh, print and export has finished."""
    qtbot.waitUntil(lambda: ws.idle and ws.host.tasks.idle, timeout=20000)


def stored(ws: Any) -> dict[str, Any]:
    """The letter's fields as the file holds them now."""
    with Store.open(ws.session.path) as store:
        return store.inspection().fields


class Answers:
    """Stands in for the user at modal dialogs: records each one, answers with ``respond``."""

    def __init__(self) -> None:
        self.shown: list[QDialog] = []
        self.respond: Callable[[QDialog], int] = lambda _d: QDialog.DialogCode.Accepted

    def __call__(self, dialog: QDialog) -> int:
        self.shown.append(dialog)
        return int(self.respond(dialog))


def answer_dialogs(monkeypatch: Any) -> Answers:
    from ui.letter import printing

    answers = Answers()
    monkeypatch.setattr(printing, "exec_dialog", answers)
    return answers
