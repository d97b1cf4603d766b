"""Fake chat-platform servers on loopback: the real clients talk HTTP to them."""

from aiohttp import web


async def serve_loopback(app: web.Application) -> tuple[web.AppRunner, int]:
    """Serve `app` on 127.0.0.1 at a free port: the runner (for cleanup) and the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
