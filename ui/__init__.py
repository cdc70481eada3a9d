"""The Fieldwork desktop app (PySide6). It calls the ``fieldwork`` library and never runs SQL.

Threading: one :class:`~ui.operations.TaskManager` worker thread does every write and every
long read (opening, search, bulk tagging, the aggregate counts) on the session's writer
store. The GUI thread reads list pages and single notes from a second connection to the
same file, the session's reader store. Each store is only ever used from its own thread,
and WAL lets the reader see each committed write without blocking it.
"""
