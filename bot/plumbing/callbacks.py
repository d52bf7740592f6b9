"""Callback data: a short, versioned code on each inline button, parsed strictly on return.

Format: ``v1:<action>:<int>[:<int>...]``, at most 64 bytes. The client can send anything, so
:func:`decode` returns None for every malformed, unknown or oversized value, and handlers re-check
everything the code refers to (does the team exist, is this user in it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64
ACTIONS = frozenset(
    {
        # team
        "leave", "leave_yes", "leave_no", "team",
        # starting a cycle (leader)
        "cyc_phase", "src_del", "src_add", "src_reset", "src_ok", "cyc_go",
        # moving on, deadlines, sharing, merging, the vote (leader)
        "next_go", "next_empty", "next_wait", "dl", "share", "merge", "merge_a", "merge_b", "vote_open",
        # a member in a round
        "open_round", "ans", "skip", "back", "chg", "send", "prop_cat", "prop_src", "prop_more",
        "vote", "vote_reset", "vote_send",
        # the plan (leader) and the vote on it (member), pulses (leader)
        "plan_item", "plan_field", "plan_add", "plan_del", "plan_back", "plan_revise", "plan_submit", "plan_doc", "plan_ok", "plan_rename",
        "pmr", "pmr_today", "pv", "pv_send", "pv_back", "pulse", "as_team",
        # the school year's schedule (leader)
        "sch_date", "sch_show", "sch_ok", "sch_stop",
        # control over one's data
        "my_del", "my_del_yes", "my_del_no", "team_del", "team_del_no",
    }
)
_CODE_RE = re.compile(r"v1:([a-z_]{1,20})((?::-?\d{1,15}){0,4})")


@dataclass(frozen=True)
class Callback:
    """A decoded button press."""

    action: str
    args: tuple[int, ...] = ()


def encode(action: str, *args: int) -> str:
    """The callback data for ``action`` with integer ``args``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown callback action {action!r}")
    data = ":".join([VERSION, action, *(str(int(arg)) for arg in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data longer than 64 bytes")
    return data


def decode(data: str | None) -> Callback | None:
    """The button press in ``data``, or None when it is not one of ours."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    match = _CODE_RE.fullmatch(data)
    if not match or match.group(1) not in ACTIONS:
        return None
    args = tuple(int(part) for part in match.group(2).split(":")[1:])
    return Callback(match.group(1), args)
