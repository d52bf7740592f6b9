"""The team's choice beside the sector's: how the plan's money splits over the categories of the AVS poll of
2019 (``flows/data/sector_spending.toml``), beside how schools spent the workload funds then."""

from __future__ import annotations

from dataclasses import dataclass

from flows.catalogue import load
from flows.plan import Plan


@dataclass(frozen=True)
class Category:
    """A spending category of the poll, with the sector's share (percent)."""

    key: str
    nl: str
    en: str
    sector: float
    measures: tuple[str, ...]

    def label(self, language: str) -> str:
        """The category's name in ``language``."""
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class Share:
    """One category of the plan: the planned euros and their share of all planned money (0..1)."""

    category: Category
    amount: int
    share: float


def categories() -> list[Category]:
    """The poll's categories, in the data file's order."""
    return [Category(c["key"], c["nl"], c["en"], float(c["share"]), tuple(c["measures"])) for c in load("sector_spending")["categories"]]


def source(language: str) -> str:
    """The poll's name as a source, in ``language``."""
    data = load("sector_spending")
    return data["source_en" if language == "en" else "source_nl"]


def category_of(measure: str | None) -> str:
    """The category a catalogue measure falls in; own words and unknown keys are "anders"."""
    for category in categories():
        if measure in category.measures:
            return category.key
    return load("sector_spending")["other"]


def split(plan: Plan) -> list[Share] | None:
    """The plan's money per category (every category, in order); None while nothing is planned."""
    total = plan.total_cost
    if total <= 0:
        return None
    amounts = {category.key: 0 for category in categories()}
    for item in plan.items:
        amounts[category_of(item.measure)] += item.cost or 0
    return [Share(category, amounts[category.key], amounts[category.key] / total) for category in categories()]
