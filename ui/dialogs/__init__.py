"""Dialogs: new inspection, case-tracking form, finding picker, who am I, about."""
