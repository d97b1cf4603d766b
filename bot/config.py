"""Typed settings, read once from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.reminders import ReminderPlan
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

    # Who issues and signs the exported documents, in the party format (see .env.example).
    # Empty values are taken from the unit tree: the top unit's name ("Tỉnh ủy Bắc Vân") gives
    # the superior body "TỈNH ỦY BẮC VÂN" and the place "Bắc Vân".
    board_superior: str = ""
    board_name: str = "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    board_full_name: str = ""  # as a sentence names it; empty: "Ban Tuyên giáo và Dân vận <top>"
    board_symbol: str = "BTGDVTU"
    board_place: str = ""
    signer_authority: str = "K/T TRƯỞNG BAN"
    signer_title: str = "PHÓ TRƯỞNG BAN"
    signer_name: str = ""
    board_recipients: str = "Thường trực Tỉnh ủy (để báo cáo);Các đảng ủy trực thuộc Tỉnh ủy;Lưu VP"
    # Per issuing unit, by unit code, as JSON: what a commune's own export prints, e.g.
    # {"X01": {"signer": "Quàng Văn Thắng", "title": "PHÓ BÍ THƯ"}}. Keys: superior, body,
    # name, symbol, place, authority, title, signer, recipients (a list).
    issuers: dict[str, dict[str, str | list[str]]] = Field(default_factory=dict)

    # Channels (each one is on when its token is present)
    telegram_bot_token: str = ""
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_secret: str = ""
    zalo_bot_tokens: str = ""
    zalo_bot_base_url: str = "https://bot-api.zaloplatforms.com/bot"
    zalo_bot_webhook_secret: str = ""
    zalo_bot_monthly_quota: int = Field(3000, ge=1)
    zalo_bot_quota_warn: float = Field(0.8, gt=0, le=1)
    # Zalo Official Account (API v3): on when ZALO_OA_ID is set
    zalo_oa_id: str = ""
    zalo_app_id: str = ""
    zalo_app_secret: str = ""
    zalo_oa_secret_key: str = ""
    zalo_oa_refresh_token: str = ""
    zalo_oa_access_token: str = ""
    zalo_oa_api_url: str = "https://openapi.zalo.me"
    zalo_oauth_url: str = "https://oauth.zaloapp.com"
    zalo_oa_max_buttons: int = Field(5, ge=1, le=5, description="the OA API takes 1 to 5")
    # Seals the OA tokens stored in the database (bot/sealing.py); empty: stored in the clear.
    token_encryption_key: str = ""
    # Signed links for files sent to Zalo users
    download_link_secret: str = ""
    download_link_hours: int = Field(24, ge=1, le=24 * 30)
    public_url: str = ""
    # Signs the board's one-time login links (empty: DOWNLOAD_LINK_SECRET, else one per start)
    web_secret: str = ""
    web_host: str = "127.0.0.1"
    web_port: int = 8080

    # Reminders (see README: the reminder plan)
    remind_before_days: int = Field(3, ge=0, le=30)
    remind_every_days: int = Field(2, ge=1, le=30)
    escalate_after_days: int = Field(5, ge=1, le=60)
    digest: str = Field("weekly", pattern="^(daily|weekly|off)$")
    digest_weekday: int = Field(1, ge=1, le=7, description="1 = Monday ... 7 = Sunday")
    remind_hour: int = Field(8, ge=0, le=23)
    quiet_hours: str = Field("21-7", pattern=r"^\d{1,2}-\d{1,2}$")
    days_off: str = "7"  # weekdays without reminders, 1 = Monday ... 7 = Sunday
    holidays: str = "01/01,30/04,01/05,02/09"  # dd/mm every year, dd/mm/yyyy, or a-b ranges
    snooze_hours: int = Field(24, ge=1, le=240)
    # Review (README: the review loop): new and fixed reports reach the supervisors gathered in
    # one message a day at REVIEW_DIGEST_HOUR (sparing the Zalo quota), or at once.
    review_notify: str = Field("gathered", pattern="^(gathered|at_once)$")
    review_digest_hour: int = Field(16, ge=0, le=23)

    # An update taken by a process that then died waits this long before another takes it.
    inbox_lease_seconds: int = Field(30, ge=2, le=3600)

    log_level: str = "INFO"
    # LOG_LEVEL=DEBUG covers our own modules; the chat libraries' DEBUG only with this set.
    log_libraries_debug: bool = False

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
    def reminder_plan(self) -> ReminderPlan:
        start, end = (int(x) for x in self.quiet_hours.split("-"))
        return ReminderPlan(
            before_days=self.remind_before_days,
            every_days=self.remind_every_days,
            escalate_after_days=self.escalate_after_days,
            digest=self.digest,
            digest_weekday=self.digest_weekday - 1,
            send_hour=self.remind_hour,
            quiet_start=start,
            quiet_end=end,
            days_off=frozenset(int(d) - 1 for d in self.days_off.replace(" ", "").split(",") if d),
            holidays=parse_holidays(self.holidays, date.today().year),
            snooze_hours=self.snooze_hours,
        )

    @property
    def has_real_channels(self) -> bool:
        return bool(self.telegram_bot_token or self.zalo_bot_tokens or self.zalo_oa_id)


def _day(text: str, year: int) -> date:
    parts = text.strip().split("/")
    if len(parts) == 2:
        parts.append(str(year))
    return datetime.strptime("/".join(parts), "%d/%m/%Y").date()


def parse_holidays(text: str, year: int) -> tuple[tuple[date, date], ...]:
    """'01/01,30/04,10/02/2027-16/02/2027' → date ranges; a day without a year recurs: it is
    given for this year and the next, so a process running over New Year keeps it."""
    out: list[tuple[date, date]] = []
    for item in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = item.partition("-")
        for y in (year, year + 1) if first.count("/") == 1 else (year,):
            a = _day(first, y)
            out.append((a, _day(last, a.year) if last else a))
    return tuple(out)


@lru_cache
def get_settings() -> Settings:
    return Settings()
