"""The Fieldwork desktop app (PySide6). It calls the ``fieldwork`` library for everything it
reads and writes.

Layout: :mod:`ui.mainwindow` is a shell (the open file, the undo stack, running changes);
pages and menus are added through its seams and reach it through the Protocols in
:mod:`ui.host`: the Evidence page (:mod:`ui.evidence`), the File menu (:mod:`ui.files`),
the Letter page (:mod:`ui.letter`), the Timeliness page (:mod:`ui.timeliness`) and the
Team menu (:mod:`ui.team`).

Threading: one :class:`~ui.operations.TaskManager` worker thread does every write (each a
:class:`~ui.operations.CoreOp` returning the core's Changes) and every long read (opening,
search, bulk tagging, the aggregate counts) on the session's writer store; the letter's
own lanes compile, print and export without holding it up. The GUI thread reads list pages
and single notes from a second connection to the same file, the session's reader store.
Each store is only ever used from its own thread, and WAL lets the reader see each
committed write without blocking it.
"""
