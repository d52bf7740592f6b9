"""The team's rules: roles and permissions, leaving, the lifecycle machine and invite codes."""

import random
import re

import pytest

from flows.team import (
    INVITE_BYTES,
    TEAM_TRANSITIONS,
    Action,
    LeaveOutcome,
    Role,
    Team,
    apply,
    invite_hash,
    is_invite_code,
    leave_outcome,
    may,
    may_register_team,
    new_invite_code,
    parse_pupils,
)


@pytest.mark.parametrize("status,expected", [("creator", True), ("administrator", True), ("member", False), ("left", False), ("kicked", False), ("restricted", False)])
def test_only_group_admins_register(status, expected):
    """Only the group's owner or an administrator may register the group as a team."""
    assert may_register_team(status) is expected


@pytest.mark.parametrize(
    "role,action,expected",
    [
        (None, Action.JOIN, True),
        (None, Action.LEAVE, False),
        (None, Action.RENEW_INVITE, False),
        (Role.MEMBER, Action.LEAVE, True),
        (Role.MEMBER, Action.RENEW_INVITE, False),
        (Role.MEMBER, Action.SET_PUPILS, False),
        (Role.MEMBER, Action.ADD_CO_LEADER, False),
        (Role.CO_LEADER, Action.RENEW_INVITE, True),
        (Role.CO_LEADER, Action.SET_PUPILS, True),
        (Role.CO_LEADER, Action.ADD_CO_LEADER, False),
        (Role.LEADER, Action.ADD_CO_LEADER, True),
        (Role.LEADER, Action.JOIN, False),
    ],
)
def test_permissions_per_role(role, action, expected):
    """Each role may do exactly what the permission table says; outsiders may only join."""
    assert may(role, action) is expected


def test_leaving():
    """A member always leaves; a leader hands over to a co-leader, or is refused when there is none."""
    assert leave_outcome(Role.MEMBER, 0) is LeaveOutcome.LEFT
    assert leave_outcome(Role.CO_LEADER, 0) is LeaveOutcome.LEFT
    assert leave_outcome(Role.LEADER, 1) is LeaveOutcome.LEFT_AND_HANDED_OVER
    assert leave_outcome(Role.LEADER, 0) is LeaveOutcome.REFUSED_LAST_LEADER


@pytest.mark.parametrize("transition", TEAM_TRANSITIONS, ids=lambda tr: tr["trigger"])
def test_team_transitions_from_their_source_only(transition):
    """Every trigger of the team machine moves from its source to its destination, and nowhere else."""
    team = Team(1, -1, "t", state=transition["source"])
    assert apply(team, transition["trigger"]) is True
    assert team.state == transition["dest"]
    assert apply(team, transition["trigger"]) is False
    assert team.state == transition["dest"]


def test_invite_codes_are_unguessable_deep_link_payloads():
    """An invite is a valid deep-link payload with at least 128 bits of randomness, stored as a hash."""
    codes = {new_invite_code() for _ in range(200)}
    assert len(codes) == 200
    assert INVITE_BYTES * 8 >= 128
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code)
        assert is_invite_code(code)
        assert invite_hash(code) != code and len(invite_hash(code)) == 64
    assert not is_invite_code("join_short")
    assert not is_invite_code("other_" + "a" * 24)
    assert not is_invite_code("join_" + "<b>" * 10)


def test_an_injected_random_source_gives_repeatable_invite_codes():
    """With a seeded source (the demo's) the same seed gives the same valid code, a different seed another;
    the module's global random state is neither used nor changed."""
    state = random.getstate()
    first, again, other = (new_invite_code(random.Random(seed)) for seed in ("demo", "demo", "other"))
    assert first == again != other
    assert is_invite_code(first) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", first)
    assert random.getstate() == state


@pytest.mark.parametrize("text,expected", [("212", 212), (" 212 leerlingen", 212), ("0", None), ("-5", None), ("abc", None), ("", None), ("99999999", None), ("5001", None)])
def test_parse_pupils(text, expected):
    """A pupil count is a whole number from 1 to 5000, optionally followed by a word."""
    assert parse_pupils(text) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("  gewoon  ", "gewoon"),
        ("a\ud800b", "a\ufffdb"),  # a lone surrogate cannot be encoded: replaced
        ("\u202eevil\u202c", "evil"),  # bidi override removed
        ("مرحبا", "مرحبا"),  # right-to-left letters kept
        ("zero\u200bwidth", "zero\u200bwidth"),
        ("bell\x07 and\nnewline", "bell and\nnewline"),
        (None, ""),
    ],
)
def test_typed_text_is_cleaned(raw, expected):
    """What people type is stored without broken or invisible control characters, RTL letters kept."""
    from flows.text import clean

    assert clean(raw) == expected
    clean(raw).encode("utf-8")  # always encodable
