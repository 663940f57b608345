"""REST handlers for channels, messages, threads, webhooks and interaction callbacks."""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from . import payloads
from .model import (
    Attachment,
    Callback,
    Channel,
    ChannelType,
    Guild,
    Intent,
    Interaction,
    Message,
    Overwrite,
    Perm,
    UploadedFile,
    Webhook,
    now,
)
from .restcore import NO_CONTENT, ApiError, Ctx, Reply, RestBase, parse_overwrites, unknown

CALLBACK_DEADLINE = 3.0


class ChannelRoutes(RestBase):
    """Channel, message, thread, webhook and interaction handlers."""

    # -- channels -------------------------------------------------------------------------------------------

    def get_channel(self, ctx: Ctx) -> Reply:
        """GET /channels/{c}."""
        return 200, payloads.channel(self.state, self._channel(ctx.id(0)))

    def edit_channel(self, ctx: Ctx) -> Reply:
        """PATCH /channels/{c} (channels and threads)."""
        chan = self._channel(ctx.id(0))
        guild = self._guild(chan.guild_id or 0)
        body = ctx.body
        if chan.is_thread:
            if chan.owner_id != self.bot_id:
                self._require(guild, Perm.MANAGE_THREADS, chan)
            for key in ("name", "archived", "locked", "invitable", "auto_archive_duration", "rate_limit_per_user"):
                if key in body:
                    setattr(chan, key, body[key])
            self._audit(ctx)
            self.fake.gateway.dispatch("THREAD_UPDATE", payloads.thread(self.state, chan), guild_id=guild.id)
            return 200, payloads.thread(self.state, chan)
        self._require(guild, Perm.MANAGE_CHANNELS, chan)
        for key in ("name", "topic", "position", "nsfw", "rate_limit_per_user"):
            if key in body:
                setattr(chan, key, body[key])
        if "parent_id" in body:
            chan.parent_id = None if body["parent_id"] is None else int(body["parent_id"])
        if "permission_overwrites" in body:
            chan.overwrites = parse_overwrites(body["permission_overwrites"])
        self._audit(ctx)
        data = payloads.channel(self.state, chan)
        self.fake.gateway.dispatch("CHANNEL_UPDATE", data, guild_id=guild.id)
        return 200, data

    def delete_channel(self, ctx: Ctx) -> Reply:
        """DELETE /channels/{c}."""
        chan = self._channel(ctx.id(0))
        data = payloads.channel(self.state, chan)
        if chan.guild_id is not None:
            guild = self._guild(chan.guild_id)
            self._require(guild, Perm.MANAGE_THREADS if chan.is_thread else Perm.MANAGE_CHANNELS, chan)
            guild.channels.pop(chan.id, None)
            self.state.channels.pop(chan.id, None)
            event = "THREAD_DELETE" if chan.is_thread else "CHANNEL_DELETE"
            self.fake.gateway.dispatch(event, data, guild_id=guild.id)
        self._audit(ctx)
        return 200, data

    def put_overwrite(self, ctx: Ctx) -> Reply:
        """PUT /channels/{c}/permissions/{target}."""
        chan = self._channel(ctx.id(0))
        guild = self._guild(chan.guild_id or 0)
        self._require(guild, Perm.MANAGE_ROLES, chan)
        body = ctx.body
        target = ctx.id(1)
        chan.overwrites[target] = Overwrite(
            target, int(body.get("type", 0)), int(body.get("allow", 0)), int(body.get("deny", 0))
        )
        self._audit(ctx)
        self.fake.gateway.dispatch("CHANNEL_UPDATE", payloads.channel(self.state, chan), guild_id=guild.id)
        return NO_CONTENT

    def delete_overwrite(self, ctx: Ctx) -> Reply:
        """DELETE /channels/{c}/permissions/{target}."""
        chan = self._channel(ctx.id(0))
        guild = self._guild(chan.guild_id or 0)
        self._require(guild, Perm.MANAGE_ROLES, chan)
        chan.overwrites.pop(ctx.id(1), None)
        self.fake.gateway.dispatch("CHANNEL_UPDATE", payloads.channel(self.state, chan), guild_id=guild.id)
        return NO_CONTENT

    # -- messages -------------------------------------------------------------------------------------------

    def _strip_rest(self, msg: Message) -> bool:
        """REST hides content when the application lacks the message-content privilege, as Discord does."""
        if self.fake.privileged_intents & Intent.MESSAGE_CONTENT or msg.guild_id is None:
            return False
        return msg.author_id != self.bot_id and str(self.bot_id) not in payloads.MENTION_RE.findall(msg.content)

    def _message_payload(self, msg: Message) -> dict[str, Any]:
        return payloads.message(self.state, msg, strip_content=self._strip_rest(msg))

    def _check_readable(self, chan: Channel) -> None:
        if chan.guild_id is not None:
            self._require(self._guild(chan.guild_id), Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY, chan)

    def list_messages(self, ctx: Ctx) -> Reply:
        """GET /channels/{c}/messages (limit, before, after, around), newest first."""
        chan = self._channel(ctx.id(0))
        self._check_readable(chan)
        msgs = [
            m for m in self.state.messages.values() if m.channel_id == chan.id and not m.deleted and not m.ephemeral
        ]
        limit = int(ctx.query.get("limit", 50))
        if "before" in ctx.query:
            msgs = [m for m in msgs if m.id < int(ctx.query["before"])]
        if "after" in ctx.query:
            msgs = [m for m in msgs if m.id > int(ctx.query["after"])][:limit]
        if "around" in ctx.query:
            around = int(ctx.query["around"])
            older = [m for m in msgs if m.id <= around][-((limit + 1) // 2) :]
            newer = [m for m in msgs if m.id > around][: limit // 2]
            msgs = older + newer
        msgs = sorted(msgs, key=lambda m: m.id, reverse=True)[:limit]
        return 200, [self._message_payload(m) for m in msgs]

    def get_message(self, ctx: Ctx) -> Reply:
        """GET /channels/{c}/messages/{m}."""
        chan = self._channel(ctx.id(0))
        self._check_readable(chan)
        return 200, self._message_payload(self._message(chan, ctx.id(1)))

    def create_message(self, ctx: Ctx) -> Reply:
        """POST /channels/{c}/messages (JSON or multipart; replies and forwards)."""
        chan = self._channel(ctx.id(0))
        if chan.is_dm:
            recipient = self.state.users[chan.recipient_id or 0]
            if not recipient.dms_open or recipient.bot:
                raise ApiError(403, "Cannot send messages to this user", 50007)
        else:
            guild = self._guild(chan.guild_id or 0)
            needed = Perm.SEND_MESSAGES_IN_THREADS if chan.is_thread else Perm.SEND_MESSAGES
            if ctx.files:
                needed |= Perm.ATTACH_FILES
            self._require(guild, needed, chan)
            if chan.type == ChannelType.PRIVATE_THREAD and self.bot_id not in chan.thread_members:
                self._require(guild, Perm.MANAGE_THREADS, chan)
        msg = self.build_message(chan, self.bot_id, ctx.body, ctx.files)
        self.fake.post_message(msg)
        return 200, payloads.message(self.state, msg)

    def build_message(
        self,
        chan: Channel,
        author_id: int,
        body: Mapping[str, Any],
        files: tuple[UploadedFile, ...],
        **fields: Any,
    ) -> Message:
        """Make a Message from a create-message body (content, embeds, components, files, reference, flags)."""
        msg = Message(self.state.ids.next(), chan.id, author_id, guild_id=chan.guild_id, **fields)
        self.apply_edit(msg, body, files)
        ref = body.get("message_reference")
        if ref:
            ref_id = int(ref["message_id"])
            source = self.state.messages.get(ref_id)
            ref_type = int(ref.get("type", 0))
            if source is None or source.deleted:
                if ref.get("fail_if_not_exists", True):
                    raise ApiError(400, "Unknown message", 10008)
            else:
                msg.reference = {
                    "type": ref_type,
                    "message_id": str(source.id),
                    "channel_id": str(source.channel_id),
                    "guild_id": None if source.guild_id is None else str(source.guild_id),
                }
                if ref_type == 1:
                    msg.snapshots = [payloads.snapshot(source)]
                else:
                    msg.type = 19
        has_body = msg.content or msg.embeds or msg.components or msg.attachments or msg.snapshots or msg.poll
        if not has_body and not body.get("sticker_ids"):
            raise ApiError(400, "Cannot send an empty message", 50006)
        return msg

    def apply_edit(self, msg: Message, body: Mapping[str, Any], files: tuple[UploadedFile, ...]) -> None:
        """Apply the fields of a create/edit-message body to a message."""
        if "content" in body:
            msg.content = body["content"] or ""
        if "embeds" in body:
            msg.embeds = list(body["embeds"] or [])
        elif "embed" in body:
            msg.embeds = [] if body["embed"] is None else [body["embed"]]
        if "components" in body:
            msg.components = list(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            keep = msg.flags & (Message.EPHEMERAL | Message.LOADING)
            msg.flags = int(body["flags"]) | keep
        for key in ("tts", "nonce", "poll"):
            if key in body:
                setattr(msg, key, body[key])
        if "attachments" in body or files:
            msg.attachments = self._attachments(msg, body.get("attachments"), files)

    def _attachments(
        self, msg: Message, meta: list[dict[str, Any]] | None, files: tuple[UploadedFile, ...]
    ) -> list[Attachment]:
        by_field = {f.field: f for f in files}
        kept = {a.id: a for a in msg.attachments}
        out: list[Attachment] = []
        used: set[str] = set()
        for item in meta if meta is not None else [{"id": i} for i in range(len(files))]:
            key = f"files[{item.get('id')}]"
            if key in by_field:
                upload = by_field[key]
                used.add(key)
                att = self.fake.attachment(
                    item.get("filename") or upload.filename,
                    upload.data,
                    content_type=mimetypes.guess_type(upload.filename)[0],
                )
                att.description = item.get("description")
                att.ephemeral = msg.ephemeral
                out.append(att)
            elif int(item.get("id", -1)) in kept:
                out.append(kept[int(item["id"])])
        for key, upload in by_field.items():
            if key not in used and meta is None:
                out.append(self.fake.attachment(upload.filename, upload.data))
        return out

    def edit_message(self, ctx: Ctx) -> Reply:
        """PATCH /channels/{c}/messages/{m} (only the bot's own messages, as on Discord)."""
        chan = self._channel(ctx.id(0))
        msg = self._message(chan, ctx.id(1))
        if msg.author_id != self.bot_id and set(ctx.body) - {"flags"}:
            raise ApiError(403, "Cannot edit a message authored by another user", 50005)
        self.apply_edit(msg, ctx.body, ctx.files)
        self.fake.update_message(msg)
        return 200, payloads.message(self.state, msg)

    def delete_message(self, ctx: Ctx) -> Reply:
        """DELETE /channels/{c}/messages/{m}."""
        chan = self._channel(ctx.id(0))
        msg = self._message(chan, ctx.id(1))
        if msg.author_id != self.bot_id:
            if chan.is_dm:
                raise ApiError(403, "Cannot execute action on a DM channel", 50003)
            self._require(self._guild(chan.guild_id or 0), Perm.MANAGE_MESSAGES, chan)
        self._audit(ctx)
        self.fake.remove_message(msg)
        return NO_CONTENT

    def bulk_delete(self, ctx: Ctx) -> Reply:
        """POST /channels/{c}/messages/bulk-delete."""
        chan = self._channel(ctx.id(0))
        guild = self._guild(chan.guild_id or 0)
        self._require(guild, Perm.MANAGE_MESSAGES, chan)
        ids = [int(i) for i in ctx.body.get("messages", [])]
        for message_id in ids:
            self._message(chan, message_id).deleted = True
        self._audit(ctx)
        data = {"ids": [str(i) for i in ids], "channel_id": str(chan.id), "guild_id": str(guild.id)}
        self.fake.gateway.dispatch("MESSAGE_DELETE_BULK", data, guild_id=guild.id)
        return NO_CONTENT

    def add_reaction(self, ctx: Ctx) -> Reply:
        """PUT /channels/{c}/messages/{m}/reactions/{emoji}/@me."""
        chan = self._channel(ctx.id(0))
        msg = self._message(chan, ctx.id(1))
        emoji = unquote(ctx.args[2])
        msg.reactions.setdefault(emoji, set()).add(self.bot_id)
        self.fake.dispatch_reaction("MESSAGE_REACTION_ADD", msg, self.bot_id, emoji)
        return NO_CONTENT

    def remove_reaction(self, ctx: Ctx) -> Reply:
        """DELETE /channels/{c}/messages/{m}/reactions/{emoji}/{user|@me}."""
        chan = self._channel(ctx.id(0))
        msg = self._message(chan, ctx.id(1))
        emoji = unquote(ctx.args[2])
        user_id = self.bot_id if ctx.args[3] == "@me" else int(ctx.args[3])
        msg.reactions.get(emoji, set()).discard(user_id)
        self.fake.dispatch_reaction("MESSAGE_REACTION_REMOVE", msg, user_id, emoji)
        return NO_CONTENT

    def pin(self, ctx: Ctx) -> Reply:
        """PUT /channels/{c}/pins/{m}."""
        msg = self._message(self._channel(ctx.id(0)), ctx.id(1))
        msg.pinned = True
        self.fake.update_message(msg)
        return NO_CONTENT

    def unpin(self, ctx: Ctx) -> Reply:
        """DELETE /channels/{c}/pins/{m}."""
        msg = self._message(self._channel(ctx.id(0)), ctx.id(1))
        msg.pinned = False
        self.fake.update_message(msg)
        return NO_CONTENT

    # -- threads --------------------------------------------------------------------------------------------

    def create_thread(self, ctx: Ctx) -> Reply:
        """POST /channels/{c}/threads (type 11 public or 12 private; discord.py defaults to private)."""
        parent = self._channel(ctx.id(0))
        guild = self._guild(parent.guild_id or 0)
        kind = int(ctx.body.get("type", ChannelType.PRIVATE_THREAD))
        perm = Perm.CREATE_PRIVATE_THREADS if kind == ChannelType.PRIVATE_THREAD else Perm.CREATE_PUBLIC_THREADS
        self._require(guild, perm, parent)
        thread = self._new_thread(guild, parent, ctx.body, kind)
        self._audit(ctx)
        return 201, payloads.thread(self.state, thread, for_user=self.bot_id)

    def create_thread_from_message(self, ctx: Ctx) -> Reply:
        """POST /channels/{c}/messages/{m}/threads (the thread's id is the message's id)."""
        parent = self._channel(ctx.id(0))
        guild = self._guild(parent.guild_id or 0)
        msg = self._message(parent, ctx.id(1))
        self._require(guild, Perm.CREATE_PUBLIC_THREADS, parent)
        if msg.thread_id is not None:
            raise ApiError(400, "A thread has already been created for this message", 160004)
        thread = self._new_thread(guild, parent, ctx.body, ChannelType.PUBLIC_THREAD, thread_id=msg.id)
        msg.thread_id = thread.id
        self._audit(ctx)
        return 201, payloads.thread(self.state, thread, for_user=self.bot_id)

    def _new_thread(
        self, guild: Guild, parent: Channel, body: Mapping[str, Any], kind: int, thread_id: int | None = None
    ) -> Channel:
        thread = Channel(
            thread_id or self.state.ids.next(),
            kind,
            body.get("name", "thread"),
            guild.id,
            parent_id=parent.id,
            owner_id=self.bot_id,
            invitable=bool(body.get("invitable", True)),
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
        )
        thread.thread_members[self.bot_id] = now()
        guild.channels[thread.id] = thread
        self.state.channels[thread.id] = thread
        self.fake.dispatch_thread_create(thread)
        return thread

    def _thread(self, ctx: Ctx) -> tuple[Guild, Channel]:
        chan = self._channel(ctx.id(0))
        if not chan.is_thread:
            raise ApiError(400, "Invalid thread", 50024)
        return self._guild(chan.guild_id or 0), chan

    def add_thread_member(self, ctx: Ctx) -> Reply:
        """PUT /channels/{t}/thread-members/{u|@me}."""
        guild, thread = self._thread(ctx)
        user_id = self.bot_id if ctx.args[1] == "@me" else int(ctx.args[1])
        self._member(guild, user_id)
        private = thread.type == ChannelType.PRIVATE_THREAD
        if user_id != self.bot_id and private and self.bot_id not in thread.thread_members:
            self._require(guild, Perm.MANAGE_THREADS, thread)
        if thread.archived:
            raise ApiError(400, "Thread is archived", 50083)
        if user_id not in thread.thread_members:
            thread.thread_members[user_id] = now()
            self.fake.dispatch_thread_members(guild, thread, added=[user_id])
        return NO_CONTENT

    def remove_thread_member(self, ctx: Ctx) -> Reply:
        """DELETE /channels/{t}/thread-members/{u|@me}."""
        guild, thread = self._thread(ctx)
        user_id = self.bot_id if ctx.args[1] == "@me" else int(ctx.args[1])
        if thread.thread_members.pop(user_id, None) is not None:
            self.fake.dispatch_thread_members(guild, thread, removed=[user_id])
        return NO_CONTENT

    def list_thread_members(self, ctx: Ctx) -> Reply:
        """GET /channels/{t}/thread-members."""
        _, thread = self._thread(ctx)
        return 200, [payloads.thread_member(thread, u) for u in thread.thread_members]

    def get_thread_member(self, ctx: Ctx) -> Reply:
        """GET /channels/{t}/thread-members/{u}."""
        _, thread = self._thread(ctx)
        if ctx.id(1) not in thread.thread_members:
            raise unknown("Member", 10007)
        return 200, payloads.thread_member(thread, ctx.id(1))

    # -- webhooks -------------------------------------------------------------------------------------------

    def create_webhook(self, ctx: Ctx) -> Reply:
        """POST /channels/{c}/webhooks."""
        chan = self._channel(ctx.id(0))
        guild = self._guild(chan.guild_id or 0)
        self._require(guild, Perm.MANAGE_WEBHOOKS, chan)
        hook = Webhook(
            self.state.ids.next(),
            f"whtoken{self.state.ids.next()}",
            chan.id,
            guild.id,
            ctx.body.get("name", "Webhook"),
            self.bot_id,
        )
        self.state.webhooks[hook.id] = hook
        self._audit(ctx)
        data = {"guild_id": str(guild.id), "channel_id": str(chan.id)}
        self.fake.gateway.dispatch("WEBHOOKS_UPDATE", data, guild_id=guild.id)
        return 200, payloads.webhook(self.state, hook)

    def channel_webhooks(self, ctx: Ctx) -> Reply:
        """GET /channels/{c}/webhooks."""
        chan = self._channel(ctx.id(0))
        hooks = [h for h in self.state.webhooks.values() if h.channel_id == chan.id]
        return 200, [payloads.webhook(self.state, h) for h in hooks]

    def guild_webhooks(self, ctx: Ctx) -> Reply:
        """GET /guilds/{g}/webhooks."""
        guild = self._guild(ctx.id(0))
        hooks = [h for h in self.state.webhooks.values() if h.guild_id == guild.id]
        return 200, [payloads.webhook(self.state, h) for h in hooks]

    def _webhook(self, webhook_id: int, token: str | None = None) -> Webhook:
        hook = self.state.webhooks.get(webhook_id)
        if hook is None or (token is not None and hook.token != token):
            raise unknown("Webhook", 10015)
        return hook

    def get_webhook(self, ctx: Ctx) -> Reply:
        """GET /webhooks/{id}."""
        return 200, payloads.webhook(self.state, self._webhook(ctx.id(0)))

    def edit_webhook(self, ctx: Ctx) -> Reply:
        """PATCH /webhooks/{id}."""
        hook = self._webhook(ctx.id(0))
        hook.name = ctx.body.get("name", hook.name)
        if "channel_id" in ctx.body:
            hook.channel_id = int(ctx.body["channel_id"])
        return 200, payloads.webhook(self.state, hook)

    def delete_webhook(self, ctx: Ctx) -> Reply:
        """DELETE /webhooks/{id}."""
        self.state.webhooks.pop(self._webhook(ctx.id(0)).id)
        return NO_CONTENT

    def get_webhook_with_token(self, ctx: Ctx) -> Reply:
        """GET /webhooks/{id}/{token}."""
        return 200, payloads.webhook(self.state, self._webhook(ctx.id(0), ctx.args[1]), with_token=False)

    def execute_webhook(self, ctx: Ctx) -> Reply:
        """POST /webhooks/{id}/{token}: a channel webhook, or an interaction follow-up (id = application id)."""
        it = self._interaction_for(ctx)
        if it is not None:
            return self._followup(ctx, it)
        hook = self._webhook(ctx.id(0), ctx.args[1])
        chan = self._channel(int(ctx.query.get("thread_id", hook.channel_id)))
        msg = self.build_message(
            chan,
            hook.id,
            ctx.body,
            ctx.files,
            webhook_id=hook.id,
            webhook_name=ctx.body.get("username"),
        )
        self.fake.post_message(msg)
        if ctx.query.get("wait") in ("1", "true", "True"):
            return 200, payloads.message(self.state, msg)
        return NO_CONTENT

    def _interaction_for(self, ctx: Ctx) -> Interaction | None:
        if ctx.id(0) != self.fake.application_id:
            return None
        it = self.state.interactions.get(ctx.args[1])
        if it is None:
            raise unknown("Webhook", 10015)
        return it

    def _webhook_target(self, ctx: Ctx) -> tuple[Message, Interaction | None]:
        it = self._interaction_for(ctx)
        ref = ctx.args[2]
        if it is not None:
            if ref == "@original":
                msg = it.message
                if msg is None or msg.deleted:
                    raise unknown("Message", 10008)
                return msg, it
            found = self.state.messages.get(int(ref))
            if found is None or found.deleted or found.interaction_metadata is None:
                raise unknown("Message", 10008)
            return found, it
        hook = self._webhook(ctx.id(0), ctx.args[1])
        found = self.state.messages.get(0 if ref == "@original" else int(ref))
        if found is None or found.deleted or found.webhook_id != hook.id:
            raise unknown("Message", 10008)
        return found, None

    def get_webhook_message(self, ctx: Ctx) -> Reply:
        """GET /webhooks/{id}/{token}/messages/{m|@original}."""
        msg, _ = self._webhook_target(ctx)
        return 200, payloads.message(self.state, msg)

    def edit_webhook_message(self, ctx: Ctx) -> Reply:
        """PATCH /webhooks/{id}/{token}/messages/{m|@original} (edits of interaction responses and follow-ups)."""
        msg, _ = self._webhook_target(ctx)
        self.apply_edit(msg, ctx.body, ctx.files)
        msg.flags &= ~Message.LOADING
        self.fake.update_message(msg)
        return 200, payloads.message(self.state, msg)

    def delete_webhook_message(self, ctx: Ctx) -> Reply:
        """DELETE /webhooks/{id}/{token}/messages/{m|@original}."""
        msg, _ = self._webhook_target(ctx)
        self.fake.remove_message(msg)
        return NO_CONTENT

    # -- interactions ---------------------------------------------------------------------------------------

    def _interaction_message(
        self, it: Interaction, body: Mapping[str, Any], files: tuple[UploadedFile, ...]
    ) -> Message:
        chan = self.state.channels[it.channel_id]
        data = dict(body)
        ephemeral = bool(int(data.get("flags") or 0) & Message.EPHEMERAL)
        msg = Message(
            self.state.ids.next(),
            chan.id,
            self.bot_id,
            guild_id=chan.guild_id,
            application_id=self.fake.application_id,
            webhook_id=self.fake.application_id,
            type=_response_message_type(it),
            flags=Message.EPHEMERAL if ephemeral else 0,
            ephemeral_to=it.user_id if ephemeral else None,
            interaction_metadata=self._metadata(it),
        )
        self.apply_edit(msg, data, files)
        return msg

    def _metadata(self, it: Interaction) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "id": str(it.id),
            "type": it.type,
            "user": payloads.user(self.state.users[it.user_id]),
            "authorizing_integration_owners": it.payload.get("authorizing_integration_owners", {}),
        }
        if it.type == 2:
            meta["name"] = it.data.get("name")
            meta["command_type"] = it.data.get("type", 1)
        if it.message_id is not None:
            meta["interacted_message_id"] = str(it.message_id)
        if it.original is not None:
            meta["original_response_message_id"] = str(it.original.id)
        return meta

    def interaction_callback(self, ctx: Ctx) -> Reply:
        """POST /interactions/{id}/{token}/callback (?with_response=1 needs a 200 JSON answer)."""
        it = self.state.interactions.get(ctx.args[1])
        elapsed = 0.0 if it is None else time.monotonic() - it.sent_at
        if it is None or it.id != ctx.id(0) or (elapsed > CALLBACK_DEADLINE and not it.responses):
            raise unknown("interaction", 10062)  # what Discord answers after its 3-second deadline
        if it.responses:
            raise ApiError(400, "Interaction has already been acknowledged.", 40060)
        kind = int(ctx.body.get("type", 0))
        data = dict(ctx.body.get("data") or {})
        resource = self._callback_effect(it, kind, data, ctx.files)

        it.responses.append(Callback(kind, data, elapsed))
        if ctx.query.get("with_response") not in ("1", "true", "True"):
            return NO_CONTENT
        answer: dict[str, Any] = {"interaction": {"id": str(it.id), "type": it.type}}
        if resource is not None:
            answer["interaction"].update(
                response_message_id=str(resource.id),
                response_message_loading=resource.loading,
                response_message_ephemeral=resource.ephemeral,
            )
            answer["resource"] = {"type": kind, "message": payloads.message(self.state, resource)}
        elif kind in (6, 8, 9):
            answer["resource"] = {"type": kind}
        return 200, answer

    def _callback_effect(
        self, it: Interaction, kind: int, data: dict[str, Any], files: tuple[UploadedFile, ...]
    ) -> Message | None:
        if kind == 4:
            msg = self._interaction_message(it, data, files)
            it.original = msg
            self.fake.post_message(msg)
            return msg
        if kind == 5:
            flags = int(data.get("flags") or 0) & Message.EPHEMERAL
            msg = self._interaction_message(it, {"flags": flags}, ())
            msg.flags |= Message.LOADING
            it.original = msg
            self.fake.post_message(msg)
            return msg
        if kind in (6, 7):
            if it.message_id is None:
                raise ApiError(400, "Interaction has no message to update", 50035)
            msg = self.state.messages[it.message_id]
            if kind == 7:
                self.apply_edit(msg, data, files)
                self.fake.update_message(msg)
                return msg
            return None
        if kind == 8:
            it.choices = list(data.get("choices") or [])
            return None
        if kind == 9:
            if it.type == 5:
                raise ApiError(400, "Cannot respond to a modal submit with a modal", 50035)
            it.modal = data
            return None
        if kind in (1, 10, 12):
            return None
        raise ApiError(400, f"Invalid interaction callback type {kind}", 50035)

    def _followup(self, ctx: Ctx, it: Interaction) -> Reply:
        if not it.responses:
            raise unknown("Webhook", 10015)
        msg = self._interaction_message(it, ctx.body, ctx.files)
        it.followups.append(msg)
        self.fake.post_message(msg)
        return 200, payloads.message(self.state, msg)


def _response_message_type(it: Interaction) -> int:
    if it.type == 2:
        return 20 if int(it.data.get("type", 1)) == 1 else 23
    return 0
