"""`confidant demo`: the real bot, end to end, against the built-in stand-in of Discord, narrated as it happens.

No token and no network: the stand-in serves Discord's REST API and gateway on 127.0.0.1, and the bot talks to it
exactly as it would talk to Discord. The database is a throwaway file with a throwaway key. Each capability adds
its scene here.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import TextIO

from bot.app import create_bot
from bot.config import Config, GuildConfig, StorageSettings
from bot.fakediscord import FakeDiscord, Guild, Message, User
from models.crypto import generate_key
from rules.agreement import default_quiz

DEMO_KEY_ENV = "CONFIDANT_DEMO_KEY"
WIDTH = 100


class Transcript:
    """Prints what happens, the way a reader would want to follow it."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def scene(self, title: str) -> None:
        """Start a scene."""
        self.out.write(f"\n== {title} {'=' * max(0, WIDTH - len(title) - 4)}\n")

    def note(self, text: str) -> None:
        """Narration."""
        self.out.write(textwrap.fill(text, WIDTH, initial_indent="   ", subsequent_indent="   ") + "\n")

    def said(self, where: str, who: str, text: str, *, only_for: str | None = None) -> None:
        """Someone wrote something somewhere."""
        private = f" (only {only_for} sees this)" if only_for else ""
        self.out.write(f"[{where}] {who}{private}:\n")
        for line in text.splitlines():
            wrapped = textwrap.fill(line, WIDTH, initial_indent="    | ", subsequent_indent="    |   ")
            self.out.write((wrapped or "    |") + "\n")

    def message(self, where: str, who: str, message: Message, user: User | None = None, *, lines: int = 0) -> None:
        """Show a message the bot sent, with its buttons."""
        text = message.text
        if lines:
            text = "\n".join(text.splitlines()[:lines] + ["…"])
        buttons = [c.get("label") for c in _components(message.components) if c.get("label")]
        if buttons:
            text += "\n" + "  ".join(f"[ {label} ]" for label in buttons)
        only_for = user.name if user is not None and message.ephemeral else None
        self.said(where, who, text, only_for=only_for)


def _components(components: list[dict]) -> list[dict]:
    flat = []
    for component in components:
        flat.append(component)
        flat.extend(_components(component.get("components", [])))
    return flat


async def _onboarding_scenes(fake: FakeDiscord, group: Guild, show: Transcript) -> None:
    """A newcomer accepts by DM; another, with DMs closed, does the same in a private thread of #welcome."""
    member_role = group.role("Member")

    show.scene("A newcomer joins and reads the agreement by DM")
    bea = fake.add_user("bea")
    await fake.member_join(group, bea)
    dm = await fake.wait_for_message(to=bea)
    show.message("DM", "Confidant", dm, lines=8)

    show.scene("She answers the comprehension check")
    show.said("DM", "bea", "presses [ I agree ]")
    agree = next(custom_id for custom_id in dm.custom_ids() if ":agree:" in custom_id)
    question = await (await fake.click(dm, agree, bea)).wait_message()
    show.message("DM", "Confidant", question, bea)
    quiz = default_quiz()
    missed = next(o for o in range(len(quiz.questions[0].options)) if o != quiz.questions[0].answer)
    show.said("DM", "bea", f"presses [ {quiz.questions[0].options[missed]} ]")
    question = await (await fake.click(question, question.custom_ids()[missed], bea)).wait_message()
    show.message("DM", "Confidant", question, bea)
    show.note("A wrong answer explains the rule and asks again. bea now answers every question correctly.")
    question = await _answer_check(fake, question, bea)
    show.message("DM", "Confidant", question, bea)

    show.scene("She accepts and gets the member role")
    show.said("DM", "bea", "presses [ I agree ]")
    pressed = await fake.click(question, agree, bea)
    show.message("DM", "Confidant", await pressed.wait_message())
    await fake.wait_for(lambda: member_role.id in fake.member(group, bea).roles, what="bea's member role")
    show.note("bea now has the Member role; the consent ledger holds her answer with the sha256 of the exact text.")

    show.scene("A newcomer with closed DMs is greeted in a private thread")
    cal = fake.add_user("cal", dms_open=False)
    await fake.member_join(group, cal)
    await fake.wait_for(lambda: group.threads, what="a private welcome thread")
    thread = group.threads[0]
    greeting = await fake.wait_for_message(thread)
    show.note(
        f"cal's DMs are closed, so Confidant opened a private thread in #welcome ('{thread.name}'): only cal and the "
        "moderators can see it. Nothing was posted in #welcome itself."
    )
    show.message(f"#welcome › {thread.name}", "Confidant", greeting, lines=6)
    show.said(f"#welcome › {thread.name}", "cal", "presses [ I agree ], answers the check, presses [ I agree ]")
    agree = next(custom_id for custom_id in greeting.custom_ids() if ":agree:" in custom_id)
    done = await _answer_check(fake, await (await fake.click(greeting, agree, cal)).wait_message(), cal)
    pressed = await fake.click(done, agree, cal)
    show.message(f"#welcome › {thread.name}", "Confidant", await pressed.wait_message(), cal)
    await fake.wait_for(lambda: member_role.id in fake.member(group, cal).roles, what="cal's member role")
    show.note("cal now has the Member role too.")


async def _flagging_scenes(fake: FakeDiscord, group: Guild, alice: User, dana: User, show: Transcript) -> None:
    """A member posts a phone number and a friend's workplace; the queue shows it masked; a moderator removes it."""
    show.scene("A member shares a phone number and a friend's workplace")
    text = (
        "anyone who wants to talk, my number is 07700 900123. my friend Jess Miller works at the Tesco on Kirkstall "
        "Road and she gets it too"
    )
    show.said("#group-chat", "alice", text)
    posted = await fake.user_message(group.channel("group-chat"), alice, text)
    flag = await fake.wait_for_message(group.channel("mod-queue"), predicate=lambda m: not m.ephemeral, timeout=15)
    show.note("Confidant scanned the message off the event loop and posted a flag to #mod-queue, every detail masked:")
    show.message("#mod-queue", "Confidant", flag)
    nudge = await fake.wait_for_message(to=alice)
    show.note("alice gets a private, kind note that names the kinds of detail and never quotes them:")
    show.message("DM", "Confidant", nudge)

    show.scene("A moderator reveals the message, then removes it")
    reveal = next(c for c in flag.custom_ids() if ":reveal:" in c)
    show.said("#mod-queue", "dana", "presses [ Reveal ]")
    shown = await (await fake.click(flag, reveal, dana)).wait_message()
    show.message("#mod-queue", "Confidant", shown, dana)
    show.note("Only dana saw the original; the reveal is in the audit log and on the flag.")
    remove = next(c for c in flag.custom_ids() if ":remove:" in c)
    show.said("#mod-queue", "dana", "presses [ Remove ]")
    done = await (await fake.click(flag, remove, dana)).wait_followup()
    show.message("#mod-queue", "Confidant", done, dana)
    returned = await fake.wait_for_message(to=alice)
    show.note("Before deleting the message, Confidant gave alice her words back, so nothing she wrote is lost:")
    show.message("DM", "Confidant", returned)
    await fake.wait_for(lambda: fake.state.messages[posted.id].deleted, what="the message to be removed")
    show.note("The message is gone from #group-chat, and the flag now says who removed it:")
    show.message("#mod-queue", "Confidant", fake.state.messages[flag.id])


async def _report_scenes(fake: FakeDiscord, group: Guild, alice: User, dana: User, show: Transcript) -> None:
    """A member right-clicks a message and reports it anonymously; the moderators carry it through to the end."""
    gus = next(user for user in fake.state.users.values() if user.name == "gus")
    show.scene("A member reports a breach anonymously, from the message itself")
    boast = "lol bea's share from last night is going in my other server, already screenshotted it"
    show.said("#group-chat", "gus", boast)
    posted = await fake.user_message(group.channel("group-chat"), gus, boast)
    show.said("#group-chat", "alice", "right-clicks gus's message → Apps → Report confidentiality breach")
    opened = await fake.message_command("Report confidentiality breach", alice, posted)
    await opened.wait_response()
    details = "gus says he screenshotted bea's share and is posting it in another server."
    show.note(
        "A form opens, only for alice: what kind of breach, what happened, optional message links, and whether the "
        "moderators may see her name (no, unless she says so). She picks 'A screenshot or recording was taken'."
    )
    show.said("form", "alice", details)
    values = {"confidant:report:category": ["recording"], "confidant:report:details": details}
    received = await (await fake.submit_modal(opened, values)).wait_message()
    show.message("#group-chat", "Confidant", received, alice)
    post = await fake.wait_for_message(group.channel("cases"), predicate=lambda m: not m.ephemeral, timeout=10)
    show.note("The report was saved before alice was told. In #cases, the moderators see it — and not who filed it:")
    show.message("#cases", "Confidant", post)

    def press(action: str) -> str:
        current = fake.state.messages[post.id]
        return next(c for c in current.custom_ids() if c.startswith(f"confidant:case:{action}:"))

    show.scene("The moderators acknowledge it and ask the reporter a question")
    show.said("#cases", "dana", "presses [ Acknowledge ]")
    await (await fake.click(fake.state.messages[post.id], press("ack"), dana)).wait_response()
    show.message("DM", "Confidant", await fake.wait_for_message(to=alice))
    question = "Thank you. Do you know which server he meant?"
    show.said("#cases", "dana", f"presses [ Ask reporter ]: {question}")
    asking = await fake.click(fake.state.messages[post.id], press("ask"), dana)
    await asking.wait_response()
    await (await fake.submit_modal(asking, {"confidant:case:ask-text": question})).wait_message()
    show.message("DM", "Confidant", await fake.wait_for_message(to=alice))
    answer = "He said his 'recovery memes' server, I think."
    show.said("DM", "alice", answer)
    await fake.user_message(fake.dm_channel(alice), alice, answer)
    thread = next(t for t in group.threads if t.name.startswith("Case #"))
    relayed = await fake.wait_for_message(thread, predicate=lambda m: "recovery memes" in m.text)
    show.message(f"#cases › {thread.name}", "Confidant", relayed)
    await fake.wait_for_message(to=alice)  # "passed to the moderators"
    show.note("Neither side learns who the other is: dana's name never reaches alice, alice's never reaches #cases.")

    show.scene("The moderators resolve the case; the reporter is told")
    outcome = "Spoke with gus; he deleted the screenshot and confirmed it was not posted. Warning given."
    note = "Thank you for telling us. We've dealt with it, and the screenshot has been deleted."
    show.said("#cases", "dana", "presses [ Resolve ]: action warning, member gus, with an outcome and a note")
    resolving = await fake.click(fake.state.messages[post.id], press("resolve"), dana)
    await resolving.wait_response()
    values = {
        "confidant:case:resolve-action": ["warning"], "confidant:case:resolve-member": [gus],
        "confidant:case:resolve-outcome": outcome, "confidant:case:resolve-note": note,
    }  # fmt: skip
    await (await fake.submit_modal(resolving, values)).wait_message()
    told = await fake.wait_for_message(to=alice, predicate=lambda m: "resolved" in m.text.lower())
    show.message("DM", "Confidant", told)
    warned = await fake.wait_for_message(to=gus)
    show.note("The warning counts as a confirmed breach, so gus takes the first step of the strike ladder:")
    show.message("DM to gus", "Confidant", warned)


async def _strike_scenes(fake: FakeDiscord, group: Guild, dana: User, show: Transcript) -> None:
    """A member's confirmed breaches walk up the strike ladder; removal waits for a moderator."""
    show.scene("Confirmed breaches walk up the strike ladder")
    eli = next(user for user in fake.state.users.values() if user.name == "eli")
    show.note(
        "eli has been sharing other members' stories outside the group. Only breaches a moderator confirms count "
        "(Remove + warn on a flag, a resolved case, or /strike add). The default ladder: a warning, a 1-hour "
        "timeout, a 24-hour timeout, then removal proposed to the moderators."
    )
    for reason in ("posted a screenshot of the group elsewhere", "quoted a member's share on another server"):
        show.said("#mod-queue", "dana", f"/strike add member:eli reason:{reason}")
        added = await (
            await fake.slash("strike add", dana, group.channel("mod-queue"), member=eli, reason=reason)
        ).wait_message()
        show.message("#mod-queue", "Confidant", added, dana)
        told = await fake.wait_for_message(to=eli)
        show.message("DM to eli", "Confidant", told)
    member = fake.member(group, eli)
    show.note(f"eli is timed out until {member.communication_disabled_until:%H:%M} UTC: they can read but not post.")
    for reason in ("shared a member's name in a public server", "did it again after the timeout"):
        await (
            await fake.slash("strike add", dana, group.channel("mod-queue"), member=eli, reason=reason)
        ).wait_message()
    await fake.wait_for_message(to=eli)
    proposal = await fake.wait_for_message(group.channel("mod-queue"), predicate=lambda m: "Removal proposed" in m.text)
    show.note("Two more confirmed breaches later, the ladder reaches removal — which it only proposes:")
    show.message("#mod-queue", "Confidant", proposal)
    show.said("#mod-queue", "dana", "presses [ Remove from the server ]")
    remove = next(c for c in proposal.custom_ids() if ":remove:" in c)
    await (await fake.click(proposal, remove, dana)).wait_response()
    await fake.wait_for(lambda: eli.id not in group.members, what="eli's removal")
    goodbye = await fake.wait_for_message(to=eli)
    show.message("DM to eli", "Confidant", goodbye)
    await fake.wait_for(lambda: "Removed" in fake.state.messages[proposal.id].text, what="the proposal updated")
    show.message("#mod-queue", "Confidant", fake.state.messages[proposal.id])


async def _mydata_scenes(fake: FakeDiscord, alice: User, show: Transcript) -> None:
    """A member exports their data, then deletes it."""
    show.scene("A member exports their data, then deletes it")
    show.said("DM", "alice", "/mydata export")
    exported = await (await fake.slash("mydata export", alice)).wait_followup()
    file = exported.attachments[0]
    data = json.loads(file.data)
    show.message("DM", "Confidant", exported, alice)
    show.note(
        f"The file {file.filename} holds {len(data['consents'])} agreement answer(s), "
        f"{len(data['flags_on_my_messages'])} flag(s) on her own messages with her text, "
        f"{len(data['reports'])} report(s) she filed and {len(data['confirmed_breaches'])} breach(es) recorded "
        "against her. Reports about her and other people's words are never in it."
    )
    show.said("DM", "alice", "/mydata delete")
    asked = await (await fake.slash("mydata delete", alice)).wait_message()
    show.message("DM", "Confidant", asked, alice)
    show.said("DM", "alice", "presses [ Delete my data ]")
    await (await fake.click(asked, asked.custom_ids()[0], alice)).wait_response()
    await fake.wait_for(lambda: "deleted" in fake.state.messages[asked.id].text, what="the deletion")
    show.message("DM", "Confidant", fake.state.messages[asked.id], alice)
    again = json.loads((await (await fake.slash("mydata export", alice)).wait_followup()).attachments[0].data)
    kept = sum(len(again[k]) for k in ("consents", "reports", "flags_on_my_messages", "confirmed_breaches"))
    show.note(f"A new export now holds {kept} item(s).")


async def _answer_check(fake: FakeDiscord, message: Message, user: User) -> Message:
    """Answer every remaining question of the check correctly; return the message offering I agree."""
    quiz = default_quiz()
    while (asked := [c for c in message.custom_ids() if c.startswith("confidant:quiz:")]) != []:
        index = int(asked[0].split(":")[-2])
        message = await (await fake.click(message, asked[quiz.questions[index].answer], user)).wait_message()
    return message


async def run_demo(out: TextIO = sys.stdout) -> int:
    """Play the scripted scenario and print the transcript; 0 when every scene behaved as expected."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord").setLevel(logging.ERROR)  # the stand-in has no voice support to warn about
    show = Transcript(out)
    with tempfile.TemporaryDirectory(prefix="confidant-demo-") as tmp:
        os.environ[DEMO_KEY_ENV] = generate_key()  # a throwaway key for a throwaway database
        storage = StorageSettings(path=Path(tmp) / "demo.db", key_env=DEMO_KEY_ENV)
        async with FakeDiscord(bot_name="Confidant") as fake:
            group = fake.add_guild(
                "Willow Recovery Circle",
                channels=("welcome", "mod-queue", "cases", "mod-log"),
                categories={"Group": ("group-chat", "check-ins")},
                roles=("Member", "Moderators"),
            )
            alice = fake.add_user("alice")
            fake.add_member(group, alice, roles=[group.role("Member")])
            gus = fake.add_user("gus")
            fake.add_member(group, gus, roles=[group.role("Member")])
            eli = fake.add_user("eli")
            fake.add_member(group, eli, roles=[group.role("Member")])
            dana = fake.add_user("dana")
            fake.add_member(group, dana, roles=[group.role("Member"), group.role("Moderators")])
            setup = GuildConfig(
                id=group.id,
                member_role="Member",
                moderator_role="Moderators",
                gate_channel="welcome",
                mod_queue_channel="mod-queue",
                cases_channel="cases",
                log_channel="mod-log",
                monitored_channels=("Group",),
            )
            bot = create_bot(Config(storage=storage, guild=(setup,)), guild_ready_timeout=0.05)

            show.scene("The bot connects")
            show.note(
                "A stand-in of Discord is listening on 127.0.0.1. Confidant logs in with its token, opens its "
                "encrypted database, loads its cogs and registers its slash commands, exactly as on the real thing."
            )
            async with fake.running(bot):
                commands = sorted(c.name for c in bot.tree.get_commands())
                show.note(
                    f"Connected as {bot.user} to {len(bot.guilds)} server ('{group.name}'); "
                    f"slash commands: {', '.join('/' + c for c in commands)}; database schema version "
                    f"{await bot.store.schema_version()}."
                )

                show.scene("A member asks for the rules")
                show.said("#group-chat", "alice", "/confidentiality")
                asked = await fake.slash("confidentiality", alice, group.channel("group-chat"))
                summary = await asked.wait_message()
                show.message("#group-chat", "Confidant", summary, alice)

                show.scene("She reads the whole agreement")
                show.said("#group-chat", "alice", "presses [ Read the whole agreement ]")
                custom_id = summary.custom_ids()[0]
                pressed = await fake.click(summary, custom_id, alice)
                full = await pressed.wait_message()
                show.message("#group-chat", "Confidant", full, alice, lines=12)
                show.note(
                    f"The whole text came in {len(full.embeds)} embed(s), visible to alice only; the button keeps "
                    "working after a restart because its id carries all it needs."
                )
                await _onboarding_scenes(fake, group, show)
                await _flagging_scenes(fake, group, alice, dana, show)
                await _report_scenes(fake, group, alice, dana, show)
                await _strike_scenes(fake, group, dana, show)
                await _mydata_scenes(fake, alice, show)
            show.scene("The bot shuts down")
            show.note("Discord connection closed; database writes finished and the database closed. Demo complete.")
    return 0
