"""Building a new file's search index in a worker process while the notes go in."""

from __future__ import annotations

import io
import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from fieldwork import interchange
from fieldwork.errors import DiskFull, FieldworkError
from fieldwork.store import Store, bulk, bulkindex, index_worker
from fieldwork.store.bulkindex import ParallelNotesIndex

WORDS = ("child", "seen", "alone", "strategy", "police", "referral", "assessment", "café",
         "naïve", "<b>bold</b>", "R&D", "Ünïcödé", "東京", "père")


def document(count: int) -> dict[str, Any]:
    rng = random.Random(7)
    findings = [{"id": f"f{i}", "section": "strength", "position": i + 1, "text": f"Finding {i}."}
                for i in range(5)]
    notes = []
    for i in range(count):
        notes.append({
            "id": f"n{i:04d}",
            "author": "Tom Team" if i % 3 else "i1",
            "source": ("case-record", "observation", "interview")[i % 3],
            "case_ref": f"BR-09-{i % 40:05d}" if i % 2 else None,
            "subject_role": "social worker" if i % 5 == 0 else None,
            # Many ties, and out of order: storage follows time, ties in document order.
            "observed_at": f"2009-06-2{4 + rng.randint(0, 1)}T{rng.randint(9, 11):02d}:00",
            "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40))) + f" w{i}x",
            "findings": rng.sample([f["id"] for f in findings], rng.randint(0, 3)),
        })
    return {
        "format": "fieldwork-inspection", "version": 1,
        "inspection": {"template": "ucra-2009", "authority": "Test Borough"},
        "inspectors": [{"id": "i1", "name": "Lena Lead", "role": "lead"},
                       {"id": "i2", "name": "Tom Team", "role": "team"}],
        "cases": [], "findings": findings, "notes": notes,
    }


def index_state(store: Store) -> dict[str, Any]:
    return {
        "search": {q: [h.id for h in store.search(q, limit=500)]
                   for q in ("child", "café", "R&D", "東京", "BR-09-00007", "social worker",
                             "w17x", "assess", "bold")},
        "links": store.raw_sql("SELECT finding_id, note_id FROM links ORDER BY 1, 2").fetchall(),
        "order": [r[0] for r in store.raw_sql("SELECT id FROM notes ORDER BY seq")],
    }


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Use the worker from 50 notes up; the list counts the indexes it installed."""
    installed: list[int] = []
    real = ParallelNotesIndex.install

    def counting(self: ParallelNotesIndex, conn: Any) -> None:
        real(self, conn)
        installed.append(1)

    monkeypatch.setattr(bulk, "PARALLEL_INDEX_MIN", 50)
    monkeypatch.setattr(ParallelNotesIndex, "install", counting)
    return installed


def test_worker_index_matches_the_one_built_in_process(
    tmp_path: Path, parallel: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = document(400)
    store, _ = interchange.import_new(tmp_path / "worker.fieldwork", doc)
    worker = index_state(store)
    store.index.check()
    assert store.integrity_check() == "ok"
    assert store.raw_sql("SELECT count(*) FROM notes_fts_config WHERE k = 'hashsize'"
                        ).fetchone()[0] == 0
    store.close()
    assert parallel == [1]

    monkeypatch.setattr(bulk, "PARALLEL_INDEX_MIN", 10**9)
    store, _ = interchange.import_new(tmp_path / "here.fieldwork", doc)
    assert index_state(store) == worker
    store.close()
    assert parallel == [1]

    observed = {n["id"]: n["observed_at"] for n in doc["notes"]}
    position = {n["id"]: i for i, n in enumerate(doc["notes"])}
    assert worker["order"] == sorted(observed, key=lambda n: (observed[n], position[n]))
    assert worker["search"]["w17x"] == ["n0017"]
    assert len(worker["links"]) == sum(len(n["findings"]) for n in doc["notes"])
    # Nothing is left beside the file: no scratch index, no half-built copy.
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))
                  ) == ["here.fieldwork", "worker.fieldwork"]


def test_notes_added_after_a_bulk_import_are_indexed_as_usual(
    tmp_path: Path, parallel: list[int]
) -> None:
    store, _ = interchange.import_new(tmp_path / "a.fieldwork", document(120))
    note = store.add_note(author="i1", source="observation", text="zebra crossing").created
    assert [h.id for h in store.search("zebra")] == [note]
    store.edit_note("n0003", text="quagga")
    assert [h.id for h in store.search("quagga")] == ["n0003"]
    assert "n0003" not in [h.id for h in store.search("w3x")]
    store.close()
    assert parallel == [1]


def fake_worker(tmp_path: Path, body: str) -> str:
    script = tmp_path / "worker.py"
    script.write_text(f"import os, sys\nsys.stdin.buffer.read()\n{body}\n")
    return str(script)


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ("print('13|OperationalError: database or disk is full', file=sys.stderr); "
         "sys.exit(1)", DiskFull, "the disk is full"),
        ("print('1|OperationalError: no such table: x', file=sys.stderr); sys.exit(1)",
         sqlite3.OperationalError, "no such table"),
        ("print('0|ValueError: unknown index batch', file=sys.stderr); sys.exit(1)",
         RuntimeError, "unknown index batch"),
        ("os.kill(os.getpid(), 9)", FieldworkError, "worker stopped with code -9"),
        ("sys.exit(3)", FieldworkError, "worker stopped with code 3"),
    ],
)
def test_a_failed_worker_fails_the_import_and_leaves_nothing(
    tmp_path: Path, parallel: list[int], monkeypatch: pytest.MonkeyPatch,
    body: str, error: type[Exception], message: str,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(index_worker, "__file__", fake_worker(tmp_path, body))
    with pytest.raises(error, match=message) as caught:
        interchange.import_new(work / "a.fieldwork", document(100))
    assert "\n" not in str(caught.value)
    assert list(work.iterdir()) == []
    assert parallel == []


def test_a_worker_that_stops_reading_does_not_hang_the_import(
    tmp_path: Path, parallel: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    script = tmp_path / "worker.py"
    script.write_text("import sys\nsys.exit(1)\n")  # exits at once, batches still coming
    monkeypatch.setattr(index_worker, "__file__", str(script))
    with pytest.raises(FieldworkError, match="worker stopped with code 1"):
        interchange.import_new(work / "a.fieldwork", document(3000))
    assert list(work.iterdir()) == []


def test_without_an_interpreter_to_start_the_index_is_built_here(
    tmp_path: Path, parallel: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    store, _ = interchange.import_new(tmp_path / "a.fieldwork", document(100))
    assert [h.id for h in store.search("w42x")] == ["n0042"]
    store.close()
    assert parallel == []


def test_frames_round_trip_and_a_cut_frame_is_refused() -> None:
    frames = bulkindex._frame(index_worker.ROWS, [(1, "text", None, "role")])
    frames += bulkindex._frame(index_worker.LINKS, [("f1", "n1")])
    assert list(index_worker.read_frames(io.BytesIO(frames))) == [
        (b"R", [(1, "text", None, "role")]), (b"L", [("f1", "n1")]),
    ]
    with pytest.raises(EOFError):
        list(index_worker.read_frames(io.BytesIO(frames[:-3])))
    with pytest.raises(EOFError):
        list(index_worker.read_frames(io.BytesIO(frames[:5])))


@pytest.mark.parametrize("ended", [True, False])
def test_the_worker_keeps_its_index_only_when_told_that_was_all(
    tmp_path: Path, ended: bool
) -> None:
    """A worker whose parent was killed mid-import sees its input stop, and cleans up."""
    import sqlite3
    import subprocess

    frames = bulkindex._frame(index_worker.ROWS, [(1, "kestrel seen", None, None)])
    if ended:
        frames += bulkindex._frame(index_worker.END, None)
    scratch = tmp_path / "scratch.index"
    fts_sql = ("CREATE VIRTUAL TABLE notes_fts USING fts5(text, case_ref, subject_role, "
               "content='notes', content_rowid='seq')")
    done = subprocess.run(
        [sys.executable, "-I", "-S", index_worker.__file__, str(scratch), str(1 << 20),
         fts_sql],
        input=frames, capture_output=True, timeout=60, check=False,
    )
    if ended:
        assert done.returncode == 0
        conn = sqlite3.connect(scratch)
        assert conn.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'kestrel'"
                            ).fetchall() == [(1,)]
        conn.close()
    else:
        assert done.returncode == 1
        assert done.stderr.decode().strip() == (
            "0|EOFError: the index input stopped before its end")
        assert list(tmp_path.iterdir()) == []
