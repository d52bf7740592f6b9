"""The bot's commands: their Dutch and English names, and the menus set with set_my_commands."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Bot

from bot.texts.i18n import LANGUAGES, t


@dataclass(frozen=True)
class Command:
    """One command: ``key`` names the handler; ``names`` are the spellings it answers to."""

    key: str
    nl: str
    en: str
    private: bool = True
    group: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling the bot accepts (Dutch and English, plus plain aliases)."""
        return tuple(dict.fromkeys((self.nl, self.en)))

    def name(self, language: str) -> str:
        """The spelling shown in the menu for ``language``."""
        return self.en if language == "en" else self.nl


COMMANDS = (
    Command("start", "start", "start"),
    Command("help", "help", "help"),
    Command("team", "team", "team"),
    Command("privacy", "privacy", "privacy"),
    Command("open", "open", "open", group=False),
    Command("cycle", "cyclus", "cycle"),
    Command("status", "status", "status"),
    Command("next", "volgende", "next"),
    Command("deadline", "deadline", "deadline"),
    Command("summary", "samenvatting", "summary", group=False),
    Command("plan", "plan", "plan", group=False),
    Command("sickleave", "verzuim", "sickleave"),
    Command("pulse", "puls", "pulse"),
    Command("schedule", "planning", "schedule"),
    Command("trend", "trend", "trend", group=False),
    Command("pupils", "leerlingen", "pupils"),
    Command("invite", "uitnodiging", "invite"),
    Command("coleader", "coleider", "coleader", private=False),
    Command("leave", "verlaten", "leave", group=False),
    Command("mydata", "mijngegevens", "mydata", group=False),
    Command("deleteteam", "teamverwijderen", "deleteteam"),
)
BY_KEY = {command.key: command for command in COMMANDS}


def menu(language: str, private: bool) -> list[BotCommand]:
    """The command menu for private chats or groups, in ``language``."""
    return [
        BotCommand(command.name(language), t(language, f"cmd_{command.key}"))
        for command in COMMANDS
        if (command.private if private else command.group)
    ]


async def publish_menus(bot: Bot) -> None:
    """Set the menus: Dutch as the default, English for users whose Telegram is in English."""
    for language in LANGUAGES:
        code = None if language == "nl" else language
        await bot.set_my_commands(menu(language, True), scope=BotCommandScopeAllPrivateChats(), language_code=code)
        await bot.set_my_commands(menu(language, False), scope=BotCommandScopeAllGroupChats(), language_code=code)
