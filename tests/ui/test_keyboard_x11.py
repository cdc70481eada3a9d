"""Shortcuts from one-line fields with the X11 key bindings (issue 13: Ctrl+E did nothing in
the Letter form's fields). The offscreen platform used by the other tests has no such
bindings, so this runs the window under Xvfb with the xcb platform, and is skipped with a
reason where Xvfb is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "helpers" / "x11_shortcuts.py"


@pytest.mark.skipif(shutil.which("xvfb-run") is None,
                    reason="xvfb-run is not installed (.ci/run installs xvfb)")
def test_window_shortcuts_win_over_x11_line_editing_keys(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    wm = "openbox >/dev/null 2>&1 & sleep 0.3; " if shutil.which("openbox") else ""
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    run = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "sh", "-c",
         f'{wm}exec "{sys.executable}" "{SCRIPT}" "{out}"'],
        env=env, capture_output=True, text=True, timeout=180, check=False)
    if run.returncode != 0 and 'platform plugin "xcb"' in run.stderr:
        pytest.skip("Qt's xcb platform plugin cannot load here (its X libraries are missing: "
                    "libxcb-cursor0 and the other libxcb-* packages)")
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["platform"] == "xcb"
    assert result["ctrl_e_is_a_line_key"]  # the bindings that hid the shortcut
    assert result["ctrl_e_exports_without_filter"] == 0  # the bug, without the fix
    assert result["ctrl_e_exports"] == 1
    assert result["ctrl_e_left_the_cursor"]
    assert result["ctrl_k_opens"] == ["CaseDialog"]
    assert result["ctrl_k_kept_the_text"] == "BR-09-04172"
