"""REST handlers for users, the application, the gateway, guilds, roles, members, AutoMod and commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import payloads
from .model import (
    Channel,
    ChannelType,
    Command,
    Guild,
    Perm,
    Role,
    as_id,
)
from .restcore import MISSING_PERMISSIONS, NO_CONTENT, ApiError, Ctx, Reply, RestBase, parse_overwrites, unknown


class GuildRoutes(RestBase):
    """User, application, guild, member, AutoMod and application-command handlers."""

    # -- users, application, gateway ------------------------------------------------------------------------

    def get_me(self, ctx: Ctx) -> Reply:
        """GET /users/@me."""
        return 200, {**payloads.user(self.fake.bot_user), "verified": True, "mfa_enabled": False}

    def edit_me(self, ctx: Ctx) -> Reply:
        """PATCH /users/@me."""
        if "username" in ctx.body:
            self.fake.bot_user.name = ctx.body["username"]
        self.fake.gateway.dispatch("USER_UPDATE", payloads.user(self.fake.bot_user))
        return self.get_me(ctx)

    def my_guilds(self, ctx: Ctx) -> Reply:
        """GET /users/@me/guilds."""
        return 200, [payloads.partial_guild(g) for g in self.state.guilds.values() if self.bot_id in g.members]

    def leave_guild(self, ctx: Ctx) -> Reply:
        """DELETE /users/@me/guilds/{g}."""
        guild = self._guild(ctx.id(0))
        guild.members.pop(self.bot_id, None)
        self.fake.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)}, guild_id=guild.id)
        return NO_CONTENT

    def get_user(self, ctx: Ctx) -> Reply:
        """GET /users/{u}."""
        found = self.state.users.get(ctx.id(0))
        if found is None:
            raise unknown("User", 10013)
        return 200, payloads.user(found)

    def create_dm(self, ctx: Ctx) -> Reply:
        """POST /users/@me/channels (recipient_id arrives as an int)."""
        recipient = self.state.users.get(as_id(ctx.body.get("recipient_id", 0)))
        if recipient is None:
            raise ApiError(400, "Invalid Form Body", 50035)
        return 200, payloads.channel(self.state, self.fake.dm_channel(recipient))

    def get_application(self, ctx: Ctx) -> Reply:
        """GET /oauth2/applications/@me."""
        fake = self.fake
        return 200, payloads.application(fake.application_id, fake.bot_user, fake.owner, flags=fake.application_flags)

    def get_gateway(self, ctx: Ctx) -> Reply:
        """GET /gateway."""
        return 200, {"url": self.fake.gateway_url}

    def get_gateway_bot(self, ctx: Ctx) -> Reply:
        """GET /gateway/bot (used by AutoShardedClient)."""
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limit}

    # -- guilds, channels, roles ----------------------------------------------------------------------------

    def get_guild(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}."""
        return 200, payloads.rest_guild(self.state, self._guild(ctx.id(0)))

    def guild_channels(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/channels."""
        guild = self._guild(ctx.id(0))
        return 200, [payloads.channel(self.state, c) for c in guild.channels.values() if not c.is_thread]

    def active_threads(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/threads/active."""
        guild = self._guild(ctx.id(0))
        threads = [t for t in guild.threads if not t.archived]
        members = [payloads.thread_member(t, self.bot_id) for t in threads if self.bot_id in t.thread_members]
        return 200, {"threads": [payloads.thread(self.state, t) for t in threads], "members": members}

    def create_channel(self, ctx: Ctx) -> Reply:
        """POST /guilds/{g}/channels."""
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.MANAGE_CHANNELS)
        body = ctx.body
        parent = body.get("parent_id")
        chan = Channel(
            self.state.ids.next(),
            int(body.get("type") or ChannelType.TEXT),
            body.get("name", "channel"),
            guild.id,
            parent_id=None if parent is None else int(parent),
            position=int(body.get("position") or len(guild.channels)),
            topic=body.get("topic"),
            nsfw=bool(body.get("nsfw", False)),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
            overwrites=parse_overwrites(body.get("permission_overwrites") or []),
        )
        guild.channels[chan.id] = chan
        self.state.channels[chan.id] = chan
        self._audit(ctx)
        data = payloads.channel(self.state, chan)
        self.fake.gateway.dispatch("CHANNEL_CREATE", data, guild_id=guild.id)
        return 201, data

    def move_channels(self, ctx: Ctx) -> Reply:
        """PATCH /guilds/{g}/channels (positions)."""
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.MANAGE_CHANNELS)
        for item in ctx.json or []:
            chan = guild.channels.get(int(item["id"]))
            if chan is None:
                continue
            if item.get("position") is not None:
                chan.position = int(item["position"])
            if "parent_id" in item:
                chan.parent_id = None if item["parent_id"] is None else int(item["parent_id"])
            self.fake.gateway.dispatch("CHANNEL_UPDATE", payloads.channel(self.state, chan), guild_id=guild.id)
        return NO_CONTENT

    def list_roles(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/roles."""
        return 200, [payloads.role(r) for r in self._guild(ctx.id(0)).roles.values()]

    def create_role(self, ctx: Ctx) -> Reply:
        """POST /guilds/{g}/roles (the new role sits just above @everyone)."""
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.MANAGE_ROLES)
        body = ctx.body
        perms = int(body.get("permissions") or 0)
        if perms & ~self.state.base_permissions(guild, self.bot_id):
            raise ApiError(*MISSING_PERMISSIONS)
        colors = body.get("colors") or {}
        role = self.fake.create_role(
            guild,
            body.get("name") or "new role",
            perms,
            color=int(body.get("color") or colors.get("primary_color") or 0),
            hoist=bool(body.get("hoist", False)),
            mentionable=bool(body.get("mentionable", False)),
        )
        self._audit(ctx)
        return 200, payloads.role(role)

    def edit_role(self, ctx: Ctx) -> Reply:
        """PATCH /guilds/{g}/roles/{r}."""
        guild = self._guild(ctx.id(0))
        role = self._role(guild, ctx.id(1))
        self._require(guild, Perm.MANAGE_ROLES)
        if role.position >= self._bot_top(guild) and guild.owner_id != self.bot_id:
            raise ApiError(*MISSING_PERMISSIONS)
        body = ctx.body
        for key in ("name", "hoist", "mentionable"):
            if key in body:
                setattr(role, key, body[key])
        if "permissions" in body:
            role.permissions = int(body["permissions"])
        if "color" in body:
            role.color = int(body["color"] or 0)
        self._audit(ctx)
        self._role_updated(guild, role)
        return 200, payloads.role(role)

    def _role_updated(self, guild: Guild, role: Role) -> None:
        data = {"guild_id": str(guild.id), "role": payloads.role(role)}
        self.fake.gateway.dispatch("GUILD_ROLE_UPDATE", data, guild_id=guild.id)

    def move_roles(self, ctx: Ctx) -> Reply:
        """PATCH /guilds/{g}/roles (positions)."""
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.MANAGE_ROLES)
        for item in ctx.json or []:
            role = self._role(guild, int(item["id"]))
            if item.get("position") is not None:
                role.position = int(item["position"])
                self._role_updated(guild, role)
        return 200, [payloads.role(r) for r in guild.roles.values()]

    def delete_role(self, ctx: Ctx) -> Reply:
        """DELETE /guilds/{g}/roles/{r}."""
        guild = self._guild(ctx.id(0))
        role = self._role(guild, ctx.id(1))
        self._check_role_assignable(guild, role)
        del guild.roles[role.id]
        for mem in guild.members.values():
            if role.id in mem.roles:
                mem.roles.remove(role.id)
        self._audit(ctx)
        data = {"guild_id": str(guild.id), "role_id": str(role.id)}
        self.fake.gateway.dispatch("GUILD_ROLE_DELETE", data, guild_id=guild.id)
        return NO_CONTENT

    # -- members --------------------------------------------------------------------------------------------

    def list_members(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/members (limit, after)."""
        guild = self._guild(ctx.id(0))
        after = int(ctx.query.get("after", 0))
        limit = int(ctx.query.get("limit", 1))
        found = sorted((m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id)[:limit]
        return 200, [payloads.member(self.state, m) for m in found]

    def search_members(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/members/search (query, limit)."""
        guild = self._guild(ctx.id(0))
        query = ctx.query.get("query", "").lower()
        limit = int(ctx.query.get("limit", 1))
        found = [
            m
            for m in guild.members.values()
            if self.state.users[m.user_id].name.lower().startswith(query) or (m.nick or "").lower().startswith(query)
        ][:limit]
        return 200, [payloads.member(self.state, m) for m in found]

    def get_member(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/members/{u}."""
        guild = self._guild(ctx.id(0))
        return 200, payloads.member(self.state, self._member(guild, ctx.id(1)))

    def edit_my_member(self, ctx: Ctx) -> Reply:
        """PATCH /guilds/{g}/members/@me (nick)."""
        guild = self._guild(ctx.id(0))
        mem = self._member(guild, self.bot_id)
        if "nick" in ctx.body:
            mem.nick = ctx.body["nick"]
        self.fake.dispatch_member_update(guild, mem)
        return 200, payloads.member(self.state, mem)

    def edit_member(self, ctx: Ctx) -> Reply:
        """PATCH /guilds/{g}/members/{u}: roles, nick, timeout (communication_disabled_until), mute, deaf."""
        guild = self._guild(ctx.id(0))
        mem = self._member(guild, ctx.id(1))
        body = ctx.body
        if "roles" in body:
            wanted = [int(r) for r in body["roles"] or []]
            for role_id in set(wanted) ^ set(mem.roles):
                self._check_role_assignable(guild, self._role(guild, role_id))
            mem.roles = wanted
        if "nick" in body:
            if mem.user_id != self.bot_id:
                self._require(guild, 1 << 27)  # MANAGE_NICKNAMES
            mem.nick = body["nick"]
        if "communication_disabled_until" in body:
            self._require(guild, Perm.MODERATE_MEMBERS)
            self._check_hierarchy(guild, mem.user_id)
            if self.state.base_permissions(guild, mem.user_id) & Perm.ADMINISTRATOR:
                raise ApiError(*MISSING_PERMISSIONS)
            until = body["communication_disabled_until"]
            mem.communication_disabled_until = None if until is None else datetime.fromisoformat(until)
        for key in ("mute", "deaf"):
            if key in body:
                setattr(mem, key, bool(body[key]))
        self._audit(ctx)
        self.fake.dispatch_member_update(guild, mem)
        return 200, payloads.member(self.state, mem)

    def add_member_role(self, ctx: Ctx) -> Reply:
        """PUT /guilds/{g}/members/{u}/roles/{r}."""
        guild = self._guild(ctx.id(0))
        mem = self._member(guild, ctx.id(1))
        role = self._role(guild, ctx.id(2))
        self._check_role_assignable(guild, role)
        if role.id not in mem.roles:
            mem.roles.append(role.id)
        self._audit(ctx)
        self.fake.dispatch_member_update(guild, mem)
        return NO_CONTENT

    def remove_member_role(self, ctx: Ctx) -> Reply:
        """DELETE /guilds/{g}/members/{u}/roles/{r}."""
        guild = self._guild(ctx.id(0))
        mem = self._member(guild, ctx.id(1))
        role = self._role(guild, ctx.id(2))
        self._check_role_assignable(guild, role)
        if role.id in mem.roles:
            mem.roles.remove(role.id)
        self._audit(ctx)
        self.fake.dispatch_member_update(guild, mem)
        return NO_CONTENT

    def kick(self, ctx: Ctx) -> Reply:
        """DELETE /guilds/{g}/members/{u}."""
        guild = self._guild(ctx.id(0))
        mem = self._member(guild, ctx.id(1))
        self._require(guild, Perm.KICK_MEMBERS)
        self._check_hierarchy(guild, mem.user_id)
        self._audit(ctx)
        self.fake.remove_member(guild, mem.user_id)
        return NO_CONTENT

    def list_bans(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/bans."""
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.BAN_MEMBERS)
        return 200, [self._ban_payload(b.user_id, b.reason) for b in guild.bans.values()]

    def _ban_payload(self, user_id: int, reason: str | None) -> dict[str, Any]:
        return {"user": payloads.user(self.state.users[user_id]), "reason": reason}

    def get_ban(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/bans/{u}."""
        guild = self._guild(ctx.id(0))
        ban = guild.bans.get(ctx.id(1))
        if ban is None:
            raise unknown("Ban", 10026)
        return 200, self._ban_payload(ban.user_id, ban.reason)

    def ban(self, ctx: Ctx) -> Reply:
        """PUT /guilds/{g}/bans/{u}."""
        guild = self._guild(ctx.id(0))
        user_id = ctx.id(1)
        if user_id not in self.state.users:
            raise unknown("User", 10013)
        self._require(guild, Perm.BAN_MEMBERS)
        if user_id in guild.members:
            self._check_hierarchy(guild, user_id)
        self._audit(ctx)
        self.fake.ban_user(guild, user_id, ctx.reason)
        return NO_CONTENT

    def unban(self, ctx: Ctx) -> Reply:
        """DELETE /guilds/{g}/bans/{u}."""
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.BAN_MEMBERS)
        if guild.bans.pop(ctx.id(1), None) is None:
            raise unknown("Ban", 10026)
        self._audit(ctx)
        data = {"guild_id": str(guild.id), "user": payloads.user(self.state.users[ctx.id(1)])}
        self.fake.gateway.dispatch("GUILD_BAN_REMOVE", data, guild_id=guild.id)
        return NO_CONTENT

    def audit_logs(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/audit-logs (always empty)."""
        self._require(self._guild(ctx.id(0)), Perm.VIEW_AUDIT_LOG)
        empty: dict[str, list[Any]] = {
            "audit_log_entries": [],
            "users": [],
            "webhooks": [],
            "threads": [],
            "integrations": [],
            "application_commands": [],
            "auto_moderation_rules": [],
            "guild_scheduled_events": [],
        }
        return 200, empty

    # -- AutoMod --------------------------------------------------------------------------------------------

    def list_rules(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/auto-moderation/rules."""
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.MANAGE_GUILD)
        return 200, list(guild.automod_rules.values())

    def _rule(self, ctx: Ctx) -> tuple[Guild, dict[str, Any]]:
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.MANAGE_GUILD)
        rule = guild.automod_rules.get(ctx.id(1))
        if rule is None:
            raise unknown("Auto Moderation Rule", 10066)
        return guild, rule

    def get_rule(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/auto-moderation/rules/{r}."""
        return 200, self._rule(ctx)[1]

    def create_rule(self, ctx: Ctx) -> Reply:
        """POST /guilds/{g}/auto-moderation/rules."""
        guild = self._guild(ctx.id(0))
        self._require(guild, Perm.MANAGE_GUILD)
        body = ctx.body
        if not body.get("name") or "trigger_type" not in body or not body.get("actions"):
            raise ApiError(400, "Invalid Form Body", 50035)
        rule_id = self.state.ids.next()
        rule = {
            "id": str(rule_id),
            "guild_id": str(guild.id),
            "name": body["name"],
            "creator_id": str(self.bot_id),
            "event_type": int(body.get("event_type", 1)),
            "trigger_type": int(body["trigger_type"]),
            "trigger_metadata": body.get("trigger_metadata") or {},
            "actions": body["actions"],
            "enabled": bool(body.get("enabled", False)),
            "exempt_roles": [str(r) for r in body.get("exempt_roles") or []],
            "exempt_channels": [str(c) for c in body.get("exempt_channels") or []],
        }
        guild.automod_rules[rule_id] = rule
        self._audit(ctx)
        self.fake.gateway.dispatch("AUTO_MODERATION_RULE_CREATE", rule, guild_id=guild.id)
        return 200, rule

    def edit_rule(self, ctx: Ctx) -> Reply:
        """PATCH /guilds/{g}/auto-moderation/rules/{r}."""
        guild, rule = self._rule(ctx)
        for key in ("name", "event_type", "trigger_metadata", "actions", "enabled"):
            if key in ctx.body:
                rule[key] = ctx.body[key]
        for key in ("exempt_roles", "exempt_channels"):
            if key in ctx.body:
                rule[key] = [str(x) for x in ctx.body[key] or []]
        self._audit(ctx)
        self.fake.gateway.dispatch("AUTO_MODERATION_RULE_UPDATE", rule, guild_id=guild.id)
        return 200, rule

    def delete_rule(self, ctx: Ctx) -> Reply:
        """DELETE /guilds/{g}/auto-moderation/rules/{r}."""
        guild, rule = self._rule(ctx)
        del guild.automod_rules[int(rule["id"])]
        self._audit(ctx)
        self.fake.gateway.dispatch("AUTO_MODERATION_RULE_DELETE", rule, guild_id=guild.id)
        return NO_CONTENT

    # -- application commands -------------------------------------------------------------------------------

    def _scope(self, ctx: Ctx) -> int | None:
        if ctx.id(0) != self.fake.application_id:
            raise ApiError(403, "Missing Access", 50001)
        return ctx.id(1) if "/guilds/" in ctx.path else None

    def _commands(self, guild_id: int | None) -> list[Command]:
        return [c for c in self.state.commands.values() if c.guild_id == guild_id]

    def list_commands(self, ctx: Ctx) -> Reply:
        """GET /applications/{app}[/guilds/{g}]/commands."""
        scope = self._scope(ctx)
        return 200, [payloads.command(c, self.fake.application_id) for c in self._commands(scope)]

    def put_commands(self, ctx: Ctx) -> Reply:
        """PUT /applications/{app}[/guilds/{g}]/commands: replace the set, keeping ids of unchanged names."""
        scope = self._scope(ctx)
        old = {(c.name, c.type): c for c in self._commands(scope)}
        for cmd in old.values():
            del self.state.commands[cmd.id]
        out = []
        for body in ctx.json or []:
            kind = int(body.get("type") or 1)
            previous = old.get((body["name"], kind))
            cmd = Command(
                previous.id if previous else self.state.ids.next(),
                body["name"],
                kind,
                scope,
                dict(body),
                (previous.version + 1) if previous else 1,
            )
            self.state.commands[cmd.id] = cmd
            out.append(payloads.command(cmd, self.fake.application_id))
        return 200, out

    def upsert_command(self, ctx: Ctx) -> Reply:
        """POST /applications/{app}[/guilds/{g}]/commands."""
        scope = self._scope(ctx)
        body = ctx.body
        kind = int(body.get("type") or 1)
        for cmd in self._commands(scope):
            if (cmd.name, cmd.type) == (body["name"], kind):
                cmd.data = dict(body)
                cmd.version += 1
                return 200, payloads.command(cmd, self.fake.application_id)
        cmd = Command(self.state.ids.next(), body["name"], kind, scope, dict(body), 1)
        self.state.commands[cmd.id] = cmd
        return 201, payloads.command(cmd, self.fake.application_id)

    def _command(self, ctx: Ctx) -> Command:
        scope = self._scope(ctx)
        cmd = self.state.commands.get(ctx.id(-1 if scope is None else 2))
        if cmd is None or cmd.guild_id != scope:
            raise unknown("application command", 10063)
        return cmd

    def get_command(self, ctx: Ctx) -> Reply:
        """GET /applications/{app}[/guilds/{g}]/commands/{id}."""
        return 200, payloads.command(self._command(ctx), self.fake.application_id)

    def edit_command(self, ctx: Ctx) -> Reply:
        """PATCH /applications/{app}[/guilds/{g}]/commands/{id}."""
        cmd = self._command(ctx)
        cmd.data.update(ctx.body)
        cmd.name = cmd.data.get("name", cmd.name)
        cmd.version += 1
        return 200, payloads.command(cmd, self.fake.application_id)

    def delete_command(self, ctx: Ctx) -> Reply:
        """DELETE /applications/{app}[/guilds/{g}]/commands/{id}."""
        del self.state.commands[self._command(ctx).id]
        return NO_CONTENT
