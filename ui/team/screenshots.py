"""The team screens for docs/: the merge summary, the conflict review and the history.

``team_steps(window, folder)`` returns steps for :func:`ui.screenshots.take`; each runs
when the worker is idle. They merge a realistic exchange (:mod:`ui.team.demo`) into a
copy of the sample, so the sample itself is left alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ui.operations import Op
from ui.team.demo import PASSPHRASE, team_exchange

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow


def team_steps(w: MainWindow, folder: Path) -> list[Callable[[], None]]:
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
        w.showNormal()
        w.resize(1560, 940)
        w.open_file(Path(str(made["lead"])))

    def merge() -> None:
        packs = made["packs"]
        assert isinstance(packs, list)
        dialog = w.team.merge_packs(packs)
        assert dialog is not None
        dialog.passphrase.setText(PASSPHRASE)
        dialog.start()
        made["merge"] = dialog

    def grab_summary() -> None:
        dialog = w.team.merge_dialog
        assert dialog is not None
        dialog.grab().save(str(folder / "merge-summary.png"))

    def review() -> None:
        dialog = w.team.merge_dialog
        assert dialog is not None
        dialog.review_button.click()

    def pick_finding() -> None:
        review = w.team.conflicts_dialog
        assert review is not None
        finding = next((c.id for c in review.conflicts() if c.table == "findings"), None)
        if finding:
            review.select(finding)

    def grab_review() -> None:
        review = w.team.conflicts_dialog
        assert review is not None
        review.grab().save(str(folder / "conflict-review.png"))

    def show_history() -> None:
        review = w.team.conflicts_dialog
        assert review is not None
        conflict = review.current()
        review.take_button.click()  # take theirs: the history then shows the resolution
        review.close()
        if conflict is not None:
            w.team.show_history(conflict.row_id)

    def grab_history() -> None:
        dialog = w.team.history_dialog
        assert dialog is not None
        dialog.grab().save(str(folder / "history.png"))
        dialog.close()

    return [build, open_lead, merge, grab_summary, review, pick_finding, grab_review,
            show_history, grab_history]
