"""The letter workspace: the letter's fields, a live preview of its PDF, the readiness
checks, printing and export, and issuing.

:func:`install_letter` puts it into the main window (a Letter page and a Letter menu).
The work that needs the store runs on the window's worker (:mod:`ui.letter.work`); compiling,
rasterising and printing run on the letter's own threads (:mod:`ui.letter.background`).
"""

from __future__ import annotations

from ui.letter.install import LetterPage, install_letter
from ui.letter.workspace import LetterWorkspace

__all__ = ["LetterPage", "LetterWorkspace", "install_letter"]
