"""Developer tool: write the next migration after a change to models/ (`make migrations`)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from bot.db import tortoise_config


def main() -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(tortoise_config("sqlite://data/makemigrations.sqlite3"), f)
    cmd = [sys.executable, "-m", "tortoise", "--config-file", f.name, "makemigrations"]
    raise SystemExit(subprocess.call(cmd + sys.argv[1:]))


if __name__ == "__main__":
    main()
