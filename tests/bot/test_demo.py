"""`werkdruk-bot demo` runs a whole cycle against the built-in sandbox and writes what the leader gets."""

from __future__ import annotations

from bot.demo import run_demo


async def test_the_demo_runs_a_whole_cycle_and_writes_the_leaders_files(tmp_path):
    """The demo plays all four phases and a pulse with zero rule violations, and writes charts, plan and transcripts."""
    printed: list[str] = []
    files = await run_demo(tmp_path / "uit", echo=printed.append)
    text = "\n".join(printed)
    for step in ("1. Het team vormt zich", "2. Analyseren", "3. Bespreken", "4. Aanpakken", "5. Evalueren", "6. Een maand later"):
        assert step in text
    assert "Wat de schoolleider (Sanne) ziet" in text and "Wat een teamlid (Anna) ziet" in text
    assert files["plan (PDF)"].read_bytes().startswith(b"%PDF")
    for chart in ("grafiek analyse", "grafiek evaluatie", "grafiek trend"):
        assert files[chart].read_bytes().startswith(b"\x89PNG")
    leader = files["gesprek schoolleider"].read_text(encoding="utf-8")
    assert "Analyse werkdruk" in leader and "Uitslag van de stemming" in leader and "Evaluatie werkdruk" in leader
    group = files["gesprek teamgroep"].read_text(encoding="utf-8")
    assert "Fase 1: analyseren" in group and "is aangenomen" in group and "afgerond" in group
    anna = files["gesprek teamlid-anna"].read_text(encoding="utf-8")
    assert "Dank je wel" in anna and "Analyse werkdruk" not in anna  # a member gets no summaries privately
