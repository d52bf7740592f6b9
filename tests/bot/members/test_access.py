"""Access, tried as an adversary: every leader action as a member, every member action as an outsider or a
former member, forged and replayed callback data and deep links - refused, and nothing changes."""

from __future__ import annotations

import pytest

from bot.sandbox.actors import check_in, form_team, press, round_url, say, start_cycle

LEADER_COMMANDS = ["/cyclus", "/status", "/volgende", "/deadline", "/samenvatting", "/plan", "/verzuim 5 4", "/puls", "/trend",
                   "/planning", "/teamverwijderen", "/uitnodiging", "/leerlingen 200"]
MEMBER_CALLBACKS = ["v1:ans:{r}:0:4", "v1:skip:{r}:5", "v1:back:{r}", "v1:chg:{r}:0", "v1:send:{r}", "v1:prop_cat:{r}:0",
                    "v1:prop_src:{r}:0", "v1:vote:{r}:1", "v1:vote_send:{r}", "v1:pv:{r}:0", "v1:pv_send:{r}:0", "v1:open_round:{r}"]


def snapshot(storage) -> dict:
    """The rows an adversary would want to change."""
    tables = ("teams", "roster", "cycles", "rounds", "participation", "answers", "proposals", "summaries", "plans", "pulses", "team_sources",
              "schedules", "schedule_reminders")
    return {table: storage.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in tables}


@pytest.fixture
async def team_in_cycle(sandbox, running_bot):
    """A team of four with an open check-in that two have answered."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=["administratie en registratie"]))
    await check_in(sandbox, leader, url, [3, 3, 3, 2, 3, None, None])
    return leader, members, group, url


async def test_members_cannot_steer(sandbox, running_bot, team_in_cycle):
    """Each leader command, in private and in the group, is refused for a member; nothing changes."""
    leader, (anna, *_), group, _ = team_in_cycle
    before = snapshot(running_bot.storage)
    for command in LEADER_COMMANDS:
        for chat in (None, group):
            if command in ("/samenvatting", "/plan", "/trend") and chat is not None:
                continue  # private-only commands: in the group they are not ours
            answer = await say(sandbox, anna, command, chat=chat)
            assert "alleen" in answer.text.lower() or "only" in answer.text.lower(), (command, answer.text)
    assert snapshot(running_bot.storage) == before


async def test_forged_leader_buttons_are_refused(sandbox, running_bot, team_in_cycle):
    """Leader buttons with forged data (any team, round or cycle id) pressed by a member, in private or in the
    group, are refused with a message and do nothing - every button of every leader prompt."""
    leader, (anna, *_), group, url = team_in_cycle
    storage = running_bot.storage
    team = storage.teams.by_chat(group.id)
    round_id = int(url.rsplit("_", 1)[1])
    cycle_id = storage.cycles.current(team.id).id
    forged = [
        f"v1:cyc_phase:{team.id}:0", f"v1:src_del:{team.id}:0:0", f"v1:src_add:{team.id}", f"v1:src_reset:{team.id}",
        f"v1:cyc_go:{team.id}:0:0", f"v1:next_go:{team.id}:{cycle_id}:{round_id}:0", f"v1:next_empty:{team.id}:{cycle_id}:{round_id}",
        f"v1:dl:{round_id}:3", f"v1:share:{round_id}", f"v1:merge:{round_id}", f"v1:vote_open:{round_id}",
        f"v1:plan_item:{cycle_id}:0", f"v1:plan_submit:{cycle_id}", f"v1:pmr:{cycle_id}:1", f"v1:plan_doc:{cycle_id}",
        f"v1:pulse:{team.id}:30", f"v1:as_team:3:{team.id}", f"v1:team_del:{team.id}",
        f"v1:sch_date:{team.id}", f"v1:sch_show:{team.id}:740000", f"v1:sch_ok:{team.id}:740000", f"v1:sch_stop:{team.id}",
        # the other buttons of the same prompts (every one of them may stand in the group)
        f"v1:src_ok:{team.id}:0", f"v1:next_wait:{team.id}", f"v1:merge_a:{round_id}:1", f"v1:merge_b:{round_id}:1:2",
        f"v1:plan_field:{cycle_id}:0:0", f"v1:plan_add:{cycle_id}", f"v1:plan_del:{cycle_id}:0", f"v1:plan_back:{cycle_id}",
        f"v1:plan_revise:{cycle_id}", f"v1:pmr_today:{cycle_id}:1", f"v1:team_del_no:{team.id}",
    ]
    before = snapshot(storage)
    in_the_group = ["v1:my_del_no", "v1:my_del_yes", "v1:my_del"]  # /mijngegevens' buttons have no place there
    for chat_id, data in [(anna.id, d) for d in forged] + [(group.id, d) for d in forged + in_the_group]:
        query = await sandbox.press_raw(anna, chat_id, 1, data)
        answer = await sandbox.wait_for_callback_answer(query)
        assert answer.params.get("text"), (chat_id, data)
    assert snapshot(storage) == before
    assert not [m for m in sandbox.sent_messages(group.id) if "Fase 2" in m.text]


async def test_outsiders_and_former_members_cannot_answer(sandbox, running_bot, team_in_cycle):
    """The round's deep link and every member button are refused for an outsider and for someone who left."""
    leader, (anna, bram, _), group, url = team_in_cycle
    round_id = int(url.rsplit("_", 1)[1])
    confirm = await say(sandbox, bram, "/verlaten")
    await press(sandbox, bram, confirm.message, "v1:leave_yes:")
    outsider = sandbox.add_user("Olaf")
    before = snapshot(running_bot.storage)
    for person in (outsider, bram):
        mark = sandbox.mark()
        await sandbox.open_deep_link(person, url)
        refused = await sandbox.wait_for_message(person.id, since=mark)
        assert "geen lid" in refused.text
        for template in MEMBER_CALLBACKS:
            query = await sandbox.press_raw(person, person.id, 1, template.format(r=round_id))
            answer = await sandbox.wait_for_callback_answer(query)
            assert answer.params.get("text") or template.startswith("v1:open_round")
    assert snapshot(running_bot.storage) == before


async def test_a_member_of_team_a_cannot_act_in_team_b(sandbox, running_bot):
    """Replaying team B's round link and buttons from team A's member is refused."""
    leader_a, (anna,), group_a = await form_team(sandbox, ["Anna"], title="OBS A")
    leader_b, (bob,), group_b = await form_team(sandbox, ["Bob"], leader_name="Bert", title="OBS B")
    url_b = round_url(await start_cycle(sandbox, leader_b, group_b, keep_sources=["administratie en registratie"]))
    round_b = int(url_b.rsplit("_", 1)[1])
    mark = sandbox.mark()
    await sandbox.open_deep_link(anna, url_b)
    assert "geen lid" in (await sandbox.wait_for_message(anna.id, since=mark)).text
    query = await sandbox.press_raw(anna, anna.id, 1, f"v1:ans:{round_b}:0:4")
    assert "geen lid" in (await sandbox.wait_for_callback_answer(query)).params["text"]
    assert running_bot.storage.answers.participants(round_b) == 0
    assert leader_a and bob and group_a
