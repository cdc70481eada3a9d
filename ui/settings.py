"""Preferences and window state, kept in QSettings.

The window is given a :class:`Settings`; tests give it one backed by an INI file in a
temporary folder, so they never touch the user's own settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "Fieldwork"
APPLICATION = "Fieldwork"
MAX_RECENT = 8
#: Lock the window after this long without a key press or a click (seconds; 0: never).
DEFAULT_IDLE_LOCK_SECONDS = 10 * 60
IDLE_LOCK_KEY = "security/idle_lock_seconds"


class Settings:
    """Typed access to the few things Fieldwork remembers."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings(ORGANISATION, APPLICATION)

    @classmethod
    def in_file(cls, path: Path) -> Settings:
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def recent_files(self) -> list[Path]:
        value = self.q.value("files/recent", [])
        items: list[object] = [value] if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
        return [Path(str(v)) for v in items if v]

    def add_recent(self, path: Path) -> None:
        path = Path(path).resolve()
        recent = [p for p in self.recent_files() if p != path]
        self.q.setValue("files/recent", [str(p) for p in [path, *recent][:MAX_RECENT]])

    def forget_recent(self, path: Path) -> None:
        recent = [p for p in self.recent_files() if p != Path(path).resolve()]
        self.q.setValue("files/recent", [str(p) for p in recent])

    def folder(self) -> str:
        return str(self.q.value("files/folder", "") or "")

    def set_folder(self, folder: Path) -> None:
        self.q.setValue("files/folder", str(folder))

    def bytes_value(self, key: str) -> QByteArray | None:
        value = self.q.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_value(self, key: str, value: object) -> None:
        self.q.setValue(key, value)

    def int_value(self, key: str, default: int) -> int:
        try:
            return int(str(self.q.value(key, default)))
        except (TypeError, ValueError):
            return default

    def idle_lock_seconds(self) -> float:
        """How long without input before the window locks (0: it never does)."""
        try:
            value = float(str(self.q.value(IDLE_LOCK_KEY, DEFAULT_IDLE_LOCK_SECONDS)))
        except (TypeError, ValueError):
            return DEFAULT_IDLE_LOCK_SECONDS
        return value if value >= 0 and value == value else DEFAULT_IDLE_LOCK_SECONDS

    def set_idle_lock_seconds(self, seconds: float) -> None:
        self.q.setValue(IDLE_LOCK_KEY, max(0.0, float(seconds)))

    def sync(self) -> None:
        self.q.sync()
