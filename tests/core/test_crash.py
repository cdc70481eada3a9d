"""A writer killed mid-stream loses nothing it had reported saved, and leaves a sound file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fieldwork.store import Store

WRITER = """
import sys
from fieldwork.store import Store
store = Store.open(sys.argv[1])
i = 0
while True:
    changes = store.add_note(author="Tom Team", source="other", text="note %d " % i * 20)
    if i % 3 == 0:
        store.edit_note(changes.created, text="edited %d" % i)
    sys.stdout.write(changes.created + "\\n")
    sys.stdout.flush()
    i += 1
"""


def test_sigkill_mid_write_loses_no_saved_note(tmp_path: Path) -> None:
    path = tmp_path / "crash.fieldwork"
    with Store.create(path) as store:
        store.add_inspector("Tom Team")
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    saved: list[str] = []
    deadline = time.monotonic() + 60
    while len(saved) < 150 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        saved.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    saved.extend(line.strip() for line in proc.stdout.readlines() if line.strip())
    proc.stdout.close()
    proc.wait()
    assert len(saved) >= 150
    with Store.open(path) as store:
        assert store.integrity_check() == "ok"
        present = {n.id for n in store.notes()}
        assert set(saved) <= present
        # the search index agrees with the rows
        store.index.check()
