"""getUpdates semantics: long polling, offsets, limits, allowed_updates, redelivery, stop()."""

from __future__ import annotations

import asyncio

import httpx

from bot.sandbox import Sandbox


async def test_long_poll_returns_when_update_is_queued(sb: Sandbox, raw) -> None:
    """A getUpdates long poll is held open until an update arrives, then returns it at once."""
    anna = sb.add_user("Anna")
    poll = asyncio.create_task(raw.form("getUpdates", timeout=30))
    await sb.wait_until(lambda: sb.long_polls == 1)
    assert not poll.done()
    msg = await sb.send_text(anna, "/start")
    code, body = await poll
    assert code == 200
    assert [u["message"]["message_id"] for u in body["result"]] == [msg["message_id"]]
    sb.assert_no_violations()


async def test_short_poll_without_updates_returns_empty(sb: Sandbox, raw) -> None:
    """timeout=0 (the default) returns an empty list immediately."""
    code, body = await raw.form("getUpdates")
    assert code == 200 and body["result"] == []
    sb.assert_no_violations()


async def test_offset_confirms_earlier_updates(sb: Sandbox, raw) -> None:
    """An offset confirms every update with a lower id; limit caps the batch; negative offsets keep the tail."""
    anna = sb.add_user("Anna")
    for text in ["een", "twee", "drie", "vier"]:
        await sb.send_text(anna, text)
    ids = [u["update_id"] for u in sb.updates]
    _, body = await raw.form("getUpdates", limit=2)
    assert [u["update_id"] for u in body["result"]] == ids[:2]
    _, body = await raw.form("getUpdates", offset=ids[1])
    assert [u["update_id"] for u in body["result"]] == ids[1:]
    _, body = await raw.form("getUpdates")
    assert [u["update_id"] for u in body["result"]] == ids[1:]  # ids[0] is gone for good
    _, body = await raw.form("getUpdates", offset=-1)
    assert [u["update_id"] for u in body["result"]] == ids[-1:]
    _, body = await raw.form("getUpdates", offset=ids[-1] + 1)
    assert body["result"] == []
    sb.assert_no_violations()


async def test_allowed_updates_filter(sb: Sandbox, raw) -> None:
    """allowed_updates filters update types and is remembered; [] restores the default set."""
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    _, body = await raw.form("sendMessage", chat_id=anna.id, text="kies",
                             reply_markup={"inline_keyboard": [[{"text": "k", "callback_data": "k"}]]})
    await sb.press_button(anna, body["result"], "k")
    _, body = await raw.form("getUpdates", allowed_updates=["callback_query"])
    assert [list(u)[1] for u in body["result"]] == ["callback_query"]
    await sb.send_text(anna, "nog een")
    _, body = await raw.form("getUpdates", offset=body["result"][-1]["update_id"] + 1)
    assert body["result"] == []  # still only callback queries
    await sb.send_text(anna, "en nog een")
    _, body = await raw.form("getUpdates", allowed_updates=[])
    assert [u["message"]["text"] for u in body["result"]] == ["en nog een"]
    sb.assert_no_violations()


async def test_redeliver_repeats_update_id(sb: Sandbox, raw) -> None:
    """redeliver queues an already confirmed update again with the same update_id."""
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    _, body = await raw.form("getUpdates")
    first = body["result"][0]
    _, body = await raw.form("getUpdates", offset=first["update_id"] + 1)
    assert body["result"] == []
    sb.redeliver(first["update_id"])
    _, body = await raw.form("getUpdates", offset=first["update_id"] + 1)
    assert body["result"] == [first]
    _, body = await raw.form("getUpdates", offset=first["update_id"] + 1)
    assert body["result"] == []
    sb.assert_no_violations()


async def test_stop_releases_long_poll() -> None:
    """Sandbox.stop() answers a pending long poll promptly instead of letting it run to its timeout."""
    sb = Sandbox()
    await sb.start()
    async with httpx.AsyncClient(timeout=60) as http:
        poll = asyncio.create_task(http.post(f"{sb.base_url}{sb.token}/getUpdates", data={"timeout": "50"}))
        await sb.wait_until(lambda: sb.long_polls == 1)
        await sb.stop()
        response = await asyncio.wait_for(poll, 5)
    assert response.json() == {"ok": True, "result": []}
    sb.assert_no_violations()


async def test_private_messages_mark_started(sb: Sandbox, raw) -> None:
    """Sending anything in the private chat starts (and unblocks) the bot for that user."""
    anna = sb.add_user("Anna")
    assert not anna.started_bot and anna.private_chat_id == anna.id
    await sb.send_text(anna, "hallo")
    assert anna.started_bot
    sb.block_bot(anna)
    code, body = await raw.form("sendMessage", chat_id=anna.id, text="x")
    assert code == 403 and body["description"] == "Forbidden: bot was blocked by the user"
    await sb.send_text(anna, "/start")
    assert not anna.blocked_bot
    assert (await raw.form("sendMessage", chat_id=anna.id, text="x"))[0] == 200
    sb.assert_no_violations()
