r"""A wire-level stand-in for Discord (REST v10 + gateway) that drives an unmodified discord.py client.

Typical use (see tests/fakediscord for every feature)::

    async with FakeDiscord() as fake:                       # serves on 127.0.0.1:<ephemeral>
        g = fake.add_guild("Group", channels=("general",), categories={"Group": ("group-chat",)}, roles=("Member",))
        alice = fake.add_user("alice", dms_open=True)
        bot = make_the_bot(guild_ready_timeout=0.05)        # any discord.Client; intents set in its constructor
        async with fake.running(bot):                       # patches discord.py's URLs, logs in, waits for on_ready
            await fake.member_join(g, alice)                # each user action waits until the client parsed it
            dm = await fake.wait_for_message(to=alice)      # the bot's DM, read from the fake's state
            it = await fake.click(dm, "agree", alice)       # INTERACTION_CREATE; it.responses, it.followups
            await fake.wait_for_call("PUT", rf"/guilds/{g.id}/members/{alice.id}/roles/\d+")
        # leaving running() fails if discord.py logged an ERROR, the bot task died or a route was unknown

The discord.py URLs are process-global, so only one fake can be patched in at a time.
"""

from .actions import BOT
from .model import (
    Attachment,
    Callback,
    Channel,
    ChannelType,
    Command,
    Guild,
    Intent,
    Interaction,
    Member,
    Message,
    Overwrite,
    Perm,
    Request,
    Role,
    UploadedFile,
    User,
    Webhook,
)
from .server import FakeDiscord

__all__ = [
    "BOT",
    "Attachment",
    "Callback",
    "Channel",
    "ChannelType",
    "Command",
    "FakeDiscord",
    "Guild",
    "Intent",
    "Interaction",
    "Member",
    "Message",
    "Overwrite",
    "Perm",
    "Request",
    "Role",
    "UploadedFile",
    "User",
    "Webhook",
]
