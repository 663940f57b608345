"""Onboarding over the wire: the agreement on join, the consent ledger, the member role, and the gate fallback."""

import asyncio
import dataclasses
import logging
from datetime import timedelta

import discord
import pytest

from bot.config import Config, GuildConfig
from bot.fakediscord import FakeDiscord, Guild, Perm, User
from models.crypto import FieldCipher
from models.records import AuditAction, CaseKind, CaseStatus, Decision, GuildSettings, OnboardingState, Via
from models.store import Store
from rules.agreement import default_agreement, default_quiz
from tests.conftest import confidant

ROLE_PUT = r"/guilds/{g}/members/{u}/roles/{r}$"


@pytest.fixture
def quiz_config(config: Config, guild: Guild) -> Config:
    """Settings with the guild's roles and channels named in a [[guild]] entry; the check is on (the default)."""
    entry = GuildConfig(
        id=guild.id,
        member_role="Member",
        moderator_role="Moderators",
        gate_channel="#Welcome",
        cases_channel="cases",
        log_channel="mod-log",
    )
    return dataclasses.replace(config, guild=(entry,))


@pytest.fixture
async def setup_config(quiz_config: Config, guild: Guild, key: str) -> Config:
    """The same settings with the comprehension check turned off in the database, for tests about consent itself."""
    await quiz_off(quiz_config, key, guild)
    return quiz_config


async def quiz_off(config: Config, key: str, guild: Guild) -> None:
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        await store.save_guild_settings(guild.id, GuildSettings(quiz_enabled=False))


@pytest.fixture
def newcomer(fake: FakeDiscord) -> User:
    """Someone about to join, with DMs open."""
    return fake.add_user("newcomer")


def ids(guild: Guild, user: User, version: int = 1) -> dict[str, str]:
    return {a: f"confidant:{a}:{guild.id}:{version}:{user.id}" for a in ("agree", "question", "decline")}


def role_put(guild: Guild, user: User) -> str:
    return ROLE_PUT.format(g=guild.id, u=user.id, r=guild.role("Member").id)


async def ledger(config: Config, key: str, guild: Guild, user: User):
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        return await store.consents(guild.id, user.id), await store.onboarding(guild.id, user.id)


async def test_join_dm_agree_grants_role_and_records_consent(fake, guild, newcomer, setup_config, key):
    """A newcomer gets the agreement by DM with three buttons; I agree gives the role, records it, confirms by DM."""
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        assert dm.custom_ids() == list(ids(guild, newcomer).values())
        assert default_agreement().title in dm.text and "stays here" in dm.text
        click = await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))
        reply = await click.wait_message()
        assert "/report" in reply.text and "direct message" in reply.text
        assert guild.role("Member").id in fake.member(guild, newcomer).roles
        audit = await bot.store.audit_entries(guild.id, subject_id=newcomer.id)
    assert [e.action for e in audit] == [AuditAction.CONSENT]
    consents, onboarding = await ledger(setup_config, key, guild, newcomer)
    assert [(c.decision, c.via, c.version) for c in consents] == [(Decision.ACCEPTED, Via.DM, 1)]
    assert consents[0].text_sha256 == default_agreement().sha256
    assert consents[0].channel_id == dm.channel_id
    assert onboarding.state is OnboardingState.ACCEPTED and onboarding.role_granted_at is not None


async def test_pending_member_gets_the_role_only_after_screening(fake, guild, newcomer, setup_config):
    """A member still in Rules Screening who accepts gets the role only when Discord clears `pending`."""
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, newcomer, pending=True)
        dm = await fake.wait_for_message(to=newcomer)
        click = await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        reply = await click.wait_message()
        assert "screening" in reply.text
        assert not fake.calls("PUT", role_put(guild, newcomer))
        await fake.member_update(guild, newcomer, pending=False)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))
        assert guild.role("Member").id in fake.member(guild, newcomer).roles


async def test_closed_dms_use_a_private_thread_in_the_gate(fake, guild, setup_config, key):
    """With DMs closed the agreement goes to a private gate thread with only the member added; it works there."""
    bob = fake.add_user("bob", dms_open=False)
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, bob)
        await fake.wait_for(lambda: guild.threads, what="a gate thread")
        [thread] = guild.threads
        message = await fake.wait_for_message(thread)
        assert thread.parent_id == guild.channel("welcome").id and thread.type == 12
        assert set(thread.thread_members) == {fake.bot_user.id, bob.id}
        assert bob.mention in message.content and message.custom_ids() == list(ids(guild, bob).values())
        assert not fake.find_messages(guild.channel("welcome"), author=None)
        click = await fake.click(message, ids(guild, bob)["agree"], bob)
        await fake.wait_for_call("PUT", role_put(guild, bob))
        reply = await click.wait_message()
        assert reply.ephemeral and reply.visible_to(bob)
    consents, _ = await ledger(setup_config, key, guild, bob)
    assert [(c.via, c.channel_id) for c in consents] == [(Via.GATE, thread.id)]


async def test_others_cannot_answer_for_the_member(fake, guild, setup_config):
    """A moderator pressing I agree in a member's gate thread is told the buttons are not theirs; nothing changes."""
    bob = fake.add_user("bob", dms_open=False)
    mod = fake.add_user("mod")
    fake.add_member(guild, mod, roles=[guild.role("Moderators")])
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, bob)
        await fake.wait_for(lambda: guild.threads, what="a gate thread")
        message = await fake.wait_for_message(guild.threads[0])
        click = await fake.click(message, ids(guild, bob)["agree"], mod)
        response = await click.wait_response()
        assert response.ephemeral and "for the member" in response.data["content"]
        assert not fake.calls("PUT", r"/roles/")


async def test_decline_is_recorded_kindly_without_a_role(fake, guild, newcomer, setup_config, key):
    """Decline records a declined consent, answers kindly pointing to /agreement accept, and gives no role."""
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        click = await fake.click(dm, ids(guild, newcomer)["decline"], newcomer)
        reply = await click.wait_message()
        assert "/agreement accept" in reply.text and "any time" in reply.text
        assert not fake.calls("PUT", r"/roles/") and not fake.calls("DELETE", r"/members/")
    consents, onboarding = await ledger(setup_config, key, guild, newcomer)
    assert [c.decision for c in consents] == [Decision.DECLINED]
    assert onboarding.state is OnboardingState.DECLINED


async def test_double_click_grants_the_role_once(fake, guild, newcomer, setup_config, key):
    """Two quick presses of I agree give the role with a single request and record a single consent."""
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        custom_id = ids(guild, newcomer)["agree"]
        first, second = await asyncio.gather(fake.click(dm, custom_id, newcomer), fake.click(dm, custom_id, newcomer))
        await first.wait_response()
        await second.wait_response()
        assert len(fake.calls("PUT", role_put(guild, newcomer))) == 1
    consents, _ = await ledger(setup_config, key, guild, newcomer)
    assert len(consents) == 1


async def test_outdated_button_shows_the_current_version(fake, guild, newcomer, setup_config, key):
    """A press on an older version's button explains and shows the current version with fresh buttons."""
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        await bot.store.publish_agreement(guild.id, "# New\n\nText v2.", fake.owner.id)
        click = await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        reply = await click.wait_message()
        assert "updated its agreement" in reply.text and "Text v2." in reply.text
        assert reply.custom_ids() == list(ids(guild, newcomer, version=2).values())
        assert not fake.calls("PUT", r"/roles/")


async def test_buttons_work_after_a_restart(fake, guild, newcomer, setup_config):
    """An agreement DM sent before a restart can still be accepted after it."""
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
    async with fake.running(confidant(setup_config)):
        click = await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))
        assert "/report" in (await click.wait_message()).text


async def test_rejoin_after_accepting_gets_the_role_without_asking(fake, guild, newcomer, setup_config):
    """A member who accepted the current version, left and rejoined gets the role back and a welcome, no agreement."""
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        await (await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)).wait_response()
        await fake.member_leave(guild, newcomer)
        await fake.member_join(guild, newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer), count=2)
        await fake.wait_for_message(to=newcomer, predicate=lambda m: "Welcome back" in m.text)
        assert len([m for m in fake.find_messages(to=newcomer) if m.custom_ids()]) == 1


async def test_agreement_show_is_private(fake, guild, alice, setup_config):
    """/agreement show answers only the member who asked, with the whole current text."""
    async with fake.running(confidant(setup_config)):
        it = await fake.slash("agreement show", alice, guild.channel("general"))
        reply = await it.wait_message()
        assert reply.ephemeral and reply.visible_to(alice) and not reply.visible_to(fake.add_user("eve"))
        assert "No screenshots" in reply.text and not reply.custom_ids()


async def test_agreement_accept_offers_the_buttons_again(fake, guild, alice, setup_config):
    """/agreement accept shows the agreement privately with buttons for the member who asked."""
    async with fake.running(confidant(setup_config)):
        it = await fake.slash("agreement accept", alice, guild.channel("general"))
        reply = await it.wait_message()
        assert reply.ephemeral and reply.custom_ids() == list(ids(guild, alice).values())


async def test_agreement_status_is_for_moderators_only(fake, guild, alice, newcomer, setup_config):
    """/agreement status is refused to a plain member and shows counts and who is waiting to a moderator."""
    mod = fake.add_user("mod")
    fake.add_member(guild, mod, roles=[guild.role("Moderators")])
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, newcomer)
        await fake.wait_for_message(to=newcomer)
        refused = await fake.slash("agreement status", alice, guild.channel("general"))
        assert "permission" in (await refused.wait_message()).text
        allowed = await fake.slash("agreement status", mod, guild.channel("mod-queue"))
        reply = await allowed.wait_message()
        assert reply.ephemeral and "Waiting for an answer: **1**" in reply.text and newcomer.mention in reply.text
        one = await fake.slash("agreement status", mod, guild.channel("mod-queue"), member=newcomer)
        assert "pending (version 1)" in (await one.wait_message()).text


async def test_bot_below_the_member_role_is_reported_once(fake, guild, setup_config):
    """When the bot's role sits below the member role, the log channel hears it once with the fix; members are told."""
    guild.role("Member").position = 10
    first, second = fake.add_user("first"), fake.add_user("second")
    async with fake.running(confidant(setup_config)):
        for user in (first, second):
            await fake.member_join(guild, user)
            dm = await fake.wait_for_message(to=user)
            click = await fake.click(dm, ids(guild, user)["agree"], user)
            assert "moderator will let you in" in (await click.wait_message()).text
        reports = [m for m in fake.find_messages(guild.channel("mod-log")) if "my role" in m.text]
        assert len(reports) == 1 and "drag my role above Member" in reports[0].text
        assert not fake.calls("PUT", r"/roles/")


async def test_without_private_threads_the_gate_offers_an_ephemeral_flow(fake, config, key):
    """Where the bot may not create private threads, #welcome gets a button that shows the agreement privately."""
    group = fake.add_guild(
        "Group", channels=("welcome", "mod-log"), roles=("Member",), bot_permissions=Perm.MANAGE_ROLES
    )
    fake.set_overwrite(group.channel("welcome"), fake.bot_user, deny=Perm.CREATE_PRIVATE_THREADS)
    entry = GuildConfig(id=group.id, member_role="Member", gate_channel="welcome", log_channel="mod-log")
    bob = fake.add_user("bob", dms_open=False)
    await quiz_off(config, key, group)
    async with fake.running(confidant(dataclasses.replace(config, guild=(entry,)))):
        await fake.member_join(group, bob)
        notice = await fake.wait_for_message(group.channel("welcome"))
        assert bob.mention in notice.content and "No screenshots" not in notice.text and not group.threads
        opened = await fake.click(notice, f"confidant:gate:read:{group.id}", bob)
        private = await opened.wait_message()
        assert private.ephemeral and private.visible_to(bob) and "No screenshots" in private.text
        click = await fake.click(private, ids(group, bob)["agree"], bob)
        await fake.wait_for_call("PUT", role_put(group, bob))
        assert (await click.wait_message()).ephemeral


# --- the comprehension check ---------------------------------------------------------------------------------------


def quiz_ids(guild: Guild, user: User, question: int, version: int = 1) -> list[str]:
    options = default_quiz().questions[question].options
    return [f"confidant:quiz:{guild.id}:{version}:{user.id}:{question}:{o}" for o in range(len(options))]


def right(guild: Guild, user: User, question: int) -> str:
    return quiz_ids(guild, user, question)[default_quiz().questions[question].answer]


def wrong(guild: Guild, user: User, question: int) -> str:
    return next(c for c in quiz_ids(guild, user, question) if c != right(guild, user, question))


async def start_check(fake: FakeDiscord, guild: Guild, user: User):
    """Join, press I agree on the DM, and return the ephemeral message showing the first question."""
    await fake.member_join(guild, user)
    dm = await fake.wait_for_message(to=user)
    return await (await fake.click(dm, ids(guild, user)["agree"], user)).wait_message()


async def test_agree_before_the_check_starts_it_instead_of_granting(fake, guild, newcomer, quiz_config, key):
    """Pressing I agree with the check on shows the first question privately and records no consent or role."""
    async with fake.running(confidant(quiz_config)):
        first = await start_check(fake, guild, newcomer)
        assert first.ephemeral and "Question 1 of" in first.text
        assert default_quiz().questions[0].question in first.text
        assert first.custom_ids() == quiz_ids(guild, newcomer, 0)
        assert not fake.calls("PUT", r"/roles/")
    consents, _ = await ledger(quiz_config, key, guild, newcomer)
    assert consents == []


async def test_wrong_answer_explains_the_rule_and_lets_the_member_retry(fake, guild, newcomer, quiz_config):
    """A wrong answer shows the rule's explanation and the same question again; the right one then moves on."""
    async with fake.running(confidant(quiz_config)):
        question = await start_check(fake, guild, newcomer)
        missed = await fake.click(question, wrong(guild, newcomer, 0), newcomer)
        again = await missed.wait_message()
        assert default_quiz().questions[0].explanation in again.text and "Not quite" in again.text
        assert again.custom_ids() == quiz_ids(guild, newcomer, 0)
        hit = await fake.click(again, right(guild, newcomer, 0), newcomer)
        second = await hit.wait_message()
        assert "That's right" in second.text and "Question 2 of" in second.text
        assert second.custom_ids() == quiz_ids(guild, newcomer, 1)


async def test_passing_the_check_lets_i_agree_grant_the_role(fake, guild, newcomer, quiz_config, key):
    """After every right answer I agree is offered again, and pressing it records consent and gives the role."""
    async with fake.running(confidant(quiz_config)):
        message = await start_check(fake, guild, newcomer)
        for index in range(len(default_quiz())):
            message = await (await fake.click(message, right(guild, newcomer, index), newcomer)).wait_message()
        assert "press **I agree**" in message.text and message.custom_ids() == [ids(guild, newcomer)["agree"]]
        click = await fake.click(message, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))
        assert "/report" in (await click.wait_message()).text
    consents, onboarding = await ledger(quiz_config, key, guild, newcomer)
    assert [c.decision for c in consents] == [Decision.ACCEPTED] and onboarding.state is OnboardingState.ACCEPTED


async def test_check_progress_survives_a_restart(fake, guild, newcomer, quiz_config):
    """Questions passed before a restart stay passed, and the question buttons still work after it."""
    async with fake.running(confidant(quiz_config)):
        first = await start_check(fake, guild, newcomer)
        second = await (await fake.click(first, right(guild, newcomer, 0), newcomer)).wait_message()
    async with fake.running(confidant(quiz_config)) as bot:
        assert await bot.store.quiz_passed(guild.id, newcomer.id, 1) == {0}
        third = await (await fake.click(second, right(guild, newcomer, 1), newcomer)).wait_message()
        assert "Question 3 of" in third.text
        dm = fake.find_messages(to=newcomer)[0]
        again = await (await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)).wait_message()
        assert "Question 3 of" in again.text and not fake.calls("PUT", r"/roles/")


async def test_check_off_lets_i_agree_grant_at_once(fake, guild, newcomer, setup_config):
    """With quiz_enabled off for the guild, I agree gives the role straight away."""
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))


async def test_a_guild_with_its_own_agreement_has_no_check(fake, guild, newcomer, quiz_config):
    """The shipped quiz is about the default text, so a guild that published its own grants at I agree."""
    async with fake.running(confidant(quiz_config)) as bot:
        await bot.store.publish_agreement(guild.id, "# Ours\n\nOur own words.", fake.owner.id)
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        assert "Our own words." in dm.text
        await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))


# --- questions to the moderators -----------------------------------------------------------------------------------

QUESTION = "Can I mention the group to my therapist, Dr Quillfeather?"
ANSWER = "Yes, talking about your own experience is fine; just keep others' stories out of it."


async def ask(fake: FakeDiscord, guild: Guild, user: User, text: str = QUESTION):
    """Join, press I have a question, submit the modal and return the member's reply."""
    await fake.member_join(guild, user)
    dm = await fake.wait_for_message(to=user)
    opened = await fake.click(dm, ids(guild, user)["question"], user)
    await opened.wait_response()
    assert opened.modal is not None
    submitted = await fake.submit_modal(opened, {"confidant:ask:text": text})
    return await submitted.wait_message()


async def test_question_reaches_the_moderators_and_their_answer_the_member(
    fake, guild, alice, newcomer, setup_config, caplog
):
    """A question is stored encrypted, posted with Answer; a non-moderator is refused; a moderator's answer is DMed."""
    caplog.set_level(logging.DEBUG)
    mod = fake.add_user("mod")
    fake.add_member(guild, mod, roles=[guild.role("Moderators")])
    async with fake.running(confidant(setup_config)) as bot:
        reply = await ask(fake, guild, newcomer)
        assert reply.ephemeral and "received" in reply.text
        case = await bot.store.case(guild.id, 1)
        assert (case.kind, case.status, case.member_id, case.text) == (
            CaseKind.QUESTION,
            CaseStatus.OPEN,
            newcomer.id,
            QUESTION,
        )
        posted = await fake.wait_for_message(guild.channel("cases"))
        assert QUESTION in posted.text and posted.custom_ids() == [f"confidant:case:answer:{guild.id}:1"]
        assert case.message_id == posted.id
        refused = await fake.click(posted, posted.custom_ids()[0], alice)
        assert "permission" in (await refused.wait_message()).text and refused.modal is None
        opened = await fake.click(posted, posted.custom_ids()[0], mod)
        await opened.wait_response()
        sent = await fake.submit_modal(opened, {"confidant:case:answer-text": ANSWER})
        assert "sent to the member" in (await sent.wait_message()).text
        answer = await fake.wait_for_message(to=newcomer, predicate=lambda m: ANSWER in m.text)
        assert "answered your question" in answer.text
        assert "answered by" in posted.text and not posted.custom_ids()
        done = await bot.store.case(guild.id, 1)
        assert (done.status, done.answered_by, done.answer) == (CaseStatus.ANSWERED, mod.id, ANSWER)
    on_disk = b"".join(p.read_bytes() for p in setup_config.storage.path.parent.glob("confidant.db*"))
    assert on_disk and b"Quillfeather" not in on_disk and b"keep others' stories" not in on_disk
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("bot", "models", "rules")]
    assert ours and not [line for line in ours if "Quillfeather" in line or "keep others' stories" in line]


async def test_question_without_a_cases_channel_is_saved_and_reported_once(fake, guild, setup_config):
    """With no cases channel the member hears it was saved, and the log channel hears the setup problem once."""
    entry = dataclasses.replace(setup_config.guild[0], cases_channel=None)
    config = dataclasses.replace(setup_config, guild=(entry,))
    first, second = fake.add_user("first"), fake.add_user("second")
    async with fake.running(confidant(config)) as bot:
        for user in (first, second):
            reply = await ask(fake, guild, user)
            assert "saved" in reply.text and "moderators will see it" in reply.text
        assert [c.number for c in (await bot.store.case(guild.id, 1), await bot.store.case(guild.id, 2))] == [1, 2]
        reports = fake.find_messages(guild.channel("mod-log"))
        assert len(reports) == 1 and "cases_channel" in reports[0].text
        assert not fake.find_messages(guild.channel("cases"))


async def test_answer_goes_to_the_gate_thread_when_dms_are_closed(fake, guild, setup_config):
    """A member with closed DMs gets the moderators' answer in their private gate thread."""
    bob = fake.add_user("bob", dms_open=False)
    mod = fake.add_user("mod")
    fake.add_member(guild, mod, roles=[guild.role("Moderators")])
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, bob)
        await fake.wait_for(lambda: guild.threads, what="a gate thread")
        [thread] = guild.threads
        greeting = await fake.wait_for_message(thread)
        opened = await fake.click(greeting, ids(guild, bob)["question"], bob)
        await opened.wait_response()
        await (await fake.submit_modal(opened, {"confidant:ask:text": QUESTION})).wait_message()
        posted = await fake.wait_for_message(guild.channel("cases"))
        answering = await fake.click(posted, posted.custom_ids()[0], mod)
        await answering.wait_response()
        await (await fake.submit_modal(answering, {"confidant:case:answer-text": ANSWER})).wait_message()
        relayed = await fake.wait_for_message(thread, predicate=lambda m: ANSWER in m.text)
        assert bob.mention in relayed.text


async def test_an_answer_that_cannot_be_delivered_leaves_the_case_open(fake, guild, setup_config):
    """With DMs closed and no gate thread, the moderator is told the answer was not delivered; the case stays open."""
    entry = dataclasses.replace(setup_config.guild[0], gate_channel=None)
    config = dataclasses.replace(setup_config, guild=(entry,))
    bob = fake.add_user("bob", dms_open=False)
    fake.add_member(guild, bob)
    mod = fake.add_user("mod")
    fake.add_member(guild, mod, roles=[guild.role("Moderators")])
    async with fake.running(confidant(config)) as bot:
        shown = await (await fake.slash("agreement accept", bob, guild.channel("general"))).wait_message()
        opened = await fake.click(shown, ids(guild, bob)["question"], bob)
        await opened.wait_response()
        await (await fake.submit_modal(opened, {"confidant:ask:text": QUESTION})).wait_message()
        posted = await fake.wait_for_message(guild.channel("cases"))
        answering = await fake.click(posted, posted.custom_ids()[0], mod)
        await answering.wait_response()
        reply = await (await fake.submit_modal(answering, {"confidant:case:answer-text": ANSWER})).wait_message()
        assert "couldn't deliver" in reply.text and reply.visible_to(mod)
        case = await bot.store.case(guild.id, 1)
        assert (case.status, case.answer, case.answered_by) == (CaseStatus.OPEN, None, None)
        assert posted.custom_ids() == [f"confidant:case:answer:{guild.id}:1"]


# --- admins: editing, publishing, resending; new versions and the grace period -------------------------------------

V2 = "# Our agreement, version two\n\nWhat is shared here stays here, now in our own words."


async def join_and_accept(fake: FakeDiscord, guild: Guild, user: User, roles=()) -> None:
    """Join, accept version 1 by DM and wait for the member role."""
    await fake.member_join(guild, user, roles=roles)
    dm = await fake.wait_for_message(to=user)
    await fake.click(dm, ids(guild, user)["agree"], user)
    await fake.wait_for(lambda: guild.role("Member").id in fake.member(guild, user).roles, what="the member role")


async def edit_and_publish(fake: FakeDiscord, guild: Guild, text: str = V2):
    """The owner writes `text` in the edit form, then publishes it; return the publish reply."""
    opened = await fake.slash("agreement edit", fake.owner, guild.channel("mod-queue"))
    await opened.wait_response()
    assert opened.modal is not None
    preview = await (await fake.submit_modal(opened, {"confidant:agreement:edit-text": text})).wait_message()
    assert preview.ephemeral and "draft" in preview.text and "own words" in preview.text
    return await (await fake.slash("agreement publish", fake.owner, guild.channel("mod-queue"))).wait_message()


def grace_over(days: int = 8):
    return discord.utils.utcnow() + timedelta(days=days)


async def test_edit_in_the_form_then_publish_adds_version_2_and_keeps_version_1(fake, guild, setup_config, caplog):
    """The edit form saves a draft that is not in force; publish makes it version 2, keeps 1, audits and announces."""
    caplog.set_level(logging.DEBUG)
    async with fake.running(confidant(setup_config)) as bot:
        await bot.store.current_agreement(guild.id, default_agreement().text)
        opened = await fake.slash("agreement edit", fake.owner, guild.channel("mod-queue"))
        await opened.wait_response()
        await (await fake.submit_modal(opened, {"confidant:agreement:edit-text": V2})).wait_message()
        assert (await bot.store.current_agreement(guild.id, "unused")).version == 1
        reply = await (await fake.slash("agreement publish", fake.owner, guild.channel("mod-queue"))).wait_message()
        assert reply.ephemeral and "Version **2**" in reply.text
        current = await bot.store.current_agreement(guild.id, "unused")
        assert (current.version, current.text, current.published_by) == (2, V2, fake.owner.id)
        assert (await bot.store.agreement_version(guild.id, 1)).text == default_agreement().text
        assert await bot.store.draft(guild.id) is None
        audit = await bot.store.audit_entries(guild.id)
        assert AuditAction.AGREEMENT_PUBLISHED in [e.action for e in audit]
        published = await fake.wait_for_message(guild.channel("mod-log"), predicate=lambda m: "published" in m.text)
        assert "Agreement published" in published.text and "version 2" in published.text
        again = await (await fake.slash("agreement publish", fake.owner, guild.channel("mod-queue"))).wait_message()
        assert "no draft" in again.text
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("bot", "models", "rules")]
    assert not [line for line in ours if "own words" in line]


async def test_non_admins_cannot_edit_or_publish(fake, guild, alice, setup_config):
    """A member without Manage Server (even a moderator) is refused edit and publish; nothing is stored."""
    mod = fake.add_user("mod")
    fake.add_member(guild, mod, roles=[guild.role("Moderators")])
    async with fake.running(confidant(setup_config)) as bot:
        for user in (alice, mod):
            for command in ("agreement edit", "agreement publish"):
                it = await fake.slash(command, user, guild.channel("general"))
                assert "permission" in (await it.wait_message()).text and it.modal is None
        attached = fake.attachment("ours.md", V2.encode())
        it = await fake.slash("agreement edit", alice, guild.channel("general"), file=attached)
        assert "permission" in (await it.wait_message()).text
        assert await bot.store.draft(guild.id) is None


async def test_an_attached_markdown_file_becomes_the_draft(fake, guild, setup_config):
    """An attached .md file is read as UTF-8 and saved as the draft with a preview; bad files are explained."""
    long_text = "# Long\n\n" + "\n\n".join(f"Paragraph {n} of our own words. " * 20 for n in range(20))
    async with fake.running(confidant(setup_config)) as bot:
        good = fake.attachment("agreement.md", long_text.encode())
        it = await fake.slash("agreement edit", fake.owner, guild.channel("mod-queue"), file=good)
        preview = await it.wait_message()
        assert preview.ephemeral and "draft" in preview.text
        assert (await bot.store.draft(guild.id)).text == long_text
        for name, data, problem in (
            ("notes.txt", b"# Hi", "isn't a `.md` file"),
            ("bad.md", b"\xff\xfe\x00bad", "isn't UTF-8"),
            ("big.md", b"a" * (65 * 1024), "larger than 64 KB"),
            ("empty.md", b"  \n", "is empty"),
        ):
            bad = fake.attachment(name, data)
            it = await fake.slash("agreement edit", fake.owner, guild.channel("mod-queue"), file=bad)
            assert problem in (await it.wait_message()).text
        assert (await bot.store.draft(guild.id)).text == long_text


async def test_a_new_version_reaches_those_who_accepted_the_old_one(fake, guild, newcomer, setup_config):
    """Publishing DMs version 2 with its own buttons to a member who accepted version 1."""
    async with fake.running(confidant(setup_config)):
        await join_and_accept(fake, guild, newcomer)
        reply = await edit_and_publish(fake, guild)
        assert "the 1 member(s)" in reply.text
        dm = await fake.wait_for_message(to=newcomer, predicate=lambda m: "updated its confidentiality" in m.text)
        assert "own words" in dm.text and dm.custom_ids() == list(ids(guild, newcomer, version=2).values())


async def test_after_the_grace_period_the_role_is_withheld_once_and_accepting_restores_it(
    fake, guild, newcomer, setup_config
):
    """Past the deadline the member role is removed exactly once; accepting version 2 gives it back."""
    remove = rf"/guilds/{guild.id}/members/{newcomer.id}/roles/{guild.role('Member').id}"
    async with fake.running(confidant(setup_config)) as bot:
        cog = bot.get_cog("Agreement")
        await join_and_accept(fake, guild, newcomer)
        await edit_and_publish(fake, guild)
        dm = await fake.wait_for_message(to=newcomer, predicate=lambda m: "updated its confidentiality" in m.text)
        assert await cog.enforce_grace(now=grace_over(days=6)) == 0
        assert await cog.enforce_grace(now=grace_over()) == 1
        await fake.wait_for_call("DELETE", remove)
        await fake.wait_for_message(to=newcomer, predicate=lambda m: "paused" in m.text)
        assert guild.role("Member").id not in fake.member(guild, newcomer).roles
        assert await cog.enforce_grace(now=grace_over(days=30)) == 0
        assert len(fake.calls("DELETE", remove)) == 1
        click = await fake.click(dm, ids(guild, newcomer, version=2)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer), count=2)
        assert "your access is back" in (await click.wait_message()).text
        assert guild.role("Member").id in fake.member(guild, newcomer).roles
        onboarding = await bot.store.onboarding(guild.id, newcomer.id)
        assert (onboarding.version, onboarding.grace_due_at, onboarding.role_withheld_at) == (2, None, None)
        assert await cog.enforce_grace(now=grace_over(days=60)) == 0


async def test_a_version_published_while_notices_failed_is_sent_before_any_access_is_paused(
    fake, guild, newcomer, setup_config
):
    """If the bot stops before telling members about a new version, the periodic check tells them, and nobody
    loses access before being told: the deadline runs from the notice."""
    async with fake.running(confidant(setup_config)) as bot:
        cog = bot.get_cog("Agreement")
        await join_and_accept(fake, guild, newcomer)
        # Published as if the bot had crashed right after committing: no notice went out.
        await bot.store.save_draft(guild.id, "# Our agreement\n\nA new text.", 1)
        await bot.store.publish_draft(guild.id, 1, default_agreement().text, timedelta(days=7))
        assert await cog.enforce_grace(now=grace_over(days=30)) == 0
        assert await cog.send_new_versions() == 1
        await fake.wait_for_message(to=newcomer, predicate=lambda m: "updated its confidentiality" in m.text)
        assert await cog.send_new_versions() == 0
        assert await cog.enforce_grace(now=grace_over(days=6)) == 0
        assert await cog.enforce_grace(now=grace_over(days=8)) == 1


async def test_with_dms_closed_the_pause_is_explained_in_the_gate_thread(fake, guild, setup_config):
    """A member with closed DMs gets the new version and the pause in their one private gate thread."""
    bob = fake.add_user("bob", dms_open=False)
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, bob)
        await fake.wait_for(lambda: guild.threads, what="a gate thread")
        [welcome] = guild.threads
        first = await fake.wait_for_message(welcome)
        await fake.click(first, ids(guild, bob)["agree"], bob)
        await fake.wait_for(lambda: guild.role("Member").id in fake.member(guild, bob).roles, what="the member role")
        await edit_and_publish(fake, guild)
        await fake.wait_for_message(welcome, predicate=lambda m: ":2:" in " ".join(m.custom_ids()))
        assert guild.threads == [welcome]  # one private thread per member, reused
        for _ in range(150):  # the notice is recorded just after the agreement is posted; only then can it pause
            if await bot.get_cog("Agreement").enforce_grace(now=grace_over()) == 1:
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError("bob's access was never paused")
        paused = await fake.wait_for_message(welcome, predicate=lambda m: "paused" in m.text)
        assert bob.mention in paused.text


async def test_the_withholding_is_not_repeated_after_a_restart(fake, guild, newcomer, setup_config):
    """The withholding is recorded in the database, so a restarted bot does not take the role again."""
    async with fake.running(confidant(setup_config)) as bot:
        await join_and_accept(fake, guild, newcomer)
        await edit_and_publish(fake, guild)
        await fake.wait_for_message(to=newcomer, predicate=lambda m: "updated its confidentiality" in m.text)
        assert await bot.get_cog("Agreement").enforce_grace(now=grace_over()) == 1
    async with fake.running(confidant(setup_config)) as bot:
        assert await bot.get_cog("Agreement").enforce_grace(now=grace_over()) == 0
    assert len(fake.calls("DELETE", r"/guilds/\d+/members/\d+/roles/\d+")) == 1


async def test_a_moderator_is_asked_but_keeps_the_role(fake, guild, setup_config):
    """A moderator who accepted version 1 gets version 2 too, but keeps the member role past the deadline."""
    mod = fake.add_user("mod")
    async with fake.running(confidant(setup_config)) as bot:
        await join_and_accept(fake, guild, mod, roles=[guild.role("Moderators")])
        await edit_and_publish(fake, guild)
        await fake.wait_for_message(to=mod, predicate=lambda m: "updated its confidentiality" in m.text)
        assert await bot.get_cog("Agreement").enforce_grace(now=grace_over()) == 0
        assert guild.role("Member").id in fake.member(guild, mod).roles
        assert not fake.calls("DELETE", r"/guilds/\d+/members/\d+/roles/\d+")


async def test_resend_sends_the_current_agreement_again(fake, guild, alice, newcomer, setup_config):
    """/agreement resend is refused to a plain member and DMs the current agreement with buttons for a moderator."""
    mod = fake.add_user("mod")
    fake.add_member(guild, mod, roles=[guild.role("Moderators")])
    fake.add_member(guild, newcomer)
    async with fake.running(confidant(setup_config)):
        refused = await fake.slash("agreement resend", alice, guild.channel("general"), member=newcomer)
        assert "permission" in (await refused.wait_message()).text
        it = await fake.slash("agreement resend", mod, guild.channel("mod-queue"), member=newcomer)
        assert newcomer.mention in (await it.wait_message()).text
        dm = await fake.wait_for_message(to=newcomer)
        assert "sent you the group's confidentiality agreement again" in dm.text
        assert dm.custom_ids() == list(ids(guild, newcomer).values())
        await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))


async def test_re_accepting_a_new_version_thanks_without_the_newcomer_welcome(fake, guild, newcomer, setup_config):
    """A member who accepts version 2 during its grace period is thanked for the update, not welcomed as new."""
    async with fake.running(confidant(setup_config)):
        await join_and_accept(fake, guild, newcomer)
        await edit_and_publish(fake, guild)
        dm = await fake.wait_for_message(to=newcomer, predicate=lambda m: "updated its confidentiality" in m.text)
        reply = await (await fake.click(dm, ids(guild, newcomer, version=2)["agree"], newcomer)).wait_message()
        assert "accepted the updated agreement" in reply.text and "now have access" not in reply.text


# --- reminders and removals ----------------------------------------------------------------------------------------

KICK = r"/guilds/{g}/members/{u}"


def later(hours: float):
    return discord.utils.utcnow() + timedelta(hours=hours)


def kick(guild: Guild, user: User) -> str:
    return KICK.format(g=guild.id, u=user.id)


async def with_settings(config: Config, key: str, guild: Guild, **values: int) -> Config:
    """Store the guild's settings (the check off, plus `values`) before the bot starts."""
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        await store.save_guild_settings(guild.id, GuildSettings(quiz_enabled=False, **values))
    return config


def reminders(fake: FakeDiscord, channel: object = None, to: User | None = None) -> list:
    return [m for m in fake.find_messages(channel, to=to) if "gentle reminder" in m.text]


async def delivered(bot, guild: Guild, user: User) -> None:
    """Wait until the bot has recorded where it sent the agreement (just after posting it)."""
    for _ in range(150):
        onboarding = await bot.store.onboarding(guild.id, user.id)
        if onboarding is not None and onboarding.via is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the agreement's delivery was never recorded")


async def test_one_reminder_is_sent_after_the_delay_and_never_again(fake, guild, newcomer, setup_config):
    """Past 24 hours without an answer the member gets one reminder with the buttons; never before, never twice."""
    async with fake.running(confidant(setup_config)) as bot:
        cog = bot.get_cog("Agreement")
        await fake.member_join(guild, newcomer)
        await fake.wait_for_message(to=newcomer)
        assert await cog.send_reminders(now=later(23)) == 0
        assert await cog.send_reminders(now=later(25)) == 1
        reminder = await fake.wait_for_message(to=newcomer, predicate=lambda m: "gentle reminder" in m.text)
        assert guild.name in reminder.text and reminder.custom_ids() == list(ids(guild, newcomer).values())
        assert await cog.send_reminders(now=later(48)) == 0
    async with fake.running(confidant(setup_config)) as bot:
        assert await bot.get_cog("Agreement").send_reminders(now=later(72)) == 0
        await fake.click(reminder, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))
    assert len(reminders(fake, to=newcomer)) == 1


async def test_the_reminder_goes_to_the_gate_thread_when_dms_are_closed(fake, guild, setup_config):
    """With DMs closed the reminder, with its buttons, is posted in the member's private gate thread."""
    bob = fake.add_user("bob", dms_open=False)
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, bob)
        await fake.wait_for(lambda: guild.threads, what="a gate thread")
        [thread] = guild.threads
        await fake.wait_for_message(thread)
        await delivered(bot, guild, bob)
        assert await bot.get_cog("Agreement").send_reminders(now=later(25)) == 1
        reminder = await fake.wait_for_message(thread, predicate=lambda m: "gentle reminder" in m.text)
        assert bob.mention in reminder.text and reminder.custom_ids() == list(ids(guild, bob).values())
        assert len(guild.threads) == 1 and not reminders(fake, guild.channel("welcome"))


async def test_no_reminder_or_removal_after_accepting(fake, guild, newcomer, setup_config, key):
    """A member who accepted is neither reminded nor removed, even with a time limit set."""
    await with_settings(setup_config, key, guild, removal_hours=48)
    async with fake.running(confidant(setup_config)) as bot:
        cog = bot.get_cog("Agreement")
        await join_and_accept(fake, guild, newcomer)
        assert await cog.send_reminders(now=later(100)) == 0
        assert await cog.enforce_removals(now=later(100)) == 0
        onboarding = await bot.store.onboarding(guild.id, newcomer.id)
        assert (onboarding.reminder_due_at, onboarding.removal_due_at) == (None, None)
    assert not reminders(fake, to=newcomer) and not fake.calls("DELETE", kick(guild, newcomer))


async def test_removal_is_off_by_default(fake, guild, newcomer, setup_config):
    """By default nobody is removed for not answering, however long they wait."""
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, newcomer)
        await fake.wait_for_message(to=newcomer)
        assert (await bot.store.onboarding(guild.id, newcomer.id)).removal_due_at is None
        assert await bot.get_cog("Agreement").enforce_removals(now=later(24 * 365)) == 0
    assert not fake.calls("DELETE", kick(guild, newcomer))


async def test_removal_after_the_time_limit_explains_first_and_kicks_once(fake, guild, newcomer, setup_config, key):
    """Past removal_hours without accepting the member gets a kind DM, then is kicked once with a reason, audited."""
    await with_settings(setup_config, key, guild, removal_hours=48)
    async with fake.running(confidant(setup_config)) as bot:
        cog = bot.get_cog("Agreement")
        await fake.member_join(guild, newcomer)
        await fake.wait_for_message(to=newcomer)
        assert await cog.enforce_removals(now=later(47)) == 0
        assert await cog.enforce_removals(now=later(49)) == 1
        kicked = await fake.wait_for_call("DELETE", kick(guild, newcomer))
        assert "did not accept" in kicked.reason.lower()
        goodbye = await fake.wait_for_message(to=newcomer, predicate=lambda m: "removing you" in m.text)
        assert "rejoin any time" in goodbye.text
        posts = [r.path for r in fake.requests if r.method in ("POST", "DELETE")]
        assert posts.index(f"/channels/{goodbye.channel_id}/messages") < posts.index(kicked.path)
        assert await cog.enforce_removals(now=later(100)) == 0
        audit = await bot.store.audit_entries(guild.id, subject_id=newcomer.id)
        assert [e.action for e in audit] == [AuditAction.MEMBER_REMOVED]
    async with fake.running(confidant(setup_config)) as bot:
        assert await bot.get_cog("Agreement").enforce_removals(now=later(200)) == 0
    assert len(fake.calls("DELETE", kick(guild, newcomer))) == 1


async def test_a_member_who_cannot_be_told_is_not_removed(fake, guild, setup_config, key):
    """With DMs closed the removal cannot be explained, so the member stays and the moderators are told instead."""
    await with_settings(setup_config, key, guild, removal_hours=48)
    bob = fake.add_user("bob", dms_open=False)
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, bob)
        await fake.wait_for(lambda: guild.threads, what="a gate thread")
        await fake.wait_for_message(guild.threads[0])
        await fake.wait_for(lambda: fake.calls("PUT", r"/channels/\d+/thread-members/\d+"), what="bob added")
        assert await bot.get_cog("Agreement").enforce_removals(now=later(49)) == 0
        note = await fake.wait_for_message(guild.channel("mod-log"), predicate=lambda m: "DMs are closed" in m.text)
        assert bob.mention in note.text
        assert await bot.get_cog("Agreement").enforce_removals(now=later(100)) == 0
    assert not fake.calls("DELETE", kick(guild, bob)) and bob.id in guild.members


async def test_a_moderator_is_never_removed(fake, guild, setup_config, key):
    """A moderator who has not accepted is not removed when the time limit passes."""
    await with_settings(setup_config, key, guild, removal_hours=1)
    mod = fake.add_user("mod")
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, mod, roles=[guild.role("Moderators")])
        await fake.wait_for_message(to=mod)
        assert await bot.get_cog("Agreement").enforce_removals(now=later(2)) == 0
        assert await bot.get_cog("Agreement").enforce_removals(now=later(3)) == 0
    assert not fake.calls("DELETE", kick(guild, mod)) and mod.id in guild.members


async def test_declining_leads_to_removal_after_the_delay_when_enabled(fake, guild, newcomer, setup_config, key):
    """With decline_removal_hours set, a decline says so kindly, and the member is removed once after the delay."""
    await with_settings(setup_config, key, guild, decline_removal_hours=12)
    async with fake.running(confidant(setup_config)) as bot:
        cog = bot.get_cog("Agreement")
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        reply = await (await fake.click(dm, ids(guild, newcomer)["decline"], newcomer)).wait_message()
        due = (await bot.store.onboarding(guild.id, newcomer.id)).removal_due_at
        assert f"<t:{int(due.timestamp())}:R>" in reply.text and "/agreement accept" in reply.text
        assert await cog.send_reminders(now=later(25)) == 0
        assert await cog.enforce_removals(now=later(11)) == 0
        assert await cog.enforce_removals(now=later(13)) == 1
        kicked = await fake.wait_for_call("DELETE", kick(guild, newcomer))
        assert "declined" in kicked.reason.lower()
        await fake.wait_for_message(to=newcomer, predicate=lambda m: "you declined" in m.text)
        assert await cog.enforce_removals(now=later(14)) == 0


async def test_declining_under_a_time_limit_says_the_removal_still_comes(fake, guild, newcomer, setup_config, key):
    """With only removal_hours set, the reply to Decline names the coming removal instead of "nothing happens"."""
    await with_settings(setup_config, key, guild, removal_hours=48)
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        reply = await (await fake.click(dm, ids(guild, newcomer)["decline"], newcomer)).wait_message()
        assert "remove you from the server <t:" in reply.text and "nothing else happens" not in reply.text
        assert await bot.get_cog("Agreement").enforce_removals(now=later(49)) == 1
        await fake.wait_for_message(to=newcomer, predicate=lambda m: "you declined" in m.text)


async def test_accepting_after_declining_cancels_the_removal(fake, guild, newcomer, setup_config, key):
    """A member who declines and then accepts before the delay is not removed."""
    await with_settings(setup_config, key, guild, decline_removal_hours=12)
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        await (await fake.click(dm, ids(guild, newcomer)["decline"], newcomer)).wait_message()
        await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))
        assert await bot.get_cog("Agreement").enforce_removals(now=later(13)) == 0
    assert not fake.calls("DELETE", kick(guild, newcomer))


async def test_leaving_clears_due_times_and_rejoining_sets_fresh_ones(fake, guild, newcomer, setup_config, key):
    """A member who leaves has nothing due; on rejoining they get a new reminder and removal time."""
    await with_settings(setup_config, key, guild, removal_hours=48)
    async with fake.running(confidant(setup_config)) as bot:
        await fake.member_join(guild, newcomer)
        await fake.wait_for_message(to=newcomer)
        first = await bot.store.onboarding(guild.id, newcomer.id)
        assert first.reminder_due_at is not None and first.removal_due_at is not None
        await fake.member_leave(guild, newcomer)
        gone = await bot.store.onboarding(guild.id, newcomer.id)
        assert (gone.reminder_due_at, gone.removal_due_at) == (None, None)
        await fake.member_join(guild, newcomer)
        await fake.wait_for_message(to=newcomer)
        again = await bot.store.onboarding(guild.id, newcomer.id)
        assert again.reminder_due_at is not None and again.removal_due_at is not None


# --- admins: /agreement settings --------------------------------------------------------------------------------------


async def stored_settings(config: Config, key: str, guild: Guild) -> GuildSettings:
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        return await store.get_guild_settings(guild.id)


async def settings_audit(config: Config, key: str, guild: Guild):
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        return [e for e in await store.audit_entries(guild.id) if e.action is AuditAction.SETTING_CHANGED]


async def test_settings_are_refused_without_manage_server(fake, guild, alice, quiz_config, key):
    """A member or moderator without Manage Server is refused /agreement settings, viewing or changing; nothing changes."""
    mod = fake.add_user("mod")
    fake.add_member(guild, mod, roles=[guild.role("Moderators")])
    async with fake.running(confidant(quiz_config)):
        for user in (alice, mod):
            for options in ({}, {"quiz": False, "grace_days": 1}):
                it = await fake.slash("agreement settings", user, guild.channel("general"), **options)
                reply = await it.wait_message()
                assert reply.ephemeral and "permission" in reply.text and "Agreement settings" not in reply.text
    assert await stored_settings(quiz_config, key, guild) == GuildSettings()
    assert await settings_audit(quiz_config, key, guild) == []


async def test_settings_without_options_show_the_defaults_privately(fake, guild, quiz_config, key):
    """An admin running /agreement settings with no options sees every value, explained, only to them."""
    async with fake.running(confidant(quiz_config)):
        reply = await (await fake.slash("agreement settings", fake.owner, guild.channel("mod-queue"))).wait_message()
        assert reply.ephemeral and reply.visible_to(fake.owner)
        assert "Agreement settings" in reply.text
        for line in (
            "(`quiz`): **on**",
            "(`grace_days`): **7** day(s)",
            "(`reminder_hours`): **24** hour(s)",
            "(`removal_hours`): **0** hour(s)",
            "(`decline_removal_hours`): **0** hour(s)",
            "(`keep_consents`): **on**",
        ):
            assert line in reply.text
        assert "0: never" in reply.text and "gentle reminder" in reply.text
    assert await settings_audit(quiz_config, key, guild) == []


async def test_settings_change_only_the_given_values_which_are_stored_audited_and_used(
    fake, guild, newcomer, quiz_config, key
):
    """An admin turns the check off and shortens the grace period; both are stored, audited, and I agree grants at once."""
    async with fake.running(confidant(quiz_config)):
        it = await fake.slash(
            "agreement settings", fake.owner, guild.channel("mod-queue"), quiz=False, grace_days=3, keep_consents=False
        )
        reply = await it.wait_message()
        assert reply.ephemeral and "Saved" in reply.text
        assert "(`quiz`): **off**" in reply.text and "(`grace_days`): **3** day(s)" in reply.text
        assert "(`keep_consents`): **off**" in reply.text
        assert "(`reminder_hours`): **24** hour(s)" in reply.text
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        await fake.click(dm, ids(guild, newcomer)["agree"], newcomer)
        await fake.wait_for_call("PUT", role_put(guild, newcomer))
    assert await stored_settings(quiz_config, key, guild) == GuildSettings(
        quiz_enabled=False, grace_days=3, keep_consents=False
    )
    [entry] = await settings_audit(quiz_config, key, guild)
    assert entry.actor_id == fake.owner.id and entry.subject_id is None
    assert "quiz_enabled=False" in entry.reason and "grace_days=3" in entry.reason
    assert "reminder_hours" not in entry.reason


async def test_an_out_of_range_setting_is_refused_clearly_and_nothing_is_saved(fake, guild, quiz_config, key):
    """A value outside what GuildSettings allows gets one line naming the option and range; no value is saved."""
    async with fake.running(confidant(quiz_config)):
        for options, expected in (
            ({"quiz": False, "grace_days": 400}, "`grace_days` must be a whole number from 0 to 365"),
            ({"reminder_hours": 12, "removal_hours": -1}, "`removal_hours` must be a whole number from 0 to 8760"),
            ({"decline_removal_hours": 9000}, "`decline_removal_hours` must be a whole number from 0 to 8760"),
        ):
            it = await fake.slash("agreement settings", fake.owner, guild.channel("mod-queue"), **options)
            reply = await it.wait_message()
            assert reply.ephemeral and expected in reply.text and "Nothing was changed" in reply.text
            assert not reply.embeds and "\n" not in reply.text
    assert await stored_settings(quiz_config, key, guild) == GuildSettings()
    assert await settings_audit(quiz_config, key, guild) == []


async def test_two_newcomers_with_the_question_form_open_at_once_both_reach_the_moderators(fake, guild, setup_config):
    """Open forms are told apart per opening: the first submission must not swallow the second member's form."""
    first, second = fake.add_user("first"), fake.add_user("second")
    async with fake.running(confidant(setup_config)) as bot:
        opened = []
        for user in (first, second):
            await fake.member_join(guild, user)
            dm = await fake.wait_for_message(to=user)
            clicked = await fake.click(dm, ids(guild, user)["question"], user)
            await clicked.wait_response()
            opened.append(clicked)
        for clicked, text in zip(opened, ("first's question", "second's question"), strict=True):
            await (await fake.submit_modal(clicked, {"confidant:ask:text": text})).wait_message()
        texts = {(await bot.store.case(guild.id, n)).text for n in (1, 2)}
    assert texts == {"first's question", "second's question"}
