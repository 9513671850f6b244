"""The open session and its training thread: the session model, the worker, undo commands,
the canvas controller and tools."""
