"""``python -m playground``: the window; ``train`` and ``render`` run headless."""

from __future__ import annotations

import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a headless command, or open the window."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Process-wide, so the application opts in here rather than the engine on import.
    from .engine.allocator import tune_allocator
    tune_allocator()
    if args and args[0] == "train":
        from .cli import train_command
        return train_command(args[1:])
    if args and args[0] == "render":
        from .ui.media.render import render_command
        return render_command(args[1:])
    from .ui.app import run_app
    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
