"""Receiving updates so that none is lost: Telegram forgets an update once the bot confirms it, so the bot
confirms an update only after its handling ended (its change committed).

Long polling confirms with the next ``getUpdates(offset=...)``: the offset passed is the lowest update id
still being handled, so with many updates in flight nothing unfinished is ever confirmed; Telegram sends the
unfinished ones again with each answer, and they are skipped here. While any is in flight Telegram answers at
once, so the bot asks again every ``BUSY_POLL`` seconds (or as soon as one ends): a new update from someone
else never waits for a slow one. In webhook mode the HTTP request is
answered only after the update's handling ended. After a crash Telegram delivers what was not confirmed
again, and the update log (``storage/updates.py``) tells what was applied already.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Updater

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class InFlight:
    """The updates received and not yet handled to the end, and what may therefore be confirmed."""

    def __init__(self) -> None:
        self._running: dict[int, asyncio.Future] = {}
        self._done: set[int] = set()  # handled, but an older update still runs: not yet confirmed
        self._highest: int | None = None
        self.finished_one = asyncio.Event()
        self.handled_here: deque[int] = deque(maxlen=4096)  # handled by this process: its person saw the result

    def offset(self) -> int | None:
        """The ``getUpdates`` offset that confirms exactly the updates handled to the end."""
        if self._running:
            return min(self._running)
        return None if self._highest is None else self._highest + 1

    def __len__(self) -> int:
        return len(self._running)

    def receive(self, update_id: int) -> tuple[asyncio.Future, bool]:
        """The future that ends with the update's handling, and whether the update is new here (False: it is
        being handled, or was handled since the last confirmation - a repeat)."""
        if update_id in self._running:
            return self._running[update_id], False
        if update_id in self._done:
            future = asyncio.get_running_loop().create_future()
            future.set_result(None)
            return future, False
        future = asyncio.get_running_loop().create_future()
        self._running[update_id] = future
        self._highest = update_id if self._highest is None else max(self._highest, update_id)
        return future, True

    def finished(self, update_id: int) -> None:
        """The update's handling ended (committed, or failed and logged)."""
        future = self._running.pop(update_id, None)
        if future is None:
            return
        if not future.done():
            future.set_result(None)
        self._done.add(update_id)
        self.handled_here.append(update_id)
        self.finished_one.set()

    def confirmed(self, offset: int | None) -> None:
        """Telegram answered a ``getUpdates`` with ``offset``: it forgot every update below it."""
        if offset is not None:
            self._done = {i for i in self._done if i >= offset}


class ConfirmingUpdater(Updater):
    """python-telegram-bot's Updater, receiving as above (polling and webhook)."""

    POLL_TIMEOUT = 10  # seconds a long poll is held open when nothing is in flight
    BUSY_POLL = 0.05  # seconds between polls while updates are in flight (they come back each time, and are skipped)
    MAX_BACKOFF = 30

    def __init__(self, bot, update_queue: asyncio.Queue, in_flight: InFlight) -> None:
        super().__init__(bot=bot, update_queue=update_queue)
        self.in_flight = in_flight
        self._poller: asyncio.Task | None = None
        self._runner: web.AppRunner | None = None
        self._secret: str | None = None
        self._closing = asyncio.Event()
        self._polling = False

    # --- long polling ------------------------------------------------------------------------------
    async def start_polling(self, poll_interval: float = 0.0, timeout=POLL_TIMEOUT, allowed_updates=None,
                            drop_pending_updates: bool | None = None, **_ignored) -> asyncio.Queue:
        """Remove any webhook, then poll in the background; returns the update queue."""
        if self.running:
            raise RuntimeError("This Updater is already running!")
        if not self._initialized:
            raise RuntimeError("This Updater was not initialized via `Updater.initialize`!")
        await self.bot.delete_webhook(drop_pending_updates=bool(drop_pending_updates))
        self._running, self._polling = True, True
        self._closing.clear()
        seconds = int(timeout.total_seconds()) if hasattr(timeout, "total_seconds") else int(timeout)
        self._poller = asyncio.create_task(self._poll(seconds, allowed_updates), name="updates:polling")
        return self.update_queue

    async def _poll(self, timeout: int, allowed_updates) -> None:
        failures = 0
        while self.running:
            self.in_flight.finished_one.clear()
            offset = self.in_flight.offset()
            try:
                raw = await self.bot._post(  # raw: updates still in flight come back each time, and are not parsed
                    "getUpdates",
                    {"offset": offset, "timeout": timeout, "allowed_updates": allowed_updates},
                    read_timeout=timeout + 10,
                )
            except InvalidToken:
                log.error("Telegram refuses the bot token; polling stopped")
                return
            except TelegramError as exc:
                failures += 1
                wait = min(self.MAX_BACKOFF, 2 ** min(failures, 5) / 4)
                log.warning("getUpdates failed (%s); again in %.1fs", exc.__class__.__name__, wait)
                await self._pause(wait)
                continue
            failures = 0
            self.in_flight.confirmed(offset)
            fresh = 0
            for data in raw or ():
                _, new = self.in_flight.receive(data["update_id"])
                if new:
                    fresh += 1
                    await self.update_queue.put(Update.de_json(data, self.bot))
            if not fresh and len(self.in_flight):
                # Only unfinished updates came back (Telegram answers at once while any is pending, so no long
                # poll): ask again when one ends, or after BUSY_POLL - someone else's new update must not wait
                # for a slow one (a round being closed, a reply held up by Telegram) to finish.
                await self._pause(self.BUSY_POLL, self.in_flight.finished_one)

    async def _pause(self, seconds: float | None, event: asyncio.Event | None = None) -> None:
        waiters = [asyncio.ensure_future(self._closing.wait())]
        if event is not None:
            waiters.append(asyncio.ensure_future(event.wait()))
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def confirm_handled(self) -> None:
        """Confirm to Telegram every update handled to the end (at a graceful stop, all of them)."""
        offset = self.in_flight.offset()
        if offset is None or not self._polling:
            return
        with contextlib.suppress(TelegramError):
            await self.bot._post("getUpdates", {"offset": offset, "timeout": 0, "limit": 1}, read_timeout=10)

    # --- webhook -----------------------------------------------------------------------------------
    async def start_webhook(self, listen: str = "127.0.0.1", port: int = 80, url_path: str = "", webhook_url: str | None = None,
                            secret_token: str | None = None, allowed_updates=None, drop_pending_updates: bool | None = None,
                            max_connections: int = 40, **_ignored) -> asyncio.Queue:
        """Serve the webhook, then register it with Telegram; returns the update queue."""
        if self.running:
            raise RuntimeError("This Updater is already running!")
        self._running, self._polling = True, False
        self._closing.clear()
        self._secret = secret_token
        app = web.Application()
        app.router.add_post("/" + url_path.lstrip("/"), self._receive)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, listen, port).start()
        await self.bot.set_webhook(
            webhook_url, secret_token=secret_token, allowed_updates=allowed_updates,
            drop_pending_updates=drop_pending_updates, max_connections=max_connections,
        )
        return self.update_queue

    async def _receive(self, request: web.Request) -> web.Response:
        """One update from Telegram: answered 200 once its handling ended; a body that is not an update: 400."""
        if self._secret is not None and request.headers.get(SECRET_HEADER) != self._secret:
            log.warning("webhook: a request without the right secret token: refused")
            return web.Response(status=403)
        body = await request.read()
        try:
            data = json.loads(body.decode("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("no update_id")
            update = Update.de_json(data, self.bot)
        except Exception as exc:  # noqa: BLE001 - not JSON, not UTF-8, or not an update
            log.warning("webhook: a request of %d bytes that is not an update (%s): answered 400", len(body), exc.__class__.__name__)
            return web.Response(status=400)
        if not self.running:
            return web.Response(status=503)
        future, new = self.in_flight.receive(update.update_id)
        if new:
            await self.update_queue.put(update)
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait([future, closing], return_when=asyncio.FIRST_COMPLETED)
        finally:
            closing.cancel()
        # Stopping before it ended: not confirmed - Telegram delivers it again, and the update log knows it.
        return web.Response(status=200 if future.done() else 503)

    # --- both --------------------------------------------------------------------------------------
    async def stop(self) -> None:
        """Stop receiving (updates already received are still handled by the application's stop)."""
        if not self.running:
            raise RuntimeError("This Updater is not running!")
        self._running = False
        self._closing.set()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
