"""Where file dialogs start, and File ▸ Show in Folder.

Every file dialog in the app starts where :func:`start_folder` says: the folder of the open
inspection, else the last folder the user chose a file in, else the user's Documents folder.
Never the app's own data folder (where the sample lives, hidden from the user): a letter
exported there would be lost to the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices

from fieldwork import paths
from ui.actions import make_action

if TYPE_CHECKING:
    from ui.host import Host, Shell
    from ui.settings import Settings


def open_url(url: QUrl) -> bool:
    """Open ``url`` with the desktop (tests replace this)."""
    return QDesktopServices.openUrl(url)


def documents_folder() -> Path:
    """The user's Documents folder (their home folder if the platform has none)."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and Path(docs).is_dir():
        return Path(docs)
    return Path.home()


def in_data_folder(folder: Path) -> bool:
    """Whether ``folder`` is the app's data folder or inside it."""
    try:
        data = paths.user_data_dir().resolve()
        folder = folder.resolve()
    except OSError:
        return False
    return folder == data or data in folder.parents


def start_folder(inspection: Path | None, remembered: str = "") -> Path:
    """Where a file dialog starts: the open inspection's folder, else ``remembered`` (the
    last folder chosen), else Documents; a folder inside the data folder is passed over."""
    candidates = [inspection.parent if inspection is not None else None,
                  Path(remembered) if remembered else None]
    for folder in candidates:
        if folder is not None and folder.is_dir() and not in_data_folder(folder):
            return folder
    return documents_folder()


def dialog_folder(host: Host) -> str:
    """:func:`start_folder` for the window's open file and settings, as a dialog takes it."""
    session = host.session
    return str(start_folder(session.path if session is not None else None,
                            host.settings.folder()))


def dialog_path(host: Host, name: str) -> str:
    """A save dialog's suggestion: ``name`` in :func:`dialog_folder`."""
    return str(Path(dialog_folder(host)) / name)


def remember_folder(settings: Settings, chosen: str | Path) -> None:
    """Remember the folder of a file the user chose (not one inside the data folder)."""
    folder = Path(chosen).parent
    if str(chosen) and not in_data_folder(folder):
        settings.set_folder(folder)


class ShowInFolder(QObject):
    """File ▸ Show in Folder: the open inspection's folder in the desktop's file manager."""

    def __init__(self, host: Shell) -> None:
        super().__init__(host.window())
        self.host = host
        self.action = make_action(self, "Show in &Folder", self.show_folder,
                                  tip="Show the folder that holds this inspection's file")
        host.add_session_action(self.action)
        menu = host.menu("file")
        before = next((a for a in menu.actions() if a.text() == "&Who Am I…"), None)
        if before is not None:
            menu.insertAction(before, self.action)
        else:
            menu.addAction(self.action)

    def show_folder(self) -> bool:
        session = self.host.session
        if session is None:
            return False
        folder = session.path.resolve().parent
        if open_url(QUrl.fromLocalFile(str(folder))):
            self.host.statusBar().showMessage(f"Showing {folder}", 4000)
            return True
        self.host.statusBar().showMessage(f"Could not open the folder {folder}", 8000)
        return False
