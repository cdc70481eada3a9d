"""The core never imports Qt, and stays light to import."""

from __future__ import annotations

import subprocess
import sys


def test_import_fieldwork_does_not_import_qt() -> None:
    code = (
        "import sys, fieldwork, fieldwork.cli, fieldwork.store, fieldwork.interchange\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_import_fieldwork_does_not_import_reportlab_or_sqlite_utils() -> None:
    code = (
        "import sys, fieldwork\n"
        "heavy = [m for m in sys.modules if m.startswith(('reportlab', 'sqlite_utils'))]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
