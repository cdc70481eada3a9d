"""Remembering a file's passphrase in the operating system's keychain, and nowhere else.

Fieldwork stores a passphrase only when the user ticks "Remember in the system keychain",
and only through :mod:`keyring` (the macOS Keychain, the Windows Credential Locker, the
Secret Service on Linux desktops). Where keyring finds no usable keychain (its ``fail`` or
``null`` backend, as on a bare Linux machine or a server), nothing is offered and nothing
is stored. No passphrase ever goes to QSettings, a log or a crash report.

Entries are kept under the service ``Fieldwork`` and keyed by the encrypted file's
identity: the random salt SQLCipher writes at the start of every encrypted file (see
:func:`file_identity`), so an entry follows the file when it is moved or renamed, and a
file encrypted again (a new salt) does not pick up an old passphrase.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

SERVICE = "Fieldwork"
#: How many bytes of an encrypted file's start make its identity (SQLCipher's salt).
SALT_BYTES = 16


def file_identity(path: Path) -> str:
    """The keychain name of an encrypted file: ``inspection-`` and a digest of its salt.

    Reads the file's first bytes with plain file I/O: call it only while no SQLite
    connection to the file is open in this process (closing a descriptor drops SQLite's
    POSIX locks).
    """
    with open(path, "rb") as fh:
        head = fh.read(SALT_BYTES)
    return "inspection-" + hashlib.sha256(head).hexdigest()[:32]


def _backend_usable() -> bool:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    try:
        backend = keyring.get_keyring()
    except Exception:
        return False
    names = {type(b).__module__ for b in getattr(backend, "backends", [backend])}
    if isinstance(backend, fail.Keyring) or names <= {"keyring.backends.fail",
                                                      "keyring.backends.null"}:
        return False
    try:
        return float(getattr(backend, "priority", 1)) > 0
    except Exception:
        return False


class Keychain:
    """The system keychain as Fieldwork uses it (every call is quick and safe to fail:
    a keychain that refuses is treated as one that holds nothing)."""

    def usable(self) -> bool:
        """Whether there is a keychain to offer (not keyring's fail or null backend)."""
        return _backend_usable()

    def get(self, identity: str) -> str | None:
        if not identity or not self.usable():
            return None
        import keyring

        try:
            return keyring.get_password(SERVICE, identity) or None
        except Exception:
            return None

    def set(self, identity: str, passphrase: str) -> bool:
        """Remember ``passphrase``; False if the keychain refused."""
        if not identity or not self.usable():
            return False
        import keyring

        try:
            keyring.set_password(SERVICE, identity, passphrase)
        except Exception:
            return False
        return True

    def forget(self, identity: str) -> None:
        if not identity or not self.usable():
            return
        import keyring

        with contextlib.suppress(Exception):
            keyring.delete_password(SERVICE, identity)
