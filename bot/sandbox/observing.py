"""Observing the bot from the sandbox: every call, violation and message, and waiting for one without sleeping.
Mixed into ``sandbox.Sandbox``, whose ``world`` holds what is observed."""

from __future__ import annotations

import asyncio
import copy
from typing import Callable

from .methods import SEND_METHODS
from .records import Call, SandboxUser, SentMessage
from .world import World

EDIT_METHODS = ("editMessageText", "editMessageReplyMarkup", "editMessageCaption")


class Observing:
    """What tests read of the sandbox, and the event-driven waits."""

    world: World

    @property
    def calls(self) -> list[Call]:
        """Every API call in order."""
        return self.world.calls

    @property
    def violations(self) -> list:
        """Every Bot API rule violation."""
        return self.world.violations

    @property
    def forbidden(self) -> list[Call]:
        """Calls refused with 403."""
        return self.world.forbidden

    @property
    def flood_events(self) -> list[Call]:
        """Calls refused by the sandbox's rate limits (429)."""
        return self.world.flood_events

    @property
    def updates(self) -> list[dict]:
        """Every update ever queued."""
        return self.world.updates

    @property
    def users(self) -> dict[int, SandboxUser]:
        """All users by id."""
        return self.world.users

    def mark(self) -> int:
        """Current number of calls; pass as ``since``."""
        return len(self.world.calls)

    def assert_no_violations(self) -> None:
        """Fail listing every violation, if any."""
        if self.world.violations:
            lines = "\n".join(f"  [{v.call_index}] {v.method}: {v.rule}: {v.detail}" for v in self.world.violations)
            raise AssertionError(f"{len(self.world.violations)} Bot API violation(s):\n{lines}")

    def _describe_calls(self) -> str:
        return "\n".join("  " + c.short() for c in self.world.calls[-15:]) or "  (no calls)"

    async def wait_for(self, predicate: Callable[[Call], bool], since: int = 0, timeout: float = 10.0) -> Call:
        """First call with index >= since matching ``predicate``; event-driven, no polling."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        while True:
            while index < len(self.world.calls):
                call = self.world.calls[index]
                index += 1
                if predicate(call):
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no matching call within {timeout}s; last calls:\n{self._describe_calls()}")
            await self.world.signal.wait(remaining)

    async def wait_for_message(self, chat_id: int, since: int = 0, contains: str | None = None,
                               timeout: float = 10.0) -> SentMessage:
        """The first successful sendMessage/sendPhoto/sendDocument to ``chat_id`` (with ``contains``)."""
        def match(call: Call) -> bool:
            if not (call.ok and call.method in SEND_METHODS and isinstance(call.result, dict)):
                return False
            if call.result["chat"]["id"] != chat_id:
                return False
            text = call.result.get("text", call.result.get("caption", ""))
            return contains is None or contains in text
        call = await self.wait_for(match, since, timeout)
        return next(s for s in self.world.sent if s.call_index == call.index)

    async def wait_for_edit(self, chat_id: int, message_id: int | None = None, since: int = 0,
                            timeout: float = 10.0) -> Call:
        """The first successful edit of a message in ``chat_id`` (optionally a given message)."""
        def match(call: Call) -> bool:
            if not (call.ok and call.method in EDIT_METHODS and isinstance(call.result, dict)):
                return False
            return call.result["chat"]["id"] == chat_id and message_id in (None, call.result["message_id"])
        return await self.wait_for(match, since, timeout)

    async def wait_for_callback_answer(self, callback_query_id: str, timeout: float = 10.0) -> Call:
        """The answerCallbackQuery call for that query id."""
        return await self.wait_for(lambda c: c.method == "answerCallbackQuery"
                                   and str(c.params.get("callback_query_id")) == str(callback_query_id),
                                   0, timeout)

    @property
    def long_polls(self) -> int:
        """Number of getUpdates requests currently held open."""
        return self.world.long_polls

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait (event-driven) until ``condition()`` is true; re-checked on every sandbox change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"condition not met within {timeout}s; last calls:\n{self._describe_calls()}")
            await self.world.signal.wait(remaining)

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Successful sends by the bot, in order (optionally for one chat)."""
        return [s for s in self.world.sent if chat_id is None or s.chat_id == chat_id]

    def chat_history(self, chat_id: int) -> list[dict]:
        """All messages in a chat, edits applied, deletions removed."""
        return [copy.deepcopy(m) for m in self.world.history.get(chat_id, {}).values()]
