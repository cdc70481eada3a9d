"""Joining an inspection: a team member's own copy, made from the lead's pack."""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from fieldwork.errors import BadPack, FieldworkError, InvalidValue, NoSuchInspector, ReadOnly
from fieldwork.model import Inspector, Role
from fieldwork.packs import container, snapshot
from fieldwork.store import Store
from fieldwork.store.db import remove_database
from fieldwork.store.schema import REPLICATED_TABLES


def join_pack(
    pack_path: str | os.PathLike[str],
    target_path: str | os.PathLike[str],
    passphrase: str,
    as_name: str,
) -> Store:
    """Create ``target_path``, a new copy of the pack's inspection that belongs to ``as_name``.

    ``as_name`` is an inspector's id or name from the pack's team. The copy gets its own
    replica id, holds every row, tombstone, conflict and history entry of the pack, and
    has its search index built. The file appears whole or not at all.

    :raises BadPack: the pack cannot be read or opened
    :raises NoSuchInspector: ``as_name`` is not in the team (the message lists the team)
    :raises InvalidValue: ``target_path`` exists already
    """
    pack, target = Path(pack_path), Path(target_path)
    if target.exists():
        raise InvalidValue(f"{target}: already exists; choose another name for your copy")
    if not target.parent.is_dir():
        raise FieldworkError(f"{target}: no such directory: {target.parent}")
    header, payload = container.read_pack(pack, passphrase)
    snapshot.check_header(header, pack, None)
    image = snapshot.open_image(payload, header, pack)
    del payload
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.joining")
    try:
        me = _team_member(image, as_name)
        live = sum(
            image.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]
            for table in REPLICATED_TABLES
        )
        _write_copy(image, tmp, me)
        image.close()
        with Store.open(tmp, actor=me) as store:
            with store.atomic(), store.bulk_writes():
                store.rebuild_indexes()
                store.record_merge(
                    pack=pack.name, sender=header.sender_name, made_at=header.made_at,
                    counts=(live, 0, 0, len(store.sibling_rows())),
                )
        os.replace(tmp, target)
    except OSError as err:
        raise ReadOnly(f"{target}: cannot be written ({err.strerror})") from None
    finally:
        image.close()
        remove_database(tmp)
    return Store.open(target, actor=me)


def _team_member(image: sqlite3.Connection, as_name: str) -> str:
    """The id of the live inspector ``as_name`` names (id, name, or name in any case)."""
    team = list(
        image.execute(
            "SELECT id, name, role FROM inspectors WHERE deleted = 0 "
            "ORDER BY role = 'team', name, id"
        )
    )
    wanted = as_name.strip()
    for match in (
        lambda r: r[0] == wanted,
        lambda r: r[1] == wanted,
        lambda r: r[1].casefold() == wanted.casefold(),
    ):
        found = [r for r in team if match(r)]
        if len(found) == 1:
            return str(found[0][0])
    names = ", ".join(f"{r[1]} (lead)" if r[2] == "lead" else str(r[1]) for r in team)
    raise NoSuchInspector(
        f"{as_name!r} is not in this inspection's team; choose one of: {names or 'nobody'}"
    )


def _write_copy(image: sqlite3.Connection, path: Path, me: str) -> None:
    """Write the snapshot to ``path`` as this person's own copy, with a new replica id."""
    conn = sqlite3.connect(str(path))
    try:
        image.backup(conn)
        conn.execute("PRAGMA journal_mode = WAL")
        with conn:
            marks = ", ".join("?" for _ in snapshot.TRAVELLING_META)
            conn.execute(f"DELETE FROM meta WHERE key NOT IN ({marks})", snapshot.TRAVELLING_META)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [("replica", str(uuid.uuid4())), ("clock", "0"), ("me", me)],
            )
            conn.execute("DELETE FROM merges")
    finally:
        conn.close()


def pack_team(
    pack_path: str | os.PathLike[str], passphrase: str
) -> tuple[container.PackHeader, list[Inspector]]:
    """The pack's header and its inspection's team (the lead first), to choose who one is
    before :func:`join_pack`. The team travels encrypted, so this needs the passphrase.

    :raises BadPack: the pack cannot be read or opened
    """
    pack = Path(pack_path)
    header, payload = container.read_pack(pack, passphrase)
    snapshot.check_header(header, pack, None)
    image = snapshot.open_image(payload, header, pack)
    del payload
    try:
        team = [
            Inspector(id=str(r[0]), name=str(r[1]), role=Role(r[2]))
            for r in image.execute(
                "SELECT id, name, role FROM inspectors WHERE deleted = 0 "
                "ORDER BY role = 'team', name, id"
            )
        ]
    except (sqlite3.Error, ValueError) as err:
        raise BadPack(f"{pack}: the pack is damaged ({err})") from None
    finally:
        image.close()
    return header, team
