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


def test_opening_nothing_imports_no_sqlite_utils() -> None:
    """The store, packs and CLI modules import without sqlite_utils, which costs ~0.1 s."""
    code = (
        "import sys, fieldwork.store, fieldwork.packs, fieldwork.cli\n"
        "heavy = [m for m in sys.modules if m.startswith(('sqlite_utils', 'reportlab'))]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_schema_version_counts_the_migrations() -> None:
    from fieldwork.store import schema
    from fieldwork.store.migrations import migrations

    assert schema.SCHEMA_VERSION == len(migrations._migrations)
