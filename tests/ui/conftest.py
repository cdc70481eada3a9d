"""Fixtures for the app's tests: a window on a temporary settings file, opened on a file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE

#: Qt warnings that are ignored on purpose, each with its reason.
IGNORED_QT_WARNINGS = (
    # The offscreen platform plugin cannot size a native window to its hints; on a real
    # desktop there is no such warning.
    r"This plugin does not support propagateSizeHints\(\)",
    # Nor can it raise a window or grab the keyboard, as a completer's popup asks it to.
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
)
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*IGNORED_QT_WARNINGS))


@pytest.fixture(autouse=True)
def no_keychain() -> Iterator[None]:
    """As on a bare Linux machine: keyring's fail backend, so no test reads or writes the
    real keychain of the machine it runs on (a test may set another backend)."""
    import keyring
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture(autouse=True)
def _no_modal_errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Expected-error dialogs are recorded instead of blocking the test."""
    import ui.errors

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ui.errors, "_exec",
                        lambda box: shown.append((box.text(), box.informativeText())))
    return shown


@pytest.fixture
def errors_shown(_no_modal_errors: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return _no_modal_errors


@dataclass
class Questions:
    """The "already open" questions asked, and the button the next ones are answered with."""

    asked: list[tuple[str, str]] = field(default_factory=list)
    answer: str = "Cancel"


@pytest.fixture(autouse=True)
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    """The question offering a file read-only is answered (Cancel, unless a test says)
    instead of blocking the test."""
    import ui.dialogs.already_open

    record = Questions()

    def answer(box: Any) -> Any:
        record.asked.append((box.text(), box.informativeText()))
        return next(b for b in box.buttons() if b.text().replace("&", "") == record.answer)

    monkeypatch.setattr(ui.dialogs.already_open, "_exec", answer)
    return record


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    from ui.settings import Settings

    return Settings.in_file(tmp_path / "settings" / "fieldwork.ini")


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    from fieldwork.interchange import import_file

    target = tmp_path / "sample.fieldwork"
    store, _ = import_file(target, SAMPLE)
    store.close()
    return target


@pytest.fixture
def window(qtbot: Any, settings: Any) -> Iterator[Any]:
    from ui.mainwindow import MainWindow

    w = MainWindow(settings)
    qtbot.add_widget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


@pytest.fixture
def idle(qtbot: Any, window: Any) -> Callable[[], None]:
    """Wait until the worker has finished everything queued, callbacks included."""

    def wait() -> None:
        qtbot.waitUntil(lambda: window.tasks.idle, timeout=10000)

    return wait


@pytest.fixture
def opened(window: Any, sample_file: Path, qtbot: Any, idle: Callable[[], None]) -> Any:
    """The window on a fresh copy of the sample, with its counts loaded."""
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.open_file(sample_file)
    idle()
    return window
