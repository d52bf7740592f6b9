"""The sandbox can play a real network: every Bot API call arrives ``latency`` seconds after it left."""

from __future__ import annotations

import time

from telegram import Bot

from bot.sandbox import Sandbox


async def test_calls_arrive_after_the_network_latency() -> None:
    """With 0.15 s of latency a call takes at least that long and is recorded on arrival, not on leaving."""
    sandbox = Sandbox(latency=0.15)
    await sandbox.start()
    bot = Bot(sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url)
    try:
        await bot.initialize()  # getMe
        left = time.time()
        await bot.get_me()
        arrived = sandbox.calls[-1].time
        assert time.time() - left >= 0.15
        assert arrived - left >= 0.15
    finally:
        await bot.shutdown()
        await sandbox.stop()
    sandbox.assert_no_violations()
