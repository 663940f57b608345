"""Every wire shape the fake sends: users, members, roles, channels, guilds, messages, interactions, READY."""

from __future__ import annotations

import re
from typing import Any

from .model import (
    Attachment,
    Channel,
    ChannelType,
    Command,
    Guild,
    Member,
    Message,
    Role,
    State,
    User,
    Webhook,
    iso,
)

MENTION_RE = re.compile(r"<@!?(\d{15,20})>")
ROLE_MENTION_RE = re.compile(r"<@&(\d{15,20})>")
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def user(u: User) -> dict[str, Any]:
    """A full user object."""
    return {
        "id": str(u.id),
        "username": u.name,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": None,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "public_flags": 0,
        "flags": 0,
        "bot": u.bot,
        "system": u.system,
    }


def role(r: Role) -> dict[str, Any]:
    """A role object."""
    data: dict[str, Any] = {
        "id": str(r.id),
        "name": r.name,
        "color": r.color,
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": r.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": r.position,
        "permissions": str(r.permissions),
        "managed": r.managed,
        "mentionable": r.mentionable,
        "flags": 0,
    }
    if r.bot_id is not None:
        data["tags"] = {"bot_id": str(r.bot_id)}
    return data


def member(state: State, m: Member, *, with_user: bool = True, guild: Guild | None = None) -> dict[str, Any]:
    """A guild member object; `guild` adds `guild_id` as gateway member events carry it."""
    data: dict[str, Any] = {
        "roles": [str(r) for r in m.roles],
        "nick": m.nick,
        "avatar": None,
        "banner": None,
        "joined_at": iso(m.joined_at),
        "premium_since": None,
        "deaf": m.deaf,
        "mute": m.mute,
        "flags": m.flags,
        "pending": m.pending,
        "communication_disabled_until": iso(m.communication_disabled_until),
    }
    if with_user:
        data["user"] = user(state.users[m.user_id])
    if guild is not None:
        data["guild_id"] = str(guild.id)
    return data


def overwrites(c: Channel) -> list[dict[str, Any]]:
    """The permission_overwrites list of a channel."""
    return [
        {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)} for o in c.overwrites.values()
    ]


def channel(state: State, c: Channel) -> dict[str, Any]:
    """A channel object of any type."""
    if c.is_dm:
        return {
            "id": str(c.id),
            "type": ChannelType.DM,
            "last_message_id": _opt_id(c.last_message_id),
            "flags": 0,
            "recipients": [user(state.users[c.recipient_id])] if c.recipient_id in state.users else [],
        }
    if c.is_thread:
        return thread(state, c)
    data: dict[str, Any] = {
        "id": str(c.id),
        "type": c.type,
        "guild_id": _opt_id(c.guild_id),
        "name": c.name,
        "position": c.position,
        "permission_overwrites": overwrites(c),
        "parent_id": _opt_id(c.parent_id),
        "nsfw": c.nsfw,
        "flags": 0,
    }
    if c.type != ChannelType.CATEGORY:
        data.update(
            topic=c.topic,
            last_message_id=_opt_id(c.last_message_id),
            rate_limit_per_user=c.rate_limit_per_user,
            default_auto_archive_duration=1440,
        )
    if c.type == ChannelType.VOICE:
        data.update(bitrate=64000, user_limit=0, rtc_region=None)
    if c.type == ChannelType.FORUM:
        data.update(available_tags=[], default_reaction_emoji=None, default_sort_order=None, default_forum_layout=0)
    data.update(c.extra)
    return data


def thread(state: State, c: Channel, *, newly_created: bool = False, for_user: int | None = None) -> dict[str, Any]:
    """A thread channel object; `for_user` adds that user's thread-member object if they joined."""
    data: dict[str, Any] = {
        "id": str(c.id),
        "type": c.type,
        "guild_id": _opt_id(c.guild_id),
        "parent_id": _opt_id(c.parent_id),
        "owner_id": _opt_id(c.owner_id),
        "name": c.name,
        "last_message_id": _opt_id(c.last_message_id),
        "message_count": c.message_count,
        "total_message_sent": c.message_count,
        "member_count": len(c.thread_members),
        "rate_limit_per_user": c.rate_limit_per_user,
        "flags": 0,
        "applied_tags": [],
        "thread_metadata": {
            "archived": c.archived,
            "auto_archive_duration": c.auto_archive_duration,
            "archive_timestamp": iso(c.created_at),
            "locked": c.locked,
            "invitable": c.invitable,
            "create_timestamp": iso(c.created_at),
        },
    }
    if newly_created:
        data["newly_created"] = True
    if for_user is not None and for_user in c.thread_members:
        data["member"] = thread_member(c, for_user)
    return data


def thread_member(c: Channel, user_id: int) -> dict[str, Any]:
    """A thread member object."""
    return {"id": str(c.id), "user_id": str(user_id), "join_timestamp": iso(c.thread_members[user_id]), "flags": 0}


def guild_create(state: State, g: Guild, *, bot_id: int, all_members: bool) -> dict[str, Any]:
    """The full GUILD_CREATE object; members are all sent only with the members intent (no chunking needed)."""
    members = list(g.members.values()) if all_members else [g.members[bot_id]]
    channels = [c for c in g.channels.values() if not c.is_thread]
    threads = [c for c in g.channels.values() if c.is_thread and not c.archived]
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(g.owner_id),
        "features": list(g.features),
        "emojis": [],
        "stickers": [],
        "threads": [thread(state, t, for_user=bot_id) for t in threads],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "large": False,
        "unavailable": False,
        "afk_timeout": 300,
        "afk_channel_id": None,
        "system_channel_id": _opt_id(g.system_channel_id),
        "system_channel_flags": 0,
        "rules_channel_id": _opt_id(g.rules_channel_id),
        "public_updates_channel_id": None,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": g.preferred_locale,
        "nsfw_level": 0,
        "max_members": 500000,
        "joined_at": iso(g.members[bot_id].joined_at),
        "roles": [role(r) for r in g.roles.values()],
        "channels": [channel(state, c) for c in channels],
        "members": [member(state, m) for m in members],
        "member_count": len(g.members),
    }


def partial_guild(g: Guild) -> dict[str, Any]:
    """A guild as listed by GET /users/@me/guilds."""
    return {"id": str(g.id), "name": g.name, "icon": None, "owner": False, "permissions": "0", "features": g.features}


def rest_guild(state: State, g: Guild) -> dict[str, Any]:
    """A guild object as GET /guilds/{id} returns it (no channels or members)."""
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "owner_id": str(g.owner_id),
        "features": list(g.features),
        "emojis": [],
        "stickers": [],
        "roles": [role(r) for r in g.roles.values()],
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
        "system_channel_id": _opt_id(g.system_channel_id),
        "rules_channel_id": _opt_id(g.rules_channel_id),
        "preferred_locale": g.preferred_locale,
        "nsfw_level": 0,
        "approximate_member_count": len(g.members),
    }


def attachment(a: Attachment) -> dict[str, Any]:
    """An attachment object."""
    data: dict[str, Any] = {
        "id": str(a.id),
        "filename": a.filename,
        "size": a.size,
        "url": a.url,
        "proxy_url": a.url,
        "content_type": a.content_type,
        "flags": 0,
    }
    if a.description is not None:
        data["description"] = a.description
    if a.ephemeral:
        data["ephemeral"] = True
    return data


def message(state: State, m: Message, *, strip_content: bool = False, depth: int = 0) -> dict[str, Any]:
    """A full message object; `strip_content` empties what the MESSAGE_CONTENT intent guards."""
    author = _author(state, m)
    data: dict[str, Any] = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "type": m.type,
        "author": author,
        "content": "" if strip_content else m.content,
        "timestamp": iso(m.timestamp),
        "edited_timestamp": iso(m.edited_at),
        "tts": m.tts,
        "mention_everyone": "@everyone" in m.content,
        "mentions": _mentions(state, m),
        "mention_roles": ROLE_MENTION_RE.findall(m.content),
        "mention_channels": [],
        "attachments": [] if strip_content else [attachment(a) for a in m.attachments],
        "embeds": [] if strip_content else list(m.embeds),
        "components": [] if strip_content else list(m.components),
        "reactions": _reactions(m, state),
        "pinned": m.pinned,
        "flags": m.flags,
    }
    if m.guild_id is not None:
        data["guild_id"] = str(m.guild_id)
        guild = state.guilds.get(m.guild_id)
        author_member = guild.members.get(m.author_id) if guild is not None and m.webhook_id is None else None
        if author_member is not None:
            data["member"] = member(state, author_member, with_user=False)
    if m.nonce is not None:
        data["nonce"] = m.nonce
    if m.webhook_id is not None:
        data["webhook_id"] = str(m.webhook_id)
    if m.application_id is not None:
        data["application_id"] = str(m.application_id)
    if m.interaction_metadata is not None:
        data["interaction_metadata"] = m.interaction_metadata
    if m.reference is not None:
        data["message_reference"] = m.reference
        ref_id = m.reference.get("message_id")
        if m.reference.get("type", 0) == 0 and ref_id is not None and depth == 0:
            referenced = state.messages.get(int(ref_id))
            data["referenced_message"] = (
                None if referenced is None or referenced.deleted else message(state, referenced, depth=1)
            )
    if m.snapshots:
        snaps = [_strip_snapshot(s) for s in m.snapshots] if strip_content else m.snapshots
        data["message_snapshots"] = [{"message": s} for s in snaps]
    if m.thread_id is not None and m.thread_id in state.channels:
        data["thread"] = thread(state, state.channels[m.thread_id])
    if m.poll is not None and not strip_content:
        data["poll"] = m.poll
    chan = state.channels.get(m.channel_id)
    if chan is not None and chan.is_thread:
        data["position"] = chan.message_count
    return data


def snapshot(m: Message) -> dict[str, Any]:
    """The message_snapshots[].message object of a forward of `m`."""
    return {
        "type": m.type,
        "content": m.content,
        "embeds": list(m.embeds),
        "attachments": [attachment(a) for a in m.attachments],
        "timestamp": iso(m.timestamp),
        "edited_timestamp": iso(m.edited_at),
        "flags": m.flags & ~Message.EPHEMERAL,
        "mentions": [],
        "mention_roles": [],
        "components": list(m.components),
        "sticker_items": [],
    }


def _strip_snapshot(snap: dict[str, Any]) -> dict[str, Any]:
    return {**snap, "content": "", "embeds": [], "attachments": [], "components": []}


def _author(state: State, m: Message) -> dict[str, Any]:
    if m.webhook_id is not None and m.webhook_id in state.webhooks:
        hook = state.webhooks[m.webhook_id]
        return {
            "id": str(hook.id),
            "username": m.webhook_name or hook.name,
            "discriminator": "0000",
            "avatar": None,
            "bot": True,
        }
    return user(state.users[m.author_id])


def _mentions(state: State, m: Message) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    guild = state.guilds.get(m.guild_id or 0)
    for raw in dict.fromkeys(MENTION_RE.findall(m.content)):
        mentioned = state.users.get(int(raw))
        if mentioned is None:
            continue
        data = user(mentioned)
        if guild is not None and mentioned.id in guild.members:
            data["member"] = member(state, guild.members[mentioned.id], with_user=False)
        found.append(data)
    return found


def _reactions(m: Message, state: State) -> list[dict[str, Any]]:
    bot_ids = {u.id for u in state.users.values() if u.bot}
    out = []
    for emoji, users in m.reactions.items():
        if users:
            out.append(
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": bool(users & bot_ids),
                    "me_burst": False,
                    "burst_colors": [],
                }
            )
    return out


def webhook(state: State, w: Webhook, *, with_token: bool = True) -> dict[str, Any]:
    """A webhook object."""
    data: dict[str, Any] = {
        "id": str(w.id),
        "type": 1 if w.application_id is None else 3,
        "guild_id": _opt_id(w.guild_id),
        "channel_id": str(w.channel_id),
        "name": w.name,
        "avatar": None,
        "application_id": _opt_id(w.application_id),
        "user": user(state.users[w.creator_id]) if w.creator_id in state.users else None,
    }
    if with_token:
        data["token"] = w.token
    return data


def command(c: Command, application_id: int) -> dict[str, Any]:
    """An application command object, as the bot registered it plus ids."""
    data = dict(c.data)
    data.update(id=str(c.id), application_id=str(application_id), version=str(c.version), type=c.type)
    data["guild_id"] = _opt_id(c.guild_id)
    data.setdefault("description", "")
    data.setdefault("default_member_permissions", None)
    data.setdefault("nsfw", False)
    return data


def application(app_id: int, bot_user: User, owner: User, *, flags: int) -> dict[str, Any]:
    """The application object of GET /oauth2/applications/@me."""
    return {
        "id": str(app_id),
        "name": bot_user.name,
        "icon": None,
        "description": "",
        "summary": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(owner),
        "team": None,
        "verify_key": "0" * 64,
        "flags": flags,
        "bot": user(bot_user),
        "approximate_guild_count": 1,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
    }


def ready(
    state: State,
    *,
    bot_user: User,
    guild_ids: list[int],
    session_id: str,
    resume_url: str,
    app_id: int,
    app_flags: int,
    shard: list[int] | None,
) -> dict[str, Any]:
    """The READY event."""
    data: dict[str, Any] = {
        "v": 10,
        "user": {**user(bot_user), "verified": True, "mfa_enabled": False, "email": None},
        "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "application": {"id": str(app_id), "flags": app_flags},
        "private_channels": [],
        "relationships": [],
        "user_settings": {},
        "presences": [],
        "geo_ordered_rtc_regions": [],
        "guild_join_requests": [],
        "_trace": ["fakediscord"],
    }
    if shard is not None:
        data["shard"] = shard
    return data


def interaction(
    state: State,
    *,
    interaction_id: int,
    token: str,
    kind: int,
    data: dict[str, Any] | None,
    app_id: int,
    bot_id: int,
    user_id: int,
    chan: Channel,
    message_payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload, with member+guild in guilds or user in DMs."""
    guild = state.guild_of(chan)
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(app_id),
        "type": kind,
        "token": token,
        "version": 1,
        "channel_id": str(chan.id),
        "channel": _interaction_channel(state, chan, guild, user_id),
        "locale": "en-US",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "authorizing_integration_owners": {"0": str(guild.id)} if guild is not None else {"1": str(user_id)},
        "context": 0 if guild is not None else 1,
    }
    if data is not None:
        payload["data"] = data
    if guild is not None:
        m = guild.members[user_id]
        payload["guild_id"] = str(guild.id)
        payload["guild"] = {"id": str(guild.id), "locale": guild.preferred_locale, "features": list(guild.features)}
        payload["guild_locale"] = guild.preferred_locale
        payload["member"] = {**member(state, m), "permissions": str(state.permissions(guild, user_id, chan))}
        payload["app_permissions"] = str(state.permissions(guild, bot_id, chan))
    else:
        payload["user"] = user(state.users[user_id])
        payload["app_permissions"] = str(_DM_APP_PERMISSIONS)
    if message_payload is not None:
        payload["message"] = message_payload
    return payload


_DM_APP_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 6)


def _interaction_channel(state: State, chan: Channel, guild: Guild | None, user_id: int) -> dict[str, Any]:
    data = channel(state, chan)
    if guild is not None:
        data["permissions"] = str(state.permissions(guild, user_id, chan))
    return data


def resolved_channel(state: State, chan: Channel, user_id: int) -> dict[str, Any]:
    """A channel inside `resolved.channels`."""
    data: dict[str, Any] = {"id": str(chan.id), "name": chan.name, "type": chan.type}
    guild = state.guild_of(chan)
    if guild is not None:
        data.update(
            guild_id=str(guild.id),
            parent_id=_opt_id(chan.parent_id),
            permissions=str(state.permissions(guild, user_id, chan)),
        )
    if chan.is_thread:
        data["thread_metadata"] = thread(state, chan)["thread_metadata"]
    return data


def automod_execution(
    guild: Guild,
    rule: dict[str, Any],
    *,
    user_id: int,
    content: str,
    matched_keyword: str | None,
    matched_content: str | None,
    action: dict[str, Any],
    channel_id: int | None,
    message_id: int | None,
    alert_message_id: int | None,
) -> dict[str, Any]:
    """An AUTO_MODERATION_ACTION_EXECUTION payload."""
    return {
        "guild_id": str(guild.id),
        "action": action,
        "rule_id": str(rule["id"]),
        "rule_trigger_type": rule["trigger_type"],
        "user_id": str(user_id),
        "channel_id": _opt_id(channel_id),
        "message_id": _opt_id(message_id),
        "alert_system_message_id": _opt_id(alert_message_id),
        "content": content,
        "matched_keyword": matched_keyword,
        "matched_content": matched_content,
    }


def error(message_text: str, code: int, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Discord JSON error body."""
    body: dict[str, Any] = {"message": message_text, "code": code}
    if errors is not None:
        body["errors"] = errors
    return body


def _opt_id(value: int | None) -> str | None:
    return None if value is None else str(value)
