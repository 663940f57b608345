"""Fitting text into Discord's limits without breaking it in the middle of a thought."""

from __future__ import annotations

import discord

# Discord's limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
EMBED_DESCRIPTION_LIMIT = 4096
EMBEDS_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10


def split_text(text: str, limit: int = EMBED_DESCRIPTION_LIMIT) -> list[str]:
    """Split `text` into pieces of at most `limit` characters, preferring paragraph, then line, then word breaks."""
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def text_embeds(title: str, text: str, *, colour: discord.Colour | None = None) -> list[list[discord.Embed]]:
    """Lay `text` out as embeds, grouped into messages that each stay within Discord's per-message limits."""
    messages: list[list[discord.Embed]] = [[]]
    used = 0
    for index, piece in enumerate(split_text(text)):
        embed = discord.Embed(title=title if index == 0 else None, description=piece, colour=colour)
        size = len(piece) + (len(title) if index == 0 else 0)
        if messages[-1] and (used + size > EMBEDS_TOTAL_LIMIT or len(messages[-1]) == EMBEDS_PER_MESSAGE):
            messages.append([])
            used = 0
        messages[-1].append(embed)
        used += size
    return messages
