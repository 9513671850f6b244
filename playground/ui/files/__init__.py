"""Files: the File menu (sessions, datasets, recent files) and autosave with crash recovery."""
