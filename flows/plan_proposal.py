"""A plan that starts filled in: for a catalogue measure the bot proposes the work-plan fields (goal, desired
result, activities, who, a cost estimate) from ``flows/data/measure_plans.toml``; the leader confirms them
with a tap or types what differs. A measure in the team's own words starts empty."""

from __future__ import annotations

from flows.catalogue import load
from flows.plan import FIELDS, PlanItem

TEXT_FIELDS = ("goal", "result", "activities", "who")


def proposal(measure: str | None, language: str) -> dict | None:
    """The proposed fields of a catalogue measure in ``language`` (Dutch unless English), or None."""
    entry = load("measure_plans").get(measure or "")
    if entry is None:
        return None
    texts = entry["en" if language == "en" else "nl"]
    return {**{name: texts[name] for name in TEXT_FIELDS}, "cost": int(entry["cost"])}


def catalogue_key(title: str) -> str | None:
    """The catalogue measure a typed title names exactly (either language, any case), or None."""
    wanted = " ".join(title.split()).casefold()
    for measure in load("measures")["measures"]:
        if wanted in (measure["nl"].casefold(), measure["en"].casefold()):
            return measure["key"]
    return None


def proposed_item(title: str, sources: list[str], measure: str | None, language: str) -> PlanItem:
    """A plan item for a measure: filled in with the catalogue's proposal (marked as proposed), else empty."""
    item = PlanItem(title, list(sources), measure=measure)
    fields = proposal(measure, language)
    if fields is not None:
        for name in FIELDS:
            setattr(item, name, fields[name])
        item.proposed = list(FIELDS)
    return item
