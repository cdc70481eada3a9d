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


def private_data_dir(*parts: str) -> Path:
    """The data folder, or a folder in it, made if missing and kept owner-only (0700).

    :raises OSError: it cannot be made
    """
    from fieldwork.files import private_dir

    base = private_dir(user_data_dir())
    return private_dir(base.joinpath(*parts)) if parts else base


def user_templates_dir() -> Path:
    """Where a user drops their own letter templates (``*.toml``)."""
    return user_data_dir() / "templates"


def sample_path() -> Path:
    """The sample inspection, as interchange JSON."""
    return RESOURCES / "sample" / "bromley-2009.json"
