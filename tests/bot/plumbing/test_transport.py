"""The bot's HTTP client (``bot/plumbing/transport.py``) behaves as python-telegram-bot expects of a request class:
calls and uploads arrive intact, Telegram's errors become the library's exceptions, a dropped connection is a
``NetworkError`` and a silent server a ``TimedOut``."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.sandbox import Sandbox
from bot.plumbing import transport
from bot.plumbing.transport import AiohttpRequest


async def _bot(sandbox: Sandbox, **timeouts) -> Bot:
    bot = Bot(sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url,
              request=AiohttpRequest(4, **timeouts), get_updates_request=AiohttpRequest(1, **timeouts))
    await bot.initialize()
    return bot


async def test_calls_and_uploads_arrive_intact(sandbox):
    """Text with HTML and non-Latin characters, a keyboard, and a PDF with a non-ASCII name arrive as sent."""
    anna = sandbox.add_user("Anna")
    await sandbox.send_text(anna, "/start")
    bot = await _bot(sandbox)
    try:
        assert (await bot.get_me()).username == sandbox.bot_username
        text = "<b>Werkdruk</b> &amp; overleg: één vraag — ok? 👍"
        sent = await bot.send_message(anna.id, text, parse_mode="HTML")
        assert sent.text == "Werkdruk & overleg: één vraag — ok? 👍"
        pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
        await bot.send_document(anna.id, pdf, filename="werkdrukplan-één.pdf", caption="Het plan")
    finally:
        await bot.shutdown()
    document = sandbox.sent_messages(anna.id)[-1].document
    assert document.content == pdf and document.filename == "werkdrukplan-één.pdf"


async def test_telegram_errors_and_dropped_connections(sandbox, monkeypatch: pytest.MonkeyPatch):
    """A 429 is a RetryAfter with Telegram's wait, a 502 and a dropped connection are NetworkErrors; the next
    call goes through."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    anna = sandbox.add_user("Anna")
    await sandbox.send_text(anna, "/start")
    bot = await _bot(sandbox)
    try:
        sandbox.inject_fault("sendMessage", "429", retry_after=3)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(anna.id, "een")
        assert info.value.retry_after == dt.timedelta(seconds=3)
        sandbox.inject_fault("sendMessage", "502")
        with pytest.raises(NetworkError):
            await bot.send_message(anna.id, "twee")
        sandbox.inject_fault("sendMessage", "drop_before")
        with pytest.raises(NetworkError):
            await bot.send_message(anna.id, "drie")
        await bot.send_message(anna.id, "vier")
    finally:
        await bot.shutdown()
    assert [m.text for m in sandbox.sent_messages(anna.id)] == ["vier"]


async def test_a_server_that_does_not_answer_times_out():
    """A server that accepts the connection and never answers gives TimedOut after the read timeout."""
    accepted = asyncio.Event()
    connections = []

    async def silent(reader, writer):
        connections.append(writer)
        accepted.set()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(1, read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
        assert accepted.is_set()
    finally:
        await request.shutdown()
        server.close()
        for writer in connections:
            writer.close()
            await writer.wait_closed()
        await server.wait_closed()


async def test_a_request_used_before_initialize_says_so():
    """Using the client before ``initialize`` (or after ``shutdown``) is a clear error, not a hang."""
    request = AiohttpRequest(1)
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/bot1:x/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/bot1:x/getMe", "POST")


async def test_a_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch):
    """With HTTP_PROXY set (an operator behind a school board's proxy), calls go through the proxy - the
    Telegram host is never resolved or contacted directly; NO_PROXY exempts a host."""
    seen = []

    async def proxy(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
        await reader.readexactly(length)
        seen.append(head.split(b"\r\n")[0].decode())
        body = b'{"ok": true, "result": {"id": 1, "is_bot": true, "first_name": "Werkdrukbot", "username": "w_bot"}}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "intern.example")
    transport._proxy.cache_clear()
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        result = await request.post("http://api.telegram.test/bot1:x/getMe")
        assert result["username"] == "w_bot"
        assert seen == ["POST http://api.telegram.test/bot1:x/getMe HTTP/1.1"]
        assert transport.proxy_for("http://intern.example/bot1:x/getMe") is None
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()
        transport._proxy.cache_clear()
