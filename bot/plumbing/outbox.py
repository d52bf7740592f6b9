"""The sender that drains the outbox: within Telegram's limits, retrying, never dropping a row.

Rows are written by the state change that causes them (same transaction). The sender sends them in
order, marks each one sent, defers a row after a 429 (``retry_after``) or a network error (backoff),
marks members who blocked the bot as unreachable, and follows groups that became supergroups. After
a crash at most the one message that was in flight is sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
from collections.abc import Callable

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.plumbing.sending import NO_PREVIEW
from bot.plumbing.updates import FloodLimits
from storage.db import Storage
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)

MAX_BACKOFF = 300
# What the sender does after a row: the next row; stop everything for a while (network down); hold
# this chat only (a flood limit), keeping its order; or read the rows again (a group changed its id).
_NEXT, _PAUSE, _HOLD, _REREAD = object(), object(), object(), object()


def _seconds(value: float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class OutboxSender:
    """One background task per application; ``wake()`` after committing new rows."""

    STOP_GRACE = 3.0  # seconds a graceful stop waits for the message in flight

    def __init__(self, bot: Bot, storage: Storage, clock: Callable[[], float], rate: float = 25.0) -> None:
        self.bot = bot
        self.storage = storage
        self.clock = clock
        self.rate = rate  # messages per second at most: Telegram's bulk limit is about 30
        self._next_slot = 0.0
        self._paced_until: float | None = None  # loop time when a chat held back for its pace has its turn
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self.idle = asyncio.Event()

    def start(self) -> None:
        """Start draining (rows left from before a restart are sent first)."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    def wake(self) -> None:
        """New rows were committed."""
        self.idle.clear()
        self._wake.set()

    async def stop(self) -> None:
        """Stop after the message in flight, if any (waiting at most ``STOP_GRACE`` seconds)."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self.STOP_GRACE)
        except TimeoutError:  # e.g. sleeping out a long retry_after: the row stays pending for the next start
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        except asyncio.CancelledError:
            self._task.cancel()
            raise
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.drain()
            except Exception:  # never let the sender die: log, and try again on the next wake-up
                log.exception("outbox sender failed; will retry")
            if self._stopping:
                return
            due = self._next_retry()
            timeout = None if due is None else max(0.05, due - self.clock())
            if self._paced_until is not None:
                paced = max(0.01, self._paced_until - asyncio.get_running_loop().time())
                timeout = paced if timeout is None else min(timeout, paced)
            if timeout is None:
                self.idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    def _next_retry(self) -> int | None:
        """When the earliest deferred row is due (rows waiting behind it are not counted)."""
        row = self.storage.db.execute("SELECT min(not_before) FROM outbox WHERE status = 'pending' AND not_before > 0").fetchone()
        return row[0]

    def _held(self, now: int) -> dict[int, int]:
        """Per chat, the oldest row deferred until later: newer rows of that chat wait behind it (order)."""
        rows = self.storage.db.execute(
            "SELECT chat_id, min(id) FROM outbox WHERE status = 'pending' AND not_before > ? GROUP BY chat_id", [now]
        )
        return {chat_id: row_id for chat_id, row_id in rows}

    async def drain(self) -> None:
        """Send everything that is due now, oldest first; a chat whose row must wait (a deferred row, or the
        chat's own pace: ``bot.plumbing.pace``) keeps its order while other chats go on."""
        self._paced_until = None
        while not self._stopping:
            now = int(self.clock())
            held = self._held(now)
            batch = [m for m in self.storage.outbox.pending(now, limit=500) if m.id < held.get(m.chat_id, m.id + 1)]
            sent = False
            for message in batch:
                if self._stopping:
                    return
                if message.id > held.get(message.chat_id, message.id):
                    continue
                if self._wait_for_turn(message):
                    held[message.chat_id] = message.id
                    continue
                sent = True
                outcome = await self._send_one(message)
                if outcome is _PAUSE:
                    return
                if outcome is _HOLD:
                    held[message.chat_id] = min(message.id, held.get(message.chat_id, message.id))
                elif outcome is _REREAD:
                    break
            if not sent:
                return

    def _wait_for_turn(self, message: OutboxMessage) -> bool:
        """Whether the message's chat must wait for its pace (noting when its turn comes)."""
        limits = getattr(self.bot, "rate_limiter", None)
        seconds = limits.ready_in(message.chat_id) if isinstance(limits, FloodLimits) else 0.0
        if seconds <= 0:
            return False
        turn = asyncio.get_running_loop().time() + seconds
        self._paced_until = turn if self._paced_until is None else min(self._paced_until, turn)
        return True

    def _skip(self, message: OutboxMessage) -> bool:
        """A private message to someone who blocked the bot (or never opened a chat) is not attempted."""
        if message.chat_id > 0 and not self.storage.people.is_reachable(message.chat_id):
            self.storage.outbox.mark(message.id, "unreachable")
            return True
        return False

    async def _send_one(self, message: OutboxMessage) -> object:
        """Send one row, and say what to do next (see _NEXT, _PAUSE, _HOLD, _REREAD)."""
        outbox = self.storage.outbox
        if self._skip(message):
            return _NEXT
        await self._pace()
        try:
            await self._deliver(message)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            log.warning("outbox message %s: flood limit; retry in %ss", message.id, wait)
            outbox.defer(message.id, math.ceil(self.clock() + wait))
            return _HOLD
        except ChatMigrated as exc:
            self.storage.teams.move_chat(message.chat_id, exc.new_chat_id)
            outbox.move_chat(message.chat_id, exc.new_chat_id)
            return _REREAD
        except Forbidden:
            with self.storage.atomic():
                outbox.mark(message.id, "unreachable")
                if message.chat_id > 0:
                    self.storage.people.unreachable(message.chat_id)
            return _NEXT
        except BadRequest as exc:
            log.error("outbox message %s refused by Telegram: %s", message.id, exc.message)
            outbox.mark(message.id, "failed")
            return _NEXT
        except (NetworkError, TelegramError) as exc:  # 5xx, timeouts, dropped connections: back off
            self._back_off(message, exc)
            return _PAUSE
        except Exception as exc:  # a bug must not make the sender spin on one row: back off as well
            log.exception("outbox message %s could not be sent", message.id)
            self._back_off(message, exc)
            return _PAUSE
        outbox.mark(message.id, "sent")
        return _NEXT

    async def _pace(self) -> None:
        """Space the sends at ``rate`` per second (a broadcast to a whole school board stays under the limit)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._next_slot > now:
            await asyncio.sleep(self._next_slot - now)
        self._next_slot = max(now, self._next_slot) + 1 / self.rate

    def _back_off(self, message: OutboxMessage, exc: Exception) -> None:
        delay = min(MAX_BACKOFF, 2 ** min(message.attempts, 8))
        log.warning("outbox message %s not sent (%s); retry in %ss", message.id, exc.__class__.__name__, delay)
        self.storage.outbox.defer(message.id, math.ceil(self.clock()) + delay)

    async def _deliver(self, message: OutboxMessage) -> None:
        markup = InlineKeyboardMarkup.de_json(message.markup, self.bot) if message.markup else None
        if message.photo is not None:
            await self.bot.send_photo(
                message.chat_id, message.photo, caption=message.text, parse_mode=ParseMode.HTML, reply_markup=markup,
                rate_limit_args=FloodLimits.OUTBOX,
            )
        elif message.document is not None:
            await self.bot.send_document(
                message.chat_id,
                message.document,
                filename=message.filename,
                caption=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                rate_limit_args=FloodLimits.OUTBOX,
            )
        else:
            await self.bot.send_message(
                message.chat_id, message.text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup,
                rate_limit_args=FloodLimits.OUTBOX,
            )
