"""Firing a trigger of a shared ``transitions`` machine on a plain model, without binding methods to it.

One machine per flow kind serves every model: the machine is built once from the flow's states and
transitions (data), and each model carries only its own state attribute. Nothing is attached to
the model, so millions of rounds or drafts cost no more than their dataclasses.
"""

from __future__ import annotations

from transitions import Machine, MachineError


def fire(machine: Machine, model: object, trigger: str, **kwargs: object) -> bool:
    """Apply ``trigger`` to ``model``; False (and no change) when it does not apply in its state
    or a guard says no."""
    event = machine.events.get(trigger)
    if event is None:
        return False
    try:
        return bool(event.trigger(model, **kwargs))
    except MachineError:
        return False
