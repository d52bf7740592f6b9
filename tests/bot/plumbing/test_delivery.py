"""An update stays with Telegram until its handling ended: the bot confirms it (the next ``getUpdates``
offset, or the webhook's answer) only afterwards, so a crash at any moment before cannot lose it."""

from __future__ import annotations

import pytest

from bot.run.app import build_application
from bot.run.local import sandbox_config
from bot.sandbox.actors import say
from storage.db import Storage
from tests.bot.run.test_cli_run import free_port


async def start(sandbox, tmp_path, mode: str):
    """The real bot in-process, receiving by long polling or by webhook."""
    storage = Storage(tmp_path / "werkdruk.db")
    application = build_application(sandbox_config(sandbox, tmp_path / "werkdruk.db"), storage)
    await application.initialize()
    await application.post_init(application)
    if mode == "polling":
        await application.updater.start_polling(poll_interval=0, timeout=5)
    else:
        port = free_port()
        await application.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook", webhook_url=f"http://127.0.0.1:{port}/hook", secret_token="s3cret",
        )
    await application.start()
    return application, storage


async def stop(application, storage) -> None:
    """Stop as a graceful shutdown does."""
    await application.updater.stop()
    await application.stop()
    await application.post_stop(application)
    await application.shutdown()
    storage.close()


def pending(sandbox, update_id: int) -> bool:
    """Whether Telegram still holds the update (not confirmed by the bot)."""
    return any(update["update_id"] == update_id for update, _ in sandbox.world.pending)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_an_update_is_confirmed_only_after_its_handling_ended(sandbox, tmp_path, mode):
    """While the reply to a /start is still on its way (held at the sandbox) the update is not confirmed to
    Telegram; once the handling ended it is, and it is not handled twice."""
    application, storage = await start(sandbox, tmp_path, mode)
    try:
        anna = sandbox.add_user("Anna")
        sandbox.hold(lambda method, params: method == "sendMessage" and params.get("chat_id") == anna.id)
        mark = sandbox.mark()
        await sandbox.send_text(anna, "/start")
        update_id = sandbox.updates[-1]["update_id"]
        await sandbox.wait_until(lambda: sandbox.held is not None, timeout=10)
        assert pending(sandbox, update_id), "confirmed to Telegram before its handling ended"
        sandbox.release()
        await sandbox.wait_until(lambda: not pending(sandbox, update_id), timeout=10)
        await sandbox.wait_for_message(anna.id, since=mark, contains="nog geen lid")
        assert "nog geen lid" in (await say(sandbox, anna, "/start")).text  # still receiving
        assert len([m for m in sandbox.sent_messages(anna.id) if "nog geen lid" in m.text]) == 2
    finally:
        await stop(application, storage)



async def test_a_new_update_does_not_wait_for_one_still_being_handled(sandbox, tmp_path):
    """Long polling: while Anna's reply is held up at Telegram (her update stays unconfirmed, in flight), Bram's
    /start, sent afterwards, is fetched and answered - another person's update never waits for a slow one."""
    application, storage = await start(sandbox, tmp_path, "polling")
    try:
        anna, bram = sandbox.add_user("Anna"), sandbox.add_user("Bram")
        sandbox.hold(lambda method, params: method == "sendMessage" and params.get("chat_id") == anna.id)
        await sandbox.send_text(anna, "/start")
        anna_update = sandbox.updates[-1]["update_id"]
        await sandbox.wait_until(lambda: sandbox.held is not None, timeout=10)
        mark = sandbox.mark()
        await sandbox.send_text(bram, "/start")
        await sandbox.wait_for_message(bram.id, since=mark, contains="nog geen lid", timeout=5)
        assert sandbox.held is not None and pending(sandbox, anna_update), "Anna's update was confirmed unfinished"
        sandbox.release()
        await sandbox.wait_until(lambda: not pending(sandbox, anna_update), timeout=10)
        assert len([m for m in sandbox.sent_messages(anna.id) if "nog geen lid" in m.text]) == 1
    finally:
        await stop(application, storage)
