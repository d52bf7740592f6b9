"""Fault injection: each fault kind surfaces in python-telegram-bot as Telegram/network would."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter

from bot.sandbox import Sandbox


async def make_bot(sb: Sandbox) -> Bot:
    """An initialized PTB Bot talking to the sandbox."""
    bot = Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url)
    await bot.initialize()
    return bot


async def test_fault_429_raises_retry_after(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """An injected 429 makes PTB raise RetryAfter with the given retry_after; the next call succeeds."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 22 otherwise warns when building RetryAfter
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    bot = await make_bot(sb)
    try:
        sb.inject_fault("sendMessage", "429", retry_after=7)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(anna.id, "hoi")
        assert info.value.retry_after == dt.timedelta(seconds=7)
        await bot.send_message(anna.id, "hoi")
    finally:
        await bot.shutdown()
    assert [s.text for s in sb.sent_messages(anna.id)] == ["hoi"]
    assert sb.flood_events == []
    sb.assert_no_violations()


async def test_fault_502_raises_network_error(sb: Sandbox) -> None:
    """An injected 502 Bad Gateway makes PTB raise NetworkError and nothing is sent."""
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    bot = await make_bot(sb)
    try:
        sb.inject_fault("*", "502")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(anna.id, "hoi")
    finally:
        await bot.shutdown()
    assert sb.sent_messages() == []
    assert sb.calls[-1].fault == "502"
    sb.assert_no_violations()


async def test_fault_drop_before_does_not_apply(sb: Sandbox) -> None:
    """drop_before closes the connection without applying: PTB raises NetworkError, no message exists."""
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    bot = await make_bot(sb)
    try:
        sb.inject_fault("sendMessage", "drop_before")
        with pytest.raises(NetworkError):
            await bot.send_message(anna.id, "hoi")
        assert sb.sent_messages() == []
        await bot.send_message(anna.id, "opnieuw")
    finally:
        await bot.shutdown()
    assert [s.text for s in sb.sent_messages()] == ["opnieuw"]
    sb.assert_no_violations()


async def test_fault_drop_after_applies_the_call(sb: Sandbox) -> None:
    """drop_after applies the call but drops the response: PTB raises NetworkError although the message
    was delivered, so a naive retry produces a visible duplicate."""
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    bot = await make_bot(sb)
    try:
        sb.inject_fault("sendMessage", "drop_after", times=1)
        with pytest.raises(NetworkError):
            await bot.send_message(anna.id, "hoi")
        assert [s.text for s in sb.sent_messages(anna.id)] == ["hoi"]
        await bot.send_message(anna.id, "hoi")
    finally:
        await bot.shutdown()
    texts = [m.get("text") for m in sb.chat_history(anna.id)]
    assert texts == ["/start", "hoi", "hoi"]
    sb.assert_no_violations()


async def test_fault_times_and_wildcard(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wildcard fault with times=2 hits the next two calls of any method but never getUpdates."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    bot = await make_bot(sb)
    try:
        sb.inject_fault("*", "429", times=2)
        assert await bot.get_updates(timeout=0) == ()
        for _ in range(2):
            with pytest.raises(RetryAfter):
                await bot.get_my_commands()
        assert await bot.get_my_commands() == ()
    finally:
        await bot.shutdown()
    sb.assert_no_violations()
