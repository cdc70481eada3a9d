"""One inspection file, one writing app: a lock file beside the inspection, and who holds it.

The app takes the lock when it opens a file for writing and releases it when the file
closes; the command line does not take it (it may write while the app is open, and the app
shows those changes). A second app, or a second window of the same app, is refused with
:class:`AlreadyOpen`, which names the person and machine, and may open the file read-only.

The lock is a separate hidden file, ``.NAME.fieldwork.lock`` beside ``NAME.fieldwork``,
created 0600. It holds JSON saying who holds it (the inspector, the OS user, the machine,
the process, the app, since when). The inspection file itself is never opened here: on
POSIX, closing any descriptor of a file drops every SQLite lock the process holds on it.

On POSIX the holder keeps an ``fcntl`` lock on the lock file for as long as it is open.
A lock file left by a crashed app has no ``fcntl`` lock on it any more, so the next acquire
takes it over silently. ``fcntl`` locks do not conflict within one process, so a
process-wide registry refuses a second acquire of the same file here too (and means this
module never opens a lock file it holds, which would drop the lock when closed). Where
``fcntl`` is missing (Windows), the lock file is created exclusively and a lock whose
process no longer runs on this machine is stale.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import getpass
import json
import os
import socket
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from fieldwork.errors import FileLocked, NotAnInspection, ReadOnly

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Whether fcntl locks are used (tests turn this off to run the Windows way).
USE_FCNTL = fcntl is not None

FORMAT = "fieldwork-lock"
APP = "Fieldwork"
#: How long to wait for a new holder to finish writing who it is.
READ_RETRIES = 20
READ_PAUSE = 0.01
#: Without fcntl, an unreadable lock file older than this is stale.
GARBLED_STALE_SECONDS = 10.0
MAX_FIELD = 120


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file of an inspection file: ``.NAME.fieldwork.lock`` beside it (beside the
    file itself, when ``path`` is a symbolic link to it)."""
    p = Path(os.path.realpath(path))
    return p.with_name(f".{p.name}.lock")


# =========================================================================== who
@dataclass(frozen=True)
class Holder:
    """Who holds an inspection file open for writing."""

    person: str = ""  # the inspector's name, when the app knows it
    user: str = ""  # the OS login
    full_name: str = ""  # the OS user's full name
    host: str = ""
    pid: int = 0
    app: str = APP
    version: str = ""
    since: str = ""  # ISO 8601 with the holder's UTC offset

    @property
    def who(self) -> str:
        """``Alison Whitcombe (alison)``, or the login alone when that is all there is."""
        name = self.person or self.full_name
        if name and self.user and name.casefold() != self.user.casefold():
            return f"{name} ({self.user})"
        return name or self.user or "someone"

    @property
    def since_text(self) -> str:
        """``10:42`` today, ``3 Mar 10:42`` on another day (local time), or empty."""
        try:
            when = dt.datetime.fromisoformat(self.since)
        except ValueError:
            return ""
        if when.tzinfo is not None:
            when = when.astimezone()
        if when.date() == dt.date.today():
            return when.strftime("%H:%M")
        return f"{when.day} {when.strftime('%b %H:%M')}"

    @property
    def here(self) -> bool:
        """Held by this very process (another window of this app)."""
        return self.pid == os.getpid() and self.host == _host()

    def describe(self, name: str) -> str:
        """One line: ``NAME is open in Fieldwork by Alison Whitcombe (alison) on LAPTOP-7
        since 10:42``."""
        since = f" since {self.since_text}" if self.since_text else ""
        if self.here:
            return f"{name} is already open in another window of this Fieldwork{since}"
        where = f" on {self.host}" if self.host else ""
        return f"{name} is open in {self.app or APP} by {self.who}{where}{since}"

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False,
                          indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Holder | None:
        """The holder a lock file names, or None if it names none (empty, garbled, hostile)."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        fields: dict[str, Any] = {}
        for key in ("person", "user", "full_name", "host", "app", "version", "since"):
            value = data.get(key)
            if isinstance(value, str):
                fields[key] = _clean(value)
        pid = data.get("pid")
        if isinstance(pid, int) and not isinstance(pid, bool) and 0 < pid < 2**31:
            fields["pid"] = pid
        return cls(**fields)


def _clean(text: str) -> str:
    """A name fit for a one-line message: no control characters, not too long."""
    text = "".join(c if c.isprintable() else " " for c in text)
    text = " ".join(text.split())
    return text[:MAX_FIELD]


def _host() -> str:
    try:
        return _clean(socket.gethostname())
    except OSError:  # pragma: no cover
        return ""


def _login() -> str:
    try:
        return _clean(getpass.getuser())
    except (OSError, KeyError, ImportError):  # pragma: no cover - no login name at all
        return ""


def _full_name(login: str) -> str:
    """The OS user's full name (the GECOS field on POSIX), if it has one."""
    try:
        import pwd
    except ImportError:  # pragma: no cover - Windows
        return _windows_full_name()
    try:
        gecos = pwd.getpwnam(login).pw_gecos if login else ""
    except KeyError:
        return ""
    return _clean(gecos.split(",")[0])


def _windows_full_name() -> str:  # pragma: no cover - Windows only
    try:
        import ctypes

        get_name = ctypes.windll.secur32.GetUserNameExW  # type: ignore[attr-defined]
        size = ctypes.c_ulong(0)
        get_name(3, None, ctypes.byref(size))  # 3 = NameDisplay
        buffer = ctypes.create_unicode_buffer(size.value)
        if get_name(3, buffer, ctypes.byref(size)):
            return _clean(buffer.value)
    except (AttributeError, OSError):
        pass
    return ""


def me(person: str = "") -> Holder:
    """This process, as a lock file names it."""
    from fieldwork import __version__

    login = _login()
    return Holder(person=_clean(person), user=login, full_name=_full_name(login),
                  host=_host(), pid=os.getpid(), app=APP, version=__version__,
                  since=dt.datetime.now().astimezone().isoformat(timespec="seconds"))


# ======================================================================== errors
class AlreadyOpen(FileLocked):
    """The file is open for writing in another app or window; ``holder`` says whose."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        self.path = path
        self.holder = holder
        if holder is None:
            message = f"{path.name} is open in another Fieldwork window"
        else:
            message = holder.describe(path.name)
        super().__init__(message)


class LockUnavailable(ReadOnly):
    """The lock file cannot be made (a read-only folder or disk): open the file read-only.

    ``reason`` finishes the sentence "Read-only: …", e.g. "the file is on a read-only disk".
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


# ========================================================================== lock
_registry: dict[str, FileLock] = {}
_registry_lock = threading.Lock()


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


class FileLock:
    """A held lock on one inspection file. Release it with :meth:`release` (or ``with``)."""

    def __init__(self, path: Path, key: str, fd: int, holder: Holder) -> None:
        self.path = path
        self.lock_file = lock_path(path)
        self.holder = holder
        self._key = key
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def set_person(self, person: str) -> None:
        """Say which inspector holds the file (known once the file is read)."""
        with _registry_lock:
            if self._fd is None or _clean(person) == self.holder.person:
                return
            self.holder = replace(self.holder, person=_clean(person))
            with contextlib.suppress(OSError):
                _write_holder(self._fd, self.holder)

    def release(self) -> None:
        """Give the file up: the lock file is removed. Releasing twice is harmless."""
        with _registry_lock:
            fd, self._fd = self._fd, None
            if fd is None:
                return
            if _registry.get(self._key) is self:
                del _registry[self._key]
            if USE_FCNTL:
                # Unlink while still locked: anyone who opened the old file sees it gone
                # (a different inode from the path's) and tries again.
                with contextlib.suppress(OSError):
                    os.unlink(self.lock_file)
                os.close(fd)
            else:
                os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(self.lock_file)

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"FileLock({str(self.path)!r}, held={self.held})"


def acquire(path: str | os.PathLike[str], *, person: str = "") -> FileLock:
    """Take the lock on an inspection file for this process.

    :raises AlreadyOpen: another app, or another window here, holds it
    :raises LockUnavailable: the lock file cannot be made (open the file read-only)
    :raises NotAnInspection: the file's folder does not exist
    """
    p = Path(path)
    key = _key(p)
    with _registry_lock:
        mine = _registry.get(key)
        if mine is not None:
            raise AlreadyOpen(p, mine.holder)
        if not p.parent.is_dir():
            raise NotAnInspection(f"{p}: no such directory: {p.parent}")
        holder = me(person)
        fd = _take_fcntl(p) if USE_FCNTL else _take_exclusive(p)
        try:
            _fix_mode(fd)
            _write_holder(fd, holder)
        except OSError as err:
            with contextlib.suppress(OSError):
                os.unlink(lock_path(p))
            os.close(fd)
            raise _unavailable(p, err) from err
        lock = FileLock(p, key, fd, holder)
        _registry[key] = lock
        return lock


def holder_of(path: str | os.PathLike[str]) -> Holder | None:
    """Who the lock file names, without taking or testing the lock (None: no lock file)."""
    p = Path(path)
    with _registry_lock:
        mine = _registry.get(_key(p))
        if mine is not None:
            return mine.holder
    try:
        raw = lock_path(p).read_bytes()
    except OSError:
        return None
    return Holder.from_json(raw)


def is_locked_here(path: str | os.PathLike[str]) -> bool:
    """Whether this process holds the lock on ``path``."""
    with _registry_lock:
        return _key(Path(path)) in _registry


# ------------------------------------------------------------------- the POSIX way
_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)


def _take_fcntl(path: Path) -> int:
    """Open (or create) the lock file and hold an fcntl lock on it."""
    target = lock_path(path)
    assert fcntl is not None
    while True:
        try:
            fd = os.open(target, _FLAGS, 0o600)
        except OSError as err:
            raise _refused(path, err) from err
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EACCES, errno.EAGAIN):
                os.close(fd)
                raise _unavailable(path, err) from err
            holder = _read_while_written(fd)
            os.close(fd)
            raise AlreadyOpen(path, holder) from None
        # The holder before us may have removed the file between our open and our lock:
        # then we hold a lock on a file nobody else will see. Start again.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(target, follow_symlinks=False))
        except OSError:
            same = False
        if same:
            return fd
        os.close(fd)


def _read_while_written(fd: int) -> Holder | None:
    """The holder's record; a holder that has only just taken the lock may still be
    writing it, so wait a moment for it."""
    for _ in range(READ_RETRIES):
        try:
            holder = Holder.from_json(os.pread(fd, 64 * 1024, 0))
        except OSError:
            return None
        if holder is not None:
            return holder
        time.sleep(READ_PAUSE)
    return None


def _write_holder(fd: int, holder: Holder) -> None:
    data = holder.to_json()
    os.ftruncate(fd, 0)
    if hasattr(os, "pwrite"):
        os.pwrite(fd, data, 0)
    else:  # pragma: no cover - Windows
        _write_at_start(fd, data)


def _write_at_start(fd: int, data: bytes) -> None:  # pragma: no cover
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)


def _fix_mode(fd: int) -> None:
    """0600 whatever the umask (the lock file names a person)."""
    if hasattr(os, "fchmod"):
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)


# ----------------------------------------------------------------- the Windows way
def _take_exclusive(path: Path) -> int:
    """Create the lock file exclusively; clear it first if its holder no longer runs."""
    target = lock_path(path)
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOINHERIT", 0)
    for _ in range(5):
        try:
            return os.open(target, flags, 0o600)
        except FileExistsError:
            pass
        except OSError as err:
            raise _refused(path, err) from err
        holder = _read_file(target)
        if not _stale(target, holder):
            raise AlreadyOpen(path, holder)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
    raise AlreadyOpen(path, _read_file(target))


def _read_file(target: Path) -> Holder | None:
    for _ in range(READ_RETRIES):
        try:
            holder = Holder.from_json(target.read_bytes())
        except OSError:
            return None
        if holder is not None:
            return holder
        time.sleep(READ_PAUSE)
    return None


def _stale(target: Path, holder: Holder | None) -> bool:
    """Without fcntl: the holder's process is gone from this machine, or its record has
    stayed unreadable for a while. A holder on another machine cannot be checked."""
    if holder is None:
        try:
            age = time.time() - target.stat().st_mtime
        except FileNotFoundError:
            return True
        return age > GARBLED_STALE_SECONDS
    if holder.host != _host():
        return False
    return holder.pid != os.getpid() and not pid_alive(holder.pid)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows: os.kill would end the process
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ------------------------------------------------------------------------ errors
def _refused(path: Path, err: OSError) -> FileLocked | ReadOnly:
    """The lock file could not be opened: someone else's lock, or a folder we cannot write."""
    target = lock_path(path)
    if err.errno in (errno.EACCES, errno.EPERM) and target.exists():
        # Another user's lock file (0600): who it is, is all we can learn.
        return AlreadyOpen(path, Holder(user=_owner(target), app=APP))
    return _unavailable(path, err)


def _unavailable(path: Path, err: OSError) -> LockUnavailable:
    what = (err.strerror or str(err)).lower()
    if err.errno == errno.EROFS:
        return LockUnavailable(path, "the file is on a read-only disk")
    if err.errno == errno.ENOSPC:
        return LockUnavailable(path, "the file's disk is full")
    return LockUnavailable(path, f"the file's folder cannot be written ({what})")


def _owner(target: Path) -> str:
    try:
        import pwd

        return _clean(pwd.getpwuid(target.stat().st_uid).pw_name)
    except (ImportError, KeyError, OSError):
        return ""


__all__ = [
    "AlreadyOpen",
    "FileLock",
    "Holder",
    "LockUnavailable",
    "acquire",
    "holder_of",
    "is_locked_here",
    "lock_path",
    "pid_alive",
]
