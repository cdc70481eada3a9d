"""Building the notes search index (and links) on a second core while the rows go in.

Tokenising the text is the largest part of a bulk import. When a file's notes index is
still empty (a new file being built), the index is built on a worker thread into a
scratch database beside the file, at the same time as the main connection inserts the
rows; its FTS5 shadow tables are then copied in whole. SQLite releases the GIL while it
works, so the two really run at once on two cores.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

#: Must match the notes_fts definition in schema.py.
_FTS_DEFINITION = (
    "CREATE VIRTUAL TABLE notes_fts USING fts5("
    "text, case_ref, subject_role, content='notes', content_rowid='seq', "
    "tokenize='unicode61 remove_diacritics 2')"
)
_SHADOW_TABLES = ("notes_fts_data", "notes_fts_idx", "notes_fts_docsize", "notes_fts_config")

Row = tuple[int, str, str | None, str | None]


class ParallelNotesIndex:
    """Index ``rows`` (seq, text, case_ref, subject_role) and build ``links`` on a thread.

    :meth:`install` copies both in.
    """

    def __init__(
        self, beside: Path, rows: Sequence[Row], links: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.scratch = beside.with_name(f".{beside.name}.{uuid.uuid4().hex[:8]}.index")
        self._rows = rows
        self._links = links
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._build, name="fieldwork-index", daemon=True)
        self._thread.start()

    def _build(self) -> None:
        try:
            conn = sqlite3.connect(str(self.scratch))
            try:
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                conn.execute("PRAGMA cache_size = -131072")
                conn.execute(
                    "CREATE TABLE notes (seq INTEGER PRIMARY KEY, text, case_ref, subject_role)"
                )
                conn.execute(_FTS_DEFINITION)
                conn.execute(
                    "CREATE TABLE links (finding_id TEXT NOT NULL, note_id TEXT NOT NULL, "
                    "PRIMARY KEY (finding_id, note_id)) WITHOUT ROWID"
                )
                with conn:
                    conn.executemany(
                        "INSERT INTO notes_fts (rowid, text, case_ref, subject_role) "
                        "VALUES (?, ?, ?, ?)",
                        self._rows,
                    )
                    conn.executemany(
                        "INSERT OR IGNORE INTO links (finding_id, note_id) VALUES (?, ?)",
                        sorted(self._links),
                    )
            finally:
                conn.close()
        except BaseException as err:  # handed to the caller in install()
            self._error = err

    def install(self, conn: sqlite3.Connection) -> None:
        """Wait for the build, then copy its index into ``conn``'s (empty) notes index.

        Runs its own transaction (SQLite cannot attach a database inside one). The
        connection must not have read the notes index before, since FTS5 caches its
        structure per connection: use this only while building a new file.
        """
        self._thread.join()
        try:
            if self._error is not None:
                raise self._error
            conn.execute("ATTACH DATABASE ? AS fieldwork_index", (str(self.scratch),))
            try:
                conn.execute("BEGIN")
                for table in _SHADOW_TABLES:
                    conn.execute(f"DELETE FROM main.{table}")
                    conn.execute(
                        f"INSERT INTO main.{table} SELECT * FROM fieldwork_index.{table}"
                    )
                conn.execute(
                    "INSERT OR IGNORE INTO main.links SELECT * FROM fieldwork_index.links "
                    "ORDER BY finding_id, note_id"
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("DETACH DATABASE fieldwork_index")
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the scratch database (waiting for the thread first)."""
        self._thread.join()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.scratch}{suffix}").unlink(missing_ok=True)
