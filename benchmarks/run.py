"""The werkdruk-bot benchmark: prints one table.

    python -m benchmarks.run            # the full run (about 5 minutes)
    python -m benchmarks.run --quick    # a small version (under a minute; CI's smoke test)

Everything runs against ONE sandbox (bot/sandbox, a Telegram stand-in on 127.0.0.1) in this process, which
plays Telegram and its users. The bot under test runs in its own process (benchmarks/bot_child.py): the real
bot, built as ``bot/run/local.py`` builds it, and a bare python-telegram-bot baseline that only answers each tap,
so that every figure comes with its ratio to that baseline measured minutes apart on the same machine. See
README.md here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as ``python benchmarks/run.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.cycle import engine  # noqa: E402
from bot.render.charts import sources_chart  # noqa: E402
from bot.deployment.services import Services  # noqa: E402
from bot.deployment.config import Config  # noqa: E402
from bot.run.demo import run_demo  # noqa: E402
from bot.run.demo_transcript import LEADER_ACTIONS_CAP, LEADER_MESSAGES_CAP, PLAN_FIELDS_CAP  # noqa: E402
from bot.cycle.rounds_render import analysis_summary  # noqa: E402
from bot.sandbox import Sandbox  # noqa: E402
from benchmarks import dbprep  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    ChildBot,
    Sink,
    TapStats,
    Tracker,
    bare_member,
    bare_start_message,
    checkin_member,
    open_checkin,
    run_people,
    settle_load_generator,
)
from benchmarks.report import FULL, QUICK, Report, Sizes, add_latency_rows, log, ms, ratio, yes  # noqa: E402
from flows.cycle import CloseOutcome  # noqa: E402
from storage.db import Storage  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DAY = 24 * 3600
CHECKIN_TAPS = 17  # 16 questions (two open ones skipped) and "send": the default analysis check-in


def clear_leftovers(sandbox: Sandbox) -> None:
    """Updates a stopped phase left unfetched must not reach the next bot."""
    sandbox.world.pending.clear()


# ============================================================================ workload 1 and 2: taps
@dataclass
class TapRun:
    opens: TapStats
    taps: TapStats
    completed: int
    people: int
    floods: int


async def real_bot_checkins(sandbox: Sandbox, tracker: Tracker, folder: Path, name: str, teams: int, members: int,
                            cap: float) -> TapRun:
    """The real bot: ``teams`` x ``members`` people open the check-in (untimed set-up, reported apart), then
    all tap through it at the same moment; the tap phase stops after ``cap`` seconds."""
    path = folder / f"{name}.db"
    storage = Storage(path)
    seeded = dbprep.seed_teams(storage, sandbox, teams, members, name=name)
    storage.close()
    bot = await ChildBot(sandbox, "bot", path, log=folder / f"{name}.log").start()
    floods = len(sandbox.flood_events)
    try:
        people = [p for team in seeded for p in team.members]
        opens = TapStats()
        opens.started = time.time()
        questions = await asyncio.gather(*(open_checkin(tracker, p, t.round_id, 180.0, opens)
                                           for t in seeded for p in t.members))
        opens.ended = time.time()
        ready = [(p, q) for p, q in zip(people, questions) if q is not None]
        taps = TapStats()
        sink = Sink(taps)
        deadline = asyncio.get_running_loop().time() + cap
        results = await run_people([checkin_member(tracker, p, q, sink, random.Random(p.id)) for p, q in ready],
                                   deadline, taps)
    finally:
        await bot.stop()
        clear_leftovers(sandbox)
    return TapRun(opens, taps, sum(1 for r in results if r), len(people), len(sandbox.flood_events) - floods)


async def bare_bot_taps(sandbox: Sandbox, tracker: Tracker, people: int, taps_each: int, cap: float) -> TapRun:
    """The baseline: ``people`` people each tap the bare bot's button ``taps_each`` times, all at once."""
    users = [sandbox.add_user(f"Basis{i}") for i in range(people)]
    messages = [bare_start_message(sandbox, u) for u in users]
    bare = await ChildBot(sandbox, "bare").start()
    floods = len(sandbox.flood_events)
    try:
        taps = TapStats()
        sink = Sink(taps)
        deadline = asyncio.get_running_loop().time() + cap
        results = await run_people([bare_member(tracker, u, m, taps_each, sink, random.Random(u.id))
                                    for u, m in zip(users, messages)], deadline, taps)
    finally:
        await bare.stop()
        clear_leftovers(sandbox)
    return TapRun(TapStats(), taps, sum(1 for r in results if r), people, len(sandbox.flood_events) - floods)


async def workload_school(report: Report, sandbox: Sandbox, tracker: Tracker, folder: Path, sizes: Sizes) -> None:
    n = sizes.school
    log(f"2. one school: {n} members tapping through the check-in at once")
    bot = await real_bot_checkins(sandbox, tracker, folder, "school", 1, n, cap=120.0)
    base = await bare_bot_taps(sandbox, tracker, n, CHECKIN_TAPS, cap=120.0)
    w = f"2. one school ({n})"
    report.add(w, "taps handled per second", f"{bot.taps.per_second():.1f}/s", f"{base.taps.per_second():.1f}/s",
               ratio(bot.taps.per_second(), base.taps.per_second()))
    add_latency_rows(report, w, bot.taps, base.taps, 0.100)
    value, lower = bot.opens.percentile(99)
    report.add(w, "open check-in p99 (link -> 1st question)", ms(value, lower))
    report.add(w, "check-ins completed / 429s", f"{bot.completed}/{bot.people} / {bot.floods}",
               f"{base.completed}/{base.people} / {base.floods}")


async def workload_burst(report: Report, sandbox: Sandbox, tracker: Tracker, folder: Path, sizes: Sizes) -> None:
    g, m = sizes.burst_teams, sizes.burst_members
    log(f"1. check-in burst: {g} teams x {m} members (tap phase stops after {sizes.burst_cap:.0f} s)")
    bot = await real_bot_checkins(sandbox, tracker, folder, "burst", g, m, cap=sizes.burst_cap)
    base = await bare_bot_taps(sandbox, tracker, g * m, CHECKIN_TAPS, cap=sizes.burst_cap)
    w = f"1. burst {g}x{m}"
    bot_rate, base_rate = bot.taps.per_second(), base.taps.per_second()
    report.add(w, "taps handled per second", f"{bot_rate:.1f}/s", f"{base_rate:.1f}/s", ratio(bot_rate, base_rate),
               ">= 0.8 x baseline", yes(base_rate > 0 and bot_rate / base_rate >= 0.8))
    add_latency_rows(report, w, bot.taps, base.taps, None)
    report.add(w, "check-ins completed (within cap)", f"{bot.completed}/{bot.people}", f"{base.completed}/{base.people}",
               target=f"cap {sizes.burst_cap:.0f} s")
    opens = bot.opens
    span = (opens.last_reaction or opens.ended) - opens.started
    report.add(w, "opening: links handled per second", f"{opens.done / span:.1f}/s" if span > 0 else "-")
    report.add(w, "429s from the sandbox", str(bot.floods), str(base.floods))


# ============================================================================ workload 3: closing a round
def workload_closing(report: Report, folder: Path, sizes: Sizes) -> None:
    log("3. closing a round: summary and chart for " + " and ".join(map(str, sizes.closing_answers)) + " answers")
    targets = {30: 0.2, 300: 1.0}
    for answers in sizes.closing_answers:
        path = folder / f"close{answers}.db"
        team_id, round_id = dbprep.seed_closing(path, answers)
        config = Config(token="1:bench", storage_path=path)
        storage = Storage(path)
        svc = Services(config=config, storage=storage, bot_username="werkdruk_bench_bot")
        team, round_ = storage.teams.get(team_id), storage.cycles.round(round_id)
        times, png = [], b""
        for _ in range(sizes.closing_reps + 1):
            t = time.perf_counter()
            summary = analysis_summary(svc, team, round_)
            png = sources_chart(summary, "nl")
            times.append(time.perf_counter() - t)
        storage.close()
        cold, warm = times[0], statistics.median(times[1:])
        closes = []
        for i in range(max(1, sizes.closing_reps // 2)):
            copy = folder / f"close{answers}-{i}.db"
            shutil.copyfile(path, copy)
            st = Storage(copy)
            svc = Services(config=config, storage=st, bot_username="werkdruk_bench_bot")
            t = time.perf_counter()
            result = engine.move_on(svc, st.teams.get(team_id), accept_without_results=False)
            closes.append(time.perf_counter() - t)
            assert result.outcome is CloseOutcome.RELEASED, result
            assert st.outbox.count("pending") >= 3  # summary text(s), chart, the next phase's announcement
            st.close()
        target = targets.get(answers)
        w = f"3. close round ({answers} answers)"
        report.add(w, "summary + chart (median, warm)", ms(warm), target=f"< {target * 1000:.0f} ms" if target else "-",
                   met=yes(warm < target) if target else "-")
        report.add(w, "summary + chart, first in process", ms(cold))
        report.add(w, "whole close (engine.move_on)", ms(statistics.median(closes)), target="-")
        report.notes.append(f"chart for {answers} answers: {len(png) // 1024} KiB PNG")


# ============================================================================ workload 4: start-up and memory
async def spawn_startup(mode: str, sandbox: Sandbox, database: Path | None) -> dict:
    """A fresh process that opens the database, builds the application and starts polling; wall time to ready."""
    base = sandbox.base_url.removesuffix("/bot")
    args = [sys.executable, "-m", "benchmarks.startup_child", mode, sandbox.token, base]
    if database is not None:
        args.append(str(database))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    t = time.perf_counter()
    process = await asyncio.create_subprocess_exec(*args, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 120)
        wall = time.perf_counter() - t
        await asyncio.wait_for(process.wait(), 60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    if not line:
        raise RuntimeError(f"start-up child failed: {(await process.stderr.read()).decode()[-2000:]}")
    result = json.loads(line)
    result["wall"] = wall
    return result


async def workload_startup(report: Report, sandbox: Sandbox, folder: Path, sizes: Sizes) -> None:
    n = sizes.startup_teams
    log(f"4. start-up and memory: generating {n} teams x 25 members with a year of history")
    year = folder / "year.db"
    t = time.perf_counter()
    counts = dbprep.generate_year(year, n)
    report.notes.append(f"year database: {n} teams, {counts['roster']} memberships, {counts['rounds']} rounds, "
                        f"{counts['answers']} answers, {counts['participation']} ledger rows, {counts['outbox']} outbox rows, "
                        f"{counts['size_mb']} MB, generated in {time.perf_counter() - t:.1f} s")
    empty = folder / "empty.db"
    Storage(empty).close()
    log("4. start-up: fresh processes (bot on the year database, bot on an empty one, bare baseline)")
    runs = [await spawn_startup("bot", sandbox, year) for _ in range(sizes.startup_runs)]
    bot = min(runs, key=lambda r: r["wall"])
    bot_empty = await spawn_startup("bot", sandbox, empty)
    bare = await spawn_startup("bare", sandbox, None)
    clear_leftovers(sandbox)
    w = f"4. {n} teams x 25, a year"
    report.add(w, "start-up (spawn -> polling)", f"{bot['wall']:.2f} s", f"{bare['wall']:.2f} s", ratio(bot["wall"], bare["wall"]),
               "< 5 s", yes(bot["wall"] < 5))
    report.add(w, "  of which imports / open db / build / connect",
               " / ".join(f"{bot['marks'].get(k, 0):.2f}" for k in ("imports", "open_database", "build_application", "connect_and_start")) + " s")
    report.add(w, "resident memory (RSS) when ready", f"{bot['VmRSS'] / 1024:.0f} MB", f"{bare['VmRSS'] / 1024:.0f} MB",
               ratio(bot["VmRSS"], bare["VmRSS"]), "< 500 MB", yes(bot["VmRSS"] < 500 * 1024))
    per_team = (bot["VmRSS"] - bot_empty["VmRSS"]) / n
    report.add(w, "RSS cost per team (vs empty database)", f"{per_team:.2f} kB", target="-")
    report.add(w, "start-up on an empty database", f"{bot_empty['wall']:.2f} s", f"{bare['wall']:.2f} s",
               ratio(bot_empty["wall"], bare["wall"]))


# ============================================================================ workload 5: broadcast
async def workload_broadcast(report: Report, sandbox: Sandbox, tracker: Tracker, folder: Path, sizes: Sizes,
                             rate: int) -> None:
    members = sizes.broadcast_members
    teams = max(1, members // 25)
    log(f"5. reminder broadcast to {teams * 25} members (sandbox: {rate}/s overall) while one school taps")
    path = folder / "broadcast.db"
    storage = Storage(path)
    school = dbprep.seed_teams(storage, sandbox, 1, 25, name="School")[0]
    board = dbprep.seed_teams(storage, sandbox, teams, 25, kind="pulse", name="Bestuur", closes_at=int(time.time()) + 2 * DAY)
    storage.close()
    recipients = {p.id for t in board for p in t.members}
    think = (0.5, 2.5)  # each of the 25 colleagues taps about every 1.5 s: ~15 taps per second for the school
    # The bot runs with its own configured pace for bulk sends ([telegram] messages_per_second, default 25),
    # under the sandbox's overall limit (Telegram's 30/s): the target is measured against the configured pace.
    bot_rate = Config.__dataclass_fields__["messages_per_second"].default
    reminders = folder / "reminders.json"
    reminders.write_text(json.dumps([t.round_id for t in board]), encoding="utf-8")
    bot = await ChildBot(sandbox, "bot", path, log=folder / "broadcast.log").start()
    loop = asyncio.get_running_loop()
    broadcasting = True
    before, during = TapStats(), TapStats()
    sink = Sink(before)
    try:
        questions = await asyncio.gather(*(open_checkin(tracker, p, school.round_id, 60.0) for p in school.members))
        settle_load_generator()
        school_tasks = [asyncio.create_task(checkin_member(tracker, p, q, sink, random.Random(p.id), think=think,
                                                           keep_going=lambda: broadcasting))
                        for p, q in zip(school.members, questions) if q is not None]
        await asyncio.sleep(3.0)  # the school is tapping before the broadcast starts
        mark, floods = len(sandbox.calls), len(sandbox.flood_events)
        before.started = during.started = time.time()
        sink.stats = during
        # The bot adds them (due now) and runs the deadline scan the JobQueue runs: queue them, wake the sender.
        scanned = await bot.command(f"remind {reminders}")
        scan, stall = scanned["scan_ms"] / 1000, scanned["longest_stall_ms"] / 1000
        sent, first, last, index = 0, None, None, mark
        cap_at = loop.time() + sizes.broadcast_cap
        while sent < len(recipients) and loop.time() < cap_at:
            await asyncio.sleep(0.25)
            calls = sandbox.calls
            while index < len(calls):
                call = calls[index]
                index += 1
                if call.method == "sendMessage" and call.ok and call.params.get("chat_id") in recipients:
                    sent += 1
                    first = call.time if first is None else first
                    last = call.time
        during.ended = time.time()
        broadcasting = False
        await asyncio.wait(school_tasks, timeout=30)
        for task in school_tasks:
            task.cancel()
        await asyncio.gather(*school_tasks, return_exceptions=True)
        floods = len(sandbox.flood_events) - floods
    finally:
        await bot.stop()
        clear_leftovers(sandbox)
    log("5. baseline: the same school tapping the bare bot with the same pauses")
    users = [sandbox.add_user(f"Basis school {i}") for i in range(25)]
    messages = [bare_start_message(sandbox, u) for u in users]
    bare = await ChildBot(sandbox, "bare").start()
    base = TapStats()
    try:
        until = loop.time() + sizes.school_window
        await run_people([bare_member(tracker, u, m, 0, Sink(base), random.Random(u.id), think=think,
                                      keep_going=lambda: loop.time() < until) for u, m in zip(users, messages)],
                         until + 30, base)
    finally:
        await bare.stop()
        clear_leftovers(sandbox)
    w = f"5. broadcast {len(recipients)}"
    per_second = (sent - 1) / (last - first) if sent > 1 and last > first else 0.0
    report.add(w, "reminders sent", f"{sent}/{len(recipients)}", target=f"cap {sizes.broadcast_cap:.0f} s")
    report.add(w, "messages per second", f"{per_second:.1f}/s", f"{bot_rate:g}/s configured", f"{per_second / bot_rate:.2f}",
               ">= 0.95 x configured", yes(per_second >= 0.95 * bot_rate))
    report.notes.append(f"broadcast: sandbox limit {rate}/s overall, bot configured with messages_per_second={bot_rate}")
    report.add(w, "429s from the sandbox", str(floods), target="0", met=yes(floods == 0))
    report.add(w, "deadline scan queueing them (in all)", ms(scan))
    report.add(w, "  longest the bot's event loop was held", ms(stall))
    for p in (50, 99):
        value, lower = during.percentile(p)
        base_value, base_lower = base.percentile(p)
        target, met = ("< 100 ms", yes(value < 0.1)) if p == 99 else ("-", "-")
        report.add(w, f"school tap -> reaction p{p}, during", ms(value, lower), ms(base_value, base_lower),
                   ratio(value, base_value), target, met)
    value, lower = before.percentile(99)
    report.add(w, "school tap p99 just before broadcast", ms(value, lower))
    report.add(w, "school taps measured (bot: during broadcast)", str(during.done + len(during.censored)), str(base.done))


# ============================================================================ workload 6: the leader's effort
async def workload_leader_effort(report: Report, folder: Path) -> None:
    """The demo's whole cycle (its own sandbox and bot, in this process): what the leader does by hand."""
    log("6. the leader's effort: the demo's cycle, counting the leader's messages and taps")
    started = time.perf_counter()
    effort = (await run_demo(folder / "demo", echo=lambda line: None)).effort
    w = "6. leader's effort (demo)"
    report.add(w, "actions, /cyclus -> PMR-ready PDF (3 measures)", f"{effort.actions} ({effort.messages} messages + {effort.taps} taps)",
               target=f"<= {LEADER_ACTIONS_CAP}", met=yes(effort.actions <= LEADER_ACTIONS_CAP))
    report.add(w, "  of which typed plan fields", str(effort.plan_fields), target=f"<= {PLAN_FIELDS_CAP}",
               met=yes(effort.plan_fields <= PLAN_FIELDS_CAP))
    report.add(w, "  of which taking part as any member does", str(effort.taking_part))
    report.add(w, "messages in the leader's chat, whole demo", str(effort.messages_whole_demo), target=f"<= {LEADER_MESSAGES_CAP}",
               met=yes(effort.messages_whole_demo <= LEADER_MESSAGES_CAP))
    report.notes.append(f"leader's effort: the demo's cycle (bot/run/demo.py) took {time.perf_counter() - started:.1f} s; "
                        "counted by bot.run.demo_transcript.leader_effort")


# ============================================================================ main
async def run(args: argparse.Namespace) -> tuple[Report, Sandbox]:
    sizes = QUICK if args.quick else FULL
    only = set(args.only or "123456")
    report = Report()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="werkdruk-bench-") as tmp:
        folder = Path(tmp)
        if "3" in only:
            workload_closing(report, folder, sizes)
        sandbox = Sandbox(bot_username="werkdruk_bench_bot", global_rate_per_second=args.rate, latency=args.latency_ms / 1000,
                          group_rate_per_minute=args.group_rate)
        async with sandbox:
            tracker = Tracker(sandbox)
            if "4" in only:
                await workload_startup(report, sandbox, folder, sizes)
            if "2" in only:
                await workload_school(report, sandbox, tracker, folder, sizes)
            if "1" in only:
                await workload_burst(report, sandbox, tracker, folder, sizes)
            if "5" in only:
                await workload_broadcast(report, sandbox, tracker, folder, sizes, args.rate)
            tracker.close()
        if "6" in only:
            await workload_leader_effort(report, folder)
    if args.latency_ms:
        report.notes.append(f"network: each Bot API call reached the sandbox {args.latency_ms:g} ms after it left")
    report.notes.append(f"sandbox: {len(sandbox.calls)} Bot API calls, {len(sandbox.violations)} rule violations, "
                        f"{len(sandbox.flood_events)} 429s in all")
    report.notes.append(f"run took {time.perf_counter() - started:.0f} s ({'quick' if args.quick else 'full'})")
    return report, sandbox


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small version (under a minute)")
    parser.add_argument("--only", help="run only these workloads, e.g. 25 (default: 123456)")
    parser.add_argument("--rate", type=int, default=30, help="the sandbox's overall send limit per second (default 30)")
    parser.add_argument("--group-rate", type=int, default=20, help="the sandbox's limit per group per minute (default 20)")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="how long each Bot API call takes to reach the sandbox, as over a real network (default 0)")
    args = parser.parse_args(argv)
    for name in ("httpx", "httpcore", "telegram", "apscheduler", "bot", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)
    report, sandbox = asyncio.run(run(args))
    print(f"werkdruk-bot benchmark ({'quick' if args.quick else 'full'}) on {machine()}")
    print()
    print(report.table())
    print()
    for note in report.notes:
        print(f"- {note}")
    if sandbox.violations:
        print(f"- SANDBOX RULE VIOLATIONS ({len(sandbox.violations)}):")
        for v in sandbox.violations[:20]:
            print(f"  [{v.call_index}] {v.method}: {v.rule}: {v.detail}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
