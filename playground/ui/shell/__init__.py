"""The window shell: the main window and what frames it (theme, presentation mode, shortcuts, settings, dialogs)."""
