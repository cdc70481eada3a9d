"""Shared fixtures. Qt runs offscreen, and the user's data folder is a temporary one."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "tests" / "fixtures" / "reference" / "bromley-2009"
SAMPLE = REPO / "resources" / "sample" / "bromley-2009.json"


@pytest.fixture(autouse=True)
def _user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own empty user data folder."""
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture
def reference_json() -> Path:
    """The reference inspection (tests/fixtures/reference), as interchange JSON."""
    return REFERENCE / "inspection.json"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    """A new, empty inspection with a lead and one team inspector; the lead is ``me``."""
    from fieldwork.store import Store

    s = Store.create(
        tmp_path / "t.fieldwork",
        inspection={"template": "ucra-2009", "authority": "Test Borough"},
    )
    lead = s.add_inspector("Lena Lead", "lead").created
    s.add_inspector("Tom Team", "team")
    assert lead is not None
    s.set_me(lead)
    yield s
    s.close()


@pytest.fixture
def sample_store(tmp_path: Path) -> Iterator[object]:
    """The shipped sample inspection, imported into a fresh file."""
    from fieldwork.interchange import import_file

    s, _ = import_file(tmp_path / "sample.fieldwork", SAMPLE)
    yield s
    s.close()


@pytest.fixture
def copy_of(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Copy a file into tmp_path; returns the new path."""

    def _copy(src: Path, name: str | None = None) -> Path:
        dst = tmp_path / (name or src.name)
        shutil.copyfile(src, dst)
        return dst

    return _copy
