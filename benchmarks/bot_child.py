"""The bot under test in its own process, as an operator runs it: the sandbox and the simulated people stay in
the benchmark's process (they play Telegram and its users), so the bot does not share an event loop - or a
core - with them.

    python -m benchmarks.bot_child bot|bare TOKEN BASE_URL [DATABASE]

``bot`` is the real bot, built and started exactly as ``bot.run.local.RunningBot`` (and ``werkdruk-bot run``)
builds it; ``bare`` is the baseline, a bare python-telegram-bot Application that only answers each tap. The
process prints one JSON line when it is polling, then obeys one command per line on stdin, answering each with
one JSON line:

    remind FILE   add a reminder, due now, for each round id in the JSON list in FILE (untimed), then run the
                  deadline scan that queues them, as the JobQueue does (timed: {"scan_ms": ..., and
                  "longest_stall_ms": the longest the event loop - every member's taps - was held meanwhile})
    stop          stop polling, drop updates fetched but not handled, shut down: {"stopped": true, ...}

End of input stops it too. With ``WERKDRUK_BENCH_PROFILE=FILE`` in the environment, the process runs under
cProfile and writes its statistics to FILE.bot or FILE.bare (set it for ``python -m benchmarks.run``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path


def _answer(**values) -> None:
    print(json.dumps(values), flush=True)


def _memory_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


_stall = {"longest": 0.0}


async def _longest_stall(tick: float = 0.002) -> None:
    """Until cancelled: the longest time the event loop was held (a tick that came late by that much)."""
    loop = asyncio.get_running_loop()
    _stall["longest"] = 0.0
    while True:
        before = loop.time()
        await asyncio.sleep(tick)
        _stall["longest"] = max(_stall["longest"], loop.time() - before - tick)


async def _read_line() -> str:
    return await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def main(mode: str, token: str, base_url: str, database: str | None) -> None:
    from benchmarks.harness import build_bare_application, stop_application

    bot = None
    if mode == "bot":
        from bot.run.local import RunningBot, local_config

        from bot.run.app import settle_heap

        bot = await RunningBot(local_config(token, base_url, Path(database))).start()
        application = bot.application
        settle_heap()  # as ``werkdruk-bot run`` does once the application is built
    else:
        application = build_bare_application(token, base_url + "/bot", base_url + "/file/bot")
        await application.initialize()
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=5)
    _answer(ready=True, pid=os.getpid())
    try:
        while True:
            line = (await _read_line()).strip()
            if not line or line == "stop":
                break
            command, _, argument = line.partition(" ")
            if command == "remind" and bot is not None:
                from benchmarks.dbprep import add_reminders

                round_ids = json.loads(Path(argument).read_text(encoding="utf-8"))
                add_reminders(bot.storage, round_ids, due_at=int(time.time()) - 1)
                watch = asyncio.create_task(_longest_stall())
                t = time.perf_counter()
                queued = await bot.run_deadline_scan()
                scan_ms = (time.perf_counter() - t) * 1000
                watch.cancel()
                await asyncio.gather(watch, return_exceptions=True)
                _answer(scan_ms=scan_ms, queued=queued, longest_stall_ms=_stall["longest"] * 1000)
            else:
                _answer(error=f"unknown command: {line}")
    finally:
        rss = _memory_kb()
        await stop_application(application)
        if bot is not None:
            bot.storage.close()
            bot.application = None
        _answer(stopped=True, rss_kb=rss)


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    logging.basicConfig(level=logging.ERROR)
    for name in ("aiohttp", "httpx", "httpcore", "telegram", "apscheduler", "bot"):
        logging.getLogger(name).setLevel(logging.ERROR)
    arguments = (sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    profile = os.environ.get("WERKDRUK_BENCH_PROFILE")
    if profile:
        import cProfile

        cProfile.run("asyncio.run(main(*arguments))", f"{profile}.{arguments[0]}")
    else:
        asyncio.run(main(*arguments))
