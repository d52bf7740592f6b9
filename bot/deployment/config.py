"""Configuration: one TOML file, validated at start-up into a typed, frozen object.

Every problem is reported as a :class:`ConfigError` whose message names the key, so the
command line can print one line and exit with status 2 instead of a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.plumbing.updates import MAX_MESSAGES_PER_SECOND
from flows.capacity import role_keys

TOKEN_ENV = "WERKDRUK_BOT_TOKEN"
WEBHOOK_SECRET_ENV = "WERKDRUK_BOT_WEBHOOK_SECRET"
LANGUAGES = ("nl", "en")
ABSOLUTE_MIN_GROUP_SIZE = 3

_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(ValueError):
    """A configuration value is missing or wrong; the message names the key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key



@dataclass(frozen=True)
class WebhookConfig:
    """Settings for webhook mode: where the bot listens and the public HTTPS address Telegram calls."""

    url: str
    secret_token: str
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = "telegram"


@dataclass(frozen=True)
class PrivacyConfig:
    """Thresholds below which no result of a round is ever shown."""

    min_group_size: int = 5
    min_group_size_free_text: int = 8
    retention_days: int = 30  # raw answers are deleted this long after their cycle closed


@dataclass(frozen=True)
class Config:
    """The validated configuration of one deployment."""

    token: str
    base_url: str | None = None
    mode: str = "polling"
    webhook: WebhookConfig | None = None
    storage_path: Path = Path("werkdruk.db")
    timezone: str = "Europe/Amsterdam"
    language: str = "nl"
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    log_level: str = "INFO"
    funds: dict[str, float] = field(default_factory=dict)  # workload funds per pupil, by school year
    staff_costs: dict[str, float] = field(default_factory=dict)  # yearly employer cost per fte, by role
    messages_per_second: float = 25.0  # the outbox's pace for bulk sends (Telegram allows about 30)

    @property
    def api_base_url(self) -> str | None:
        """The Bot API base in python-telegram-bot's form (``.../bot``), or None for Telegram's own."""
        if not self.base_url:
            return None
        return self.base_url.rstrip("/") + "/bot"

    @property
    def file_base_url(self) -> str | None:
        """The file download base in python-telegram-bot's form (``.../file/bot``)."""
        if not self.base_url:
            return None
        return self.base_url.rstrip("/") + "/file/bot"


_KNOWN = {
    "telegram": {"token", "base_url", "mode", "messages_per_second"},
    "webhook": {"url", "secret_token", "listen", "port", "path"},
    "storage": {"path"},
    "general": {"timezone", "language", "log_level"},
    "privacy": {"min_group_size", "min_group_size_free_text", "retention_days"},
    "funds": None,  # keys are school years, checked in _parse_funds
    "staff_costs": None,  # keys are roles, checked in _parse_staff_costs
}


def load_config(path: str | Path, environ: dict[str, str] | None = None) -> Config:
    """Read and validate the TOML file at ``path``; the environment may supply secrets."""
    env = os.environ if environ is None else environ
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "file not found (copy config.example.toml to config.toml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read file ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML ({exc})") from None
    return parse_config(raw, env, base_dir=path.parent)


def parse_config(raw: dict[str, Any], env: dict[str, str], base_dir: Path = Path(".")) -> Config:
    """Validate an already parsed TOML document."""
    _reject_unknown(raw)
    tg = raw.get("telegram", {})
    token = env.get(TOKEN_ENV) or _get(tg, "telegram.token", str, "")
    if not token:
        raise ConfigError("telegram.token", f"missing: set it in the file or in ${TOKEN_ENV}")
    if not _TOKEN_RE.match(token):
        raise ConfigError("telegram.token", "does not look like a BotFather token (digits:letters)")
    base_url = _get(tg, "telegram.base_url", str, "") or None
    if base_url is not None and not re.match(r"^https?://[^\s/]+", base_url):
        raise ConfigError("telegram.base_url", "must start with http:// or https://")
    mode = _get(tg, "telegram.mode", str, "polling")
    if mode not in ("polling", "webhook"):
        raise ConfigError("telegram.mode", 'must be "polling" or "webhook"')
    webhook = _parse_webhook(raw.get("webhook"), env, self_hosted=base_url is not None) if mode == "webhook" else None
    rate = tg.get("messages_per_second", 25)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 1 <= rate <= MAX_MESSAGES_PER_SECOND:
        raise ConfigError("telegram.messages_per_second",
                          f"must be a number from 1 to {MAX_MESSAGES_PER_SECOND} (Telegram allows about 30; the bot keeps a margin)")

    storage = raw.get("storage", {})
    raw_path = _get(storage, "storage.path", str, "werkdruk.db")
    if not raw_path.strip():
        raise ConfigError("storage.path", "must not be empty")
    storage_path = Path(raw_path).expanduser()
    if not storage_path.is_absolute():
        storage_path = base_dir / storage_path

    general = raw.get("general", {})
    timezone = _get(general, "general.timezone", str, "Europe/Amsterdam")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError("general.timezone", f"unknown time zone {timezone!r} (e.g. Europe/Amsterdam)") from None
    language = _get(general, "general.language", str, "nl")
    if language not in LANGUAGES:
        raise ConfigError("general.language", f"must be one of {', '.join(LANGUAGES)}")
    log_level = _get(general, "general.log_level", str, "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("general.log_level", "must be DEBUG, INFO, WARNING or ERROR")

    return Config(
        token=token,
        base_url=base_url,
        mode=mode,
        webhook=webhook,
        storage_path=storage_path,
        timezone=timezone,
        language=language,
        privacy=_parse_privacy(raw.get("privacy", {})),
        log_level=log_level,
        funds=_parse_funds(raw.get("funds", {})),
        staff_costs=_parse_staff_costs(raw.get("staff_costs", {})),
        messages_per_second=float(rate),
    )


def _parse_funds(section: dict[str, Any]) -> dict[str, float]:
    funds = {}
    for year, amount in section.items():
        match = re.fullmatch(r"(\d{4})/(\d{2})", year)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise ConfigError(f"funds.{year}", 'not a school year: write it like "2026/27"')
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not 0 < amount < 10_000:
            raise ConfigError(f"funds.{year}", "must be the amount in euros per pupil, like 281.50")
        funds[year] = float(amount)
    return funds


def _parse_staff_costs(section: dict[str, Any]) -> dict[str, float]:
    known = role_keys()
    costs = {}
    for role, amount in section.items():
        if role not in known:
            raise ConfigError(f"staff_costs.{role}", f"unknown role: use one of {', '.join(known)}")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not 10_000 <= amount <= 500_000:
            raise ConfigError(f"staff_costs.{role}", "must be the yearly employer cost of one fte in euros, like 52000")
        costs[role] = float(amount)
    return costs


def _parse_privacy(section: dict[str, Any]) -> PrivacyConfig:
    size = _get(section, "privacy.min_group_size", int, 5)
    if size < ABSOLUTE_MIN_GROUP_SIZE:
        raise ConfigError("privacy.min_group_size", f"must be at least {ABSOLUTE_MIN_GROUP_SIZE}")
    free_text = _get(section, "privacy.min_group_size_free_text", int, max(8, size))
    if free_text < size:
        raise ConfigError("privacy.min_group_size_free_text", "must be at least privacy.min_group_size")
    retention = _get(section, "privacy.retention_days", int, 30)
    if not 1 <= retention <= 3650:
        raise ConfigError("privacy.retention_days", "must be between 1 and 3650 days")
    return PrivacyConfig(min_group_size=size, min_group_size_free_text=free_text, retention_days=retention)


def _parse_webhook(section: dict[str, Any] | None, env: dict[str, str], self_hosted: bool) -> WebhookConfig:
    if section is None:
        raise ConfigError("webhook", 'missing: telegram.mode = "webhook" needs a [webhook] section')
    url = _get(section, "webhook.url", str, "")
    # Telegram calls only https:// addresses; a self-hosted Bot API server in --local mode may call plain http.
    if not re.match(r"^https://[^\s/]+" if not self_hosted else r"^https?://[^\s/]+", url):
        raise ConfigError("webhook.url", "must be an https:// address (the public address Telegram calls)")
    secret = env.get(WEBHOOK_SECRET_ENV) or _get(section, "webhook.secret_token", str, "")
    if not _SECRET_RE.match(secret):
        raise ConfigError(
            "webhook.secret_token", f"missing or invalid: 1-256 characters A-Z a-z 0-9 _ - (or ${WEBHOOK_SECRET_ENV})"
        )
    port = _get(section, "webhook.port", int, 8443)
    if not 1 <= port <= 65535:
        raise ConfigError("webhook.port", "must be between 1 and 65535")
    return WebhookConfig(
        url=url,
        secret_token=secret,
        listen=_get(section, "webhook.listen", str, "127.0.0.1"),
        port=port,
        path=_get(section, "webhook.path", str, "telegram").strip("/"),
    )


def _reject_unknown(raw: dict[str, Any]) -> None:
    for section, value in raw.items():
        if section not in _KNOWN:
            raise ConfigError(section, f"unknown section (known: {', '.join(sorted(_KNOWN))})")
        if not isinstance(value, dict):
            raise ConfigError(section, "must be a [section]")
        for key in value:
            if _KNOWN[section] is not None and key not in _KNOWN[section]:
                raise ConfigError(f"{section}.{key}", "unknown key")


def _get(section: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = section.get(key.split(".")[-1], default)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(key, f"must be a whole number, not {value!r}")
    if kind is str and not isinstance(value, str):
        raise ConfigError(key, f"must be text in quotes, not {value!r}")
    return value
