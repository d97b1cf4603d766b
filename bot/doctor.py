"""`baocao doctor`: checks the settings and every configured channel against the live services,
and prints a short checklist with the fix for each failure. An admin setting up runs it first.

  ✔ passed    ! a warning (worth a look, not an error)    ✘ failed: the run would not work

Nothing is changed: no webhook is set or deleted, no OA token is refreshed (refresh tokens are
single use), nothing is written to the database."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout

from bot.config import Settings

OK, WARN, FAIL = "ok", "warn", "fail"
MARK = {OK: "✔", WARN: "!", FAIL: "✘"}
TIMEOUT = ClientTimeout(total=10)
REFRESH_TOKEN_LIFE = timedelta(days=90)  # a Zalo OA refresh token lives about 3 months
BOT_USERS = 50  # users per Zalo bot on the free plan, as reported (not confirmed by Zalo)


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""


async def _get_json(
    http: ClientSession, url: str, *, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """(HTTP status, JSON body or None); (0, reason) when nothing answered."""
    try:
        async with http.get(url, headers=headers, timeout=TIMEOUT) as r:
            try:
                return r.status, await r.json(content_type=None)
            except ValueError:
                return r.status, None
    except (ClientError, TimeoutError, OSError) as e:
        return 0, type(e).__name__


# -- settings ------------------------------------------------------------------------------------


def _uses_zalo(s: Settings) -> bool:
    return bool(s.zalo_bot_tokens or s.zalo_oa_id)


def _needs_public_url(s: Settings) -> bool:
    return _uses_zalo(s) or bool(s.telegram_webhook_secret)


def check_public_url(s: Settings) -> Check:
    name = "PUBLIC_URL"
    fix = "Đặt PUBLIC_URL=https://tên-miền-của-bạn (địa chỉ công khai của máy chủ, có HTTPS)."
    if not s.public_url:
        if _needs_public_url(s):
            return Check(name, FAIL, "chưa đặt (webhook và liên kết tải tệp cần nó)", fix)
        return Check(name, OK, "không cần (chỉ Telegram, nhận tin bằng long polling)")
    parts = urlsplit(s.public_url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        return Check(name, FAIL, f"{s.public_url} không phải địa chỉ https hợp lệ", fix)
    if _private(parts.hostname):
        detail = f"{s.public_url} là địa chỉ nội bộ: Zalo không gọi webhook tới đó"
        webhooks = bool(s.zalo_oa_id or s.zalo_bot_webhook_secret)
        return Check(name, FAIL if webhooks else WARN, detail, fix)
    return Check(name, OK, s.public_url)


def _private(host: str) -> bool:
    if host == "localhost" or host.endswith((".local", ".localhost", ".lan")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


async def check_health(http: ClientSession, public_url: str) -> Check:
    """Whether PUBLIC_URL reaches this server's /healthz: a warning only when it cannot be
    reached from here (a firewall may allow Zalo and not the server itself)."""
    name = "PUBLIC_URL/healthz"
    url = public_url.rstrip("/") + "/healthz"
    status, body = await _get_json(http, url)
    if status == 200 and isinstance(body, dict) and body.get("status") == "ok":
        return Check(name, OK, f"{url} trả lời (kênh: {', '.join(body.get('channels', []))})")
    why = f"HTTP {status}" if status else str(body)
    return Check(
        name,
        WARN,
        f"không gọi được {url} từ máy này ({why})",
        "Nếu bot đang chạy: kiểm tra proxy HTTPS chuyển tới WEB_HOST:WEB_PORT. "
        "Nếu chưa chạy, bỏ qua cảnh báo này.",
    )


def check_download_secret(s: Settings) -> Check:
    name = "DOWNLOAD_LINK_SECRET"
    fix = (
        'Đặt một chuỗi ngẫu nhiên dài: python -c "import secrets; print(secrets.token_urlsafe(32))"'
    )
    if not s.download_link_secret:
        if _uses_zalo(s):
            return Check(
                name, FAIL, "chưa đặt: liên kết tệp gửi qua Zalo hỏng khi khởi động lại", fix
            )
        return Check(name, OK, "không cần (không dùng Zalo)")
    if len(s.download_link_secret) < 32:
        return Check(name, FAIL, f"quá ngắn ({len(s.download_link_secret)} ký tự, cần ≥ 32)", fix)
    return Check(name, OK, "đã đặt")


async def check_database(s: Settings) -> Check:
    from tortoise import Tortoise, connections

    from bot.db import tortoise_config

    name = "Cơ sở dữ liệu"
    where = s.database_url.split("@")[-1]
    try:  # left open for the other checks' reads; run_checks closes it
        await Tortoise.init(config=tortoise_config(s.database_url))
        _, rows = await connections.get("default").execute_query("SELECT COUNT(*) FROM members")
    except Exception as e:
        detail = f"{where}: {type(e).__name__} {str(e)[:120]}"
        fix = "Kiểm tra DATABASE_URL, rồi chạy `baocao migrate` để tạo các bảng."
        return Check(name, FAIL, detail, fix)
    count = next(iter(dict(rows[0]).values())) if rows else 0
    return Check(name, OK, f"{where}: {count} thành viên")


# -- channels --------------------------------------------------------------------------------


async def check_telegram(http: ClientSession, s: Settings) -> list[Check]:
    from bot.channels.telegram_config import TelegramConfig

    name = "Telegram"
    try:
        cfg = TelegramConfig.from_settings(s)
    except ValueError as e:
        return [Check(name, FAIL, str(e), "Sửa cài đặt TELEGRAM_* trong .env.")]
    base = f"{s.telegram_base_url}{s.telegram_bot_token}"
    status, me = await _get_json(http, f"{base}/getMe")
    if not (isinstance(me, dict) and me.get("ok")):
        if status == 401:
            detail, fix = "Telegram không nhận token (401)", "Lấy lại token ở @BotFather."
        else:
            detail = f"getMe không trả lời ({status or me})"
            fix = "Kiểm tra mạng tới api.telegram.org hoặc TELEGRAM_BASE_URL."
        return [Check(name, FAIL, detail, fix)]
    username = (me.get("result") or {}).get("username", "")
    checks = [Check(name, OK, f"bot @{username}")]
    _, info = await _get_json(http, f"{base}/getWebhookInfo")
    url = ((info or {}).get("result") or {}).get("url", "") if isinstance(info, dict) else ""
    hook = f"{name} webhook"
    if cfg.webhook:
        if url == cfg.webhook_url:
            checks.append(Check(hook, OK, url))
        else:
            detail = f"Telegram có {url or 'chưa có webhook'}; sẽ đặt {cfg.webhook_url}"
            checks.append(Check(hook, WARN, detail, "`baocao run` đặt webhook khi khởi động."))
    elif url:
        detail = f"đang đặt webhook {url}, nhưng bot nhận tin bằng long polling"
        checks.append(Check(hook, WARN, detail, "`baocao run` xóa webhook này khi khởi động."))
    return checks


async def check_zalo_bots(http: ClientSession, s: Settings) -> list[Check]:
    from bot.channels.zalo_bot_api import (
        RATE_LIMITED,
        ZaloApiError,
        ZaloBotApi,
        ZaloRateLimited,
        ZaloTransientError,
        webhook_url_of,
    )
    from bot.channels.zalo_bot_config import ZaloBotConfig

    try:
        cfg = ZaloBotConfig.from_settings(s)
    except ValueError as e:
        return [Check("Bot Zalo", FAIL, str(e), "Sửa ZALO_BOT_TOKENS / ZALO_BOT_WEBHOOK_SECRET.")]
    checks: list[Check] = []
    for account in cfg.bots:
        api = ZaloBotApi(http, cfg.base_url, account.token, timeout=10.0)
        name = f"Bot Zalo {account.bot_id}" + (f" ({account.unit})" if account.unit else "")
        try:
            me = await api.call("getMe")
        except ZaloApiError as e:
            fix = "Lấy token mới trong Zalo Bot Manager rồi sửa ZALO_BOT_TOKENS."
            checks.append(Check(name, FAIL, f"Zalo không nhận token ({e.code})", fix))
            continue
        except (ZaloTransientError, ZaloRateLimited) as e:
            fix = "Kiểm tra mạng tới bot-api.zaloplatforms.com hoặc ZALO_BOT_BASE_URL."
            if isinstance(e, ZaloRateLimited):
                fix = f"Zalo giới hạn tốc độ ({RATE_LIMITED}): thử lại sau ít phút."
            checks.append(Check(name, FAIL, f"getMe không trả lời ({e})", fix))
            continue
        label = me.get("account_name", "") if isinstance(me, dict) else ""
        users, sent = await _bot_usage(s, account.bot_id)
        usage = f"{users} người dùng, {sent}/{cfg.monthly_quota} tin tháng này"
        if users >= BOT_USERS or sent >= cfg.monthly_quota * cfg.quota_warn:
            fix = (
                f"Gói miễn phí được báo là khoảng {BOT_USERS} người dùng và "
                f"{cfg.monthly_quota} tin mỗi tháng cho một bot: tạo thêm bot, thêm vào "
                "ZALO_BOT_TOKENS, cho người mới nhắn mã mời tới bot mới."
            )
            checks.append(Check(name, WARN, f"getMe: {label}; {usage}", fix))
        else:
            checks.append(Check(name, OK, f"getMe: {label}; {usage}"))
        try:
            url = webhook_url_of(await api.call("getWebhookInfo"))
        except (ZaloApiError, ZaloTransientError, ZaloRateLimited) as e:
            checks.append(Check(f"{name} webhook", WARN, f"getWebhookInfo: {e}"))
            continue
        want = cfg.webhook_url(account.bot_id) if cfg.webhook else ""
        if url == want:
            checks.append(Check(f"{name} webhook", OK, url or "không có (long polling)"))
        elif cfg.webhook:
            detail = f"Zalo có {url or 'chưa có webhook'}; sẽ đặt {want}"
            fix = "`baocao run` đặt webhook (Zalo gọi thử PUBLIC_URL nên nó phải mở từ Internet)."
            checks.append(Check(f"{name} webhook", WARN, detail, fix))
        else:
            detail = f"đang đặt webhook {url}, nhưng bot nhận tin bằng long polling"
            checks.append(Check(f"{name} webhook", WARN, detail, "`baocao run` sẽ xóa webhook."))
    return checks


async def check_zalo_oa(http: ClientSession, s: Settings, now: datetime) -> list[Check]:
    from bot.channels.zalo_oa_api import ZaloOAConfig

    name = f"Zalo OA {s.zalo_oa_id}"
    try:
        cfg = ZaloOAConfig.from_settings(s)
    except ValueError as e:
        return [Check(name, FAIL, str(e), "Sửa các cài đặt ZALO_* của OA trong .env.")]
    access, refreshed_at, expires_at = await _oa_token(s)
    reauthorise = (
        "Cấp quyền lại cho ứng dụng trên developers.zalo.me, xóa dòng của OA trong bảng "
        "oa_tokens, đặt ZALO_OA_REFRESH_TOKEN mới."
    )
    if access is None and not s.zalo_oa_refresh_token:
        return [Check(name, FAIL, "chưa có token", reauthorise)]
    if refreshed_at is not None and now - refreshed_at > REFRESH_TOKEN_LIFE:
        detail = f"refresh token đã hơn 3 tháng (làm mới lần cuối {refreshed_at:%d/%m/%Y})"
        return [Check(name, FAIL, detail, reauthorise)]
    if not access or (expires_at is not None and expires_at <= now):
        detail = "access token đã hết hạn hoặc chưa có; `baocao run` làm mới bằng refresh token"
        return [Check(name, WARN, detail)]
    status, body = await _get_json(
        http, cfg.api_url.rstrip("/") + "/v2.0/oa/getoa", headers={"access_token": access}
    )
    error = body.get("error") if isinstance(body, dict) else None
    if error == 0:
        oa_name = (body.get("data") or {}).get("name", "")
        until = f", hết hạn {expires_at:%H:%M %d/%m/%Y} UTC" if expires_at else ""
        return [Check(name, OK, f"token hợp lệ: {oa_name}{until}")]
    if error in (-216, -220):
        detail = f"Zalo không nhận access token ({error}); `baocao run` sẽ làm mới"
        return [Check(name, WARN, detail)]
    detail = f"không kiểm tra được token ({error if error is not None else status or body})"
    return [Check(name, FAIL, detail, "Kiểm tra mạng tới openapi.zalo.me hoặc ZALO_OA_API_URL.")]


async def _bot_usage(s: Settings, bot_id: str) -> tuple[int, int]:
    """(members registered with this bot, messages it sent this month) from the database."""
    from bot.channels.zalo_quota import vn_month
    from models import ChannelCounter, Identity

    try:
        users = await Identity.filter(channel="zalo_bot", account=bot_id).count()
        row = await ChannelCounter.get_or_none(
            channel="zalo_bot", account=bot_id, month=vn_month(datetime.now(UTC))
        )
    except Exception:  # the database check reports what is wrong with it
        return 0, 0
    return users, row.sent if row else 0


async def _oa_token(s: Settings) -> tuple[str | None, datetime | None, datetime | None]:
    """(access token, when the pair was last refreshed, when it expires) from the database,
    else from the settings."""
    from bot.channels.zalo_oa_token import NEVER
    from models import OAToken

    try:
        row = await OAToken.get_or_none(oa_id=s.zalo_oa_id)
    except Exception:
        row = None
    if row is None:
        return s.zalo_oa_access_token or None, None, None
    refreshed = row.updated_at if row.version > 0 else None
    expires = None if row.expires_at == NEVER else row.expires_at
    return row.access_token, refreshed, expires


# -- all together ----------------------------------------------------------------------------


async def run_checks(s: Settings, now: datetime | None = None) -> list[Check]:
    from tortoise import Tortoise

    try:
        return await _run_checks(s, now or datetime.now(UTC))
    finally:
        await Tortoise.close_connections()


async def _run_checks(s: Settings, now: datetime) -> list[Check]:
    checks = [await check_database(s), check_public_url(s), check_download_secret(s)]
    async with ClientSession() as http:
        if s.public_url and checks[1].status == OK:
            checks.append(await check_health(http, s.public_url))
        jobs = []
        if s.telegram_bot_token:
            jobs.append(check_telegram(http, s))
        if s.zalo_bot_tokens:
            jobs.append(check_zalo_bots(http, s))
        if s.zalo_oa_id:
            jobs.append(check_zalo_oa(http, s, now))
        for found in await asyncio.gather(*jobs):
            checks.extend(found)
    if not s.has_real_channels:
        checks.append(
            Check(
                "Kênh chat",
                WARN,
                "chưa cấu hình kênh nào: `baocao run` chạy bản demo trên dòng lệnh",
                "Đặt TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKENS hoặc ZALO_OA_ID trong .env.",
            )
        )
    return checks


def report(checks: list[Check]) -> str:
    lines = ["baocao doctor — kiểm tra cấu hình / configuration check"]
    for c in checks:
        lines.append(f"  {MARK[c.status]} {c.name}: {c.detail}")
        if c.fix and c.status != OK:
            lines.append(f"      → {c.fix}")
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    if failed:
        lines.append(f"Có {failed} lỗi, {warned} cảnh báo: sửa các mục ✘ rồi chạy lại.")
    else:
        lines.append(f"Mọi mục cần thiết đều ổn ({warned} cảnh báo).")
    return "\n".join(lines)
