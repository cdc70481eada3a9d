"""PySide6 6.12.0 leaks a reference to None per void Qt call; on 3.11 that aborts the app.

pyproject.toml pins PySide6-Essentials below 6.12 on Python < 3.12. This test pins the
behaviour itself: ten thousand calls that return nothing leave None's refcount alone.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget


def test_void_qt_calls_do_not_leak_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.add_widget(widget)
    widget.resize(10, 10)
    before = sys.getrefcount(None)
    for i in range(10_000):
        widget.resize(100 + i % 7, 100)
    after = sys.getrefcount(None)
    assert abs(after - before) < 100, (before, after)
