"""What is wrong with a guild's setup, and how to fix each thing: `/setup`, `/setup show` and `confidant check`.

`setup_problems(guild, setup)` reads only the guild's cache (roles, channels, overwrites, the bot's member), so it
makes no requests and can run anywhere a `discord.Guild` is at hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot import strings
from bot.permissions import NEEDS, Need
from bot.setup import GuildSetup

__all__ = ["CHANNEL_NEEDS", "ROLE_SLOTS", "SINGLE_CHANNEL_SLOTS", "Problem", "setup_problems"]

ROLE_SLOTS = ("member_role", "moderator_role", "lead_role")
SINGLE_CHANNEL_SLOTS = ("gate_channel", "mod_queue_channel", "cases_channel", "log_channel")

# What the bot must be allowed in each kind of channel; view_channel comes first because without it nothing else
# counts. Cases get a public thread on each case post (the channel itself is private to moderators).
CHANNEL_NEEDS: dict[str, tuple[str, ...]] = {
    "gate_channel": ("view_channel", "send_messages", "create_private_threads", "send_messages_in_threads",
                     "manage_threads"),
    "mod_queue_channel": ("view_channel", "send_messages", "embed_links"),
    "cases_channel": ("view_channel", "send_messages", "embed_links", "create_public_threads",
                      "send_messages_in_threads"),
    "log_channel": ("view_channel", "send_messages", "embed_links"),
    "monitored_channels": ("view_channel", "read_message_history", "manage_messages"),
}  # fmt: skip

_WHY: dict[str, str] = {need.flag: need.why for need in NEEDS}
_NEED_SENDING = frozenset({"embed_links", "attach_files"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a guild's setup: what, and how to fix it. A note is optional, not a fault."""

    key: str  # stable identity, e.g. "slot:gate_channel", "role-order", "permission:manage_roles"
    text: str
    fix: str
    note: bool = False

    def __str__(self) -> str:
        """'what — fix'."""
        return f"{self.text} {strings.SETUP_FIX_PREFIX} {self.fix}"


def setup_problems(guild: discord.Guild, setup: GuildSetup) -> list[Problem]:
    """Each problem with the guild's setup, problems before notes: empty slots, role order, missing permissions."""
    me = guild.me
    bot_role = _bot_role(guild)
    found = _slot_problems(setup)
    if me is None:  # not in the cache: nothing more can be judged
        return _ordered(found)
    if setup.member_role is not None and me.top_role <= setup.member_role:
        found.append(
            Problem(
                "role-order",
                strings.SETUP_ROLE_ORDER.format(bot_role=bot_role, member_role=setup.member_role.name),
                strings.SETUP_ROLE_ORDER_FIX.format(bot_role=bot_role, member_role=setup.member_role.name),
            )
        )
    granted = me.guild_permissions
    for need in NEEDS:
        if getattr(granted, need.flag):
            continue
        found.append(_guild_permission_problem(need, bot_role))
    for slot, channel in _channels_to_check(setup):
        found.extend(_channel_problems(slot, channel, me, granted, bot_role))
    return _ordered(found)


def _slot_problems(setup: GuildSetup) -> list[Problem]:
    found = []
    for slot in (*ROLE_SLOTS, *SINGLE_CHANNEL_SLOTS):
        if getattr(setup, slot) is None:
            found.append(_missing_slot(slot, note=slot == "lead_role"))
    if not setup.monitored_channels:
        found.append(_missing_slot("monitored_channels", note=False))
    return found


def _missing_slot(slot: str, *, note: bool) -> Problem:
    name, why = strings.SETUP_SLOT_NAMES[slot], strings.SETUP_SLOT_WHY[slot]
    if slot == "monitored_channels":
        text, fix = strings.SETUP_MISSING_MONITORED.format(why=why), strings.SETUP_MISSING_MONITORED_FIX
    else:
        text, fix = (
            strings.SETUP_MISSING_SLOT.format(slot=name, why=why),
            strings.SETUP_MISSING_SLOT_FIX.format(slot=name),
        )
    return Problem(f"slot:{slot}", text, fix, note=note)


def _guild_permission_problem(need: Need, bot_role: str) -> Problem:
    permission = strings.PERMISSION_NAMES[need.flag]
    template = strings.SETUP_OPTIONAL_PERMISSION if need.optional else strings.SETUP_MISSING_PERMISSION
    return Problem(
        f"permission:{need.flag}",
        template.format(permission=permission, why=need.why),
        strings.SETUP_MISSING_PERMISSION_FIX.format(bot_role=bot_role, permission=permission),
        note=need.optional,
    )


def _channels_to_check(setup: GuildSetup) -> list[tuple[str, discord.abc.GuildChannel]]:
    """(slot, channel) pairs; a monitored category stands for its text channels."""
    pairs: list[tuple[str, discord.abc.GuildChannel]] = [
        (slot, channel) for slot in SINGLE_CHANNEL_SLOTS if (channel := getattr(setup, slot)) is not None
    ]
    for watched in setup.monitored_channels:
        if isinstance(watched, discord.CategoryChannel):
            pairs.extend(("monitored_channels", child) for child in watched.text_channels)
        else:
            pairs.append(("monitored_channels", watched))
    return pairs


def _channel_problems(
    slot: str, channel: discord.abc.GuildChannel, me: discord.Member, granted: discord.Permissions, bot_role: str
) -> list[Problem]:
    """Permissions the bot has server-wide (or that no role grants it) but that this channel takes away."""
    here = channel.permissions_for(me)
    if not here.view_channel:
        # Without it Discord withholds everything else in the channel: one fix at a time.
        return [_channel_problem(slot, channel, "view_channel", bot_role)] if granted.view_channel else []
    return [
        _channel_problem(slot, channel, flag, bot_role)
        for flag in CHANNEL_NEEDS[slot]
        # Fine here, or already reported server-wide (a flag outside NEEDS is reported per channel only), or
        # withheld only because Send Messages is (Discord then withholds Embed Links too).
        if not getattr(here, flag)
        and not (flag in _WHY and not getattr(granted, flag))
        and not (flag in _NEED_SENDING and not here.send_messages)
    ]


def _channel_problem(slot: str, channel: discord.abc.GuildChannel, flag: str, bot_role: str) -> Problem:
    permission = strings.PERMISSION_NAMES[flag]
    where = f"#{channel.name}"
    why = _WHY.get(flag) or strings.SETUP_EXTRA_WHY[flag]
    return Problem(
        f"channel:{channel.id}:{flag}",
        strings.SETUP_CHANNEL_PERMISSION.format(
            permission=permission, channel=where, slot=strings.SETUP_SLOT_NAMES[slot], why=why
        ),
        strings.SETUP_CHANNEL_PERMISSION_FIX.format(channel=where, bot_role=bot_role, permission=permission),
    )


def _bot_role(guild: discord.Guild) -> str:
    """The name of the bot's own role (Discord creates it with the bot's name)."""
    role = guild.self_role
    if role is None and guild.me is not None:
        role = guild.me.top_role
    return role.name if role is not None else guild.me.name if guild.me is not None else "Confidant"


def _ordered(found: list[Problem]) -> list[Problem]:
    return [p for p in found if not p.note] + [p for p in found if p.note]
