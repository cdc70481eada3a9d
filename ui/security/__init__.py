"""Evidence at rest in the app: encrypted files (the passphrase dialog, the keychain,
File > Encrypt This Inspection…), the lock when idle, and retention (File > Retire
Inspection…). :func:`install_security` puts them into the window."""

from ui.security.install import Security, install_security

__all__ = ["Security", "install_security"]
