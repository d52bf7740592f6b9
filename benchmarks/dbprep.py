"""Preparing databases for the benchmark directly with SQL (through ``storage.db.Storage``): far faster than
letting thousands of simulated people join through the bot, and the same rows the bot itself would write.

* ``seed_teams``: teams whose members (sandbox users who started the bot) have an open round - an analysis
  check-in in a running cycle, or a pulse.
* ``seed_closing``: one team with an analysis round holding N submitted check-ins (workload 3).
* ``generate_year``: N teams of M members with a year of history (workload 4).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from flows.analysis import Thresholds, summarise_analysis
from flows.catalogue import default_sources
from flows.checkin import FREE_TEXT, analysis_questions
from flows.pulse import pulse_questions
from storage.db import Storage

DAY = 24 * 3600
TODAY = dt.date.today().isoformat()


def _questions_json(questions) -> str:
    return json.dumps([q.to_dict() for q in questions])


def _invite(team_key: int) -> str:
    return f"{team_key:064x}"


@dataclass
class SeededTeam:
    """One team in the database and in the sandbox."""

    team_id: int
    group: object
    leader: object
    members: list = field(default_factory=list)  # every person, the leader first
    round_id: int = 0


def seed_teams(storage: Storage, sandbox, teams: int, members: int, *, kind: str = "analysis",
               name: str = "Basisschool", closes_at: int | None = None) -> list[SeededTeam]:
    """``teams`` teams of ``members`` people (leader included), each with one open round of ``kind``
    ("analysis": in a running cycle at analyseren; "pulse": a pulse). Everyone has started the bot."""
    world = sandbox.world
    questions = _questions_json(analysis_questions(default_sources()) if kind == "analysis" else pulse_questions())
    seeded = []
    with storage.atomic():
        db = storage.db
        for n in range(teams):
            people = [sandbox.add_user(f"Lid{n}_{i}", language_code="nl") for i in range(members)]
            for person in people:
                person.started_bot = True
            group = sandbox.add_group(f"{name} {n}", owner=people[0], members=people[1:])
            group.bot_status = "member"
            team_id = db.execute(
                "INSERT INTO teams (chat_id, name, invite_hash, created_on) VALUES (?, ?, ?, ?)",
                [group.id, group.title, _invite(abs(group.id)), TODAY],
            ).lastrowid
            db.conn.executemany(
                "INSERT INTO roster (team_id, user_id, role, since) VALUES (?, ?, ?, ?)",
                [(team_id, p.id, "leader" if i == 0 else "member", time.time_ns() + i) for i, p in enumerate(people)],
            )
            db.conn.executemany("INSERT INTO people (user_id, language, reachable) VALUES (?, 'nl', 1)", [(p.id,) for p in people])
            cycle_id = None
            if kind == "analysis":
                cycle_id = db.execute(
                    "INSERT INTO cycles (team_id, state, started_on) VALUES (?, 'analyseren', ?)", [team_id, TODAY]
                ).lastrowid
            settings = json.dumps({} if cycle_id else {"team_id": team_id})
            round_id = db.execute(
                "INSERT INTO rounds (team_id, cycle_id, kind, state, questions, settings, closes_at, opened_on) "
                "VALUES (?, ?, ?, 'open', ?, ?, ?, ?)",
                [team_id, cycle_id, kind, questions, settings, closes_at, TODAY],
            ).lastrowid
            seeded.append(SeededTeam(team_id, group, people[0], people, round_id))
    assert world is sandbox.world
    return seeded


def add_reminders(storage: Storage, round_ids: list[int], due_at: int) -> None:
    """A reminder due at ``due_at`` for each round (as ``engine.schedule_reminder`` writes them)."""
    with storage.atomic():
        storage.db.conn.executemany("INSERT OR IGNORE INTO reminders (round_id, due_at) VALUES (?, ?)",
                                    [(r, due_at) for r in round_ids])


# ----------------------------------------------------------------------------- answers
def random_checkin(questions, rng: random.Random, text_share: float = 0.5) -> tuple[dict, list]:
    """One member's submitted check-in as the bot stores it: the scores, and each open answer on its own."""
    scores, texts = {}, []
    for q in questions:
        if q.kind == FREE_TEXT:
            if rng.random() < text_share:
                texts.append([q.id, rng.choice(TEXTS)])
        else:
            values = [v for v, _ in q.options("nl")]
            scores[q.id] = rng.choice(values)
    return scores, texts


TEXTS = [
    "De administratie rond toetsen kost elke week uren.",
    "Mails van ouders in de avond, ook in het weekend.",
    "Te veel vergaderingen die niet over lesgeven gaan.",
    "De groep is erg groot en er zijn veel zorgleerlingen.",
    "Een onderwijsassistent in de onderbouw zou enorm helpen.",
    "Vaste mailmomenten en minder overleg.",
]


def seed_closing(path: Path, answers: int, seed: int = 7) -> tuple[int, int]:
    """One team of ``answers`` members (plus its leader) whose open analysis round holds ``answers``
    submitted check-ins; returns (team_id, round_id). Written as ``Answers.submit`` writes them."""
    rng = random.Random(seed)
    questions = analysis_questions(default_sources())
    storage = Storage(path)
    try:
        with storage.atomic():
            db = storage.db
            team_id = db.execute(
                "INSERT INTO teams (chat_id, name, pupils, invite_hash, created_on) VALUES (?, ?, 212, ?, ?)",
                [-1_009_000_000_001, "OBS De Regenboog", _invite(answers), TODAY],
            ).lastrowid
            people = [9_000_000 + i for i in range(answers + 1)]
            db.conn.executemany("INSERT INTO roster (team_id, user_id, role, since) VALUES (?, ?, ?, ?)",
                                [(team_id, p, "leader" if i == 0 else "member", i) for i, p in enumerate(people)])
            db.conn.executemany("INSERT INTO people (user_id, language, reachable) VALUES (?, 'nl', 1)", [(p,) for p in people])
            cycle_id = db.execute("INSERT INTO cycles (team_id, state, started_on) VALUES (?, 'analyseren', ?)",
                                  [team_id, TODAY]).lastrowid
            round_id = db.execute(
                "INSERT INTO rounds (team_id, cycle_id, kind, state, questions, settings, opened_on) "
                "VALUES (?, ?, 'analysis', 'open', ?, '{}', ?)", [team_id, cycle_id, _questions_json(questions), TODAY]
            ).lastrowid
            rows, ledger = [], []
            for person in people[1:]:
                scores, texts = random_checkin(questions, rng)
                rows.append((f"{rng.getrandbits(128):032x}", round_id, "scores", json.dumps(scores)))
                rows += [(f"{rng.getrandbits(128):032x}", round_id, FREE_TEXT, json.dumps(t)) for t in texts]
                ledger.append((round_id, person))
            db.conn.executemany("INSERT INTO answers (key, round_id, part, response) VALUES (?, ?, ?, ?)", rows)
            db.conn.executemany("INSERT INTO participation (round_id, user_id) VALUES (?, ?)", ledger)
    finally:
        storage.close()
    return team_id, round_id


# ----------------------------------------------------------------------------- a year of history
def generate_year(path: Path, teams: int, members: int = 25, seed: int = 2026, photo_bytes: int = 8192,
                  retention_days: int = 30) -> dict:
    """``teams`` teams of ``members`` people with a year of history, as the running bot leaves it: a closed cycle
    (analysis, proposals, vote, plan vote, evaluation: summaries and the plan), ten monthly pulses, the current
    cycle's open analysis (deadline ahead, some answers and drafts), reminders, the outbox of everything sent (two
    charts per team as ``photo_bytes`` blobs) and the update log. Raw answers, ledger, proposals and reminders of
    rounds past ``retention_days`` are gone, as the bot's retention purge leaves them. Returns row counts."""
    rng = random.Random(seed)
    now = int(time.time())
    storage = Storage(path)
    db = storage.db
    conn = db.conn
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA secure_delete=OFF")
    questions = analysis_questions(default_sources())
    analysis_q = _questions_json(questions)
    pulse_q = _questions_json(pulse_questions())
    score_pool = [json.dumps(random_checkin(questions, rng)[0]) for _ in range(64)]
    pulse_pool = [json.dumps({"nea_hard": rng.randint(1, 4), "nea_fast": rng.randint(1, 4), "nea_much": rng.randint(1, 4)}) for _ in range(32)]
    texts_pool = [json.dumps(["free_cause", t]) for t in TEXTS]
    sample = [json.loads(s) for s in score_pool[:20]]
    analysis_payload = json.dumps(summarise_analysis(
        questions, sample, [tuple(json.loads(t)) for t in texts_pool], members, Thresholds(5, 8)).to_dict())
    pulse_payload = json.dumps({"respondents": 18, "members": members, "released": True,
                                "nea": {"nea_hard": 0.44, "nea_fast": 0.5, "nea_much": 0.39}, "high": 0.33, "texts": []})
    plan_data = json.dumps({"state": "vastgesteld", "items": [
        {"title": f"Maatregel {i}", "goal": "Minder administratie", "result": "Twee uur per week", "activities": "Assistent",
         "who": "Directie", "cost": 12000} for i in range(3)], "pmr": {"decision": "ingestemd", "date": "2026-03-12"}})
    photo = bytes(rng.getrandbits(8) for _ in range(photo_bytes))
    counts = dict.fromkeys(("teams", "roster", "rounds", "answers", "participation", "outbox", "summaries"), 0)
    year_ago = now - 365 * DAY
    cutoff = (dt.date.today() - dt.timedelta(days=retention_days)).isoformat()
    round_id = 0
    for start in range(0, teams, 250):
        batch = range(start, min(teams, start + 250))
        t_rows, roster, people, cycles, rounds, answers, ledger = [], [], [], [], [], [], []
        summaries, plans, outbox, drafts, reminders, pulses, proposals = [], [], [], [], [], [], []
        for n in batch:
            team_id = n + 1
            chat_id = -(1_003_000_000_000 + team_id)
            users = [20_000_000 + team_id * 100 + i for i in range(members)]
            t_rows.append((team_id, chat_id, f"Basisschool {team_id}", 150 + team_id % 300, _invite(team_id), 1, "2025-08-25"))
            roster += [(team_id, u, "leader" if i == 0 else "member", i) for i, u in enumerate(users)]
            people += [(u, "nl", 1) for u in users]
            closed_cycle, open_cycle = 2 * team_id - 1, 2 * team_id
            cycles += [(closed_cycle, team_id, "afgesloten", "2025-09-08", "2026-03-20"),
                       (open_cycle, team_id, "analyseren", TODAY, None)]
            plans.append((closed_cycle, plan_data))
            pulses.append((team_id, 30, 7, now + 10 * DAY))
            history = [("analysis", closed_cycle, analysis_q), ("proposals", closed_cycle, "[]"), ("vote", closed_cycle, "[]"),
                       ("plan_vote", closed_cycle, "[]"), ("evaluation", closed_cycle, analysis_q)]
            history += [("pulse", None, pulse_q)] * 10
            cycle_closed = dt.date.fromtimestamp(year_ago + 4 * 24 * DAY + 7 * DAY).isoformat()
            cycles[-2] = (closed_cycle, team_id, "afgesloten", dt.date.fromtimestamp(year_ago).isoformat(), cycle_closed)
            for k, (kind, cycle_id, qs) in enumerate(history):
                round_id += 1
                opened = year_ago + k * 24 * DAY + (team_id % 5) * DAY
                closed_on = dt.date.fromtimestamp(opened + 7 * DAY).isoformat()
                # the bot deletes raw answers, ledger, proposals and reminders once the retention period passed
                purged = (cycle_closed if cycle_id else closed_on) <= cutoff
                settings = json.dumps({"team_id": team_id} if cycle_id is None else {})
                rounds.append((round_id, team_id, cycle_id, kind, "closed", qs, settings, opened + 7 * DAY,
                               dt.date.fromtimestamp(opened).isoformat(), closed_on, int(purged)))
                payload = analysis_payload if kind in ("analysis", "evaluation") else pulse_payload
                summaries.append((round_id, kind, 1, 1, payload))
                outbox.append((chat_id, f"Fase/ronde {kind} van team {team_id} is begonnen. " + "x" * 300, None, None, "sent"))
                outbox.append((users[0], f"Samenvatting {kind} " + "y" * 900, None, None, "sent"))
                outbox += [(u, f"⏰ Herinnering voor team {team_id}", None, None, "sent") for u in users[20:25]]
                if kind in ("analysis", "evaluation"):
                    outbox.append((users[0], "Grafiek", None, photo, "sent"))
                if purged:
                    continue
                reminders.append((round_id, opened + 6 * DAY, 1))
                takers = rng.sample(users, 20 if kind != "pulse" else 18)
                ledger += [(round_id, u) for u in takers]
                if kind in ("analysis", "evaluation"):
                    answers += [(f"{rng.getrandbits(128):032x}", round_id, "scores", rng.choice(score_pool)) for _ in takers]
                    answers += [(f"{rng.getrandbits(128):032x}", round_id, FREE_TEXT, rng.choice(texts_pool)) for _ in takers[:8]]
                elif kind == "pulse":
                    answers += [(f"{rng.getrandbits(128):032x}", round_id, "scores", rng.choice(pulse_pool)) for _ in takers]
                elif kind == "vote":
                    answers += [(f"{rng.getrandbits(128):032x}", round_id, "ballot", json.dumps([1, 2, 2])) for _ in takers]
                elif kind == "plan_vote":
                    answers += [(f"{rng.getrandbits(128):032x}", round_id, "plan_ballot", '"voor"') for _ in takers]
                else:
                    proposals += [(round_id, f"Voorstel {i}", None, "[]") for i in range(8)]
            round_id += 1
            rounds.append((round_id, team_id, open_cycle, "analysis", "open", analysis_q, "{}", now + 5 * DAY, TODAY, None, 0))
            reminders.append((round_id, now + 4 * DAY, 0))
            ledger += [(round_id, u) for u in users[1:6]]
            answers += [(f"{rng.getrandbits(128):032x}", round_id, "scores", rng.choice(score_pool)) for _ in range(5)]
            drafts += [(round_id, u, json.dumps({"answers": {"nea_hard": 2, "nea_fast": 3, "nea_much": 2}, "position": 3, "state": "answering", "revising": False}))
                       for u in users[6:9]]
            outbox.append((chat_id, "Fase 1: analyseren " + "z" * 400, json.dumps({"inline_keyboard": [[{"text": "Check-in", "url": "https://t.me/x?start=round_1"}]]}), None, "sent"))
        with storage.atomic():
            conn.executemany("INSERT INTO teams (id, chat_id, name, pupils, invite_hash, invite_message_id, created_on) VALUES (?, ?, ?, ?, ?, ?, ?)", t_rows)
            conn.executemany("INSERT INTO roster (team_id, user_id, role, since) VALUES (?, ?, ?, ?)", roster)
            conn.executemany("INSERT INTO people (user_id, language, reachable) VALUES (?, ?, ?)", people)
            conn.executemany("INSERT INTO cycles (id, team_id, state, started_on, closed_on) VALUES (?, ?, ?, ?, ?)", cycles)
            conn.executemany("INSERT INTO rounds (id, team_id, cycle_id, kind, state, questions, settings, closes_at, opened_on, "
                             "closed_on, purged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rounds)
            conn.executemany("INSERT INTO participation (round_id, user_id) VALUES (?, ?)", ledger)
            conn.executemany("INSERT INTO answers (key, round_id, part, response) VALUES (?, ?, ?, ?)", answers)
            conn.executemany("INSERT INTO summaries (round_id, kind, released, shared, payload) VALUES (?, ?, ?, ?, ?)", summaries)
            conn.executemany("INSERT INTO plans (cycle_id, data) VALUES (?, ?)", plans)
            conn.executemany("INSERT INTO proposals (round_id, text, catalogue_key, sources) VALUES (?, ?, ?, ?)", proposals)
            conn.executemany("INSERT INTO drafts (round_id, user_id, data) VALUES (?, ?, ?)", drafts)
            conn.executemany("INSERT INTO reminders (round_id, due_at, done) VALUES (?, ?, ?)", reminders)
            conn.executemany("INSERT INTO pulses (team_id, every_days, open_days, next_at) VALUES (?, ?, ?, ?)", pulses)
            conn.executemany("INSERT INTO outbox (chat_id, text, markup, photo, status) VALUES (?, ?, ?, ?, ?)", outbox)
        for key, rows in (("teams", t_rows), ("roster", roster), ("rounds", rounds), ("answers", answers),
                          ("participation", ledger), ("outbox", outbox), ("summaries", summaries)):
            counts[key] += len(rows)
    with storage.atomic():
        first = 600_000_000
        conn.executemany("INSERT INTO processed_updates (update_id, seen_at) VALUES (?, ?)",
                         [(first + i, now - 3600) for i in range(10_000)])
    storage.close()
    counts["size_mb"] = round(Path(path).stat().st_size / 1e6, 1)
    return counts
