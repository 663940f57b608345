"""The strike ladder over the wire: warnings, timeouts, proposed removals, /strike add|remove|list."""

from bot.fakediscord import FakeDiscord, Guild, User
from models.crypto import FieldCipher
from models.records import AuditAction, BreachSource, GuildSettings
from models.store import Store
from tests.conftest import confidant


async def add_strike(fake: FakeDiscord, guild: Guild, mod: User, member: User, reason: str = "shared a screenshot"):
    pressed = await fake.slash("strike add", mod, guild.channel("general"), member=member, reason=reason)
    return await pressed.wait_message()


async def test_the_ladder_warns_then_times_out_then_proposes_removal(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        first = await add_strike(fake, guild, mod, alice)
        assert first.ephemeral and "strike 1" in first.text and "a private warning" in first.text
        warning = await fake.wait_for_message(to=alice)
        assert "warning" in warning.text and "strike 1" in warning.text and "screenshot" not in warning.text
        assert fake.member(guild, alice).communication_disabled_until is None

        second = await add_strike(fake, guild, mod, alice)
        assert "strike 2" in second.text and "1 hour" in second.text
        await fake.wait_for(lambda: fake.member(guild, alice).timed_out, what="alice's timeout")
        told = await fake.wait_for_message(to=alice)
        assert "timeout for 1 hour" in told.text

        await add_strike(fake, guild, mod, alice)
        await fake.wait_for_message(to=alice)  # strike 3: a 24-hour timeout
        fourth = await add_strike(fake, guild, mod, alice)
        assert "removal proposed" in fourth.text
        proposal = await fake.wait_for_message(guild.channel("mod-queue"))
        assert "Removal proposed" in proposal.text
        assert alice.id in guild.members  # nobody is removed without a moderator's confirmation

        remove = next(c for c in proposal.custom_ids() if ":remove:" in c)
        refused = await (await fake.click(proposal, remove, alice)).wait_message()
        assert "permission" in refused.text and alice.id in guild.members
        await (await fake.click(proposal, remove, mod)).wait_response()
        await fake.wait_for(lambda: alice.id not in guild.members, what="alice's removal")
        goodbye = await fake.wait_for_message(to=alice)
        assert "removed you" in goodbye.text
        await fake.wait_for(lambda: "Removed" in fake.state.messages[proposal.id].text)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        breaches = await store.breaches(guild.id, alice.id)
        entries = await store.audit_entries(guild.id, limit=50)
    assert [b.step for b in breaches] == ["warn", "timeout:60", "timeout:1440", "remove"]
    assert [b.reason for b in breaches] == ["shared a screenshot"] * 4
    assert sum(e.action is AuditAction.STRIKE for e in entries) == 4
    assert any(e.action is AuditAction.MEMBER_REMOVED and e.subject_id == alice.id for e in entries)


async def test_dont_remove_keeps_the_member(fake, guild, alice, mod, group_config, key):
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        await store.save_guild_settings(guild.id, GuildSettings(strike_ladder=("remove",)))
    async with fake.running(confidant(group_config)):
        await add_strike(fake, guild, mod, alice)
        proposal = await fake.wait_for_message(guild.channel("mod-queue"))
        keep = next(c for c in proposal.custom_ids() if ":keep:" in c)
        await (await fake.click(proposal, keep, mod)).wait_response()
        await fake.wait_for(lambda: "decided not to remove" in fake.state.messages[proposal.id].text)
        assert alice.id in guild.members


async def test_taken_back_and_expired_breaches_do_not_count(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        await add_strike(fake, guild, mod, alice)
        await fake.wait_for_message(to=alice)
        taken = await (await fake.slash("strike remove", mod, guild.channel("general"), member=alice)).wait_message()
        assert "no longer counts" in taken.text
        again = await add_strike(fake, guild, mod, alice)
        assert "strike 1" in again.text  # the taken-back one doesn't count
        await fake.wait_for_message(to=alice)
        listed = await (await fake.slash("strike list", mod, guild.channel("general"), member=alice)).wait_message()
        assert "1 counting" in listed.text and "taken back" in listed.text


async def test_strike_commands_are_for_moderators(fake, guild, alice, group_config):
    bob = fake.add_user("bob")
    fake.add_member(guild, bob, roles=[guild.role("Member")])
    async with fake.running(confidant(group_config)):
        refused = await add_strike(fake, guild, bob, alice)
        assert "permission" in refused.text
        listed = await (await fake.slash("strike list", bob, guild.channel("general"), member=alice)).wait_message()
        assert "permission" in listed.text


async def test_a_breach_confirmed_on_a_flag_takes_the_first_step(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        await fake.user_message(guild.channel("group-chat"), alice, "email me at sam.jones@example.com any time")
        post = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral, timeout=10)
        await fake.wait_for_message(to=alice)  # the nudge
        warn = next(c for c in post.custom_ids() if ":warn:" in c)
        await (await fake.click(post, warn, mod)).wait_followup()
        await fake.wait_for_message(to=alice)  # the text given back
        warning = await fake.wait_for_message(to=alice)
        assert "strike 1" in warning.text and "removed for identifying details" in warning.text
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        breaches = await store.breaches(guild.id, alice.id)
    assert [(b.source, b.step) for b in breaches] == [(BreachSource.FLAG, "warn")]


async def test_admins_set_the_ladder_and_a_bad_step_is_refused(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        refused = await (
            await fake.slash("strike settings", mod, guild.channel("general"), expiry_days=3)
        ).wait_message()
        assert "permission" in refused.text
        shown = await (await fake.slash("strike settings", fake.owner, guild.channel("general"))).wait_message()
        assert "1. a private warning" in shown.text and "4. removal proposed" in shown.text and "180" in shown.text
        bad = await (
            await fake.slash("strike settings", fake.owner, guild.channel("general"), ladder="warn, ban")
        ).wait_message()
        assert "Nothing was changed" in bad.text and "strike_ladder" in bad.text
        saved = await (
            await fake.slash("strike settings", fake.owner, guild.channel("general"), ladder="timeout:30, remove")
        ).wait_message()
        assert "Saved" in saved.text and "1. a timeout of 30 minutes" in saved.text
        first = await add_strike(fake, guild, mod, alice)
        assert "a timeout of 30 minutes" in first.text
        await fake.wait_for(lambda: fake.member(guild, alice).timed_out, what="alice's timeout")
        await fake.wait_for_message(to=alice)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        assert (await store.get_guild_settings(guild.id)).strike_ladder == ("timeout:30", "remove")


async def test_a_removal_proposal_still_works_after_a_restart(fake, guild, alice, mod, group_config, key):
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        await store.save_guild_settings(guild.id, GuildSettings(strike_ladder=("remove",)))
    async with fake.running(confidant(group_config)):
        await add_strike(fake, guild, mod, alice)
        proposal = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: "Removal" in m.text)
    async with fake.running(confidant(group_config)):
        remove = next(c for c in proposal.custom_ids() if ":remove:" in c)
        await (await fake.click(proposal, remove, mod)).wait_response()
        await fake.wait_for(lambda: alice.id not in guild.members, what="alice's removal after the restart")
