"""The `baocao` command's entry point: nothing heavy is imported before Ctrl-C is caught, so that
quitting at any moment, even while the program is still loading, ends it quietly."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from bot.cli import main as run

        run()
    except KeyboardInterrupt:
        print(file=sys.stderr)
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
