"""Starting the app: ``fieldwork gui [FILE]`` and ``python -m ui``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

STARTED = time.perf_counter()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fieldwork gui", description="Open the desktop app.")
    p.add_argument("file", nargs="?", help="an inspection file (default: the sample)")
    # Hidden options for the benchmarks (the screenshots in docs/ are tools/screenshots.py).
    p.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--settings", metavar="INI", help=argparse.SUPPRESS)
    p.add_argument("--quit-after", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    return p


def main(argv: Sequence[str] | None = None, *, passphrase: str | None = None) -> int:
    """Run the app until its window closes; returns the exit status. ``passphrase`` opens
    an encrypted FILE (the command line's ``--passphrase-file``) without asking."""
    args = _parser().parse_args(list(argv) if argv is not None else sys.argv[1:])
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from ui.settings import APPLICATION, ORGANISATION, Settings

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Fieldwork")
    app.setWindowIcon(QIcon.fromTheme("accessories-text-editor"))
    sys.excepthook = _excepthook

    # Start opening the file on the worker now, while the window is being built.
    from ui.operations import TaskManager
    from ui.session import open_session, sample_file

    tasks = TaskManager()
    target = Path(args.file) if args.file else None
    tasks.run(lambda: open_session(target, passphrase=passphrase) if target
              else open_session(sample_file()),
              lambda future: window.files.finish_open(future, on_opened=opened),
              label="Opening…")

    from ui.mainwindow import MainWindow

    settings = Settings.in_file(Path(args.settings)) if args.settings else Settings()
    window = MainWindow(settings, tasks, defer_pages=True)
    tasks.setParent(window)
    window.show()

    def opened() -> None:
        if args.exit_when_shown:
            window.evidence.notes_view.viewport().repaint()
            print(f"shown {time.perf_counter() - STARTED:.3f}", flush=True)
            QTimer.singleShot(0, window.close)
        elif args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), quit_now)

    def quit_now() -> None:
        # For bench/bench_ui.py: the moment the quit starts, as wall-clock time.
        print(f"quitting {time.time():.6f}", flush=True)
        window.close()

    status = int(app.exec())
    if window.isVisible():  # the event loop was ended without closing the window
        window.close()  # saves what is typed, closes the file, stops the threads
    end_process(status)
    return status  # not reached


def end_process(status: int) -> None:
    """End the process at once, once the window has closed.

    By then everything is saved and closed: the window's close flushed what was being
    typed, the worker ran every queued write and closed the file (giving up its lock),
    the settings were synced, and the other lanes' running jobs finished. What is left
    is Python and Qt freeing tens of thousands of objects one by one, which took most of a
    quit (0.3 s on the sample, more on a big file): skip it.
    """
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _excepthook(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """A bug: say so plainly, keep the details in a crash report, and keep the app (and the
    typed text) alive."""
    from fieldwork.crash import format_exception, write_report
    from ui.session import secrets

    # An open encrypted file's passphrase never goes into the report or onto the screen.
    hidden = secrets()
    if value.__traceback__ is None and tb is not None:
        value = value.with_traceback(tb)
    text = format_exception(value, hidden)
    report = None
    try:
        report = write_report(value, program="fieldwork gui (the app)", secrets=hidden)
    except OSError as err:
        print(f"no crash report could be written: {err}", file=sys.stderr)
    print(text, file=sys.stderr)
    if report is not None:
        print(f"a crash report was written to {report}", file=sys.stderr)
    if os.environ.get("FIELDWORK_NO_BUG_DIALOG"):
        return
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        return
    message = ("Fieldwork hit a problem it did not expect (a bug in Fieldwork). Your notes "
               "are saved as you type; the last change may not have been.")
    box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong", message,
                      QMessageBox.StandardButton.Ok)
    if report is not None:
        box.setInformativeText(
            f"A crash report was written to {report}. It holds no note text; please send "
            "it to whoever supports Fieldwork for you.")
    box.setDetailedText(text)
    box.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
