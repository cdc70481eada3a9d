"""Qt item models over the library's queries and the worker's :class:`~ui.session.Overview`."""
