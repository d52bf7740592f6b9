"""What the leader and the group are told when an analysis had too few answers, and what the leader sees of
open pulses and past summaries (issue 13, items 1 and 8a)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.deployment.config import PrivacyConfig
from bot.run.local import sandbox_config
from bot.sandbox.actors import check_in, form_team, press, round_url, say, start_cycle

ONE_SOURCE = ["administratie en registratie"]
# nea x3, administratie, influence, free_cause, free_help
SHORT = [3, 3, 3, 2, 3, None, None]

WITHHELD = {
    "nl": ("Er waren te weinig antwoorden om uitkomsten te tonen (minstens 3 nodig)", "Er is (nog) geen analyse"),
    "en": ("There were too few answers to show results (at least 3 needed)", "There is no analysis (yet)"),
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
    assert "De analyse had te weinig antwoorden om uitkomsten te tonen (minstens 3 nodig)" in bespreken.text
    assert "Jullie beginnen bij het gesprek over oplossingen" not in bespreken.text
    withheld, skipped = WITHHELD[language]
    guide = await sandbox.wait_for_message(leader.id, since=mark, contains=withheld)
    assert skipped not in guide.text


@pytest.fixture
def config(sandbox, tmp_path):
    """Results from three answers, so a small team's pulse is released."""
    return sandbox_config(sandbox, tmp_path / "werkdruk.db", privacy=PrivacyConfig(min_group_size=3, min_group_size_free_text=3))


async def test_an_open_pulse_shows_in_status_closes_at_five_and_comes_back_in_the_summaries(sandbox, running_bot):
    """A pulse opened on a Monday at noon closes a week later at 17:00 local (across the change to summer
    time); while it is open /status shows it with the count (never who); once closed, /samenvatting shows
    its summary again, and its share button posts it in the group."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris", "Dewi"])
    zone = ZoneInfo("Europe/Amsterdam")
    running_bot.fake_now = dt.datetime(2027, 3, 22, 12, 0, tzinfo=zone).timestamp()
    choose = await say(sandbox, leader, "/puls")
    mark = sandbox.mark()
    await press(sandbox, leader, choose.message, "v1:pulse:")
    announcement = await sandbox.wait_for_message(group.id, since=mark, contains="werkdrukpeiling")
    pulse = running_bot.storage.cycles.open_pulse(running_bot.storage.teams.by_chat(group.id).id)
    assert dt.datetime.fromtimestamp(pulse.closes_at, zone) == dt.datetime(2027, 3, 29, 17, 0, tzinfo=zone)
    assert "29 maart" in announcement.text and "17:00" in announcement.text

    for member, answers in zip(members, ([3, 3, 2, None], [2, 2, 2, None], [4, 3, 3, None])):
        await check_in(sandbox, member, round_url(announcement), answers)
    status = await say(sandbox, leader, "/status")
    assert "Open: de werkdrukpeiling" in status.text and "Meegedaan: 3 van 5" in status.text
    assert "Anna" not in status.text and "17:00" in status.text

    running_bot.fake_now = pulse.closes_at + 1
    mark = sandbox.mark()
    await running_bot.run_deadline_scan()
    await sandbox.wait_for_message(leader.id, since=mark, contains="3 van de 5")
    assert "Open: de werkdrukpeiling" not in (await say(sandbox, leader, "/status")).text

    again = await say(sandbox, leader, "/samenvatting", contains="3 van de 5")
    assert "Er is nog geen samenvatting" not in again.text
    mark = sandbox.mark()
    query = await sandbox.press_button(leader, again.message, again.callback_datas[0])
    assert (await sandbox.wait_for_callback_answer(query)).params["text"] == "Gedeeld met het team."
    await sandbox.wait_for_message(group.id, since=mark, contains="3 van de 5")
