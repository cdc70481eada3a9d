"""The About box."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldwork import __version__


def about_text() -> str:
    return (
        f"<h3>Fieldwork {__version__}</h3>"
        "<p>Evidence capture, team merge and letter compilation for inspection teams.</p>"
        f"<p>Python {platform.python_version()} · Qt for Python {pyside_version}</p>"
    )


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About Fieldwork", about_text())
