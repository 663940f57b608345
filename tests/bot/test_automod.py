"""The pre-send layer over the wire: /flags automod installs and removes one AutoMod rule; its blocks become flags."""

import pytest

from bot import strings
from bot.config import Config
from bot.fakediscord import FakeDiscord, Guild, User
from bot.fakediscord.model import Perm
from models.crypto import FieldCipher
from models.records import AuditAction, FlagSource, FlagStatus
from models.store import Store
from rules.automod import regex_patterns
from tests.conftest import confidant

RULES = r"/guilds/\d+/auto-moderation/rules"
BLOCKED = "my number is 07700 900123, text me"


async def automod(fake: FakeDiscord, guild: Guild, user: User, state: str):
    """`user` runs /flags automod `state` in #general; return the (deferred) answer."""
    return await (await fake.slash("flags automod", user, guild.channel("general"), state=state)).wait_followup()


async def stored_settings(config: Config, key: str, guild: Guild):
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        return await store.get_guild_settings(guild.id)


def our_rule(guild: Guild) -> dict:
    (rule,) = guild.automod_rules.values()
    return rule


async def test_on_installs_one_blocking_rule_with_the_patterns(fake, guild, group_config, key):
    """`on` creates exactly one keyword rule with the regexes, a block action with the reason, moderators exempt."""
    async with fake.running(confidant(group_config)):
        reply = await automod(fake, guild, fake.owner, "on")
        assert reply.ephemeral and "AutoMod is on" in reply.text and "Moderators" in reply.text
        (created,) = fake.calls("POST", RULES)
        body = created.json
        assert body["trigger_type"] == 1 and body["event_type"] == 1 and body["enabled"] is True
        assert body["trigger_metadata"]["regex_patterns"] == regex_patterns()
        assert body["actions"] == [{"type": 1, "metadata": {"custom_message": strings.AUTOMOD_BLOCK_MESSAGE}}]
        assert body["exempt_roles"] == [str(guild.role("Moderators").id)]
        assert len(strings.AUTOMOD_BLOCK_MESSAGE) <= 150  # Discord's limit for a block message
        rule = our_rule(guild)
    settings = await stored_settings(group_config, key, guild)
    assert settings.automod_rules == (int(rule["id"]),)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        entries = await store.audit_entries(guild.id)
    assert [(e.action, e.actor_id) for e in entries] == [(AuditAction.SETTING_CHANGED, fake.owner.id)]


async def test_on_twice_keeps_one_rule_and_off_deletes_it(fake, guild, group_config, key):
    """A second `on` changes nothing; `off` deletes the rule and forgets it; a second `off` says it is off."""
    async with fake.running(confidant(group_config)):
        await automod(fake, guild, fake.owner, "on")
        again = await automod(fake, guild, fake.owner, "on")
        assert "already on" in again.text
        assert len(fake.calls("POST", RULES)) == 1 and len(guild.automod_rules) == 1
        rule_id = our_rule(guild)["id"]
        off = await automod(fake, guild, fake.owner, "off")
        assert "AutoMod is off" in off.text
        assert fake.calls("DELETE", rf"{RULES}/{rule_id}") and guild.automod_rules == {}
        assert "already off" in (await automod(fake, guild, fake.owner, "off")).text
    assert (await stored_settings(group_config, key, guild)).automod_rules == ()


async def test_on_reinstalls_a_rule_deleted_in_server_settings(fake, guild, group_config, key):
    """If an admin deleted Confidant's rule in Discord, `on` installs a new one instead of claiming it is on."""
    async with fake.running(confidant(group_config)):
        await automod(fake, guild, fake.owner, "on")
        guild.automod_rules.clear()
        again = await automod(fake, guild, fake.owner, "on")
        assert "AutoMod is on" in again.text and len(fake.calls("POST", RULES)) == 2
        rule = our_rule(guild)
    assert (await stored_settings(group_config, key, guild)).automod_rules == (int(rule["id"]),)


async def test_only_admins_may_switch_it(fake, guild, alice, mod, group_config, key):
    """Members and moderators without Manage Server are refused, and no rule is created."""
    async with fake.running(confidant(group_config)):
        for user in (alice, mod):
            it = await fake.slash("flags automod", user, guild.channel("general"), state="on")
            refused = await it.wait_message()
            assert refused.ephemeral and "permission" in refused.text
        assert fake.calls("POST", RULES) == [] and guild.automod_rules == {}


async def test_without_manage_server_the_bot_names_the_permission(fake, guild, group_config, key):
    """A bot lacking Manage Server answers with the permission to grant and creates nothing."""
    bot_role = next(r for r in guild.roles.values() if r.bot_id == fake.bot_user.id)
    bot_role.permissions = Perm.ALL & ~Perm.ADMINISTRATOR & ~Perm.MANAGE_GUILD
    async with fake.running(confidant(group_config)):
        reply = await automod(fake, guild, fake.owner, "on")
        assert "Manage Server" in reply.text
        assert fake.calls("POST", RULES) == []
    assert (await stored_settings(group_config, key, guild)).automod_rules == ()


async def test_a_block_by_our_rule_becomes_a_masked_flag_and_the_author_gets_the_text(
    fake, guild, alice, group_config, key
):
    """Our rule's block is flagged in the queue with the number masked, and the author is sent their words."""
    async with fake.running(confidant(group_config)):
        await automod(fake, guild, fake.owner, "on")
        await fake.automod_action(
            guild, our_rule(guild), alice, BLOCKED, channel=guild.channel("group-chat"),
            keyword=regex_patterns()[2], matched="07700 900123",
        )  # fmt: skip
        post = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral)
        assert "blocked by AutoMod" in post.text and "[PHONE]" in post.text
        assert "07700" not in post.text and "900123" not in post.text
        assert [c.split(":")[2] for c in post.custom_ids()] == ["reveal", "dismiss", "warn", "case"]
        returned = await fake.wait_for_message(to=alice)
        assert BLOCKED in returned.text and "a phone number" in returned.text and "group-chat" in returned.text
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        (flag,) = await store.waiting_flags(guild.id)
    assert flag.source is FlagSource.AUTOMOD and flag.status is FlagStatus.OPEN and flag.message_id is None
    assert flag.text == BLOCKED and flag.labels == ("PHONE",) and flag.risk == pytest.approx(0.9)
    assert [(s.start, s.end) for s in flag.spans] == [(13, 25)]


async def test_blocks_by_other_rules_are_ignored(fake, guild, alice, group_config, key):
    """An AutoMod rule Confidant did not install raises no flag and sends the author nothing."""
    guild.automod_rules[4242] = {
        "id": "4242", "guild_id": str(guild.id), "name": "the server's own", "creator_id": str(fake.owner.id),
        "event_type": 1, "trigger_type": 1, "trigger_metadata": {"keyword_filter": ["badword"]},
        "actions": [{"type": 1, "metadata": {}}], "enabled": True, "exempt_roles": [], "exempt_channels": [],
    }  # fmt: skip
    async with fake.running(confidant(group_config)):
        await automod(fake, guild, fake.owner, "on")
        ours = next(r for r in guild.automod_rules.values() if r["id"] != "4242")
        channel = guild.channel("group-chat")
        await fake.automod_action(guild, 4242, alice, "badword 07700 900123", channel=channel, keyword="badword")
        # Our own block afterwards proves the other one was processed, not just slow.
        await fake.automod_action(
            guild, ours, alice, "mail sam@example.com", channel=channel, matched="sam@example.com"
        )
        post = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral)
        assert "[EMAIL]" in post.text and "[PHONE]" not in post.text
        await fake.wait_for_message(to=alice)
        assert len([m for m in fake.find_messages(guild.channel("mod-queue")) if not m.ephemeral]) == 1
        assert len(fake.find_messages(to=alice)) == 1


async def test_remove_and_warn_on_a_blocked_message_records_a_breach(fake, guild, alice, mod, group_config, key):
    """Remove + warn on an AutoMod flag records a confirmed breach, though there is no message left to remove."""
    async with fake.running(confidant(group_config)):
        await automod(fake, guild, fake.owner, "on")
        channel = guild.channel("group-chat")
        await fake.automod_action(guild, our_rule(guild), alice, BLOCKED, channel=channel, matched="07700 900123")
        post = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral)
        warn = next(c for c in post.custom_ids() if c.startswith("confidant:flag:warn:"))
        done = await (await fake.click(post, warn, mod)).wait_followup()
        assert "confirmed breach" in done.text
        await fake.wait_for(lambda: "confirmed breach" in fake.state.messages[post.id].text)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        (breach,) = await store.breaches(guild.id, alice.id)
    assert breach.confirmed_by == mod.id
