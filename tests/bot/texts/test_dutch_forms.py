"""Dutch (and English) by the book: counting texts in the right plural form, numbers, percentages, amounts
and dates as CLDR writes them - as the team reads them through Telegram."""

from __future__ import annotations

import pytest

from bot.sandbox.actors import check_in, form_team, round_url, say, start_cycle
from tests.reliability.conftest import ONE_SOURCE, SHORT

ONE_COLLEAGUE = {
    "nl": "Er deed pas 1 collega mee aan de check-in.",
    "en": "Only 1 colleague has taken part in the check-in.",
}


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_one_colleague_is_one_colleague(sandbox, running_bot, language):
    """With one check-in in, the leader's /volgende says "1 collega" (not "1 collega's"), in Dutch and for an
    English leader in English; /leerlingen 1200 is confirmed with the number as the language writes it."""
    leader, (anna, bram), group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    leader.language_code = language  # from here on the leader's Telegram speaks ``language``
    await check_in(sandbox, anna, url, SHORT)
    ask = await say(sandbox, leader, "/volgende")
    assert ask.text.startswith(ONE_COLLEAGUE[language]), ask.text
    pupils = await say(sandbox, leader, "/leerlingen 1200")
    assert ("1.200 leerlingen" if language == "nl" else "1,200 pupils") in pupils.text, pupils.text
