"""Benchmarks for encrypted inspection files (issue 15). Run:
``.venv/bin/python bench/bench_encryption.py``.

An encrypted 100k-note file against the plain one, both built and measured in the same run
(these machines are shared and noisy). Exits non-zero if a target is missed.

    import     bulk import of 100k notes, encrypted vs plain: ≤ 1.5× the plain time
    search     every query class on the encrypted file vs a LIKE '%word%' scan: p95 ≤ 0.2×
               (the scan timed on the plain file, which is faster: the stricter baseline;
               the searches on a fresh connection, so the first of each is cold)
    save       one note saved on the encrypted file (the autosave path): median ≤ 5 ms
    open       open the encrypted file with its passphrase (the key derived afresh: the
               process's cache emptied first) and fetch the first 200 list rows: ≤ 100 ms
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import (
    like_scan,
    open_to_rows,
    rare_word,
    save_median_ms,
    search_p95,
    search_queries,
)
from bench.synth import document

PASSPHRASE = "correct horse battery staple"
RESULTS: list[tuple[str, bool]] = []


def report(name: str, figure: str, ok: bool) -> None:
    RESULTS.append((name, ok))
    print(f"{'PASS' if ok else 'FAIL'}  {name:<44} {figure}", flush=True)


def bench_import(doc: dict, workdir: Path) -> tuple[Path, Path]:
    from fieldwork.interchange import import_new

    warm, _ = import_new(workdir / "warm.fieldwork", document(10))
    warm.close()
    plain_times, enc_times = [], []
    plain = enc = workdir / "none"
    for run in range(2):  # alternated, so that both see the same machine
        plain = workdir / f"plain{run}.fieldwork"
        t0 = time.perf_counter()
        store, _ = import_new(plain, doc)
        plain_times.append(time.perf_counter() - t0)
        store.close()
        enc = workdir / f"enc{run}.fieldwork"
        t0 = time.perf_counter()
        store, _ = import_new(enc, doc, encrypt_with=PASSPHRASE)
        enc_times.append(time.perf_counter() - t0)
        store.close()
    p, e = min(plain_times), min(enc_times)
    n = len(doc["notes"])
    report(f"import {n // 1000}k notes: encrypted vs plain",
           f"{e / p:.2f}× ({e:.2f}s vs {p:.2f}s; best of 2 each) target ≤ 1.5×", e / p <= 1.5)
    return plain, enc


def bench_search(plain: Path, enc: Path) -> None:
    from fieldwork.store import Store

    with Store.open(plain) as store:
        rare = rare_word(store)
        words = ["strategy", "child", rare]
        like_plain = like_scan(store, words)
    queries = search_queries(rare)
    with Store.open(enc, passphrase=PASSPHRASE) as store:
        like_enc = like_scan(store, words)
    # A fresh connection, its cache of decrypted pages empty: the first search is cold.
    store = Store.open(enc, passphrase=PASSPHRASE)
    worst = 0.0
    for name, query in queries.items():
        p95, hits = search_p95(store, query)
        worst = max(worst, p95 / like_plain)
        print(f"      {name:<22} {query!r:<22} p95 {p95 * 1000:7.1f} ms  "
              f"({p95 / like_plain:.3f}× plain LIKE, {p95 / like_enc:.3f}× encrypted LIKE, "
              f"{hits} hits)")
    store.close()
    report("search encrypted 100k: p95 vs LIKE scan",
           f"worst {worst:.3f}× (LIKE scan: plain {like_plain * 1000:.0f} ms, encrypted "
           f"{like_enc * 1000:.0f} ms) target ≤ 0.2×", worst <= 0.2)


def bench_open(plain: Path, enc: Path) -> None:
    from fieldwork.store import Store, cipher

    def once(path: Path, passphrase: str | None, fresh_key: bool) -> float:
        if fresh_key:
            cipher._derive.cache_clear()
        return open_to_rows(lambda: Store.open(path, passphrase=passphrase))

    plain_ms = statistics.median(once(plain, None, False) for _ in range(5)) * 1000
    fresh_ms = statistics.median(once(enc, PASSPHRASE, True) for _ in range(5)) * 1000
    cached_ms = statistics.median(once(enc, PASSPHRASE, False) for _ in range(5)) * 1000
    t0 = time.perf_counter()
    cipher.derive(PASSPHRASE, os.urandom(16))
    kdf_ms = (time.perf_counter() - t0) * 1000
    report("open encrypted 100k + first 200 rows",
           f"{fresh_ms:.1f} ms with the key derived ({kdf_ms:.0f} ms of it scrypt), "
           f"{cached_ms:.1f} ms with it cached; plain {plain_ms:.1f} ms; target ≤ 100 ms",
           fresh_ms <= 100)


def bench_save(plain: Path, enc: Path) -> None:
    from fieldwork.store import Store

    def median_ms(path: Path, passphrase: str | None) -> float:
        with Store.open(path, passphrase=passphrase) as store:
            return save_median_ms(store)

    p = median_ms(plain, None)
    e = median_ms(enc, PASSPHRASE)
    report("save one note, encrypted: median", f"{e:.2f} ms (plain {p:.2f} ms, {e / p:.2f}×) "
           "target ≤ 5 ms", e <= 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fw-bench-"))
    os.environ.setdefault("FIELDWORK_DATA_DIR", str(workdir / "userdata"))
    try:
        print(f"building {args.notes:,} synthetic notes…", flush=True)
        doc = document(args.notes)
        plain, enc = bench_import(doc, workdir)
        del doc
        bench_search(plain, enc)
        bench_open(plain, enc)
        bench_save(plain, enc)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}")
    failed = [name for name, ok in RESULTS if not ok]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
