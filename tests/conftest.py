"""Shared fixtures: the sandbox (every test that uses it ends by asserting zero rule violations)
and the real bot polling it."""

from __future__ import annotations

import os

import pytest

from bot.sandbox import Sandbox
from bot.run.local import RunningBot, sandbox_config

BOT_USERNAME = "werkdruk_test_bot"

# Opt in to python-telegram-bot's timedelta retry_after now, so 429 handling raises no deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture
async def sandbox():
    """A fresh Telegram stand-in on 127.0.0.1; fails the test if any call broke a rule."""
    sb = Sandbox(bot_username=BOT_USERNAME, bot_first_name="Werkdrukbot")
    await sb.start()
    try:
        yield sb
    finally:
        await sb.stop()
    sb.assert_no_violations()


@pytest.fixture
def config(sandbox, tmp_path):
    """A configuration pointing at the sandbox and a database file in tmp_path."""
    return sandbox_config(sandbox, tmp_path / "werkdruk.db")


@pytest.fixture
async def running_bot(config):
    """The bot, running against the sandbox."""
    bot = await RunningBot(config).start()
    try:
        yield bot
    finally:
        await bot.stop()
