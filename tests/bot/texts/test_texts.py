"""The Dutch and English texts agree, escape what users typed, and the command menus are valid."""

import re

import pytest

from bot.plumbing.callbacks import decode, encode
from bot.plumbing.commands import COMMANDS, menu
from bot.texts.i18n import Markup, catalogue, forms, language_of, placeholders, plural_forms, t


def test_catalogues_have_the_same_keys_and_placeholders():
    """Every Dutch text has an English twin with the same {placeholders}; a counting text has, in each
    language, exactly the forms CLDR's plural rules of that language need, counted by the same placeholder,
    and every form has the same {placeholders}."""
    nl, en = catalogue("nl"), catalogue("en")
    assert set(nl) == set(en)
    for key in nl:
        texts = {"nl": nl[key], "en": en[key]}
        assert len({isinstance(text, dict) for text in texts.values()}) == 1, f"{key}: plural in one language only"
        expected = {frozenset(placeholders(form)) for text in texts.values() for form in forms(text)}
        assert len(expected) == 1, f"{key}: the forms differ in their placeholders"
        for language, text in texts.items():
            if isinstance(text, dict):
                assert set(text) - {"n"} == plural_forms(language), f"{language} {key}: forms {sorted(text)}"
                assert text["n"] == nl[key]["n"] and text["n"] in next(iter(expected)), f"{key}: counted by {text['n']!r}"


@pytest.mark.parametrize(
    "language,count,expected",
    [
        ("nl", 1, "Er deed pas 1 collega mee aan de check-in."), ("nl", 0, "Er deden pas 0 collega's mee aan de check-in."),
        ("nl", 2, "Er deden pas 2 collega's mee aan de check-in."), ("en", 1, "Only 1 colleague has taken part in the check-in."),
        ("en", 3, "Only 3 colleagues have taken part in the check-in."),
    ],
)
def test_counting_texts_take_the_plural_form_of_their_number(language, count, expected):
    """A counting text takes the form CLDR's plural rule gives its number: 1 collega, 0 or 2 collega's."""
    assert t(language, "next_too_few_analysis", done=count, needed=5).startswith(expected)


def test_values_are_escaped_but_markup_is_not():
    """A user's name with HTML in it is escaped; text the bot built itself is not escaped twice."""
    text = t("nl", "register_refused", name="<b>Anna & co</b>")
    assert "&lt;b&gt;Anna &amp; co&lt;/b&gt;" in text
    assert t("en", "left", team=Markup("<i>x</i>")).count("<i>x</i>") == 1


@pytest.mark.parametrize("code,expected", [("nl", "nl"), ("nl-BE", "nl"), ("en", "en"), ("en-GB", "en"), ("de", "nl"), (None, "nl"), ("", "nl")])
def test_language_choice(code, expected):
    """English for English Telegram clients, Dutch for Dutch ones, the default for all others."""
    assert language_of(code) == expected


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("private", [True, False])
def test_menus_follow_telegram_rules(language, private):
    """Menu commands are 1-32 of a-z0-9_ with 1-256 character descriptions."""
    commands = menu(language, private)
    assert commands
    for command in commands:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.command)
        assert 1 <= len(command.description) <= 256


def test_command_names_are_unique_per_language():
    """No two commands share a spelling."""
    for language in ("nl", "en"):
        names = [command.name(language) for command in COMMANDS]
        assert len(names) == len(set(names))


@pytest.mark.parametrize(
    "data",
    ["", "x", "v2:leave:1", "v1:unknown:1", "v1:leave:1:2:3:4:5", "v1:leave:abc", "v1:leave:1" + "0" * 60, "v1:leave:<b>", "v1:leave:\u202e1", None],
)
def test_foreign_callback_data_is_rejected(data):
    """Anything but our own codes decodes to None, so the handler answers instead of crashing."""
    assert decode(data) is None


def test_callback_round_trip():
    """Our own codes decode to what was encoded and fit in 64 bytes."""
    data = encode("leave_yes", 10**14, -5)
    assert len(data.encode()) <= 64
    press = decode(data)
    assert press.action == "leave_yes" and press.args == (10**14, -5)
    assert decode("v1:open_round:9999999999999999999") is None  # beyond SQLite's integers
    assert decode("v1:leave:1\n") is None
    assert decode("v1:leave").args == ()


def test_every_text_key_in_the_code_exists():
    """Each literal key the code passes to t() is in both catalogues (a typo would crash a handler)."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[3] / "bot"
    keys = set()
    for path in root.rglob("*.py"):
        keys |= set(re.findall(r"\bt\(\s*\w+,\s*\"([a-z0-9_]+)\"", path.read_text(encoding="utf-8")))
    assert len(keys) > 100
    for language in ("nl", "en"):
        missing = sorted(keys - set(catalogue(language)))
        assert not missing, f"{language}: {missing}"
