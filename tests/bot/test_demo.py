"""`confidant demo` runs the real bot end to end against the stand-in and narrates it."""

import io

from bot.demo import run_demo
from rules.agreement import default_agreement


async def test_demo_runs_every_scene_and_exits_0():
    """The demo connects, answers /confidentiality privately, shows the agreement and shuts down cleanly."""
    out = io.StringIO()
    assert await run_demo(out) == 0
    transcript = out.getvalue()
    scenes = [line for line in transcript.splitlines() if line.startswith("== ")]
    assert [s.split(" =")[0] for s in scenes] == [
        "== The bot connects",
        "== A member asks for the rules",
        "== She reads the whole agreement",
        "== The bot shuts down",
    ]
    assert "slash commands: /confidentiality" in transcript
    assert "Confidant (only alice sees this):" in transcript
    assert default_agreement().summary.splitlines()[0][:40] in transcript
    assert "[ Read the whole agreement ]" in transcript
