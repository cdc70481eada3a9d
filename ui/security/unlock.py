"""Opening an encrypted file: the keychain first (if the user asked it to remember), then
the passphrase dialog, until the file opens or the user cancels.

Every way of opening a file (Open…, Open Recent, the command line, the sample, the lock
screen) goes through :meth:`Unlocker.unlock` when :func:`ui.session.open_session` raises
:class:`~ui.session.PassphraseNeeded`. The passphrase is tried on the worker; the dialog
stays open meanwhile, and a wrong passphrase is said in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from fieldwork.errors import FieldworkError
from ui.operations import Op
from ui.security.dialogs import UnlockDialog
from ui.security.keychain import Keychain
from ui.session import PassphraseNeeded, Session

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.operations import TaskManager

#: Makes the (not yet run) opening of the file with a passphrase and its keychain name.
Opener = Callable[[str, "str | None"], Op[Session]]
WRONG = "That passphrase does not open this inspection. Check it and try again."
STALE = ("The passphrase remembered in the system keychain no longer opens this "
         "inspection. Type it again.")


class Unlocker(QObject):
    """Asks for encrypted files' passphrases on one window."""

    def __init__(self, parent: QWidget, tasks: TaskManager, keychain: Keychain | None = None
                 ) -> None:
        super().__init__(parent)
        self.window = parent
        self.tasks = tasks
        self.keychain = keychain or Keychain()
        self.dialog: UnlockDialog | None = None

    def unlock(self, err: PassphraseNeeded, opener: Opener, opened: Callable[[Session], None],
               failed: Callable[[FieldworkError], None],
               cancelled: Callable[[], None] | None = None) -> None:
        """Open the file ``err`` is about with its passphrase: the keychain's, or typed.

        The keychain is asked on the worker: a system keychain may take a while (or ask
        the user to unlock it) and the window must not freeze meanwhile."""
        key_id, keychain = err.key_id, self.keychain

        def look() -> tuple[bool, str | None]:
            usable = keychain.usable()
            return usable, keychain.get(key_id) if usable and key_id else None

        def found(answer: tuple[bool, str | None]) -> None:
            usable, stored = answer
            if stored and not err.wrong:
                def stale(e: FieldworkError) -> None:
                    if isinstance(e, PassphraseNeeded) and e.wrong:
                        self._ask(err, opener, opened, failed, cancelled, problem=STALE,
                                  usable=usable, remembered=True)
                    else:
                        failed(e)

                opener(stored, key_id).success(opened).failure(stale) \
                    .run_in_background(self.tasks)
                return
            self._ask(err, opener, opened, failed, cancelled,
                      problem=WRONG if err.wrong else "", usable=usable,
                      remembered=stored is not None)

        Op(self, look).success(found).run_in_background(self.tasks)

    def _ask(self, err: PassphraseNeeded, opener: Opener, opened: Callable[[Session], None],
             failed: Callable[[FieldworkError], None], cancelled: Callable[[], None] | None,
             *, problem: str, usable: bool, remembered: bool) -> None:
        old, self.dialog = self.dialog, None
        if old is not None:
            old.finish(False)  # superseded by this one
        dialog = UnlockDialog(
            self.window, "Encrypted Inspection",
            f"{err.path.name} is encrypted. Type its passphrase to open it.",
            keychain=usable and err.key_id is not None, remembered=remembered)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog = dialog
        if problem:
            dialog.wrong(problem)

        def submitted(passphrase: str, remember: bool) -> None:
            def done(session: Session) -> None:
                self._keep(session.key_id or err.key_id, passphrase, remember, usable)
                self._close(dialog)
                opened(session)

            def refused(e: FieldworkError) -> None:
                if isinstance(e, PassphraseNeeded) and e.wrong:
                    dialog.wrong(WRONG)
                    return
                self._close(dialog)
                failed(e)

            opener(passphrase, err.key_id).success(done).failure(refused) \
                .run_in_background(self.tasks)

        def rejected() -> None:
            if self.dialog is dialog:
                self.dialog = None
                if cancelled is not None:
                    cancelled()

        dialog.submitted.connect(submitted)
        dialog.rejected.connect(rejected)
        dialog.open()
        dialog.passphrase.setFocus()

    def _keep(self, key_id: str | None, passphrase: str, remember: bool, usable: bool) -> None:
        """Remember the passphrase in the keychain, or forget one remembered there (on the
        worker)."""
        if not usable or not key_id:
            return
        keychain, chosen = self.keychain, key_id
        if remember:
            self.tasks.run(lambda: keychain.set(chosen, passphrase), lambda _f: None)
        else:
            self.tasks.run(lambda: keychain.forget(chosen), lambda _f: None)

    def _close(self, dialog: UnlockDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.finish(True)
