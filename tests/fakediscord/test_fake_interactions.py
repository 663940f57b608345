"""Interactions: buttons, selects, slash and context-menu commands, modals, deferral, follow-ups, ephemerals."""

import discord
import pytest
from discord import app_commands

from .conftest import make_bot, syncing


class Gate(discord.ui.View):
    """A persistent view like an agreement prompt."""

    def __init__(self, role_id: int) -> None:
        super().__init__(timeout=None)
        self.role_id = role_id

    @discord.ui.button(label="I agree", custom_id="test:agree")
    async def agree(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        guild = interaction.client.guilds[0]
        await guild.get_member(interaction.user.id).add_roles(discord.Object(self.role_id))
        await interaction.response.send_message("Welcome in!", ephemeral=True)


def gate_bot(role_id: int) -> discord.Client:
    bot = make_bot()

    async def setup_hook() -> None:
        bot.add_view(Gate(role_id))

    async def on_member_join(member: discord.Member) -> None:
        await member.send("Please read the agreement.", view=Gate(role_id))

    bot.setup_hook = setup_hook
    bot.add_listener(on_member_join)
    return bot


async def test_button_on_a_persistent_view_survives_a_restart(fake, guild):
    """A click on a persistent view's button is handled, even by a freshly started bot."""
    member_role = guild.role("Member")
    bob = fake.add_user("bob")
    async with fake.running(gate_bot(member_role.id)):
        await fake.member_join(guild, bob)
        prompt = await fake.wait_for_message(to=bob)
    async with fake.running(gate_bot(member_role.id)):
        it = await fake.click(prompt, "test:agree", bob)
        reply = await it.wait_response()
        assert reply.type == 4 and reply.ephemeral
        assert it.message.content == "Welcome in!"
        assert it.message.visible_to(bob) and not it.message.visible_to(fake.owner)
        await fake.wait_for_call("PUT", rf"/guilds/{guild.id}/members/{bob.id}/roles/{member_role.id}")
    assert member_role.id in fake.member(guild, bob).roles


class Picker(discord.ui.View):
    """A non-persistent view with a string select and a user select."""

    @discord.ui.select(custom_id="test:topic", options=[discord.SelectOption(label=x, value=x) for x in ("a", "b")])
    async def topic(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.edit_message(content=f"topic {select.values[0]}", view=self)

    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="test:who")
    async def who(self, interaction: discord.Interaction, select: discord.ui.UserSelect) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content=f"picked {select.values[0].name}")


async def test_string_and_user_selects(fake, guild, alice):
    """String and user selects deliver values (resolved for users); update and deferred-update edit the message."""
    bot = make_bot()
    async with fake.running(bot):
        await bot.get_channel(guild.channel("general").id).send("choose", view=Picker())
        msg = await fake.wait_for_message(guild.channel("general"))
        it = await fake.select(msg, "test:topic", alice, ["b"])
        assert (await it.wait_response()).type == 7
        assert msg.content == "topic b"
        it = await fake.select(msg, "test:who", alice, [fake.owner])
        assert (await it.wait_response()).type == 6
        await fake.wait_for(lambda: msg.content == "picked owner")
        with pytest.raises(AssertionError, match="no options"):
            await fake.select(msg, "test:topic", alice, ["zzz"])


def command_bot(**sync):
    bot = make_bot()

    @bot.tree.command(name="ping", description="Ping")
    @app_commands.allowed_contexts(guilds=True, dms=True)
    async def ping(interaction: discord.Interaction) -> None:
        where = "guild" if interaction.guild else "dm"
        await interaction.response.send_message(f"pong from {where}")

    agreement = app_commands.Group(name="agreement", description="Agreement")

    @agreement.command(name="show", description="Show")
    async def show(
        interaction: discord.Interaction,
        member: discord.Member,
        role: discord.Role,
        channel: discord.TextChannel,
        evidence: discord.Attachment,
        count: int = 1,
    ) -> None:
        await interaction.response.send_message(
            f"{member.name} {role.name} {channel.name} {evidence.filename} {count}", ephemeral=True
        )

    bot.tree.add_command(agreement)

    @bot.tree.command(name="slow", description="Slow")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        first = await interaction.followup.send("step 1", wait=True)
        await first.edit(content="step 1 (edited)")
        await interaction.followup.send("just for you", ephemeral=True)
        await interaction.edit_original_response(content="done")

    @bot.tree.command(name="find", description="Find")
    async def find(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    @find.autocomplete("name")
    async def find_name(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in ("alpha", "alpine") if n.startswith(current)]

    @bot.tree.context_menu(name="Report message")
    async def report(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_modal(ReportModal(message.content))

    @bot.tree.context_menu(name="History")
    async def history(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"history of {member.name}", ephemeral=True)

    return syncing(bot, **sync)


class ReportModal(discord.ui.Modal, title="Report"):
    """A modal mixing the newer label wrapper and a classic text input row."""

    def __init__(self, quoted: str) -> None:
        super().__init__()
        self.quoted = quoted
        self.details = discord.ui.TextInput(custom_id="report:details", style=discord.TextStyle.paragraph)
        self.add_item(discord.ui.Label(text="What happened?", component=self.details))
        self.links = discord.ui.TextInput(label="Links", custom_id="report:links", required=False)
        self.add_item(self.links)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"got {self.details.value!r} about {self.quoted!r} links={self.links.value!r}", ephemeral=True
        )


async def test_slash_commands_in_guild_and_dm(fake, guild, alice):
    """A global slash command answers in a guild channel and in a DM."""
    async with fake.running(command_bot()) as bot:
        names = sorted(c.name for c in fake.state.commands.values())
        assert names == ["History", "Report message", "agreement", "find", "ping", "slow"]
        assert sorted(c.name for c in await bot.tree.fetch_commands()) == names
        it = await fake.slash("ping", alice, guild.channel("general"))
        assert (await it.wait_message()).content == "pong from guild"
        it = await fake.slash("ping", alice)
        assert (await it.wait_message()).content == "pong from dm"
        assert it.message.channel_id == fake.dm_channel(alice).id


async def test_subcommand_with_entity_and_attachment_options(fake, guild, alice):
    """Subcommand options of user, role, channel, attachment and integer types resolve in the bot."""
    async with fake.running(command_bot(guild=guild)):
        assert all(c.guild_id == guild.id for c in fake.state.commands.values())
        it = await fake.slash(
            "agreement show",
            fake.owner,
            guild.channel("mod-queue"),
            member=alice,
            role=guild.role("Member"),
            channel=guild.channel("general"),
            evidence=("shot.png", b"png"),
            count=3,
        )
        msg = await it.wait_message()
        assert msg.content == "alice Member general shot.png 3"
        assert msg.ephemeral and msg.visible_to(fake.owner) and not msg.visible_to(alice)
        with pytest.raises(AssertionError, match="needs option"):
            await fake.slash("agreement show", fake.owner, guild.channel("general"), member=alice)


async def test_defer_followups_and_edit_original(fake, guild, alice):
    """Deferral, two follow-ups (one ephemeral) and an edit of the original all land in order."""
    async with fake.running(command_bot()):
        it = await fake.slash("slow", alice, guild.channel("general"))
        deferred = await it.wait_response()
        assert deferred.type == 5 and deferred.elapsed < 3
        final = await it.wait_message()
        assert final.content == "done"
        await it.wait_followup(2)
        assert [m.content for m in it.followups] == ["step 1 (edited)", "just for you"]
        assert it.followups[1].ephemeral and it.followups[1].visible_to(alice)
        visible_to_owner = fake.find_messages(guild.channel("general"), visible_to=fake.owner)
        assert [m.content for m in visible_to_owner] == ["done", "step 1 (edited)"]
        assert fake.calls("POST", rf"/webhooks/{fake.application_id}/.+")[0].query["wait"] == "1"


async def test_message_context_menu_opens_a_modal_that_is_submitted(fake, guild, alice):
    """A message command opens a modal; its submit (label + row) reaches on_submit with the values."""
    async with fake.running(command_bot()):
        target = await fake.user_message(guild.channel("group-chat"), fake.owner, "alice works at Acme")
        it = await fake.message_command("Report message", alice, target)
        assert (await it.wait_response()).type == 9
        assert it.modal["custom_id"]
        submitted = await fake.submit_modal(it, {"report:details": "shared my job"})
        reply = await submitted.wait_message()
        assert reply.content == "got 'shared my job' about 'alice works at Acme' links=''"
        with pytest.raises(AssertionError, match="no fields"):
            await fake.submit_modal(it, {"report:details": "x", "report:nope": "x"})


async def test_user_context_menu_and_autocomplete(fake, guild, alice):
    """A user command resolves its target member; autocomplete returns the bot's choices."""
    async with fake.running(command_bot()):
        it = await fake.user_command("History", fake.owner, alice, guild.channel("mod-queue"))
        assert (await it.wait_message()).content == "history of alice"
        it = await fake.autocomplete("find", alice, guild.channel("general"), focused="name", name="alp")
        await it.wait_response()
        assert [c["value"] for c in it.choices] == ["alpha", "alpine"]


async def test_ephemeral_messages_are_clickable_only_by_their_user(fake, guild, alice):
    """Another user cannot click a button on someone else's ephemeral message."""
    async with fake.running(gate_bot(guild.role("Member").id)) as bot:

        @bot.tree.command(name="gate", description="Gate")
        async def gate(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("agree?", view=Gate(guild.role("Member").id), ephemeral=True)

        await bot.tree.sync()
        it = await fake.slash("gate", alice, guild.channel("general"))
        prompt = await it.wait_message()
        with pytest.raises(AssertionError, match="cannot see ephemeral"):
            await fake.click(prompt, "test:agree", fake.owner)
        clicked = await fake.click(prompt, "test:agree", alice)
        assert (await clicked.wait_response()).ephemeral


async def test_commands_with_default_permissions_are_hidden_from_members(fake, guild, alice):
    """A command with default_member_permissions cannot be run by a member lacking them."""
    bot = make_bot()

    @bot.tree.command(name="history", description="Moderators only")
    @app_commands.default_permissions(manage_messages=True)
    async def history(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    async with fake.running(syncing(bot)):
        with pytest.raises(AssertionError, match="cannot see command"):
            await fake.slash("history", alice, guild.channel("general"))
        it = await fake.slash("history", fake.owner, guild.channel("general"))
        assert (await fake.wait_response(it)).ephemeral
