"""python-telegram-bot's requests over aiohttp instead of httpx.

The Bot API round trips are most of what a Telegram update costs: the bench profile had httpx at
about 60% of the bot's busy time. aiohttp (already the project's web server and Zalo client)
parses HTTP in C. PTB lets any BaseRequest carry its calls, so nothing else changes."""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    def __init__(
        self, timeout: float = 10.0, media_write_timeout: float = 30.0, connections: int = 64
    ) -> None:
        self._timeout = timeout
        self._media_timeout = media_write_timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        data: Any = request_data.json_parameters if request_data else None
        if files:
            form = aiohttp.FormData()
            for name, value in (data or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mime) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime)
            data = form

        def seconds(value: ODVInput[float], default: float) -> float | None:
            return default if isinstance(value, DefaultValue) else value

        read = seconds(read_timeout, self._timeout)
        write = seconds(write_timeout, self._media_timeout if files else self._timeout)
        total = None if read is None or write is None else read + write
        timeout = aiohttp.ClientTimeout(
            total=total,
            connect=seconds(pool_timeout, self._timeout),
            sock_connect=seconds(connect_timeout, self._timeout),
            sock_read=read,
        )
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as err:  # asyncio.TimeoutError is the same class on 3.11
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
