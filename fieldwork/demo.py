"""The sample inspection: the Bromley 2009 letter with a fictional evidence base behind it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from fieldwork.errors import FieldworkError
from fieldwork.paths import sample_path

if TYPE_CHECKING:
    from fieldwork.store import Store

DEMO_NAME = "bromley-2009"


def write_demo(directory: Path) -> list[Path]:
    """Write ``DIR/bromley-2009.fieldwork`` (replacing an older one) and its letter.

    :returns: the paths written
    """
    from fieldwork.interchange import import_file
    from fieldwork.store.db import remove_database

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise FieldworkError(f"{directory}: cannot be created ({err.strerror})") from None
    target = directory / f"{DEMO_NAME}.fieldwork"
    staging = directory / f".{DEMO_NAME}.demo.fieldwork"
    remove_database(staging)
    store, _ = import_file(staging, sample_path())
    written = [target]
    try:
        written.append(_write_letter(store, directory / f"{DEMO_NAME}-letter.pdf"))
    finally:
        store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staging, target)
    return written


def _write_letter(store: Store, path: Path) -> Path:
    """The draft letter as a PDF."""
    from fieldwork.issuing import letter_pdf, write_bytes

    return write_bytes(path, letter_pdf(store))
