"""``werkdruk-bot demo``: a whole cycle with a simulated team of eight, against the built-in sandbox.

No token and no network: the real bot talks to the sandbox on 127.0.0.1. The team forms, analyses,
discusses, makes and adopts a plan, evaluates, and answers one pulse; one member never answers. The
conversation is printed as the leader and one member see it, and the leader's summaries, charts and
plan document are written to a folder.
"""

from __future__ import annotations

import asyncio
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import PrivacyConfig
from bot.local import RunningBot, sandbox_config
from bot.sandbox import Sandbox
from bot.sandbox.actors import (
    check_in,
    fill_item,
    form_team,
    leader_moves_on,
    open_vote,
    press,
    propose,
    round_url,
    say,
    start_cycle,
    vote,
)

MEMBERS = ["Anna", "Bram", "Chris", "Dewi", "Eva", "Fleur", "Gijs"]  # Gijs never answers
SOURCES = ["administratie en registratie", "contact met ouders"]
CAUSES = ["De administratie rond toetsen", "Mails van ouders in de avond", "Te veel vergaderingen", "De groep is erg groot"]
HELPS = ["Een onderwijsassistent", "Vaste mailmomenten", "Minder overleg, korter", "Hulp bij de zorgleerlingen"]


def analysis_answers(rng: random.Random) -> list:
    """One member's check-in: three NEA items, three sources (administratie, ouders, the team's own
    "vergaderingen op woensdag"), influence, and two open answers (sometimes)."""
    nea = [rng.choices([4, 3, 2, 1], weights=[2, 4, 3, 1])[0] for _ in range(3)]
    pressure = [rng.choices([0, 1, 2, 3], weights=w)[0] for w in ([1, 2, 4, 3], [2, 3, 3, 2], [3, 3, 2, 1])]
    influence = rng.choice([1, 2, 2, 3, 3, 4])
    return [*nea, *pressure, influence, rng.choice([*CAUSES, None]), rng.choice([*HELPS, None])]


def evaluation_answers(rng: random.Random, measures: int) -> list:
    """One member's evaluation: the platform's three questions, the NEA items, each measure, an open answer."""
    platform = [rng.choices([3, 2, 1], weights=[5, 3, 1])[0] for _ in range(3)]
    nea = [rng.choices([4, 3, 2, 1], weights=[1, 2, 4, 3])[0] for _ in range(3)]
    helped = [rng.choices([3, 2, 1], weights=[5 - i, 3, 1 + i])[0] for i in range(measures)]
    return [*platform, *nea, *helped, None]


async def run_demo(out: Path, echo: Callable[[str], None] = print) -> dict[str, Path]:
    """Run the whole demo; return the files written, by what they are."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    started = time.monotonic()
    async with Sandbox(bot_username="werkdruk_demo_bot", bot_first_name="Werkdrukbot") as sandbox:
        with tempfile.TemporaryDirectory() as folder:
            config = sandbox_config(sandbox, Path(folder) / "demo.db", privacy=PrivacyConfig(5, 5))
            bot = await RunningBot(config).start()
            try:
                people = await _play(sandbox, bot, rng, echo)
            finally:
                await bot.stop()
        files = _write(sandbox, people, out)
    echo(f"\nDe demo duurde {time.monotonic() - started:.1f} s en maakte geen enkele verbinding buiten deze computer.")
    _print_chat(sandbox, people["leader"], "Wat de schoolleider (Sanne) ziet", echo)
    _print_chat(sandbox, people["anna"], "Wat een teamlid (Anna) ziet", echo)
    echo("\nGeschreven bestanden:")
    for what, path in files.items():
        echo(f"  {what:<28} {path}")
    return files


async def _play(sandbox: Sandbox, bot: RunningBot, rng: random.Random, echo: Callable[[str], None]) -> dict:
    echo("1. Het team vormt zich: de schoolleider voegt de bot toe aan de groep, acht collega's doen mee.")
    leader, members, group = await form_team(sandbox, MEMBERS)
    everyone, answering = [leader, *members], [leader, *members[:-1]]
    await say(sandbox, leader, "/leerlingen 212", contains="212")

    echo("2. Analyseren: zeven van de acht vullen de anonieme check-in in (Gijs niet).")
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=SOURCES[:2], add_source="Vergaderingen op woensdag"))
    for user in answering:
        await check_in(sandbox, user, url, analysis_answers(rng))
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    bespreken = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2")
    chart = await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark)
    photo = next(m for m in sandbox.sent_messages(leader.id) if m.call_index == chart.index)  # paced: the leader's chat
    await _press_share(sandbox, leader, photo)

    echo("3. Bespreken: voorstellen doen, samenvoegen en stemmen.")
    proposals_url = round_url(bespreken)
    await propose(sandbox, members[0], proposals_url, catalogue="onderwijsassistent", source="administratie en registratie")
    await propose(sandbox, members[1], proposals_url, own_words="Vaste mailmomenten voor ouders")
    await propose(sandbox, members[2], proposals_url, catalogue="onderwijsassistent")
    await propose(sandbox, members[3], proposals_url, own_words="Kortere teamvergaderingen", source="Vergaderingen op woensdag")
    await propose(sandbox, members[4], proposals_url, catalogue="conciërge")
    vote_url = await open_vote(sandbox, leader, group)
    ballots = [["onderwijsassistent"] * 2 + ["Vaste mailmomenten voor ouders"], ["onderwijsassistent"] * 3,
               ["Vaste mailmomenten voor ouders"] * 2 + ["conciërge"], ["Kortere teamvergaderingen"] * 2 + ["onderwijsassistent"],
               ["onderwijsassistent", "Vaste mailmomenten voor ouders", "Kortere teamvergaderingen"], ["Vaste mailmomenten voor ouders"] * 3]
    for user, choices in zip(answering, ballots):
        await vote(sandbox, user, vote_url, choices)
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 3")

    echo("4. Aanpakken: de schoolleider vult het plan in; het team stemt; de PMR stemt in.")
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    plan_fields = [
        ["Minder administratie bij leerkrachten", "Twee uur per week minder registratie per leerkracht", "De assistent neemt toetsregistratie over", "Directie en IB", "38000"],
        ["Rust na schooltijd", "Geen ouderberichten na 17 uur", "Afspraken in de nieuwsbrief en de schoolapp", "Teamleider en MR", "1500"],
        ["Kortere vergaderingen", "Het teamoverleg duurt hooguit een uur", "Vaste agenda, besluiten vooraf voorbereid", "Directie", "0"],
    ]
    for number, fields in enumerate(plan_fields[: len([b for b in overview.buttons if b["text"].startswith("✏️")])], 1):
        mark = sandbox.mark()
        await fill_item(sandbox, leader, overview.message, number, fields)
        overview = await sandbox.wait_for_message(leader.id, since=mark, contains="Tik op ✏️")
    mark = sandbox.mark()
    await press(sandbox, leader, overview.message, "v1:plan_submit:")
    plan_vote_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Stem over het plan"))
    round_id = plan_vote_url.rsplit("_", 1)[1]
    for user, choice in zip(answering, (0, 0, 0, 0, 0, 1, 2)):
        mark = sandbox.mark()
        await sandbox.open_deep_link(user, plan_vote_url)
        ballot = await sandbox.wait_for_message(user.id, since=mark, contains="Wat vind jij van dit plan")
        confirm = await press(sandbox, user, ballot.message, f"v1:pv:{round_id}:{choice}")
        await press(sandbox, user, confirm, "v1:pv_send:")
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="aangenomen")
    overview = await say(sandbox, leader, "/plan", contains="noteer hier het besluit")
    await press(sandbox, leader, overview.message, "v1:pmr:")
    mark = sandbox.mark()
    await say(sandbox, leader, "12-03-2027", contains="ingestemd")
    await sandbox.wait_for(lambda c: c.method == "sendDocument" and c.ok and c.params["chat_id"] == leader.id, since=mark)

    echo("5. Evalueren: heeft het geholpen? Met het verzuim vooraf en nu.")
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    evaluation_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Fase 4"))
    await say(sandbox, leader, "/verzuim 6,5 4,8", contains="Genoteerd")
    measures = len(bot.storage.plans.get(bot.storage.cycles.history(bot.storage.teams.by_chat(group.id).id)[-1][0]).items)
    for user in answering:
        await check_in(sandbox, user, evaluation_url, evaluation_answers(rng, measures))
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="afgerond")
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark)

    echo("6. Een maand later: een korte peiling, en de trend.")
    choose = await say(sandbox, leader, "/puls", contains="Hoe vaak")
    mark = sandbox.mark()
    await press(sandbox, leader, choose.message, f"v1:pulse:{choose.callback_datas[0].split(':')[2]}:30")
    pulse_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="peiling"))
    for user in answering[:6]:
        await check_in(sandbox, user, pulse_url, [rng.choice([3, 2, 2, 1]) for _ in range(3)] + [None])
    team_id = bot.storage.teams.by_chat(group.id).id
    bot.fake_now = bot.storage.cycles.open_pulse(team_id).closes_at + 1
    mark = sandbox.mark()
    await bot.run_deadline_scan()
    await sandbox.wait_for_message(leader.id, since=mark, contains="peiling")
    mark = sandbox.mark()
    await say(sandbox, leader, "/trend")
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark)
    sandbox.assert_no_violations()
    return {"leader": leader, "anna": members[0], "group": group, "everyone": everyone}


async def _press_share(sandbox: Sandbox, leader, message) -> None:
    query = await sandbox.press_button(leader, message.message, message.callback_datas[0])
    await sandbox.wait_for_callback_answer(query)


def _write(sandbox: Sandbox, people: dict, out: Path) -> dict[str, Path]:
    """The leader's charts and plan document, and a transcript per chat."""
    files: dict[str, Path] = {}
    leader = people["leader"]
    charts = iter(("analyse", "evaluatie", "trend", "extra"))
    for message in sandbox.sent_messages(leader.id):
        if message.document is not None:
            path = out / message.document.filename
            path.write_bytes(message.document.content)
            files["plan (PDF)"] = path
        elif message.photo is not None:
            name = next(charts)
            path = out / f"grafiek-{name}.png"
            path.write_bytes(message.photo.content)
            files[f"grafiek {name}"] = path
    for key, title in (("leader", "schoolleider"), ("anna", "teamlid-anna"), ("group", "teamgroep")):
        chat_id = people[key].id
        path = out / f"gesprek-{title}.txt"
        path.write_text("\n\n".join(_lines(sandbox, chat_id)) + "\n", encoding="utf-8")
        files[f"gesprek {title}"] = path
    return files


def _lines(sandbox: Sandbox, chat_id: int) -> list[str]:
    lines = []
    for message in sandbox.chat_history(chat_id):
        sender = message.get("from", {})
        who = "bot" if sender.get("is_bot") else sender.get("first_name", "?")
        text = message.get("text") or message.get("caption") or ""
        if message.get("photo"):
            text = "[grafiek] " + text
        if message.get("document"):
            text = f"[document {message['document'].get('file_name', '')}] " + text
        buttons = [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        if buttons and len(buttons) <= 8:
            text += "\n   [" + " | ".join(buttons) + "]"
        elif buttons:
            text += f"\n   [{len(buttons)} knoppen]"
        lines.append(f"{who}: {text}")
    return lines


def _print_chat(sandbox: Sandbox, user, title: str, echo: Callable[[str], None]) -> None:
    echo(f"\n{'=' * 72}\n{title}\n{'=' * 72}")
    for line in _lines(sandbox, user.id):
        echo(re.sub(r"\n{3,}", "\n\n", line))
        echo("")


def main(out: str) -> int:
    """The command line's entry: run the demo, print, write files; 0 on success."""
    try:
        asyncio.run(run_demo(Path(out)))
    except OSError as exc:
        print(f"werkdruk-bot demo: cannot write to {out}: {exc.strerror}")
        return 1
    return 0
