"""Files Fieldwork writes beside the user's evidence, and the rules that keep evidence safe.

* **Which databases this process has open** (:func:`register_open`): on POSIX, closing any
  descriptor of a file drops every lock the process holds on it, so nothing may open an
  inspection file, or its ``-wal``/``-shm``, with plain file I/O while a connection to it
  is open here. Code that reads or writes a path the user chose asks first.
* **No output over evidence** (:func:`refuse_overwrite`): an export, a letter, an
  appendix or a pack never replaces an inspection file (any SQLite database), a pack, its
  own input, or a database's journal files.
* **Owner-only** (:data:`PRIVATE_FILE`, :func:`create_private`, :func:`private_dir`):
  every file Fieldwork creates is 0600 and every folder 0700, whatever the umask.
* **Work files** (:func:`work_path`, :func:`sweep`): a file being built is hidden beside
  its target under a name that says which process made it, and a folder is swept of the
  work files of dead processes whenever Fieldwork writes there.
* **Writing whole or not at all** (:func:`atomic_write`).
"""

from __future__ import annotations

import collections
import contextlib
import errno
import hashlib
import os
import re
import socket
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from fieldwork.errors import DiskFull, FieldworkError, InvalidValue, ReadOnly

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

#: The first bytes of the files that must never be written over.
SQLITE_MAGIC = b"SQLite format 3\x00"
PACK_MAGIC = b"FWPACK\x00\x01"
_WAL_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_JOURNAL_MAGIC = b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"
#: The files SQLite keeps beside a database.
SIDECARS = ("-wal", "-shm", "-journal")

#: How long a work file made on another machine (a shared folder) is left alone.
FOREIGN_WORK_FILE_AGE = 24 * 3600


class ProtectedFile(InvalidValue):
    "An output path names evidence (an inspection file, a pack, or the command's input)."


# ------------------------------------------------------------ open databases
_open_lock = threading.Lock()
#: One record per open connection: its token → ((st_dev, st_ino), the path it opened).
_open: dict[int, tuple[tuple[int, int], str]] = {}
_tokens = iter(range(1, 1 << 62))
#: Tokens of connections closed since, removed from _open the next time it is read.
_closed: collections.deque[int] = collections.deque()


def _key(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def _stat(path: str | os.PathLike[str]) -> os.stat_result | None:
    """``os.stat`` (which opens no descriptor), or None when the path cannot be stat'ed."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def register_open(path: str | os.PathLike[str]) -> int | None:
    """Record that a connection to the database at ``path`` is open in this process.

    :returns: the token to pass to :func:`unregister_open`
    """
    st = _stat(path)
    if st is None:
        return None
    with _open_lock:
        token = next(_tokens)
        _open[token] = (_key(st), os.path.abspath(path))
    return token


def unregister_open(token: int | None) -> None:
    """Record that the connection registered as ``token`` was closed.

    Takes no lock: it also runs from the garbage collector (a store dropped without being
    closed), which may run while this thread holds the registry's lock.
    """
    if token is not None:
        _closed.append(token)


def _records() -> list[tuple[tuple[int, int], str]]:
    with _open_lock:
        while _closed:
            _open.pop(_closed.popleft(), None)
        return list(_open.values())


def _open_keys() -> set[tuple[int, int]]:
    """The (st_dev, st_ino) of the databases open here whose file is still where it was
    opened. A file deleted meanwhile (with a store left open on it) drops out, so that its
    inode number, reused by a new file, does not make that file look open."""
    keys = set()
    for key, path in _records():
        if key not in keys:
            st = _stat(path)
            if st is not None and _key(st) == key:
                keys.add(key)
    return keys


def is_open_here(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a database open in this process, or one of its journal files."""
    keys = _open_keys()
    if not keys:
        return False
    st = _stat(path)
    if st is not None and _key(st) in keys:
        return True
    base = sidecar_base(path)
    if base is not None:
        st = _stat(base)
        return st is not None and _key(st) in keys
    return False


def sidecar_base(path: str | os.PathLike[str]) -> Path | None:
    """The database a ``-wal``, ``-shm`` or ``-journal`` path belongs to, by its name."""
    name = os.fspath(path)
    for suffix in SIDECARS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return Path(name[: -len(suffix)])
    return None


# ---------------------------------------------------------- no output over evidence
def _head(path: Path) -> bytes:
    """The first 16 bytes of a file known not to be a database open in this process."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16)
    except OSError:
        return b""


def refuse_overwrite(
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    replaceable: Callable[[Path], bool] | None = None,
) -> None:
    """Refuse an output path that would destroy evidence; the file is left untouched.

    Refused: an existing inspection file (any SQLite database), an existing pack, the
    command's own ``inputs`` or any database open in this process, their ``-wal``,
    ``-shm`` or ``-journal`` (existing or not), a journal or write-ahead log of any
    database, and anything that is not a regular file. Whether a path is an input is told
    by ``os.stat`` alone; only a file that is neither an input nor open here is read.

    ``replaceable`` is the one way past a rule, and past one rule only: an existing pack
    for which ``replaceable(path)`` is true may be replaced (a team folder's sync replaces
    its own previous pack, :func:`fieldwork.packs.export.is_own_pack`). Everything else
    stays refused.

    :raises ProtectedFile: with a one-line reason
    """
    p = Path(path)
    own = set()
    for item in inputs:
        st = _stat(item)
        if st is not None:
            own.add(_key(st))
    protected = own | _open_keys()
    st = _stat(p)
    if st is not None and _key(st) in own:
        raise ProtectedFile(
            f"{p}: is the inspection file this command reads; choose another name"
        )
    if st is not None and _key(st) in protected:
        raise ProtectedFile(
            f"{p}: is an open inspection file; Fieldwork never writes over one: choose "
            "another name"
        )
    base = sidecar_base(p)
    if base is not None:
        base_st = _stat(base)
        if base_st is not None and (
            _key(base_st) in protected
            or (stat.S_ISREG(base_st.st_mode) and (
                _head(base).startswith(SQLITE_MAGIC)
                or looks_encrypted(_head(base), base_st.st_size)))
        ):
            raise ProtectedFile(
                f"{p}: belongs to the inspection file {base.name} (SQLite keeps its "
                "unsaved changes there); choose another name"
            )
    if st is None:
        return
    if stat.S_ISDIR(st.st_mode):
        raise ProtectedFile(f"{p}: is a folder; give the name of a file to write")
    if not stat.S_ISREG(st.st_mode):
        raise ProtectedFile(f"{p}: is not a regular file; give the name of a file to write")
    head = _head(p)
    if head.startswith(SQLITE_MAGIC):
        raise ProtectedFile(
            f"{p}: is an inspection file (an SQLite database); Fieldwork never writes over "
            "one: choose another name"
        )
    if looks_encrypted(head, st.st_size):
        raise ProtectedFile(
            f"{p}: looks like an encrypted inspection file; Fieldwork never writes over "
            "one: choose another name"
        )
    if head.startswith(PACK_MAGIC) and not (replaceable is not None and replaceable(p)):
        raise ProtectedFile(
            f"{p}: is a Fieldwork pack, which a teammate may not have merged yet; Fieldwork "
            "never writes over one: choose another name"
        )
    if head[:4] in _WAL_MAGICS or head[:8] == _JOURNAL_MAGIC:
        raise ProtectedFile(
            f"{p}: holds unsaved changes of an SQLite database (a write-ahead log or "
            "journal); choose another name"
        )


#: An encrypted inspection file's pages, and so its size's divisor.
ENCRYPTED_PAGE = 4096
_NOT_ENCRYPTED_MAGICS = (SQLITE_MAGIC, PACK_MAGIC, b"%PDF", b"PK\x03\x04")


def looks_encrypted(header: bytes, size: int) -> bool:
    """Whether a file with this header and size can be an encrypted inspection file: whole
    pages, and a first 16 bytes that are a random salt rather than a known format's."""
    return (
        size >= ENCRYPTED_PAGE
        and size % ENCRYPTED_PAGE == 0
        and len(header) == 16
        and not header.startswith(_NOT_ENCRYPTED_MAGICS)
        and any(b >= 0x80 or b < 0x09 for b in header)
    )


def refuse_stray_journal(path: str | os.PathLike[str]) -> None:
    """Refuse to make a new database at ``path`` while a write-ahead log or journal of an
    earlier file of that name lies beside it: SQLite would apply it to the new file.

    :raises ProtectedFile: naming the log, which is left as it is
    """
    for suffix in ("-wal", "-journal"):
        log = f"{os.fspath(path)}{suffix}"
        if os.path.lexists(log):
            raise ProtectedFile(
                f"{log}: a log left by an earlier {Path(path).name} is in the way (it may "
                "hold that file's last changes); move it away and try again"
            )


# ------------------------------------------------------------------ owner-only
def _fchmod(fd: int, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)


def create_private(path: str | os.PathLike[str]) -> None:
    """Create an empty file only its owner may read, whatever the umask (it must not exist).

    A database made in it gives its ``-wal`` and ``-shm`` the same permissions.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                 PRIVATE_FILE)
    try:
        _fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Make a folder (and missing parents) that only its owner may use; returns it.

    An existing folder is tightened to 0700 when it belongs to this user.
    """
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    tighten(p)
    return p


def tighten(path: str | os.PathLike[str]) -> None:
    """Take the group's and others' permissions off a file or folder this user owns.

    By path (``chmod`` opens no descriptor). The owner's own bits are left as they are:
    a file marked read-only stays read-only. Failures are ignored.
    """
    if os.name != "posix":
        return
    try:
        st = os.stat(path)
        if st.st_uid == os.geteuid() and st.st_mode & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)
    except OSError:
        pass


def private_database(path: str | os.PathLike[str]) -> None:
    """Before opening a database to write it: the file owner-only (:func:`tighten`), and
    its ``-wal``/``-shm``, when this user's, exactly 0600. A read-only connection (to a
    file marked read-only, say) leaves them behind with the file's read-only mode, which
    would keep a later writer from using them."""
    tighten(path)
    if os.name != "posix":
        return
    for suffix in ("-wal", "-shm"):
        side = f"{os.fspath(path)}{suffix}"
        try:
            st = os.stat(side)
            if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) != PRIVATE_FILE:
                os.chmod(side, PRIVATE_FILE)
        except OSError:
            pass


# ------------------------------------------------------------------ work files
def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


HOST_TAG = _host_tag()

_WORK_NAME = re.compile(
    r"^\.(?P<name>.+)\.(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[0-9a-f]{8}\.(?P<kind>[a-z]+)"
    r"(?P<side>-wal|-shm|-journal)?$"
)
#: Work files of Fieldwork before they were named by their maker: left alone for a day.
_OLD_WORK_NAME = re.compile(
    r"^\.(?:.+\.[0-9a-f]{8}\.(?:importing|joining|tmp|copying|index)|.+\.demo\.fieldwork)"
    r"(?:-wal|-shm|-journal)?$"
)


def work_path(target: str | os.PathLike[str], kind: str) -> Path:
    """A hidden work file beside ``target``, named for this machine and process.

    ``.{target.name}.{hosttag}-{pid}-{random}.{kind}``: :func:`sweep` removes it once its
    process is gone. ``kind`` is a lower-case word (importing, joining, tmp, copying,
    index, staging, reading).
    """
    if not re.fullmatch(r"[a-z]+", kind) or kind == "lock":
        raise ValueError(f"not a work file kind: {kind!r}")
    t = Path(target)
    return t.with_name(f".{t.name}.{HOST_TAG}-{os.getpid()}-{uuid.uuid4().hex[:8]}.{kind}")


def _process_start(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), where the system says."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        with open("/proc/stat", "rb") as fh:
            btime = next(int(line.split()[1]) for line in fh if line.startswith(b"btime"))
        return btime + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def _maker_alive(pid: int, made: float) -> bool:
    """Whether the process that made a work file at time ``made`` still runs here."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return time.time() - made < FOREIGN_WORK_FILE_AGE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but another user's
        return True
    started = _process_start(pid)
    # A process that started after the file was last written did not make it: its pid
    # was reused.
    return started is None or started <= made + 2


def sweep(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the work files that dead processes left in ``folder``; returns them.

    A work file of a live process on this machine is never touched; one made on another
    machine is removed when it is more than a day old, as is one named before work
    files named their maker. Files ending ``.lock`` are never touched. Failures are
    ignored (a read-only folder, a file removed meanwhile).
    """
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(".")]
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if entry.name.endswith(".lock"):
            continue
        try:
            made = entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        match = _WORK_NAME.match(entry.name)
        if match:
            if match["host"] == HOST_TAG:
                stale = not _maker_alive(int(match["pid"]), made)
            else:
                stale = now - made > FOREIGN_WORK_FILE_AGE
        elif _OLD_WORK_NAME.match(entry.name):
            stale = now - made > FOREIGN_WORK_FILE_AGE
        else:
            continue
        if stale and not entry.is_dir(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def remove_database(path: str | os.PathLike[str]) -> None:
    """Delete a work database and its journal, WAL and shared-memory files, if there."""
    for suffix in ("", *SIDECARS):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{os.fspath(path)}{suffix}")


# ------------------------------------------------------------- whole or nothing
def sync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename or a new file in ``folder`` durable (where the system allows it)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sync_file(path: str | os.PathLike[str]) -> None:
    """fsync a file that no connection in this process has open (a database just built)."""
    if is_open_here(path):
        raise RuntimeError(f"{path}: still open here; closing a descriptor would drop its locks")
    fd = os.open(path, os.O_RDONLY if os.name != "posix" else os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_error(path: str | os.PathLike[str], err: OSError) -> FieldworkError:
    """The expected error an ``OSError`` while writing ``path`` stands for."""
    if err.errno == errno.ENOSPC or err.errno == getattr(errno, "EDQUOT", -1):
        return DiskFull(f"{path}: the disk is full; nothing was written")
    if err.errno == errno.EROFS:
        return ReadOnly(f"{path}: the disk is read-only; nothing was written")
    if err.errno in (errno.EACCES, errno.EPERM):
        return ReadOnly(f"{path}: cannot be written ({err.strerror})")
    return FieldworkError(f"{path}: cannot be written ({err.strerror})")


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    durable: bool = True,
    replaceable: Callable[[Path], bool] | None = None,
) -> Iterator[BinaryIO]:
    """A file written beside ``path`` (0600) and renamed over it when the block ends well.

    The output is checked with :func:`refuse_overwrite` (given ``replaceable``) first and
    again just before the rename, and the folder swept of leftovers. ``durable`` syncs the
    file and the folder before and after the rename. On any error, Ctrl-C included, the
    work file is removed and ``path`` is untouched.

    :raises ProtectedFile: ``path`` names evidence
    :raises DiskFull: the disk filled up
    :raises ReadOnly: the folder cannot be written
    """
    p = Path(path)
    inputs = list(inputs)
    refuse_overwrite(p, inputs=inputs, replaceable=replaceable)
    if not p.parent.is_dir():
        raise FieldworkError(f"{p}: no such directory: {p.parent}")
    sweep(p.parent)
    tmp = work_path(p, "tmp")
    try:
        create_private(tmp)
        with open(tmp, "wb") as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        refuse_overwrite(p, inputs=inputs, replaceable=replaceable)
        os.replace(tmp, p)
        if durable:
            sync_dir(p.parent)
    except OSError as err:
        raise write_error(p, err) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
