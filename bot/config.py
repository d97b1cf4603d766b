"""Typed settings, read once from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.periods import ReportRules


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Storage
    database_url: str = "sqlite://data/baocao.sqlite3"
    media_dir: Path = Path("data/media")

    # Reporting periods
    period_months: int = Field(1, description="1 = monthly, 3 = quarterly, 6, 12")
    deadline_day: int = Field(5, ge=1, le=28, description="day of the month after the period")
    lock_days: int = Field(10, ge=0, le=365, description="days after the deadline before lock")
    invite_ttl_days: int = Field(30, ge=1, le=365)
    max_text_length: int = Field(1000, ge=50, le=3500)

    # Official header of exported sheets
    board_name: str = "BAN TUYÊN GIÁO TỈNH ỦY"
    board_place: str = "Sơn Lâm"

    # Channels (each one is on when its token is present)
    telegram_bot_token: str = ""
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_secret: str = ""
    zalo_bot_tokens: str = ""
    public_url: str = ""
    web_host: str = "127.0.0.1"
    web_port: int = 8080

    log_level: str = "INFO"

    @field_validator("period_months")
    @classmethod
    def _period_months(cls, v: int) -> int:
        if v not in (1, 3, 6, 12):
            raise ValueError("PERIOD_MONTHS must be 1, 3, 6 or 12")
        return v

    @property
    def rules(self) -> ReportRules:
        return ReportRules(
            period_months=self.period_months,
            deadline_day=self.deadline_day,
            lock_days=self.lock_days,
            invite_ttl_days=self.invite_ttl_days,
            max_text_length=self.max_text_length,
        )

    @property
    def has_real_channels(self) -> bool:
        return bool(self.telegram_bot_token or self.zalo_bot_tokens)


@lru_cache
def get_settings() -> Settings:
    return Settings()
