"""Synthetic inspections for the benchmarks: realistic note lengths and word frequencies."""

from __future__ import annotations

import random
import uuid
from typing import Any

SOURCES = (
    "case-record", "supervision-file", "observation", "interview",
    "management-information", "partner-agency", "other",
)

# A few very common words (in most notes), a middle band, and a long tail of rarer words,
# so that every class of query has something to find.
COMMON = ["the", "child", "and", "was", "social", "worker", "of", "to", "in", "record"]
MIDDLE = (
    "referral assessment strategy discussion police decision manager supervision "
    "oversight plan visit seen views family mother school health domestic abuse risk "
    "initial core timescale recorded delay locum deputy group team duty partner agency "
    "outcome review audit quality threshold contact timely prompt evidence case note"
).split()


def _tail(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(5, 10))) for _ in range(n)]


def note_texts(count: int, *, seed: int = 1) -> list[str]:
    """``count`` texts of 100–1500 characters."""
    rng = random.Random(seed)
    tail = _tail(rng, 20000)
    out = []
    for _ in range(count):
        target = rng.randint(100, 1500)
        words: list[str] = []
        length = 0
        while length < target:
            r = rng.random()
            if r < 0.35:
                w = rng.choice(COMMON)
            elif r < 0.75:
                w = rng.choice(MIDDLE)
            else:
                w = tail[int(rng.paretovariate(1.1)) % len(tail)]
            words.append(w)
            length += len(w) + 1
        out.append(" ".join(words)[:target].capitalize() + ".")
    return out


def document(notes: int, *, findings: int = 16, seed: int = 1) -> dict[str, Any]:
    """An interchange document with ``notes`` notes by four inspectors, tagged to findings."""
    rng = random.Random(seed)
    inspectors = [
        {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "name": f"Inspector {i}",
         "role": "lead" if i == 0 else "team"}
        for i in range(4)
    ]
    sections = ["satisfactory", "strength", "development"]
    finding_rows = [
        {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
         "section": sections[i % 3], "position": i // 3 + 1,
         "text": f"Finding {i} about referral and assessment arrangements."}
        for i in range(findings)
    ]
    cases = [
        {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "ref": f"BR-09-{i:05d}",
         "kind": "tracked" if i % 4 == 0 else "sampled", "fields": {"risk": "Medium"}}
        for i in range(200)
    ]
    texts = note_texts(notes, seed=seed)
    note_rows = []
    for i, text in enumerate(texts):
        source = SOURCES[i % len(SOURCES)]
        tags = (
            [] if i % 10 == 0
            else [finding_rows[j]["id"] for j in rng.sample(range(findings), rng.randint(1, 2))]
        )
        item: dict[str, Any] = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "author": inspectors[i % 4]["id"],
            "source": source,
            "observed_at": f"2009-06-{24 + i % 2}T{9 + i % 8:02d}:{i % 60:02d}",
            "text": text,
            "findings": tags,
        }
        if source == "case-record":
            item["case_ref"] = cases[i % len(cases)]["ref"]
        if source in ("interview", "observation"):
            item["subject_role"] = "Social worker"
        note_rows.append(item)
    return {
        "format": "fieldwork-inspection",
        "version": 1,
        "inspection": {"template": "ucra-2009", "title": "Benchmark", "authority": "Bench",
                       "fieldwork_dates": ["2009-06-24", "2009-06-25"]},
        "inspectors": inspectors,
        "cases": cases,
        "findings": finding_rows,
        "notes": note_rows,
    }
