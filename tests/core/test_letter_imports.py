import subprocess
import sys

from tests.helpers.letterdata import REPO


def modules_after(statement):
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_composing_does_not_import_reportlab_or_qt():
    loaded = modules_after("import fieldwork.letter, fieldwork.checks")
    assert "reportlab" not in loaded
    assert not any(name.startswith("PySide6") for name in loaded)
