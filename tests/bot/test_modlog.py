"""The moderation log over the wire: audit entries reach the log channel without identifying text; /history."""

from tests.conftest import confidant

EMAIL = "email me at sam.jones@example.com any time"


async def test_moderators_actions_are_posted_to_the_log_without_the_text(fake, guild, alice, mod, group_config):
    async with fake.running(confidant(group_config)):
        await fake.user_message(guild.channel("group-chat"), alice, EMAIL)
        post = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral, timeout=10)
        await fake.wait_for_message(to=alice)
        reveal = next(c for c in post.custom_ids() if ":reveal:" in c)
        await (await fake.click(post, reveal, mod)).wait_message()
        logged = await fake.wait_for_message(guild.channel("mod-log"))
        assert "Flag text revealed" in logged.text and f"<@{mod.id}>" in logged.text and f"<@{alice.id}>" in logged.text
        warn = next(c for c in post.custom_ids() if ":warn:" in c)
        await (await fake.click(post, warn, mod)).wait_followup()
        decision = await fake.wait_for_message(guild.channel("mod-log"))
        assert "Flag decision" in decision.text
        strike = await fake.wait_for_message(guild.channel("mod-log"))
        assert "Strike" in strike.text
        await fake.wait_for_message(to=alice)
        await fake.wait_for_message(to=alice)
        for message in fake.find_messages(guild.channel("mod-log")):
            assert "sam.jones" not in message.text and "example.com" not in message.text


async def test_history_shows_a_members_record_to_moderators_only(fake, guild, alice, mod, group_config):
    async with fake.running(confidant(group_config)):
        refused = await (await fake.slash("history", alice, guild.channel("general"), member=mod)).wait_message()
        assert "permission" in refused.text
        await fake.user_message(guild.channel("group-chat"), alice, EMAIL)
        await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral, timeout=10)
        await fake.wait_for_message(to=alice)
        await (await fake.slash("strike add", mod, guild.channel("general"), member=alice, reason="x")).wait_message()
        await fake.wait_for_message(to=alice)
        shown = await (await fake.slash("history", mod, guild.channel("general"), member=alice)).wait_message()
        assert shown.ephemeral and "History of alice" in shown.text
        assert "EMAIL — open" in shown.text and "a breach a moderator recorded → warn" in shown.text
        assert "sam.jones" not in shown.text
