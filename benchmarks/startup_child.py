"""Workload 4's fresh process: open the database, build the application, connect to the sandbox and start
polling, then print one JSON line with the phase timings and the resident memory, and shut down.

    python -m benchmarks.startup_child bot|bare TOKEN BASE_URL [DATABASE]

The parent measures the wall time from spawning this process to that line (interpreter start and imports
included): that is the start-up time.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def memory() -> dict:
    """Resident memory now and at its peak (kB), from /proc."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


async def main(mode: str, token: str, base_url: str, database: str | None) -> dict:
    marks = {"interpreter_to_main": time.perf_counter() - T0}
    t = time.perf_counter()
    if mode == "bot":
        from bot.run.app import build_application
        from bot.deployment.config import Config
        from storage.db import Storage
    else:
        from benchmarks.harness import build_bare_application
    marks["imports"] = time.perf_counter() - t
    t = time.perf_counter()
    storage = None
    if mode == "bot":
        storage = Storage(Path(database))
        marks["open_database"] = time.perf_counter() - t
        t = time.perf_counter()
        config = Config(token=token, base_url=base_url, storage_path=Path(database))
        application = build_application(config, storage)
    else:
        application = build_bare_application(token, base_url + "/bot", base_url + "/file/bot")
    marks["build_application"] = time.perf_counter() - t
    t = time.perf_counter()
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=5)
    marks["connect_and_start"] = time.perf_counter() - t
    result = {"mode": mode, "marks": marks, "since_main": time.perf_counter() - T0, **memory()}
    print(json.dumps(result), flush=True)
    await application.updater.stop()
    await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if storage is not None:
        storage.close()
    return result


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None))
