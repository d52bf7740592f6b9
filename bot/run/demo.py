"""``werkdruk-bot demo``: a whole cycle with a simulated team of eight, against the built-in sandbox.

No token and no network: the real bot talks to the sandbox on 127.0.0.1. The team forms, analyses,
discusses, makes and adopts a plan, evaluates, and answers one pulse; one member never answers. The
conversation is printed as the leader and one member see it, and the leader's summaries, charts and
plan document are written to a folder.

The cycle spans a school year on a clock that the bot and the sandbox share and that the demo moves
forward (weeks between phases, a month to the pulse), starting at a fixed moment. The leader plans the cycle
back from the PMR's date, so both votes close at their planned deadline and the PMR decides on the planned day. The simulated people
and the bot draw from seeded random sources (the bot's is injected: invite codes, proposal ids, answer
keys, shuffles), so the same demo gives the same transcripts, charts and plan in every run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.deployment.config import PrivacyConfig
from bot.run.demo_transcript import LeaderEffort, RecordedSandbox, leader_effort, outbox_idle, transcript
from bot.run.local import RunningBot, sandbox_config
from bot.sandbox.actors import (
    check_in,
    confirm_measures,
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
# The team's top three are catalogue measures, so the plan starts filled in: the leader confirms each with a
# tap and types only what differs, here the assistant's cost as the school board priced it (plan title -> cost).
PLAN_MEASURES = ("onderwijsassistent", "administratieve ondersteuning", "conciërge")
TYPED_COSTS = {"onderwijsassistent": "31000"}
# Yearly employer cost per fte per role, in euros: the demo's own plausible figures for a Dutch primary school,
# NOT a source (flows/data/staff_costs.toml ships none); a school sets its board's figures in config.toml.
STAFF_COSTS = {"onderwijsassistent": 52000, "leerkracht": 78000, "vakleerkracht": 76000, "concierge": 46000,
               "administratief_medewerker": 50000}
ZONE = ZoneInfo("Europe/Amsterdam")
START = dt.datetime(2026, 9, 7, 8, 30, tzinfo=ZONE)  # a Monday at the start of the school year
SEED = 2026
PMR_DAY = dt.date(2026, 10, 15)  # the PMR's meeting the leader plans back from (a Thursday, six weeks ahead)


@dataclass(frozen=True)
class DemoResult:
    """What a demo run produced: the files written, by what they are, and the leader's effort."""

    files: dict[str, Path]
    effort: LeaderEffort


class DemoClock:
    """The demo's time, shared by the bot and the sandbox: it stands still until the demo moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now

    @property
    def day(self) -> dt.date:
        """Today, in the school's time zone."""
        return dt.datetime.fromtimestamp(self.now, ZONE).date()

    def later(self, days: int, at: dt.time) -> None:
        """Move to ``days`` days from today, at the local time ``at``."""
        self.now = dt.datetime.combine(self.day + dt.timedelta(days=days), at, tzinfo=ZONE).timestamp()


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


async def run_demo(out: Path, echo: Callable[[str], None] = print) -> DemoResult:
    """Run the whole demo; return the files written and the leader's effort."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)  # the simulated people's answers
    clock = DemoClock(START)
    async with RecordedSandbox(bot_username="werkdruk_demo_bot", bot_first_name="Werkdrukbot", clock=clock) as sandbox:
        with tempfile.TemporaryDirectory() as folder:
            config = sandbox_config(sandbox, Path(folder) / "demo.db", privacy=PrivacyConfig(5, 5),
                                    staff_costs=dict(STAFF_COSTS))
            bot = await RunningBot(config, clock=clock, rng=random.Random(f"{SEED}-bot")).start()
            for job in bot.application.job_queue.get_jobs_by_name("deadlines"):
                job.schedule_removal()  # the demo runs the deadline scan itself whenever it moves the clock
            sandbox.settle = outbox_idle(bot)
            try:
                people = await _play(sandbox, bot, rng, clock, echo)
            finally:
                sandbox.settle = None
                await bot.stop()
        files = _write(sandbox, people, out)
        effort = leader_effort(sandbox, people["leader"].id)
    echo(f"\nDe demo speelde een schooljaar na, van {START:%d-%m-%Y} tot {clock.day:%d-%m-%Y}, "
         "en maakte geen enkele verbinding buiten deze computer.")
    echo(f"Van /cyclus tot het plan voor de PMR deed de schoolleider {effort.actions} handelingen: {effort.messages} "
         f"berichten (waarvan {effort.plan_fields} {'veld' if effort.plan_fields == 1 else 'velden'} van het plan) en {effort.taps} tikken; "
         f"{effort.taking_part} daarvan om zelf mee te doen aan de rondes, zoals elk teamlid.")
    _print_chat(sandbox, people["leader"], "Wat de schoolleider (Sanne) ziet", echo)
    _print_chat(sandbox, people["anna"], "Wat een teamlid (Anna) ziet", echo)
    echo("\nGeschreven bestanden:")
    for what, path in files.items():
        echo(f"  {what:<28} {path}")
    return DemoResult(files, effort)


async def _later(bot: RunningBot, clock: DemoClock, days: int, at: dt.time) -> None:
    """Time passes: move the shared clock, and let the bot do what falls due (its deadline scan)."""
    clock.later(days, at)
    await bot.run_deadline_scan()


async def _play(sandbox: RecordedSandbox, bot: RunningBot, rng: random.Random, clock: DemoClock,
                echo: Callable[[str], None]) -> dict:
    echo("1. Het team vormt zich: de schoolleider voegt de bot toe aan de groep, acht collega's doen mee.")
    leader, members, group = await form_team(sandbox, MEMBERS)
    everyone, answering = [leader, *members], [leader, *members[:-1]]
    await say(sandbox, leader, "/leerlingen 212", contains="212")

    echo("2. Analyseren: de schoolleider plant het schooljaar terug vanaf de PMR-datum; zeven van de acht vullen "
         "de anonieme check-in in (Gijs niet).")
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=SOURCES[:2], add_source="Vergaderingen op woensdag",
                                      plan_until=f"{PMR_DAY:%d-%m-%Y}"))
    for user in answering:
        await check_in(sandbox, user, url, analysis_answers(rng))
    await _later(bot, clock, 3, dt.time(8, 0))  # Thursday: seven of eight answered, the leader closes the check-in early
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    bespreken = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2")
    chart = await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark)
    photo = next(m for m in sandbox.sent_messages(leader.id) if m.call_index == chart.index)  # paced: the leader's chat
    await _press_share(sandbox, leader, photo)

    echo("3. Bespreken: voorstellen doen, samenvoegen en stemmen.")
    proposals_url = round_url(bespreken)
    await _later(bot, clock, 6, dt.time(15, 30))  # Wednesday after the team meeting
    await propose(sandbox, members[0], proposals_url, catalogue="onderwijsassistent", source="administratie en registratie")
    await propose(sandbox, members[1], proposals_url, own_words="Vaste mailmomenten voor ouders")
    await propose(sandbox, members[2], proposals_url, catalogue="onderwijsassistent")
    await propose(sandbox, members[3], proposals_url, catalogue="administratieve ondersteuning", source="administratie en registratie")
    await propose(sandbox, members[4], proposals_url, catalogue="conciërge")
    await _later(bot, clock, 5, dt.time(8, 0))
    vote_url = await open_vote(sandbox, leader, group)  # it closes as planned, on Friday
    mail, oa, admin, janitor = "Vaste mailmomenten voor ouders", *PLAN_MEASURES[:1], *PLAN_MEASURES[1:]
    ballots = [[oa, oa, mail], [oa, oa, admin], [janitor, janitor, mail], [admin, admin, oa], [oa, admin, janitor],
               [admin, janitor, mail]]  # 6 - 5 - 4 - 3 votes: the three catalogue measures lead, no tie
    for user, choices in zip(answering, ballots):
        await vote(sandbox, user, vote_url, choices)
    mark = sandbox.mark()
    await _later(bot, clock, 7, dt.time(8, 0))  # the vote closed at its planned deadline; the cycle moved on
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 3")

    echo("4. Aanpakken: het plan staat klaar; de schoolleider bevestigt het; het team stemt; de PMR stemt in.")
    await _later(bot, clock, 1, dt.time(19, 0))
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    numbers = {title: int(number) for number, title in re.findall(r"^(\d+)\. (.+)$", overview.text, re.M)}
    ready = await confirm_measures(sandbox, leader, overview, costs={numbers[title]: cost for title, cost in TYPED_COSTS.items()})
    mark = sandbox.mark()
    await press(sandbox, leader, ready, "v1:plan_submit:")
    plan_vote_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Stem over het plan"))
    round_id = plan_vote_url.rsplit("_", 1)[1]
    for user, choice in zip(answering, (0, 0, 0, 0, 0, 1, 2)):
        mark = sandbox.mark()
        await sandbox.open_deep_link(user, plan_vote_url)
        ballot = await sandbox.wait_for_message(user.id, since=mark, contains="Wat vind jij van dit plan")
        confirm = await press(sandbox, user, ballot.message, f"v1:pv:{round_id}:{choice}")
        await press(sandbox, user, confirm, "v1:pv_send:")
    mark = sandbox.mark()
    await _later(bot, clock, (PMR_DAY - clock.day).days - 7, dt.time(8, 0))  # the plan's vote closed as planned
    await sandbox.wait_for_message(group.id, since=mark, contains="aangenomen")
    await _later(bot, clock, (PMR_DAY - clock.day).days, dt.time(21, 30))  # the PMR met this evening, as planned
    overview = await say(sandbox, leader, "/plan", contains="noteer hier het besluit")
    asked = await press(sandbox, leader, overview.message, "v1:pmr:")
    mark = sandbox.mark()
    assert "ingestemd" in (await press(sandbox, leader, asked, "v1:pmr_today:"))["text"]
    await sandbox.wait_for(lambda c: c.method == "sendDocument" and c.ok and c.params["chat_id"] == leader.id, since=mark)

    echo("5. Evalueren: heeft het geholpen? Met het verzuim vooraf en nu.")
    await _later(bot, clock, 7 * 30, dt.time(8, 0))  # in May, seven months of the measures later
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    evaluation_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Fase 4"))
    await say(sandbox, leader, "/verzuim 6,5 4,8", contains="Genoteerd")
    measures = len(bot.storage.plans.get(bot.storage.cycles.history(bot.storage.teams.by_chat(group.id).id)[-1][0]).items)
    for user in answering:
        await check_in(sandbox, user, evaluation_url, evaluation_answers(rng, measures))
    await _later(bot, clock, 7, dt.time(8, 0))
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="afgerond")
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark)

    echo("6. Een maand later: een korte peiling, en de trend.")
    await _later(bot, clock, 28, dt.time(8, 0))
    choose = await say(sandbox, leader, "/puls", contains="Hoe vaak")
    mark = sandbox.mark()
    await press(sandbox, leader, choose.message, f"v1:pulse:{choose.callback_datas[0].split(':')[2]}:30")
    pulse_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="peiling"))
    for user in answering[:6]:
        await check_in(sandbox, user, pulse_url, [rng.choice([3, 2, 2, 1]) for _ in range(3)] + [None])
    team_id = bot.storage.teams.by_chat(group.id).id
    closes_at = bot.storage.cycles.open_pulse(team_id).closes_at
    mark = sandbox.mark()
    clock.now = closes_at + 1  # the pulse closes at its deadline
    await bot.run_deadline_scan()
    await sandbox.wait_for_message(leader.id, since=mark, contains="peiling")
    await _later(bot, clock, 1, dt.time(8, 0))
    mark = sandbox.mark()
    await say(sandbox, leader, "/trend")
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark)
    sandbox.assert_no_violations()
    return {"leader": leader, "anna": members[0], "group": group, "everyone": everyone}


async def _press_share(sandbox: RecordedSandbox, leader, message) -> None:
    query = await sandbox.press_button(leader, message.message, message.callback_datas[0])
    await sandbox.wait_for_callback_answer(query)


def _write(sandbox: RecordedSandbox, people: dict, out: Path) -> dict[str, Path]:
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
        path.write_text("\n\n".join(transcript(sandbox, chat_id)) + "\n", encoding="utf-8")
        files[f"gesprek {title}"] = path
    return files


def _print_chat(sandbox: RecordedSandbox, user, title: str, echo: Callable[[str], None]) -> None:
    echo(f"\n{'=' * 72}\n{title}\n{'=' * 72}")
    for line in transcript(sandbox, user.id):
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
