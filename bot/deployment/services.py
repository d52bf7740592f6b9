"""The services of a running bot, shared by every handler (``application.bot_data``) and the engine."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from bot.deployment.config import Config
from storage.db import Storage


@dataclass
class Services:
    """Shared by all handlers through ``application.bot_data``."""

    config: Config
    storage: Storage
    bot_username: str = ""
    clock: Callable[[], float] = time.time
    outbox: Any = None  # the OutboxSender, started after connecting
    rng: random.Random = field(default_factory=random.SystemRandom)  # invite codes, shuffles (the demo seeds its own)

    def now(self) -> int:
        """The current unix time (tests may move the clock)."""
        return int(self.clock())

    def wake_outbox(self) -> None:
        """Tell the sender that new outbox rows were committed."""
        if self.outbox is not None:
            self.outbox.wake()


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The services of the running application."""
    return context.application.bot_data["services"]
