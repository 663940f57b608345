"""Messages in channels, threads and DMs, files, replies, forwards, threads and webhooks."""

import io

import discord
import pytest

from bot.fakediscord import ChannelType

from .conftest import collect, make_bot


async def test_messages_in_channel_thread_and_dm(fake, guild, alice):
    """User messages arrive from a channel, a thread and a DM, and the bot's replies land in fake state."""
    bot = make_bot()

    async def on_message(message: discord.Message) -> None:
        if message.author != bot.user:
            await message.channel.send(f"echo {message.content}")

    bot.add_listener(on_message)
    async with fake.running(bot):
        thread = fake.add_thread(guild.channel("group-chat"), "venting", alice)
        await fake.user_message(guild.channel("general"), alice, "one")
        await fake.user_message(thread, alice, "two")
        await fake.user_message(fake.dm_channel(alice), alice, "three")
        assert (await fake.wait_for_message(guild.channel("general"))).content == "echo one"
        assert (await fake.wait_for_message(thread)).content == "echo two"
        assert (await fake.wait_for_message(to=alice)).content == "echo three"
        assert isinstance(bot.get_channel(thread.id), discord.Thread)


async def test_edits_and_deletes_dispatch_events(fake, guild, alice):
    """Editing and deleting a user's message dispatch message_edit and message_delete."""
    bot = make_bot()
    edits = collect(bot, "message_edit", lambda before, after: (before.content, after.content))
    deletes = collect(bot, "message_delete", lambda m: m.content)
    async with fake.running(bot):
        msg = await fake.user_message(guild.channel("general"), alice, "my number is 555-0100")
        await fake.edit_message(msg, "my number is [removed]")
        await fake.delete_message(msg)
        await fake.wait_for(lambda: deletes)
    assert edits == [("my number is 555-0100", "my number is [removed]")]
    assert deletes == ["my number is [removed]"]


async def test_bot_sends_edits_and_deletes_with_files_and_embeds(fake, guild, alice):
    """The bot's messages keep embeds, components and uploaded files; edits and deletes update state."""
    bot = make_bot()
    async with fake.running(bot):
        channel = bot.get_channel(guild.channel("general").id)
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Go", custom_id="x:go"))
        sent = await channel.send(
            "report",
            embed=discord.Embed(title="Flag", description="masked"),
            view=view,
            file=discord.File(io.BytesIO(b"evidence"), filename="log.txt"),
        )
        stored = fake.state.messages[sent.id]
        assert stored.embeds[0]["title"] == "Flag"
        assert stored.custom_ids() == ["x:go"]
        assert stored.attachments[0].filename == "log.txt"
        assert await sent.attachments[0].read() == b"evidence"
        assert "masked" in stored.text
        await sent.edit(content="report (edited)")
        assert stored.content == "report (edited)" and stored.edited_at is not None
        fetched = await channel.fetch_message(sent.id)
        assert fetched.content == "report (edited)"
        history = [m.content async for m in channel.history(limit=5)]
        assert history == ["report (edited)"]
        await sent.delete()
        assert stored.deleted
        files = fake.calls("POST", rf"/channels/{channel.id}/messages")[0].files
        assert files[0].filename == "log.txt" and files[0].data == b"evidence"


async def test_user_attachments_reply_and_forward(fake, guild, alice):
    """User messages carry attachments, replies resolve, and forwards carry message snapshots."""
    bot = make_bot()
    seen = collect(bot, "message")
    async with fake.running(bot):
        original = await fake.user_message(
            guild.channel("group-chat"), alice, "look", attachments=[("photo.png", b"\x89PNG")]
        )
        await fake.user_message(guild.channel("general"), alice, "replying", reply_to=original)
        await fake.user_message(guild.channel("general"), alice, forward_of=original)
        await fake.wait_for(lambda: len(seen) == 3)
        assert seen[0].attachments[0].filename == "photo.png"
        assert await seen[0].attachments[0].read() == b"\x89PNG"
        assert seen[1].reference.resolved.content == "look"
        assert seen[2].message_snapshots[0].content == "look"
        assert seen[2].reference.type is discord.MessageReferenceType.forward
        forwarded = await seen[0].forward(bot.get_channel(guild.channel("mod-queue").id))
        assert fake.state.messages[forwarded.id].snapshots[0]["content"] == "look"


async def test_dm_to_user_with_closed_dms_is_forbidden(fake, guild):
    """Sending a DM to a user whose DMs are closed raises Forbidden with code 50007."""
    shy = fake.add_user("shy", dms_open=False)
    fake.add_member(guild, shy)
    bot = make_bot()
    async with fake.running(bot):
        member = bot.get_guild(guild.id).get_member(shy.id)
        with pytest.raises(discord.Forbidden) as info:
            await member.send("welcome")
    assert info.value.code == 50007
    assert fake.calls("POST", "/users/@me/channels")[0].json["recipient_id"] == shy.id


async def test_private_thread_with_a_member(fake, guild, alice):
    """The bot creates a private thread, adds a member, and posts in it."""
    bot = make_bot()
    created = collect(bot, "thread_create", lambda t: t.name)
    async with fake.running(bot):
        channel = bot.get_channel(guild.channel("general").id)
        thread = await channel.create_thread(name="gate-alice", type=discord.ChannelType.private_thread)
        await thread.add_user(discord.Object(alice.id))
        await thread.send("Please read the agreement.")
        await fake.wait_for(lambda: created)
    stored = guild.thread("gate-alice")
    assert stored.type == ChannelType.PRIVATE_THREAD
    assert set(stored.thread_members) == {fake.bot_user.id, alice.id}
    assert fake.find_messages(stored)[0].content == "Please read the agreement."
    assert created == ["gate-alice"]
    await fake.user_message(stored, alice, "I agree")
    outsider = fake.add_user("zed")
    fake.add_member(guild, outsider)
    with pytest.raises(AssertionError, match="not in the private thread"):
        await fake.user_message(stored, outsider, "let me in")


async def test_thread_from_message_and_webhook(fake, guild, alice):
    """A thread can start from a message, and a webhook posts with wait=true."""
    bot = make_bot()
    async with fake.running(bot):
        channel = bot.get_channel(guild.channel("general").id)
        starter = await channel.send("case 1")
        thread = await starter.create_thread(name="case-1")
        assert thread.id == starter.id
        hook = await channel.create_webhook(name="relay")
        sent = await hook.send("relayed text", username="Reporter A-7", wait=True)
        assert sent.author.name == "Reporter A-7"
        assert [h.name for h in await channel.webhooks()] == ["relay"]
    assert fake.find_messages(guild.channel("general"), author=None)[-1].content == "relayed text"


async def test_rest_hides_content_when_the_app_lacks_the_privilege():
    """Fetched messages have empty content when the application lacks the message-content privilege."""
    from bot.fakediscord import FakeDiscord

    from .conftest import make_intents

    async with FakeDiscord(privileged_intents=("members",)) as fake:
        g = fake.add_guild()
        bob = fake.add_user("bob")
        fake.add_member(g, bob)
        async with fake.running(make_bot(intents=make_intents(content=False))) as bot:
            msg = await fake.user_message(g.channel("general"), bob, "secret")
            fetched = await bot.get_channel(g.channel("general").id).fetch_message(msg.id)
            assert fetched.content == ""
            own = await bot.get_channel(g.channel("general").id).send("mine")
            assert (await own.fetch()).content == "mine"
