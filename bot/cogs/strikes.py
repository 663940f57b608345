"""Consequences: each confirmed breach takes its author one step up the guild's strike ladder.

A breach is confirmed by a moderator — Remove + warn on a flag, a case resolved with an action, or `/strike add` —
and announced with the `breach_confirmed` event. This cog counts the member's breaches that have not expired,
applies the ladder's step (a private warning, a timeout) and, for "remove", proposes the removal to the moderators,
who decide with a button. The member is told each step privately and why. Humans decide punishments: nothing here
runs without a moderator's confirmation of the breach, and nobody is removed without a second one.
"""

from __future__ import annotations

import dataclasses
import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.delivery import send_privately
from bot.setup import GuildSetup, command_user, is_moderator, report_setup_problem, resolve_setup
from bot.ui import GuardedItem
from models.records import AuditAction, AuditEntry, Breach, BreachSource
from rules.strikes import StepKind, StrikeStep, counting_since, step_for

log = logging.getLogger(__name__)

REASON_LIMIT = 500


def describe(step: StrikeStep) -> str:
    """'a timeout of 1 hour': the step in words."""
    return strings.STRIKE_STEPS[step.kind.value].format(duration=duration_text(step))


def duration_text(step: StrikeStep) -> str:
    """'1 hour', '24 hours', '90 minutes'."""
    minutes = step.minutes
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day{'s' * (days != 1)}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' * (hours != 1)}"
    return f"{minutes} minutes"


class RemovalDecision(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"confidant:strike:(?P<choice>remove|keep):(?P<guild_id>\d+):(?P<member_id>\d+):(?P<breach_id>\d+)",
):
    """Confirm or refuse a proposed removal: moderators only, checked on every press."""

    def __init__(self, choice: str, guild_id: int, member_id: int, breach_id: int) -> None:
        label = strings.STRIKE_CONFIRM_BUTTON if choice == "remove" else strings.STRIKE_KEEP_BUTTON
        style = discord.ButtonStyle.danger if choice == "remove" else discord.ButtonStyle.secondary
        custom_id = f"confidant:strike:{choice}:{guild_id}:{member_id}:{breach_id}"
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.choice, self.guild_id, self.member_id, self.breach_id = choice, guild_id, member_id, breach_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RemovalDecision:
        """Rebuild the button from its custom id."""
        return cls(match["choice"], int(match["guild_id"]), int(match["member_id"]), int(match["breach_id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Hand the decision to the strikes cog."""
        cog = interaction.client.get_cog("Strikes")  # type: ignore[attr-defined]
        if cog is None:
            raise RuntimeError("the strikes cog is not loaded")
        await cog.decide_removal(interaction, self)


class StrikesCog(commands.Cog, name="Strikes"):
    """The strike ladder, `/strike`, and moderators' decisions on proposed removals."""

    strike = app_commands.Group(
        name="strike",
        description=strings.CMD_STRIKE,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
    )

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the persistent removal buttons."""
        self.bot.add_dynamic_items(RemovalDecision)

    async def cog_unload(self) -> None:
        """Forget the persistent removal buttons."""
        self.bot.remove_dynamic_items(RemovalDecision)

    async def setup_of(self, guild: discord.Guild) -> GuildSetup:
        """The guild's roles and channels."""
        return await resolve_setup(guild, self.bot.store, self.bot.config)

    # -- the ladder ---------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_breach_confirmed(self, breach: Breach) -> None:
        """A moderator confirmed a breach: apply the ladder's next step."""
        async with self.bot.working():
            await self.apply(breach)

    async def apply(self, breach: Breach) -> tuple[int, StrikeStep] | None:
        """Apply the step the member's counting breaches call for; return the strike and step (None: no guild)."""
        guild = self.bot.get_guild(breach.guild_id)
        if guild is None:
            return None
        settings = await self.bot.store.get_guild_settings(guild.id)
        since = counting_since(discord.utils.utcnow(), settings.strike_expiry_days)
        strike = len(await self.bot.store.breaches(guild.id, breach.member_id, since=since))
        step = step_for(settings.strike_ladder, max(strike, 1))
        await self.bot.store.set_breach_step(breach.id, str(step))
        reason = f"breach #{breach.id} ({breach.source}): strike {strike}, {step}"
        await self.bot.store.append_audit(
            AuditEntry(guild_id=guild.id, actor_id=breach.confirmed_by, action=AuditAction.STRIKE,
                       subject_id=breach.member_id, reason=reason)
        )  # fmt: skip
        log.info("Breach %d in guild %s: strike %d, step %s", breach.id, guild.id, strike, step)
        setup = await self.setup_of(guild)
        member = guild.get_member(breach.member_id)
        if member is None:
            try:
                member = await guild.fetch_member(breach.member_id)
            except discord.HTTPException:
                member = None  # they left: there is no one to warn or time out
        why = strings.BREACH_SOURCES[breach.source.value]
        if step.kind is StepKind.REMOVE:
            await self._propose_removal(guild, setup, breach, strike, why)
        elif member is not None:
            if step.kind is StepKind.TIMEOUT:
                await self._timeout(member, setup, step, strike)
            template = strings.STRIKE_WARNING if step.kind is StepKind.WARN else strings.STRIKE_TIMEOUT
            text = template.format(
                name=member.display_name, guild=guild.name, why=why, strike=strike, duration=duration_text(step)
            )
            await self._tell(member, setup, text)
        return strike, step

    async def _tell(self, member: discord.Member, setup: GuildSetup, text: str) -> bool:
        delivered = await send_privately(
            member, store=self.bot.store, member=member, gate=setup.gate_channel,
            thread_name=strings.STRIKE_THREAD_NAME.format(name=member.display_name), content=text,
        )  # fmt: skip
        return delivered is not None

    async def _timeout(self, member: discord.Member, setup: GuildSetup, step: StrikeStep, strike: int) -> None:
        try:
            await member.timeout(step.duration, reason=f"Confidant strike {strike}: confirmed breach")
        except discord.HTTPException as error:
            log.warning("Could not time out user %s in guild %s: HTTP %s", member.id, member.guild.id, error.status)
            text = strings.STRIKE_CANNOT_TIMEOUT.format(
                strike=strike, member=member.mention, duration=duration_text(step)
            )
            await report_setup_problem(self.bot, member.guild, setup, f"timeout-{member.id}-{strike}", text)

    async def _propose_removal(
        self, guild: discord.Guild, setup: GuildSetup, breach: Breach, strike: int, why: str
    ) -> None:
        channel = setup.mod_queue_channel or setup.log_channel
        if channel is None:
            log.warning(
                "Removal of user %s proposed in guild %s, but there is no queue or log channel",
                breach.member_id,
                guild.id,
            )
            return
        view = discord.ui.View(timeout=None)
        for choice in ("remove", "keep"):
            view.add_item(RemovalDecision(choice, guild.id, breach.member_id, breach.id))
        text = strings.STRIKE_PROPOSAL.format(member=f"<@{breach.member_id}>", strike=strike, why=why)
        try:
            await channel.send(text, view=view)
        except discord.HTTPException as error:
            log.warning("Could not propose a removal in guild %s: HTTP %s", guild.id, error.status)

    async def decide_removal(self, interaction: discord.Interaction, decision: RemovalDecision) -> None:
        """A moderator confirmed or refused a proposed removal."""
        guild = self.bot.get_guild(decision.guild_id)
        clicker = None if guild is None else guild.get_member(interaction.user.id)
        if guild is None or clicker is None or not is_moderator(clicker, await self.setup_of(guild)):
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        mention = f"<@{decision.member_id}>"
        if decision.choice == "keep":
            await interaction.response.edit_message(
                content=strings.STRIKE_KEPT.format(moderator=clicker.mention, member=mention), view=None
            )
            await self._audit_removal(guild, clicker, decision, "removal refused")
            return
        member = guild.get_member(decision.member_id)
        if member is None:
            await interaction.response.edit_message(
                content=strings.STRIKE_MEMBER_GONE.format(member=mention), view=None
            )
            return
        await interaction.response.defer()
        told = False
        try:
            await member.send(strings.STRIKE_REMOVED.format(name=member.display_name, guild=guild.name))
            told = True
        except discord.HTTPException:
            log.info("Could not tell user %s why they are removed from guild %s", member.id, guild.id)
        self.bot.removing.add((guild.id, member.id))
        try:
            await member.kick(reason=f"Confidant: repeated confirmed breaches, removal confirmed by {clicker.id}")
        except discord.HTTPException as error:
            self.bot.removing.discard((guild.id, member.id))
            log.warning("Could not remove user %s from guild %s: HTTP %s", member.id, guild.id, error.status)
            await interaction.followup.send(strings.STRIKE_CANNOT_REMOVE.format(member=mention), ephemeral=True)
            return
        await interaction.edit_original_response(
            content=strings.STRIKE_CONFIRMED.format(member=mention, told=strings.STRIKE_TOLD[told]), view=None
        )
        await self._audit_removal(guild, clicker, decision, "removal confirmed")

    async def _audit_removal(
        self, guild: discord.Guild, moderator: discord.Member, decision: RemovalDecision, what: str
    ) -> None:
        await self.bot.store.append_audit(
            AuditEntry(guild_id=guild.id, actor_id=moderator.id, action=AuditAction.MEMBER_REMOVED,
                       subject_id=decision.member_id, reason=f"breach #{decision.breach_id}: {what}")
        )  # fmt: skip
        log.info("Moderator %s: %s for user %s in guild %s", moderator.id, what, decision.member_id, guild.id)

    # -- /strike ----------------------------------------------------------------------------------------------

    @strike.command(name="add", description=strings.CMD_STRIKE_ADD)
    @app_commands.describe(member=strings.CMD_STRIKE_MEMBER, reason=strings.CMD_STRIKE_REASON)
    async def add(self, interaction: discord.Interaction, member: discord.Member, reason: str) -> None:
        """Record a confirmed breach by hand; the ladder's step follows."""
        moderator = await command_user(interaction, self.bot)
        if moderator is None:
            return
        if len(reason) > REASON_LIMIT:
            await interaction.response.send_message(
                strings.STRIKE_REASON_MAX.format(limit=REASON_LIMIT), ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        breach = await self.bot.store.record_breach(
            member.guild.id, member.id, BreachSource.COMMAND, None, moderator.id, reason=reason
        )
        applied = await self.apply(breach)
        assert applied is not None  # noqa: S101 - the guild is the one the command ran in
        strike, step = applied
        await interaction.edit_original_response(
            content=strings.STRIKE_ADDED.format(member=member.mention, strike=strike, step=describe(step))
        )

    @strike.command(name="remove", description=strings.CMD_STRIKE_REMOVE)
    @app_commands.describe(member=strings.CMD_STRIKE_MEMBER, number=strings.CMD_STRIKE_NUMBER)
    async def remove(self, interaction: discord.Interaction, member: discord.Member, number: int | None = None) -> None:
        """Take back a breach: it stays on record but no longer counts."""
        moderator = await command_user(interaction, self.bot)
        if moderator is None:
            return
        store = self.bot.store
        if number is None:
            counting = await store.breaches(member.guild.id, member.id)
            number = counting[-1].id if counting else 0
        breach = await store.breach(member.guild.id, number)
        removed = (
            None
            if breach is None or breach.member_id != member.id
            else await store.remove_breach(member.guild.id, number, moderator.id)
        )
        if removed is None:
            await interaction.response.send_message(
                strings.STRIKE_NONE_TO_REMOVE.format(member=member.mention, id=number), ephemeral=True
            )
            return
        await store.append_audit(
            AuditEntry(guild_id=member.guild.id, actor_id=moderator.id, action=AuditAction.STRIKE,
                       subject_id=member.id, reason=f"breach #{number} taken back")
        )  # fmt: skip
        await interaction.response.send_message(
            strings.STRIKE_REMOVED_OK.format(id=number, member=member.mention), ephemeral=True
        )

    @strike.command(name="settings", description=strings.CMD_STRIKE_SETTINGS)
    @app_commands.describe(ladder=strings.CMD_STRIKE_LADDER, expiry_days=strings.CMD_STRIKE_EXPIRY)
    async def settings(
        self,
        interaction: discord.Interaction,
        ladder: str | None = None,
        expiry_days: app_commands.Range[int, 0, 3650] | None = None,
    ) -> None:
        """Admins: see the ladder and expiry, or change them."""
        user = await command_user(interaction, self.bot, admin=True)
        if user is None:
            return
        guild = user.guild
        current = await self.bot.store.get_guild_settings(guild.id)
        changes: dict[str, object] = {}
        if ladder is not None:
            changes["strike_ladder"] = tuple(step.strip() for step in ladder.split(",") if step.strip())
        if expiry_days is not None:
            changes["strike_expiry_days"] = expiry_days
        try:
            updated = dataclasses.replace(current, **changes)
        except ValueError as problem:
            await interaction.response.send_message(
                strings.STRIKE_SETTINGS_INVALID.format(problem=problem), ephemeral=True
            )
            return
        if changes:
            await self.bot.store.save_guild_settings(guild.id, updated)
            summary = ", ".join(f"{name}={value}" for name, value in changes.items())
            await self.bot.store.append_audit(
                AuditEntry(guild_id=guild.id, actor_id=user.id, action=AuditAction.SETTING_CHANGED,
                           reason=f"strike settings changed: {summary}")
            )  # fmt: skip
        steps = "\n".join(
            f"{number}. {describe(StrikeStep.parse(step))}"
            for number, step in enumerate(updated.strike_ladder, start=1)
        )
        text = strings.STRIKE_SETTINGS.format(
            steps=steps, ladder=", ".join(updated.strike_ladder), days=updated.strike_expiry_days
        )
        await interaction.response.send_message(
            (strings.FLAG_SETTINGS_SAVED + "\n" if changes else "") + text, ephemeral=True
        )

    @strike.command(name="list", description=strings.CMD_STRIKE_LIST)
    @app_commands.describe(member=strings.CMD_STRIKE_MEMBER)
    async def list_(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """A member's confirmed breaches, privately."""
        if await command_user(interaction, self.bot) is None:
            return
        settings = await self.bot.store.get_guild_settings(member.guild.id)
        since = counting_since(discord.utils.utcnow(), settings.strike_expiry_days)
        every = await self.bot.store.breaches(member.guild.id, member.id, include_removed=True)
        if not every:
            await interaction.response.send_message(
                strings.STRIKE_LIST_NONE.format(member=member.mention), ephemeral=True
            )
            return
        counting = [b for b in every if b.removed_at is None and (since is None or b.created_at >= since)]
        lines = [
            strings.STRIKE_LIST_HEADER.format(
                member=member.mention, counting=len(counting), days=settings.strike_expiry_days
            )
        ]
        for breach in every:
            state = " · taken back" if breach.removed_at else "" if breach in counting else " · expired"
            lines.append(
                strings.STRIKE_LIST_LINE.format(
                    id=breach.id, when=discord.utils.format_dt(breach.created_at, "d"),
                    why=strings.BREACH_SOURCES[breach.source.value],
                    step=f" → {describe(StrikeStep.parse(breach.step))}" if breach.step else "", state=state,
                )
            )  # fmt: skip
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True)


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(StrikesCog(bot))
