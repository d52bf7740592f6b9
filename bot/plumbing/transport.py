"""The bot's HTTP client for the Bot API: python-telegram-bot's ``BaseRequest`` on aiohttp.

python-telegram-bot's default client (httpx) cost about 0.47 ms of CPU per call on the benchmark machine,
aiohttp about 0.13 ms; with two calls per tap (the answer and the next question) and httpx's connection-pool
bookkeeping under concurrency, the bot's CPU per check-in tap fell from about 2.6 ms to 1.1 ms
(``benchmarks/``). Proxies from the environment (``HTTPS_PROXY``, ``NO_PROXY``) are honoured, as with httpx,
but looked up once per host (aiohttp's own ``trust_env`` reads the environment on every call: 0.9 ms a tap).
Everything else - timeouts, errors, uploads - behaves as python-telegram-bot expects of a
request class: a timeout raises ``TimedOut``, any other transport failure ``NetworkError``, and the status
and body of every answer go back to the library, which turns Telegram's errors into its own exceptions.
"""

from __future__ import annotations

import asyncio
import functools
import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DefaultValue = type(BaseRequest.DEFAULT_NONE)


def proxy_for(url: str) -> str | None:
    """The proxy the environment sets for ``url``'s scheme and host (``HTTPS_PROXY``, ``NO_PROXY``), if any."""
    parts = urlsplit(url)
    return _proxy(parts.scheme, parts.hostname or "")


@functools.lru_cache(maxsize=16)
def _proxy(scheme: str, host: str) -> str | None:
    proxies = urllib.request.getproxies()
    if scheme not in proxies or urllib.request.proxy_bypass(host):
        return None
    return proxies[scheme]


class AiohttpRequest(BaseRequest):
    """One connection pool to Telegram, with python-telegram-bot's default timeouts."""

    def __init__(self, connection_pool_size: int = 1, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0) -> None:
        self.pool_size = connection_pool_size
        self._read, self._write, self._connect, self._pool = read_timeout, write_timeout, connect_timeout, pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call does not set its own."""
        return self._read

    async def initialize(self) -> None:
        """Open the connection pool (inside the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size, limit_per_host=self.pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the connection pool."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """Send one call; return Telegram's status code and body."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        data = request_data.json_parameters if request_data else None
        if files:
            form = aiohttp.FormData(quote_fields=False)
            for name, value in (data or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            data = form
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        write = (self._media_write if files else self._write) if isinstance(write_timeout, DefaultValue) else write_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp has no write timeout: sending an upload is bounded by a total of the write and read
        # timeouts; waiting for a free connection plus connecting is ``connect``.
        timeout = aiohttp.ClientTimeout(
            total=None if not files or write is None or read is None else write + read,
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(method, url, data=data, timeout=timeout, proxy=proxy_for(url)) as response:
                return response.status, await response.read()
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
