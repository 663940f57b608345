"""Telling one member something privately: by DM, or in a private thread of the gate channel when DMs are closed.

Every DM step has a fallback (DESIGN.md's promises); this is it, for the cogs that have no thread of their own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import discord

from models.records import Via

__all__ = ["THREAD_ARCHIVE_MINUTES", "Delivered", "private_thread", "send_privately"]

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES = 10080  # a week: people may take days to look


@dataclass(frozen=True, slots=True)
class Delivered:
    """Where a private message went."""

    via: Via
    message: discord.Message


async def private_thread(gate: discord.TextChannel, member: discord.Member, name: str) -> discord.Thread | None:
    """A new private thread in `gate` with only `member` added (moderators see private threads), or None."""
    mine = gate.permissions_for(gate.guild.me)
    if not (mine.create_private_threads and mine.send_messages_in_threads):
        return None
    try:
        thread = await gate.create_thread(
            name=name[:100],
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
        )
        await thread.add_user(member)
    except discord.HTTPException as error:
        log.warning("Could not open a private thread in guild %s: HTTP %s", gate.guild.id, error.status)
        return None
    return thread


async def send_privately(
    user: discord.User | discord.Member,
    *,
    member: discord.Member | None,
    gate: discord.TextChannel | None,
    thread_name: str,
    **message: Any,
) -> Delivered | None:
    """DM `user`; if their DMs are closed, post in a new private gate thread for `member`. None if neither worked.

    `message` holds `discord.abc.Messageable.send`'s keyword arguments (content, embed, view, file, …). In the
    thread the member is mentioned (and only they are pinged) so they notice it.
    """
    try:
        sent = await user.send(**message)
    except discord.HTTPException as error:
        log.info("Could not DM user %s (HTTP %s, code %s)", user.id, error.status, error.code)
    else:
        return Delivered(Via.DM, sent)
    if member is None or gate is None:
        return None
    thread = await private_thread(gate, member, thread_name)
    if thread is None:
        return None
    content = message.pop("content", None)
    message["content"] = member.mention if content is None else f"{member.mention} {content}"
    try:
        sent = await thread.send(allowed_mentions=discord.AllowedMentions(users=[member]), **message)
    except discord.HTTPException as error:
        log.warning("Could not post in a private thread in guild %s: HTTP %s", gate.guild.id, error.status)
        return None
    return Delivered(Via.GATE, sent)
