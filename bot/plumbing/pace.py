"""Telegram's pace inside one chat: about one message a second in a private chat (after a short burst), and
20 a minute in a group. Every new message the bot sends is counted here (``bot.plumbing.updates.FloodLimits``): a reply
to a person's own action waits for its chat's turn; the outbox asks ``ready_in`` first and serves other chats
meanwhile, so a chat that must wait never holds up the rest."""

from __future__ import annotations

import asyncio
from collections import deque

# A little under the sandbox's (and Telegram's) 1 a second with a burst of 3: the bot counts a message when it
# leaves, Telegram when it arrives, and network jitter can bring two closer together on the way.
PRIVATE_BURST = 3
PRIVATE_PER_SECOND = 0.9
GROUP_PER_MINUTE = 20
GROUP_PERIOD = 61.0  # a second more than Telegram's minute, for the same reason
FORGET_AFTER = 4096  # chats remembered before idle ones are forgotten


class ChatPace:
    """Per chat: a token bucket for private chats, a sliding window for groups."""

    def __init__(self) -> None:
        self._private: dict[int, tuple[float, float]] = {}  # chat -> (tokens, when counted)
        self._groups: dict[int, deque[float]] = {}
        self._started: float | None = None

    def _now(self) -> float:
        now = asyncio.get_running_loop().time()
        if self._started is None:
            self._started = now
        return now

    def _tokens(self, chat_id: int, now: float) -> float:
        # A chat not seen yet may have had most of its burst from the process before this one (a restart): it
        # starts with one message when this process started, so the first messages after a restart meet no 429.
        tokens, at = self._private.get(chat_id, (1.0, self._started if self._started is not None else now))
        return min(PRIVATE_BURST, tokens + (now - at) * PRIVATE_PER_SECOND)

    def ready_in(self, chat_id: int) -> float:
        """Seconds until one more message to ``chat_id`` fits its chat's pace (0: now)."""
        now = self._now()
        if chat_id > 0:
            return max(0.0, (1 - self._tokens(chat_id, now)) / PRIVATE_PER_SECOND)
        sent = self._groups.get(chat_id)
        while sent and now - sent[0] >= GROUP_PERIOD:
            sent.popleft()
        if not sent or len(sent) < GROUP_PER_MINUTE:
            return 0.0
        return sent[0] + GROUP_PERIOD - now

    def take(self, chat_id: int) -> None:
        """Count one message to ``chat_id``, now."""
        now = self._now()
        if chat_id > 0:
            if len(self._private) > FORGET_AFTER:
                self._forget(now)
            self._private[chat_id] = (self._tokens(chat_id, now) - 1, now)
        else:
            self._groups.setdefault(chat_id, deque()).append(now)

    async def wait(self, chat_id: int) -> None:
        """Wait for ``chat_id``'s turn, then count the message."""
        while (seconds := self.ready_in(chat_id)) > 0:
            await asyncio.sleep(seconds)
        self.take(chat_id)

    def _forget(self, now: float) -> None:
        self._private = {chat: state for chat, state in self._private.items() if self._tokens(chat, now) < PRIVATE_BURST}
        self._groups = {chat: sent for chat, sent in self._groups.items() if sent and now - sent[-1] < GROUP_PERIOD}
