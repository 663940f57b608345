"""/setup over the wire: the admin-only menu, its selects, Create missing, Check, Save, and /setup show."""

import dataclasses

import pytest

from bot.config import Config, GuildConfig
from bot.fakediscord import FakeDiscord, Guild, User
from bot.fakediscord.model import Perm
from bot.permissions import required_permissions
from bot.setup import resolve_setup
from models.records import AuditAction
from tests.conftest import confidant

ALL_NEEDED = required_permissions(with_optional=True).value


@pytest.fixture
def admin(fake: FakeDiscord, guild: Guild) -> User:
    """Someone whose role has Manage Server (not the owner, so permissions are computed from roles)."""
    role = fake.add_role(guild, "Admins", permissions=Perm.MANAGE_GUILD)
    user = fake.add_user("admin")
    fake.add_member(guild, user, roles=[role])
    return user


def with_entry(config: Config, **slots: object) -> Config:
    guild_id = slots.pop("id")
    return dataclasses.replace(config, guild=(GuildConfig(id=guild_id, **slots),))  # type: ignore[arg-type]


async def open_menu(fake: FakeDiscord, guild: Guild, user: User):
    it = await fake.slash("setup start", user, guild.channel("general"))
    menu = await it.wait_message()
    assert menu.ephemeral
    return menu


async def pick(fake: FakeDiscord, menu, slot: str, user: User, values: list) -> None:
    it = await fake.select(menu, f"confidant:setup:{slot}", user, values)
    await it.wait_response()


async def press(fake: FakeDiscord, menu, action: str, user: User):
    it = await fake.click(menu, f"confidant:setup:{action}", user)
    await it.wait_response()
    return it


async def test_someone_without_manage_server_does_not_see_it_and_is_refused_if_shown(fake, guild, alice, config, key):
    """/setup is hidden from members by default; if an admin shows it to them, the server-side check refuses."""
    async with fake.running(confidant(config)) as bot:
        with pytest.raises(AssertionError, match="cannot see command 'setup'"):
            await fake.slash("setup show", alice, guild.channel("general"))
        for command in bot.tree.get_commands():
            if command.name == "setup":
                command.default_permissions = None  # an admin allowed it for everyone under Integrations
        await bot.tree.sync()
        for command in ("setup start", "setup show"):
            reply = await (await fake.slash(command, alice, guild.channel("general"))).wait_message()
            assert reply.ephemeral and "permission" in reply.text
            assert not reply.custom_ids()


async def test_a_menu_press_after_losing_manage_server_is_refused(fake, guild, admin, config, key):
    """The menu re-checks Manage Server on every press: an admin who lost it cannot save."""
    async with fake.running(confidant(config)) as bot:
        menu = await open_menu(fake, guild, admin)
        await pick(fake, menu, "member_role", admin, [guild.role("Member")])
        await fake.member_update(guild, admin, roles=[])
        refused = await (await fake.click(menu, "confidant:setup:save", admin)).wait_message()
        assert "permission" in refused.text
        assert (await bot.store.get_guild_settings(guild.id)).member_role is None


async def test_picks_are_saved_and_win_over_config_toml(fake, guild, admin, config, key):
    """Roles and channels picked in the menu are stored on Save (audited) and resolve_setup prefers them."""
    config = with_entry(config, id=guild.id, member_role="Moderators", gate_channel="general", log_channel="mod-log")
    async with fake.running(confidant(config)) as bot:
        menu = await open_menu(fake, guild, admin)
        assert "step 1 of 3" in menu.text and "15 minutes" in menu.text
        assert "(from config.toml)" in menu.text
        await pick(fake, menu, "member_role", admin, [guild.role("Member")])
        await pick(fake, menu, "moderator_role", admin, [guild.role("Moderators")])
        assert "picked, not saved yet" in menu.text
        assert (await bot.store.get_guild_settings(guild.id)).member_role is None  # nothing stored before Save
        await press(fake, menu, "page:2", admin)
        assert "step 2 of 3" in menu.text
        for slot, name in (("gate_channel", "welcome"), ("mod_queue_channel", "mod-queue"), ("cases_channel", "cases")):
            await pick(fake, menu, slot, admin, [guild.channel(name)])
        await press(fake, menu, "page:3", admin)
        await pick(fake, menu, "monitored_channels", admin, [guild.channel("Group"), guild.channel("general")])
        await press(fake, menu, "save", admin)
        assert "Saved" in menu.text

        settings = await bot.store.get_guild_settings(guild.id)
        assert settings.member_role == guild.role("Member").id
        assert settings.moderator_role == guild.role("Moderators").id
        assert settings.gate_channel == guild.channel("welcome").id
        assert settings.log_channel is None  # not picked: config.toml still supplies it
        assert settings.monitored_channels == (guild.channel("Group").id, guild.channel("general").id)
        assert settings.quiz_enabled is True and settings.grace_days == 7  # other settings kept

        setup = await resolve_setup(bot.get_guild(guild.id), bot.store, bot.config)
        assert setup.member_role.name == "Member"  # the database over config.toml's "Moderators"
        assert setup.gate_channel.name == "welcome"  # over config.toml's "general"
        assert setup.log_channel.name == "mod-log"  # from config.toml
        entries = await bot.store.audit_entries(guild.id)
        saved = [e for e in entries if e.action is AuditAction.SETTING_CHANGED]
        assert len(saved) == 1 and saved[0].actor_id == admin.id
        assert f"member_role={guild.role('Member').id}" in saved[0].reason


async def test_create_missing_makes_private_moderator_channels_and_the_roles(fake, config, key):
    """Create missing makes Member, Moderators and the four channels (private but the gate), and Save keeps them."""
    guild = fake.add_guild("Fresh", channels=("general",), bot_permissions=ALL_NEEDED)
    owner_role = fake.add_role(guild, "Owners", permissions=Perm.MANAGE_GUILD)
    admin = fake.add_user("admin")
    fake.add_member(guild, admin, roles=[owner_role])
    async with fake.running(confidant(config)) as bot:
        menu = await open_menu(fake, guild, admin)
        await press(fake, menu, "create", admin)
        await fake.wait_for(lambda: "Created" in menu.text, what="the menu listing what was created")
        member, moderators = guild.role("Member"), guild.role("Moderators")
        bot_id = fake.bot_user.id
        for name in ("mod-queue", "cases", "mod-log"):
            overwrites = guild.channel(name).overwrites
            assert overwrites[guild.id].deny & Perm.VIEW_CHANNEL, name
            assert overwrites[moderators.id].allow & Perm.VIEW_CHANNEL, name
            assert overwrites[bot_id].type == 1 and overwrites[bot_id].allow & Perm.SEND_MESSAGES, name
            assert fake.state.permissions(guild, admin.id, guild.channel(name)) == 0  # admins see it only if moderators
        gate = guild.channel("welcome").overwrites
        assert gate[guild.id].allow & Perm.VIEW_CHANNEL and gate[bot_id].allow & Perm.CREATE_PRIVATE_THREADS
        assert member.position < guild.role("Confidant").position
        reasons = [r.reason for r in fake.calls("POST", rf"/guilds/{guild.id}/(roles|channels)")]
        assert len(reasons) == 6 and all("Create missing" in (r or "") for r in reasons)

        await press(fake, menu, "save", admin)
        settings = await bot.store.get_guild_settings(guild.id)
        assert settings.member_role == member.id and settings.moderator_role == moderators.id
        assert settings.cases_channel == guild.channel("cases").id
        again = await press(fake, menu, "create", admin)
        await fake.wait_for(lambda: "Nothing to create" in menu.text, what="nothing left to create")
        assert again is not None and len(fake.calls("POST", rf"/guilds/{guild.id}/(roles|channels)")) == 6


async def test_check_names_a_missing_permission_and_the_role_order(fake, config, key):
    """Check lists Manage Roles missing, the member role above the bot's role, and each fix."""
    guild = fake.add_guild(
        "Support Group",
        channels=("general", "welcome", "mod-queue", "cases", "mod-log"),
        roles={"Admins": Perm.MANAGE_GUILD, "Moderators": 0},
        bot_permissions=ALL_NEEDED & ~Perm.MANAGE_ROLES,
    )
    fake.add_role(guild, "Member", position=99)  # above everything, the bot's role included
    admin = fake.add_user("admin")
    fake.add_member(guild, admin, roles=[guild.role("Admins")])
    config = with_entry(
        config, id=guild.id, member_role="Member", moderator_role="Moderators", gate_channel="welcome",
        mod_queue_channel="mod-queue", cases_channel="cases", log_channel="mod-log", monitored_channels=("general",),
    )  # fmt: skip
    async with fake.running(confidant(config)):
        menu = await open_menu(fake, guild, admin)
        check = await press(fake, menu, "check", admin)
        text = (await check.wait_message()).text
        assert "To fix (2)" in text
        assert "Manage Roles" in text and "Server Settings → Roles → Confidant → enable Manage Roles" in text
        assert "drag Confidant above Member" in text
        assert "lead role" in text and "Optional" in text  # the note comes after the problems


async def test_setup_show_names_each_source_and_the_problems(fake, guild, admin, config, key):
    """/setup show says which slots come from /setup and which from config.toml, what doesn't resolve, and fixes."""
    config = with_entry(config, id=guild.id, moderator_role="Moderators", gate_channel="no-such-channel")
    async with fake.running(confidant(config)) as bot:
        settings = await bot.store.get_guild_settings(guild.id)
        await bot.store.save_guild_settings(
            guild.id, dataclasses.replace(settings, member_role=guild.role("Member").id)
        )
        reply = await (await fake.slash("setup show", admin, guild.channel("general"))).wait_message()
        text = reply.text
        assert reply.ephemeral
        assert f"**Member role:** {guild.role('Member').mention} (saved)" in text
        assert f"**Moderator role:** {guild.role('Moderators').mention} (from config.toml)" in text
        assert "`no-such-channel` from config.toml isn't in this server" in text
        assert "**Moderation queue:** not set" in text
        assert "The moderation queue is not set up" in text
