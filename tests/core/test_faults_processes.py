"""Fault suite: several processes on one inspection file, killed with SIGKILL.

These are the failures of issue 10 in their own shape. A process holding the file as the
app does (two connections) must lose nothing it reported saved when another process (the
real ``fieldwork`` command) opens, reads or writes the same file meanwhile, and when both
are killed at random moments. Before the fix, the app-like process dropped its own locks
by opening and closing the file with plain file I/O, and the CLI then deleted the WAL
under it: nearly all its acknowledged notes were lost.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.store import Store
from tests.conftest import REPO

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def fieldwork(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "fieldwork", *map(str, argv)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )


def start_applike(path: Path, *options: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.applike", str(path), *options],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def kill(proc: subprocess.Popen[str]) -> list[str]:
    """SIGKILL the process; every id it printed (it printed each one after its commit)."""
    with_output = proc.stdout is not None
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    lines = proc.stdout.read().splitlines() if with_output and proc.stdout else []
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()
    return [line for line in lines if UUID.match(line.strip())]


def assert_sound(path: Path, acknowledged: set[str]) -> None:
    """Every acknowledged note is there, and the file and its search index are sound."""
    with Store.open(path) as store:
        assert store.integrity_check() == "ok"
        present = {r[0] for r in store.raw_sql("SELECT id FROM notes WHERE deleted = 0")}
        missing = acknowledged - present
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged notes lost"
        store.index.check()


@pytest.fixture
def inspection(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "shared.fieldwork"
    with Store.create(path) as store:
        store.add_inspector("Tom Team")
        for i in range(20):
            store.add_note(author="Tom Team", source="case-record", text=f"kestrel visit {i}")
    yield path


@pytest.mark.slow
def test_a_cli_search_while_the_app_holds_the_file_loses_no_saved_note(
    inspection: Path,
) -> None:
    """The issue's report: the app open, ``fieldwork search`` run, the app's notes lost."""
    app = start_applike(inspection, "--wait")
    try:
        result = fieldwork("search", inspection, "kestrel")
        assert result.returncode == 0, result.stderr
        assert "kestrel" in result.stdout
        assert app.stdin is not None and app.stdout is not None
        app.stdin.write("go\n")
        app.stdin.flush()
        saved = [app.stdout.readline().strip() for _ in range(40)]
    finally:
        saved_after = kill(app)
    acknowledged = {s for s in saved + saved_after if UUID.match(s)}
    assert len(acknowledged) >= 40
    assert_sound(inspection, acknowledged)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_the_app_and_the_cli_writing_at_once_lose_nothing_when_killed(
    inspection: Path, seed: int
) -> None:
    """An app-like writer (two connections) and ``fieldwork note add`` in a loop, both
    killed with SIGKILL at random moments: everything either acknowledged is there."""
    rng = random.Random(seed)
    cli_saved: list[str] = []
    cli_errors: list[str] = []
    current: list[subprocess.Popen[str]] = []
    stop = threading.Event()

    def cli_loop() -> None:
        i = 0
        while not stop.is_set():
            proc = subprocess.Popen(
                [sys.executable, "-m", "fieldwork", "note", "add", str(inspection),
                 "--author", "Tom Team", "--source", "interview", "--role", "manager",
                 "--text", f"cli note {i}"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
            )
            current[:] = [proc]
            out, err = proc.communicate()
            line = out.strip()
            if UUID.match(line):  # printed after its commit: acknowledged, killed or not
                cli_saved.append(line)
            elif proc.returncode != -signal.SIGKILL and not (
                proc.returncode == 2 and "locked" in err
            ):
                cli_errors.append(f"exit {proc.returncode}: {err}")
            i += 1

    app = start_applike(inspection)
    thread = threading.Thread(target=cli_loop)
    thread.start()
    try:
        # Let both run until the CLI has saved a few notes, then a random moment more.
        deadline = time.monotonic() + 30
        while len(cli_saved) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.0))
        stop.set()
        if current and current[0].poll() is None:
            time.sleep(rng.uniform(0.0, 0.15))
            if current[0].poll() is None:
                os.kill(current[0].pid, signal.SIGKILL)
    finally:
        stop.set()
        app_saved = kill(app)
        thread.join()
    assert not cli_errors
    assert len(cli_saved) >= 3 and len(app_saved) >= 10, (len(cli_saved), len(app_saved))
    assert_sound(inspection, set(cli_saved) | set(app_saved))
