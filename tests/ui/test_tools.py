"""The tooling beside the app: the screenshots in docs/ are still made (the tool reaches
into the window's pages and dialogs, so a change there must keep it working)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PICTURES = {"main-window.png", "findings-board.png", "coverage.png", "letter-workspace.png",
            "timeliness.png", "merge-summary.png", "conflict-review.png", "history.png"}


@pytest.mark.slow
def test_the_screenshots_are_made(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELDWORK_NO_BUG_DIALOG="1")
    done = subprocess.run([sys.executable, str(REPO / "tools" / "screenshots.py"),
                           str(tmp_path / "docs")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    made = {p.name: p.stat().st_size for p in (tmp_path / "docs").iterdir()}
    assert set(made) == PICTURES
    assert all(size > 10_000 for size in made.values())
    assert "Traceback" not in done.stderr


def test_the_tooling_is_not_shipped() -> None:
    """Screenshots and the team demo are tools/, not part of the ui package."""
    shipped = {p.name for p in (REPO / "ui").rglob("*.py")}
    assert not shipped & {"screenshots.py", "demo.py"}
