"""Benchmark: merging team packs, and exporting one, against plain-SQLite baselines.

(a) Merge 8 packs of 5,000 notes each (100-1,500 characters, from ``bench/synth.py``,
    tagged to findings) into the lead's copy, search index and links included, against a
    raw ``sqlite3`` executemany of the same 40,000 rows into a bare table. Target: at
    least 0.25 x its rate. For context it also times FTS5 indexing of the same texts
    alone, the part of the merge no batching removes.
(b) Export a 5,000-note pack against copying the ``.fieldwork`` file with
    ``shutil.copyfile``. Target: at most 3 x its time. Key derivation (scrypt) is measured
    on its own: it runs once per passphrase per session and is then cached.
(c) The merge of (a) with every pack checked (its image's integrity and shape, and each
    row: see ``fieldwork/packs/validate.py``) against the same merge with the checks
    switched off, as merges ran before they were checked. Target: at most 1.2 x its time.

Run: ``.venv/bin/python bench/bench_merge.py``
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baselines import fts_alone, raw_executemany
from bench.synth import note_texts
from fieldwork.packs import crypto, export_pack, merge_packs
from fieldwork.packs.join import join_pack
from fieldwork.packs.validate import unchecked_for_benchmark
from fieldwork.store import Store

PACKS = 8
NOTES_PER_PACK = 5000
FINDINGS = 12
PASSPHRASE = "bench passphrase"
SOURCES = ("case-record", "supervision-file", "observation", "interview")


Item = tuple[str, dict[str, Any]]


def make_notes(seed: int, author: str, findings: list[str]) -> list[Item]:
    """One inspector's notes: the shared synthetic texts, tagged to up to three findings."""
    rng = random.Random(seed)
    items: list[Item] = []
    for i, text in enumerate(note_texts(NOTES_PER_PACK, seed=seed)):
        items.append((str(uuid.uuid4()), {
            "author": author,
            "source": SOURCES[i % len(SOURCES)],
            "case_ref": f"BR-09-{rng.randint(0, 99999):05d}" if i % 2 else None,
            "subject_role": "social worker" if i % 4 == 3 else None,
            "observed_at": f"2009-06-{24 + i % 2}T{9 + i % 8:02d}:{i % 60:02d}",
            "text": text,
            "findings": rng.sample(findings, rng.randint(0, 3)),
            "extra": None,
        }))
    return items


def build(tmp: Path) -> tuple[Path, list[Path], list[tuple[object, ...]]]:
    """The lead's copy, eight team copies with 5,000 notes each, and their packs."""
    lead_path = tmp / "lead.fieldwork"
    lead = Store.create(lead_path, inspection={"template": "ucra-2009", "authority": "Bench"})
    lead_id = lead.add_inspector("Lena Lead", "lead").created
    assert lead_id is not None
    lead.set_me(lead_id)
    team = [lead.add_inspector(f"Inspector {i}", "team").created for i in range(PACKS)]
    findings = [
        lead.add_finding("development", f"Finding number {i} about assessments.").created
        for i in range(FINDINGS)
    ]
    lead.close()
    found = [f for f in findings if f is not None]
    export_pack(Store.open(lead_path), tmp / "lead.fwpack", PASSPHRASE)
    packs: list[Path] = []
    rows: list[tuple[object, ...]] = []
    for i, member in enumerate(team):
        assert member is not None
        copy = join_pack(tmp / "lead.fwpack", tmp / f"team{i}.fieldwork", PASSPHRASE, member)
        items = make_notes(2009 + i, member, found)
        with copy.atomic():
            copy.bulk.insert("notes", items, by=member)
        rows.extend(
            (note_id, *[json.dumps(v) if k == "findings" else v for k, v in data.items()])
            for note_id, data in items
        )
        packs.append(export_pack(copy, tmp / f"team{i}.fwpack", PASSPHRASE).path)
        copy.close()
    return lead_path, packs, rows


def merge_once(tmp: Path, lead_path: Path, packs: list[Path], *, checked: bool = True) -> float:
    target = tmp / f"merge-{uuid.uuid4().hex[:6]}.fieldwork"
    shutil.copyfile(lead_path, target)
    store = Store.open(target)
    store.new_replica()
    switch = contextlib.nullcontext() if checked else unchecked_for_benchmark()
    with switch:
        start = time.perf_counter()
        summaries = merge_packs(store, packs, PASSPHRASE)
        elapsed = time.perf_counter() - start
    added = sum(s.added for s in summaries)
    assert added == PACKS * NOTES_PER_PACK, added
    assert store.count_notes() == PACKS * NOTES_PER_PACK
    assert store.search("assessment")
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    return elapsed


def export_once(tmp: Path, source: Path) -> float:
    store = Store.open(source)
    out = tmp / "export.fwpack"
    start = time.perf_counter()
    export_pack(store, out, PASSPHRASE)
    elapsed = time.perf_counter() - start
    store.close()
    out.unlink()
    return elapsed


def copy_once(tmp: Path, source: Path) -> float:
    out = tmp / "copy.fieldwork"
    start = time.perf_counter()
    shutil.copyfile(source, out)
    elapsed = time.perf_counter() - start
    out.unlink()
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="fw-bench-") as name:
        tmp = Path(name)
        t0 = time.perf_counter()
        lead_path, packs, rows = build(tmp)
        print(f"built {PACKS} packs of {NOTES_PER_PACK} notes in {time.perf_counter() - t0:.1f}s")

        start = time.perf_counter()
        crypto.derive_key.cache_clear()
        crypto.derive_key(PASSPHRASE, crypto.team_salt("x"), crypto.SCRYPT_N, crypto.SCRYPT_R,
                          crypto.SCRYPT_P)
        print(f"key derivation (scrypt n=2**15, r=8, p=1; once per session): "
              f"{time.perf_counter() - start:.3f}s")

        merges: list[float] = []
        unchecked: list[float] = []
        raws: list[float] = []
        for _ in range(7):  # interleaved, so that each sees the same machine
            merges.append(merge_once(tmp, lead_path, packs))
            unchecked.append(merge_once(tmp, lead_path, packs, checked=False))
            raws.append(raw_executemany(tmp, rows))
        merge_t, raw_t = statistics.median(merges), statistics.median(raws)
        unchecked_t = statistics.median(unchecked)
        fts_t = statistics.median(fts_alone(tmp, rows) for _ in range(3))
        ratio_a = raw_t / merge_t
        n = len(rows)
        print(f"(a) merge {PACKS} packs, {n} notes: {merge_t:.3f}s ({n / merge_t:,.0f} rows/s); "
              f"raw executemany: {raw_t:.3f}s ({n / raw_t:,.0f} rows/s)")
        print(f"    rate ratio {ratio_a:.2f} (target >= 0.25): "
              f"{'PASS' if ratio_a >= 0.25 else 'FAIL'}")
        print(f"    for context: FTS5 indexing alone of the same texts takes {fts_t:.3f}s "
              f"({fts_t / raw_t:.1f} x the baseline)")

        source = tmp / "team0.fieldwork"
        exports: list[float] = []
        copies: list[float] = []
        for _ in range(7):  # interleaved, so both see the same disk and page-cache state
            exports.append(export_once(tmp, source))
            copies.append(copy_once(tmp, source))
        export_t, copy_t = statistics.median(exports), statistics.median(copies)
        ratio_b = export_t / copy_t
        print(f"(b) export a {NOTES_PER_PACK}-note pack: {export_t * 1000:.1f} ms "
              f"(pack {packs[0].stat().st_size:,} bytes); copyfile of "
              f"{source.stat().st_size:,} bytes: {copy_t * 1000:.1f} ms")
        print(f"    time ratio {ratio_b:.2f} (target <= 3): {'PASS' if ratio_b <= 3 else 'FAIL'}")
        ratio_c = merge_t / unchecked_t
        print(f"(c) merge with every pack and row checked: {merge_t:.3f}s; with the checks "
              f"switched off: {unchecked_t:.3f}s")
        print(f"    time ratio {ratio_c:.2f} (target <= 1.2): "
              f"{'PASS' if ratio_c <= 1.2 else 'FAIL'}")
        return 0 if ratio_a >= 0.25 and ratio_b <= 3 and ratio_c <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
