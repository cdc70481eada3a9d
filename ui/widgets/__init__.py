"""The main window's parts."""
