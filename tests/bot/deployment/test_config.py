"""Configuration: every key validated, one-line errors naming the key, exit status 2, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.deployment.config import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "123456789:AAEexampletokenfortestsonlyxxxx"


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_complete_and_valid(tmp_path):
    """config.example.toml with a token filled in is valid and gives the documented defaults."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8").replace('token = ""', f'token = "{TOKEN}"')
    config = load_config(write(tmp_path, text))
    assert config.token == TOKEN
    assert config.mode == "polling" and config.base_url is None
    assert config.timezone == "Europe/Amsterdam" and config.language == "nl"
    assert config.privacy.min_group_size == 5 and config.privacy.min_group_size_free_text == 8
    assert config.storage_path == tmp_path / "werkdruk.db"


def test_token_from_environment(tmp_path):
    """WERKDRUK_BOT_TOKEN supplies the token when the file leaves it out."""
    config = load_config(write(tmp_path, "[telegram]\n"), environ={"WERKDRUK_BOT_TOKEN": TOKEN})
    assert config.token == TOKEN


def test_base_url_gives_ptb_urls(tmp_path):
    """A self-hosted Bot API server or the sandbox is reached through base_url."""
    config = parse_config({"telegram": {"token": TOKEN, "base_url": "http://127.0.0.1:8081/"}}, {})
    assert config.api_base_url == "http://127.0.0.1:8081/bot"
    assert config.file_base_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    "raw,key",
    [
        ({}, "telegram.token"),
        ({"telegram": {"token": "nonsense"}}, "telegram.token"),
        ({"telegram": {"token": TOKEN, "base_url": "ftp://x"}}, "telegram.base_url"),
        ({"telegram": {"token": TOKEN, "mode": "push"}}, "telegram.mode"),
        ({"telegram": {"token": TOKEN, "mode": "webhook"}}, "webhook"),
        ({"telegram": {"token": TOKEN, "mode": "webhook"}, "webhook": {"url": "https://x.nl/t"}}, "webhook.secret_token"),
        ({"telegram": {"token": TOKEN, "mode": "webhook"}, "webhook": {"url": "https://x.nl/t", "secret_token": "a b"}}, "webhook.secret_token"),
        ({"telegram": {"token": TOKEN, "mode": "webhook"}, "webhook": {"url": "x", "secret_token": "s"}}, "webhook.url"),
        ({"telegram": {"token": TOKEN, "mode": "webhook"}, "webhook": {"url": "http://x.nl/t", "secret_token": "s"}}, "webhook.url"),
        ({"telegram": {"token": TOKEN, "mode": "webhook"}, "webhook": {"url": "https://x.nl", "secret_token": "s", "port": 0}}, "webhook.port"),
        ({"telegram": {"token": TOKEN}, "general": {"timezone": "Mars/Olympus"}}, "general.timezone"),
        ({"telegram": {"token": TOKEN}, "general": {"language": "de"}}, "general.language"),
        ({"telegram": {"token": TOKEN}, "general": {"log_level": "LOUD"}}, "general.log_level"),
        ({"telegram": {"token": TOKEN}, "privacy": {"min_group_size": 2}}, "privacy.min_group_size"),
        ({"telegram": {"token": TOKEN}, "privacy": {"min_group_size": "5"}}, "privacy.min_group_size"),
        ({"telegram": {"token": TOKEN}, "privacy": {"min_group_size": True}}, "privacy.min_group_size"),
        ({"telegram": {"token": TOKEN}, "privacy": {"min_group_size": 6, "min_group_size_free_text": 5}}, "privacy.min_group_size_free_text"),
        ({"telegram": {"token": TOKEN, "messages_per_second": 30}}, "telegram.messages_per_second"),
        ({"telegram": {"token": TOKEN, "messages_per_second": 0}}, "telegram.messages_per_second"),
        ({"telegram": {"token": TOKEN}, "storage": {"path": 5}}, "storage.path"),
        ({"telegram": {"token": TOKEN}, "storage": {"path": ""}}, "storage.path"),
        ({"telegram": {"token": TOKEN, "tokn": "x"}}, "telegram.tokn"),
        ({"telegram": {"token": TOKEN}, "extra": {}}, "extra"),
        ({"telegram": {"token": TOKEN}, "funds": {"2026": 280.0}}, "funds.2026"),
        ({"telegram": {"token": TOKEN}, "funds": {"2026/28": 280.0}}, "funds.2026/28"),
        ({"telegram": {"token": TOKEN}, "funds": {"2026/27": "veel"}}, "funds.2026/27"),
        ({"telegram": {"token": TOKEN}, "funds": {"2026/27": -1}}, "funds.2026/27"),
        ({"telegram": {"token": TOKEN}, "staff_costs": {"directeur": 90000}}, "staff_costs.directeur"),
        ({"telegram": {"token": TOKEN}, "staff_costs": {"onderwijsassistent": "duur"}}, "staff_costs.onderwijsassistent"),
        ({"telegram": {"token": TOKEN}, "staff_costs": {"leerkracht": 52}}, "staff_costs.leerkracht"),
    ],
)
def test_bad_values_name_their_key(raw, key):
    """Each bad or missing value is reported with the key that holds it."""
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, {})
    assert caught.value.key == key
    assert str(caught.value).startswith(key + ":")


def test_webhook_secret_from_environment():
    """The webhook secret may come from WERKDRUK_BOT_WEBHOOK_SECRET."""
    config = parse_config(
        {"telegram": {"token": TOKEN, "mode": "webhook"}, "webhook": {"url": "https://x.nl/hook"}},
        {"WERKDRUK_BOT_WEBHOOK_SECRET": "s3cret_-"},
    )
    assert config.webhook.secret_token == "s3cret_-" and config.webhook.port == 8443


def test_plain_http_webhook_only_with_a_self_hosted_server():
    """Telegram calls only https:// webhooks; a self-hosted Bot API server (``--local``) may call plain http."""
    hook = {"url": "http://127.0.0.1:8443/hook", "secret_token": "s3cret"}
    local = parse_config({"telegram": {"token": TOKEN, "mode": "webhook", "base_url": "http://127.0.0.1:8081"}, "webhook": hook}, {})
    assert local.webhook.url == hook["url"]
    with pytest.raises(ConfigError, match="webhook.url"):
        parse_config({"telegram": {"token": TOKEN, "mode": "webhook"}, "webhook": hook}, {})


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "bot.run.cli", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


@pytest.mark.parametrize(
    "text,key",
    [
        ("[telegram\n", "not valid TOML"),
        ('[telegram]\ntoken = "x"\n', "telegram.token"),
        (f'[telegram]\ntoken = "{TOKEN}"\n[privacy]\nmin_group_size = 1\n', "privacy.min_group_size"),
        (f'[telegram]\ntoken = "{TOKEN}"\nmode = "webhook"\n[webhook]\nurl = "http://bot.school.nl/hook"\n'
         'secret_token = "s3cret"\n', "webhook.url: must be an https:// address"),
    ],
)
def test_check_config_fails_with_one_line_and_status_2(tmp_path, text, key):
    """`werkdruk-bot check-config` prints one line naming the problem and exits 2, without a traceback."""
    result = run_cli("check-config", str(write(tmp_path, text)))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0]
    assert "Traceback" not in result.stderr


def test_check_config_missing_file(tmp_path):
    """A missing file is named, with a hint, and exit status 2."""
    result = run_cli("check-config", str(tmp_path / "nope.toml"))
    assert result.returncode == 2 and "file not found" in result.stderr


def test_run_with_bad_config_exits_2(tmp_path):
    """`werkdruk-bot run` refuses to start on a bad file, in one line, with exit status 2."""
    result = run_cli("run", "--config", str(write(tmp_path, "[storage]\npath = 1\n")))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_check_config_ok(tmp_path):
    """A good file is confirmed in one line with exit status 0."""
    result = run_cli("check-config", str(write(tmp_path, f'[telegram]\ntoken = "{TOKEN}"\n')))
    assert result.returncode == 0 and "ok" in result.stdout


def test_staff_costs_per_role(tmp_path):
    """[staff_costs] holds the yearly employer cost per fte of the known roles, as numbers."""
    config = load_config(write(tmp_path, f'[telegram]\ntoken = "{TOKEN}"\n[staff_costs]\nonderwijsassistent = 52000\nconcierge = 47500.5\n'))
    assert config.staff_costs == {"onderwijsassistent": 52000.0, "concierge": 47500.5}


def test_funds_per_school_year(tmp_path):
    """[funds] holds the workload funds per pupil by school year, as numbers."""
    config = load_config(write(tmp_path, f'[telegram]\ntoken = "{TOKEN}"\n[funds]\n"2026/27" = 281.5\n"2025/26" = 270\n'))
    assert config.funds == {"2026/27": 281.5, "2025/26": 270.0}
