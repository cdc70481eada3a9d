"""One file, one app window: a file open elsewhere is offered read-only, with a banner that
says by whom; a crashed holder's lock is cleared; and another program's writes show here
within about two seconds, without losing what is being typed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldwork import lock
from fieldwork.store import Store
from tests.helpers import holder as holder_process
from tests.ui.conftest import Questions
from ui.evidence.refresh import TYPED_OVER
from ui.readonly import BOARD_READ_ONLY
from ui.watch import POLL_MS

REPO = Path(__file__).resolve().parents[2]
#: Another program's change shows within about two seconds (the poll is every second;
#: bench/bench_watch.py measures it); this allows for a busy shared machine.
SHOWN_WITHIN_MS = 5000
HOST = socket.gethostname()


@pytest.fixture
def held(sample_file: Path) -> Iterator[Any]:
    """The sample, held open for writing by another process, as Derek Osei."""
    proc = holder_process.start(sample_file, "Derek Osei")
    yield proc
    if proc.poll() is None:
        holder_process.stop(proc)


def cli(*args: str) -> subprocess.Popen[str]:
    """Start ``fieldwork ARGS`` in another process."""
    return subprocess.Popen([sys.executable, "-m", "fieldwork", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(qtbot: Any, proc: subprocess.Popen[str]) -> str:
    """Wait for a command to end (the event loop keeps running); its output."""
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30000)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    return out.strip()


def open_and_wait(window: Any, qtbot: Any, idle: Any, path: Path, **kwargs: Any) -> None:
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.open_file(path, **kwargs)
    idle()


def write_actions_off(window: Any) -> None:
    ev = window.evidence
    for a in (ev.new_note_action, ev.tag_action, ev.delete_note_action,
              ev.add_finding_action, window.files.identity_action, window.team.merge_action,
              window.undo_action, window.redo_action):
        assert not a.isEnabled(), a.text()
    assert window.evidence.board.frozen and window.evidence.board.hint.text() == BOARD_READ_ONLY
    assert not window.evidence.notes_view.dragEnabled()
    assert not window.evidence.board.view.acceptDrops()
    assert window.saved_label.text() == "Read-only"


# ======================================================================== opening
def test_a_file_open_in_another_app_is_offered_read_only_and_says_by_whom(
    window: Any, qtbot: Any, idle: Any, sample_file: Path, held: Any, questions: Questions,
    errors_shown: list[tuple[str, str]],
) -> None:
    questions.answer = "Open Read-Only"
    open_and_wait(window, qtbot, idle, sample_file)
    who = lock.holder_of(sample_file)
    assert who is not None and who.pid == held.pid
    text, advice = questions.asked[0]
    assert text == (f"sample.fieldwork is open in Fieldwork by Derek Osei ({who.user}) "
                    f"on {HOST} since {who.since_text}.")
    assert "open it read-only" in advice
    session = window.session
    assert session is not None and not session.writable and session.lock is None
    banner = window.read_only.banner
    assert banner.isVisible()
    assert banner.text == (f"Read-only: this inspection is open in Fieldwork by Derek Osei "
                           f"({who.user}) on {HOST}. Changes made there appear here within "
                           "a few seconds.")
    assert banner.edit_button.isVisible()
    assert banner.geometry().top() < window.menuBar().geometry().bottom() + 5
    write_actions_off(window)
    window.evidence.new_note_action.trigger()
    window.evidence.notes_view.selectRow(0)
    assert window.evidence.editor.text.isReadOnly()
    ws = window.letter.workspace
    qtbot.waitUntil(lambda: ws.snapshot is not None, timeout=10000)
    assert ws.form.read_only
    assert not ws.issue_action.isEnabled() and not ws.qa_action.isEnabled()
    assert ws.export_action.isEnabled()  # reading and printing stay
    assert window.evidence.notes_model.rowCount() == 149
    assert errors_shown == []
    # The holder's lock is untouched.
    assert lock.holder_of(sample_file) == who and not lock.is_locked_here(sample_file)


def test_declining_leaves_nothing_open(window: Any, idle: Any, sample_file: Path, held: Any,
                                       questions: Questions, settings: Any,
                                       errors_shown: list[tuple[str, str]]) -> None:
    settings.add_recent(sample_file)
    window.open_file(sample_file)
    idle()
    assert len(questions.asked) == 1
    assert window.session is None
    assert not window.read_only.banner.isVisible()
    assert errors_shown == []
    assert settings.recent_files() == [sample_file.resolve()]  # it is not forgotten
    assert lock.holder_of(sample_file) is not None and lock.holder_of(sample_file).pid == held.pid


def test_when_the_other_app_closes_the_file_it_can_be_opened_for_editing(
    window: Any, qtbot: Any, idle: Any, sample_file: Path, held: Any, questions: Questions,
) -> None:
    questions.answer = "Open Read-Only"
    open_and_wait(window, qtbot, idle, sample_file)
    banner = window.read_only.banner
    banner.edit_button.click()  # still open there: the banner stays, and says so again
    idle()
    assert window.session is not None and not window.session.writable
    assert len(questions.asked) == 1
    assert "Still open elsewhere: sample.fieldwork is open in Fieldwork by Derek Osei" in \
        window.statusBar().currentMessage()
    holder_process.stop(held)
    qtbot.waitUntil(lambda: "Derek Osei" in banner.text and "has closed" in banner.text,
                    timeout=SHOWN_WITHIN_MS)
    assert banner.text == (f"Read-only: Derek Osei ({lock.me().user}) has closed this "
                           f"inspection on {HOST}. Open it for editing to make your own "
                           "changes.")
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        banner.edit_button.click()
    idle()
    assert window.session.writable and window.session.lock is not None
    assert not banner.isVisible()
    assert window.evidence.new_note_action.isEnabled() and window.team.merge_action.isEnabled()
    assert not window.evidence.board.frozen and window.evidence.notes_view.dragEnabled()
    assert window.saved_label.text() == "Saved"
    assert lock.is_locked_here(sample_file)


def test_a_second_window_here_is_offered_read_only_and_the_same_window_is_told(
    window: Any, qtbot: Any, idle: Any, settings: Any, sample_file: Path,
    questions: Questions,
) -> None:
    from ui.mainwindow import MainWindow

    open_and_wait(window, qtbot, idle, sample_file)
    first = window.session
    assert first.writable and lock.is_locked_here(sample_file)
    # File > Open of the file this window has open: said in the status bar, nothing else.
    window.open_file(sample_file)
    idle()
    assert window.session is first and questions.asked == []
    assert window.statusBar().currentMessage() == "sample.fieldwork is already open here."

    second = MainWindow(settings)
    qtbot.add_widget(second)
    second.show()
    try:
        questions.answer = "Open Read-Only"
        with qtbot.waitSignal(second.overview_applied, timeout=10000):
            second.open_file(sample_file)
        qtbot.waitUntil(lambda: second.tasks.idle, timeout=10000)
        assert questions.asked[0][0].startswith(
            "sample.fieldwork is already open in another window of this Fieldwork since ")
        assert not second.session.writable
        assert second.read_only.banner.text == (
            "Read-only: this inspection is open in another window of this Fieldwork. "
            "Changes made there appear here within a few seconds.")
        write_actions_off(second)
        # A note written in the first window shows in the second.
        window.evidence.new_note()
        qtbot.keyClicks(window.evidence.editor.text, "Written in the first window.")
        window.evidence.editor.flush()
        idle()
        qtbot.waitUntil(lambda: second.evidence.notes_model.rowCount() == 150,
                        timeout=SHOWN_WITHIN_MS)
        window.files.close_file()
        idle()
        assert not lock.lock_path(sample_file).exists()
        qtbot.waitUntil(lambda: "has closed" in second.read_only.banner.text,
                        timeout=SHOWN_WITHIN_MS)
        assert second.read_only.banner.text.startswith(
            "Read-only: The other window has closed this inspection.")
    finally:
        second.close()


def test_a_lock_left_by_a_crash_is_cleared_silently(
    window: Any, qtbot: Any, idle: Any, sample_file: Path, questions: Questions,
) -> None:
    proc = holder_process.start(sample_file, "Derek Osei")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdout.close()
    proc.stdin.close()
    assert lock.lock_path(sample_file).exists()  # the crash left it
    open_and_wait(window, qtbot, idle, sample_file)
    assert questions.asked == []
    assert window.session.writable and not window.read_only.banner.isVisible()
    mine = lock.holder_of(sample_file)
    assert mine is not None and mine.pid == os.getpid()
    assert mine.person == "Alison Whitcombe"  # the inspector this copy belongs to


def test_closing_the_file_or_the_window_releases_the_lock(
    window: Any, qtbot: Any, idle: Any, sample_file: Path,
) -> None:
    open_and_wait(window, qtbot, idle, sample_file)
    assert lock.lock_path(sample_file).exists()
    window.files.close_file()
    idle()
    assert not lock.lock_path(sample_file).exists()
    assert not lock.is_locked_here(sample_file)
    open_and_wait(window, qtbot, idle, sample_file)
    assert lock.is_locked_here(sample_file)
    window.close()
    assert not lock.lock_path(sample_file).exists()
    assert not lock.is_locked_here(sample_file)


def test_a_folder_that_cannot_hold_a_lock_opens_read_only_saying_why(
    window: Any, qtbot: Any, idle: Any, sample_file: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    def read_only_disk(path: Path) -> int:
        raise lock._unavailable(path, OSError(errno.EROFS, "Read-only file system"))

    monkeypatch.setattr(lock, "_take_fcntl", read_only_disk)
    open_and_wait(window, qtbot, idle, sample_file)
    assert not window.session.writable
    banner = window.read_only.banner
    assert banner.isVisible()
    assert banner.text == "Read-only: the file is on a read-only disk."
    assert not banner.edit_button.isVisible()
    write_actions_off(window)


def test_a_read_only_file_shows_the_store_s_reason(
    window: Any, qtbot: Any, idle: Any, sample_file: Path,
) -> None:
    sample_file.chmod(0o444)
    try:
        open_and_wait(window, qtbot, idle, sample_file)
        assert window.read_only.banner.text == (
            f"Read-only: {window.session.writer.read_only_reason}.")
        assert not lock.lock_path(sample_file).exists()  # nothing to hold
        write_actions_off(window)
    finally:
        window.files.close_file()
        idle()
        sample_file.chmod(0o644)


def test_the_command_line_and_the_sample_take_the_same_path(
    window: Any, qtbot: Any, idle: Any, held: Any, sample_file: Path, questions: Questions,
) -> None:
    """``fieldwork gui FILE`` starts opening before the window exists (finish_open)."""
    from concurrent.futures import Future

    future: Future[Any] = Future()
    future.set_exception(lock.AlreadyOpen(sample_file, lock.holder_of(sample_file)))
    questions.answer = "Open Read-Only"
    opened: list[bool] = []
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.files.finish_open(future, on_opened=lambda: opened.append(True))
    idle()
    assert opened == [True]
    assert "by Derek Osei" in questions.asked[0][0]
    assert not window.session.writable


def test_save_a_copy_never_replaces_an_inspection_file(
    opened: Any, idle: Any, tmp_path: Path, errors_shown: list[tuple[str, str]],
) -> None:
    other = tmp_path / "other.fieldwork"
    Store.create(other).close()
    before = other.read_bytes()
    proc = holder_process.start(other, "Derek Osei")
    try:
        opened.files.save_a_copy(other)
        idle()
    finally:
        holder_process.stop(proc)
    # Any inspection file is refused, open elsewhere or not: a copy never replaces evidence.
    assert errors_shown[0][0] == "Fieldwork will not write over that file"
    assert "other.fieldwork" in errors_shown[0][1]
    assert other.read_bytes() == before


# ============================================================ other programs' writes
def test_data_version_moves_only_for_other_connections(sample_file: Path) -> None:
    from ui.session import open_session

    session = open_session(sample_file)
    try:
        assert not session.changed_elsewhere()
        session.writer.add_note(author="Alison Whitcombe", source="other", text="mine")
        assert not session.changed_elsewhere()  # its own commits do not count
        session.reader.note_rows(limit=5)  # nor the reader's reads
        assert not session.changed_elsewhere()
        with Store.open(sample_file) as other:
            other.add_note(author="Derek Osei", source="other", text="theirs")
        assert session.changed_elsewhere()
        assert not session.changed_elsewhere()
    finally:
        session.close_reader()
        session.close_writer()
    assert not lock.lock_path(sample_file).exists()


def test_polling_is_quiet_and_stops_when_the_file_closes(
    opened: Any, qtbot: Any, idle: Any,
) -> None:
    session = opened.session
    polls: list[bool] = []
    real = session.changed_elsewhere

    def counting() -> bool:
        polls.append(True)
        return real()

    session.changed_elsewhere = counting
    busy: list[bool] = []
    opened.tasks.busy_changed.connect(lambda on, _label: busy.append(on))
    idle_throughout: list[bool] = []
    for _ in range(10):
        qtbot.wait(POLL_MS // 4)
        idle_throughout.append(opened.tasks.idle)
    assert len(polls) >= 2
    assert all(idle_throughout) and busy == []
    assert opened.watcher.active
    opened.files.close_file()
    idle()
    assert not opened.watcher.active
    count = len(polls)
    qtbot.wait(POLL_MS * 2)
    assert len(polls) == count


def test_a_note_added_by_the_cli_shows_while_a_new_note_is_typed(
    opened: Any, qtbot: Any, idle: Any,
) -> None:
    path = opened.session.path
    opened.evidence.notes_view.selectRow(3)
    selected = opened.evidence.selected_note_ids()
    opened.evidence.new_note()
    editor = opened.evidence.editor
    typed = "Typed while the command line writes."
    qtbot.keyClicks(editor.text, typed)
    mine = editor.note_id
    note_id = finish(qtbot, cli("note", "add", str(path), "--author", "Derek Osei",
                                "--source", "interview", "--role", "Team manager",
                                "--at", "2009-06-24T08:00", "--text",
                                "Added from the command line."))
    qtbot.waitUntil(lambda: opened.evidence.notes_model.row_of(note_id) is not None,
                    timeout=SHOWN_WITHIN_MS)
    qtbot.waitUntil(lambda: opened.overview.total >= 150, timeout=SHOWN_WITHIN_MS)
    assert editor.note_id == mine
    assert editor.text.toPlainText() == typed
    assert editor.text.textCursor().position() == len(typed)
    editor.flush()
    idle()
    with Store.open(path) as store:
        texts = {n.text for n in store.notes()}
    assert {typed, "Added from the command line."} <= texts
    assert opened.evidence.notes_model.rowCount() == 151
    assert opened.evidence.selected_note_ids() in ([], selected)


def test_the_note_being_read_and_the_list_follow_another_program(
    opened: Any, qtbot: Any, idle: Any,
) -> None:
    path = opened.session.path
    opened.evidence.notes_view.selectRow(5)
    note_id = opened.evidence.editor.note_id
    scroll = opened.evidence.notes_view.verticalScrollBar().value()
    finish(qtbot, cli("note", "edit", str(path), note_id, "--text", "Rewritten elsewhere."))
    qtbot.waitUntil(lambda: opened.evidence.editor.text.toPlainText() == "Rewritten elsewhere.",
                    timeout=SHOWN_WITHIN_MS)

    def listed() -> str:
        row = opened.evidence.notes_model.row_of(note_id)
        found = opened.evidence.notes_model.note_row(row) if row is not None else None
        return found.text if found else ""

    qtbot.waitUntil(lambda: listed() == "Rewritten elsewhere.", timeout=SHOWN_WITHIN_MS)
    assert opened.evidence.selected_note_ids() == [note_id]
    assert opened.evidence.notes_view.verticalScrollBar().value() == scroll
    # A new finding from elsewhere reaches the board and the letter on show.
    opened.letter.show_letter()
    finish(qtbot, cli("finding", "add", str(path), "--section", "satisfactory", "--text",
                      "Added from the command line."))
    qtbot.waitUntil(lambda: any(f.text == "Added from the command line."
                                for f in opened.overview.findings), timeout=SHOWN_WITHIN_MS)
    ws = opened.letter.workspace
    qtbot.waitUntil(lambda: ws.snapshot is not None and any(
        f.text == "Added from the command line." for f in ws.snapshot.data.findings),
        timeout=10000)
    opened.show_page(opened.evidence)
    # And deleted elsewhere, the note being read goes.
    finish(qtbot, cli("note", "delete", str(path), note_id))
    qtbot.waitUntil(lambda: opened.evidence.editor.note_id is None, timeout=SHOWN_WITHIN_MS)


def test_a_note_changed_elsewhere_while_typed_keeps_the_typing(
    opened: Any, qtbot: Any, idle: Any,
) -> None:
    path = opened.session.path
    editor = opened.evidence.editor
    editor._timer.setInterval(60000)  # a long sentence: no pause to save at
    opened.evidence.notes_view.selectRow(2)
    note_id = editor.note_id
    editor.text.setFocus()
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " And checked again.")
    typed = editor.text.toPlainText()
    cursor = editor.text.textCursor().position()
    finish(qtbot, cli("note", "edit", str(path), note_id, "--text", "Changed elsewhere.",
                      "--case", "BR-09-00001"))
    qtbot.waitUntil(lambda: opened.statusBar().currentMessage() == TYPED_OVER,
                    timeout=SHOWN_WITHIN_MS)
    assert editor.text.toPlainText() == typed
    assert editor.text.textCursor().position() == cursor
    editor.flush()
    idle()
    with Store.open(path) as store:
        note = store.note(note_id)
    assert note.text == typed  # saved on top
    assert note.case_ref == "BR-09-00001"  # what was not typed over stays


def test_a_read_only_window_follows_the_writers(
    window: Any, qtbot: Any, idle: Any, sample_file: Path, held: Any, questions: Questions,
) -> None:
    questions.answer = "Open Read-Only"
    open_and_wait(window, qtbot, idle, sample_file)
    note_id = finish(qtbot, cli("note", "add", str(sample_file), "--author", "Derek Osei",
                                "--source", "other", "--text", "Written while read here."))
    qtbot.waitUntil(lambda: window.evidence.notes_model.row_of(note_id) is not None,
                    timeout=SHOWN_WITHIN_MS)
    assert window.saved_label.text() == "Read-only"


@pytest.mark.slow
def test_the_cli_and_the_app_writing_at_once_lose_nothing(
    opened: Any, qtbot: Any, idle: Any,
) -> None:
    path = opened.session.path
    script = (
        "import sys\n"
        "from fieldwork.cli import main\n"
        "for i in range(30):\n"
        "    code = main(['note', 'add', sys.argv[1], '--author', 'Derek Osei', '--source',\n"
        "                 'other', '--text', f'cli note {i}'])\n"
        "    assert code == 0, code\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    editor = opened.evidence.editor
    written: list[str] = []
    for i in range(20):
        opened.evidence.new_note()
        qtbot.keyClicks(editor.text, f"app note {i}")
        written.append(editor.note_id)
        opened.evidence.notes_view.setFocus()  # leaving the editor saves
        qtbot.wait(15)
    opened.evidence.notes_view.selectRow(0)
    first = opened.evidence.editor.note_id
    opened.evidence.delete_notes()
    opened.undo()  # the undo path writes too
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    idle()
    qtbot.waitUntil(lambda: opened.evidence.notes_model.rowCount() == 199, timeout=SHOWN_WITHIN_MS)
    opened.files.close_file()
    idle()
    with Store.open(path) as store:
        assert store.integrity_check() == "ok"
        texts = [n.text for n in store.notes()]
        assert store.note(first) is not None
    assert sorted(t for t in texts if t.startswith("cli note")) == sorted(
        f"cli note {i}" for i in range(30))
    assert sorted(t for t in texts if t.startswith("app note")) == sorted(
        f"app note {i}" for i in range(20))
    assert len(written) == len(set(written)) == 20
