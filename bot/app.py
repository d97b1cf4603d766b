"""Start-up of `baocao run` with real channels: the engine, the web server, each configured
channel; then wait for SIGINT/SIGTERM and shut down in the reverse order."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta
from typing import Protocol

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.channels import Deliverer
from bot.config import Settings
from bot.exporter import clean_exports
from bot.scheduler import build_scheduler
from bot.sealing import Sealer
from bot.sender import OutboxSender
from bot.web import WebServer
from bot.web.board import Board
from handlers.directive_actions import deliver_running
from handlers.engine import Engine
from handlers.reminders import sweep
from handlers.reviewing import notify

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str

    def web_routes(self) -> list[web.RouteDef]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_channels(settings: Settings, engine: Engine) -> list[Channel]:
    channels: list[Channel] = []
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel, TelegramConfig

        channels.append(TelegramChannel(engine, TelegramConfig.from_settings(settings)))
    if settings.zalo_bot_tokens or settings.zalo_oa_id:
        channels += zalo_channels(settings, engine)
    return channels


def zalo_channels(settings: Settings, engine: Engine) -> list[Channel]:
    """The Zalo bots and/or the OA, and the signed-link downloads both use for files."""
    from bot.channels.zalo_bot import ZaloBotChannel
    from bot.channels.zalo_bot_config import ZaloBotConfig
    from bot.channels.zalo_oa import ZaloOAChannel
    from bot.channels.zalo_oa_api import ZaloOAConfig
    from bot.downloads import DownloadLinks

    links = DownloadLinks.from_settings(settings, engine.clock)
    if not settings.public_url:
        log.warning("PUBLIC_URL is empty: exports cannot reach Zalo users as download links")
    channels: list[Channel] = [links]
    if settings.zalo_bot_tokens:
        channels.append(ZaloBotChannel(engine, ZaloBotConfig.from_settings(settings), links))
    if settings.zalo_oa_id:
        sealer = Sealer(settings.token_encryption_key)
        channels.append(
            ZaloOAChannel(engine, ZaloOAConfig.from_settings(settings), links, sealer=sealer)
        )
    return channels


def start_reminders(
    settings: Settings, engine: Engine, deliverers: list[Deliverer]
) -> AsyncIOScheduler:
    """The daily sweep and the outbox sender, on APScheduler in this event loop."""
    plan = settings.reminder_plan
    sender = OutboxSender(engine, deliverers, plan, engine.clock)

    async def sweep_job() -> None:
        result = await sweep(engine.clock(), settings.rules, plan)
        if result.written:
            log.info("reminder sweep: %d new outbox messages", result.written)
        joined = await deliver_running(engine.clock())  # directives reach those who joined since
        if joined:
            log.info("directives: %d new outbox messages", joined)

    async def drain_job() -> None:
        gathered = settings.review_notify == "gathered"
        written = await notify(engine.clock(), plan, gathered, settings.review_digest_hour)
        if written:
            log.info("review: %d new outbox messages", written)
        counts = await sender.drain()
        if counts:
            log.info("outbox: %s", counts)

    async def tidy_job() -> None:
        keep = timedelta(hours=settings.download_link_hours)
        removed = clean_exports(settings.media_dir / "exports", keep, engine.clock())
        if removed:
            log.info("removed %d old export files", removed)

    scheduler = build_scheduler(plan, sweep_job, drain_job, tidy=tidy_job)
    scheduler.start()
    return scheduler


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run every configured channel until `stop` is set or a SIGINT/SIGTERM arrives."""
    engine = Engine(settings.rules, settings.media_dir)
    try:
        channels = build_channels(settings, engine)
    except ValueError as e:
        log.error("%s", e)
        raise SystemExit(2) from None
    if not channels:
        log.error("no channel can start; remove the tokens from .env to run the console demo")
        raise SystemExit(2)
    for channel in channels:
        inbox = getattr(channel, "inbox", None)
        if inbox is not None:
            inbox.lease = timedelta(seconds=settings.inbox_lease_seconds)
    web_server = WebServer(settings.web_host, settings.web_port)
    board = Board.from_settings(settings, engine.clock)
    board.install(web_server.app)
    for channel in channels:
        web_server.add_routes(channel.name, channel.web_routes())

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    started: list[Channel] = []
    try:
        # The web server first: Telegram may post to the webhook as soon as it is set.
        await web_server.start()
        for channel in channels:
            try:
                await channel.start()
            except Exception as e:  # a wrong token, the Bot API server unreachable, ...
                log.error("channel %s could not start: %s", channel.name, e)
                raise SystemExit(2) from None
            started.append(channel)
        log.info("running: %s (Ctrl-C to stop)", ", ".join(c.name for c in started))
        scheduler = start_reminders(
            settings, engine, [c for c in started if isinstance(c, Deliverer)]
        )
        await stop.wait()
        scheduler.shutdown(wait=False)
        log.info("stopping")
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        await web_server.stop()  # no new webhook calls while the channels finish their work
        await board.stop()
        for channel in reversed(started):
            try:
                await channel.stop()
            except Exception:
                log.exception("channel %s did not stop cleanly", channel.name)
