"""Breach reports over the wire, the member's side: ways in, the form, evidence snapshots, limits, replies."""

import asyncio
import dataclasses
import logging
import sqlite3

import pytest

from bot.config import Config, GuildConfig
from bot.fakediscord import FakeDiscord, Guild, User
from models.crypto import FieldCipher
from models.records import CaseEventKind, CaseKind, CaseStatus, Decision, GuildSettings, ReportCategory, Via
from models.store import Store
from rules.agreement import default_agreement
from tests.conftest import confidant

DETAILS = "Sam posted a screenshot of my share in the Thursday check-in to their Instagram story."
QUOTED = "I told the group about my relapse last week and it's been really hard"
CATEGORY = "confidant:report:category"
TEXT = "confidant:report:details"
LINKS = "confidant:report:links"
SHARE = "confidant:report:share"
MENU_COMMAND = "Report confidentiality breach"


@pytest.fixture
def report_config(config: Config, guild: Guild) -> Config:
    """A guild with a cases channel and moderators."""
    entry = GuildConfig(
        id=guild.id, member_role="Member", moderator_role="Moderators", cases_channel="cases", log_channel="mod-log"
    )
    return dataclasses.replace(config, guild=(entry,))


@pytest.fixture
def bob(fake: FakeDiscord, guild: Guild) -> User:
    user = fake.add_user("bob")
    fake.add_member(guild, user, roles=[guild.role("Member")])
    return user


async def open_store(config: Config, key: str) -> Store:
    return Store.open(config.storage.path, FieldCipher([key]))


async def delivered(bot, case_id: int) -> None:
    """Wait until the cases cog has delivered the case (it does so after the member is told "received")."""
    for _ in range(150):
        if (await bot.store.case_by_id(case_id)).delivered_at is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"case {case_id} was not delivered")


async def file_report(fake: FakeDiscord, opened, details: str = DETAILS, **fields: object):
    """Fill in the report form the bot opened in answer to `opened`; return the submission."""
    await opened.wait_response()
    assert opened.modal is not None and opened.modal["custom_id"].startswith("confidant:report:")
    values = {CATEGORY: ["recording"], TEXT: details, **fields}
    return await fake.submit_modal(opened, values)


async def test_a_dm_gets_the_menu_once_a_minute(fake, guild, alice, report_config):
    """Any DM gets the four-choice menu; more DMs straight after it get no second menu."""
    async with fake.running(confidant(report_config)):
        dm = fake.dm_channel(alice)
        await fake.user_message(dm, alice, "hello?")
        menu = await fake.wait_for_message(to=alice)
        assert menu.custom_ids() == [
            "confidant:menu:report",
            "confidant:menu:ask",
            "confidant:menu:data",
            "confidant:menu:protect",
        ]
        assert "Report a breach" in menu.text or "Report a breach" in str(menu.components)
        for text in ("are you there", "hello??", "hi"):
            await fake.user_message(dm, alice, text)
        await fake.settle()
        assert len(fake.find_messages(to=alice)) == 1


async def test_report_from_a_dm_is_committed_anonymous_and_numbered(fake, guild, alice, report_config, key):
    """/report in DMs opens the form for the member's one group; the case is stored anonymous with its category."""
    async with fake.running(confidant(report_config)) as bot:
        opened = await fake.slash("report", alice)
        submitted = await file_report(fake, opened)
        reply = await submitted.wait_message()
        assert "case #1" in reply.text and "Support Group" in reply.text and "anonymous" in reply.text
        [case] = await bot.store.cases_by_member(alice.id, kind=CaseKind.REPORT)
        assert case.guild_id == guild.id and case.number == 1 and case.text == DETAILS
        assert case.category is ReportCategory.RECORDING and case.share_name is False
        assert await bot.store.evidence(case.id) == []
    on_disk = b"".join(p.read_bytes() for p in report_config.storage.path.parent.glob("confidant.db*"))
    assert b"Instagram" not in on_disk


async def test_report_in_the_guild_is_ephemeral_and_may_share_the_name(fake, guild, alice, report_config):
    """/report in a guild channel answers only the member; choosing to share the name is honoured."""
    async with fake.running(confidant(report_config)) as bot:
        opened = await fake.slash("report", alice, guild.channel("general"))
        submitted = await file_report(fake, opened, **{SHARE: ["named"]})
        reply = await submitted.wait_message()
        assert reply.ephemeral and reply.visible_to(alice) and "case #1" in reply.text
        assert "chose to let them see your name" in reply.text
        [case] = await bot.store.cases_by_member(alice.id)
        assert case.share_name is True
        assert not [m for m in fake.find_messages(guild.channel("general")) if not m.ephemeral]


async def test_the_right_clicked_message_is_evidence_even_after_it_is_deleted(
    fake, guild, alice, bob, report_config, key, caplog
):
    """The message command snapshots the message (author, content, attachments) encrypted; deleting it loses nothing."""
    caplog.set_level(logging.DEBUG)
    async with fake.running(confidant(report_config)) as bot:
        chat = guild.channel("group-chat")
        posted = await fake.user_message(chat, bob, QUOTED, attachments=[("screenshot.png", b"\x89PNG")])
        opened = await fake.message_command(MENU_COMMAND, alice, posted)
        await opened.wait_response()
        await fake.delete_message(posted)  # bob deletes it while alice fills in the form
        submitted = await file_report(fake, opened)
        reply = await submitted.wait_message()
        assert reply.ephemeral and "case #1" in reply.text and "copy of 1 linked message" in reply.text
        [case] = await bot.store.cases_by_member(alice.id)
        [item] = await bot.store.evidence(case.id)
        assert item.readable and item.author_id == bob.id and item.content == QUOTED
        assert item.channel_id == chat.id and item.message_id == posted.id
        assert item.attachments == ("screenshot.png",) and item.posted_at is not None
        assert item.link == f"https://discord.com/channels/{guild.id}/{chat.id}/{posted.id}"
        assert not fake.calls("GET", rf"/channels/{chat.id}/messages$")  # never the channel's history
    on_disk = b"".join(p.read_bytes() for p in report_config.storage.path.parent.glob("confidant.db*"))
    assert b"relapse" not in on_disk and b"screenshot.png" not in on_disk
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("bot", "models")]
    assert ours and not [line for line in ours if "relapse" in line or "Instagram" in line]


async def test_linked_messages_are_snapshotted_and_unreadable_links_kept_as_links(
    fake, guild, alice, bob, report_config
):
    """Links to readable messages of the group are copied; other servers, missing messages and junk stay links."""
    other = fake.add_guild("Elsewhere", channels=("general",))
    fake.add_member(other, alice)
    hidden = fake.add_channel(guild, "staff-only")
    fake.set_overwrite(hidden, guild.everyone, deny=1 << 10)  # VIEW_CHANNEL
    async with fake.running(confidant(report_config)) as bot:
        chat = guild.channel("check-ins")
        first = await fake.user_message(chat, bob, QUOTED)
        second = await fake.user_message(guild.channel("general"), bob, "and again here")
        elsewhere = await fake.user_message(other.channel("general"), alice, "in another server")
        links = "\n".join(
            [
                f"https://discord.com/channels/{guild.id}/{chat.id}/{first.id}",
                f"https://ptb.discord.com/channels/{guild.id}/{second.channel_id}/{second.id},",
                f"https://discord.com/channels/{other.id}/{elsewhere.channel_id}/{elsewhere.id}",
                f"https://canary.discord.com/channels/{guild.id}/{chat.id}/999999999999",
                f"https://discord.com/channels/{guild.id}/{hidden.id}/123456789012",
            ]
        )
        opened = await fake.slash("report", alice, guild.channel("general"))
        submitted = await file_report(fake, opened, **{LINKS: links})
        reply = await submitted.wait_message()
        assert "copy of 2 linked message" in reply.text and "3 link(s) I couldn't open" in reply.text
        [case] = await bot.store.cases_by_member(alice.id)
        items = await bot.store.evidence(case.id)
        assert [i.readable for i in items] == [True, True, False, False, False]
        assert items[0].content == QUOTED and items[1].content == "and again here"
        assert items[2].content is None and items[2].link.endswith(str(elsewhere.id))
        assert items[3].message_id == 999999999999 and items[3].content is None
        assert items[4].content is None
        assert not fake.calls("GET", rf"/channels/{other.channel('general').id}/messages")
        assert not fake.calls("GET", r"/channels/\d+/messages$")


async def test_junk_in_the_links_field_is_kept_as_an_unreadable_link(fake, guild, alice, report_config):
    """Something that isn't a message link is kept as given, marked unreadable."""
    async with fake.running(confidant(report_config)) as bot:
        submitted = await file_report(fake, await fake.slash("report", alice), **{LINKS: "https://example.com/x"})
        await submitted.wait_message()
        [case] = await bot.store.cases_by_member(alice.id)
        [item] = await bot.store.evidence(case.id)
        assert item.link == "https://example.com/x" and not item.readable


async def test_a_member_of_two_groups_picks_one_from_the_dm_menu(fake, guild, alice, report_config):
    """From the DM menu, a member of two groups chooses the group first; the report is filed there."""
    second = fake.add_guild("Second Group", channels=("general", "cases"))
    fake.add_member(second, alice)
    async with fake.running(confidant(report_config)) as bot:
        await fake.user_message(fake.dm_channel(alice), alice, "I need to report something")
        menu = await fake.wait_for_message(to=alice)
        clicked = await fake.click(menu, "confidant:menu:report", alice)
        picker = await clicked.wait_message()
        assert picker.ephemeral and "Which group" in picker.text
        options = {o["label"] for o in picker.component("confidant:pick:report")["options"]}
        assert options == {"Support Group", "Second Group"}
        picked = await fake.select(picker, "confidant:pick:report", alice, [str(second.id)])
        submitted = await file_report(fake, picked)
        reply = await submitted.wait_message()
        assert "Second Group" in reply.text and "case #1" in reply.text
        [case] = await bot.store.cases_by_member(alice.id)
        assert case.guild_id == second.id


async def test_received_is_said_only_once_the_case_is_in_the_database(fake, guild, alice, report_config, key):
    """At the moment the member's "received" reply reaches Discord, the case row is already committed."""
    seen: list[int] = []

    def committed_when_told() -> bool:
        told = [m for m in fake.find_messages(to=None, author=None) if "case #1" in m.content]
        if told and not seen:
            with sqlite3.connect(report_config.storage.path) as db:
                seen.append(db.execute("SELECT count(*) FROM cases WHERE kind = 'report'").fetchone()[0])
        return bool(told)

    async with fake.running(confidant(report_config)):
        submitted = await file_report(fake, await fake.slash("report", alice))
        await fake.wait_for(committed_when_told, what="the received reply")
        await submitted.wait_message()
    assert seen == [1]


async def test_the_daily_limit_refuses_kindly_and_takes_nothing(fake, guild, alice, report_config, key):
    """Past the guild's reports-a-day limit the member gets a kind message and no form."""
    async with await open_store(report_config, key) as store:
        await store.save_guild_settings(guild.id, GuildSettings(report_limit_per_day=2))
    async with fake.running(confidant(report_config)) as bot:
        for _ in range(2):
            await (await file_report(fake, await fake.slash("report", alice))).wait_message()
        refused = await fake.slash("report", alice)
        reply = await refused.wait_message()
        assert refused.modal is None and reply.ephemeral
        assert "2 reports" in reply.text and "contact a moderator directly" in reply.text
        assert len(await bot.store.cases_by_member(alice.id)) == 2


async def test_a_blocked_member_is_told_to_contact_a_moderator(fake, guild, alice, report_config):
    """A blocked member is told their report cannot be taken here, and no form opens."""
    async with fake.running(confidant(report_config)) as bot:
        await bot.store.block_reporter(guild.id, alice.id, blocked_by=fake.owner.id)
        refused = await fake.slash("report", alice, guild.channel("general"))
        reply = await refused.wait_message()
        assert refused.modal is None and reply.ephemeral
        assert "cannot be taken here" in reply.text and "contact a moderator" in reply.text
        assert await bot.store.cases_by_member(alice.id) == []


# fmt: off
@pytest.mark.parametrize("details, links, expected", [
    ("   \n  ",          "",                         "was empty"),
    ("x" * 1600,         "",                         "shorten it by 100 characters"),
    (DETAILS,            " ".join(["https://example.com/a"] * 1 + [f"https://e.com/{n}" for n in range(5)]),
                                                     "You gave 6 links"),
])
# fmt: on
async def test_empty_or_oversized_reports_are_explained_and_nothing_is_lost(
    fake, guild, alice, report_config, details, links, expected
):
    """An empty, too long or too linky report is explained, the text is given back, and the form can reopen."""
    async with fake.running(confidant(report_config)) as bot:
        submitted = await file_report(fake, await fake.slash("report", alice), details, **{LINKS: links})
        reply = await submitted.wait_message()
        assert reply.ephemeral and expected in reply.text
        if details.strip():
            assert details in reply.text
        assert await bot.store.cases_by_member(alice.id) == []
        [again] = reply.custom_ids()
        reopened = await fake.click(reply, again, alice)
        await reopened.wait_response()
        assert reopened.modal is not None and reopened.modal["title"] == "Report a confidentiality breach"


async def test_my_data_and_protect_are_explained_from_the_menu(fake, guild, alice, report_config):
    """My data counts what is kept; Protect my identity explains /protect without storing anything."""
    async with fake.running(confidant(report_config)):
        await (await file_report(fake, await fake.slash("report", alice))).wait_message()
        await fake.user_message(fake.dm_channel(alice), alice, "hi")
        menu = await fake.wait_for_message(to=alice, predicate=lambda m: m.custom_ids())
        data = await (await fake.click(menu, "confidant:menu:data", alice)).wait_message()
        assert "Reports you filed**: 1" in data.text and "Protected terms**: 0" in data.text
        assert "/mydata" not in data.text
        protect = await (await fake.click(menu, "confidant:menu:protect", alice)).wait_message()
        assert "/protect add" in protect.text and "/protect list" in protect.text


async def test_ask_the_moderators_opens_the_question_form(fake, guild, alice, report_config):
    """Ask the moderators opens the existing question form for the member's group."""
    async with fake.running(confidant(report_config)):
        await fake.user_message(fake.dm_channel(alice), alice, "hi")
        menu = await fake.wait_for_message(to=alice)
        asked = await fake.click(menu, "confidant:menu:ask", alice)
        await asked.wait_response()
        assert asked.modal is not None and asked.modal["custom_id"].startswith(f"confidant:ask:{guild.id}")


async def test_a_dm_while_moderators_wait_goes_to_the_case_thread_not_the_menu(fake, guild, alice, report_config):
    """While a case awaits the reporter, their DM lands in the case's thread under their alias; no menu is shown."""
    answer = "It was on Thursday, around 8pm."
    async with fake.running(confidant(report_config)) as bot:
        await (await file_report(fake, await fake.slash("report", alice))).wait_message()
        [case] = await bot.store.cases_by_member(alice.id)
        await delivered(bot, case.id)
        await bot.store.set_case_status(
            guild.id, case.number, CaseStatus.AWAITING, fake.owner.id, only_from=[CaseStatus.OPEN]
        )
        await fake.user_message(fake.dm_channel(alice), alice, answer)
        confirmed = await fake.wait_for_message(to=alice, predicate=lambda m: not m.ephemeral)
        assert "passed your answer" in confirmed.text and "case #1" in confirmed.text and not confirmed.custom_ids()
        [thread] = guild.threads
        relayed = await fake.wait_for_message(thread, predicate=lambda m: answer in m.text)
        assert "Reporter A-1" in relayed.text
        events = await bot.store.case_events(case.id)
        assert [e.text for e in events if e.kind is CaseEventKind.REPLY] == [answer]
        texts = [m.text for m in fake.find_messages(guild.channel("cases"), author=None)]
        texts += [m.text for m in fake.find_messages(thread, author=None)] + [thread.name]
        assert not [t for t in texts if str(alice.id) in t or "alice" in t]
        # Answered: the next DM gets the menu again.
        await fake.user_message(fake.dm_channel(alice), alice, "thanks")
        menu = await fake.wait_for_message(to=alice, predicate=lambda m: not m.ephemeral)
        assert "confidant:menu:report" in menu.custom_ids()


async def test_a_dm_with_two_cases_waiting_asks_which_one(fake, guild, alice, report_config, monkeypatch):
    """With two cases awaiting the reporter, a select asks which one the DM answers; the DM is read again by id."""
    async with fake.running(confidant(report_config)) as bot:
        for _ in range(2):
            await (await file_report(fake, await fake.slash("report", alice))).wait_message()
        for number in (1, 2):
            await bot.store.set_case_status(
                guild.id, number, CaseStatus.AWAITING, fake.owner.id, only_from=[CaseStatus.OPEN]
            )
        relayed: list[tuple[int, str]] = []

        async def receive_reply(case, text):
            relayed.append((case.number, text))
            return True

        monkeypatch.setattr(bot.get_cog("Cases"), "receive_reply", receive_reply, raising=False)
        answer = await fake.user_message(fake.dm_channel(alice), alice, "Yes, the Thursday one.")
        picker = await fake.wait_for_message(to=alice, predicate=lambda m: not m.ephemeral)
        [select_id] = picker.custom_ids()
        assert select_id == f"confidant:replyto:{answer.id}"
        first = (await bot.store.case(guild.id, 1)).id
        picked = await fake.select(picker, select_id, alice, [str(first)])
        await picked.wait_response()
        await fake.wait_for(lambda: relayed, what="the relayed reply")
        assert relayed == [(1, "Yes, the Thursday one.")]
        await fake.wait_for(lambda: "passed your answer" in picker.text, what="the confirmation")
        assert not picker.custom_ids()


@pytest.mark.parametrize("deleted", [False, True])
async def test_a_form_opened_before_a_restart_is_still_taken(fake, guild, alice, bob, report_config, key, deleted):
    """A report form sent after the bot restarted is filed; the right-clicked message is read again, or kept as a link."""
    chat = guild.channel("group-chat")
    async with fake.running(confidant(report_config)):
        posted = await fake.user_message(chat, bob, QUOTED)
        opened = await fake.message_command(MENU_COMMAND, alice, posted)
        await opened.wait_response()
    if deleted:
        await fake.delete_message(posted)
    async with fake.running(confidant(report_config)) as bot:
        submitted = await file_report(fake, opened)
        reply = await submitted.wait_message()
        assert "case #1" in reply.text
        [case] = await bot.store.cases_by_member(alice.id)
        assert case.text == DETAILS and case.category is ReportCategory.RECORDING
        [item] = await bot.store.evidence(case.id)
        assert (item.channel_id, item.message_id) == (chat.id, posted.id)
        if deleted:
            assert not item.readable and item.content is None
        else:
            assert item.readable and item.content == QUOTED and item.author_id == bob.id


async def test_a_former_member_who_accepted_can_still_report_but_a_stranger_cannot(
    fake, guild, alice, report_config, key
):
    """Leaving doesn't take away the right to report (what was shared while there can still out them)."""
    stranger = fake.add_user("stranger")
    fake.add_member(guild, stranger)
    async with Store.open(report_config.storage.path, FieldCipher([key])) as store:
        await store.current_agreement(guild.id, default_agreement().text)
        await store.start_onboarding(guild.id, alice.id, 1)
        await store.record_decision(guild.id, alice.id, 1, Decision.ACCEPTED, Via.DM, None)
    async with fake.running(confidant(report_config)) as bot:
        await fake.member_leave(guild, alice)
        await fake.member_leave(guild, stranger)
        farewell = await fake.wait_for_message(to=alice)
        assert "still report it privately" in farewell.text
        await fake.user_message(fake.dm_channel(alice), alice, "someone posted my story on reddit")
        menu = await fake.wait_for_message(to=alice, predicate=lambda m: "confidant:menu:report" in m.custom_ids())
        opened = await fake.click(menu, "confidant:menu:report", alice)
        reply = await (await file_report(fake, opened, **{LINKS: f"https://discord.com/channels/{guild.id}/1/2"})).wait_message()
        assert "case #1" in reply.text
        [case] = await bot.store.cases_by_member(alice.id)
        [item] = await bot.store.evidence(case.id)
        assert not item.readable  # a former member brings links, not copies of channels they can no longer see
        await fake.user_message(fake.dm_channel(stranger), stranger, "hi")
        theirs = await fake.wait_for_message(to=stranger)
        refused = await (await fake.click(theirs, "confidant:menu:report", stranger)).wait_message()
        assert "can't find a group" in refused.text
