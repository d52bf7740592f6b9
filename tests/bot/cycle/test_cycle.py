"""End to end: a team of eight through analyseren and bespreken, with the figures checked exactly."""

from __future__ import annotations

import re

import pytest

from bot.deployment.config import PrivacyConfig
from bot.sandbox.actors import (
    answer_questions,
    check_in,
    form_team,
    leader_moves_on,
    open_round,
    press,
    press_numbered,
    propose,
    round_url,
    say,
    start_cycle,
    vote,
)
from bot.run.local import sandbox_config

KEEP = ["administratie en registratie", "contact met ouders"]
# nea_hard, nea_much, nea_fast, administratie, ouders, eigen1 (overblijf), influence, free_cause, free_help
ANSWERS = {
    "Sanne": [4, 3, 3, 3, 1, 2, 2, "Te veel administratie", None],
    "Anna": [3, 3, 2, 2, 0, 1, 3, None, None],
    "Bram": [2, 2, 2, 3, 2, 0, 3, "Ouders mailen 's avonds", "Vaste mailtijden"],
    "Chris": [1, 2, 1, 1, 1, 1, 4, None, None],
    "Dewi": [4, 4, 3, 3, 3, 2, 1, "De overblijf", "Een overblijfkracht"],
    "Eva": [2, 1, 1, 0, 0, 0, 4, None, None],
    "Fleur": [3, 4, 4, 2, 1, 3, 2, None, "<b>Minder & rust</b>"],
}


@pytest.fixture
def config(sandbox, tmp_path):
    """Open answers are released from three answers in this team (the default is eight)."""
    return sandbox_config(sandbox, tmp_path / "werkdruk.db", privacy=PrivacyConfig(min_group_size=5, min_group_size_free_text=3))


async def test_a_team_of_eight_through_analyseren_and_bespreken(sandbox, running_bot):
    """Check-in with a resume after restart and a second attempt refused, summary figures, proposals, merge, vote."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris", "Dewi", "Eva", "Fleur", "Gijs"])
    people = {user.first_name: user for user in [leader, *members]}

    announcement = await start_cycle(sandbox, leader, group, keep_sources=KEEP, add_source="Overblijf op woensdag")
    assert "9 vragen" in announcement.text and "minstens 5 collega's" in announcement.text
    url = round_url(announcement)

    # Three answer; the leader cannot release results yet.
    for name in ("Sanne", "Anna", "Bram"):
        assert "Dank je wel" in await check_in(sandbox, people[name], url, ANSWERS[name])
    too_few = await say(sandbox, leader, "/volgende")
    assert "pas 3 collega's" in too_few.text
    assert "Vraag" not in too_few.text
    await press(sandbox, leader, too_few.message, "v1:next_wait:")

    # Anna tries a second time: kindly refused.
    again = await open_round(sandbox, people["Anna"], url, "al ingevuld")
    assert "Dank je wel" in again.text

    # Dewi stops after three questions; the bot restarts; she resumes at question 4.
    question = await open_round(sandbox, people["Dewi"], url, "Vraag 1 van 9")
    await answer_questions(sandbox, people["Dewi"], question, ANSWERS["Dewi"][:3])
    await running_bot.restart()
    mark = sandbox.mark()
    await sandbox.open_deep_link(people["Dewi"], url)
    await sandbox.wait_for_message(people["Dewi"].id, since=mark, contains="verder waar je gebleven was")
    resumed = await sandbox.wait_for_message(people["Dewi"].id, since=mark, contains="Vraag 4 van 9")
    review = await answer_questions(sandbox, people["Dewi"], resumed, ANSWERS["Dewi"][3:])
    assert "Dank je wel" in (await press(sandbox, people["Dewi"], review, "v1:send:"))["text"]

    for name in ("Chris", "Eva", "Fleur"):
        await check_in(sandbox, people[name], url, ANSWERS[name])
    status = await say(sandbox, leader, "/status")
    assert "Meegedaan: 7 van 8" in status.text and "analyseren" in status.text

    # The leader moves on: the summary arrives privately, with the chart; bespreken begins.
    mark = sandbox.mark()
    assert "gesloten" in await leader_moves_on(sandbox, leader)
    chart = await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark)
    summary = "\n".join(m.text for m in sandbox.sent_messages(leader.id) if m.call_index >= mark)
    bespreken = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken")
    guide = await sandbox.wait_for_message(leader.id, since=mark, contains="Waar komt")

    assert_analysis_figures(summary)
    assert chart.result["photo"]
    assert "administratie en registratie" in bespreken.text  # the top source, in the recap
    assert "Wat kunnen we zelf beïnvloeden?" in bespreken.text
    assert "administratie en registratie" in guide.text

    # The leader shares the analysis with the group.
    photo_message = next(m for m in sandbox.sent_messages(leader.id) if m.photo is not None)
    mark = sandbox.mark()
    query = await sandbox.press_button(leader, photo_message.message, photo_message.callback_datas[0])
    assert (await sandbox.wait_for_callback_answer(query)).params["text"] == "Gedeeld met het team."
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == group.id, since=mark)
    shared = "\n".join(m.text for m in sandbox.sent_messages(group.id) if m.call_index >= mark)
    assert_analysis_figures(shared)

    # Proposals, anonymously: two pick the same catalogue measure; two write near-duplicates.
    proposals_url = round_url(bespreken)
    await propose(sandbox, people["Anna"], proposals_url, catalogue="onderwijsassistent", source="administratie en registratie")
    await propose(sandbox, people["Bram"], proposals_url, catalogue="onderwijsassistent", source="Overblijf op woensdag")
    await propose(sandbox, people["Chris"], proposals_url, own_words="Minder vergaderen")
    await propose(sandbox, people["Eva"], proposals_url, own_words="Kortere vergaderingen", source="contact met ouders")
    await propose(sandbox, people["Fleur"], proposals_url, catalogue="conciërge")

    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    screen = await sandbox.wait_for_message(leader.id, since=mark, contains="De voorstellen van team")
    listed = re.findall(r"^(\d+)\. (.+)$", screen.text, re.M)
    assert sorted(text for _, text in listed) == sorted(["onderwijsassistent", "Minder vergaderen", "Kortere vergaderingen", "conciërge"])
    number = {text: n for n, text in listed}
    pick = await press(sandbox, leader, screen.message, "v1:merge:")
    keep = await press_numbered(sandbox, leader, pick, number["Minder vergaderen"])
    merged = await press_numbered(sandbox, leader, keep, number["Kortere vergaderingen"], skip=number["Minder vergaderen"])
    assert "Kortere vergaderingen" not in merged["text"] and "(3)" in merged["text"]
    mark = sandbox.mark()
    await press(sandbox, leader, merged, "v1:vote_open:")
    vote_announcement = await sandbox.wait_for_message(group.id, since=mark, contains="Stemmen")
    assert "3 voorstellen" in vote_announcement.text

    ballots = {
        "Sanne": ["onderwijsassistent", "onderwijsassistent", "Minder vergaderen"],
        "Anna": ["onderwijsassistent"] * 3,
        "Bram": ["Minder vergaderen", "Minder vergaderen", "conciërge"],
        "Chris": ["Minder vergaderen"] * 3,
        "Dewi": ["onderwijsassistent", "Minder vergaderen", "conciërge"],
        "Eva": ["conciërge", "onderwijsassistent", "onderwijsassistent"],
    }
    vote_url = round_url(vote_announcement)
    for name, choices in ballots.items():
        await vote(sandbox, people[name], vote_url, choices)
    again = await open_round(sandbox, people["Anna"], vote_url, "al gestemd")
    assert again.text

    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    result = await sandbox.wait_for_message(leader.id, since=mark, contains="Uitslag van de stemming")
    lines = re.findall(r"^(\d)\. (.+?): (\d+)", result.text, re.M)
    assert [(text, int(votes)) for _, text, votes in lines] == [("onderwijsassistent", 8), ("Minder vergaderen", 7), ("conciërge", 3)]
    assert "6 collega's stemden" in result.text
    assert "administratie en registratie" in result.text and "Overblijf op woensdag" in result.text
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 3: aanpakken")

    # The leader shares the vote's result; later she sees both summaries again with /samenvatting.
    mark = sandbox.mark()
    query = await sandbox.press_button(leader, result.message, result.callback_datas[0])
    await sandbox.wait_for_callback_answer(query)
    shared_result = await sandbox.wait_for_message(group.id, since=mark, contains="Uitslag van de stemming")
    assert shared_result.text == result.text
    mark = sandbox.mark()
    await sandbox.send_text(leader, "/samenvatting")
    again = await sandbox.wait_for_message(leader.id, since=mark, contains="Uitslag van de stemming")
    assert not again.buttons  # both were shared already: no share button again
    assert_analysis_figures("\n".join(m.text for m in sandbox.sent_messages(leader.id) if m.call_index >= mark))
    sandbox.assert_no_violations()


def assert_analysis_figures(text: str) -> None:
    """The figures that follow from ANSWERS (7 of 8 answered), as the summary must show them."""
    assert "7 van de 8" in text
    assert "88%" in text  # response rate 7/8
    # NEA altijd+vaak: extra hard 4/7, heel veel 4/7, erg snel 3/7; high workload (mean >= 2.5) 4/7.
    assert re.search(r"extra hard.*57%", text)
    assert re.search(r"heel veel werk.*57%", text)
    assert re.search(r"erg snel.*43%", text)
    assert "45,0%" in text and "2022" in text
    # Sources by mean pressure: administratie 2.0, overblijf 9/7 = 1.3, ouders 8/7 = 1.1.
    ranking = [text.index(label) for label in ("administratie en registratie", "Overblijf op woensdag", "contact met ouders")]
    assert ranking == sorted(ranking)
    assert "2,7" in text  # influence 19/7
    assert "Vaste mailtijden" in text and "&lt;b&gt;" not in text and "<b>Minder & rust</b>" in text