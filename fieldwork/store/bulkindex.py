"""Building the notes search index (and links) on the other core while the rows go in.

Tokenising the text is the largest part of a bulk import. When a file's notes index is
still empty (a new file being built), the index is built by a separate process
(:mod:`index_worker`) into a scratch database beside the file, while this process inserts
the rows; its FTS5 shadow tables are then copied in whole. A process rather than a
thread: a thread must take the GIL back for every row it hands to SQLite, and with the
main thread busy in Python that made the index four times slower than on its own.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import queue
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from fieldwork import files
from fieldwork.store import index_worker
from fieldwork.store.cipher import FileKey
from fieldwork.store.db import SQL_ERRORS, remove_database

_SHADOW_TABLES = ("notes_fts_data", "notes_fts_idx", "notes_fts_docsize")
_BATCH = 5000


#: Queued to the feeder: send the end frame and stop; or stop without it.
_END: tuple[bytes, Any] = (index_worker.END, None)
_STOP: tuple[bytes, Any] = (b"", None)


def _worker_error(code: int, message: str) -> Exception:
    """What the worker's failure stands for.

    Its SQLite errors (a full disk, say) are raised as such, with their code, so that the
    store translates them like its own: a mistake in SQL stays a bug. Another Python
    error in the worker is a bug too. A worker that stopped without a word (killed, out
    of memory, no interpreter) is an expected failure.
    """
    from fieldwork.errors import FieldworkError

    line = message.splitlines()[-1] if message else ""
    number, sep, detail = line.partition("|")
    if sep and number.isdigit():
        if int(number):
            err = sqlite3.OperationalError(detail.partition(": ")[2] or detail)
            err.sqlite_errorcode = int(number)
            return err
        return RuntimeError(f"the search index worker failed: {detail}")
    return FieldworkError(
        f"the search index could not be built (its worker stopped with code {code}"
        + (f": {line})" if line else ")")
    )


def _module_folder() -> str:
    """The folder from which the worker (which runs without site-packages) imports
    ``sqlcipher3``."""
    import sqlcipher3

    return os.path.dirname(os.path.dirname(os.path.abspath(sqlcipher3.__file__)))


def _frame(kind: bytes, payload: Any) -> bytes:
    body = marshal.dumps(payload)
    return kind + len(body).to_bytes(8, "little") + body


class ParallelNotesIndex:
    """Index notes and collect links in a worker process; :meth:`install` copies both in.

    The worker makes its index with ``fts_sql``, the file's own definition of
    ``notes_fts``, holding up to ``hash_size`` bytes of it in memory. Feed it with
    :meth:`add_rows` and :meth:`add_links`, then :meth:`install`, or :meth:`discard` to
    stop. Batches are serialised and written by a feeding thread, so the caller's thread
    only queues them.
    """

    def __init__(self, beside: Path, fts_sql: str, hash_size: int,
                 key: FileKey | None = None) -> None:
        self.scratch = files.work_path(beside, "index")
        self._key = key
        files.create_private(self.scratch)  # owner-only, whatever the worker's umask
        argv = [sys.executable, "-I", "-S", index_worker.__file__, str(self.scratch),
                str(hash_size), fts_sql]
        if key is not None:  # the scratch index is encrypted with the file's key
            argv.append(_module_folder())
        self._proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._queue: queue.SimpleQueue[tuple[bytes, Any]] = queue.SimpleQueue()
        self._feed_error: BaseException | None = None
        self._feeder = threading.Thread(target=self._feed, name="fieldwork-index-feed",
                                        daemon=True)
        self._feeder.start()
        if key is not None:  # through the pipe, never on the command line
            self._put(index_worker.KEY, key.pragma_value)

    # ------------------------------------------------------------ the feeding side
    def add_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Queue ``(rowid, *the index's columns)`` rows, rowids going up."""
        for start in range(0, len(rows), _BATCH):
            self._put(index_worker.ROWS, rows[start:start + _BATCH])

    def add_links(self, links: Iterable[tuple[str, str]]) -> None:
        """Queue ``(finding_id, note_id)`` links."""
        self._put(index_worker.LINKS, list(links))

    def _put(self, kind: bytes, payload: Any) -> None:
        self._queue.put((kind, payload))

    def _finish_feeding(self, *, complete: bool = True) -> None:
        """Tell the feeder there is no more: the worker hears the end, or (not
        ``complete``, with the worker already stopped) the feeder just stops."""
        self._queue.put(_END if complete else _STOP)
        self._feeder.join()

    def _feed(self) -> None:
        pipe: IO[bytes] | None = self._proc.stdin
        assert pipe is not None
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    break
                pipe.write(_frame(*item))
                if item is _END:
                    break
        except BaseException as err:  # the worker died; install() reports why
            self._feed_error = err
        finally:
            with contextlib.suppress(OSError):
                pipe.close()

    # ------------------------------------------------------------- the other end
    def _wait(self) -> None:
        self._finish_feeding()
        assert self._proc.stderr is not None
        message = self._proc.stderr.read().decode("utf-8", "replace").strip()
        code = self._proc.wait()
        if code != 0 or self._feed_error is not None:
            raise _worker_error(code, message)

    def install(self, conn: sqlite3.Connection) -> None:
        """Wait for the worker, then copy its index into ``conn``'s (empty) notes index.

        Runs its own transaction (SQLite cannot attach a database inside one). The
        connection must not have read the notes index before, since FTS5 caches its
        structure per connection: use this only while building a new file.
        """
        try:
            self._wait()
            keyed = f" KEY {self._key.pragma_value}" if self._key is not None else ""
            conn.execute(f"ATTACH DATABASE ? AS fieldwork_index{keyed}", (str(self.scratch),))
            try:
                conn.execute("BEGIN")
                for table in _SHADOW_TABLES:
                    conn.execute(f"DELETE FROM main.{table}")
                    conn.execute(
                        f"INSERT INTO main.{table} SELECT * FROM fieldwork_index.{table}"
                    )
                # The worker's memory setting (hashsize) stays behind.
                conn.execute("DELETE FROM main.notes_fts_config")
                conn.execute(
                    "INSERT INTO main.notes_fts_config SELECT * FROM "
                    "fieldwork_index.notes_fts_config WHERE k != 'hashsize'"
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
                with contextlib.suppress(*SQL_ERRORS):
                    conn.execute("DETACH DATABASE fieldwork_index")
        finally:
            self.discard()

    def discard(self) -> None:
        """Stop the worker if it still runs and remove the scratch database."""
        if self._proc.poll() is None:
            self._proc.kill()
        if self._feeder.is_alive():
            self._finish_feeding(complete=False)
        with contextlib.suppress(OSError):
            self._proc.wait()
        if self._proc.stderr is not None:
            self._proc.stderr.close()
        remove_database(self.scratch)
