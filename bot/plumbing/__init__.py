"""Telegram plumbing: the Bot API client (``transport``), updates in flight and Telegram's flood limits
(``updates``), the outbox sender with its retries (``outbox``), the callback-data codec, the command menus,
and the one way a message is sent (``sending``). A 429 or a new Telegram limit is handled here.

May import: bot.texts, storage (the outbox table), python-telegram-bot.
Must not import: flows (plumbing knows nothing of the method), nor rendering, the cycle, handlers or run.
"""
