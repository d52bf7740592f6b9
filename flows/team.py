"""The school team: roles, what each role may do, the team's lifecycle and its invitation codes.

Pure rules: no I/O, no Telegram, no SQLite. The bot and storage layers call these.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from transitions import Machine

from flows.machines import fire


class Role(StrEnum):
    """A person's role in one team."""

    LEADER = "leader"
    CO_LEADER = "co_leader"
    MEMBER = "member"


LEADING_ROLES = frozenset({Role.LEADER, Role.CO_LEADER})


class Action(StrEnum):
    """Things a person can ask the bot to do for a team."""

    JOIN = "join"
    LEAVE = "leave"
    VIEW_TEAM = "view_team"
    VIEW_PRIVACY = "view_privacy"
    RENEW_INVITE = "renew_invite"
    SET_PUPILS = "set_pupils"
    ADD_CO_LEADER = "add_co_leader"


_EVERYONE = {Action.VIEW_PRIVACY}
_MEMBER = _EVERYONE | {Action.VIEW_TEAM, Action.LEAVE}
_CO_LEADER = _MEMBER | {Action.RENEW_INVITE, Action.SET_PUPILS}
PERMISSIONS: dict[Role | None, frozenset[Action]] = {
    None: frozenset(_EVERYONE | {Action.JOIN}),
    Role.MEMBER: frozenset(_MEMBER),
    Role.CO_LEADER: frozenset(_CO_LEADER),
    Role.LEADER: frozenset(_CO_LEADER | {Action.ADD_CO_LEADER}),
}

GROUP_ADMIN_STATUSES = frozenset({"creator", "administrator"})
MAX_PUPILS = 5000


def may(role: Role | None, action: Action) -> bool:
    """Whether someone with ``role`` in a team (None: not in it) may do ``action``."""
    return action in PERMISSIONS[role]


def may_register_team(chat_member_status: str) -> bool:
    """Only an administrator of the group registers it as a team."""
    return chat_member_status in GROUP_ADMIN_STATUSES


class LeaveOutcome(StrEnum):
    """What happens when a member asks to leave."""

    LEFT = "left"
    LEFT_AND_HANDED_OVER = "left_and_handed_over"
    REFUSED_LAST_LEADER = "refused_last_leader"


def leave_outcome(role: Role, co_leaders: int) -> LeaveOutcome:
    """A leader may leave only when a co-leader can take over; nobody else is held back."""
    if role is not Role.LEADER:
        return LeaveOutcome.LEFT
    if co_leaders > 0:
        return LeaveOutcome.LEFT_AND_HANDED_OVER
    return LeaveOutcome.REFUSED_LAST_LEADER


def parse_pupils(text: str) -> int | None:
    """A pupil count as a leader types it ("212", "212 leerlingen"); None when it is not one."""
    match = re.fullmatch(r"\s*(\d{1,6})(\s+\w+)?\s*", text or "")
    if not match:
        return None
    value = int(match.group(1))
    return value if 1 <= value <= MAX_PUPILS else None


# --- the team's lifecycle, as data --------------------------------------------------------
TEAM_STATES = ["active", "paused"]
TEAM_TRANSITIONS = [
    {"trigger": "bot_removed", "source": "active", "dest": "paused"},
    {"trigger": "bot_added", "source": "paused", "dest": "active"},
]


@dataclass
class Team:
    """A registered school team; ``state`` is driven by :data:`TEAM_MACHINE`."""

    id: int
    chat_id: int
    name: str
    state: str = "active"
    pupils: int | None = None


TEAM_MACHINE = Machine(
    model=None,
    states=TEAM_STATES,
    transitions=TEAM_TRANSITIONS,
    initial="active",
    auto_transitions=False,
    model_attribute="state",
)


def apply(team: Team, trigger: str) -> bool:
    """Fire ``trigger`` on ``team``; False (and no change) when it does not apply in its state."""
    return fire(TEAM_MACHINE, team, trigger)


# --- invitations --------------------------------------------------------------------------
INVITE_PREFIX = "join_"
INVITE_BYTES = 18  # 144 bits of randomness
_INVITE_RE = re.compile(r"^join_([A-Za-z0-9_-]{16,59})$")


def new_invite_code(rng: random.Random | None = None) -> str:
    """A fresh, unguessable deep-link payload (at most 64 characters of A-Z a-z 0-9 _ -); from ``rng`` when
    one is given (the demo's seeded source), else from the operating system's (``secrets``)."""
    raw = rng.randbytes(INVITE_BYTES) if rng is not None else secrets.token_bytes(INVITE_BYTES)
    return INVITE_PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def invite_hash(code: str) -> str:
    """What is stored of an invite: its SHA-256, so a copy of the database cannot be used to join."""
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def is_invite_code(payload: str) -> bool:
    """Whether a deep-link payload has the shape of an invite code."""
    return bool(_INVITE_RE.match(payload or ""))


def same_hash(a: str, b: str) -> bool:
    """Constant-time comparison of two hashes."""
    return hmac.compare_digest(a, b)
