"""The one way the bot sends a message: HTML, no link previews."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode

from bot.texts.i18n import Markup

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def send(bot: Bot, chat_id: int, text: Markup | str, reply_markup: InlineKeyboardMarkup | None = None, **kwargs) -> Message:
    """Send one HTML message (parse mode passed per call: PTB's Defaults would add it to calls that lack it)."""
    return await bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=reply_markup, **kwargs
    )
