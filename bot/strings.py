"""Every piece of text a member or moderator sees, in one place.

Templates use `str.format` fields. Keep the tone warm and plain: many readers are having a hard time.
"""

from __future__ import annotations

# --- /confidentiality ---------------------------------------------------------------------------------------------
CONFIDENTIALITY_TITLE = "Confidentiality — the short version"
CONFIDENTIALITY_FOOTER = "Press the button for the whole agreement."
READ_AGREEMENT_BUTTON = "Read the whole agreement"

# --- errors -------------------------------------------------------------------------------------------------------
ERROR_APOLOGY = (
    "Sorry — something went wrong on our side and that didn't work. Nothing you wrote was shared. "
    "If it keeps happening, tell a moderator the error id `{error_id}`."
)
ERROR_NOT_ALLOWED = "Sorry, you don't have permission to do that."
ERROR_GUILD_ONLY = "That only works inside the group's server, not in direct messages."
ERROR_COOLDOWN = "Please wait {seconds:.0f} seconds and try again."

# --- command descriptions (shown in Discord's command picker) --------------------------------------------------------
CMD_CONFIDENTIALITY = "Show the group's key confidentiality rules (only you see the answer)."
