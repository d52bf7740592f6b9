"""Reliability tests: faults injected through the sandbox, the real bot killed and restarted.

Shared here: a bot with a small team threshold (so a team of four can release results), the real
``werkdruk-bot run`` process against the in-test sandbox, and the database checks every test ends
with - SQLite's integrity check, and the participation ledger matching the anonymous answers.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.deployment.config import PrivacyConfig
from bot.run.local import RunningBot, sandbox_config
from tests.bot.run.test_cli_run import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-token_value"  # the webhook's secret token
SMALL = PrivacyConfig(min_group_size=3, min_group_size_free_text=3)
ONE_SOURCE = ["administratie en registratie"]
# nea x3, administratie, influence, free_cause, free_help: seven questions
SHORT = [3, 3, 3, 2, 3, None, None]
# the part of the answers that holds one row per participant, by round kind
ONE_ROW_PER_PARTICIPANT = {
    "analysis": "scores", "evaluation": "scores", "pulse": "scores", "vote": "ballot", "plan_vote": "plan_ballot",
}


@pytest.fixture
async def bot(sandbox, tmp_path):
    """The bot in-process against the sandbox, with min_group_size 3."""
    running = await RunningBot(sandbox_config(sandbox, tmp_path / "werkdruk.db", privacy=SMALL)).start()
    try:
        yield running
    finally:
        await running.stop()


# --- the database, as an operator would inspect it ------------------------------------------------
def query(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Run one read-only query on the database file (the bot may be running)."""
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def integrity(db_path: Path) -> str:
    """SQLite's own verdict on the file."""
    return query(db_path, "PRAGMA integrity_check")[0][0]


def ledger(db_path: Path) -> dict[int, tuple[str, int, int]]:
    """Per round: (kind, participants in the ledger, answer rows of its one-per-participant part)."""
    rounds = query(db_path, "SELECT id, kind FROM rounds ORDER BY id")
    out = {}
    for round_id, kind in rounds:
        part = ONE_ROW_PER_PARTICIPANT.get(kind)
        people = query(db_path, "SELECT count(*) FROM participation WHERE round_id = ?", (round_id,))[0][0]
        rows = query(db_path, "SELECT count(*) FROM answers WHERE round_id = ? AND part = ?", (round_id, part))[0][0] if part else people
        out[round_id] = (kind, people, rows)
    return out


def assert_sound(db_path: Path) -> dict[int, tuple[str, int, int]]:
    """Integrity ok, and every round's ledger matches its answers (each completed one counted once)."""
    assert integrity(db_path) == "ok"
    rounds = ledger(db_path)
    for round_id, (kind, people, rows) in rounds.items():
        assert people == rows, f"round {round_id} ({kind}): {people} in the ledger but {rows} answers"
    return rounds


def texts_sent(sandbox, chat_id: int | None = None, since: int = 0) -> Counter:
    """How often each text (or caption) was delivered, per chat."""
    return Counter((m.chat_id, m.text) for m in sandbox.sent_messages(chat_id) if m.call_index >= since)


def assert_at_most_one_duplicate(sandbox, since: int = 0) -> None:
    """After a crash at most the one message in flight is sent again."""
    doubles = {key: n for key, n in texts_sent(sandbox, since=since).items() if n > 1}
    assert sum(n - 1 for n in doubles.values()) <= 1, doubles


# --- `werkdruk-bot run` as a real process --------------------------------------------------------
def write_config(sandbox, tmp_path: Path, db_path: Path) -> Path:
    """A configuration file pointing at the sandbox, with min_group_size 3."""
    root = sandbox.base_url.removesuffix("/bot")
    path = tmp_path / "config.toml"
    path.write_text(
        f'[telegram]\ntoken = "{sandbox.token}"\nbase_url = "{root}"\n'
        f'[storage]\npath = "{db_path}"\n'
        "[privacy]\nmin_group_size = 3\nmin_group_size_free_text = 3\n",
        encoding="utf-8",
    )
    return path


class BotProcess:
    """``werkdruk-bot run`` in a child process; started, killed and restarted by the test."""

    def __init__(self, sandbox, tmp_path: Path) -> None:
        self.sandbox = sandbox
        self.tmp_path = tmp_path
        self.db_path = tmp_path / "werkdruk.db"
        self.config = write_config(sandbox, tmp_path, self.db_path)
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0
        self.stderr_files: list[Path] = []

    async def start(self) -> BotProcess:
        """Start the process and wait (event-driven) until it polls the sandbox."""
        assert self.process is None
        mark = await self._spawn()
        # A getUpdates call is recorded when it returns; a long poll being held open is the sign of life.
        await self.sandbox.wait_for(lambda call: call.method == "deleteWebhook", since=mark, timeout=30)
        await self.sandbox.wait_until(lambda: self.sandbox.long_polls > 0, timeout=30)
        return self

    async def _spawn(self) -> int:
        """``werkdruk-bot run`` with this config, its stderr to a file per run; returns the sandbox's mark."""
        self.runs += 1
        mark = self.sandbox.mark()
        err = self.tmp_path / f"bot-{self.runs}.err"
        self.stderr_files.append(err)
        env = {k: v for k, v in os.environ.items() if not k.startswith("WERKDRUK_BOT_")}
        with open(err, "wb") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.run.cli", "run", "--config", str(self.config),
                cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
            )
        return mark

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        self.process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(self.process.wait(), timeout=10)
        assert self.process.returncode == -signal.SIGKILL
        self.process = None

    async def stop(self, sig: int = signal.SIGTERM, within: float = 10.0) -> int:
        """A graceful stop: the process must exit by itself within ``within`` seconds."""
        self.process.send_signal(sig)
        code = await asyncio.wait_for(self.process.wait(), timeout=within)
        self.process = None
        return code

    async def kill_after_answer(self, sandbox, user, message: dict, data: str) -> None:
        """Press a button and SIGKILL the bot the moment it answers the query (its change is committed by
        then); the bot stays down, so its files can be read as the kill left them."""
        query_id = await sandbox.press_button(user, message, data)
        await sandbox.wait_for_callback_answer(query_id, timeout=20)
        await self.kill()

    async def restart_after_kill(self) -> None:
        """SIGKILL, then start again on the same database."""
        await self.kill()
        await self.start()

    def stderr(self) -> str:
        """Everything the runs wrote to stderr."""
        return "\n".join(path.read_text(errors="replace") for path in self.stderr_files if path.exists())


@pytest.fixture
async def bot_process(sandbox, tmp_path):
    """The real bot process (not yet started); killed at the end if a test left it running."""
    proc = BotProcess(sandbox, tmp_path)
    try:
        yield proc
    finally:
        if proc.process is not None and proc.process.returncode is None:
            proc.process.kill()
            await proc.process.wait()


class WebhookProcess(BotProcess):
    """``werkdruk-bot run`` in webhook mode, on a free loopback port, with a secret token."""

    def __init__(self, sandbox, tmp_path) -> None:
        super().__init__(sandbox, tmp_path)
        self.port = free_port()
        text = self.config.read_text(encoding="utf-8").replace("[telegram]\n", '[telegram]\nmode = "webhook"\n')
        text += (f'[webhook]\nurl = "http://127.0.0.1:{self.port}/hook"\nsecret_token = "{SECRET}"\n'
                 f'listen = "127.0.0.1"\nport = {self.port}\npath = "hook"\n')
        self.config.write_text(text, encoding="utf-8")

    async def start(self) -> WebhookProcess:
        """Start the process and wait until it registered its webhook."""
        mark = await self._spawn()
        await self.sandbox.wait_for(lambda call: call.method == "setWebhook" and call.ok, since=mark, timeout=30)
        return self
