"""TEMP (w10-core owns Store.open(read_only=...)): the few lines the app's read-only
sessions need until that branch is merged."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.errors import ReadOnly
from fieldwork.store import Store


def test_a_file_opened_for_reading_sees_other_writes_and_refuses_its_own(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.fieldwork"
    with Store.create(path) as writer:
        writer.add_inspector("Tom Team")
        with Store.open(path, read_only=True) as reader:
            assert not reader.writable and reader.read_only_reason
            assert writer.writable and writer.read_only_reason is None
            writer.add_note(author="Tom Team", source="other", text="seen")
            assert [n.text for n in reader.notes()] == ["seen"]
            with pytest.raises(ReadOnly):
                reader.add_note(author="Tom Team", source="other", text="refused")


def test_a_second_open_in_one_process_keeps_the_first_connection_s_locks(
    tmp_path: Path,
) -> None:
    """The app opens two connections; another process that writes and closes must not take
    itself for the last user and delete the WAL under them."""
    import subprocess
    import sys

    path = tmp_path / "x.fieldwork"
    with Store.create(path) as s:
        s.add_inspector("Tom Team")
    first = Store.open(path)
    second = Store.open(path)
    try:
        first.add_note(author="Tom Team", source="other", text="one")
        subprocess.run([sys.executable, "-c",
                        "import sys\nfrom fieldwork.store import Store\n"
                        "s = Store.open(sys.argv[1])\n"
                        "s.add_note(author='Tom Team', source='other', text='two')\ns.close()\n",
                        str(path)], check=True)
        assert Path(f"{path}-wal").exists()
        first.add_note(author="Tom Team", source="other", text="three")
        assert sorted(n.text for n in second.notes()) == ["one", "three", "two"]
    finally:
        second.close()
        first.close()
    with Store.open(path) as s:
        assert s.integrity_check() == "ok"
        assert s.count_notes() == 3
