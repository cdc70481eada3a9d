"""The Evidence page: the filters, the notes list and the note being written, the findings
board and the coverage matrix.

:class:`EvidencePage` builds the page and its Notes and Findings menus; it keeps its views
up to date from each change's :class:`~fieldwork.model.Changes` (:mod:`ui.evidence.refresh`),
searches and filters (:mod:`ui.evidence.search`), and makes the notes', findings' and
cases' changes (:mod:`ui.evidence.edits`).
"""

from __future__ import annotations

from ui.evidence.page import EvidencePage

__all__ = ["EvidencePage"]
