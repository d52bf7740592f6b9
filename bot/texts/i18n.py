"""Texts users read, in Dutch (the default) and English, with HTML escaping built in.

The catalogues are ``bot/texts/<language>/*.toml`` (one file per feature, merged; a key may appear once). Every value passed to :func:`t` is escaped for
Telegram's HTML parse mode unless it is wrapped in :class:`Markup` (text the bot built itself).

A text that counts something has a form per CLDR plural category, chosen by the number in one of its
placeholders (as gettext's ``ngettext`` does)::

    next_too_few_vote = { n = "done", one = "Er stemde pas {done} collega. ...", other = "Er stemden pas {done} collega's. ..." }

Dates, numbers, percentages and amounts are formatted by Babel from the CLDR data of each language
(English in the British way: "Friday 4 December", "12 March 2027").
"""

from __future__ import annotations

import datetime as dt
import html
import string
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _cldr_date
from babel.dates import format_datetime as _cldr_datetime
from babel.numbers import format_currency, format_decimal, format_percent

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
    """The text ``key`` in ``language`` with ``values`` escaped and filled in (in the plural form its count needs)."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    text = catalogue(language)[key]
    if isinstance(text, dict):
        text = text[plural_category(language, values[text["n"]])]
    return Markup(text.format(**{name: escape(value) for name, value in values.items()}))


def plural_category(language: str, count: object) -> str:
    """The CLDR plural category of ``count`` in ``language``: "one" or "other" for Dutch and English."""
    return _locale(language).plural_form(abs(Decimal(str(count))))


def plural_forms(language: str) -> set[str]:
    """The plural categories ``language`` distinguishes (CLDR), each a form a counting text must have."""
    return set(_locale(language).plural_form.tags) | {"other"}


def forms(text: str | dict) -> list[str]:
    """The forms of a catalogue text: itself, or each of its plural forms."""
    return [value for name, value in text.items() if name != "n"] if isinstance(text, dict) else [text]


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text expects (for checking that the catalogues agree)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@cache
def _locale(language: str) -> Locale:
    """The CLDR locale that formats for ``language`` (English as written in Britain and Europe: day before month)."""
    return Locale.parse({"nl": "nl_NL", "en": "en_GB"}.get(language, "nl_NL"))


def _half_up(value: float | Decimal, places: int) -> Decimal:
    """Rounded half up, as people round (0.625 -> 0.63), not to even: Babel then only writes it."""
    return Decimal(repr(value) if isinstance(value, float) else str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: float | int, language: str, places: int = 0) -> str:
    """A number with ``places`` decimals, rounded half up: 1234.5 -> "1.234,5" / "1,234.5"."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(_half_up(value, places), format=pattern, locale=_locale(language))


def format_percentage(value: float, language: str, places: int = 0) -> str:
    """A percentage (0-100) with ``places`` decimals, rounded half up: 45.0 -> "45,0%" / "45.0%"."""
    pattern = "#,##0" + ("." + "0" * places if places else "") + "%"
    return format_percent(_half_up(value, places) / 100, format=pattern, locale=_locale(language))


def format_amount(amount: float, language: str) -> str:
    """Euros in the language's currency format, whole euros unless there are cents (rounded half up):
    "€ 12.500", "€ 55.281,12", "€ -500" / "€12,500", "€55,281.12", "-€500" (CLDR, with a no-break space)."""
    value = _half_up(amount, 2)
    pattern = _locale(language).currency_formats["standard"].pattern
    if value == value.to_integral_value():
        pattern = pattern.replace(".00", "")
    return format_currency(value, "EUR", format=pattern, currency_digits=False, locale=_locale(language))


def format_day(day: dt.date, language: str) -> str:
    """A date as people read it: "12 maart 2027" / "12 March 2027"."""
    return _cldr_date(day, format="long", locale=_locale(language))


def format_short_day(day: dt.date, language: str) -> str:
    """A date in a row of figures: "15-01-2020" / "15/01/2020" (CLDR's short date)."""
    return _cldr_date(day, format="short", locale=_locale(language))


def format_moment(timestamp: int, language: str, timezone: str) -> str:
    """A deadline as people read it: "vrijdag 4 december, 17:00" / "Friday 4 December, 17:00"."""
    moment = dt.datetime.fromtimestamp(timestamp, ZoneInfo(timezone))
    return _cldr_datetime(moment, "EEEE d MMMM, HH:mm", tzinfo=ZoneInfo(timezone), locale=_locale(language))
