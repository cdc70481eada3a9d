"""Run by tests/ui/test_keyboard_x11.py under Xvfb with the xcb platform, where Qt uses the
X11 key bindings (a one-line field takes Ctrl+E as "end of line" and Ctrl+K as "delete to
the end"). Drives the main window with key events and writes what happened as JSON to the
file named by its one argument."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

CTRL = Qt.KeyboardModifier.ControlModifier


def wait_until(app: QApplication, ok: object, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not ok():  # type: ignore[operator]
        if time.monotonic() > end:
            raise TimeoutError("timed out")
        app.processEvents()
        QTest.qWait(20)


def main(out: Path) -> int:
    app = QApplication(sys.argv[:1])
    from fieldwork.interchange import import_file
    from tests.conftest import SAMPLE
    from ui.mainwindow import MainWindow
    from ui.settings import Settings

    result: dict[str, object] = {"platform": app.platformName()}
    result["ctrl_e_is_a_line_key"] = "Ctrl+E" in [
        s.toString() for s in QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store, _ = import_file(folder / "sample.fieldwork", SAMPLE)
        store.close()
        window = MainWindow(Settings.in_file(folder / "settings.ini"))
        window.resize(1400, 900)
        window.show()
        window.open_file(folder / "sample.fieldwork")
        wait_until(app, lambda: window.overview is not None and window.tasks.idle)
        window.activateWindow()
        wait_until(app, window.isActiveWindow)

        # Ctrl+E (Export PDF) from one-line fields of the Letter form.
        assert window.letter is not None
        ws = window.letter.workspace
        exports: list[object] = []
        ws.output.export_pdf = lambda path=None: exports.append(path)  # type: ignore[method-assign]
        window.letter.show_letter()
        fields = []
        wait_until(app, lambda: bool(fields.extend(
            w for w in ws.form.findChildren(QLineEdit) if w.isVisible() and w.isEnabled())
            or fields))
        field = fields[0]
        field.setFocus()
        wait_until(app, field.hasFocus)
        field.setCursorPosition(0)
        QTest.keyClick(field, Qt.Key.Key_E, CTRL)
        result["ctrl_e_exports"] = len(exports)
        result["ctrl_e_left_the_cursor"] = field.cursorPosition() == 0
        # The control: without the window's filter, the field takes Ctrl+E (the bug).
        field.removeEventFilter(window.keyboard)
        QTest.keyClick(field, Qt.Key.Key_E, CTRL)
        result["ctrl_e_exports_without_filter"] = len(exports) - 1
        window.keyboard._filtered = None

        # Ctrl+K (the case form) from the case-reference field of a new note.
        ev = window.evidence
        window.show_page(ev)
        ev.notes_view.setFocus()
        wait_until(app, ev.notes_view.hasFocus)
        QTest.keyClick(ev.notes_view, Qt.Key.Key_N, CTRL)
        QTest.keyClick(ev.editor.source, Qt.Key.Key_Tab)
        QTest.keyClicks(ev.editor.subject, "BR-09-04172")
        seen: list[str] = []
        timer = QTimer()

        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, QDialog) and dialog.isVisible():
                timer.stop()
                seen.append(type(dialog).__name__)
                dialog.reject()

        timer.timeout.connect(answer)
        timer.start(20)
        QTest.keyClick(ev.editor.subject, Qt.Key.Key_K, CTRL)
        timer.stop()
        result["ctrl_k_opens"] = seen
        result["ctrl_k_kept_the_text"] = ev.editor.subject.text()
        window.close()
    out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
