"""Tests proving bot.sandbox, the local Telegram Bot API stand-in."""
