"""The letter workspace's picture for docs/: the form, the preview and the checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow


def letter_steps(w: MainWindow, folder: Path) -> list[Callable[[], None]]:
    """Steps for :func:`ui.screenshots.take`: show the letter with a check to put right."""
    ws = w.letter.workspace

    def pose() -> None:
        w.showNormal()
        w.resize(1560, 940)
        w.letter.show_letter()
        ws.splitter.setSizes([500, 700, 340])

    def unset_a_field() -> None:
        # One thing to put right, as a lead sees it part-way through: no letter date yet.
        from ui.operations import CoreOp

        w.run(CoreOp(w, lambda store: store.update_inspection({"letter_date": None})))

    def scroll() -> None:
        ws.form.verticalScrollBar().setValue(0)
        ws.preview.verticalScrollBar().setValue(0)
        ws.form.focus_field("recipient.name")

    def grab() -> None:
        w.grab().save(str(folder / "letter-workspace.png"))

    return [pose, unset_a_field, scroll, grab]
