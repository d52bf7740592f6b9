"""Kill at every point: a whole cycle, scripted, and for each Bot API call the bot makes in it, the real
``werkdruk-bot run`` process is killed (SIGKILL) the moment that call arrives at the sandbox, then started again.

    python -m benchmarks.crash [--points all|N|A-B] [--every K] [--jobs J] [--webhook]

First the cycle runs once without a kill (the reference). Then, for each point k (the k-th call the bot makes),
a fresh sandbox and database run the same cycle; the sandbox holds call k on arrival, the bot is killed, the
call goes on as Telegram would apply it, and the bot starts again. Each run must end like the reference:
SQLite's integrity check, the same rounds (each closed once), the same participation and answer counts, the
same proposals, plan and phase - nothing a person did is lost or counted twice - and every summary or
announcement delivered as often as in the reference, at most one message once more (the one in flight).
It prints how many points were tried and how many lost something.

The cycle itself is scripted in ``benchmarks.crash_cycle``. The points run J at a time (default 4), each with its
own sandbox, database and bot process: a run mostly waits for Telegram's pace in the leader's chat (about one
message a second), so several fit on two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.crash_cycle import Lost, People, cycle
from bot.sandbox import Sandbox
from tests.reliability.conftest import BotProcess, WebhookProcess, integrity, ledger, query

OUTBOX_MARKERS = ("📊", "🗳", "Fase ", "📋", "🔍", "🛠", "💬")  # summaries and announcements: must arrive, once


@dataclass
class Outcome:
    """What a run left behind, as an operator would inspect it."""

    state: dict = field(default_factory=dict)
    messages: Counter = field(default_factory=Counter)
    calls: int = 0


def _sent(sandbox: Sandbox) -> Counter:
    return Counter((m.chat_id, m.text) for m in sandbox.sent_messages() if m.text.startswith(OUTBOX_MARKERS))


def inspect(db_path: Path) -> dict:
    """The state a run left behind (no user ids): what must match the reference."""
    return {
        "integrity": integrity(db_path),
        "rounds": ledger(db_path),
        "round_states": query(db_path, "SELECT id, kind, state FROM rounds ORDER BY id"),
        "summaries": query(db_path, "SELECT round_id, count(*) FROM summaries GROUP BY round_id ORDER BY round_id"),
        "cycles": query(db_path, "SELECT id, state FROM cycles ORDER BY id"),
        "proposals": query(db_path, "SELECT count(*) FROM proposals"),
        "plan": query(db_path, "SELECT data FROM plans"),
        "members": query(db_path, "SELECT count(*) FROM roster"),
        "outbox_unsent": query(db_path, "SELECT count(*) FROM outbox WHERE status = 'pending'"),
    }


async def run(point: int | None, workdir: Path, webhook: bool = False) -> Outcome:
    """One cycle; with ``point``, the bot is killed when its ``point``-th Bot API call arrives. ``webhook``: the
    bot receives by webhook (Telegram's request answered after the handling) instead of long polling."""
    workdir.mkdir(parents=True, exist_ok=True)
    async with Sandbox(bot_username="werkdruk_test_bot", bot_first_name="Werkdrukbot") as sandbox:
        bot = (WebhookProcess if webhook else BotProcess)(sandbox, workdir)
        await bot.start()
        start = sandbox.mark()
        counted = [0]

        def nth(method: str, params: dict) -> bool:
            counted[0] += 1
            return counted[0] == point

        killer = None
        if point is not None:
            sandbox.hold(nth)

            async def kill_and_restart() -> None:
                await sandbox.wait_until(lambda: sandbox.held is not None, timeout=600)
                await bot.kill()
                sandbox.release()
                await bot.start()

            killer = asyncio.create_task(kill_and_restart())
        try:
            await cycle(sandbox, People(sandbox, bot.db_path))
            if killer is not None and not killer.done():
                killer.cancel()
            elif killer is not None:
                await killer
            await _outbox_empty(sandbox, bot.db_path)
            await bot.stop()
        finally:
            if bot.process is not None and bot.process.returncode is None:
                bot.process.kill()
                await bot.process.wait()
        calls = len([c for c in sandbox.calls[start:] if c.method != "getUpdates"])
        return Outcome(inspect(bot.db_path), _sent(sandbox), calls)


async def _outbox_empty(sandbox: Sandbox, db_path: Path, timeout: float = 60) -> None:
    """Until the bot has sent every queued message (re-checked on each call the sandbox sees)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while query(db_path, "SELECT count(*) FROM outbox WHERE status = 'pending'") != [(0,)]:
        if loop.time() > deadline:
            raise Lost("the outbox did not drain")
        await sandbox.world.signal.wait(0.5)


def compare(reference: Outcome, outcome: Outcome) -> list[str]:
    """What differs from the reference (empty: nothing lost, nothing twice)."""
    problems = [f"{key}: {outcome.state[key]!r} != {value!r}" for key, value in reference.state.items() if outcome.state[key] != value]
    missing = reference.messages - outcome.messages
    extra = outcome.messages - reference.messages
    if missing:
        problems.append(f"messages missing: {sorted(t[:40] for _, t in missing)}")
    if sum(extra.values()) > 1:
        problems.append(f"{sum(extra.values())} messages more than once: {sorted(t[:40] for _, t in extra)}")
    return problems


def _points(spec: str, total: int, every: int) -> list[int]:
    if spec == "all":
        chosen = range(1, total + 1)
    elif "-" in spec:
        low, high = spec.split("-")
        chosen = range(int(low), min(int(high), total) + 1)
    else:
        chosen = range(1, min(int(spec), total) + 1)
    return [p for p in chosen if (p - 1) % every == 0]


async def _try(point: int, workdir: Path, reference: Outcome, webhook: bool, verbose: bool) -> list[str]:
    """What point ``point`` lost (empty: nothing)."""
    try:
        return compare(reference, await run(point, workdir, webhook))
    except (AssertionError, TimeoutError) as exc:
        if verbose:
            traceback.print_exc()
        return [f"{exc.__class__.__name__}: {(str(exc).splitlines() or [''])[0][:200]}"]


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crash", description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", default="all", help="all (default), N (the first N) or A-B (points A to B)")
    parser.add_argument("--every", type=int, default=1, help="try every K-th point only (default 1: each one)")
    parser.add_argument("--jobs", type=int, default=4, help="points run at the same time (default 4)")
    parser.add_argument("--webhook", action="store_true", help="the bot receives by webhook (default: long polling)")
    parser.add_argument("--keep", metavar="DIR", help="keep each run's database and the bot's log in DIR")
    parser.add_argument("--verbose", action="store_true", help="print where a run that lost something stopped")
    args = parser.parse_args(argv)
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    jobs = max(1, args.jobs)
    with (contextlib.nullcontext(args.keep) if args.keep else tempfile.TemporaryDirectory(prefix="werkdruk-crash-")) as tmp:
        started = time.monotonic()
        reference = await run(None, Path(tmp) / "reference", args.webhook)
        print(f"reference cycle ({'webhook' if args.webhook else 'long polling'}): {reference.calls} Bot API calls by the bot, {sum(reference.messages.values())} summaries "
              f"and announcements ({time.monotonic() - started:.0f}s)", flush=True)
        points = _points(args.points, reference.calls, args.every)
        lost: list[int] = []
        slots = asyncio.Semaphore(jobs)

        async def one(point: int) -> None:
            async with slots:
                began = time.monotonic()
                problems = await _try(point, Path(tmp) / f"point-{point}", reference, args.webhook, args.verbose)
            if problems:
                lost.append(point)
            print(f"point {point}: {'ok' if not problems else 'LOST ' + '; '.join(problems)} "
                  f"({time.monotonic() - began:.0f}s)", flush=True)

        await asyncio.gather(*(one(point) for point in points))
        print(f"{len(points)} points tried (of {reference.calls}), {len(lost)} lost something"
              f"{': ' + ', '.join(map(str, sorted(lost))) if lost else ''} "
              f"({time.monotonic() - started:.0f}s, {jobs} at a time)", flush=True)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
