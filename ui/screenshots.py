"""Screenshots for docs/: the main window, the findings board, the coverage matrix, the
letter workspace and the Timeliness page.

Run under Xvfb: ``xvfb-run -s "-screen 0 1600x1000x24" python -m ui --screenshots docs``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from fieldwork.store.store import NoteFilter


def take(window: object, folder: Path) -> None:
    """Pose the window on the sample and grab the three pictures, then quit."""
    from ui.mainwindow import MainWindow

    assert isinstance(window, MainWindow)
    folder.mkdir(parents=True, exist_ok=True)
    w = window
    w._install_pages()  # the app builds them just after opening; the shots need them now
    steps: list[Callable[[], None]] = []

    def later(fn: Callable[[], None]) -> None:
        steps.append(fn)

    def run_next() -> None:
        if not w.tasks.idle or w.letter is None or not w.letter.workspace.idle or (
                w.timeliness is not None and not w.timeliness.view.idle):
            QTimer.singleShot(100, run_next)
            return
        if not steps:
            QApplication.quit()
            return
        steps.pop(0)()
        QTimer.singleShot(400, run_next)

    def pose_main() -> None:
        w.showNormal()
        w.resize(1560, 940)
        w.evidence.tabs.setCurrentIndex(0)
        w.evidence.search.setText("strategy discussion")

    def pick_note() -> None:
        w.evidence.notes_view.selectRow(0)
        w.evidence.notes_view.setFocus()

    def grab_main() -> None:
        w.grab().save(str(folder / "main-window.png"))

    def pose_board() -> None:
        w.evidence.search.clear()
        first = w.overview.findings[0].id if w.overview and w.overview.findings else ""
        if first:
            w.evidence.board.select_finding(first)

    def grab_board() -> None:
        w.grab().save(str(folder / "findings-board.png"))

    def pose_coverage() -> None:
        w.evidence.tabs.setCurrentIndex(1)
        w.evidence.filter_notes(NoteFilter(untagged=True))

    def grab_coverage() -> None:
        w.grab().save(str(folder / "coverage.png"))

    for step in (pose_main, pick_note, grab_main, pose_board, grab_board, pose_coverage,
                 grab_coverage):
        later(step)
    from ui.letter.screenshots import letter_steps

    for step in letter_steps(w, folder):
        later(step)
    from ui.timeliness.screenshots import timeliness_steps

    for step in timeliness_steps(w, folder):
        later(step)
    from ui.team.screenshots import team_steps

    for step in team_steps(w, folder):
        later(step)
    QTimer.singleShot(600, run_next)
