"""Save a Copy never deletes or writes over an inspection file, even one the user chose."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fieldwork.store import Store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_save_a_copy_over_another_inspection_is_refused_and_changes_nothing(
    opened: Any, idle: Any, tmp_path: Path, errors_shown: list[tuple[str, str]]
) -> None:
    other = tmp_path / "other.fieldwork"
    Store.create(other).close()
    with Store.open(other) as elsewhere:  # open in another program, with its log
        elsewhere.add_inspector("Tom Team")
        elsewhere.add_note(author="Tom Team", source="other", text="only in the log")
        before = {p: digest(p) for p in (other, Path(f"{other}-wal"), Path(f"{other}-shm"))}
        saved: list[Path] = []
        opened.files.save_a_copy(other, on_saved=saved.append)
        idle()
        assert saved == []
        assert errors_shown and errors_shown[-1][0] == "Fieldwork will not write over that file"
        assert "inspection file; Fieldwork never writes over one" in errors_shown[-1][1]
        assert {p: digest(p) for p in before} == before
        elsewhere.add_note(author="Tom Team", source="other", text="still saving")
    with Store.open(other) as again:
        assert {n.text for n in again.notes()} == {"only in the log", "still saving"}


def test_save_a_copy_over_itself_is_refused(
    opened: Any, idle: Any, errors_shown: list[tuple[str, str]]
) -> None:
    path = opened.session.path
    opened.files.save_a_copy(path)
    idle()
    assert errors_shown and "different file name" in errors_shown[-1][1]
    assert opened.session.writer.integrity_check() == "ok"


def test_save_a_copy_replaces_a_file_that_is_not_evidence(
    opened: Any, idle: Any, tmp_path: Path
) -> None:
    target = tmp_path / "old.fieldwork"
    target.write_text("some notes of mine, not an inspection")
    saved: list[Path] = []
    opened.files.save_a_copy(target, on_saved=saved.append)
    idle()
    assert saved == [target]
    with Store.open(target) as copy:
        assert copy.count_notes() == 149
