"""`werkdruk-bot demo` runs a whole cycle against the built-in sandbox and writes what the leader gets: the
same every run, each chat in the order its messages were sent, over weeks and months of the demo's clock,
and with the leader's effort counted."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re

import pytest

from bot.demo import MEMBERS, PLAN_FIELDS, run_demo
from bot.demo_transcript import LEADER_ACTIONS_CAP


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo, run twice into two folders: (result, printed lines) per run; then whether the global random
    state was left alone."""
    runs, state = [], random.getstate()
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name)
        printed: list[str] = []
        result = asyncio.run(run_demo(out / "uit", echo=printed.append))
        runs.append((result, [line.replace(str(out), "OUT") for line in printed]))
    return (*runs, random.getstate() == state)


def _entries(files, chat: str) -> list[str]:
    """A transcript's entries: each message, tap or changed screen (a message may hold blank lines)."""
    people = "|".join(["Sanne", *MEMBERS])
    text = files[f"gesprek {chat}"].read_text(encoding="utf-8")
    return re.split(rf"\n\n(?=bot: |bot \(bijgewerkt\): |(?:{people})(?:: | tikt op | voegt de bot))", text.strip())


def test_the_demo_runs_a_whole_cycle_and_writes_the_leaders_files(demo):
    """The demo plays all four phases and a pulse with zero rule violations, and writes charts, plan and transcripts."""
    (result, printed), _, _ = demo
    files, text = result.files, "\n".join(printed)
    for step in ("1. Het team vormt zich", "2. Analyseren", "3. Bespreken", "4. Aanpakken", "5. Evalueren", "6. Een maand later"):
        assert step in text
    assert "Wat de schoolleider (Sanne) ziet" in text and "Wat een teamlid (Anna) ziet" in text
    assert files["plan (PDF)"].read_bytes().startswith(b"%PDF")
    for chart in ("grafiek analyse", "grafiek evaluatie", "grafiek trend"):
        assert files[chart].read_bytes().startswith(b"\x89PNG")
    leader = files["gesprek schoolleider"].read_text(encoding="utf-8")
    assert "Analyse werkdruk" in leader and "Uitslag van de stemming" in leader and "Evaluatie werkdruk" in leader
    group = files["gesprek teamgroep"].read_text(encoding="utf-8")
    assert "Fase 1: analyseren" in group and "is aangenomen" in group and "afgerond" in group
    anna = files["gesprek teamlid-anna"].read_text(encoding="utf-8")
    assert "Dank je wel" in anna and "Analyse werkdruk" not in anna  # a member gets no summaries privately


def test_two_runs_of_the_demo_give_the_same_output(demo):
    """Same input, same output: the printed conversation, the three transcripts, the plan PDF and the charts
    are identical in two runs (invite codes, proposal order and shuffles come from the demo's seeded source)."""
    (first, printed_first), (second, printed_second), global_random_untouched = demo
    assert global_random_untouched  # the demo seeds its own sources; it never seeds the global one
    assert printed_first == printed_second
    assert first.files.keys() == second.files.keys()
    for what, path in first.files.items():
        assert path.read_bytes() == second.files[what].read_bytes(), what


def test_each_measure_in_the_demos_plan_has_its_own_fields(demo):
    """The plan the team votes on gives every measure the goal, result, activities, who and cost written for
    that measure, whatever order the tied proposals come in."""
    (result, _), _, _ = demo
    plan = [e for e in _entries(result.files, "schoolleider") if "Plan van aanpak werkdruk" in e][-1]  # as adopted
    blocks = re.findall(r"^\d+\. (.+)\n(?:Pakt aan: .+\n)?Doel: (.+)\nGewenst resultaat: (.+)\nActiviteiten: (.+)\n"
                        r"Wie: (.+)\nGeschatte kosten: €\s([\d.]+)", plan, re.M)
    assert sorted(title for title, *_ in blocks) == sorted(PLAN_FIELDS)
    for title, goal, result_, activities, who, cost in blocks:
        assert [goal, result_, activities, who, cost.replace(".", "")] == PLAN_FIELDS[title], title


def test_each_chat_is_printed_in_the_order_its_messages_were_sent(demo):
    """Every question comes before the answer typed to it: each plan field the leader types follows the bot's
    question for that field of that measure, and the member sees each check-in question, in order, before
    tapping or typing its answer."""
    (result, _), _, _ = demo
    leader = _entries(result.files, "schoolleider")
    typed_fields = [(i, e) for i, e in enumerate(leader) for title, values in PLAN_FIELDS.items()
                    if e.removeprefix("Sanne: ") in values]
    assert len(typed_fields) == 15
    asking = ("doel", "gewenste resultaat", "activiteiten", "wie ", "kosten")  # the bot's question per field
    for index, entry in typed_fields:
        title, field = next((t, values.index(entry.removeprefix("Sanne: "))) for t, values in PLAN_FIELDS.items()
                            if entry.removeprefix("Sanne: ") in values)
        asked = leader[index - 1]
        assert asked.startswith("bot") and f"({title}):" in asked and asking[field] in asked.lower(), (entry, asked)
    anna = _entries(result.files, "teamlid-anna")
    start = anna.index(next(e for e in anna if e.startswith("Anna: /start round_1")))
    questions = [(i, int(m.group(1)), int(m.group(2))) for i, e in enumerate(anna[start:], start)
                 if e.startswith("bot") and (m := re.search(r"(?:^|: )Vraag (\d+) van (\d+)$", e, re.M))][:9]
    assert [number for _, number, _ in questions] == list(range(1, 10))
    for index, _, _ in questions:
        assert anna[index + 1].startswith("Anna"), anna[index + 1]  # her answer comes right after the question


def test_the_demos_rounds_fall_weeks_and_months_apart(demo):
    """The demo's cycle spans a school year on its clock: the trend lists its rounds (analysis, evaluation,
    pulse) on distinct dates, oldest first, from September to June."""
    (result, _), _, _ = demo
    trend = next(e for e in _entries(result.files, "schoolleider") if "Verloop van de werkdruk" in e and "datum ·" in e)
    days = [dt.datetime.strptime(day, "%d-%m-%Y").date() for day in re.findall(r"^(\d\d-\d\d-\d{4}) · ", trend, re.M)]
    assert len(days) == 3 and days == sorted(set(days))
    assert all(later - earlier >= dt.timedelta(weeks=4) for earlier, later in zip(days, days[1:]))


def test_the_leaders_effort_does_not_grow(demo):
    """From /cyclus to the PMR-ready PDF, with a plan of three measures, the leader's typed messages and taps
    stay within LEADER_ACTIONS_CAP; the count is the one the benchmark reports."""
    (result, printed), (second, _), _ = demo
    effort = result.effort
    assert effort == second.effort
    assert effort.actions == effort.messages + effort.taps
    assert 0 < effort.plan_fields <= effort.messages and effort.taking_part < effort.actions
    assert effort.actions <= LEADER_ACTIONS_CAP, effort
    assert f"deed de schoolleider {effort.actions} handelingen" in "\n".join(printed)
