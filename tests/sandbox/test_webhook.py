"""Webhook mode: ordered delivery with the secret header, retries, 409 for getUpdates, forged posts."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
import tornado.web
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.sandbox import Sandbox


class Receiver:
    """A tiny tornado webhook receiver that records requests and answers scripted statuses."""

    def __init__(self, statuses: list[int] | None = None, secret: str | None = None) -> None:
        self.statuses = list(statuses or [])
        self.secret = secret
        self.requests: asyncio.Queue = asyncio.Queue()
        self.server: HTTPServer | None = None
        self.url = ""

    async def __aenter__(self) -> Receiver:
        receiver = self

        class Hook(tornado.web.RequestHandler):
            def post(self) -> None:
                header = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token")
                if receiver.secret is not None and header != receiver.secret:
                    status = 403
                else:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.requests.put_nowait((json.loads(self.request.body), header, status))
                self.set_status(status)
                self.finish()

        sockets = bind_sockets(0, "127.0.0.1")
        self.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
        self.server = HTTPServer(tornado.web.Application([("/hook", Hook)], log_function=lambda h: None))
        self.server.add_sockets(sockets)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.stop()
        await self.server.close_all_connections()

    async def next(self) -> tuple[dict, str | None, int]:
        """The next received request (event-driven)."""
        return await asyncio.wait_for(self.requests.get(), 5)


async def make_bot(sb: Sandbox) -> Bot:
    """An initialized PTB Bot talking to the sandbox."""
    bot = Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url)
    await bot.initialize()
    return bot


async def test_webhook_delivers_in_order_with_secret(sb: Sandbox) -> None:
    """After setWebhook, updates are POSTed one per request, in order, with the secret header; getUpdates
    is a 409 Conflict until deleteWebhook returns to polling."""
    anna = sb.add_user("Anna")
    bot = await make_bot(sb)
    async with Receiver(secret="geheim_123") as receiver:
        try:
            assert await bot.set_webhook(receiver.url, secret_token="geheim_123")
            info = await bot.get_webhook_info()
            assert info.url == receiver.url and info.pending_update_count == 0
            for text in ["een", "twee", "drie"]:
                await sb.send_text(anna, text)
            got = [await receiver.next() for _ in range(3)]
            assert [(b["message"]["text"], h, s) for b, h, s in got] == [
                ("een", "geheim_123", 200), ("twee", "geheim_123", 200), ("drie", "geheim_123", 200)]
            assert [b["update_id"] for b, _, _ in got] == [u["update_id"] for u in sb.updates]
            with pytest.raises(Conflict):
                await bot.get_updates()
            assert await bot.delete_webhook()
            await sb.send_text(anna, "vier")
            assert [u.message.text for u in await bot.get_updates()] == ["vier"]
        finally:
            await bot.shutdown()
    sb.assert_no_violations()


async def test_webhook_retries_on_error(sb: Sandbox) -> None:
    """A non-2xx answer makes the sandbox retry the same update before moving on."""
    anna = sb.add_user("Anna")
    bot = await make_bot(sb)
    async with Receiver(statuses=[500, 502]) as receiver:
        try:
            await bot.set_webhook(receiver.url)
            await sb.send_text(anna, "een")
            await sb.send_text(anna, "twee")
            got = [await receiver.next() for _ in range(4)]
            info = await bot.get_webhook_info()
        finally:
            await bot.shutdown()
    assert [(b["message"]["text"], s) for b, _, s in got] == [("een", 500), ("een", 502), ("een", 200),
                                                              ("twee", 200)]
    first = sb.updates[0]["update_id"]
    assert sb.webhook_deliveries[:3] == [(first, 500), (first, 502), (first, 200)]
    assert info.last_error_message == "Wrong response from the webhook: 502"
    sb.assert_no_violations()


async def test_forged_webhook_posts(sb: Sandbox) -> None:
    """post_to_webhook lets tests send forged requests; the receiver's status comes back."""
    bot = await make_bot(sb)
    async with Receiver(secret="echt") as receiver:
        try:
            await bot.set_webhook(receiver.url, secret_token="echt")
            assert await sb.post_to_webhook({"update_id": 1}, secret="vals") == 403
            assert await sb.post_to_webhook({"update_id": 2}, secret=None) == 403
            assert await sb.post_to_webhook({"update_id": 3}, secret="echt") == 200
            assert [(await receiver.next())[2] for _ in range(3)] == [403, 403, 200]
        finally:
            await bot.shutdown()
    sb.assert_no_violations()


async def test_webhook_must_be_loopback(sb: Sandbox) -> None:
    """A webhook URL outside loopback is refused and recorded; no request is made."""
    bot = await make_bot(sb)
    try:
        with pytest.raises(BadRequest, match="(?i)bad webhook"):
            await bot.set_webhook("https://example.org/hook")
        with pytest.raises(BadRequest, match="(?i)secret token"):
            await bot.set_webhook("http://localhost:1/hook", secret_token="met spatie")
    finally:
        await bot.shutdown()
    assert [v.rule for v in sb.violations] == ["webhook_url", "webhook_secret"]
    assert sb.webhook_deliveries == []


def free_port() -> int:
    """A currently free loopback port (for PTB's webhook server, which needs a fixed port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_ptb_application_in_webhook_mode(sb: Sandbox) -> None:
    """A real PTB Application with start_webhook receives sandbox updates and answers them."""
    anna = sb.add_user("Anna")
    app = ApplicationBuilder().token(sb.token).base_url(sb.base_url).base_file_url(sb.base_file_url).build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("welkom via webhook")

    app.add_handler(CommandHandler("start", start))
    port = free_port()
    await app.initialize()
    await app.start()
    await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="tg", secret_token="s3cret",
                                    webhook_url=f"http://127.0.0.1:{port}/tg")
    try:
        assert sb.world.webhook["secret_token"] == "s3cret"
        mark = sb.mark()
        await sb.send_text(anna, "/start")
        reply = await sb.wait_for_message(anna.id, since=mark)
        assert reply.text == "welkom via webhook"
        assert await sb.post_to_webhook({"update_id": 1}, secret="fout") == 403
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    sb.assert_no_violations()


async def test_a_waiter_wakes_when_the_webhook_acknowledged_an_update(sb: Sandbox) -> None:
    """Waiting (event-driven) for "Telegram no longer holds this update" ends when the webhook answered 200,
    even if nothing else happens afterwards."""
    anna = sb.add_user("Anna")
    bot = await make_bot(sb)
    async with Receiver() as receiver:
        try:
            await bot.set_webhook(receiver.url)
            handed_over = asyncio.create_task(sb.wait_until(lambda: sb.updates and not sb.world.pending, timeout=30))
            await asyncio.sleep(0)  # the waiter waits before the update exists
            await sb.send_text(anna, "een")
            await asyncio.wait_for(handed_over, 2)  # woken by the acknowledgement, not by its own timeout
            assert (await receiver.next())[2] == 200
        finally:
            await bot.shutdown()
