"""The committed state-machine diagrams are generated from the code and must not drift."""

from flows.diagrams import DOC, MACHINES, document


def test_committed_diagrams_match_the_code():
    """docs/state-machines.md equals what `python -m flows.diagrams` generates now."""
    assert DOC.read_text(encoding="utf-8") == document(), "run: python -m flows.diagrams"


def test_every_transition_is_drawn():
    """Each transition of each machine appears as an arrow in the document."""
    text = document()
    for _, (_, _, transitions, _) in MACHINES.items():
        for tr in transitions:
            assert f"{tr['source']} --> {tr['dest']}: {tr['trigger']}" in text
