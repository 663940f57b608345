"""Cases over the wire, the moderators' side: delivery with a thread, the buttons, the anonymous relay, the
outbox, /case and retention. Cases are opened straight in the store (the members' side files them in real use)."""

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Config, GuildConfig
from bot.fakediscord import FakeDiscord, Guild, User
from models.crypto import FieldCipher
from models.records import (
    AuditAction,
    BreachSource,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    Evidence,
    GuildSettings,
    ReportCategory,
)
from models.store import Store
from tests.conftest import confidant

REPORT = "Someone posted a screenshot of my share from Tuesday's meeting on their public account."
SNAPSHOT = "look what she said in group lol"
QUESTION = "Do you still have the screenshot, or a link to the post?"
REPLY = "Yes, it's the account I mentioned; I have a copy."
NOTE = "Checked the account: the post is still up."
OUTCOME = "Warned the member; the post was taken down."
TO_REPORTER = "We've spoken to the member and the post is gone."


@pytest.fixture
def leads(fake: FakeDiscord, guild: Guild):
    """The lead role: may unmask anonymous reporters."""
    return fake.add_role(guild, "Leads")


@pytest.fixture
def case_config(config: Config, guild: Guild, leads) -> Config:
    """A guild with a cases channel, a gate, a log channel, and a lead role."""
    entry = GuildConfig(
        id=guild.id,
        member_role="Member",
        moderator_role="Moderators",
        lead_role="Leads",
        gate_channel="welcome",
        mod_queue_channel="mod-queue",
        cases_channel="cases",
        log_channel="mod-log",
    )
    return dataclasses.replace(config, guild=(entry,))


@pytest.fixture
def lead(fake: FakeDiscord, guild: Guild, leads) -> User:
    user = fake.add_user("lead")
    fake.add_member(guild, user, roles=[guild.role("Moderators"), leads])
    return user


@pytest.fixture
def bob(fake: FakeDiscord, guild: Guild) -> User:
    """The member the report is about."""
    user = fake.add_user("bob")
    fake.add_member(guild, user, roles=[guild.role("Member")])
    return user


def evidence_by(author: User) -> list[Evidence]:
    return [
        Evidence(
            link="https://discord.com/channels/1/2/3",
            readable=True,
            channel_id=2,
            message_id=3,
            author_id=author.id,
            content=SNAPSHOT,
            attachments=("screenshot.png",),
            posted_at=datetime(2025, 3, 4, 19, 30, tzinfo=UTC),
        ),
        Evidence(link="https://discord.com/channels/1/9/99", readable=False),
    ]


async def file_report(bot, guild: Guild, reporter: User, about: User, *, share_name: bool = False, deliver=True):
    case = await bot.store.open_case(
        guild.id, CaseKind.REPORT, reporter.id, REPORT, category=ReportCategory.RECORDING,
        share_name=share_name, evidence=evidence_by(about),
    )  # fmt: skip
    if deliver:
        assert await bot.get_cog("Cases").deliver(case)
    return case


def case_channel_texts(fake: FakeDiscord, guild: Guild) -> list[str]:
    """Every non-ephemeral message in the cases channel and its threads, and the threads' names."""
    cases = guild.channel("cases")
    threads = [t for t in guild.threads if t.parent_id == cases.id]
    texts = [m.text for m in fake.find_messages(cases, author=None) if not m.ephemeral]
    for thread in threads:
        texts.append(thread.name)
        texts += [m.text for m in fake.find_messages(thread, author=None) if not m.ephemeral]
    return texts


def assert_anonymous(fake: FakeDiscord, guild: Guild, reporter: User) -> None:
    texts = case_channel_texts(fake, guild)
    assert texts
    for text in texts:
        assert str(reporter.id) not in text and reporter.name not in text, text


def post_of(fake: FakeDiscord, guild: Guild):
    [post] = [m for m in fake.find_messages(guild.channel("cases")) if not m.ephemeral]
    return fake.state.messages[post.id]


def button(post, action: str) -> str:
    return next(c for c in post.custom_ids() if c.startswith(f"confidant:case:{action}:"))


def thread_of(guild: Guild, number: int = 1):
    return guild.thread(f"Case #{number} · report")


async def press(fake: FakeDiscord, guild: Guild, action: str, user: User):
    return await fake.click(post_of(fake, guild), button(post_of(fake, guild), action), user)


async def form(fake: FakeDiscord, guild: Guild, action: str, user: User, values: dict):
    opened = await press(fake, guild, action, user)
    await opened.wait_response()
    assert opened.modal is not None, opened.responses
    return await (await fake.submit_modal(opened, values)).wait_message()


async def test_a_report_reaches_the_cases_channel_with_a_thread_and_without_the_reporter(
    fake, guild, alice, bob, case_config
):
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, alice, bob)
        post = post_of(fake, guild)
        assert "Case #1 · report" in post.text and "Reporter A-1" in post.text and "open" in post.text
        assert "a screenshot or recording" in post.text and REPORT in post.text
        assert SNAPSHOT in post.text and bob.mention in post.text and "screenshot.png" in post.text
        assert "could not be read" in post.text and "https://discord.com/channels/1/9/99" in post.text
        assert [c.split(":")[2] for c in post.custom_ids()] == [
            "ack", "ask", "note", "resolve", "dismiss", "unmask", "block",
        ]  # fmt: skip
        thread = thread_of(guild)
        assert thread.parent_id == guild.channel("cases").id and thread.id == post.id
        case = await bot.store.case(guild.id, 1)
        assert (case.channel_id, case.message_id, case.thread_id) == (guild.channel("cases").id, post.id, thread.id)
        assert case.delivered_at is not None
        assert_anonymous(fake, guild, alice)


async def test_a_reporter_who_shares_their_name_is_shown(fake, guild, alice, bob, case_config):
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, alice, bob, share_name=True)
        post = post_of(fake, guild)
        assert alice.mention in post.text and "chose to share" in post.text


async def test_acknowledge_tells_the_reporter_and_non_moderators_are_refused_everywhere(
    fake, guild, alice, bob, mod, lead, case_config
):
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, alice, bob)
        for action in ("ack", "ask", "note", "resolve", "dismiss", "unmask", "block"):
            refused = await press(fake, guild, action, bob)
            message = await refused.wait_message()
            assert message.ephemeral and "permission" in message.text and refused.modal is None, action
        unmask_by_mod = await (await press(fake, guild, "unmask", mod)).wait_message()
        assert "lead role" in unmask_by_mod.text and str(alice.id) not in unmask_by_mod.text
        done = await (await press(fake, guild, "ack", mod)).wait_message()
        assert "acknowledged" in done.text and "told" in done.text
        told = await fake.wait_for_message(to=alice)
        assert "have seen your report (case #1)" in told.text and "mod" not in told.text.replace("moderators", "")
        assert "acknowledged" in post_of(fake, guild).text
        assert [c.split(":")[2] for c in post_of(fake, guild).custom_ids()][0] == "ask"
        await fake.wait_for_message(thread_of(guild), predicate=lambda m: "Acknowledged by" in m.text)
        assert (await bot.store.case(guild.id, 1)).status is CaseStatus.ACKNOWLEDGED
        assert not await bot.store.is_blocked(guild.id, alice.id)
        assert_anonymous(fake, guild, alice)
    async with Store.open(case_config.storage.path, FieldCipher.from_env("CONFIDANT_KEY")) as store:
        entries = await store.audit_entries(guild.id)
    assert [(e.action, e.actor_id, e.subject_id) for e in entries] == [(AuditAction.CASE_STATUS, mod.id, None)]


async def test_ask_reporter_relays_both_ways_without_names(fake, guild, alice, bob, mod, case_config):
    async with fake.running(confidant(case_config)) as bot:
        case = await file_report(bot, guild, alice, bob)
        sent = await form(fake, guild, "ask", mod, {"confidant:case:ask-text": QUESTION})
        assert "sent to the reporter" in sent.text
        asked = await fake.wait_for_message(to=alice)
        assert QUESTION in asked.text and "case #1" in asked.text
        assert "mod" not in asked.text.replace("moderators", "") and str(mod.id) not in asked.text
        assert (await bot.store.case(guild.id, 1)).status is CaseStatus.AWAITING
        assert "awaiting the reporter" in post_of(fake, guild).text
        await fake.wait_for_message(thread_of(guild), predicate=lambda m: QUESTION in m.text)
        # The reporter answers with the Reply button; only they may press it.
        refused = await (await fake.click(asked, asked.custom_ids()[0], bob)).wait_message()
        assert "for the member the moderators asked" in refused.text
        opened = await fake.click(asked, asked.custom_ids()[0], alice)
        await opened.wait_response()
        thanks = await (await fake.submit_modal(opened, {"confidant:case-reply:text": REPLY})).wait_message()
        assert "passed to the moderators" in thanks.text
        relayed = await fake.wait_for_message(thread_of(guild), predicate=lambda m: REPLY in m.text)
        assert "Reporter A-1" in relayed.text
        assert (await bot.store.case(guild.id, 1)).status is CaseStatus.ACKNOWLEDGED
        # A reply by DM (the members' side calls receive_reply) lands the same way.
        assert await bot.get_cog("Cases").receive_reply(case, "One more thing: it was posted at 9pm.")
        await fake.wait_for_message(thread_of(guild), predicate=lambda m: "9pm" in m.text)
        kinds = [e.kind for e in await bot.store.case_events(case.id)]
        assert kinds.count(CaseEventKind.ASKED) == 1 and kinds.count(CaseEventKind.REPLY) == 2
        assert_anonymous(fake, guild, alice)


async def test_an_anonymous_reporter_with_closed_dms_sees_the_question_in_report_never_in_a_thread(
    fake, guild, bob, mod, case_config
):
    """A thread opened for them would show who filed the report; the question waits for their next /report."""
    closed = fake.add_user("closed", dms_open=False)
    fake.add_member(guild, closed, roles=[guild.role("Member")])
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, closed, bob)
        told = await form(fake, guild, "ask", mod, {"confidant:case:ask-text": QUESTION})
        assert "the next time they use `/report`" in told.text
        assert not [t for t in guild.threads if t.parent_id == guild.channel("welcome").id]
        assert (await bot.store.case(guild.id, 1)).status is CaseStatus.AWAITING
        shown = await (await fake.slash("report", closed, guild.channel("general"))).wait_message()
        assert shown.ephemeral and QUESTION in shown.text and "case #1" in shown.text
        reply = next(c for c in shown.custom_ids() if c.startswith("confidant:case-reply:"))
        opened = await fake.click(shown, reply, closed)
        await opened.wait_response()
        await (await fake.submit_modal(opened, {"confidant:case-reply:text": REPLY})).wait_message()
        relayed = await fake.wait_for_message(thread_of(guild), predicate=lambda m: REPLY in m.text)
        assert "Reporter A-1" in relayed.text
        assert_anonymous(fake, guild, closed)
        again = await fake.slash("report", closed, guild.channel("general"))
        await again.wait_response()
        assert again.modal is not None  # nothing waits any more: /report opens the form


async def test_ask_reaches_a_named_reporter_with_closed_dms_in_a_private_gate_thread(
    fake, guild, bob, mod, case_config
):
    closed = fake.add_user("closed", dms_open=False)
    fake.add_member(guild, closed, roles=[guild.role("Member")])
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, closed, bob, share_name=True)
        await form(fake, guild, "ask", mod, {"confidant:case:ask-text": QUESTION})
        asked = await fake.wait_for_message(predicate=lambda m: QUESTION in m.text and closed.mention in m.text)
        thread = fake.state.channels[asked.channel_id]
        assert thread.parent_id == guild.channel("welcome").id and thread.type == 12
        assert "Case" not in thread.name
        opened = await fake.click(asked, asked.custom_ids()[0], closed)
        await opened.wait_response()
        await (await fake.submit_modal(opened, {"confidant:case-reply:text": REPLY})).wait_message()
        relayed = await fake.wait_for_message(thread_of(guild), predicate=lambda m: REPLY in m.text)
        assert closed.mention in relayed.text  # they chose to share their name


async def test_add_note_is_internal(fake, guild, alice, bob, mod, case_config):
    async with fake.running(confidant(case_config)) as bot:
        case = await file_report(bot, guild, alice, bob)
        added = await form(fake, guild, "note", mod, {"confidant:case:note-text": NOTE})
        assert "note was added" in added.text
        noted = await fake.wait_for_message(thread_of(guild), predicate=lambda m: NOTE in m.text)
        assert mod.mention in noted.text
        assert not fake.find_messages(to=alice)
        [event] = await bot.store.case_events(case.id)
        assert (event.kind, event.actor_id, event.text) == (CaseEventKind.NOTE, mod.id, NOTE)


async def test_resolve_with_a_warning_records_the_breach_and_tells_the_reporter(
    fake, guild, alice, bob, mod, case_config
):
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, alice, bob)
        opened = await press(fake, guild, "resolve", mod)
        await opened.wait_response()
        fields = {c["custom_id"]: c for c in _walk(opened.modal["components"]) if "custom_id" in c}
        assert [int(d["id"]) for d in fields["confidant:case:resolve-member"]["default_values"]] == [bob.id]
        # A warning without the member in breach is refused, and nothing is closed.
        no_member = await fake.submit_modal(
            opened, {"confidant:case:resolve-action": ["warning"], "confidant:case:resolve-member": [],
                     "confidant:case:resolve-outcome": OUTCOME},
        )  # fmt: skip
        assert "choose the member" in (await no_member.wait_message()).text
        assert (await bot.store.case(guild.id, 1)).status is CaseStatus.OPEN
        done = await form(fake, guild, "resolve", mod, {
            "confidant:case:resolve-action": ["warning"], "confidant:case:resolve-member": [bob],
            "confidant:case:resolve-outcome": OUTCOME, "confidant:case:resolve-note": TO_REPORTER,
            "confidant:case:resolve-support": True,
        })  # fmt: skip
        assert "resolved" in done.text and "breach" in done.text and "told" in done.text
        told = await fake.wait_for_message(to=alice)
        assert "has been resolved" in told.text and TO_REPORTER in told.text and "support" in told.text
        assert OUTCOME not in told.text and bob.name not in told.text
        case = await bot.store.case(guild.id, 1)
        assert (case.status, case.subject_id, case.outcome, case.reporter_note) == (
            CaseStatus.RESOLVED, bob.id, OUTCOME, TO_REPORTER,
        )  # fmt: skip
        breaches = await bot.store.breaches(guild.id, bob.id)
        assert [(b.source, b.ref, b.confirmed_by) for b in breaches] == [(BreachSource.CASE, 1, mod.id)]
        post = post_of(fake, guild)
        assert "resolved" in post.text and OUTCOME in post.text and "a warning" in post.text
        assert [c.split(":")[2] for c in post.custom_ids()] == ["note", "unmask", "block"]
        await fake.wait_for_message(thread_of(guild), predicate=lambda m: "Resolved" in m.text)
        assert_anonymous(fake, guild, alice)


async def test_dismiss_tells_the_reporter_with_the_note(fake, guild, alice, bob, mod, case_config):
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, alice, bob)
        await fake.click(post_of(fake, guild), button(post_of(fake, guild), "ack"), mod)
        await fake.wait_for_message(to=alice)
        done = await form(fake, guild, "dismiss", mod, {
            "confidant:case:dismiss-outcome": "Not a breach: the post was the member's own story.",
            "confidant:case:dismiss-note": "It was their own story to share.",
        })  # fmt: skip
        assert "dismissed" in done.text
        told = await fake.wait_for_message(to=alice)
        assert "closed without action" in told.text and "their own story to share" in told.text
        case = await bot.store.case(guild.id, 1)
        assert case.status is CaseStatus.DISMISSED and case.subject_id is None
        assert await bot.store.breaches(guild.id, bob.id) == []
        again = await (await press(fake, guild, "note", mod)).wait_response()
        assert again.type == 9  # notes still work on a closed case


async def test_only_a_lead_can_unmask_and_each_unmask_is_recorded(fake, guild, alice, bob, mod, lead, case_config):
    async with fake.running(confidant(case_config)) as bot:
        case = await file_report(bot, guild, alice, bob)
        refused = await (await press(fake, guild, "unmask", mod)).wait_message()
        assert "lead role" in refused.text and alice.mention not in refused.text
        shown = await (await press(fake, guild, "unmask", lead)).wait_message()
        assert shown.ephemeral and shown.visible_to(lead) and alice.mention in shown.text
        await fake.wait_for_message(thread_of(guild), predicate=lambda m: "unmasked by" in m.text)
        await fake.wait_for(lambda: "unmasked by a lead 1×" in post_of(fake, guild).text)
        events = await bot.store.case_events(case.id)
        assert [(e.kind, e.actor_id) for e in events] == [(CaseEventKind.UNMASKED, lead.id)]
        entries = await bot.store.audit_entries(guild.id)
        assert [(e.action, e.actor_id, e.subject_id) for e in entries] == [(AuditAction.UNMASK, lead.id, None)]
        assert_anonymous(fake, guild, alice)


async def test_block_does_not_unmask_and_can_be_undone(fake, guild, alice, bob, mod, case_config):
    async with fake.running(confidant(case_config)) as bot:
        case = await file_report(bot, guild, alice, bob)
        blocked = await (await press(fake, guild, "block", mod)).wait_message()
        assert "can no longer file reports" in blocked.text and str(alice.id) not in blocked.text
        assert await bot.store.is_blocked(guild.id, alice.id)
        await fake.wait_for_message(thread_of(guild), predicate=lambda m: "blocked the reporter" in m.text)
        await fake.wait_for(lambda: "blocked from filing" in post_of(fake, guild).text)
        assert "Unblock reporter" in str(post_of(fake, guild).components)
        assert_anonymous(fake, guild, alice)
        await (await press(fake, guild, "block", mod)).wait_message()
        assert not await bot.store.is_blocked(guild.id, alice.id)
        kinds = [e.kind for e in await bot.store.case_events(case.id)]
        assert kinds == [CaseEventKind.BLOCKED, CaseEventKind.BLOCKED]
        entries = await bot.store.audit_entries(guild.id)
        assert {(e.action, e.subject_id) for e in entries} == {(AuditAction.REPORTER_BLOCKED, None)}


async def test_a_case_waits_while_the_cases_channel_is_missing_and_arrives_after_a_restart(
    fake, guild, alice, bob, case_config
):
    entry = dataclasses.replace(case_config.guild[0], cases_channel="new-cases")
    config = dataclasses.replace(case_config, guild=(entry,))
    async with fake.running(confidant(config)) as bot:
        cog = bot.get_cog("Cases")
        first = await file_report(bot, guild, alice, bob, deliver=False)
        second = await file_report(bot, guild, alice, bob, deliver=False)
        assert not await cog.deliver(first) and not await cog.deliver(second)
        waiting = await bot.store.undelivered_cases()
        assert [c.number for c in waiting] == [1, 2] and all(c.attempts == 1 for c in waiting)
        late = fake.find_messages(guild.channel("mod-log"))
        assert len(late) == 1 and "cases_channel" in late[0].text and "waiting" in late[0].text
        assert str(alice.id) not in late[0].text and REPORT not in late[0].text
        pending = await (
            await fake.slash("case pending", bot_mod(fake, guild), guild.channel("general"))
        ).wait_message()
        assert "#1" in pending.text and "#2" in pending.text and pending.ephemeral
    channel = fake.add_channel(guild, "new-cases")
    async with fake.running(confidant(config)) as bot:
        await fake.wait_for(lambda: len(fake.find_messages(channel)) == 2, timeout=5)
        assert [m.text.split("\n")[0][:14] for m in fake.find_messages(channel)] == ["**Case #1 · re", "**Case #2 · re"]
        await fake.wait_for_call("POST", rf"/channels/{channel.id}/messages/\d+/threads", count=2)
        await fake.wait_for(lambda: len(guild.threads) == 2)
        assert await eventually(lambda: bot.store.undelivered_cases(), []) == []
        assert guild.thread("Case #2 · report").parent_id == channel.id


def bot_mod(fake: FakeDiscord, guild: Guild) -> User:
    user = fake.add_user(f"mod{len(fake.state.users)}")
    fake.add_member(guild, user, roles=[guild.role("Moderators")])
    return user


async def test_a_case_the_bot_cannot_post_reaches_the_channel_once_the_fault_clears(
    fake, guild, alice, bob, mod, case_config
):
    cases = guild.channel("cases")
    async with fake.running(confidant(case_config)) as bot:
        cog = bot.get_cog("Cases")
        case = await file_report(bot, guild, alice, bob, deliver=False)
        fake.fail_next("POST", rf"/channels/{cases.id}/messages", 403)
        assert not await cog.deliver(case)
        late = await fake.wait_for_message(guild.channel("mod-log"))
        assert "can't post" in late.text and "403" in late.text
        await cog.outbox_tick(now=datetime.now(UTC))  # not due yet: backing off
        assert (await bot.store.case(guild.id, 1)).delivered_at is None
        assert (await bot.store.case(guild.id, 1)).attempts == 1
        await cog.outbox_tick(now=datetime.now(UTC) + timedelta(minutes=5))
        assert (await bot.store.case(guild.id, 1)).delivered_at is not None
        assert "Reporter A-1" in post_of(fake, guild).text
        assert len(fake.find_messages(guild.channel("mod-log"))) == 1


async def test_a_reply_before_delivery_is_kept_and_posted_on_delivery(fake, guild, alice, bob, case_config):
    entry = dataclasses.replace(case_config.guild[0], cases_channel=None)
    async with fake.running(confidant(dataclasses.replace(case_config, guild=(entry,)))) as bot:
        case = await file_report(bot, guild, alice, bob, deliver=False)
        assert not await bot.get_cog("Cases").receive_reply(case, REPLY)
        assert [e.kind for e in await bot.store.case_events(case.id)] == [CaseEventKind.REPLY]


async def test_case_view_list_and_pending(fake, guild, alice, bob, mod, case_config):
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, alice, bob)
        await fake.click(post_of(fake, guild), button(post_of(fake, guild), "ack"), mod)
        await fake.wait_for_message(to=alice)
        await form(fake, guild, "note", mod, {"confidant:case:note-text": NOTE})
        general = guild.channel("general")
        refused = await (await fake.slash("case view", alice, general, number=1)).wait_message()
        assert "permission" in refused.text
        shown = await (await fake.slash("case view", mod, general, number=1)).wait_message()
        assert shown.ephemeral and REPORT in shown.text and SNAPSHOT in shown.text and "Reporter A-1" in shown.text
        assert NOTE in shown.text and "acknowledged" in shown.text and str(alice.id) not in shown.text
        listed = await (await fake.slash("case list", mod, general)).wait_message()
        assert "#1" in listed.text and "report" in listed.text and "acknowledged" in listed.text
        none = await (await fake.slash("case list", mod, general, status="resolved")).wait_message()
        assert "No cases" in none.text
        pending = await (await fake.slash("case pending", mod, general)).wait_message()
        assert "No cases are waiting" in pending.text
        missing = await (await fake.slash("case view", mod, general, number=7)).wait_message()
        assert "can't find" in missing.text


async def test_retention_purges_evidence_and_the_reporter_after_the_configured_days(
    fake, guild, alice, bob, mod, case_config
):
    async with Store.open(case_config.storage.path, FieldCipher.from_env("CONFIDANT_KEY")) as store:
        await store.save_guild_settings(guild.id, GuildSettings(report_retention_days=30))
    async with fake.running(confidant(case_config)) as bot:
        cog = bot.get_cog("Cases")
        case = await file_report(bot, guild, alice, bob)
        await form(fake, guild, "dismiss", mod, {"confidant:case:dismiss-outcome": "Not a breach."})
        await fake.wait_for_message(to=alice)
        await cog.outbox_tick(now=datetime.now(UTC) + timedelta(days=29))
        assert (await bot.store.case(guild.id, 1)).member_id == alice.id
        assert len(await bot.store.evidence(case.id)) == 2
        await cog.outbox_tick(now=datetime.now(UTC) + timedelta(days=31))
        purged = await bot.store.case(guild.id, 1)
        assert purged.purged_at is not None and purged.member_id != alice.id
        assert purged.outcome == "Not a breach." and purged.status is CaseStatus.DISMISSED
        assert await bot.store.evidence(case.id) == []
        await fake.wait_for(lambda: "purged under retention" in post_of(fake, guild).text)
        assert SNAPSHOT not in post_of(fake, guild).text
        assert [c.split(":")[2] for c in post_of(fake, guild).custom_ids()] == ["note"]


async def eventually(read, wanted, timeout: float = 3.0):
    """Re-read an async value until it equals `wanted` (or the time is up); return the last value read."""
    deadline = asyncio.get_running_loop().time() + timeout
    value = await read()
    while value != wanted and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
        value = await read()
    return value


def _walk(components):
    for comp in components:
        yield comp
        yield from _walk(comp.get("components", []))
        if isinstance(comp.get("component"), dict):
            yield from _walk([comp["component"]])


async def test_case_settings_are_for_admins_and_change_retention_and_support(fake, guild, alice, mod, case_config):
    admin = fake.add_user("admin")
    fake.add_member(guild, admin, roles=[fake.add_role(guild, "Admins", permissions=1 << 5)])  # Manage Server
    async with fake.running(confidant(case_config)) as bot:
        general = guild.channel("general")
        refused = await (await fake.slash("case settings", mod, general, retention_days=7)).wait_message()
        assert "permission" in refused.text
        shown = await (await fake.slash("case settings", admin, general)).wait_message()
        assert "90 days" in shown.text and "findahelpline" in shown.text and "(default)" in shown.text
        text = "Samaritans: 116 123, any time."
        saved = await (
            await fake.slash("case settings", admin, general, retention_days=7, support_resources=text)
        ).wait_message()
        assert "Saved" in saved.text and "7 days" in saved.text and text in saved.text
        settings = await bot.store.get_guild_settings(guild.id)
        assert (settings.report_retention_days, settings.support_resources) == (7, text)
        await (await fake.slash("case settings", admin, general, support_resources="default")).wait_message()
        assert (await bot.store.get_guild_settings(guild.id)).support_resources is None


async def test_a_question_filed_without_a_cases_channel_arrives_later_with_its_answer_button(
    fake, guild, alice, case_config
):
    entry = dataclasses.replace(case_config.guild[0], cases_channel="new-cases")
    async with fake.running(confidant(dataclasses.replace(case_config, guild=(entry,)))) as bot:
        cog = bot.get_cog("Cases")
        case = await bot.store.open_case(guild.id, CaseKind.QUESTION, alice.id, "May I bring a friend?")
        assert not await cog.deliver(case)
        channel = fake.add_channel(guild, "new-cases")
        await fake.settle()
        await cog.outbox_tick(now=datetime.now(UTC) + timedelta(minutes=5))
        [post] = fake.find_messages(channel)
        assert "May I bring a friend?" in post.text and alice.mention in post.text
        assert post.custom_ids() == [f"confidant:case:answer:{guild.id}:1"]


async def test_case_support_sends_the_resources_privately(fake, guild, alice, bob, mod, case_config):
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, alice, bob)
        done = await (
            await fake.slash("case support", mod, guild.channel("general"), number=1, member=bob)
        ).wait_message()
        assert "were sent privately" in done.text
        sent = await fake.wait_for_message(to=bob)
        assert "findahelpline" in sent.text and "case" not in sent.text.casefold()
        await fake.wait_for_message(thread_of(guild), predicate=lambda m: "support resources" in m.text)


async def test_an_anonymous_reporter_with_closed_dms_sees_status_notices_at_their_next_report(
    fake, guild, bob, mod, case_config
):
    closed = fake.add_user("closed", dms_open=False)
    fake.add_member(guild, closed, roles=[guild.role("Member")])
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, closed, bob)
        done = await form(fake, guild, "resolve", mod, {
            "confidant:case:resolve-action": ["none"], "confidant:case:resolve-member": [],
            "confidant:case:resolve-outcome": OUTCOME, "confidant:case:resolve-note": TO_REPORTER,
        })  # fmt: skip
        assert "next time they use `/report`" in done.text
        assert not [t for t in guild.threads if t.parent_id == guild.channel("welcome").id]
        shown = await (await fake.slash("report", closed, guild.channel("general"))).wait_message()
        assert shown.ephemeral and "case #1" in shown.text and TO_REPORTER in shown.text
        again = await fake.slash("report", closed, guild.channel("general"))
        await again.wait_response()
        assert again.modal is not None  # shown once: now /report opens the form
        assert_anonymous(fake, guild, closed)


async def test_case_buttons_work_after_a_restart(fake, guild, alice, bob, mod, case_config):
    async with fake.running(confidant(case_config)) as bot:
        await file_report(bot, guild, alice, bob)
    async with fake.running(confidant(case_config)) as bot:
        done = await (await press(fake, guild, "ack", mod)).wait_message()
        assert "acknowledged" in done.text
        assert (await bot.store.case(guild.id, 1)).status is CaseStatus.ACKNOWLEDGED
        await fake.wait_for_message(to=alice)
