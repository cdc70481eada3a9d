"""Where Fieldwork keeps its own files: the shipped resources and the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository's (or installed tree's) resources folder: templates, fonts, sample data.
RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def user_data_dir() -> Path:
    """The user's Fieldwork data folder. ``FIELDWORK_DATA_DIR`` overrides it (tests use this)."""
    override = os.environ.get("FIELDWORK_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("fieldwork", appauthor=False))


def user_templates_dir() -> Path:
    """Where a user drops their own letter templates (``*.toml``)."""
    return user_data_dir() / "templates"


def sample_path() -> Path:
    """The sample inspection, as interchange JSON."""
    return RESOURCES / "sample" / "bromley-2009.json"
