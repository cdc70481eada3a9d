"""A bug in the app: a crash report in the data folder, and a dialog that says where."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

NOTE = "Child seen alone at home; the school did not call."


def raise_and_catch() -> tuple[type[BaseException], BaseException, Any]:
    try:
        raise ValueError(f"could not lay out {NOTE!r}")
    except ValueError as err:
        return type(err), err, err.__traceback__


def reports() -> list[Path]:
    return sorted((Path(os.environ["FIELDWORK_DATA_DIR"]) / "crash-reports").glob("*.txt"))


def test_the_hook_writes_a_report_without_the_text_even_without_a_dialog(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.app import _excepthook

    monkeypatch.setenv("FIELDWORK_NO_BUG_DIALOG", "1")
    _excepthook(*raise_and_catch())
    (report,) = reports()
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert "Traceback" in text and "raise_and_catch" in text and NOTE not in text
    assert "Program:   fieldwork gui (the app)" in text
    assert f"a crash report was written to {report}" in capsys.readouterr().err


def test_the_dialog_names_the_report(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.app import _excepthook

    monkeypatch.delenv("FIELDWORK_NO_BUG_DIALOG", raising=False)
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(
        (box.text(), box.informativeText(), box.detailedText())) or 0)
    _excepthook(*raise_and_catch())
    (report,) = reports()
    ((text, informative, detail),) = shown
    assert "did not expect" in text
    assert str(report) in informative
    assert "ValueError" in detail and NOTE not in detail
