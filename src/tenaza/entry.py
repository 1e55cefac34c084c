"""The `tenaza` command's entry point: Ctrl-C while the command line is still loading says what
it means and exits 130, as it does once a command runs (tenaza.cli.main)."""

from __future__ import annotations

import sys

INTERRUPTED = "interrupted; the workspace is unchanged by the interrupted step (each step is one transaction)"


def main() -> None:
    try:
        from tenaza.cli import main as run
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(130)  # errors.EXIT_INTERRUPTED, not imported: this runs before anything loads
    run()
