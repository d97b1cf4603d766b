"""`.env.example` lists every setting, each with a value the bot accepts."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def test_env_example_matches_the_settings(tmp_path: Path, monkeypatch) -> None:
    names = re.findall(r"^([A-Z_]+)=", EXAMPLE.read_text(encoding="utf-8"), flags=re.M)
    assert set(n.lower() for n in names) == set(Settings.model_fields)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings()
    assert settings.database_url == "sqlite://data/baocao.sqlite3"
    plan = settings.reminder_plan
    assert (plan.quiet_start, plan.quiet_end, plan.days_off) == (21, 7, frozenset({6}))
    assert plan.digest_weekday == 0 and plan.send_hour == 8
    assert not settings.has_real_channels
