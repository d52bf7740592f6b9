"""Texts users read, in Dutch (the default) and English, with HTML escaping built in.

The catalogues are ``bot/texts/<language>/*.toml`` (one file per feature, merged; a key may appear once). Every value passed to :func:`t` is escaped for
Telegram's HTML parse mode unless it is wrapped in :class:`Markup` (text the bot built itself).
"""

from __future__ import annotations

import html
import string
import tomllib
from functools import cache
from importlib import resources

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


class Markup(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""


def escape(value: object) -> str:
    """Escape ``value`` for Telegram's HTML parse mode (Markup passes through)."""
    if isinstance(value, Markup):
        return value
    return html.escape(str(value), quote=False)


@cache
def catalogue(language: str) -> dict[str, str]:
    """All texts of one language, by key."""
    texts: dict[str, str] = {}
    folder = resources.files("bot").joinpath("texts", language)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        part = tomllib.loads(entry.read_text(encoding="utf-8"))
        duplicates = set(part) & set(texts)
        if duplicates:
            raise ValueError(f"text keys defined twice in {language}: {sorted(duplicates)}")
        texts.update(part)
    return texts


def language_of(language_code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The language to use for a Telegram user: English for ``en*``, Dutch for ``nl*``, else ``default``."""
    code = (language_code or "").lower()
    for language in LANGUAGES:
        if code == language or code.startswith(language + "-"):
            return language
    return default


def t(language: str, key: str, **values: object) -> Markup:
    """The text ``key`` in ``language`` with ``values`` escaped and filled in."""
    text = catalogue(language if language in LANGUAGES else DEFAULT_LANGUAGE)[key]
    return Markup(text.format(**{name: escape(value) for name, value in values.items()}))


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text expects (for checking that the catalogues agree)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


_WEEKDAYS = {
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
_MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
}


def format_moment(timestamp: int, language: str, timezone: str) -> str:
    """A deadline as people read it: "vrijdag 4 december, 17:00" / "Friday 4 December, 17:00"."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    moment = dt.datetime.fromtimestamp(timestamp, ZoneInfo(timezone))
    language = language if language in _WEEKDAYS else DEFAULT_LANGUAGE
    weekday = _WEEKDAYS[language][moment.weekday()]
    month = _MONTHS[language][moment.month - 1]
    return f"{weekday} {moment.day} {month}, {moment:%H:%M}"
