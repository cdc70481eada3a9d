"""The pictures in docs/: the main window, the findings board, the coverage matrix, the
letter workspace, the Timeliness page, the merge summary, the conflict review and the
history. Not part of the app: run it from the repository, under Xvfb with a window
manager::

    xvfb-run -s "-screen 0 1700x1100x24" sh -c \\
        "openbox & .venv/bin/python tools/screenshots.py docs && \\
         .venv/bin/python tools/screenshots.py --size 1024x700 docs"

The sample is made in a scratch data folder (never yours), and the team's packs are merged
into a copy of it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow

T = TypeVar("T")
Step = Callable[[], None]
#: The window's size for the pictures, and what their names end with (``--size``).
SIZE = (1600, 1000)
SUFFIX = ""


def evidence_steps(w: MainWindow, folder: Path) -> list[Step]:
    """A search with its matches, a finding chosen on the board, the coverage matrix."""
    ev = w.evidence

    def pose_main() -> None:
        w.show_page(ev)
        ev.tabs.setCurrentIndex(0)
        ev.search.setText("strategy discussion")

    def pick_note() -> None:
        ev.notes_view.selectRow(0)
        ev.notes_view.setFocus()

    def pose_board() -> None:
        ev.search.clear()
        ov = w.overview
        if ov is not None and ov.findings:
            ev.board.select_finding(ov.findings[0].id)

    def pose_coverage() -> None:
        from ui.lazy import note_filter

        ev.tabs.setCurrentIndex(1)
        ev.filter_notes(note_filter(untagged=True))

    return [pose_main, pick_note, grab(w, folder / "main-window.png"), pose_board,
            grab(w, folder / "findings-board.png"), pose_coverage,
            grab(w, folder / "coverage.png")]


def letter_steps(w: MainWindow, folder: Path) -> list[Step]:
    """The letter with one check to put right, as a lead sees it part-way through."""
    from ui.operations import CoreOp

    def pose() -> None:
        letter = page(w.letter)
        letter.show_letter()
        letter.workspace.splitter.setSizes([500, 700, 340])

    def unset_a_field() -> None:
        w.run(CoreOp(None, lambda store: store.update_inspection({"letter_date": None})))

    def scroll() -> None:
        ws = page(w.letter).workspace
        ws.form.verticalScrollBar().setValue(0)
        ws.preview.verticalScrollBar().setValue(0)
        ws.form.focus_field("recipient.name")

    return [pose, unset_a_field, scroll, grab(w, folder / "letter-workspace.png")]


def timeliness_steps(w: MainWindow, folder: Path) -> list[Step]:
    """The sample's figures, with a case the authority's method counts as in time."""

    def pose() -> None:
        page(w.timeliness).show()

    def choose_case() -> None:
        page(w.timeliness).view.select_case("BR-09-02815")

    return [pose, choose_case, grab(w, folder / "timeliness.png")]


def team_steps(w: MainWindow, folder: Path) -> list[Step]:
    """A realistic exchange (:mod:`tools.team_demo`) merged into a copy of the sample:
    the summary, the conflict review, and a resolution's history."""
    from tools.team_demo import PASSPHRASE, team_exchange
    from ui.operations import Op

    made: dict[str, object] = {}
    scratch = Path(tempfile.mkdtemp(prefix="fieldwork-screens-"))

    def build() -> None:
        session = w.session
        assert session is not None
        sample = session.path
        Op(w, lambda: team_exchange(sample, scratch)) \
            .success(lambda result: made.update(lead=result[0], packs=result[1])) \
            .run_in_background(w.tasks)

    def open_lead() -> None:
        w.open_file(Path(str(made["lead"])))

    def merge() -> None:
        packs = made["packs"]
        assert isinstance(packs, list)
        dialog = page(w.team).merge_packs(packs)
        assert dialog is not None
        dialog.passphrase.setText(PASSPHRASE)
        dialog.start()

    def grab_summary() -> None:
        page(page(w.team).merge_dialog).grab().save(str(folder / "merge-summary.png"))

    def review() -> None:
        page(page(w.team).merge_dialog).review_button.click()

    def pick_finding() -> None:
        dialog = page(page(w.team).conflicts_dialog)
        finding = next((c.id for c in dialog.conflicts() if c.table == "findings"), None)
        if finding:
            dialog.select(finding)

    def grab_review() -> None:
        page(page(w.team).conflicts_dialog).grab().save(str(folder / "conflict-review.png"))

    def show_history() -> None:
        team = page(w.team)
        dialog = page(team.conflicts_dialog)
        conflict = dialog.current()
        dialog.take_button.click()  # take theirs: the history then shows the resolution
        dialog.close()
        if conflict is not None:
            team.show_history(conflict.row_id)

    def grab_history() -> None:
        dialog = page(page(w.team).history_dialog)
        dialog.grab().save(str(folder / "history.png"))
        dialog.close()

    return [build, open_lead, merge, grab_summary, review, pick_finding, grab_review,
            show_history, grab_history]


def page(thing: T | None) -> T:
    """A page or dialog that must be there by now."""
    assert thing is not None
    return thing


def grab(w: MainWindow, path: Path) -> Step:
    def step() -> None:
        w.grab().save(str(path.with_name(path.stem + SUFFIX + path.suffix)))

    return step


def take(w: MainWindow, folder: Path, steps: list[Step]) -> None:
    """Run the steps one by one, each once everything before it has settled; then quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def settled() -> bool:
        letter, timeliness = w.letter, w.timeliness
        return (w.tasks.idle and (letter is None or letter.workspace.idle)
                and (timeliness is None or timeliness.view.idle))

    def run_next() -> None:
        if not settled():
            QTimer.singleShot(100, run_next)
            return
        if not steps:
            QApplication.quit()
            return
        w.showNormal()
        w.resize(*SIZE)
        steps.pop(0)()
        QTimer.singleShot(400, run_next)

    QTimer.singleShot(600, run_next)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the pictures (docs)")
    parser.add_argument("--size", default="1600x1000",
                        help="the window's size, WxH (other than 1600x1000: in the names)")
    args = parser.parse_args(argv)
    global SIZE, SUFFIX
    width, _, height = str(args.size).partition("x")
    SIZE = (int(width), int(height))
    SUFFIX = "" if SIZE == (1600, 1000) else f"-{width}x{height}"
    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="fieldwork-screens-data-"))
    os.environ["FIELDWORK_DATA_DIR"] = str(scratch / "data")

    from PySide6.QtWidgets import QApplication

    from ui.mainwindow import MainWindow
    from ui.settings import Settings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("Fieldwork")
    window = MainWindow(Settings.in_file(scratch / "settings.ini"))
    window.show()
    steps = [*evidence_steps(window, folder), *letter_steps(window, folder),
             *timeliness_steps(window, folder), *team_steps(window, folder)]
    window.files.open_sample(on_opened=lambda: take(window, folder, steps))
    status = app.exec()
    window.close()
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
