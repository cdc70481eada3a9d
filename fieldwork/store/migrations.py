"""The numbered steps of the inspection file's schema (sqlite-utils ``Migrations``).

Each step writes its statements out in full and imports nothing of Fieldwork's: a step is
history, and a file made by it must stay the same whatever the code around it becomes.
A change to the schema is a new step, never an edit of an old one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("fieldwork")


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);

        CREATE TABLE inspection (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            fields TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'draft',
            vv TEXT NOT NULL DEFAULT '{}',
            deleted INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL
        );

        CREATE TABLE inspectors (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            extra TEXT,
            vv TEXT NOT NULL DEFAULT '{}',
            deleted INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL
        );

        CREATE TABLE cases (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            ref TEXT NOT NULL,
            kind TEXT NOT NULL,
            fields TEXT,
            urgent TEXT,
            extra TEXT,
            vv TEXT NOT NULL DEFAULT '{}',
            deleted INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL
        );
        CREATE INDEX cases_ref ON cases(ref);

        CREATE TABLE findings (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            section TEXT NOT NULL,
            position INTEGER NOT NULL,
            extra TEXT,
            vv TEXT NOT NULL DEFAULT '{}',
            deleted INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL,
            text TEXT NOT NULL
        );

        CREATE TABLE notes (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            author TEXT NOT NULL,
            source TEXT NOT NULL,
            case_ref TEXT,
            subject_role TEXT,
            observed_at TEXT NOT NULL,
            findings TEXT NOT NULL DEFAULT '[]',
            extra TEXT,
            vv TEXT NOT NULL DEFAULT '{}',
            deleted INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL,
            -- last, so that queries which skip the text never walk its overflow pages
            text TEXT NOT NULL
        );
        -- A separate index rather than a UNIQUE column, so a bulk build can defer it.
        CREATE UNIQUE INDEX notes_id ON notes(id);
        CREATE INDEX notes_live_observed ON notes(deleted, observed_at);
        CREATE INDEX notes_author ON notes(deleted, author, observed_at);
        CREATE INDEX notes_source ON notes(deleted, source, observed_at);
        CREATE INDEX notes_case_ref ON notes(deleted, case_ref, observed_at);

        -- Derived from the live notes' findings lists; never travels in a pack.
        CREATE TABLE links (
            finding_id TEXT NOT NULL,
            note_id TEXT NOT NULL,
            PRIMARY KEY (finding_id, note_id)
        ) WITHOUT ROWID;
        CREATE INDEX links_note ON links(note_id);

        -- The versions that lost a concurrent edit, kept until the lead resolves them.
        CREATE TABLE conflicts (
            id TEXT PRIMARY KEY,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            vv TEXT NOT NULL,
            deleted INTEGER NOT NULL,
            data TEXT NOT NULL,
            modified_at TEXT NOT NULL,
            modified_by TEXT NOT NULL
        );
        CREATE INDEX conflicts_row ON conflicts(tbl, row_id);

        -- Append-only: who changed what, when, with the values before and after.
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            at TEXT NOT NULL,
            by TEXT NOT NULL,
            op TEXT NOT NULL,
            before TEXT,
            after TEXT
        );
        CREATE INDEX history_row ON history(row_id);

        -- Issued letters: the exact PDF bytes, append-only.
        CREATE TABLE issues (
            id TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            by TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            pdf BLOB NOT NULL,
            supersedes TEXT
        );

        -- This copy's own record of the packs merged into it; never travels.
        CREATE TABLE merges (
            id TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            pack TEXT NOT NULL,
            sender TEXT NOT NULL,
            made_at TEXT NOT NULL,
            added INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            conflicts INTEGER NOT NULL
        );

        -- Search indexes, kept by the store itself (no triggers: bulk work indexes in bulk).
        CREATE VIRTUAL TABLE notes_fts USING fts5(
            text, case_ref, subject_role,
            content='notes', content_rowid='seq',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE VIRTUAL TABLE notes_vocab USING fts5vocab(notes_fts, 'row');
        CREATE VIRTUAL TABLE findings_fts USING fts5(
            text, content='findings', content_rowid='seq',
            tokenize='unicode61 remove_diacritics 2'
        );
        """
    )


@migrations(name="0002_team_folder")
def _team_folder(db: Database) -> None:
    _run_script(
        db,
        """
        -- This copy's record of the packs in its team folder (fieldwork/packs/sync.py):
        -- what each file looked like when last seen, its sha256, and what became of it.
        -- Local to this machine: never read from a pack.
        CREATE TABLE team_packs (
            name TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            state TEXT NOT NULL,
            replica TEXT NOT NULL DEFAULT '',
            sender TEXT NOT NULL DEFAULT '',
            made_at TEXT NOT NULL DEFAULT '',
            key_check TEXT NOT NULL DEFAULT '',
            clock INTEGER,
            reason TEXT NOT NULL DEFAULT '',
            merge_id TEXT,
            seen_at TEXT NOT NULL
        );
        CREATE INDEX team_packs_sha256 ON team_packs(sha256);
        """,
    )


@migrations(name="0003_finding_places")
def _finding_places(db: Database) -> None:
    _run_script(
        db,
        """
        -- A finding's position is its place in its section, from 1. Files made before could
        -- hold 0 (a finding imported without a position), which every copy's packs now
        -- refuse. Every copy upgrades such rows the same way, keeping their version, so
        -- copies still agree. The order within a section falls back to creation, then id.
        UPDATE findings SET position = 1 WHERE position < 1;
        UPDATE conflicts SET data = json_set(data, '$.position', 1)
            WHERE tbl = 'findings' AND json_valid(data)
            AND json_type(data, '$.position') = 'integer'
            AND json_extract(data, '$.position') < 1
        """,
    )


def _run_script(db: Database, script: str) -> None:
    """Run statements one at a time: ``executescript`` would commit the migration's transaction."""
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)
