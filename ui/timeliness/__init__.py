"""The Timeliness page: timeliness from the case records, as a table and a bar chart,
beside the authority's reported figure, with each case's record and notes a click away and
a draft finding a button away.

:func:`install_timeliness` puts it into the main window. The figures are computed by
:mod:`fieldwork.timeliness` on the window's worker thread.
"""

from __future__ import annotations

from ui.timeliness.install import TimelinessPage, install_timeliness

__all__ = ["TimelinessPage", "install_timeliness"]
