"""The pack file format: a plain header, then the sealed payload.

A pack is ``MAGIC``, the header's length (4 bytes, big-endian), the header (UTF-8 JSON),
the first 8 bytes of the header's SHA-256 (so a damaged header is told from a wrong
passphrase), then the body: the payload sealed with AES-256-GCM in chunks (see
:class:`~fieldwork.packs.crypto.ChunkCipher`). Everything before the body is bound into
every chunk's authentication, so changing any byte of the header makes the pack fail
to open. Sealing in chunks lets a pack be written while its payload is read, with
buffers of one chunk.

This module knows nothing of what the payload holds; see :mod:`fieldwork.packs.snapshot`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from fieldwork import files
from fieldwork.errors import BadPack, FieldworkError, IncompletePack, WrongPackPassphrase
from fieldwork.packs import crypto

MAGIC = b"FWPACK\x00\x01"
FORMAT = "fieldwork-pack"
#: The version of this file layout; a reader refuses a newer one.
FORMAT_VERSION = 1
CHUNK_SIZE = 1 << 20
MAX_CHUNK_SIZE = 64 << 20
MAX_HEADER = 64 * 1024
_PREFIX = len(MAGIC) + 4
_DIGEST = 8


class Source(Protocol):
    """A payload being read: ``size`` bytes, delivered in order by ``readinto``."""

    size: int

    def readinto(self, buffer: memoryview) -> int: ...


@dataclass(frozen=True)
class PackHeader:
    """What a pack says about itself, readable without the passphrase."""

    format_version: int
    inspection_id: str
    sender_id: str
    sender_name: str
    replica: str
    made_at: str
    schema_version: int
    payload_size: int
    chunk_size: int
    kdf: dict[str, int] = field(repr=False)
    salt: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    key_check: str = field(repr=False)
    #: The exact bytes before the body, bound into the authentication.
    raw: bytes = field(repr=False, compare=False, default=b"")

    @property
    def chunks(self) -> int:
        return max(1, -(-self.payload_size // self.chunk_size))

    @property
    def body_size(self) -> int:
        return self.payload_size + crypto.TAG_SIZE * self.chunks


def write_pack(path: Path, fields: dict[str, Any], source: Source, passphrase: str, *,
               replaceable: Callable[[Path], bool] | None = None) -> PackHeader:
    """Seal the payload ``source`` holds under ``passphrase``, writing the pack atomically.

    ``fields`` are the header's descriptive fields (inspection_id, sender_id, sender_name,
    replica, made_at, schema_version). An existing pack at ``path`` is never written over
    unless ``replaceable(path)`` says it may be (see :func:`fieldwork.files.atomic_write`).
    """
    salt = crypto.team_salt(str(fields["inspection_id"]))
    kdf = {"n": crypto.SCRYPT_N, "r": crypto.SCRYPT_R, "p": crypto.SCRYPT_P}
    key = crypto.derive_key(passphrase, salt, kdf["n"], kdf["r"], kdf["p"])
    nonce = crypto.new_nonce()
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "inspection_id": fields["inspection_id"],
        "sender": {"id": fields["sender_id"], "name": fields["sender_name"]},
        "replica": fields["replica"],
        "made_at": fields["made_at"],
        "schema_version": fields["schema_version"],
        "kdf": {"name": "scrypt", **kdf, "salt": _b64(salt)},
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
        "key_check": crypto.key_check(key),
        "payload_size": source.size,
        "chunk_size": CHUNK_SIZE,
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")
    raw = MAGIC + len(text).to_bytes(4, "big") + text + _digest(text)
    header = _parse(raw, text, path)
    cipher = crypto.ChunkCipher(key, nonce, raw)
    with _atomic_file(path, replaceable) as out:
        out.write(raw)
        plain = memoryview(bytearray(header.chunk_size))
        sealed = memoryview(bytearray(header.chunk_size + crypto.TAG_SIZE))
        left = header.payload_size
        for index in range(header.chunks):
            want = min(left, header.chunk_size)
            if _read_fully(source, plain[:want]) != want:
                raise FieldworkError(f"{path}: the inspection changed while the pack was made")
            end = want + crypto.TAG_SIZE
            cipher.seal_into(index, index == header.chunks - 1, plain[:want], sealed[:end])
            out.write(sealed[:end])
            left -= want
    return header


@contextlib.contextmanager
def _atomic_file(path: Path, replaceable: Callable[[Path], bool] | None = None
                 ) -> Iterator[BinaryIO]:
    """A file written beside ``path`` (owner-only) and renamed over it when the block ends
    well; never over evidence (see :func:`fieldwork.files.atomic_write`).

    There is no fsync: a pack can always be made again, and one torn by a crash is refused
    by its length and its authentication.
    """
    with files.atomic_write(path, durable=False, replaceable=replaceable) as fh:
        yield fh


def _read_fully(source: Source, buffer: memoryview) -> int:
    got = 0
    while got < len(buffer):
        n = source.readinto(buffer[got:])
        if not n:
            break
        got += n
    return got


def read_header(path: Path, *, whole: bool = True) -> PackHeader:
    """Read and check a pack's header alone (no passphrase needed). ``whole=False`` reads
    the header of a pack whose body may be cut short, or too long.

    :raises BadPack: unreadable, not a pack, truncated, or a damaged header
    """
    with _open(path) as fh:
        header = _read_header(fh, path, whole=whole)
    return header


def key_check(passphrase: str, inspection_id: str) -> str:
    """The key check a pack of this inspection made with ``passphrase`` carries in its
    header: comparing it with a header's tells a wrong passphrase without decrypting."""
    n, r, p = crypto.KDF_PARAMS[FORMAT_VERSION]
    return crypto.key_check(crypto.derive_key(passphrase, crypto.team_salt(inspection_id),
                                              n, r, p))


def read_pack(path: Path, passphrase: str) -> tuple[PackHeader, bytearray]:
    """Read, authenticate and decrypt a pack; returns its header and payload.

    :raises BadPack: unreadable, not a pack, truncated, damaged or tampered with, or the
        passphrase is wrong
    """
    with _open(path) as fh:
        header = _read_header(fh, path)
        kdf = header.kdf
        key = crypto.derive_key(passphrase, header.salt, kdf["n"], kdf["r"], kdf["p"])
        if crypto.key_check(key) != header.key_check:
            raise WrongPackPassphrase(f"{path}: wrong passphrase for this pack")
        cipher = crypto.ChunkCipher(key, header.nonce, header.raw)
        payload = bytearray(header.payload_size)
        out = memoryview(payload)
        sealed = memoryview(bytearray(header.chunk_size + crypto.TAG_SIZE))
        offset = 0
        for index in range(header.chunks):
            size = min(header.payload_size - offset, header.chunk_size)
            if fh.readinto(sealed[: size + crypto.TAG_SIZE]) != size + crypto.TAG_SIZE:
                raise IncompletePack(f"{path}: the pack is truncated")
            try:
                cipher.open_into(index, index == header.chunks - 1,
                                 sealed[: size + crypto.TAG_SIZE], out[offset : offset + size])
            except crypto.WrongKey:
                raise BadPack(
                    f"{path}: the pack is damaged or has been tampered with "
                    "(it fails authentication)"
                ) from None
            offset += size
    return header, payload


@contextlib.contextmanager
def _open(path: Path) -> Iterator[io.BufferedReader]:
    if files.is_open_here(path):  # reading it would drop this process's locks on it
        raise BadPack(f"{path}: not a Fieldwork pack (it is an open inspection file)")
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise BadPack(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadPack(f"{path}: is a folder, not a pack") from None
    except PermissionError:
        raise BadPack(f"{path}: cannot be read (permission denied)") from None
    except OSError as err:
        raise BadPack(f"{path}: cannot be read ({err.strerror})") from None
    try:
        with fh:
            yield fh
    except IsADirectoryError:
        raise BadPack(f"{path}: is a folder, not a pack") from None
    except OSError as err:
        raise BadPack(f"{path}: cannot be read ({err.strerror})") from None


def _read_header(fh: io.BufferedReader, path: Path, *, whole: bool = True) -> PackHeader:
    """The header, with the file's size checked against it (unless not ``whole``); ``fh``
    is left at the body."""
    prefix = fh.read(_PREFIX)
    length = _check_prefix(path, prefix)
    text = fh.read(length)
    digest = fh.read(_DIGEST)
    if len(text) < length or len(digest) < _DIGEST:
        raise IncompletePack(f"{path}: the pack is truncated (its header is cut short)")
    if digest != _digest(text):
        raise BadPack(f"{path}: the pack's header is damaged (its checksum does not match)")
    header = _parse(prefix + text + digest, text, path)
    if not whole:
        return header
    body = os.fstat(fh.fileno()).st_size - len(header.raw)
    if body < header.body_size:
        raise IncompletePack(
            f"{path}: the pack is truncated ({body} of {header.body_size} bytes)")
    if body > header.body_size:
        raise BadPack(f"{path}: the pack is damaged ({body - header.body_size} extra bytes)")
    return header


def _check_prefix(path: Path, prefix: bytes) -> int:
    if not prefix:
        raise IncompletePack(f"{path}: not a Fieldwork pack (the file is empty)")
    if not MAGIC.startswith(prefix[: len(MAGIC)]):
        raise BadPack(f"{path}: not a Fieldwork pack")
    if len(prefix) < _PREFIX:
        raise IncompletePack(f"{path}: the pack is truncated")
    length = int.from_bytes(prefix[len(MAGIC) :], "big")
    if length > MAX_HEADER:
        raise BadPack(f"{path}: the pack's header is damaged (it claims {length} bytes)")
    return length


def _parse(raw: bytes, text: bytes, path: Path) -> PackHeader:
    """The header from its JSON text, every field checked."""
    try:
        doc = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadPack(f"{path}: the pack's header is damaged (not readable JSON)") from None
    try:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("not a Fieldwork pack header")
        version = _int(doc["format_version"])
        if version > FORMAT_VERSION:
            raise BadPack(
                f"{path}: made by a newer Fieldwork (pack format {version}; this one reads "
                f"{FORMAT_VERSION}); update Fieldwork to open it"
            )
        kdf = doc["kdf"]
        if kdf.get("name") != "scrypt" or doc.get("cipher") != "AES-256-GCM":
            raise ValueError("an unknown cipher")
        params = {k: _int(kdf[k]) for k in ("n", "r", "p")}
        inspection_id = _str(doc["inspection_id"])
        salt = base64.b64decode(kdf["salt"], validate=True)
        if (params["n"], params["r"], params["p"]) != crypto.KDF_PARAMS.get(version):
            raise BadPack(
                f"{path}: not a pack made by Fieldwork (it asks for key derivation "
                f"n={params['n']}, r={params['r']}, p={params['p']}, which Fieldwork never uses)"
            )
        if salt != crypto.team_salt(inspection_id):
            raise BadPack(
                f"{path}: not a pack made by Fieldwork (its salt is not its inspection's)"
            )
        nonce = base64.b64decode(doc["nonce"], validate=True)
        if len(nonce) != crypto.NONCE_SIZE:
            raise ValueError("a nonce of the wrong size")
        payload_size, chunk_size = _int(doc["payload_size"]), _int(doc["chunk_size"])
        if payload_size < 0 or not 4096 <= chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError("sizes out of range")
        sender = doc["sender"]
        return PackHeader(
            format_version=version,
            inspection_id=inspection_id,
            sender_id=_str(sender["id"]),
            sender_name=_str(sender["name"]),
            replica=_str(doc["replica"]),
            made_at=_str(doc["made_at"]),
            schema_version=_int(doc["schema_version"]),
            payload_size=payload_size,
            chunk_size=chunk_size,
            kdf=params,
            salt=salt,
            nonce=nonce,
            key_check=_str(doc["key_check"]),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as err:
        detail = f"missing {err}" if isinstance(err, KeyError) else str(err)
        raise BadPack(f"{path}: the pack's header is damaged ({detail})") from None


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a number, not {value!r}")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, not {value!r}")
    return value


def _digest(text: bytes) -> bytes:
    return hashlib.sha256(text).digest()[:_DIGEST]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
