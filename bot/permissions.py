"""The Discord permissions Confidant asks for, each with the reason a moderator can read before granting it."""

from __future__ import annotations

from dataclasses import dataclass

import discord


@dataclass(frozen=True, slots=True)
class Need:
    """One permission the bot needs, and why."""

    flag: str  # attribute name on `discord.Permissions`
    why: str
    optional: bool = False  # only for a feature that is off by default


NEEDS: tuple[Need, ...] = (
    Need("view_channel", "see the channels it watches and the moderator channels it posts to"),
    Need("send_messages", "post flags, cases, the moderation log and reminders"),
    Need("send_messages_in_threads", "talk in case threads and in private welcome threads"),
    Need("create_private_threads", "greet members whose DMs are closed in a thread only they and moderators see"),
    Need("create_public_threads", "open a thread per case in the moderators' cases channel"),
    Need("manage_threads", "add people to those private threads and close case threads"),
    Need("embed_links", "show the agreement, flags and cases as tidy embeds"),
    Need("attach_files", "hand a member their data export where DMs are closed"),
    Need("read_message_history", "snapshot a reported message as evidence before it can be deleted"),
    Need("manage_messages", "remove a message when a moderator presses Remove (its author gets the text back)"),
    Need("manage_roles", "give the member role after the agreement is accepted (its role must sit above it)"),
    Need("moderate_members", "apply timeouts from the strike ladder, only after a moderator confirmed a breach"),
    Need("kick_members", "remove a member, only when a moderator confirms it"),
    Need("manage_channels", "create missing channels during /setup, if the admin asks it to", optional=True),
    Need("manage_webhooks", "restore a held message under its author's name (automatic hold)", optional=True),
    Need("manage_guild", "install Discord AutoMod rules for phone numbers and e-mails", optional=True),
)


def required_permissions(*, with_optional: bool = False) -> discord.Permissions:
    """The permissions in `NEEDS` as one value (its integer goes in the invite link)."""
    return discord.Permissions(**{need.flag: True for need in NEEDS if with_optional or not need.optional})


def invite_url(application_id: int | str, *, with_optional: bool = False) -> str:
    """The link that adds the bot to a server with exactly the permissions it needs."""
    value = required_permissions(with_optional=with_optional).value
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&scope=bot+applications.commands&permissions={value}"
    )
