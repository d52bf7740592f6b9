"""What the leader and the group are told when an analysis had too few answers, and what the leader sees of
open pulses and past summaries (issue 13, items 1 and 8a)."""

from __future__ import annotations

import pytest

from bot.sandbox.actors import check_in, form_team, press, round_url, say, start_cycle

ONE_SOURCE = ["administratie en registratie"]
# nea x3, administratie, influence, free_cause, free_help
SHORT = [3, 3, 3, 2, 3, None, None]

WITHHELD = {
    "nl": ("Er waren te weinig antwoorden om uitkomsten te tonen (minstens 5 nodig)", "Er is (nog) geen analyse"),
    "en": ("There were too few answers to show results (at least 5 needed)", "There is no analysis (yet)"),
}


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_an_analysis_with_too_few_answers_is_named_in_the_guide_and_the_group_post(sandbox, running_bot, language):
    """After "close without results" the leader's guide (in the leader's language) and the group's bespreken
    post (in the group's language) say the analysis had too few answers, not that the team skipped it."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"], language_code=language)
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE if language == "nl" else None))
    if language == "nl":  # the sandbox's check-in actor reads the Dutch screens
        for member in members:
            await check_in(sandbox, member, url, SHORT)
    ask = await say(sandbox, leader, "/volgende")
    mark = sandbox.mark()
    await press(sandbox, leader, ask.message, "v1:next_empty:")
    bespreken = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken")
    assert "De analyse had te weinig antwoorden om uitkomsten te tonen (minstens 5 nodig)" in bespreken.text
    assert "Jullie beginnen bij het gesprek over oplossingen" not in bespreken.text
    withheld, skipped = WITHHELD[language]
    guide = await sandbox.wait_for_message(leader.id, since=mark, contains=withheld)
    assert skipped not in guide.text
