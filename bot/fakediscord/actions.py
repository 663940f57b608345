"""What users do on the fake Discord: join, talk, click, pick, run commands, submit modals; each waits until parsed."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import payloads
from .model import (
    Attachment,
    Channel,
    ChannelType,
    Command,
    Guild,
    Interaction,
    Member,
    Message,
    Perm,
    Role,
    State,
    User,
    as_id,
)

if TYPE_CHECKING:
    from .gateway import Gateway


class _Bot:
    """Sentinel meaning 'the bot user' in author filters."""

    def __repr__(self) -> str:
        return "BOT"


BOT: Any = _Bot()
_KEEP: Any = object()

AttachmentLike = Attachment | tuple[str, bytes] | tuple[str, bytes, str]
_ENTITY_SELECTS = (5, 6, 7, 8)
_OPTION_TYPES = {3: str, 4: int, 5: bool, 10: float}


class UserActions:
    """Test-side helpers that make users act; mixed into FakeDiscord."""

    state: State
    gateway: Gateway
    bot_user: User
    application_id: int

    if TYPE_CHECKING:

        async def settle(self, timeout: float = 3.0) -> None:
            """Declared by FakeDiscord."""

        def post_message(self, msg: Message) -> Message:
            """Declared by FakeDiscord."""

        def update_message(self, msg: Message) -> None:
            """Declared by FakeDiscord."""

        def remove_message(self, msg: Message) -> None:
            """Declared by FakeDiscord."""

        def dispatch_reaction(self, event: str, message: Message, user_id: int, emoji: str) -> None:
            """Declared by FakeDiscord."""

        def remove_member(self, guild: Guild, user_id: int) -> None:
            """Declared by FakeDiscord."""

        def ban_user(self, guild: Guild, user_id: int, reason: str | None) -> None:
            """Declared by FakeDiscord."""

        def dispatch_member_update(self, guild: Guild, member: Member) -> None:
            """Declared by FakeDiscord."""

        def add_member(
            self,
            guild: Guild,
            user: User,
            *,
            roles: Iterable[Role | int] = (),
            pending: bool = False,
            nick: str | None = None,
        ) -> Member:
            """Declared by FakeDiscord."""

        def attachment(self, filename: str, data: bytes, *, content_type: str | None = None) -> Attachment:
            """Declared by FakeDiscord."""

    # -- members --------------------------------------------------------------------------------------------

    async def member_join(
        self, guild: Guild, user: User, *, pending: bool = False, roles: Iterable[Role | int] = ()
    ) -> Member:
        """A user joins the guild: GUILD_MEMBER_ADD (needs the members intent)."""
        joined = self.add_member(guild, user, roles=roles, pending=pending)
        self.gateway.dispatch("GUILD_MEMBER_ADD", payloads.member(self.state, joined, guild=guild), guild_id=guild.id)
        await self.settle()
        return joined

    async def member_update(
        self,
        guild: Guild,
        user: User,
        *,
        pending: bool | None = None,
        nick: str | None = _KEEP,
        roles: Iterable[Role | int] | None = None,
        timeout_until: datetime | None = _KEEP,
    ) -> Member:
        """Change a member (e.g. Rules Screening passed: pending=False); GUILD_MEMBER_UPDATE."""
        mem = self.state.member(guild, user)
        if pending is not None:
            mem.pending = pending
        if nick is not _KEEP:
            mem.nick = nick
        if roles is not None:
            mem.roles = [as_id(r) for r in roles]
        if timeout_until is not _KEEP:
            mem.communication_disabled_until = timeout_until
        self.dispatch_member_update(guild, mem)
        await self.settle()
        return mem

    async def member_leave(self, guild: Guild, user: User) -> None:
        """A member leaves: GUILD_MEMBER_REMOVE."""
        self.state.member(guild, user)
        self.remove_member(guild, user.id)
        await self.settle()

    async def ban(self, guild: Guild, user: User, reason: str | None = None) -> None:
        """A moderator bans a user from Discord's UI: GUILD_BAN_ADD (+ GUILD_MEMBER_REMOVE)."""
        self.ban_user(guild, user.id, reason)
        await self.settle()

    # -- messages -------------------------------------------------------------------------------------------

    async def user_message(
        self,
        channel: Channel,
        user: User,
        content: str = "",
        *,
        attachments: Iterable[AttachmentLike] = (),
        embeds: Sequence[Mapping[str, Any]] = (),
        reply_to: Message | None = None,
        forward_of: Message | None = None,
    ) -> Message:
        """A user posts in a channel, thread or their DM with the bot: MESSAGE_CREATE."""
        self._check_can_post(channel, user)
        msg = Message(
            self.state.ids.next(),
            channel.id,
            user.id,
            content,
            guild_id=channel.guild_id,
            embeds=[dict(e) for e in embeds],
            attachments=[self._attachment(a) for a in attachments],
        )
        if reply_to is not None:
            msg.type = 19
            msg.reference = _reference(reply_to, 0)
        if forward_of is not None:
            if content:
                raise AssertionError("a forwarded message carries no content of its own")
            msg.reference = _reference(forward_of, 1)
            msg.snapshots = [payloads.snapshot(forward_of)]
        self.post_message(msg)
        await self.settle()
        return msg

    async def edit_message(
        self, message: Message, content: str | None = None, *, embeds: Sequence[Mapping[str, Any]] | None = None
    ) -> Message:
        """The author edits their message: MESSAGE_UPDATE."""
        if content is not None:
            message.content = content
        if embeds is not None:
            message.embeds = [dict(e) for e in embeds]
        self.update_message(message)
        await self.settle()
        return message

    async def delete_message(self, message: Message) -> None:
        """The author (or a moderator) deletes a message: MESSAGE_DELETE."""
        self.remove_message(message)
        await self.settle()

    async def react(self, message: Message, user: User, emoji: str) -> None:
        """A user adds a unicode reaction: MESSAGE_REACTION_ADD."""
        message.reactions.setdefault(emoji, set()).add(user.id)
        self.dispatch_reaction("MESSAGE_REACTION_ADD", message, user.id, emoji)
        await self.settle()

    def _check_can_post(self, channel: Channel, user: User) -> None:
        if channel.is_dm:
            if channel.recipient_id != user.id:
                raise AssertionError(f"{user.name} is not the recipient of DM channel {channel.id}")
            return
        guild = self.state.guilds[channel.guild_id or 0]
        if user.id not in guild.members:
            raise AssertionError(f"{user.name} is not a member of {guild.name}")
        needed = Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
        perms = self.state.permissions(guild, user.id, channel)
        if not perms & needed:
            raise AssertionError(f"{user.name} may not post in #{channel.name}")
        private = channel.type == ChannelType.PRIVATE_THREAD
        if private and user.id not in channel.thread_members and not perms & Perm.MANAGE_THREADS:
            raise AssertionError(f"{user.name} is not in the private thread {channel.name!r}")

    def _attachment(self, item: AttachmentLike) -> Attachment:
        if isinstance(item, Attachment):
            return item
        if len(item) == 3:
            return self.attachment(item[0], item[1], content_type=item[2])  # type: ignore[misc]
        return self.attachment(item[0], item[1])

    # -- interactions ---------------------------------------------------------------------------------------

    async def _interact(
        self,
        kind: int,
        data: dict[str, Any] | None,
        user: User,
        channel: Channel,
        *,
        message: Message | None = None,
    ) -> Interaction:
        guild = self.state.guild_of(channel)
        if guild is not None and user.id not in guild.members:
            raise AssertionError(f"{user.name} is not a member of {guild.name}")
        interaction_id = self.state.ids.next()
        token = f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}"
        payload = payloads.interaction(
            self.state,
            interaction_id=interaction_id,
            token=token,
            kind=kind,
            data=data,
            app_id=self.application_id,
            bot_id=self.bot_user.id,
            user_id=user.id,
            chan=channel,
            message_payload=None if message is None else payloads.message(self.state, message),
        )
        it = Interaction(
            self,  # type: ignore[arg-type]
            id=interaction_id,
            token=token,
            type=kind,
            user_id=user.id,
            channel_id=channel.id,
            guild_id=None if guild is None else guild.id,
            payload=payload,
            message_id=None if message is None else message.id,
        )
        self.state.interactions[token] = it
        self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=it.guild_id)
        await self.settle()
        return it

    def _component_message(self, message: Message, user: User) -> Channel:
        if message.deleted:
            raise AssertionError(f"message {message.id} was deleted")
        if not message.visible_to(user):
            raise AssertionError(f"{user.name} cannot see ephemeral message {message.id}")
        return self.state.channels[message.channel_id]

    async def click(self, message: Message, custom_id: str, user: User) -> Interaction:
        """A user presses a button on a message: INTERACTION_CREATE type 3."""
        channel = self._component_message(message, user)
        comp = message.component(custom_id)
        if comp.get("type") != 2:
            raise AssertionError(f"component {custom_id!r} is not a button: {comp}")
        if comp.get("disabled"):
            raise AssertionError(f"button {custom_id!r} is disabled")
        return await self._interact(3, {"custom_id": custom_id, "component_type": 2}, user, channel, message=message)

    async def select(self, message: Message, custom_id: str, user: User, values: Iterable[object]) -> Interaction:
        """A user picks values in a select menu (string, user, role, mentionable or channel select)."""
        channel = self._component_message(message, user)
        comp = message.component(custom_id)
        ctype = int(comp.get("type", 0))
        if ctype not in (3, *_ENTITY_SELECTS):
            raise AssertionError(f"component {custom_id!r} is not a select menu: {comp}")
        picked = list(values)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype}
        if ctype == 3:
            allowed = {o["value"] for o in comp.get("options", [])}
            unknown = [v for v in picked if v not in allowed]
            if unknown:
                raise AssertionError(f"select {custom_id!r} has no options {unknown}; options: {sorted(allowed)}")
            data["values"] = [str(v) for v in picked]
        else:
            data["values"] = [str(as_id(v)) for v in picked]
            data["resolved"] = self._resolve(picked, channel, user)
        return await self._interact(3, data, user, channel, message=message)

    async def slash(self, name: str, user: User, channel: Channel | None = None, /, **options: object) -> Interaction:
        """A user runs a slash command ("group sub" for subcommands); channel None means the DM with the bot.

        name, user and channel are positional-only so that options may be called `user` or `channel`.
        """
        chan = channel if channel is not None else self._dm(user)
        parts = name.split()
        cmd = self._find_command(parts[0], 1, chan, user)
        schema = cmd.options
        nested: list[dict[str, Any]] = []
        holder = nested
        for part in parts[1:]:
            sub = next((o for o in schema if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                subs = [o["name"] for o in schema if o["type"] in (1, 2)]
                raise AssertionError(f"/{cmd.name} has no subcommand {part!r}; it has {subs}")
            entry: dict[str, Any] = {"name": part, "type": sub["type"], "options": []}
            holder.append(entry)
            holder = entry["options"]
            schema = list(sub.get("options") or [])
        resolved: dict[str, Any] = {}
        holder.extend(self._options(cmd.name, schema, options, chan, user, resolved))
        data: dict[str, Any] = {"id": str(cmd.id), "name": cmd.name, "type": 1, "options": nested}
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        if resolved:
            data["resolved"] = resolved
        return await self._interact(2, data, user, chan)

    async def autocomplete(
        self, name: str, user: User, channel: Channel | None = None, /, *, focused: str, **options: object
    ) -> Interaction:
        """A user types into an autocomplete option: INTERACTION_CREATE type 4; read `it.choices`."""
        chan = channel if channel is not None else self._dm(user)
        cmd = self._find_command(name, 1, chan, user)
        opts = []
        for opt in cmd.options:
            if opt["name"] in options:
                entry = {"name": opt["name"], "type": opt["type"], "value": str(options[opt["name"]])}
                if opt["name"] == focused:
                    entry["focused"] = True
                opts.append(entry)
        data = {"id": str(cmd.id), "name": cmd.name, "type": 1, "options": opts}
        return await self._interact(4, data, user, chan)

    async def message_command(self, name: str, user: User, message: Message) -> Interaction:
        """A user runs a message context-menu command (Apps → name) on a message."""
        chan = self.state.channels[message.channel_id]
        cmd = self._find_command(name, 3, chan, user)
        data = {
            "id": str(cmd.id),
            "name": cmd.name,
            "type": 3,
            "target_id": str(message.id),
            "resolved": {"messages": {str(message.id): payloads.message(self.state, message)}},
        }
        return await self._interact(2, data, user, chan)

    async def user_command(self, name: str, user: User, target: User, channel: Channel | None = None) -> Interaction:
        """A user runs a user context-menu command on another user."""
        chan = channel if channel is not None else self._dm(user)
        cmd = self._find_command(name, 2, chan, user)
        data = {
            "id": str(cmd.id),
            "name": cmd.name,
            "type": 2,
            "target_id": str(target.id),
            "resolved": self._resolve([target], chan, user),
        }
        return await self._interact(2, data, user, chan)

    async def submit_modal(self, interaction: Interaction, values: Mapping[str, object]) -> Interaction:
        """The user fills in and submits the modal the bot opened in answer to `interaction` (type 5)."""
        modal = interaction.modal
        if modal is None:
            raise AssertionError(f"the bot did not answer {interaction!r} with a modal")
        user = self.state.users[interaction.user_id]
        chan = self.state.channels[interaction.channel_id]
        resolved: dict[str, Any] = {}
        seen: set[str] = set()
        components = [self._mirror(c, values, seen, chan, user, resolved) for c in modal.get("components", [])]
        unknown = set(values) - seen
        if unknown:
            raise AssertionError(f"modal {modal.get('custom_id')!r} has no fields {sorted(unknown)}")
        data: dict[str, Any] = {"custom_id": modal["custom_id"], "components": components}
        if resolved:
            data["resolved"] = resolved
        message = None
        if interaction.message_id is not None:
            message = self.state.messages.get(interaction.message_id)
        return await self._interact(5, data, user, chan, message=message)

    def _mirror(
        self,
        comp: Mapping[str, Any],
        values: Mapping[str, object],
        seen: set[str],
        chan: Channel,
        user: User,
        resolved: dict[str, Any],
    ) -> dict[str, Any]:
        ctype = comp["type"]
        if ctype == 1:
            return {
                "type": 1,
                "components": [self._mirror(c, values, seen, chan, user, resolved) for c in comp["components"]],
            }
        if ctype == 18:
            inner = self._mirror(comp["component"], values, seen, chan, user, resolved)
            return {"type": 18, "id": comp.get("id"), "component": inner}
        out: dict[str, Any] = {"type": ctype, "id": comp.get("id")}
        custom_id = comp.get("custom_id")
        if custom_id is None:
            return out
        out["custom_id"] = custom_id
        given = values.get(custom_id)
        if custom_id in values:
            seen.add(custom_id)
        if ctype == 4:
            text = str(given) if given is not None else str(comp.get("value") or "")
            if comp.get("required", True) and not text:
                raise AssertionError(f"modal field {custom_id!r} is required")
            out["value"] = text
        elif ctype == 3:
            out["values"] = [str(v) for v in _as_list(given)]
        elif ctype in _ENTITY_SELECTS:
            picked = _as_list(given)
            out["values"] = [str(as_id(v)) for v in picked]
            _merge(resolved, self._resolve(picked, chan, user))
        elif ctype == 21:
            out["value"] = None if given is None else str(given)
        elif ctype == 22:
            out["values"] = [str(v) for v in _as_list(given)]
        elif ctype == 23:
            out["value"] = bool(given)
        elif ctype == 19:
            atts = [self._attachment(a) for a in _as_list(given)]  # type: ignore[arg-type]
            out["values"] = [str(a.id) for a in atts]
            _merge(resolved, {"attachments": {str(a.id): payloads.attachment(a) for a in atts}})
        return out

    def _dm(self, user: User) -> Channel:
        return self.dm_channel(user)

    if TYPE_CHECKING:

        def dm_channel(self, user: User | int) -> Channel:
            """Declared by FakeDiscord."""

    def _find_command(self, name: str, kind: int, chan: Channel, user: User) -> Command:
        guild_id = chan.guild_id
        candidates = [c for c in self.state.commands.values() if c.name == name and c.type == kind]
        scoped = [c for c in candidates if guild_id is not None and c.guild_id == guild_id]
        global_ = [c for c in candidates if c.guild_id is None]
        found = (scoped or global_ or [None])[0]
        if found is None:
            known = sorted(c.name for c in self.state.commands.values())
            raise AssertionError(f"no command {name!r} of type {kind} synced for this channel; synced: {known}")
        contexts = found.data.get("contexts")
        context = 0 if guild_id is not None else 1
        if contexts is not None and context not in contexts:
            raise AssertionError(f"command {name!r} is not available in {'guilds' if context == 0 else 'DMs'}")
        if context == 1 and found.data.get("dm_permission") is False:
            raise AssertionError(f"command {name!r} is not available in DMs")
        guild = self.state.guild_of(chan)
        required = found.data.get("default_member_permissions")
        if guild is not None and required is not None:
            # Discord hides such commands from members who lack the permissions ("0": admins only).
            have = self.state.permissions(guild, user.id, chan)
            if have != Perm.ALL and (int(required) == 0 or have & int(required) != int(required)):
                raise AssertionError(f"{user.name} cannot see command {name!r} (needs permissions {required})")
        return found

    def _options(
        self,
        command: str,
        schema: list[dict[str, Any]],
        given: Mapping[str, object],
        chan: Channel,
        user: User,
        resolved: dict[str, Any],
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        for opt in schema:
            if opt.get("required") and opt["name"] not in given:
                raise AssertionError(f"/{command} needs option {opt['name']!r}")
        out = []
        for key, value in given.items():
            opt = by_name.get(key)
            if opt is None:
                raise AssertionError(f"/{command} has no option {key!r}; options: {sorted(by_name)}")
            otype = int(opt["type"])
            if otype in (6, 7, 8, 9):
                wire: object = str(as_id(value))
                _merge(resolved, self._resolve([value], chan, user))
            elif otype == 11:
                att = self._attachment(value)  # type: ignore[arg-type]
                wire = str(att.id)
                _merge(resolved, {"attachments": {str(att.id): payloads.attachment(att)}})
            else:
                wire = _OPTION_TYPES.get(otype, str)(value)  # type: ignore[operator]
                choices = [c["value"] for c in opt.get("choices") or []]
                if choices and wire not in choices:
                    raise AssertionError(f"/{command} option {key!r} must be one of {choices}")
            out.append({"name": key, "type": otype, "value": wire})
        return out

    def _resolve(self, things: Iterable[object], chan: Channel, viewer: User) -> dict[str, Any]:
        resolved: dict[str, dict[str, Any]] = {}
        guild = self.state.guild_of(chan)
        for thing in things:
            if isinstance(thing, Role):
                resolved.setdefault("roles", {})[str(thing.id)] = payloads.role(thing)
            elif isinstance(thing, Channel):
                data = payloads.resolved_channel(self.state, thing, viewer.id)
                resolved.setdefault("channels", {})[str(thing.id)] = data
            else:
                target = self.state.user(thing)
                resolved.setdefault("users", {})[str(target.id)] = payloads.user(target)
                if guild is not None and target.id in guild.members:
                    mem = payloads.member(self.state, guild.members[target.id], with_user=False)
                    mem["permissions"] = str(self.state.permissions(guild, target.id, chan))
                    resolved.setdefault("members", {})[str(target.id)] = mem
        return resolved

    # -- AutoMod --------------------------------------------------------------------------------------------

    async def automod_action(
        self,
        guild: Guild,
        rule: Mapping[str, Any] | int,
        user: User,
        content: str,
        *,
        channel: Channel | None = None,
        keyword: str | None = None,
        matched: str | None = None,
        action: Mapping[str, Any] | None = None,
    ) -> None:
        """AutoMod acts on a user's message: AUTO_MODERATION_ACTION_EXECUTION (needs that intent)."""
        rule_data = guild.automod_rules[as_id(rule) if isinstance(rule, int) else int(rule["id"])]
        act = dict(action or (rule_data["actions"][0] if rule_data["actions"] else {"type": 1, "metadata": {}}))
        act.setdefault("metadata", {})
        data = payloads.automod_execution(
            guild,
            rule_data,
            user_id=user.id,
            content=content,
            matched_keyword=keyword,
            matched_content=matched,
            action=act,
            channel_id=None if channel is None else channel.id,
            message_id=None if int(act.get("type", 1)) == 1 else self.state.ids.next(),
            alert_message_id=None,
        )
        self.gateway.dispatch("AUTO_MODERATION_ACTION_EXECUTION", data, guild_id=guild.id)
        await self.settle()


def _reference(message: Message, kind: int) -> dict[str, Any]:
    return {
        "type": kind,
        "message_id": str(message.id),
        "channel_id": str(message.channel_id),
        "guild_id": None if message.guild_id is None else str(message.guild_id),
    }


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def _merge(into: dict[str, Any], extra: Mapping[str, Mapping[str, Any]]) -> None:
    for key, items in extra.items():
        into.setdefault(key, {}).update(items)
