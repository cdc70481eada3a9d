"""The sample inspection: the Bromley 2009 letter with a fictional evidence base behind it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from fieldwork.errors import FieldworkError, ReadOnly
from fieldwork.paths import sample_path

if TYPE_CHECKING:
    from fieldwork.store import Store

DEMO_NAME = "bromley-2009"


def write_demo(directory: Path) -> list[Path]:
    """Write ``DIR/bromley-2009.fieldwork`` (replacing an older one) and its letter.

    The sample is built in a hidden work file. A new file is renamed into place; an older
    one is replaced through SQLite (its backup API, under SQLite's locks), never by
    renaming over it or deleting its WAL, so that a program that has it open meanwhile
    (the app, say) neither loses its locks nor writes into a deleted file. An older file
    that is not an inspection is refused and left as it was.

    :returns: the paths written
    """
    from fieldwork import files
    from fieldwork.interchange import import_file
    from fieldwork.store import Store

    try:
        directory.mkdir(parents=True, exist_ok=True, mode=files.PRIVATE_DIR)
    except OSError as err:
        raise FieldworkError(f"{directory}: cannot be created ({err.strerror})") from None
    target = directory / f"{DEMO_NAME}.fieldwork"
    staging = files.work_path(target, "staging")
    written = [target]
    try:
        store, _ = import_file(staging, sample_path())
        try:
            written.append(_write_letter(store, directory / f"{DEMO_NAME}-letter.pdf"))
            if target.exists():
                with Store.open(target) as old:
                    if not old.writable:
                        raise ReadOnly(f"{target}: {old.read_only_reason}; nothing was changed")
                    store.copy_into(old)
        finally:
            store.close()
        if not os.path.lexists(target):
            files.refuse_stray_journal(target)
            os.replace(staging, target)
            files.sync_dir(directory)
    except OSError as err:
        raise files.write_error(target, err) from None
    finally:
        files.remove_database(staging)
    return written


def _write_letter(store: Store, path: Path) -> Path:
    """The draft letter as a PDF."""
    from fieldwork.issuing import letter_pdf, write_bytes

    return write_bytes(path, letter_pdf(store), inputs=[store.path])
