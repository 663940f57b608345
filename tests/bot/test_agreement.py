"""Onboarding over the wire: the agreement on join, the consent ledger, the member role, and the gate fallback."""

import asyncio
import dataclasses

import pytest

from bot.config import Config, GuildConfig
from bot.fakediscord import FakeDiscord, Guild, Perm, User
from models.crypto import FieldCipher
from models.records import AuditAction, Decision, OnboardingState, Via
from models.store import Store
from rules.agreement import default_agreement
from tests.conftest import confidant

ROLE_PUT = r"/guilds/{g}/members/{u}/roles/{r}$"


@pytest.fixture
def setup_config(config: Config, guild: Guild) -> Config:
    """Settings with the guild's roles and channels named in a [[guild]] entry."""
    entry = GuildConfig(
        id=guild.id, member_role="Member", moderator_role="Moderators", gate_channel="#Welcome", log_channel="mod-log"
    )
    return dataclasses.replace(config, guild=(entry,))


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


async def test_question_button_points_to_the_moderators(fake, guild, newcomer, setup_config):
    """I have a question answers privately, for now pointing the member to a moderator."""
    async with fake.running(confidant(setup_config)):
        await fake.member_join(guild, newcomer)
        dm = await fake.wait_for_message(to=newcomer)
        click = await fake.click(dm, ids(guild, newcomer)["question"], newcomer)
        assert "moderators" in (await click.wait_message()).text


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
        reports = fake.find_messages(guild.channel("mod-log"))
        assert len(reports) == 1 and "drag my role above Member" in reports[0].text
        assert not fake.calls("PUT", r"/roles/")


async def test_without_private_threads_the_gate_offers_an_ephemeral_flow(fake, config):
    """Where the bot may not create private threads, #welcome gets a button that shows the agreement privately."""
    group = fake.add_guild(
        "Group", channels=("welcome", "mod-log"), roles=("Member",), bot_permissions=Perm.MANAGE_ROLES
    )
    fake.set_overwrite(group.channel("welcome"), fake.bot_user, deny=Perm.CREATE_PRIVATE_THREADS)
    entry = GuildConfig(id=group.id, member_role="Member", gate_channel="welcome", log_channel="mod-log")
    bob = fake.add_user("bob", dms_open=False)
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
