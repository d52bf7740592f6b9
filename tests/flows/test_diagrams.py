"""The committed state-machine diagrams are generated from the code and must not drift."""

from flows.diagrams import DOC, MACHINES, document


def test_committed_diagrams_match_the_code():
    """docs/state-machines.md equals what `python -m flows.diagrams` generates now."""
    assert DOC.read_text(encoding="utf-8") == document(), "run: python -m flows.diagrams"


def test_every_transition_is_drawn():
    """Each transition of each machine appears as an arrow, labelled with its trigger and guards."""
    text = document()
    arrows = {}
    for line in text.splitlines():
        if "-->" in line and ":" in line:
            edge, label = line.strip().split(":", 1)
            arrows[edge.strip()] = label
    for _, (_, _, transitions, _) in MACHINES.items():
        for tr in transitions:
            sources = tr["source"] if isinstance(tr["source"], list) else [tr["source"]]
            for source in sources:
                label = arrows[f"{source} --> {tr['dest']}"]
                assert tr["trigger"] in label
                for condition in tr.get("conditions", []):
                    assert condition in label
