"""Quitting is quick (the process ends once the window has closed) and loses nothing: text
typed a moment before Ctrl+Q is in the file afterwards. (How quick: bench/bench_ui.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fieldwork.store import Store

REPO = Path(__file__).resolve().parents[2]

# Runs the app (ui.app.main) on FILE; once the notes show, presses Ctrl+N, types a note
# and quits at once, before the autosave's pause is over.
SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    import ui.app

    def typing():
        window = next(w for w in QApplication.topLevelWidgets()
                      if w.objectName() == "mainWindow")
        if window.session is None or window.overview is None:
            QTimer.singleShot(50, typing)
            return
        window.activateWindow()  # shortcuts need the active window
        QTest.qWaitForWindowActive(window)
        QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        text = window.evidence.editor.text
        text.setFocus()
        QTest.keyClicks(text, "Typed a moment before quitting.")
        window.close()  # File > Quit (its shortcut depends on the platform's theme)
        print("typed", flush=True)

    app = QApplication([sys.argv[0]])  # main() uses it
    QTimer.singleShot(100, typing)
    status = ui.app.main(sys.argv[1:])
    print("main returned", status, flush=True)  # never: the process ends in main
""")


def test_quitting_right_after_typing_keeps_the_text(sample_file: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELDWORK_NO_BUG_DIALOG="1")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(sample_file), "--settings",
         str(tmp_path / "settings.ini")],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "typed" in done.stdout
    assert "main returned" not in done.stdout  # the process ended in main, at once
    store = Store.open(sample_file)
    try:
        texts = [n.text for n in store.queries.notes()]
    finally:
        store.close()
    assert "Typed a moment before quitting." in texts
