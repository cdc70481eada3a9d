"""File > Lock When Idle…: whether the window locks when nobody uses it, and after how
many minutes (kept in the app's settings, :meth:`ui.settings.Settings.idle_lock_seconds`)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.settings import DEFAULT_IDLE_LOCK_SECONDS, Settings

MAX_MINUTES = 240


class IdleLockDialog(QDialog):
    """The setting, shown and changed; :meth:`seconds` is what was chosen."""

    def __init__(self, parent: QWidget | None, settings: Settings) -> None:
        super().__init__(parent)
        self.setObjectName("idleLockDialog")
        self.setWindowTitle("Lock When Idle")
        seconds = settings.idle_lock_seconds()
        intro = QLabel("When nobody has pressed a key or used the mouse in Fieldwork for a "
                       "while, it hides the inspection behind a lock screen. An encrypted "
                       "inspection is closed and needs its passphrase to open again.")
        intro.setWordWrap(True)
        self.enabled = QCheckBox("&Lock when idle")
        self.enabled.setObjectName("lockWhenIdle")
        self.enabled.setChecked(seconds > 0)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("idleMinutes")
        self.minutes.setRange(1, MAX_MINUTES)
        self.minutes.setSuffix(" minutes")
        self.minutes.setAccessibleName("Minutes without use before locking")
        shown = seconds if seconds > 0 else DEFAULT_IDLE_LOCK_SECONDS
        self.minutes.setValue(max(1, min(MAX_MINUTES, round(shown / 60))))
        self.minutes.setEnabled(seconds > 0)
        self.enabled.toggled.connect(self.minutes.setEnabled)
        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow("&After:", self.minutes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.minutes.setFocus()

    def seconds(self) -> int:
        """The idle time chosen (0: never lock)."""
        return self.minutes.value() * 60 if self.enabled.isChecked() else 0
