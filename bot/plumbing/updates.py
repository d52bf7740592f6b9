"""How updates are processed: different people at the same time, one person's (or one group's) updates
one at a time and in order - so a teacher's tap never waits behind another school's taps, and a double
tap is handled after the first one finished."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable

from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

from bot.plumbing.delivery import InFlight
from bot.plumbing.pace import ChatPace

log = logging.getLogger(__name__)

# Updates handled at the same time (different chats). Over a real network each tap waits for Telegram's round
# trips, so this bounds throughput: with 20 ms to Telegram (benchmarks/ --latency-ms 20) 8 gave 151 taps a
# second, 32 gave 545 and 64 gave 712; on loopback 64 costs nothing against 8.
MAX_CONCURRENT = 64

# New messages the bot sends in any one second, at most: under Telegram's 30, because under load a request reaches
# Telegram up to a few hundred ms after it left (at 28, 30 arrived within one second: benchmarks/).
MAX_MESSAGES_PER_SECOND = 25


class PerChatUpdates(BaseUpdateProcessor):
    """Concurrent across chats, sequential within a chat."""

    def __init__(self, in_flight: InFlight | None = None, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        self.in_flight = in_flight
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    @staticmethod
    def key(update: object) -> int:
        """The chat (or person) whose updates must stay in order."""
        if isinstance(update, Update):
            if update.effective_chat is not None:
                return update.effective_chat.id
            if update.effective_user is not None:
                return update.effective_user.id
        return 0

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = self.key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:  # nobody else queued for this chat: forget its lock
                del self._waiting[key]
                del self._locks[key]
            if self.in_flight is not None and isinstance(update, Update):
                self.in_flight.finished(update.update_id)  # handled to the end: may be confirmed to Telegram

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


class SlidingWindow:
    """At most ``limit`` events in any ``period`` seconds, where an event counts from the moment it may start
    until ``period`` after it ended. Telegram counts a message when it arrives, and under load a request
    arrives long after it was let go (at 28 a second counted from the start, 30 arrived within one second:
    benchmarks/); counted until it has been answered, it can never be counted early."""

    def __init__(self, limit: int, period: float = 1.0) -> None:
        self.limit, self.period = limit, period
        self._ended: deque[float] = deque()
        self._running = 0
        self._lock = asyncio.Lock()
        self._released = asyncio.Event()

    async def acquire(self) -> None:
        """Wait until one more event fits in the window, and count it (call ``release`` when it ended)."""
        loop = asyncio.get_running_loop()
        async with self._lock:
            while True:
                now = loop.time()
                while self._ended and now - self._ended[0] >= self.period:
                    self._ended.popleft()
                if self._running + len(self._ended) < self.limit:
                    self._running += 1
                    return
                self._released.clear()
                if self._ended:
                    await asyncio.sleep(self.period - (now - self._ended[0]))
                else:  # every slot is still on its way: wait until one is answered
                    await self._released.wait()

    def release(self) -> None:
        """The event ended (answered or failed): it keeps counting for ``period`` from now."""
        self._running -= 1
        self._ended.append(asyncio.get_running_loop().time())
        self._released.set()


class FloodLimits(BaseRateLimiter):
    """Telegram's flood limits where they apply: each chat's own pace (``bot.plumbing.pace``: about one message a second
    in a private chat, 20 a minute in a group), and at most 25 new messages in any second overall (a sliding
    window, under Telegram's 30). Edits and answers to callback queries - the reactions to a person's own
    taps - are never held back."""

    SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "copyMessage", "forwardMessage"})
    PER_SECOND = MAX_MESSAGES_PER_SECOND  # all new messages together; the outbox paces bulk sends at or below it

    OUTBOX = -1  # ``rate_limit_args`` of the outbox's sends: it waited for the chat's turn itself (``ready_in``),
    # and a 429 goes back to the outbox, which holds that chat
    RETRIES = 2  # other calls wait out a 429 themselves - only that call waits, never everyone's

    def __init__(self) -> None:
        self.window = SlidingWindow(self.PER_SECOND)
        self.chats = ChatPace()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def ready_in(self, chat_id: int) -> float:
        """Seconds until a new message to ``chat_id`` keeps its chat's pace (for the outbox)."""
        return self.chats.ready_in(chat_id)

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # noqa: D102
        chat_id = _chat_id(data.get("chat_id"))
        send = endpoint in self.SENDS
        call = self._counted(callback) if send else callback
        for attempt in range(self.RETRIES + 1):
            if send and chat_id is not None:
                if rate_limit_args == self.OUTBOX:
                    self.chats.take(chat_id)
                else:
                    await self.chats.wait(chat_id)
            try:
                return await call(*args, **kwargs)
            except RetryAfter as exc:
                if rate_limit_args == self.OUTBOX or attempt == self.RETRIES:
                    raise
                wait = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else exc.retry_after
                log.warning("flood limit on %s: this call waits %ss", endpoint, wait)
                await asyncio.sleep(float(wait) + 0.1)
        raise AssertionError("unreachable")

    def _counted(self, callback):
        """The call, counted in the overall window from when it leaves (after its chat's pace let it go)
        until a period after it was answered."""

        async def counted(*args, **kwargs):
            await self.window.acquire()
            try:
                return await callback(*args, **kwargs)
            finally:
                self.window.release()

        return counted


def _chat_id(value: object) -> int | None:
    """A numeric chat id (a @channel name is not paced here)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None
