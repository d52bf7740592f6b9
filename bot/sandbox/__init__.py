"""bot.sandbox: a local stand-in for the Telegram Bot API (Bot API 10.0) for tests.

A tornado server on 127.0.0.1 that a real python-telegram-bot ``Application``
talks to over loopback, validating every call against the bundled spec, while
tests act as Telegram users and observe the bot's calls.

May import: its own modules, the standard library, tornado (it plays Telegram, so it knows nothing of the bot).
Must not import: any other room of bot/, flows or storage.
"""

from .records import Call, SandboxChat, SandboxUser, SentMessage, Violation
from .sandbox import Sandbox
from .spec import UploadedFile

__all__ = ["Call", "Sandbox", "SandboxChat", "SandboxUser", "SentMessage", "UploadedFile", "Violation"]
