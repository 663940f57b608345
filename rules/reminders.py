"""The default confidentiality reminders: a few kind, plain notes that a scheduled reminder rotates through.

A moderator may give a reminder their own text instead; these are what a channel gets when they don't. Each
says what stays in the group and how to report a breach privately, in a different way, so a channel that sees
one every day doesn't see the same words every day.
"""

from __future__ import annotations

__all__ = ["DEFAULT_REMINDERS", "TEXT_LIMIT", "reminder_text"]

# The longest text a moderator may give a reminder (it is posted as an embed's description).
TEXT_LIMIT = 1000

DEFAULT_REMINDERS: tuple[str, ...] = (
    "A gentle reminder: what's shared here stays here. Please don't repeat names, stories or screenshots "
    "outside the group. If you think something was shared, you can tell the moderators privately: "
    "send me a direct message or use /report.",
    "What we hear here stays here, and that goes on after anyone leaves the group. If a detail that could identify "
    "someone slips into a message, you can edit it out. To report a breach privately, send me a direct message "
    "or use /report; you stay anonymous unless you choose otherwise.",
    "Thank you for keeping this a safe place. Talk about your own experience, and leave out names, workplaces and "
    "other details that could identify someone else. Worried about something you saw? Send me a direct message "
    "or use /report, and it goes privately to the moderators.",
    "A quick reminder: no screenshots, no forwarding, and no retelling members' stories elsewhere, even without "
    "names. You can read the key rules any time with /confidentiality, and report a breach privately with /report.",
)


def reminder_text(own: str | None, count: int) -> str:
    """The text of a reminder's `count`-th post (from 0): its own text, or the defaults in turn.

    Args:
        own: the moderator's text, or None for the rotating defaults.
        count: how many times the reminder has been posted before.
    """
    if own:
        return own
    return DEFAULT_REMINDERS[count % len(DEFAULT_REMINDERS)]
