"""The fake's REST API v10: a route table of (method, regex, handler) over the in-memory state."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .model import UploadedFile
from .rest_channels import ChannelRoutes
from .rest_guilds import GuildRoutes
from .restcore import NO_CONTENT, ApiError, Ctx, Handler, Reply

if TYPE_CHECKING:
    from .server import FakeDiscord

__all__ = ["ApiError", "Rest"]

_ID = r"(\d+)"
_TOKEN = r"([^/]+)"  # noqa: S105 - a URL segment pattern, not a secret


class Rest(ChannelRoutes, GuildRoutes):
    """Routes REST requests to handlers that read and update the fake's state and dispatch gateway events."""

    def __init__(self, fake: FakeDiscord) -> None:
        super().__init__(fake)
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.get_me),
            ("PATCH", "/users/@me", self.edit_me),
            ("GET", "/users/@me/guilds", self.my_guilds),
            ("DELETE", f"/users/@me/guilds/{_ID}", self.leave_guild),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", f"/users/{_ID}", self.get_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            # channels and messages
            ("GET", f"/channels/{_ID}", self.get_channel),
            ("PATCH", f"/channels/{_ID}", self.edit_channel),
            ("DELETE", f"/channels/{_ID}", self.delete_channel),
            ("PUT", f"/channels/{_ID}/permissions/{_ID}", self.put_overwrite),
            ("DELETE", f"/channels/{_ID}/permissions/{_ID}", self.delete_overwrite),
            ("GET", f"/channels/{_ID}/messages", self.list_messages),
            ("POST", f"/channels/{_ID}/messages", self.create_message),
            ("POST", f"/channels/{_ID}/messages/bulk-delete", self.bulk_delete),
            ("GET", f"/channels/{_ID}/messages/{_ID}", self.get_message),
            ("PATCH", f"/channels/{_ID}/messages/{_ID}", self.edit_message),
            ("DELETE", f"/channels/{_ID}/messages/{_ID}", self.delete_message),
            ("POST", f"/channels/{_ID}/typing", lambda ctx: NO_CONTENT),
            ("PUT", f"/channels/{_ID}/messages/{_ID}/reactions/{_TOKEN}/@me", self.add_reaction),
            ("DELETE", f"/channels/{_ID}/messages/{_ID}/reactions/{_TOKEN}/(@me|\\d+)", self.remove_reaction),
            ("PUT", f"/channels/{_ID}/pins/{_ID}", self.pin),
            ("DELETE", f"/channels/{_ID}/pins/{_ID}", self.unpin),
            ("PUT", f"/channels/{_ID}/messages/pins/{_ID}", self.pin),
            ("DELETE", f"/channels/{_ID}/messages/pins/{_ID}", self.unpin),
            ("POST", f"/channels/{_ID}/threads", self.create_thread),
            ("POST", f"/channels/{_ID}/messages/{_ID}/threads", self.create_thread_from_message),
            ("PUT", f"/channels/{_ID}/thread-members/(@me|\\d+)", self.add_thread_member),
            ("DELETE", f"/channels/{_ID}/thread-members/(@me|\\d+)", self.remove_thread_member),
            ("GET", f"/channels/{_ID}/thread-members", self.list_thread_members),
            ("GET", f"/channels/{_ID}/thread-members/{_ID}", self.get_thread_member),
            ("POST", f"/channels/{_ID}/webhooks", self.create_webhook),
            ("GET", f"/channels/{_ID}/webhooks", self.channel_webhooks),
            # guilds
            ("GET", f"/guilds/{_ID}", self.get_guild),
            ("GET", f"/guilds/{_ID}/channels", self.guild_channels),
            ("POST", f"/guilds/{_ID}/channels", self.create_channel),
            ("PATCH", f"/guilds/{_ID}/channels", self.move_channels),
            ("GET", f"/guilds/{_ID}/threads/active", self.active_threads),
            ("GET", f"/guilds/{_ID}/roles", self.list_roles),
            ("POST", f"/guilds/{_ID}/roles", self.create_role),
            ("PATCH", f"/guilds/{_ID}/roles", self.move_roles),
            ("PATCH", f"/guilds/{_ID}/roles/{_ID}", self.edit_role),
            ("DELETE", f"/guilds/{_ID}/roles/{_ID}", self.delete_role),
            ("GET", f"/guilds/{_ID}/members", self.list_members),
            ("GET", f"/guilds/{_ID}/members/search", self.search_members),
            ("PATCH", f"/guilds/{_ID}/members/@me", self.edit_my_member),
            ("GET", f"/guilds/{_ID}/members/{_ID}", self.get_member),
            ("PATCH", f"/guilds/{_ID}/members/{_ID}", self.edit_member),
            ("DELETE", f"/guilds/{_ID}/members/{_ID}", self.kick),
            ("PUT", f"/guilds/{_ID}/members/{_ID}/roles/{_ID}", self.add_member_role),
            ("DELETE", f"/guilds/{_ID}/members/{_ID}/roles/{_ID}", self.remove_member_role),
            ("GET", f"/guilds/{_ID}/bans", self.list_bans),
            ("GET", f"/guilds/{_ID}/bans/{_ID}", self.get_ban),
            ("PUT", f"/guilds/{_ID}/bans/{_ID}", self.ban),
            ("DELETE", f"/guilds/{_ID}/bans/{_ID}", self.unban),
            ("GET", f"/guilds/{_ID}/webhooks", self.guild_webhooks),
            ("GET", f"/guilds/{_ID}/audit-logs", self.audit_logs),
            ("GET", f"/guilds/{_ID}/auto-moderation/rules", self.list_rules),
            ("POST", f"/guilds/{_ID}/auto-moderation/rules", self.create_rule),
            ("GET", f"/guilds/{_ID}/auto-moderation/rules/{_ID}", self.get_rule),
            ("PATCH", f"/guilds/{_ID}/auto-moderation/rules/{_ID}", self.edit_rule),
            ("DELETE", f"/guilds/{_ID}/auto-moderation/rules/{_ID}", self.delete_rule),
            # webhooks and interactions
            ("GET", f"/webhooks/{_ID}", self.get_webhook),
            ("PATCH", f"/webhooks/{_ID}", self.edit_webhook),
            ("DELETE", f"/webhooks/{_ID}", self.delete_webhook),
            ("GET", f"/webhooks/{_ID}/{_TOKEN}", self.get_webhook_with_token),
            ("POST", f"/webhooks/{_ID}/{_TOKEN}", self.execute_webhook),
            ("GET", f"/webhooks/{_ID}/{_TOKEN}/messages/(@original|\\d+)", self.get_webhook_message),
            ("PATCH", f"/webhooks/{_ID}/{_TOKEN}/messages/(@original|\\d+)", self.edit_webhook_message),
            ("DELETE", f"/webhooks/{_ID}/{_TOKEN}/messages/(@original|\\d+)", self.delete_webhook_message),
            ("POST", f"/interactions/{_ID}/{_TOKEN}/callback", self.interaction_callback),
            # application commands
            ("GET", f"/applications/{_ID}/commands", self.list_commands),
            ("PUT", f"/applications/{_ID}/commands", self.put_commands),
            ("POST", f"/applications/{_ID}/commands", self.upsert_command),
            ("GET", f"/applications/{_ID}/commands/{_ID}", self.get_command),
            ("PATCH", f"/applications/{_ID}/commands/{_ID}", self.edit_command),
            ("DELETE", f"/applications/{_ID}/commands/{_ID}", self.delete_command),
            ("GET", f"/applications/{_ID}/guilds/{_ID}/commands/permissions", lambda ctx: (200, [])),
            ("GET", f"/applications/{_ID}/guilds/{_ID}/commands", self.list_commands),
            ("PUT", f"/applications/{_ID}/guilds/{_ID}/commands", self.put_commands),
            ("POST", f"/applications/{_ID}/guilds/{_ID}/commands", self.upsert_command),
            ("GET", f"/applications/{_ID}/guilds/{_ID}/commands/{_ID}", self.get_command),
            ("PATCH", f"/applications/{_ID}/guilds/{_ID}/commands/{_ID}", self.edit_command),
            ("DELETE", f"/applications/{_ID}/guilds/{_ID}/commands/{_ID}", self.delete_command),
            ("GET", f"/applications/{_ID}/emojis", lambda ctx: (200, {"items": []})),
            ("GET", f"/applications/{_ID}/entitlements", lambda ctx: (200, [])),
        ]
        self.routes = [(method, re.compile(pattern), handler) for method, pattern, handler in table]

    # -- dispatch -------------------------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Any,
        files: list[UploadedFile],
        headers: Mapping[str, str],
    ) -> Reply:
        """Authenticate and run the handler for a request; raise ApiError for Discord-style errors."""
        allowed_methods = set()
        for route_method, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            allowed_methods.add(route_method)
            if route_method != method:
                continue
            if not self._token_authenticated(path) and headers.get("Authorization") != f"Bot {self.fake.token}":
                raise ApiError(401, "401: Unauthorized", 0)
            return handler(Ctx(method, path, match.groups(), query, body, tuple(files), headers))
        if allowed_methods:
            raise ApiError(405, "405: Method Not Allowed", 0)
        raise ApiError(404, "404: Not Found", 0)

    @staticmethod
    def _token_authenticated(path: str) -> bool:
        # Interaction callbacks and webhook-with-token routes are authenticated by the token in the URL.
        return path.startswith("/interactions/") or (path.startswith("/webhooks/") and path.count("/") >= 3)
