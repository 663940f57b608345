"""`confidant demo` runs the real bot end to end against the stand-in and narrates it."""

import io

from bot.demo import run_demo
from rules.agreement import default_agreement


async def test_demo_runs_every_scene_and_exits_0():
    """The demo connects, answers /confidentiality, onboards two newcomers, flags and removes, shuts down cleanly."""
    out = io.StringIO()
    assert await run_demo(out) == 0
    transcript = out.getvalue()
    scenes = [line for line in transcript.splitlines() if line.startswith("== ")]
    assert [s.split(" =")[0] for s in scenes] == [
        "== The bot connects",
        "== A member asks for the rules",
        "== She reads the whole agreement",
        "== A newcomer joins and reads the agreement by DM",
        "== She answers the comprehension check",
        "== She accepts and gets the member role",
        "== A newcomer with closed DMs is greeted in a private thread",
        "== A member shares a phone number and a friend's workplace",
        "== A moderator reveals the message, then removes it",
        "== A member reports a breach anonymously, from the message itself",
        "== The moderators acknowledge it and ask the reporter a question",
        "== The moderators resolve the case; the reporter is told",
        "== Confirmed breaches walk up the strike ladder",
        "== A member exports their data, then deletes it",
        "== The bot shuts down",
    ]
    assert "/agreement," in transcript and "/confidentiality," in transcript and "/flags," in transcript
    assert "Confidant (only alice sees this):" in transcript
    assert default_agreement().summary.splitlines()[0][:40] in transcript
    assert "[ Read the whole agreement ]" in transcript
    assert "[ I agree ]  [ I have a question ]  [ Decline ]" in transcript
    assert "bea now has the Member role" in transcript and "cal now has the Member role" in transcript
    flag = transcript.split("[#mod-queue] Confidant:")[1].split("alice gets a private")[0]
    assert "my number is [PHONE]" in flag and "900123" not in flag
    assert "Removed by" in transcript and "Revealed 1× — last by dana" in transcript
    assert "strike 2, step **a timeout of 1 hour**" in transcript and "Removal proposed" in transcript
    assert "(they were told why privately)" in transcript
    flat = " ".join(transcript.split())
    cases_post = transcript.split("[#cases] Confidant:")[1].split("== ")[0]
    assert "Reporter A-1" in cases_post and "alice" not in cases_post
    assert "**Reporter A-1:**" in transcript and "has been resolved" in transcript
    assert "(a breach report the moderators looked into)" in flat
    assert "1 flag(s) on her own messages" in flat and "A new export now holds 0 item(s)." in flat
    assert "Confidant (only cal sees this):" in transcript
    assert "Question 1 of" in transcript and "Not quite" in transcript and "press **I agree**" in transcript
