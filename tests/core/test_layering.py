"""The core never imports Qt, and stays light to import."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("modules", "forbidden"),
    [
        # The core never imports Qt or the app.
        ("fieldwork, fieldwork.cli, fieldwork.store, fieldwork.interchange, fieldwork.packs",
         ("PySide6", "shiboken6", "ui")),
        # Nor, until a file is opened or a letter rendered, the heavy libraries (~0.5 s).
        ("fieldwork, fieldwork.store, fieldwork.packs, fieldwork.cli",
         ("sqlite_utils", "reportlab")),
    ],
)
def test_importing_the_core_stays_light(modules: str, forbidden: tuple[str, ...]) -> None:
    code = (
        f"import sys, {modules}\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {forbidden!r}]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_schema_version_counts_the_migrations() -> None:
    from fieldwork.store import schema
    from fieldwork.store.migrations import migrations

    assert schema.SCHEMA_VERSION == len(migrations._migrations)
