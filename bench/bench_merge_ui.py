"""Benchmark: merging packs from the app's Merge Packs dialog (issue 6).

Merges 8 packs of 5,000 notes each into copies of the lead's file two ways, interleaved,
in the same run. The packs come from ``bench/synth.py``'s document: realistic note texts,
200 case records, 16 findings; each of 8 team members joins from the lead's pack and adds
5,000 notes.

    library   ``merge_packs(store, packs, passphrase)`` on its own
    dialog    Team ▸ Merge Packs… in a main window: the merge runs on the worker thread
              with progress relayed to the GUI thread, until the summary is on screen

Targets: the dialog takes ≤ 1.3× the library's time, and the window stays responsive
throughout the merge: a QTimer ticks every 10 ms on the GUI thread, and the largest gap
between ticks, from pressing Merge until the summary is on screen, stays under 100 ms.
The largest gap while the views then catch up (the counts and lists redrawn for 40,000
new notes) is printed too, for information.

Run: ``.venv/bin/python bench/bench_merge_ui.py``
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import document
from fieldwork.interchange import import_new
from fieldwork.packs import crypto, export_pack, join_pack, merge_packs
from fieldwork.store import Store

PACKS = 8
NOTES_PER_PACK = 5000
PASSPHRASE = "bench passphrase"

ROUNDS = 3
TICK_MS = 10
RATIO_TARGET = 1.3
STALL_TARGET_MS = 100.0


def build(tmp: Path) -> tuple[Path, list[Path]]:
    """The lead's file, and one pack from each of eight team members' copies."""
    doc = document(PACKS * NOTES_PER_PACK, seed=2009)
    notes, doc["notes"] = doc["notes"], []
    lead = doc["inspectors"][0]
    team = [{"id": str(uuid.uuid4()), "name": f"Team member {i + 1}", "role": "team"}
            for i in range(PACKS)]
    doc["inspectors"] = [lead, *team]
    lead_path = tmp / "lead.fieldwork"
    store, _ = import_new(lead_path, doc)
    store.set_me(lead["id"])
    export_pack(store, tmp / "lead.fwpack", PASSPHRASE)
    store.close()
    packs: list[Path] = []
    for i, member in enumerate(team):
        copy = join_pack(tmp / "lead.fwpack", tmp / f"team{i}.fieldwork", PASSPHRASE,
                         member["id"])
        items = [
            (n["id"], {"author": member["id"], "source": n["source"],
                       "case_ref": n.get("case_ref"), "subject_role": n.get("subject_role"),
                       "observed_at": n["observed_at"], "text": n["text"],
                       "findings": n["findings"], "extra": None})
            for n in notes[i * NOTES_PER_PACK:(i + 1) * NOTES_PER_PACK]
        ]
        with copy.atomic():
            copy.bulk.insert("notes", items, by=member["id"])
        packs.append(export_pack(copy, tmp / f"team{i}.fwpack", PASSPHRASE).path)
        copy.close()
    return lead_path, packs


def fresh_copy(tmp: Path, lead: Path, name: str) -> Path:
    """A copy of the lead's file with its own replica id, as a second laptop would have."""
    target = tmp / f"{name}.fieldwork"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(lead, target)
    with Store.open(target) as store:
        store.new_replica()
    return target


def library_merge(tmp: Path, lead: Path, packs: list[Path]) -> float:
    target = fresh_copy(tmp, lead, "library")
    store = Store.open(target)
    start = time.perf_counter()
    summaries = merge_packs(store, packs, PASSPHRASE)
    elapsed = time.perf_counter() - start
    assert sum(s.added for s in summaries) == PACKS * NOTES_PER_PACK
    store.close()
    return elapsed


class Ticker:
    """A 10 ms QTimer on the GUI thread; records the largest gap between its ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0
        self.ticks = 0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now
        self.ticks += 1

    def split(self) -> float:
        """The largest gap so far, in ms; then start a new stretch."""
        self._tick()
        worst, self.worst = self.worst, 0.0
        return worst * 1000

    def stop(self) -> float:
        worst = self.split()
        self.timer.stop()
        return worst


def wait_until(app: Any, done: Callable[[], bool], timeout: float = 600.0) -> None:
    """Run the event loop, as the app does, until ``done()`` (checked every 5 ms)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout

    def check() -> None:
        if done() or time.perf_counter() > deadline:
            loop.quit()

    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(5)
    loop.exec()
    poll.stop()
    if not done():
        raise TimeoutError("the app did not finish in time")


def dialog_merge(app: Any, tmp: Path, lead: Path, packs: list[Path],
                 ticker: Ticker) -> tuple[float, float, float, float]:
    """Seconds to the summary, seconds until the views caught up, and the largest stall
    (ms) in each of those two stretches."""
    from ui.mainwindow import MainWindow
    from ui.settings import Settings

    target = fresh_copy(tmp, lead, "dialog")
    window = MainWindow(Settings.in_file(tmp / "settings.ini"))
    window.resize(1500, 920)
    window.show()
    opened: list[bool] = []
    window.overview_applied.connect(lambda: opened.append(True))
    window.open_file(target)
    wait_until(app, lambda: bool(opened) and window.tasks.idle)

    dialog = window.team.merge_packs(packs)
    assert dialog is not None
    wait_until(app, lambda: window.tasks.idle)  # the packs' headers are listed
    dialog.passphrase.setText(PASSPHRASE)
    finished: list[float] = []
    dialog.merged.connect(lambda _o: finished.append(time.perf_counter()))
    refused: list[str] = []
    dialog.refused.connect(refused.append)
    caught_up: list[float] = []

    ticker.start()
    start = time.perf_counter()
    dialog.merge_button.click()
    wait_until(app, lambda: bool(finished) or bool(refused))
    during = ticker.split()
    if refused:
        raise RuntimeError(refused[0])
    window.overview_applied.connect(lambda: caught_up.append(time.perf_counter()))
    wait_until(app, lambda: bool(caught_up) and window.tasks.idle)
    views = time.perf_counter() - start
    after = ticker.stop()

    outcome = dialog.outcome
    assert outcome is not None and outcome.totals[0] == PACKS * NOTES_PER_PACK
    assert window.evidence.notes_model.rowCount() == PACKS * NOTES_PER_PACK
    assert dialog.pages.currentIndex() == 2  # the summary is on screen
    summary_at = finished[0] - start
    dialog.accept()
    window.close()
    window.deleteLater()
    app.processEvents()
    return summary_at, views, during, after


def _quiet_offscreen(mode: Any, context: Any, message: str) -> None:
    """Drop the offscreen plugin's complaint about size hints; print anything else."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def main() -> int:
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory(prefix="fw-bench-ui-") as name:
        tmp = Path(name)
        t0 = time.perf_counter()
        lead, packs = build(tmp)
        print(f"built {PACKS} packs of {NOTES_PER_PACK:,} notes in "
              f"{time.perf_counter() - t0:.1f}s", flush=True)
        # The key is derived once per passphrase per session, for both ways alike.
        with Store.open(lead) as store:
            salt = crypto.team_salt(store.inspection_id)
        crypto.derive_key(PASSPHRASE, salt, crypto.SCRYPT_N, crypto.SCRYPT_R, crypto.SCRYPT_P)
        ticker = Ticker()
        libs: list[float] = []
        dialogs: list[float] = []
        views: list[float] = []
        stalls: list[float] = []
        after: list[float] = []
        for i in range(ROUNDS):
            libs.append(library_merge(tmp, lead, packs))
            summary_at, caught_up, worst, later = dialog_merge(app, tmp, lead, packs, ticker)
            dialogs.append(summary_at)
            views.append(caught_up)
            stalls.append(worst)
            after.append(later)
            print(f"  round {i + 1}: library {libs[-1]:.3f}s; dialog {summary_at:.3f}s to the "
                  f"summary, largest stall {worst:.0f} ms; views caught up at "
                  f"{caught_up:.3f}s, largest stall meanwhile {later:.0f} ms", flush=True)
    lib_t, dlg_t = statistics.median(libs), statistics.median(dialogs)
    ratio = dlg_t / lib_t
    worst = max(stalls)
    ok_ratio = ratio <= RATIO_TARGET
    ok_stall = worst < STALL_TARGET_MS
    n = PACKS * NOTES_PER_PACK
    print(f"merge {PACKS} packs, {n:,} notes: dialog {dlg_t:.3f}s to the summary, library "
          f"{lib_t:.3f}s (medians of {ROUNDS})")
    print(f"    time ratio {ratio:.2f} (target <= {RATIO_TARGET}): "
          f"{'PASS' if ok_ratio else 'FAIL'}")
    print(f"    largest event-loop stall during the merge {worst:.0f} ms "
          f"(target < {STALL_TARGET_MS:.0f} ms): {'PASS' if ok_stall else 'FAIL'}")
    print(f"    for information: largest stall while the views caught up {max(after):.0f} ms "
          f"(they had caught up {statistics.median(views):.3f}s after Merge)")
    return 0 if ok_ratio and ok_stall else 1


if __name__ == "__main__":
    sys.exit(main())
