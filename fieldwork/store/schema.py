"""The inspection file's schema: its version and the facts other modules need.

The steps themselves are numbered sqlite-utils migrations in :mod:`.migrations`, imported
only when a file is opened, so that importing the store stays light; they import nothing
from here. ``SCHEMA_VERSION`` is the number of steps this Fieldwork knows; it is written to
``PRAGMA user_version`` so that a file from a newer Fieldwork can be recognised, and
refused, before anything is written to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

#: The replicated tables, in the order a merge applies them.
REPLICATED_TABLES: tuple[str, ...] = ("inspection", "inspectors", "cases", "findings", "notes")

#: The number of migration steps; tests check it matches :mod:`.migrations`.
SCHEMA_VERSION = 3

#: The oldest schema whose packs this Fieldwork merges and joins. What a pack carries (the
#: replicated tables, conflicts, history, issued letters, and the columns of each) is the
#: same from this version on: later steps only add what stays on one machine (version 2:
#: the team folder's bookkeeping) or mend values (version 3: findings at position 0 take
#: position 1; a pack that still holds one is refused by the pack check, so the sender's
#: Fieldwork must be updated). A step that changes what travels must raise this.
OLDEST_PACK_SCHEMA = 1

#: The oldest schema a read-only file can be opened with, without being upgraded: the
#: steps since only add tables that are written, never read, by a read-only copy.
OLDEST_READABLE_SCHEMA = 1


def apply(db: Database) -> None:
    """Bring a file up to this Fieldwork's schema."""
    from fieldwork.store.migrations import migrations

    migrations.apply(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
