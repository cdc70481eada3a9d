"""Another process that holds an inspection file's lock, as a second app would.

``python -m tests.helpers.holder FILE [PERSON]`` takes :func:`fieldwork.lock.acquire`, prints
``held`` and waits until its stdin closes (then releases) or it is killed (then the lock is
left stale, as after a crash).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    from fieldwork import lock

    held = lock.acquire(sys.argv[1], person=sys.argv[2] if len(sys.argv) > 2 else "")
    print("held", flush=True)
    sys.stdin.read()
    held.release()
    print("released", flush=True)


def start(path: Path, person: str = "") -> subprocess.Popen[str]:
    """Start a holder of ``path``'s lock and wait until it holds it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.holder", str(path), person],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "held":
        proc.kill()
        proc.wait()
        raise AssertionError(f"the holder did not take the lock: {line!r}")
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    """Let the holder release the lock and end."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    proc.stdout.read()
    proc.stdout.close()
    proc.wait(timeout=10)


if __name__ == "__main__":
    main()
