"""The schema's steps are history: a file made by a step stays the same whatever the code
around it becomes, and the search index's columns, defined once, agree with the file's."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path
from typing import Any

import fieldwork.store.migrations
from fieldwork.store import Store, schema
from fieldwork.store.index import INDEXES

FIXTURE = Path(__file__).parent.parent / "fixtures" / f"schema-{schema.SCHEMA_VERSION}.json"


def schema_of(path: Path) -> dict[str, Any]:
    """Every table (its columns: name, type, not null, default, primary key) and index of a
    file, as SQLite reports them; FTS5's shadow tables and sqlite-utils' record of the steps
    aside (they are theirs)."""
    conn = sqlite3.connect(path)
    try:
        found: dict[str, Any] = {}
        for name, table, kind, sql in conn.execute(
            "SELECT name, tbl_name, type, sql FROM sqlite_master ORDER BY name"
        ):
            if name.startswith("sqlite_") or table == "_sqlite_migrations" or "_fts_" in name:
                continue
            if kind == "table":
                found[name] = [kind, [list(r[1:6]) for r in conn.execute(
                    "SELECT * FROM pragma_table_xinfo(?)", (name,))]]
            else:
                found[name] = [kind, " ".join((sql or "").split())]
        return found
    finally:
        conn.close()


def test_a_new_file_has_the_schema_its_steps_made_when_they_were_written(
    tmp_path: Path,
) -> None:
    Store.create(tmp_path / "new.fieldwork").close()
    # To add a step: write tests/fixtures/schema-N.json from a file the new step made.
    assert schema_of(tmp_path / "new.fieldwork") == json.loads(FIXTURE.read_text("utf-8"))


def test_every_step_still_makes_what_it_made_when_it_was_written(tmp_path: Path) -> None:
    """Each earlier step's schema stays pinned by its own fixture: a file upgraded step by
    step is the same as one made new."""
    from sqlite_utils import Database

    names = [m.name for m in fieldwork.store.migrations.migrations._migrations]
    for n in range(1, schema.SCHEMA_VERSION + 1):
        path = tmp_path / f"step-{n}.db"
        db = Database(path)
        fieldwork.store.migrations.migrations.apply(db, stop_before=names[n:] or None)
        db.close()
        fixture = FIXTURE.with_name(f"schema-{n}.json")
        assert schema_of(path) == json.loads(fixture.read_text("utf-8")), fixture.name


def test_the_steps_import_nothing_of_fieldwork() -> None:
    """A step that read a constant of the code (a list of columns, say) would change the
    files it makes whenever that constant changed."""
    tree = ast.parse(Path(fieldwork.store.migrations.__file__).read_text("utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported and not [m for m in imported if m and m.split(".")[0] == "fieldwork"]
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)], "no f-strings"


def test_the_search_indexes_hold_the_columns_the_store_indexes(tmp_path: Path) -> None:
    Store.create(tmp_path / "new.fieldwork").close()
    conn = sqlite3.connect(tmp_path / "new.fieldwork")
    try:
        for index in INDEXES.values():
            columns = tuple(r[1] for r in conn.execute(
                "SELECT * FROM pragma_table_info(?)", (index.name,)))
            assert columns == index.columns
            table = {r[1] for r in conn.execute(
                "SELECT * FROM pragma_table_info(?)", (index.table,))}
            assert set(index.columns) <= table
    finally:
        conn.close()



def test_a_finding_at_position_0_from_an_older_file_takes_position_1(tmp_path: Path) -> None:
    """Fieldwork before schema 3 stored a finding imported without a position at 0, which
    every copy's packs now refuse: opening the file mends it, its version kept, so that
    copies upgraded apart still agree, and its packs can be joined again."""
    from fieldwork.packs import export_pack, join_pack

    path = tmp_path / "old.fieldwork"
    with Store.create(path, inspection={"template": "ucra-2009", "authority": "X"}) as store:
        lead = store.add_inspector("Lena Lead", "lead").created or ""
        store.add_inspector("Tom Team", "team")
        store.set_me(lead)
        finding = store.add_finding("strength", "Referrals are prompt.").created or ""
        vv = store.raw_sql("SELECT vv FROM findings WHERE id = ?", (finding,)).fetchone()[0]
    conn = sqlite3.connect(path)  # no connection of the store is open now
    with conn:
        conn.execute("UPDATE findings SET position = 0")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0003_finding_places'")
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    with Store.open(path) as store:
        row = store.raw_sql("SELECT position, vv FROM findings WHERE id = ?",
                            (finding,)).fetchone()
        assert tuple(row) == (1, vv)
        assert [f.position for f in store.findings()] == [1]
        export_pack(store, tmp_path / "lead.fwpack", "correct horse battery staple")
    join_pack(tmp_path / "lead.fwpack", tmp_path / "tom.fieldwork",
              "correct horse battery staple", "Tom Team").close()
