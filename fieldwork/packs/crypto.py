"""The pack cipher: a key derived from the team passphrase by scrypt, and AES-256-GCM.

scrypt runs with n=2**15, r=8, p=1: about 32 MiB of memory and a few tenths of a second
on a laptop. That makes guessing a passphrase from a stolen pack slow, while a merge of
many packs pays it once, because every pack of one inspection uses the same salt (derived
from the inspection id) and derived keys are cached for the life of the process.

The salt being team-wide is safe: it only has to stop precomputed tables, and each
inspection has its own. Every pack has a fresh random 96-bit nonce.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

#: The scrypt cost parameters of new packs.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1

NONCE_SIZE = 12
TAG_SIZE = 16

#: The key derivation each version of the pack format uses, fixed: a header that asks for
#: anything else was not made by Fieldwork, and is refused before any derivation, so a
#: forged header cannot make the reader spend minutes or gigabytes deriving a key.
KDF_PARAMS: dict[int, tuple[int, int, int]] = {1: (SCRYPT_N, SCRYPT_R, SCRYPT_P)}


class WrongKey(Exception):
    "The authentication tag did not match: a wrong key, or altered bytes."


def team_salt(inspection_id: str) -> bytes:
    """The salt every pack of one inspection shares."""
    return hashlib.sha256(b"fieldwork-pack-salt\x00" + inspection_id.encode("utf-8")).digest()[
        :16
    ]


@functools.lru_cache(maxsize=8)
def derive_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """The 256-bit key for ``passphrase``; cached, so a session derives each key once.

    :raises ValueError: parameters that no version of the pack format uses
    """
    if (n, r, p) not in KDF_PARAMS.values():
        raise ValueError(f"scrypt parameters n={n}, r={r}, p={p} are not a pack format's")
    kdf = Scrypt(salt=salt, length=32, n=n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def key_check(key: bytes) -> str:
    """A short tag of the key, so a reader can tell a wrong passphrase from damage."""
    return hmac.new(key, b"fieldwork-pack-key-check", hashlib.sha256).hexdigest()[:16]


def new_nonce() -> bytes:
    return os.urandom(NONCE_SIZE)


class ChunkCipher:
    """AES-256-GCM over a payload sealed in chunks, each with its own nonce and tag.

    Chunk ``i`` uses the pack's nonce XOR ``i``, and its associated data is the pack's
    header, ``i`` and whether it is the last chunk, so chunks cannot be dropped, reordered
    or cut short without failing authentication (the STREAM construction).
    """

    def __init__(self, key: bytes, nonce: bytes, header: bytes) -> None:
        self._aead = AESGCM(key)
        self._nonce = int.from_bytes(nonce, "big")
        self._header = header

    def _params(self, index: int, last: bool) -> tuple[bytes, bytes]:
        nonce = (self._nonce ^ index).to_bytes(NONCE_SIZE, "big")
        return nonce, self._header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")

    def seal_into(self, index: int, last: bool, plain: memoryview, out: memoryview) -> None:
        """Encrypt one chunk into ``out``, which is exactly ``TAG_SIZE`` bytes longer."""
        nonce, associated = self._params(index, last)
        self._aead.encrypt_into(nonce, plain, associated, out)

    def open_into(self, index: int, last: bool, sealed: memoryview, out: memoryview) -> None:
        """Decrypt and verify one chunk into ``out``, exactly ``TAG_SIZE`` bytes shorter.

        :raises WrongKey: the tag does not match
        """
        nonce, associated = self._params(index, last)
        try:
            self._aead.decrypt_into(nonce, sealed, associated, out)
        except InvalidTag:
            raise WrongKey() from None
