"""`werkdruk-bot run` as the IT person starts it: a real process, polling or webhook, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start_bot(config_text: str, tmp_path: Path) -> asyncio.subprocess.Process:
    path = tmp_path / "config.toml"
    path.write_text(config_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WERKDRUK_BOT_")}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.run.cli", "run", "--config", str(path),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def stop_bot(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """SIGTERM, then the process must exit by itself, cleanly, within 10 seconds."""
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)
    return process.returncode, stderr.decode()


def base_config(sandbox, tmp_path) -> str:
    root = sandbox.base_url.removesuffix("/bot")
    return f'[telegram]\ntoken = "{sandbox.token}"\nbase_url = "{root}"\n[storage]\npath = "{tmp_path / "bot.db"}"\n'


async def converse(sandbox):
    """A private /start gets its answer from the running process."""
    user = sandbox.add_user("Anna", language_code="nl")
    mark = sandbox.mark()
    await sandbox.send_text(user, "/start")
    answer = await sandbox.wait_for_message(user.id, since=mark, timeout=30)
    assert "nog geen lid van een team" in answer.text


async def test_run_polling_and_stop_gracefully(sandbox, tmp_path):
    """The bot runs by long polling, answers, and exits 0 on SIGTERM."""
    process = await start_bot(base_config(sandbox, tmp_path), tmp_path)
    try:
        await sandbox.wait_for(lambda call: call.method == "deleteWebhook", timeout=30)
        await converse(sandbox)
    finally:
        code, stderr = await stop_bot(process)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert (tmp_path / "bot.db").exists()


async def test_run_webhook_with_secret(sandbox, tmp_path):
    """In webhook mode the bot registers its URL with the secret, answers, and refuses requests without it."""
    port = free_port()
    config = base_config(sandbox, tmp_path) + (
        '[webhook]\nurl = "http://127.0.0.1:{port}/hook"\nsecret_token = "s3cret-token_value"\n'
        'listen = "127.0.0.1"\nport = {port}\npath = "hook"\n'
    ).format(port=port)
    config = config.replace("[telegram]\n", '[telegram]\nmode = "webhook"\n')
    process = await start_bot(config, tmp_path)
    try:
        registered = await sandbox.wait_for(lambda call: call.method == "setWebhook" and call.ok, timeout=30)
        assert registered.params["secret_token"] == "s3cret-token_value"
        await converse(sandbox)
        forged = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "/start"}}
        assert await sandbox.post_to_webhook(forged, secret=None) == 403
        assert await sandbox.post_to_webhook(forged, secret="wrong") == 403
    finally:
        code, stderr = await stop_bot(process)
    assert code == 0, stderr


@pytest.mark.parametrize("bad", ['[telegram]\ntoken = "1:x"\n', "[storage]\npath = 7\n"])
async def test_run_refuses_bad_config_in_one_line(tmp_path, bad):
    """A bad configuration stops `run` with one line on stderr and exit status 2."""
    process = await start_bot(bad, tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert len(stderr.decode().strip().splitlines()) == 1


OUR_LOGGERS = ("bot", "flows", "storage")


def test_our_loggers_keep_the_configured_level():
    """`configure_logging` lets our own packages log at the configured level (INFO, DEBUG) while every
    library - named or not - stays at WARNING or above."""
    from bot.run.logs import configure_logging

    names = ["bot.cycle.deadlines", "storage.db", "flows.checkin", "transitions.core", "telegram.ext", "some_new_library"]
    saved = {name: logging.getLogger(name).level for name in [*OUR_LOGGERS, ""]}
    try:
        for level in (logging.INFO, logging.DEBUG):
            configure_logging(logging.getLevelName(level))
            enabled = {name: logging.getLogger(name).isEnabledFor(level) for name in names}
            assert enabled == {name: name.startswith(OUR_LOGGERS) for name in names}
            assert logging.getLogger("transitions.core").isEnabledFor(logging.WARNING)
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


async def test_libraries_never_log_below_warning_at_info(sandbox, tmp_path):
    """At log level INFO a check-in writes no line of any library below WARNING (transitions logged three
    per tap): only our own loggers speak at INFO."""
    from bot.sandbox.actors import check_in, form_team, round_url, start_cycle
    from tests.reliability.conftest import ONE_SOURCE, SHORT, BotProcess

    process = BotProcess(sandbox, tmp_path)
    process.config.write_text(process.config.read_text() + '[general]\nlog_level = "INFO"\n', encoding="utf-8")
    await process.start()
    try:
        leader, (anna,), group = await form_team(sandbox, ["Anna"])
        url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
        await check_in(sandbox, anna, url, SHORT)
    finally:
        assert await process.stop() == 0
    lines = [line.split(" ", 4) for line in process.stderr().splitlines() if line[:2] == "20"]
    chatty = [" ".join(line) for line in lines if line[2] in ("DEBUG", "INFO") and not line[3].startswith(OUR_LOGGERS)]
    assert chatty == []


def webhook_config(sandbox, tmp_path, port: int) -> str:
    """A webhook-mode configuration against the sandbox (a self-hosted server may call plain http)."""
    config = base_config(sandbox, tmp_path) + (
        '[webhook]\nurl = "http://127.0.0.1:{port}/hook"\nsecret_token = "s3cret-token_value"\n'
        'listen = "127.0.0.1"\nport = {port}\npath = "hook"\n'
    ).format(port=port)
    return config.replace("[telegram]\n", '[telegram]\nmode = "webhook"\n')


@pytest.mark.parametrize("refused,key", [("getMe", "telegram.token"), ("setWebhook", "webhook.url")])
async def test_a_refusal_at_start_up_is_one_line_and_status_1(sandbox, tmp_path, refused, key):
    """When Telegram refuses the token (getMe) or the webhook (setWebhook) at start-up, `run` ends with one
    line naming the key and Telegram's reason, exit status 1, no traceback."""
    config = webhook_config(sandbox, tmp_path, free_port())
    if refused == "getMe":
        config = config.replace(sandbox.token, "123456:wrongtokenwrongtokenwrongtoken")
    else:
        sandbox.inject_fault("setWebhook", "400", description="Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    process = await start_bot(config, tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 1, "\n".join(lines)
    assert len(lines) == 1 and lines[0].startswith(f"werkdruk-bot: {key}: Telegram refused"), lines
    assert ("https url must be provided" in lines[0].lower()) == (refused == "setWebhook")
    assert "wrongtoken" not in lines[0]  # the token is never printed
