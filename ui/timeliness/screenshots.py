"""The Timeliness page's picture for docs/: the sample's figures, chart and one case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow


def timeliness_steps(w: MainWindow, folder: Path) -> list[Callable[[], None]]:
    """Steps for :func:`ui.screenshots.take`: the page on the sample, a case that the
    authority's method counts as in time chosen."""

    def pose() -> None:
        w.showNormal()
        w.resize(1560, 940)
        if w.timeliness is not None:
            w.timeliness.show()

    def choose_case() -> None:
        if w.timeliness is not None:
            w.timeliness.view.select_case("BR-09-02815")

    def grab() -> None:
        w.grab().save(str(folder / "timeliness.png"))

    return [pose, choose_case, grab]
