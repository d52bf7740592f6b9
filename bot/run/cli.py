"""The command line: ``werkdruk-bot run | check-config | backup | demo``.

Configuration problems end with one line naming the key and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys

from bot.deployment.config import TOKEN_ENV, Config, ConfigError, load_config, parse_config
from bot.run.logs import configure_logging

CONFIG_ENV = "WERKDRUK_BOT_CONFIG"
EXIT_CONFIG = 2
EXIT_STORAGE = 3
EXIT_BACKUP = 1


def _default_config() -> str:
    return os.environ.get(CONFIG_ENV, "config.toml")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``werkdruk-bot`` console script."""
    parser = argparse.ArgumentParser(prog="werkdruk-bot", description="Telegram assistant for the workload dialogue.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot (long polling, or webhook mode when configured)")
    run.add_argument("--config", "-c", default=None, help=f"configuration file (default: ${CONFIG_ENV} or config.toml)")
    check = commands.add_parser("check-config", help="check a configuration file without starting the bot")
    check.add_argument("file", nargs="?", default=None, help="configuration file (default: config.toml)")
    copy = commands.add_parser("backup", help="write a consistent copy of the database (also while the bot runs)")
    copy.add_argument("file", help="the backup file to write (replaced if it exists)")
    copy.add_argument("--config", "-c", default=None, help=f"configuration file (default: ${CONFIG_ENV} or config.toml)")
    demo = commands.add_parser("demo", help="run a whole cycle with a simulated team against the built-in sandbox")
    demo.add_argument("--out", default="werkdruk-demo", help="folder for the summaries, charts and plan (default: werkdruk-demo)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # python-telegram-bot's future retry_after type, no warning
    if args.command == "check-config":
        return check_config(args.file or _default_config())
    if args.command == "backup":
        return backup_database(args.file, args.config or _default_config(), explicit=args.config is not None)
    if args.command == "demo":
        from bot.run.demo import main as demo_main

        return demo_main(args.out)
    from bot.run.startup import refusals_in_one_line

    return refusals_in_one_line(lambda: run_bot(args.config or _default_config(), explicit=args.config is not None))


def _load(path: str, explicit: bool = True) -> Config | None:
    try:
        if not explicit and not os.path.exists(path) and os.environ.get(TOKEN_ENV):
            return parse_config({}, dict(os.environ))  # no file: defaults, token from the environment
        return load_config(path)
    except ConfigError as exc:
        print(f"werkdruk-bot: configuration error: {exc}", file=sys.stderr)
        return None


def check_config(path: str) -> int:
    """Validate ``path`` and print a one-line verdict."""
    config = _load(path)
    if config is None:
        return EXIT_CONFIG
    where = config.base_url or "api.telegram.org"
    print(f"{path}: ok ({config.mode} via {where}, database {config.storage_path}, language {config.language})")
    return 0


def backup_database(target: str, path: str, explicit: bool = True) -> int:
    """Copy the configured database into ``target`` (consistent while the bot runs) and check the copy."""
    config = _load(path, explicit)
    if config is None:
        return EXIT_CONFIG
    from bot.run.backup import BackupError, backup

    try:
        result = backup(config.storage_path, target)
    except BackupError as exc:
        print(f"werkdruk-bot: backup failed: {exc}", file=sys.stderr)
        return EXIT_BACKUP
    print(f"{config.storage_path} -> {result.path}: ok (integrity ok, {result.tables} tables, {result.size} bytes)")
    return 0


def run_bot(path: str, explicit: bool = True) -> int:
    """Run the bot until SIGINT/SIGTERM."""
    config = _load(path, explicit)
    if config is None:
        return EXIT_CONFIG
    configure_logging(config.log_level)  # the libraries never below WARNING
    from bot.run.app import build_application, settle_heap
    from storage.db import Storage

    try:
        storage = Storage(config.storage_path)
    except (sqlite3.Error, OSError) as exc:
        print(f"werkdruk-bot: storage.path: cannot open database {config.storage_path}: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    application = build_application(config, storage)
    settle_heap()
    try:
        if config.mode == "webhook":
            hook = config.webhook
            application.run_webhook(
                listen=hook.listen,
                port=hook.port,
                url_path=hook.path,
                secret_token=hook.secret_token,
                webhook_url=hook.url,
            )
        else:
            application.run_polling()
    except RuntimeError as exc:
        # Seen now and then in webhook mode when SIGTERM comes while the webhook server closes: the loop stops
        # before python-telegram-bot's updater.stop() finished (cause not yet found). Nothing is lost: every
        # change is committed, and an update whose request was not answered comes again.
        if "Event loop stopped before Future completed" not in str(exc):
            raise
        logging.getLogger("bot.run").warning("stopped before the webhook server had closed; nothing was lost")
    finally:
        storage.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
