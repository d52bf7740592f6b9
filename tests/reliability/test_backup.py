"""`werkdruk-bot backup FILE`: a consistent copy while the bot runs and writes; restoring it gives a
sound database whose counts match, and the bot carries on from it."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import threading
from pathlib import Path

from bot.run.backup import restore
from bot.sandbox.actors import check_in, form_team, leader_moves_on, round_url, start_cycle

from .conftest import ONE_SOURCE, ROOT, SHORT, assert_sound, integrity, query


async def run_cli(*args: str) -> tuple[int, str, str]:
    """Run `werkdruk-bot ...` as the operator would; returns (exit status, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WERKDRUK_BOT_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.run.cli", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    return process.returncode, out.decode(), err.decode()


class PairWriter(threading.Thread):
    """Writes two rows per transaction into a probe table as fast as it can, until stopped: a copy that
    is not one consistent snapshot would hold an odd number of rows."""

    def __init__(self, db_path: Path, table: str) -> None:
        super().__init__(daemon=True)
        self.db_path = db_path
        self.table = table
        self.stop = threading.Event()
        self.commits = 0

    def run(self) -> None:
        conn = sqlite3.connect(self.db_path, timeout=10)
        with conn:
            conn.execute(f"CREATE TABLE {self.table} (n INTEGER)")
        while not self.stop.is_set():
            with conn:
                conn.execute(f"INSERT INTO {self.table} VALUES (?)", (self.commits,))
                conn.execute(f"INSERT INTO {self.table} VALUES (?)", (self.commits,))
            self.commits += 1
        conn.close()


async def test_backup_during_writes_and_restore(sandbox, bot_process, tmp_path):
    """Backups taken while members check in (and while another writer commits pairs of rows) are each one
    consistent snapshot: integrity ok, the ledger matching the answers. Restored, the bot runs on it with
    the same counts, and the round can be finished."""
    await bot_process.start()
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    round_id = int(url.rsplit("_", 1)[1])
    config = str(bot_process.config)

    copies = []
    for n, user in enumerate((leader, *members[:2]), 1):
        backup_file = tmp_path / f"backup-{n}.db"
        writer = PairWriter(bot_process.db_path, f"probe_{n}")  # busy only while this backup runs
        writer.start()
        checking_in = asyncio.create_task(check_in(sandbox, user, url, SHORT))  # the bot writes meanwhile
        try:
            code, out, err = await run_cli("backup", str(backup_file), "--config", config)
        finally:
            writer.stop.set()
            writer.join(timeout=10)
        assert "Dank je wel" in await checking_in
        assert code == 0 and err == "", err
        assert out.count("\n") == 1 and "integrity ok" in out
        assert writer.commits > 0
        assert integrity(backup_file) == "ok"
        assert query(backup_file, f"SELECT count(*) % 2 FROM probe_{n}") == [(0,)]  # never half a transaction
        assert_sound(backup_file)
        copies.append(backup_file)

    # The last copy, taken after the third check-in finished at the latest, is restored later.
    final = tmp_path / "final.db"
    code, out, err = await run_cli("backup", str(final), "--config", config)
    assert code == 0, err
    saved = assert_sound(final)
    assert saved[round_id][1] == 3
    await check_in(sandbox, members[2], url, SHORT)  # this one happens after the backup
    assert await bot_process.stop(signal.SIGTERM) == 0

    restore(final, bot_process.db_path)
    assert assert_sound(bot_process.db_path) == saved
    await bot_process.start()
    again = await check_in(sandbox, members[2], url, SHORT)  # the restored state does not know Chris answered
    assert "Dank je wel" in again
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(leader.id, since=mark, contains="4 van de 4")
    assert await bot_process.stop(signal.SIGTERM) == 0
    assert assert_sound(bot_process.db_path)[round_id][1] == 4


async def test_backup_errors_are_one_line(sandbox, bot_process, tmp_path):
    """A bad configuration exits 2; the live database as target, or a missing folder, exit 1 - one line each."""
    await bot_process.start()
    config = str(bot_process.config)
    bad = tmp_path / "bad.toml"
    bad.write_text("[storage]\npath = 7\n", encoding="utf-8")
    cases = [
        (["backup", str(tmp_path / "x.db"), "--config", str(bad)], 2, "configuration error"),
        (["backup", str(bot_process.db_path), "--config", config], 1, "live database"),
        (["backup", str(tmp_path / "nowhere" / "x.db"), "--config", config], 1, "does not exist"),
    ]
    for args, status, words in cases:
        code, out, err = await run_cli(*args)
        assert (code, out) == (status, "") and len(err.strip().splitlines()) == 1 and words in err, err
    assert await bot_process.stop() == 0
    assert not list(tmp_path.glob(".*partial*"))
