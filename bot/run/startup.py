"""Start-up refused by Telegram: one line naming the key and Telegram's reason, exit status 1, no traceback.

Wraps the whole of ``werkdruk-bot run``: a token Telegram does not know (``getMe``), a webhook it refuses
(``setWebhook``, e.g. "An HTTPS URL must be provided for webhook") or a Telegram that cannot be reached
ends the process with one line. python-telegram-bot logs such a failure with its traceback ("Network Retry
Loop (Bootstrap ...)"); that record is left out, as the line printed here says it all.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

EXIT_REFUSED = 1
_BOOTSTRAP = "Network Retry Loop (Bootstrap"


class _BootstrapFailure(logging.Filter):
    """Drops python-telegram-bot's own report (with traceback) of a failed start-up step."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_BOOTSTRAP)


def refusal_line(exc: TelegramError) -> str:
    """The one line that explains ``exc``, naming the configuration key to look at; never the token."""
    if isinstance(exc, InvalidToken):
        return "werkdruk-bot: telegram.token: Telegram refused the token (check it with @BotFather)"
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return f"werkdruk-bot: telegram.base_url: Telegram cannot be reached at start-up ({exc.message})"
    key = "webhook.url" if "webhook" in exc.message.lower() else "telegram"
    return f"werkdruk-bot: {key}: Telegram refused the start-up: {exc.message}"


def refusals_in_one_line(start: Callable[[], int]) -> int:
    """Run ``start`` (the bot, until it stops); a Telegram error escaping it becomes one line and status 1."""
    quiet = _BootstrapFailure()
    library = logging.getLogger("telegram.ext")
    library.addFilter(quiet)
    try:
        return start()
    except TelegramError as exc:
        print(refusal_line(exc), file=sys.stderr)
        return EXIT_REFUSED
    finally:
        library.removeFilter(quiet)
