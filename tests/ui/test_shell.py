"""The window is a shell: pages, menus, status-bar items and actions are added through its
seams (ui.host.Shell)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from ui.host import Shell


def _menu_titles(window: Any) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_a_page_a_menu_and_a_status_item_go_where_they_belong(window: Any, qtbot: Any) -> None:
    shell: Shell = window
    page = QWidget()
    show = QAction("&Sync Log", page)
    show.setShortcut("Ctrl+9")
    show.triggered.connect(lambda: shell.show_page(page))
    shell.add_page(page, "Sync", tip="What the team folder did", action=show)
    assert window.pages.tabText(window.pages.count() - 1) == "Sync"
    assert show in shell.menu("view").actions()
    show.trigger()
    assert window.pages.currentWidget() is page

    tool, page_menu = QMenu("&Sync", window), QMenu("&Drafts", window)
    shell.add_menu(tool)
    shell.add_menu(page_menu, "page")
    titles = _menu_titles(window)
    assert titles.index("Sync") == titles.index("Help") - 1
    assert titles.index("Drafts") == titles.index("View") - 1

    label = QLabel("Team folder: synced")
    shell.add_status_widget(label)
    assert label.parent() is not None and label.isVisibleTo(window)


def test_session_actions_follow_the_file(window: Any, idle: Any, sample_file: Path,
                                         qtbot: Any) -> None:
    shell: Shell = window
    reads, writes = QAction("Look", window), QAction("Change", window)
    shell.add_session_action(reads)
    shell.add_session_action(writes, writes=True)
    assert not reads.isEnabled() and not writes.isEnabled()
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.open_file(sample_file)
    idle()
    assert reads.isEnabled() and writes.isEnabled()
    window.files.close_file()
    idle()
    assert not reads.isEnabled() and not writes.isEnabled()
    sample_file.chmod(0o444)
    try:
        with qtbot.waitSignal(window.overview_applied, timeout=10000):
            window.open_file(sample_file)
        idle()
        assert reads.isEnabled() and not writes.isEnabled()
    finally:
        window.files.close_file()
        idle()
        sample_file.chmod(0o644)


def test_what_is_typed_is_saved_before_undo_and_closing(opened: Any, idle: Any) -> None:
    flushed: list[str] = []
    opened.add_flusher(lambda: flushed.append("flushed"))
    opened.undo()
    assert flushed == ["flushed"]
    opened.files.close_file()
    idle()
    assert flushed == ["flushed", "flushed"]


def test_only_the_app_imports_the_window() -> None:
    """Pages, menus and dialogs reach the window through ui.host's Protocols."""
    import ast

    ui = Path(__file__).resolve().parents[2] / "ui"
    importers = set()
    for path in ui.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if "ui.mainwindow" in names:
                importers.add(path.relative_to(ui.parent).as_posix())
    assert importers == {"ui/app.py"}


def test_no_module_of_the_app_has_more_than_one_concern() -> None:
    """A module past about 800 lines has more than one concern (the brief's rule)."""
    ui = Path(__file__).resolve().parents[2] / "ui"
    long = {p.relative_to(ui).as_posix(): n for p in ui.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 800}
    assert long == {}


def test_work_queued_as_the_file_closes_runs_before_its_writer_closes(
        opened: Any, idle: Any) -> None:
    shell: Shell = opened
    seen: list[bool] = []

    def last_work() -> None:
        session = shell.session
        assert session is not None
        shell.tasks.run(lambda: seen.append(session.writer.count_notes() > 0),
                        lambda _f: None)

    shell.session_closing.connect(last_work)
    opened.files.close_file()
    idle()
    assert seen == [True]
    assert opened.session is None
