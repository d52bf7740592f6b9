"""Running the real bot in-process against the built-in sandbox: for the tests and ``werkdruk-bot demo``."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from telegram.ext import Application

from bot.run.app import build_application
from bot.cycle.deadlines import scan
from bot.deployment.config import Config, PrivacyConfig
from bot.sandbox import Sandbox
from storage.db import Storage


def sandbox_config(sandbox: Sandbox, db_path: Path, **overrides) -> Config:
    """A configuration that points the bot at ``sandbox`` and a database file."""
    return local_config(sandbox.token, sandbox.base_url.removesuffix("/bot"), db_path, **overrides)


def local_config(token: str, base_url: str, db_path: Path, **overrides) -> Config:
    """A configuration for a sandbox known only by its token and address (e.g. in another process)."""
    values = dict(
        token=token,
        base_url=base_url,
        storage_path=db_path,
        privacy=PrivacyConfig(min_group_size=5, min_group_size_free_text=8),
    )
    values.update(overrides)
    return Config(**values)


class RunningBot:
    """The real python-telegram-bot Application, long-polling the sandbox over loopback."""

    def __init__(self, config: Config, clock: Callable[[], float] = time.time, rng: random.Random | None = None) -> None:
        self.config = config
        self.storage: Storage | None = None
        self.application: Application | None = None
        self.fake_now: float | None = None  # set to move the bot's clock (deadlines, drafts)
        self._clock = clock  # real time, or a clock the caller moves (the demo shares one with its sandbox)
        self.rng = rng  # None: the system's random source (invite codes, ids, shuffles); the demo seeds one

    async def start(self) -> RunningBot:
        """Open the database, connect, publish the menus and start polling."""
        self.storage = Storage(self.config.storage_path, clock=self.clock, rng=self.rng)
        self.application = build_application(self.config, self.storage, clock=self.clock, rng=self.rng)
        await self.application.initialize()
        await self.application.post_init(self.application)
        await self.application.start()
        await self.application.updater.start_polling(poll_interval=0, timeout=5)
        return self

    def clock(self) -> float:
        """The bot's clock: its own clock (real time by default) unless a test moved it."""
        return self._clock() if self.fake_now is None else self.fake_now

    async def run_deadline_scan(self) -> int:
        """Run the periodic deadline scan now (as the JobQueue would)."""
        return await scan(self.application.bot_data["services"])

    async def stop(self) -> None:
        """Stop polling and close everything, as a graceful shutdown does."""
        if self.application is None:
            return
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.post_stop(self.application)
        await self.application.shutdown()
        self.storage.close()
        self.application = None

    async def restart(self) -> None:
        """Stop and start again on the same database (state must survive)."""
        await self.stop()
        await self.start()
