"""An anonymous check-in: its questions, and the member's draft as a state machine.

The draft moves answering -> reviewing -> submitted; a member can go back a question, change any
answer from the review, and submits only a complete draft. Everything a button sends is checked
against the draft (question index, allowed values), because callback data comes from the client.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transitions import EventData, Machine

from flows.catalogue import Source, load
from flows.machines import fire

SCALE_KINDS = ("frequency", "pressure", "influence", "agreement")
FREE_TEXT = "free_text"
MAX_FREE_TEXT = 1000


@dataclass(frozen=True)
class Question:
    """One question of a check-in; ``source`` is set for a source-of-workload question."""

    id: str
    kind: str
    nl: str
    en: str
    source: str | None = None

    def text(self, language: str) -> str:
        """The question in ``language``."""
        return self.en if language == "en" else self.nl

    def options(self, language: str) -> list[tuple[int, str]]:
        """The (value, label) answer options of a scale question; empty for free text."""
        if self.kind == FREE_TEXT:
            return []
        scale = load("analysis")["scales"][self.kind]
        return list(zip(scale["values"], scale[language if language in ("nl", "en") else "nl"]))

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is a valid answer (None skips a free-text question)."""
        if self.kind == FREE_TEXT:
            return value is None or (isinstance(value, str) and 0 < len(value) <= MAX_FREE_TEXT)
        return isinstance(value, int) and not isinstance(value, bool) and value in load("analysis")["scales"][self.kind]["values"]

    def to_dict(self) -> dict:
        """For storage with the round (a round keeps the questions it opened with)."""
        return {"id": self.id, "kind": self.kind, "nl": self.nl, "en": self.en, "source": self.source}

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        """From storage."""
        return cls(data["id"], data["kind"], data["nl"], data["en"], data.get("source"))


def analysis_questions(sources: list[Source]) -> list[Question]:
    """The analysis check-in: the three NEA items, one question per source, influence, two open questions."""
    data = load("analysis")
    fixed = [Question(q["id"], q["kind"], q["nl"], q["en"]) for q in data["questions"]]
    nea = [q for q in fixed if q.kind == "frequency"]
    rest = [q for q in fixed if q.kind != "frequency"]
    template = data["source_question"]
    per_source = [
        Question(f"src:{s.key}", "pressure", template["nl"].format(source=s.nl), template["en"].format(source=s.en), s.key)
        for s in sources
    ]
    return nea + per_source + rest


# --- the draft ------------------------------------------------------------------------------
DRAFT_STATES = ["answering", "reviewing", "submitted"]
DRAFT_TRANSITIONS = [
    {"trigger": "answer", "source": "answering", "dest": "reviewing", "conditions": ["answer_fits", "completes"], "before": "record"},
    {"trigger": "answer", "source": "answering", "dest": "answering", "conditions": ["answer_fits"], "before": "record"},
    {"trigger": "back", "source": "answering", "dest": "answering", "conditions": ["can_go_back"], "before": "step_back"},
    {"trigger": "back", "source": "reviewing", "dest": "answering", "before": "to_last"},
    {"trigger": "change", "source": "reviewing", "dest": "answering", "conditions": ["index_exists"], "before": "go_to"},
    {"trigger": "submit", "source": "reviewing", "dest": "submitted", "conditions": ["complete"]},
]


@dataclass
class Draft:
    """A member's answers in progress; kept (keyed by the member) until submitted or expired."""

    questions: list[Question]
    answers: dict[str, object] = field(default_factory=dict)
    position: int = 0
    state: str = "answering"
    revising: bool = False

    # guards ------------------------------------------------------------------------------
    def answer_fits(self, event: EventData) -> bool:
        index, value = event.kwargs.get("index"), event.kwargs.get("value")
        return index == self.position and self.position < len(self.questions) and self.questions[index].accepts(value)

    def completes(self, event: EventData) -> bool:
        return self.revising or self.position == len(self.questions) - 1

    def can_go_back(self, event: EventData) -> bool:
        return self.position > 0

    def index_exists(self, event: EventData) -> bool:
        index = event.kwargs.get("index")
        return isinstance(index, int) and 0 <= index < len(self.questions)

    def complete(self, event: EventData) -> bool:
        return all(q.id in self.answers for q in self.questions)

    # actions -----------------------------------------------------------------------------
    def record(self, event: EventData) -> None:
        question = self.questions[self.position]
        self.answers[question.id] = event.kwargs["value"]
        if not self.revising and self.position < len(self.questions) - 1:
            self.position += 1
        elif self.revising:
            self.revising = False
            self.position = len(self.questions) - 1

    def step_back(self, event: EventData) -> None:
        self.position -= 1

    def to_last(self, event: EventData) -> None:
        self.position = len(self.questions) - 1
        self.revising = False

    def go_to(self, event: EventData) -> None:
        self.position = event.kwargs["index"]
        self.revising = True

    # convenience ---------------------------------------------------------------------------
    @property
    def current(self) -> Question | None:
        """The question being asked, or None when reviewing or submitted."""
        return self.questions[self.position] if self.state == "answering" else None

    def fire(self, trigger: str, **kwargs: object) -> bool:
        """Apply ``trigger``; False (and no change) when it does not apply now."""
        return fire(DRAFT_MACHINE, self, trigger, **kwargs)

    def to_dict(self) -> dict:
        """The draft's progress for storage (the questions are stored with the round)."""
        return {"answers": self.answers, "position": self.position, "state": self.state, "revising": self.revising}

    @classmethod
    def from_dict(cls, questions: list[Question], data: dict) -> Draft:
        """Rebuild a stored draft."""
        return cls(questions, dict(data["answers"]), data["position"], data["state"], data.get("revising", False))


DRAFT_MACHINE = Machine(
    model=None,
    states=DRAFT_STATES,
    transitions=DRAFT_TRANSITIONS,
    initial="answering",
    auto_transitions=False,
    send_event=True,
)


def split_response(draft: Draft) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """A submitted draft as stored: the scores together, and each open answer on its own (unlinked)."""
    scores = {q.id: draft.answers[q.id] for q in draft.questions if q.kind != FREE_TEXT}
    texts = [(q.id, draft.answers[q.id]) for q in draft.questions if q.kind == FREE_TEXT and draft.answers.get(q.id)]
    return scores, texts
