"""A Zalo bot's webhook at start-up. setWebhook makes Zalo send a check request to the URL and
report it in `verification`; the route must therefore answer before the call (the channel opens
it first). A failed check, or a getWebhookInfo showing another URL, stops the start with an error
naming the URL; polling removes a webhook left from before (the two are exclusive)."""

from __future__ import annotations

import json
import logging

from bot.channels.zalo_bot_api import (
    ZaloApiError,
    ZaloBotApi,
    ZaloRateLimited,
    ZaloTransientError,
    verification_of,
    webhook_url_of,
)
from handlers import texts as T

log = logging.getLogger(__name__)
ZaloError = (ZaloApiError, ZaloTransientError, ZaloRateLimited)


class ZaloWebhookError(RuntimeError):
    """Zalo could not reach the webhook: the process must not start as if it could."""


async def webhook_info(api: ZaloBotApi, label: str) -> str | None:
    """The webhook URL Zalo has for this bot ("" for none; None when it would not say)."""
    try:
        return webhook_url_of(await api.call("getWebhookInfo"))
    except ZaloError as e:
        log.warning("Zalo bot %s: getWebhookInfo failed (%s)", label, e)
        return None


async def drop_webhook(api: ZaloBotApi, label: str) -> None:
    """Before polling: a webhook left set would take the updates."""
    current = await webhook_info(api, label)
    if current == "":
        return
    if current:
        log.warning("Zalo bot %s: removing the webhook %s to poll", label, current)
    try:
        await api.call("deleteWebhook")
    except ZaloError as e:
        log.warning("Zalo bot %s: deleteWebhook failed (%s)", label, e)


async def set_webhook(api: ZaloBotApi, url: str, secret: str, label: str) -> None:
    def failed(detail: str) -> ZaloWebhookError:
        return ZaloWebhookError(T.ZL_WEBHOOK_FAILED.format(url=url, bot=label, detail=detail))

    try:
        result = await api.call("setWebhook", {"url": url, "secret_token": secret})
    except ZaloApiError as e:  # the URL refused (not https, a private address, ...)
        raise failed(f"setWebhook {e}") from None
    except (ZaloTransientError, ZaloRateLimited) as e:
        # Zalo may keep the webhook set earlier: what getWebhookInfo says decides below.
        log.warning("Zalo bot %s: setWebhook failed for now (%s)", label, e)
        result = None
    verified = verification_of(result)
    if verified is False:
        detail = json.dumps(result.get("verification"), ensure_ascii=False)[:200]
        raise failed(f"verification {detail}")
    current = await webhook_info(api, label)
    if current is not None and current != url:
        raise failed(f"getWebhookInfo: {current or 'no webhook set'}")
    if result is None and current is None:
        raise failed("setWebhook and getWebhookInfo unanswered")
    log.info(
        "Zalo bot %s: webhook set to %s (check request %s)",
        label,
        url,
        "passed" if verified else "not reported",
    )
