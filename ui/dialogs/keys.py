"""Enter and Esc in a dialog: Enter presses its main button, Esc cancels (QDialog's own).

A QPushButton in a dialog is an "auto default" unless told otherwise: once it has had focus
it becomes the button Enter presses, so Enter in the Merge dialog's passphrase box opened
"Add packs…". :func:`main_button` makes the main button the only default.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QPushButton


def main_button(dialog: QDialog, button: QPushButton | None) -> None:
    """Enter presses ``button`` (None: Enter presses nothing); no other push button of
    ``dialog`` becomes a default when it has focus."""
    for other in dialog.findChildren(QPushButton):
        if other is not button:
            other.setAutoDefault(False)
            other.setDefault(False)
    if button is not None:
        button.setAutoDefault(True)
        button.setDefault(True)
