"""Logging for ``werkdruk-bot run``: our own loggers at the configured level, every library at WARNING or above.

The libraries log whole updates and API calls at DEBUG (user ids beside answers), and ``transitions`` writes
three INFO lines per check-in tap; none of that belongs in an operator's log. Holding the root logger at
WARNING covers every library, also ones added later; only our own packages are let through below it.
"""

from __future__ import annotations

import logging

OUR_LOGGERS = ("bot", "flows", "storage", "benchmarks")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str | int) -> None:
    """Log our own packages at ``level`` and everything else at WARNING or above, to stderr."""
    level = logging.getLevelName(level) if isinstance(level, str) else level
    logging.basicConfig(format=FORMAT)
    logging.getLogger().setLevel(max(logging.WARNING, level))
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(level)
