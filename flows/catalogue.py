"""The method's data files (questions, sources of workload, measures, national figures), loaded once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@cache
def load(name: str) -> dict:
    """The parsed ``flows/data/<name>.toml``."""
    return tomllib.loads(resources.files("flows").joinpath("data", f"{name}.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Source:
    """A source of workload on a team's list; ``custom`` ones were typed by the leader (one language)."""

    key: str
    nl: str
    en: str
    custom: bool = False

    def label(self, language: str) -> str:
        """The source's name in ``language``."""
        return self.en if language == "en" else self.nl

    def to_dict(self) -> dict:
        """For storage."""
        return {"key": self.key, "nl": self.nl, "en": self.en, "custom": self.custom}

    @classmethod
    def from_dict(cls, data: dict) -> Source:
        """From storage."""
        return cls(data["key"], data["nl"], data["en"], bool(data.get("custom", False)))


MAX_SOURCES = 20
MAX_SOURCE_LABEL = 60


def default_sources() -> list[Source]:
    """The list a new team starts with (see DOMAIN.md), in order."""
    return [Source(s["key"], s["nl"], s["en"]) for s in load("sources")["sources"]]


def custom_source(label: str, existing: list[Source]) -> Source:
    """A source the leader typed, with a key not used yet."""
    taken = {source.key for source in existing}
    number = 1
    while f"eigen{number}" in taken:
        number += 1
    text = " ".join(label.split())[:MAX_SOURCE_LABEL]
    return Source(f"eigen{number}", text, text, custom=True)
