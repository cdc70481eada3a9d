"""Locking the window when nobody has used the app for a while (or on File > Lock Now).

Locking saves what is being typed, then hides every window's content behind a cover and
asks, in a dialog over it, to go on:

- an encrypted file is closed first (every connection, the lock file released): going on
  needs its passphrase, which opens it again (a wrong one is said, and may be typed again;
  **Close File** leaves it closed). The team folder's sync stops with the file.
- a plain file stays open; going on needs a click on **Continue** (or Enter).

While locked, no key press, click or shortcut reaches anything but that dialog (an
application-wide event filter), and the idle clock is stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from fieldwork.errors import FieldworkError
from ui.errors import show_error
from ui.security.dialogs import UnlockDialog, lock_icon
from ui.security.idle import IdleWatcher
from ui.session import PassphraseNeeded

if TYPE_CHECKING:
    from fieldwork.lock import AlreadyOpen, Holder
    from ui.security.install import SecurityHost

#: Input that must not reach the window behind the lock.
BLOCKED = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
    QEvent.Type.Shortcut, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel, QEvent.Type.ContextMenu,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})
WRONG = "That passphrase does not open this inspection. Check it and try again."


class Cover(QWidget):
    """An opaque sheet over a window's whole content (menus and status bar included)."""

    def __init__(self, window: QWidget, *, main: bool) -> None:
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window,
                         palette.color(QPalette.ColorRole.Window).darker(115))
        self.setPalette(palette)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        if main:
            icon = QLabel()
            icon.setPixmap(lock_icon(self).pixmap(64, 64))
            icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text = QLabel("Fieldwork is locked")
            text.setObjectName("lockCoverText")
            text.setAlignment(Qt.AlignmentFlag.AlignCenter)
            font = text.font()
            font.setPointSizeF(font.pointSizeF() * 1.6)
            text.setFont(font)
            layout.addWidget(icon)
            layout.addWidget(text)
        layout.addStretch(3)  # above the dialog, which sits in the middle
        window.installEventFilter(self)
        self._fit()
        self.raise_()
        self.show()

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() in (
                QEvent.Type.Resize, QEvent.Type.ChildAdded, QEvent.Type.LayoutRequest):
            self._fit()
            self.raise_()
        return False

    def remove(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            parent.removeEventFilter(self)
        self.hide()
        self.deleteLater()


@dataclass
class Locked:
    """What was open when the window locked, to open it again."""

    path: Path
    key_id: str | None
    read_only: bool
    holder: Holder | None
    page: int
    encrypted: bool
    #: The note in the editor, shown again once an encrypted file opens again.
    note: str | None = None


class LockScreen(QObject):
    """The lock, installed on one window: ``locked`` says whether it is on, ``dialog`` is
    the question over the covers, ``idle`` the clock that locks it."""

    def __init__(self, host: SecurityHost) -> None:
        super().__init__(host.window())
        self.host = host
        self.window = host.window()
        self.dialog: UnlockDialog | None = None
        self.state: Locked | None = None
        self.covers: list[Cover] = []
        self.idle = IdleWatcher(self, host.settings.idle_lock_seconds)
        self.idle.idle.connect(self.lock)
        host.session_opened.connect(self._opened)
        host.session_closed.connect(self._closed)
        host.closing.connect(self._window_closing)
        if host.session is not None:
            self._opened()

    @property
    def locked(self) -> bool:
        return self.state is not None

    def settings_changed(self) -> None:
        """The idle time was changed: count it from now."""
        if self.host.session is not None and not self.locked:
            self.idle.start()

    def _opened(self) -> None:
        if not self.locked:
            self.idle.start()

    def _closed(self) -> None:
        if not self.locked:
            self.idle.stop()

    def _window_closing(self) -> None:
        self.idle.uninstall()
        self._uncover()

    # ================================================================ locking
    def lock(self, *, idle: bool = True) -> None:
        """Save what is being typed, hide everything, and ask to go on (``idle``: because
        nobody used the app for the set time; else the user asked)."""
        host = self.host
        session = host.session
        if self.locked or session is None:
            return
        self.idle.stop()
        host.flush()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        pages = getattr(self.window, "pages", None)
        self.state = state = Locked(
            path=session.path, key_id=session.key_id,
            read_only=not session.writable and session.holder is not None,
            holder=session.holder, page=pages.currentIndex() if pages is not None else 0,
            encrypted=session.encrypted,
            note=getattr(getattr(host.evidence, "editor", None), "note_id", None) or None)
        self._cover()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        minutes = round(host.settings.idle_lock_seconds() / 60)
        why = (f"after {minutes} minute{'s' if minutes != 1 else ''} without use"
               if idle and minutes >= 1 else "")
        if state.encrypted:
            host.close_session()  # every connection closed, the lock file released
            dialog = UnlockDialog(
                self.window, "Fieldwork Is Locked",
                f"{state.path.name} was closed {why or 'when Fieldwork was locked'}. "
                "Type its passphrase to open it again.",
                ok_text="&Unlock", close_text="&Close File")
            dialog.submitted.connect(self._unlock_encrypted)
        else:
            dialog = UnlockDialog(
                self.window, "Fieldwork Is Locked",
                f"Fieldwork was locked{' ' + why if why else ''}. {state.path.name} is not "
                "encrypted: continue to show it again.", ok_text="&Continue",
                close_text="&Close File", ask=False)
            dialog.submitted.connect(lambda _t, _r: self._unlocked())
        dialog.setObjectName("lockDialog")
        dialog.rejected.connect(self._close_file)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog = dialog
        dialog.open()
        if state.encrypted:
            dialog.passphrase.setFocus()
        else:
            dialog.ok.setFocus()

    def _cover(self) -> None:
        self.covers = [Cover(self.window, main=True)]
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window and widget.isVisible() and widget.isWindow() \
                    and widget.windowType() not in (Qt.WindowType.Popup,
                                                    Qt.WindowType.ToolTip):
                self.covers.append(Cover(widget, main=False))

    def _uncover(self) -> None:
        for cover in self.covers:
            cover.remove()
        self.covers = []
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While locked, input reaches the lock dialog only."""
        if event.type() not in BLOCKED or self.dialog is None:
            return False
        if isinstance(watched, QWidget):
            return not (watched is self.dialog or self.dialog.isAncestorOf(watched))
        return event.type() == QEvent.Type.Shortcut  # a window's action or shortcut

    # ============================================================== unlocking
    def _unlock_encrypted(self, passphrase: str, _remember: bool) -> None:
        state, dialog = self.state, self.dialog
        if state is None or dialog is None:
            return

        def failed(err: FieldworkError) -> None:
            if isinstance(err, PassphraseNeeded) and err.wrong:
                dialog.wrong(WRONG)
                return
            self._unlocked()
            show_error(self.window, err)

        def refused(err: AlreadyOpen) -> None:
            # Another app took the file while it was locked here: offer it read-only.
            self._unlocked()
            self.host.read_only.refused(err, passphrase=passphrase, key_id=state.key_id)

        self.host.files.open_file(state.path, passphrase=passphrase, key_id=state.key_id,
                                  read_only=state.read_only, holder=state.holder,
                                  on_opened=self._unlocked, on_failed=failed,
                                  on_refused=refused)

    def _unlocked(self) -> None:
        state, dialog = self.state, self.dialog
        self.state = self.dialog = None
        self._uncover()
        if dialog is not None:
            dialog.finish(True)
        pages = getattr(self.window, "pages", None)
        if state is not None and self.host.session is not None:
            if state.encrypted and state.note:
                self.host.evidence.show_note(state.note)  # where the user was
            if pages is not None:
                pages.setCurrentIndex(state.page)
        if self.host.session is not None:
            self.idle.start()

    def _close_file(self) -> None:
        """Close File, from the lock dialog: the file stays (or is now) closed."""
        if self.state is None:
            return
        self.state = self.dialog = None
        self._uncover()
        self.host.close_session()
        self.host.statusBar().showMessage("Closed the inspection.", 5000)
