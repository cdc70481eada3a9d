"""The item models, checked with qtmodeltester, and the notes list's lazy fetching."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldwork.store import Store
from fieldwork.store.store import NoteFilter
from ui.models.coverage import CoverageModel
from ui.models.filters import FilterModel
from ui.models.findings import FindingsModel
from ui.models.notes import PAGE_SIZE, NotesModel
from ui.session import load_overview


def _source(store: Store) -> tuple[Any, Any]:
    return (
        lambda where, order, desc, limit, offset: store.note_rows(
            where, order=order, descending=desc, limit=limit, offset=offset),
        store.count_notes,
    )


def test_notes_model(qtmodeltester: Any, sample_store: Store) -> None:
    model = NotesModel()
    model.set_source(*_source(sample_store))
    qtmodeltester.check(model, force_py=True)
    model.set_filter(NoteFilter(untagged=True))
    qtmodeltester.check(model, force_py=True)


def test_filter_findings_and_coverage_models(qtmodeltester: Any, sample_store: Store) -> None:
    ov = load_overview(sample_store)
    for model in (FilterModel(), FindingsModel(), CoverageModel()):
        model.set_overview(ov)
        qtmodeltester.check(model, force_py=True)


def test_the_notes_list_fetches_only_the_pages_it_shows(tmp_path: Path) -> None:
    calls: list[int] = []
    store = Store.create(tmp_path / "many.fieldwork")
    me = store.add_inspector("Lena Lead", "lead").created
    assert me
    with store.atomic():
        store.bulk.insert("notes", [
            (f"n{i:05d}", {"author": me, "source": "other", "case_ref": None,
                           "subject_role": None, "observed_at": f"2009-06-24T09:{i % 60:02d}",
                           "text": f"note {i}", "findings": [], "extra": None})
            for i in range(2500)
        ])
    fetch, count = _source(store)

    def counting(*args: Any) -> Any:
        calls.append(args[4])
        return fetch(*args)

    model = NotesModel()
    model.set_source(counting, count)
    assert model.rowCount() == 2500
    assert calls == []
    model.index(0, 0).data()
    model.index(PAGE_SIZE - 1, 4).data()
    assert calls == [0]
    model.index(2499, 0).data()
    assert calls == [0, 2400]
    store.close()


def test_pages_come_from_the_worker_and_only_the_latest_are_fetched(tmp_path: Path) -> None:
    from ui.models.notes import WANTED_PAGES

    store = Store.create(tmp_path / "many.fieldwork")
    me = store.add_inspector("Lena Lead", "lead").created
    with store.atomic():
        store.bulk.insert("notes", [
            (f"n{i:05d}", {"author": me, "source": "other", "case_ref": None,
                           "subject_role": None, "observed_at": f"2009-06-24T09:{i % 60:02d}",
                           "text": f"note {i}", "findings": [], "extra": None})
            for i in range(3000)
        ])
    fetch, count = _source(store)
    fetched: list[int] = []
    queue: list[tuple[Any, Any]] = []

    def counting(*args: Any) -> Any:
        fetched.append(args[4])
        return fetch(*args)

    model = NotesModel()
    model.set_source(counting, count, runner=lambda work, done: queue.append((work, done)),
                     first=(3000, fetch(None, "observed_at", False, PAGE_SIZE, 0)))
    assert model.index(5, 4).data().startswith("note ")  # the first page came with it
    assert model.index(1000, 0).data() == "…"          # not fetched yet: a blank row
    for row in range(1200, 3000, PAGE_SIZE):             # the view scrolls on fast
        model.index(row, 0).data()
    assert model.loading
    while queue:
        work, done = queue.pop(0)
        done(work())
    assert len(fetched) == WANTED_PAGES                 # stale pages were skipped
    assert model.index(2999, 0).data() != "…"
    assert model.index(1000, 0).data() == "…"          # asked for again when seen again
    store.close()
