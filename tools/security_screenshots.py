"""The pictures of the passphrase dialog and the lock screen in docs/. Not part of the app:
run it from the repository, under Xvfb with a window manager (the dialogs are windows of
their own, so the whole screen is grabbed)::

    xvfb-run -s "-screen 0 1600x1000x24" sh -c \\
        "openbox & .venv/bin/python tools/security_screenshots.py docs"

The sample is made, and encrypted, in a scratch data folder (never yours).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSPHRASE = "sample passphrase for screenshots"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the pictures (docs)")
    args = parser.parse_args(argv)
    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="fieldwork-security-shots-"))
    os.environ["FIELDWORK_DATA_DIR"] = str(scratch / "data")

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from fieldwork.encryption import encrypt_file
    from fieldwork.interchange import import_file
    from fieldwork.paths import sample_path
    from ui.mainwindow import MainWindow
    from ui.settings import Settings

    target = scratch / "bromley-2009.fieldwork"
    store, _ = import_file(target, sample_path())
    store.close()
    encrypt_file(target, PASSPHRASE)

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("Fieldwork")
    window = MainWindow(Settings.in_file(scratch / "settings.ini"))
    window.resize(1400, 860)
    window.move(60, 40)
    window.show()

    def screen(name: str) -> Callable[[], None]:
        def shot() -> None:
            screen = QGuiApplication.primaryScreen()
            geometry = window.frameGeometry().adjusted(-10, -10, 10, 10)
            screen.grabWindow(0, geometry.x(), geometry.y(), geometry.width(),
                              geometry.height()).save(str(folder / name))
        return shot

    def type_passphrase() -> None:
        dialog = window.files.unlocker.dialog
        assert dialog is not None
        dialog.passphrase.setText("my passphrase")

    def unlock() -> None:
        dialog = window.files.unlocker.dialog
        assert dialog is not None
        dialog.passphrase.setText(PASSPHRASE)
        dialog.ok.click()

    def lock() -> None:
        window.security.lock_screen.lock()

    def wrong_on_lock() -> None:
        dialog = window.security.lock_screen.dialog
        assert dialog is not None
        dialog.passphrase.setText("not it")
        dialog.ok.click()

    steps: list[tuple[int, Callable[[], None]]] = [
        (1500, lambda: window.open_file(target)),
        (1500, type_passphrase),
        (600, screen("passphrase-dialog.png")),
        (300, unlock),
        (2500, lock),
        (1500, screen("lock-screen.png")),
        (300, wrong_on_lock),
        (1500, screen("lock-screen-wrong.png")),
        (300, app.quit),
    ]

    def run_next() -> None:
        if not steps:
            return
        delay, step = steps.pop(0)

        def go() -> None:
            step()
            run_next()

        QTimer.singleShot(delay, go)

    run_next()
    status = app.exec()
    window.security.lock_screen._uncover()
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
