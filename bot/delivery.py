"""Telling one member something privately: by DM, or in a private thread of the gate channel when DMs are closed.

Every DM step has a fallback (DESIGN.md's promises); this is it, for the cogs that have no thread of their own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import discord

from models.records import Via
from models.store import Store

__all__ = ["THREAD_ARCHIVE_MINUTES", "Delivered", "member_thread", "private_thread", "send_privately", "user_by_id"]

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


async def user_by_id(client: discord.Client, user_id: int) -> discord.User | None:
    """The user, from the cache or else from Discord; None if Discord doesn't know them (any more)."""
    user = client.get_user(user_id)
    if user is not None:
        return user
    try:
        return await client.fetch_user(user_id)
    except discord.HTTPException:
        return None


async def member_thread(
    store: Store, gate: discord.TextChannel, member: discord.Member, name: str
) -> discord.Thread | None:
    """The member's private thread in `gate`: the one opened before, if it still exists, else a new one (remembered)."""
    guild = gate.guild
    known = await store.private_thread(guild.id, member.id)
    if known is not None:
        thread = guild.get_thread(known)
        if thread is None:
            try:
                fetched = await guild.fetch_channel(known)
            except discord.HTTPException:
                fetched = None
            thread = fetched if isinstance(fetched, discord.Thread) else None
        if thread is not None and thread.parent_id == gate.id:
            try:
                await thread.add_user(member)  # they may have left it; adding is harmless if they haven't
            except discord.HTTPException as error:
                log.info("Could not add user %s back to their thread in guild %s: HTTP %s", member.id, guild.id,
                         error.status)  # fmt: skip
            else:
                return thread
    thread = await private_thread(gate, member, name)
    if thread is not None:
        await store.remember_private_thread(guild.id, member.id, thread.id)
    return thread


async def send_privately(
    user: discord.User | discord.Member,
    *,
    member: discord.Member | None,
    gate: discord.TextChannel | None,
    thread_name: str,
    store: Store,
    **message: Any,
) -> Delivered | None:
    """DM `user`; if their DMs are closed, post in the member's private gate thread. None if neither worked.

    The thread is the one Confidant opened for the member before (their welcome, an earlier note), or a new one, so a
    member gets one private thread, not one per note. `message` holds `discord.abc.Messageable.send`'s keyword
    arguments (content, embed, view, file, …). In the thread the member is mentioned (and only they are pinged).
    """
    try:
        sent = await user.send(**message)
    except discord.HTTPException as error:
        log.info("Could not DM user %s (HTTP %s, code %s)", user.id, error.status, error.code)
    else:
        return Delivered(Via.DM, sent)
    if member is None or gate is None:
        return None
    thread = await member_thread(store, gate, member, thread_name)
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
