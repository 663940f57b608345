"""Every piece of text a member or moderator sees, in one place.

Templates use `str.format` fields. Keep the tone warm and plain: many readers are having a hard time.
"""

from __future__ import annotations

# --- /confidentiality ---------------------------------------------------------------------------------------------
CONFIDENTIALITY_TITLE = "Confidentiality — the short version"
CONFIDENTIALITY_FOOTER = "Press the button for the whole agreement."
READ_AGREEMENT_BUTTON = "Read the whole agreement"

# --- the agreement: joining -------------------------------------------------------------------------------------------
AGREE_BUTTON = "I agree"
QUESTION_BUTTON = "I have a question"
DECLINE_BUTTON = "Decline"
WELCOME_DM = (
    "Welcome to **{guild}**. Before you join the conversation, please read the group's confidentiality agreement "
    "below. Take your time — there is no rush, and questions are welcome."
)
WELCOME_GATE = (
    "Welcome, {mention}. Your direct messages are closed, so we've made this private thread: only you and the "
    "moderators can see it. Please read the group's confidentiality agreement below, whenever you're ready."
)
GATE_THREAD_NAME = "Welcome {name}"
GATE_FALLBACK = (
    "Welcome, {mention}. Please read the group's confidentiality agreement privately: press the button below. "
    "Only you will see it."
)
GATE_FALLBACK_BUTTON = "Read the agreement privately"
ACCEPTED = (
    "Thank you — you've accepted the agreement of **{guild}**, and you now have access to the group. Welcome.\n\n"
    "If you ever think something was shared outside the group, or someone was identified, tell the moderators "
    "privately: send me a direct message, or use `/report`. Reports are private, and anonymous unless you "
    "choose otherwise."
)
ACCEPTED_WAITING_SCREENING = (
    "Thank you — you've accepted the agreement of **{guild}**. The server also asks you to complete Discord's "
    "own membership screening (the rules prompt in the server); as soon as you have, you'll get access.\n\n"
    "If you ever think something was shared outside the group, tell the moderators privately: send me a "
    "direct message, or use `/report`."
)
ACCEPTED_WAITING_MODERATOR = (
    "Thank you — you've accepted the agreement of **{guild}**. I couldn't open the group to you myself just "
    "now; a moderator will let you in shortly. You don't need to do anything else.\n\n"
    "If you ever think something was shared outside the group, tell the moderators privately: send me a "
    "direct message, or use `/report`."
)
ALREADY_ACCEPTED = "You've already accepted this agreement — there's nothing more to do. Welcome."
WELCOME_BACK = (
    "Welcome back to **{guild}**. You accepted the current confidentiality agreement before, so you have access "
    "again. If anything worries you, send me a direct message or use `/report`."
)
DECLINED = (
    "That's alright — thank you for reading it. You won't get access to the group's channels without "
    "accepting, and nothing else happens. If you change your mind, you can come back any time: use "
    "`/agreement accept` in the server or here."
)
DECLINED_WITH_REMOVAL = (
    "That's alright — thank you for reading it. This group asks everyone to accept the agreement, so I'll "
    "remove you from the server {when}. If you change your mind before then, use "
    "`/agreement accept` in the server or here, and nothing happens. And you're welcome to rejoin any time later "
    "and accept it then."
)
ACCEPTED_UPDATE = (
    "Thank you — you've accepted the updated agreement of **{guild}**. Nothing else changes: your access stays "
    "as it is."
)
ACCEPTED_UPDATE_RESTORED = (
    "Thank you — you've accepted the updated agreement of **{guild}**, and your access is back. Welcome back."
)
REMINDER_DM = (
    "A gentle reminder from **{guild}**: the group's confidentiality agreement is still waiting for your answer. "
    "Read it below whenever you're ready. If anything is unclear, press **I have a question** — no question is "
    "too small. This is the only reminder I'll send."
)
REMINDER_GATE = (
    "{mention}, a gentle reminder: the group's confidentiality agreement is still waiting for your answer. Read "
    "it below whenever you're ready; questions are welcome. This is the only reminder I'll send."
)
REMOVED_NOT_ACCEPTED_DM = (
    "Hello from **{guild}**. The group's confidentiality agreement wasn't accepted within the time the group "
    "allows, so I'm removing you from the server for now. That's all it means — nothing is held against you. "
    "You're welcome to rejoin any time and accept the agreement then."
)
REMOVED_DECLINED_DM = (
    "Hello from **{guild}**. Because you declined the group's confidentiality agreement, I'm removing you from "
    "the server now. Thank you for considering it. If you change your mind, you're welcome to rejoin any time "
    "and accept it then."
)

# --- the agreement: the comprehension check -----------------------------------------------------------------------
QUIZ_START = (
    "Before you agree, a few quick questions — just to be sure the agreement is clear. There are no trick "
    "questions, and you can try again as often as you like."
)
QUIZ_QUESTION = "**Question {number} of {total}**\n{question}"
QUIZ_RIGHT = "That's right."
QUIZ_WRONG = "Not quite — and that's alright. {explanation}\n\nHave another go:"
QUIZ_DONE = "That's all of them — thank you. When you're ready, press **I agree** below to join the group."

# --- the agreement: questions -------------------------------------------------------------------------------------
QUESTION_MODAL_TITLE = "Ask the moderators"
QUESTION_MODAL_LABEL = "Your question"
QUESTION_MODAL_PLACEHOLDER = "Anything about the agreement or the group. Only the moderators will read it."
QUESTION_RECEIVED = (
    "Thank you — your question was received, and only the moderators can see it. I'll send you their answer here "
    "as soon as they reply. You can accept the agreement whenever you're ready."
)
QUESTION_SAVED_NO_CHANNEL = (
    "Thank you — your question was saved, and the moderators will see it. I'll send you their answer as soon as "
    "they reply. You can accept the agreement whenever you're ready."
)
CASE_QUESTION = "**Question #{number}** from {member} (about the agreement). Only moderators can see this channel."
CASE_ANSWERED = "**Question #{number}** from {member} — answered by {moderator}."
CASE_ANSWER_BUTTON = "Answer"
CASE_FROM_FLAG = "**Case #{number}**, opened from a flag by {member}. Only moderators can see this channel."
ANSWER_MODAL_TITLE = "Answer question #{number}"
ANSWER_MODAL_LABEL = "Your answer (sent to the member by the bot)"
ANSWER_RELAYED = "**The moderators of {guild} answered your question:**\n{answer}"
ANSWER_SENT = "Thank you — your answer was sent to the member, and question #{number} is marked answered."
ANSWER_NOT_DELIVERED = (
    "I couldn't deliver your answer: the member's direct messages are closed and I couldn't write to them in a "
    "private thread of the gate channel. Question #{number} stays open; please reach them another way."
)
CASE_ALREADY_ANSWERED = "Question #{number} was already answered."
CASE_NOT_FOUND = "I can't find that case any more."
SETUP_NO_CASES = (
    "A member asked the moderators a question, but no cases channel is set up (or I can't post there), so it "
    "is saved but not shown. Fix: set `cases_channel` in the guild's entry of config.toml (or with /setup) and "
    "give me Send Messages there."
)
OUTDATED_VERSION = (
    "The group has updated its agreement since this message was sent, so these buttons belong to an older "
    "version. Here is the current one — please read it and answer below."
)
NOT_YOUR_BUTTONS = (
    "These buttons are for the member this agreement was sent to. You can read it yourself with `/agreement show`."
)
LEFT_THE_GROUP = "It looks like you're no longer a member of **{guild}**, so there's nothing to accept right now."
PICK_A_SERVER = "Please use this command inside the group's server, so I know which group's agreement you mean."

# --- the agreement: moderators ---------------------------------------------------------------------------------------
STATUS_TITLE = "Agreement status"
STATUS_SUMMARY = (
    "Current version: **{version}**\n"
    "Accepted the current version: **{current}**\n"
    "Accepted an older version: **{older}**\n"
    "Waiting for an answer: **{pending}**\n"
    "Declined: **{declined}**"
)
STATUS_PENDING_LIST = "Waiting: {members}"
STATUS_MORE = " and {count} more"
STATUS_MEMBER = "{member}: {state} (version {version}){granted}"
STATUS_MEMBER_GRANTED = ", role given"
STATUS_MEMBER_NONE = "{member} has not been offered the agreement yet."
STATUS_LEDGER_LINE = "{when}: {decision} version {version} by {via}"
SETUP_ROLE_TOO_HIGH = (
    "I can't give the {role} role to members who accepted the agreement: my role is below it (or I lack Manage "
    "Roles). Fix: in Server Settings → Roles, drag my role above {role}, and make sure it has Manage Roles. "
    "Until then, members who accepted are waiting — use `/agreement status` to see who."
)
SETUP_NO_MEMBER_ROLE = (
    "No member role is set up, so I can't let members in after they accept the agreement. Fix: set "
    "`member_role` in the guild's entry of config.toml (or with /setup)."
)
SETUP_NO_GATE = (
    "A new member has their direct messages closed and I couldn't greet them in the gate channel (it is missing, "
    "or I can't post there or create private threads in it). Fix: set `gate_channel` and give me Send Messages "
    "and Create Private Threads there. Use `/agreement status` to see who is waiting."
)
REMOVAL_SKIPPED_NO_DM = (
    "{member} was due to be removed for not accepting the agreement, but their DMs are closed, so I couldn't tell "
    "them why or that they can come back. I haven't removed them: please reach out to them yourselves, or remove "
    "them by hand if that is right."
)
SETUP_CANNOT_REMOVE = (
    "A member was due to be removed for not accepting the agreement, but I couldn't remove them (I lack Kick "
    "Members, or my role is below theirs). I won't try again for that member. Fix: give my role Kick Members "
    "and drag it above the roles of newcomers — or set `removal_hours` and `decline_removal_hours` to 0."
)

# --- the agreement: admins editing and publishing -----------------------------------------------------------------
EDIT_MODAL_TITLE = "Edit the group's agreement"
EDIT_MODAL_LABEL = "The agreement (Markdown)"
EDIT_MODAL_PLACEHOLDER = "# Our agreement\n\nWhat is shared here stays here…"
EDIT_BAD_FILE = (
    "I couldn't use that file: {problem}. Please attach a Markdown (`.md`) file in UTF-8 of at most {limit} KB, "
    "or run `/agreement edit` without a file to type the text instead."
)
EDIT_BAD_NAME = "it isn't a `.md` file"
EDIT_TOO_BIG = "it is larger than {limit} KB"
EDIT_NOT_UTF8 = "it isn't UTF-8 text"
EDIT_EMPTY = "it is empty"
EDIT_DOWNLOAD_FAILED = "I couldn't download it from Discord just now"
DRAFT_SAVED = (
    "Saved as a **draft** — it is not in force yet, and nobody else can see it. Here is how it will look. When "
    "you're happy with it, use `/agreement publish`."
)
PUBLISH_NO_DRAFT = "There's no draft to publish. Write one first with `/agreement edit`."
PUBLISHED = (
    "Version **{version}** of the agreement is now in force. I'm asking the {count} member(s) who accepted an "
    "older version to read it; those who haven't accepted it within {days} day(s) lose access until they do "
    "(moderators keep theirs)."
)
NEW_VERSION_DM = (
    "The group **{guild}** has updated its confidentiality agreement. Please read the new version below and "
    "answer when you're ready. You keep access for now; if you haven't accepted it by {deadline}, access pauses "
    "until you do."
)
NEW_VERSION_GATE = (
    "{mention}, the group has updated its confidentiality agreement. Please read the new version below and answer "
    "when you're ready; only you and the moderators can see this thread."
)
RESEND_INTRO_DM = "A moderator of **{guild}** sent you the group's confidentiality agreement again. Take your time."
RESENT = "I've sent the current agreement to {member} again."
RESEND_BOT = "Bots don't need the agreement."
SETTINGS_TITLE = "Agreement settings"
SETTINGS_FOOTER = (
    "Change one or more with the options of /agreement settings. Changes apply from now on: reminders, removals and "
    "deadlines already scheduled keep their times."
)
SETTINGS_ON = "on"
SETTINGS_OFF = "off"
SETTINGS_QUIZ = (
    "**Comprehension check** (`quiz`): **{value}** — a few questions before **I agree** lets a newcomer in. Only "
    "with the default agreement: a group that published its own has no check."
)
SETTINGS_KEEP_CONSENTS = (
    "**Keep answers on record** (`keep_consents`): **{value}** — when a member deletes their data with `/mydata`, "
    "their agreement answers stay under their id as the group's record of who agreed (off: the rows stay, without "
    "their id)."
)
SETTINGS_GRACE = (
    "**Grace period** (`grace_days`): **{value}** day(s) — after a new version is published, how long members who "
    "accepted an older one keep access while they read it."
)
SETTINGS_REMINDER = (
    "**Reminder** (`reminder_hours`): **{value}** hour(s) — after the agreement is offered, when someone who hasn't "
    "answered gets one gentle reminder (0: no reminder)."
)
SETTINGS_REMOVAL = (
    "**Removal** (`removal_hours`): **{value}** hour(s) — after the agreement is offered, when someone who still "
    "hasn't accepted is removed from the server (0: never)."
)
SETTINGS_DECLINE_REMOVAL = (
    "**Removal after declining** (`decline_removal_hours`): **{value}** hour(s) — after someone declines, when "
    "they are removed unless they accept meanwhile (0: never)."
)
SETTINGS_SAVED = "Saved. The agreement settings are now:"
SETTINGS_INVALID = "I couldn't save that: `{option}` must be a whole number from {low} to {high}. Nothing was changed."
ROLE_WITHHELD_GATE = (
    "{mention}, your access to the group is paused because the updated agreement hasn't been accepted yet. Nothing "
    "else has changed: read it above and press **I agree**, and your access comes straight back."
)
ROLE_WITHHELD_DM = (
    "Your access to **{guild}** is paused because the group's updated agreement hasn't been accepted yet. Nothing "
    "else has changed: read it and press **I agree** (or use `/agreement accept` in the server), and your access "
    "comes straight back."
)

# --- flagging: the moderators' queue -------------------------------------------------------------------------------
LABEL_NAMES = {
    "PERSON": "a name",
    "PHONE": "a phone number",
    "EMAIL": "an e-mail address",
    "ADDRESS": "an address",
    "LOCATION": "a place",
    "ORG": "a workplace, school or organisation",
    "DATE": "a date",
    "ID": "an ID or card number",
    "URL": "a link",
    "HANDLE": "a social media handle",
    "IP": "an IP address",
    "AGE": "an age",
}
FLAG_TITLE = "Flag #{id} · {level} risk ({risk:.2f})"
FLAG_TITLE_FORWARD = "Flag #{id} · forwarded out of {source}"
FLAG_TITLE_AUTOMOD = "Flag #{id} · blocked by AutoMod"
FLAG_AUTHOR = "Author"
FLAG_CHANNEL = "Where"
FLAG_LABELS = "Details found"
FLAG_ABOUT = "About"
FLAG_ABOUT_VALUES = {"self": "the author", "other": "someone else", "unknown": "unclear"}
FLAG_STATUS = "Status"
FLAG_AUTHOR_SAYS = "Author's answer"
FLAG_AUTHOR_ANSWERS = {
    "editing": "is editing it",
    "keep": "says it's about themselves — keep it",
    "ask": "asks a moderator to get in touch",
}
FLAG_NO_TEXT = "(the text was purged under the retention setting)"
FLAG_REVEALS = "Revealed {count}× — last by {moderator}"
FLAG_STATUS_TEXT = {
    "open": "Waiting for a moderator",
    "held": "Held: removed at once by the automatic hold; the author has their text. Restore it if it's fine.",
    "dismissed": "Not identifying — dismissed by {moderator}",
    "removed": "Removed by {moderator}; the author got their text back",
    "warned": "Removed by {moderator} and recorded as a confirmed breach",
    "edit_asked": "{moderator} asked the author to edit it",
    "case_opened": "{moderator} opened case #{case}",
    "restored": "Restored by {moderator}",
    "gone": "The author deleted the message",
    "edited": "The author edited the details out",
}
FLAG_STATUS_FORWARD_REMOVED = "Forward removed by {moderator}; the forwarder was told why"
FLAG_BUTTON_REVEAL = "Reveal"
FLAG_BUTTON_DISMISS = "Not identifying"
FLAG_BUTTON_REMOVE = "Remove"
FLAG_BUTTON_WARN = "Remove + warn"
FLAG_BUTTON_EDIT = "Ask author to edit"
FLAG_BUTTON_CASE = "Open case"
FLAG_BUTTON_RESTORE = "Restore"
FLAG_GONE = "I can't find that flag any more."
FLAG_ALREADY_DECIDED = "Another moderator already acted on flag #{id}: {status}."
FLAG_REVEALED = "Flag #{id}, original text — shown only to you, and your reveal is logged:"
FLAG_TEXT_PURGED = "The original text of flag #{id} was purged under the retention setting."
FLAG_DISMISSED = "Flag #{id} dismissed as not identifying. Thank you — this teaches Confidant what's fine here."
FLAG_DISMISSED_ALLOW = (
    "Flag #{id} dismissed. If any of these are always fine in this group (the group's name, a facilitator's public "
    "name), add them to the allowlist so they're never flagged again. Only you see this list; showing it is logged "
    "as a reveal."
)
FLAG_ALLOW_PLACEHOLDER = "Add to the allowlist…"
FLAG_ALLOWED = "Added {count} term(s) to the allowlist."
FLAG_REMOVED = "Removed the message of flag #{id}; its author has their text back."
FLAG_WARNED = "Removed the message of flag #{id} and recorded a confirmed breach; its author has their text back."
FLAG_NOT_RETURNED = (
    "I couldn't give the author their text back (their DMs are closed and there is no gate channel I can use), so "
    "I haven't removed the message. Delete it yourself if it can't wait, and let them know."
)
FLAG_CANNOT_DELETE = "I can't delete messages in {channel}: give me **Manage Messages** there, then try again."
FLAG_EDIT_ASKED = "I've asked the author of flag #{id} privately to edit the message."
FLAG_EDIT_NOT_DELIVERED = "I couldn't reach the author of flag #{id} privately (DMs closed, no gate channel)."
FLAG_CASE_OPENED = "Opened case #{case} for flag #{id}."
FLAG_RESTORED = "Restored the message of flag #{id} in {channel}."
FLAG_CANNOT_RESTORE = "I can't restore it: I need **Manage Webhooks** in {channel}."
FLAG_CASE_TEXT = "Opened from flag #{id} in {channel} by {moderator}. Details found: {labels}.\n\n{masked}"
RESTORED_MARK = "-# Restored by the moderators after the automatic hold."
SETUP_NO_QUEUE = (
    "Confidant found identifying details in a message but has no moderator queue to post the flag in. The flag is "
    "kept and will be posted once the queue exists: set `mod_queue_channel` in the server's `[[guild]]` entry of "
    "config.toml (or with /setup), and make sure I can send messages and embeds there."
)

# --- flagging: the author --------------------------------------------------------------------------------------------
NUDGE_TITLE = "About your message in #{channel}"
NUDGE = (
    "Hi {name} — your message in {link} may include {kinds}. In **{guild}** we keep details that could identify "
    "someone out of the group's chat, {whose}. Nobody is in trouble: if you can, please edit them out.\n\n"
    "If it's only about you and you're happy to share it, that's your choice — let us know below."
)
NUDGE_BY_MODERATOR = (
    "Hi {name} — a moderator of **{guild}** asks you to edit your message in {link}: it may include {kinds}. "
    "Editing it is enough; nothing else happens. Thank you for looking after the group."
)
NUDGE_WHOSE = {
    "other": "especially about other people, who didn't choose to share them",
    "self": "even about yourself, because the group can't take back what it has read",
    "unknown": "about anyone, you included",
}
NUDGE_THREAD_NAME = "A note for {name}"
NUDGE_HOWTO_BUTTON = "How to edit"
NUDGE_KEEP_BUTTON = "It's about me — keep it"
NUDGE_ASK_BUTTON = "Ask a moderator"
NUDGE_HOWTO = (
    "Open the message ({link}), then: on a computer, hover over it and click the pencil; on a phone, press and hold "
    'it and choose **Edit Message**. Replace the detail with something general ("my workplace", "a friend"), '
    "then save. The moderators will see that you edited it."
)
NUDGE_KEPT = "Thanks for telling us — I've let the moderators know it's about you. Nothing else to do."
NUDGE_ASKED = "I've asked a moderator to get in touch with you privately."
NUDGE_NOT_YOURS = "That note was for someone else."
HELD_TITLE = "Your message in #{channel} was held"
HELD = (
    "Hi {name} — your message in **{guild}** included {kinds}, so I removed it at once to keep it out of the group's "
    "chat. The moderators will have a look, and may put it back. Here is your text, so nothing is lost:"
)
REMOVED_TITLE = "Your message in #{channel} was removed"
REMOVED = (
    "Hi {name} — a moderator of **{guild}** removed your message in #{channel} because it included {kinds}. Here is "
    "your text, so nothing is lost. If you think this was a mistake, you're welcome to ask a moderator."
)
REMOVED_WARNED = (
    "Hi {name} — a moderator of **{guild}** removed your message in #{channel} because it included {kinds}, and "
    "recorded it as a breach of the group's confidentiality agreement. Here is your text, so nothing is lost."
)
FORWARD_REMOVED = (
    "Hi {name} — you forwarded a message from #{source}, a confidential channel of **{guild}**, into #{channel}, "
    "so I removed the forward. What's said in the group stays in the group."
)
PROTECTED_CAUGHT = (
    "Something you asked me to protect was mentioned in **{guild}**. I've flagged it to the moderators without "
    "saying whose it is. You don't need to do anything."
)

# --- flagging: /flags -------------------------------------------------------------------------------------------------
TERM_INVALID = "I can't list that: {problem}"
TERM_ALREADY_LISTED = "That term is already on the list — nothing changed."
TERM_ALLOWED = "Added to the allowlist as #{id}: it won't be flagged in this server any more."
TERM_DENIED = "Added to the denylist as #{id}: it will always be flagged in monitored channels."
TERM_LINE = "#{id} · {kind}: {term}{label}"
TERMS_NONE = "No terms are listed yet. Add them with `/flags allow` and `/flags deny`."
TERM_NOT_FOUND = "There is no listed term #{id} in this server. `/flags terms` shows them."
TERM_REMOVED = "Took term #{id} off the list."
STATS_NONE = "No flags yet in this server."
STATS_HEADER = "**Flags per kind of detail** — confirmed / dismissed by moderators, and the precision that gives:"
STATS_LINE = "`{label:<8}` {flags} flagged · {confirmed} confirmed · {dismissed} dismissed · precision {precision}"
SETTINGS_PROBLEM = "I couldn't save that: {problem}"
FLAG_SETTINGS_SAVED = "Saved."
FLAG_SETTINGS = (
    "**Flagging settings**\n"
    "Flag messages at risk ≥ **{threshold}** (newcomers in their first {newcomer_days} days: ≥ "
    "**{newcomer_threshold}**)\n"
    "Scan moderators' messages: **{scan_moderators}**\n"
    "Nudge authors privately: **{nudge_authors}** (risk ≥ {nudge_min_risk}, at most one per {nudge_cooldown_minutes} "
    "minutes)\n"
    "Automatic hold of phone numbers, e-mails and ID numbers: **{auto_hold}**\n"
    "Remove messages forwarded out of monitored channels: **{remove_forwards}**\n"
    "Original text of decided flags kept for **{flag_text_days}** days"
)

# --- flagging: /flags automod (the pre-send layer) ------------------------------------------------------------------
AUTOMOD_RULE_NAME = "Confidant: phone numbers and e-mail addresses"  # shown in Server Settings → AutoMod
# Shown by Discord to a member whose message was blocked (at most 150 characters).
AUTOMOD_BLOCK_MESSAGE = (
    "This group keeps phone numbers and e-mail addresses out of chat. Your message wasn't posted; "
    "I've sent you its text."
)
AUTOMOD_ON = (
    "AutoMod is on: Discord now stops messages with a phone number or an e-mail address before they're posted"
    "{exempt}. The author gets their text back privately, and each one shows up in the flag queue."
)
AUTOMOD_ON_EXEMPT = " (the {role} role is exempt)"
AUTOMOD_ALREADY_ON = "AutoMod is already on here: Confidant's rule is installed, nothing changed."
AUTOMOD_OFF = "AutoMod is off: Confidant's rule is removed. Messages are still scanned after they're posted."
AUTOMOD_ALREADY_OFF = "AutoMod is already off here: Confidant has no rule installed."
AUTOMOD_NO_PERMISSION = (
    "I need the **Manage Server** permission to install or remove AutoMod rules. Give my role Manage Server "
    "(Server Settings → Roles), then try again."
)
AUTOMOD_FAILED = "Discord refused the AutoMod change (HTTP {status}: {reason}). Nothing changed on my side."
AUTOMOD_BLOCKED_TITLE = "Your message in #{channel} wasn't posted"
AUTOMOD_BLOCKED = (
    "Hi {name} — AutoMod in **{guild}** stopped your message because it seemed to include {kinds}, which this "
    "group keeps out of chat. Here it is, so nothing is lost: you can post it again without that detail. "
    "The moderators were told, without the detail shown."
)

# --- consequences: the strike ladder ------------------------------------------------------------------------------
BREACH_SOURCES = {
    "flag": "a message a moderator removed for identifying details",
    "case": "a breach report the moderators looked into",
    "command": "a breach a moderator recorded",
}
STRIKE_THREAD_NAME = "A note for {name}"
STRIKE_WARNING = (
    "Hi {name} — the moderators of **{guild}** confirmed a breach of the group's confidentiality agreement ({why}). "
    "This is a warning: strike {strike} of the group's ladder. Please re-read the agreement with `/agreement show`; "
    "what people share in the group stays in the group."
)
STRIKE_TIMEOUT = (
    "Hi {name} — the moderators of **{guild}** confirmed another breach of the group's confidentiality agreement "
    "({why}). This is strike {strike}, so you're in a timeout for {duration}: you can read but not post. What "
    "people share in the group stays in the group."
)
STRIKE_REMOVED = (
    "Hi {name} — after repeated breaches of the confidentiality agreement of **{guild}**, the moderators have "
    "removed you from the server. What you heard there stays confidential, even now."
)
STRIKE_PROPOSAL = (
    "**Removal proposed** — {member} has {strike} confirmed breaches of the confidentiality agreement that still "
    "count (the latest: {why}). The ladder's next step is removal. A moderator decides:"
)
STRIKE_CONFIRM_BUTTON = "Remove from the server"
STRIKE_KEEP_BUTTON = "Don't remove"
STRIKE_CONFIRMED = "Removed {member} from the server (they were {told})."
STRIKE_TOLD = {True: "told why privately", False: "not reachable privately to be told why"}
STRIKE_KEPT = "{moderator} decided not to remove {member}."
STRIKE_DECIDED = "This proposal was already decided."
STRIKE_MEMBER_GONE = "{member} is no longer in the server."
STRIKE_CANNOT_TIMEOUT = (
    "Strike {strike} for {member} calls for a timeout of {duration}, but I couldn't apply it: I need **Timeout "
    "Members**, and my role must sit above theirs."
)
STRIKE_CANNOT_REMOVE = "I couldn't remove {member}: I need **Kick Members**, and my role must sit above theirs."
STRIKE_ADDED = "Recorded a breach for {member}: strike {strike}, step **{step}**."
STRIKE_STEPS = {"warn": "a private warning", "timeout": "a timeout of {duration}", "remove": "removal proposed"}
STRIKE_REMOVED_OK = "Took back breach #{id} of {member}: it no longer counts."
STRIKE_NONE_TO_REMOVE = "{member} has no breach #{id} that still counts."
STRIKE_LIST_HEADER = "**Confirmed breaches of {member}** ({counting} counting; breaches expire after {days} days):"
STRIKE_LIST_LINE = "#{id} · {when} · {why}{step}{state}"
STRIKE_LIST_NONE = "{member} has no confirmed breaches."
STRIKE_SETTINGS = (
    "**The strike ladder** (`ladder`: `{ladder}`) — what each confirmed breach that still counts leads to; past the "
    "last step, it repeats:\n{steps}\nBreaches stop counting after **{days}** days (`expiry_days`; 0: never)."
)
STRIKE_SETTINGS_INVALID = "I couldn't save that: {problem}. Nothing was changed."
STRIKE_REASON_MAX = "Please keep the reason under {limit} characters."

# --- reports: members -----------------------------------------------------------------------------------------------
DM_MENU = (
    "Hi — I'm Confidant, the confidentiality helper of the groups you share with me. Only you can see this "
    "conversation. What would you like to do?"
)
DM_MENU_REPORT = "Report a breach"
DM_MENU_ASK = "Ask the moderators"
DM_MENU_DATA = "My data"
DM_MENU_PROTECT = "Protect my identity"
NO_SHARED_GROUP = (
    "I can't find a group that uses me and that you're a member of, so there's nowhere to send this. If you think "
    "that's wrong, please contact one of the group's moderators directly."
)
PICK_GROUP = "Which group is this about?"
PICK_GROUP_PLACEHOLDER = "Choose the group"
REPORT_MODAL_TITLE = "Report a confidentiality breach"
REPORT_CATEGORY_LABEL = "What happened?"
REPORT_CATEGORY_PLACEHOLDER = "Choose what kind of breach it was"
REPORT_CATEGORIES = {
    "shared_outside": "Something was shared outside the group",
    "recording": "A screenshot or recording was taken",
    "outed": "Someone outed or identified me",
    "contacted": "Someone contacted me off-platform",
    "other": "Something else",
}
REPORT_DETAILS_LABEL = "Tell us what happened"
REPORT_DETAILS_PLACEHOLDER = "Who, where and when, as far as you know. Only the group's moderators will read it."
REPORT_LINKS_LABEL = "Message links (optional, up to {limit})"
REPORT_LINKS_PLACEHOLDER = "Right-click a message → Copy Message Link, and paste it here. One per line."
REPORT_SHARE_LABEL = "May the moderators see your name?"
REPORT_SHARE_DESCRIPTION = "By default they see you as an anonymous reporter, like “Reporter A-7”."
REPORT_SHARE_NO = "No — keep me anonymous"
REPORT_SHARE_YES = "Yes — they may see my name"
REPORT_RECEIVED = (
    "Thank you — your report was received as **case #{number}** in **{guild}**. Only the group's moderators can "
    "see it, and {anonymity}. I'll tell you here when they look into it, and they may ask you something through me."
)
REPORT_ANONYMOUS = "they see you as an anonymous reporter, not by name"
REPORT_NAMED = "you chose to let them see your name"
REPORT_EVIDENCE_NOTE = "\nI kept a copy of {count} linked message(s) with your report, so deleting them won't lose it."
REPORT_UNREADABLE_NOTE = (
    "\n{count} link(s) I couldn't open (another server, a channel you or I can't read, or not a message link) are "
    "kept with the report as links."
)
REPORT_EMPTY = "Your report was empty. Please describe what happened, in a few words at least."
REPORT_TOO_LONG = (
    "Your description is {length} characters long, and the form takes up to {limit}. Please shorten it by "
    "{excess} characters and send it again. Here is what you wrote, so nothing is lost:"
)
REPORT_TOO_MANY_LINKS = (
    "You gave {count} links; the form takes up to {limit}. Please keep the {limit} that matter most and send it "
    "again. Here is what you wrote, so nothing is lost:"
)
REPORT_TRY_AGAIN = "Open the form again"
REPORT_RATE_LIMITED = (
    "You've sent {limit} reports to **{guild}** in the last day, which is as many as I can take from one person in "
    "a day. Your earlier reports are all with the moderators. If something urgent has happened, please contact a "
    "moderator directly — or send this report tomorrow."
)
REPORT_BLOCKED = "Sorry — your report cannot be taken here. Please contact a moderator of **{guild}** directly."
REPORT_WAITING_NOTICE = "**Update on your report (case #{number}, {guild})** — I couldn't send it by DM:\n{text}"
REPORT_WAITING_QUESTION = (
    "The moderators of **{guild}** have a question about your report (case #{number}) that I couldn't send you by "
    "DM:\n> {question}"
)
REPORT_LEFT_GROUP = "It looks like you're no longer a member of **{guild}**, so I can't take a report for it."
REPORT_FORM_EXPIRED = "That form has expired. Please start again with `/report`."
REPLY_RELAYED = "Thank you — I passed your answer to the moderators of **{guild}** (case #{number}), without your name."
REPLY_RELAYED_NAMED = "Thank you — I passed your answer to the moderators of **{guild}** (case #{number})."
REPLY_KEPT = (
    "Thank you — I've kept your answer with case #{number} in **{guild}**. The moderators will see it as soon as "
    "I can reach their channel; there's no need to send it again."
)
REPLY_NO_TEXT = "I can only pass on written answers. Please type your answer to the moderators' question as a message."
REPLY_WHICH_CASE = "The moderators are waiting for your answer on more than one report. Which one is this message for?"
REPLY_WHICH_PLACEHOLDER = "Choose the report"
REPLY_CASE_OPTION = "Case #{number} in {guild}"
REPLY_CASE_GONE = "That report isn't waiting for an answer any more, so I didn't pass this message on."
REPLY_MESSAGE_GONE = "I can't find the message you meant any more. Please send your answer again."
MY_DATA_TITLE = "What Confidant keeps about you"
MY_DATA = (
    "• **Agreement answers**: {consents} (which version you accepted or declined, and when)\n"
    "• **Questions you asked the moderators**: {questions}\n"
    "• **Reports you filed**: {reports} (the group keeps them as its record)\n"
    "• **Flags on your own messages**: {flags}\n"
    "• **Protected terms**: {terms} (only a scrambled fingerprint, never the words)\n\n"
    "Report texts, evidence and flagged text are stored encrypted. Flagged text and report evidence are deleted "
    "after a set time."
)
PROTECT_EXPLAINED = (
    "**Protect my identity** — tell me privately the words that would out you (your real name, employer, home "
    "town, another handle). When anyone else writes one in a group that uses me, the moderators see it flagged, "
    "without your name and without the words. I keep only a scrambled fingerprint of each, never the words.\n\n"
    "Here in our DMs:\n"
    "• `/protect add` — add one (a form asks for the words, so they never show in the command)\n"
    "• `/protect list` — see what you've protected\n"
    "• `/protect remove` — stop protecting one"
)

# --- cases: moderators ----------------------------------------------------------------------------------------------
CASE_KIND_NAMES = {"report": "report", "question": "question", "flag": "flag"}
CASE_CATEGORY_NAMES = {
    "shared_outside": "shared outside the group",
    "recording": "a screenshot or recording",
    "outed": "outed or identified the reporter",
    "contacted": "contacted the reporter off-platform",
    "other": "other",
}
CASE_STATUS_NAMES = {
    "open": "open",
    "answered": "answered",
    "acknowledged": "acknowledged",
    "awaiting": "awaiting the reporter",
    "resolved": "resolved",
    "dismissed": "dismissed",
    "closed": "closed",
}
CASE_ACTION_NAMES = {"none": "no action", "warning": "a warning", "timeout": "a timeout", "removal": "removal"}
CASE_THREAD_NAME = "Case #{number} · {kind}"
CASE_REPORT_HEADING = "**Case #{number} · report** — {category}. Only moderators can see this channel."
CASE_FLAG_HEADING = "**Case #{number} · flag**, opened from a flag by {member}. Only moderators can see this channel."
CASE_FROM_ANONYMOUS = "From: **{alias}** (anonymous: only a lead can unmask them)"
CASE_FROM_NAMED = "From: {member} (they chose to share their name)"
CASE_FROM_PURGED = "From: the reporter (identity purged under retention)"
CASE_STATUS_LINE = "Status: **{status}**"
CASE_UNMASKED_LINE = "Reporter unmasked by a lead {count}× (see the thread)"
CASE_BLOCKED_LINE = "The reporter is blocked from filing reports."
CASE_CLOSED_LINE = "{status} by {moderator}: {action}{subject}."
CASE_CLOSED_SUBJECT = " for {member}"
CASE_OUTCOME = "Outcome (moderators' record)"
CASE_EVIDENCE_TITLE = "Evidence ({count})"
CASE_EVIDENCE_ITEM = "**{index}.** {author} · {when} · [message]({link})\n{content}"
CASE_EVIDENCE_FILES = "Attachments: {names}"
CASE_EVIDENCE_UNREADABLE = "**{index}.** {link} — could not be read (kept as a link only)"
CASE_EVIDENCE_EMPTY = "(no text)"
CASE_EVIDENCE_PURGED = "Evidence purged under retention; the outcome is kept."
CASE_BY_REPORTER = "the reporter"
CASE_BUTTONS = {
    "ack": "Acknowledge",
    "ask": "Ask reporter",
    "note": "Add note",
    "resolve": "Resolve",
    "dismiss": "Dismiss",
    "unmask": "Unmask",
    "block": "Block reporter",
    "unblock": "Unblock reporter",
}
CASE_REPLY_BUTTON = "Reply"
# In the case's thread (moderators only).
CASE_THREAD_ACKNOWLEDGED = "Acknowledged by {moderator}."
CASE_THREAD_ASKED = "**{moderator} asked the reporter** (relayed by the bot, without either name):\n>>> {question}"
CASE_THREAD_ASK_FAILED = (
    "{moderator} tried to ask the reporter, but I couldn't reach them (DMs closed and no gate channel)."
)
CASE_THREAD_REPLY = "**{who}:**\n>>> {text}"
CASE_THREAD_NOTE = "**Note** by {moderator} (internal; the reporter never sees it):\n>>> {text}"
CASE_THREAD_RESOLVED = "**Resolved** by {moderator}: {action}{subject}.\n**Outcome:** {outcome}"
CASE_THREAD_DISMISSED = "**Dismissed** by {moderator}.\n**Why:** {outcome}"
CASE_THREAD_UNMASKED = "Reporter unmasked by {lead}. (Only they saw who it is; this is recorded.)"
CASE_THREAD_BLOCKED = "{moderator} blocked the reporter from filing reports. Their identity stays hidden."
CASE_THREAD_UNBLOCKED = "{moderator} let the reporter file reports again."
CASE_THREAD_REPORTER_TOLD = "The reporter was told."
CASE_THREAD_REPORTER_NOT_TOLD = (
    "I couldn't reach the reporter privately; an anonymous reporter will see it the next time they use `/report`."
)
CASE_THREAD_SUPPORT_SENT = "{moderator} sent support resources to {member}."
# Answers to the moderator who pressed a button (ephemeral).
CASE_ACKNOWLEDGED = "Case #{number} is acknowledged."
CASE_ASK_SENT = "Your question was sent to the reporter of case #{number}; their answer will appear in the thread."
CASE_ASK_WAITING = (
    "The reporter of case #{number} can't get DMs. To keep them anonymous I won't open a thread for them (anyone "
    "who can see threads would learn who they are): they'll see your question the next time they use `/report`."
)
CASE_THREAD_ASK_WAITING = (
    "The reporter can't get DMs, so the question waits for them: they'll see it the next time they use `/report`."
)
CASE_ASK_NOT_SENT = (
    "I couldn't reach the reporter of case #{number}: their DMs are closed and there is no gate channel. "
    "Nothing changed."
)
CASE_NOTE_ADDED = "Your note was added to case #{number}."
CASE_RESOLVED = "Case #{number} is resolved."
CASE_DISMISSED = "Case #{number} is dismissed."
CASE_BREACH_RECORDED = " A confirmed breach by {member} was recorded ({action}); apply it with the strike ladder."
CASE_NEEDS_MEMBER = "Please choose the member in breach when the action is {action} (or choose no action)."
CASE_WRONG_STATUS = "Case #{number} is {status}, so that can't be done now."
CASE_UNMASK_LEAD_ONLY = "Only members with the lead role can unmask a reporter."
CASE_UNMASK_NONE = "Case #{number} has no reporter to unmask."
CASE_UNMASKED = "The reporter of case #{number} is {member} (`{user_id}`). This was recorded, and shown in the case."
CASE_UNMASK_PURGED = "The reporter's identity on case #{number} was purged under retention."
CASE_BLOCKED = "The reporter of case #{number} can no longer file reports here. Press the button again to undo."
CASE_UNBLOCKED = "The reporter of case #{number} can file reports again."
CASE_REPORTER_TOLD = " The reporter was told privately."
CASE_REPORTER_NOT_TOLD = (
    " I couldn't reach the reporter privately; an anonymous reporter will see it the next time they use `/report`."
)
CASE_REPORTER_SEND_SUPPORT = " Support resources were sent to them."
# Forms.
CASE_ASK_TITLE = "Ask the reporter of case #{number}"
CASE_ASK_LABEL = "Your question (relayed without your name)"
CASE_NOTE_TITLE = "Note on case #{number}"
CASE_NOTE_LABEL = "Internal note (moderators only)"
CASE_RESOLVE_TITLE = "Resolve case #{number}"
CASE_RESOLVE_ACTION = "Action taken"
CASE_RESOLVE_MEMBER = "Member in breach (needed unless no action)"
CASE_RESOLVE_OUTCOME = "Outcome (the moderators' record)"
CASE_RESOLVE_NOTE = "Note to the reporter (optional)"
CASE_RESOLVE_SUPPORT = "Send the reporter support resources"
CASE_DISMISS_TITLE = "Dismiss case #{number}"
CASE_DISMISS_REASON = "Why (the moderators' record)"
CASE_DISMISS_NOTE = "Note to the reporter (optional)"
CASE_REPLY_TITLE = "Reply to the moderators (case #{number})"
CASE_REPLY_LABEL = "Your answer"
# To the reporter (privately, never naming a moderator).
CASE_PRIVATE_THREAD_NAME = "A message from the moderators"
REPORTER_ACKNOWLEDGED = (
    "The moderators of **{guild}** have seen your report (case #{number}) and are looking into it. "
    "I'll let you know here when anything changes."
)
REPORTER_ASKED = (
    "The moderators of **{guild}** have a question about your report (case #{number}):\n>>> {question}\n\n"
    "Press **Reply** to answer. I pass your answer on without showing them anything else."
)
REPORTER_RESOLVED = "Your report (case #{number}) to **{guild}** has been resolved.\n**From the moderators:** {note}"
REPORTER_RESOLVED_DEFAULT = "Thank you for telling us. We've dealt with it."
REPORTER_DISMISSED = (
    "Your report (case #{number}) to **{guild}** was closed without action.\n**From the moderators:** {note}"
)
REPORTER_DISMISSED_DEFAULT = "Thank you for telling us. We looked into it and decided no action was needed."
REPORTER_SUPPORT = "**If this has been hard, support is available:**\n{resources}"
SUPPORT_DEFAULT = (
    "You don't have to deal with this alone. Talk to someone you trust, or to your group's facilitator. If you're "
    "in crisis, contact your local emergency number or a crisis line in your country (findahelpline.com lists "
    "free, confidential helplines)."
)
SUPPORT_TO_MEMBER = "A message from the moderators of **{guild}**, sent privately to you:\n\n{resources}"
REPLY_NOT_YOURS = "This button is for the member the moderators asked."
REPLY_CASE_CLOSED = "Case #{number} is closed, so there's nothing to answer any more. Thank you."
REPLY_SENT = "Thank you — your answer was passed to the moderators."
REPLY_SAVED = "Thank you — your answer was saved, and the moderators will see it."
# /case
CASE_LIST_LINE = "**#{number}** · {kind} · {status} · opened {when}{pending}"
CASE_LIST_PENDING = " · *not delivered yet*"
CASE_LIST_NONE = "No cases here."
CASE_PENDING_LINE = "**#{number}** · {kind} · waiting since {since} · {attempts} failed tries · next try {next}"
CASE_PENDING_NONE = "No cases are waiting: everything reached the cases channel."
CASE_VIEW_WHERE = "Thread: {link}"
CASE_VIEW_UNDELIVERED = "Not delivered to the cases channel yet ({attempts} failed tries); see /case pending."
CASE_TIMELINE = "Timeline"
CASE_TIMELINE_LINE = "{when} · {kind} · {actor}{text}"
CASE_TIMELINE_EMPTY = "(nothing yet)"
CASE_SUPPORT_SENT = "Support resources were sent privately to {member}."
CASE_SUPPORT_NOT_SENT = "I couldn't reach {member} (DMs closed and no gate channel)."
CASE_SETTINGS = (
    "**Report settings**\nEvidence and the reporter's identity are purged **{retention_days} days** after a case "
    "closes (the outcome stays).\nEach member may file **{reports_per_day}** reports a day (0: no limit).\n"
    "Support resources ({which}):\n>>> {support}"
)
CASE_SETTINGS_SAVED = "Saved."
# The log channel, when cases can't reach the cases channel.
CASES_LATE_NO_CHANNEL = (
    "A case is waiting to reach the moderators: no cases channel is set up (or it was deleted). It is kept safe and "
    "will be delivered automatically. Fix: set `cases_channel` in the guild's entry of config.toml (or with "
    "/setup). `/case pending` lists waiting cases."
)
CASES_LATE_CANNOT_POST = (
    "A case is waiting to reach the moderators: I can't post in {channel} (HTTP {status}). It is kept safe and "
    "will be delivered automatically. Fix: give me View Channel, Send Messages, Create Public Threads and Send "
    "Messages in Threads there. `/case pending` lists waiting cases."
)

# --- the moderation log and /history -------------------------------------------------------------------------------
AUDIT_ACTIONS = {
    "consent": "Agreement answer",
    "flag_decision": "Flag decision",
    "reveal": "Flag text revealed",
    "case_status": "Case status",
    "strike": "Strike",
    "setting_changed": "Settings changed",
    "agreement_published": "Agreement published",
    "role_withheld": "Member role withheld",
    "member_removed": "Removal",
    "unmask": "Reporter unmasked",
    "reporter_blocked": "Reporter blocked",
}
AUDIT_LINE = "**{action}** · by {actor}{subject}{reason}"
AUDIT_SUBJECT = " · about {subject}"
HISTORY_TITLE = "History of {member}"
HISTORY_CONSENTS = "Agreement"
HISTORY_CONSENT_LINE = "v{version}: {decision} {when} ({via})"
HISTORY_FLAGS = "Flags on their messages"
HISTORY_FLAG_LINE = "#{id} {when}: {labels} — {status}"
HISTORY_BREACHES = "Confirmed breaches"
HISTORY_BREACH_LINE = "#{id} {when}: {why}{step}{state}"
HISTORY_NONE = "none"
HISTORY_MORE = "…and {count} more"

# --- /mydata ---------------------------------------------------------------------------------------------------------
MYDATA_EXPORTED = (
    "Here is everything Confidant keeps that is yours: your agreement answers, the reports and questions you filed "
    "(with what you were told), flags on your own messages with their text, confirmed breaches recorded against "
    "you, and the kinds of what you protected. It never includes reports about you or other people's messages."
)
MYDATA_DELETE_BUTTON = "Delete my data"
MYDATA_DELETE_CONFIRM = (
    "This deletes what Confidant keeps about you, in every group: flags on your messages and their text, your "
    "questions, your protected terms, your onboarding progress. Reports you filed stay with the moderators (they "
    "may be about someone else's breach) but your name is erased from them, as it is from the moderation log and "
    "breach records. A group may keep your agreement answers as its record of who agreed. This can't be undone. "
    "Press the button within five minutes to go ahead."
)
MYDATA_DELETED = "Done: your data is deleted."
MYDATA_CONSENTS_KEPT = " Your agreement answers stay on record in: {groups} (those groups keep them)."

# --- /setup ---------------------------------------------------------------------------------------------------------
# What each slot is called, and what goes wrong without it.
SETUP_SLOT_NAMES = {
    "member_role": "member role",
    "moderator_role": "moderator role",
    "lead_role": "lead role",
    "gate_channel": "gate channel",
    "mod_queue_channel": "moderation queue",
    "cases_channel": "cases channel",
    "log_channel": "moderation log channel",
    "monitored_channels": "monitored channels",
}
SETUP_SLOT_WHY = {
    "member_role": "members who accept the agreement get no role, so the agreement opens no doors",
    "moderator_role": "only people with Manage Server can moderate",
    "lead_role": "nobody can unmask an anonymous reporter, even when the group's rules call for it",
    "gate_channel": "members whose DMs are closed can't be greeted or warned privately",
    "mod_queue_channel": "flagged messages have nowhere to go",
    "cases_channel": "reports and questions can't reach the moderators",
    "log_channel": "moderators' actions aren't logged in Discord",
    "monitored_channels": "no channel is checked for identifying details",
}
# Discord's own names for permissions, as its settings screens show them.
PERMISSION_NAMES = {
    "view_channel": "View Channels",
    "send_messages": "Send Messages",
    "send_messages_in_threads": "Send Messages in Threads",
    "create_public_threads": "Create Public Threads",
    "create_private_threads": "Create Private Threads",
    "manage_threads": "Manage Threads",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
    "read_message_history": "Read Message History",
    "manage_messages": "Manage Messages",
    "manage_roles": "Manage Roles",
    "moderate_members": "Timeout Members",
    "kick_members": "Kick Members",
    "manage_channels": "Manage Channels",
    "manage_webhooks": "Manage Webhooks",
    "manage_guild": "Manage Server",
}
# Why a channel needs a permission that bot/permissions.py's NEEDS doesn't list.
SETUP_EXTRA_WHY = {"create_public_threads": "open a thread under each case for the moderators' notes"}
SETUP_FIX_PREFIX = "Fix:"
SETUP_MISSING_SLOT = "The {slot} is not set up: {why}."
SETUP_MISSING_SLOT_FIX = "run `/setup start` and pick the {slot} (or name it in config.toml's [[guild]] entry)."
SETUP_MISSING_MONITORED = "No monitored channels are set up: {why}."
SETUP_MISSING_MONITORED_FIX = (
    "run `/setup start` and pick the channels or categories to check (or list them in config.toml's [[guild]] entry)."
)
SETUP_ROLE_ORDER = (
    "My role ({bot_role}) is not above the member role ({member_role}), so I can't give it to members who accept "
    "the agreement."
)
SETUP_ROLE_ORDER_FIX = "Server Settings → Roles: drag {bot_role} above {member_role}."
SETUP_MISSING_PERMISSION = "I don't have {permission} in this server; I need it to {why}."
SETUP_OPTIONAL_PERMISSION = "Optional: without {permission} I can't {why}."
SETUP_MISSING_PERMISSION_FIX = "Server Settings → Roles → {bot_role} → enable {permission}."
SETUP_CHANNEL_PERMISSION = "I don't have {permission} in {channel} (the {slot}); I need it to {why}."
SETUP_CHANNEL_PERMISSION_FIX = "{channel} → Edit Channel → Permissions → {bot_role} → allow {permission}."
# The guided setup, one ephemeral message in three steps.
SETUP_TITLE = "**Set up Confidant in {guild}** — step {step} of 3: {page}"
SETUP_PAGES = {1: "roles", 2: "channels", 3: "monitored channels"}
SETUP_PAGE_HELP = {
    1: "Pick the role members get when they accept the agreement, your moderators' role, and (optionally) the "
    "leads who may unmask an anonymous reporter. My own role must sit above the member role.",
    2: "Pick the gate (everyone sees it; members whose DMs are closed get a private thread there), the moderation "
    "queue, the cases channel and the moderation log. The last three should be private to moderators.",
    3: "Pick the channels or categories whose messages I check for identifying details (a category covers the "
    "channels in it).",
}
SETUP_SLOT_LINE = "**{slot}:** {value}{source}"
SETUP_NOT_SET = "not set"
SETUP_NONE_PICKED = "none"
SETUP_SOURCE_DATABASE = " (saved)"
SETUP_SOURCE_CONFIG = " (from config.toml)"
SETUP_SOURCE_DRAFT = " (picked, not saved yet)"
SETUP_FOOTER = (
    "Nothing is stored until you press **Save**. This menu stops working after 15 minutes; run `/setup start` "
    "again if it does (what you saved stays)."
)
SETUP_EXPIRED = "This setup menu has expired. Run `/setup start` again; what you saved stays."
SETUP_PLACEHOLDERS = {
    "member_role": "Member role (given on accepting the agreement)",
    "moderator_role": "Moderator role",
    "lead_role": "Lead role (may unmask reporters; optional)",
    "gate_channel": "Gate channel (visible to everyone)",
    "mod_queue_channel": "Moderation queue (private)",
    "cases_channel": "Cases channel (private)",
    "log_channel": "Moderation log channel (private)",
    "monitored_channels": "Channels or categories to check",
}
SETUP_BUTTON_PREVIOUS = "Back"
SETUP_BUTTON_NEXT = "Next"
SETUP_BUTTON_CREATE = "Create missing"
SETUP_BUTTON_CHECK = "Check"
SETUP_BUTTON_SAVE = "Save"
# Names of what "Create missing" creates.
SETUP_CREATE_NAMES = {
    "member_role": "Member",
    "moderator_role": "Moderators",
    "gate_channel": "welcome",
    "mod_queue_channel": "mod-queue",
    "cases_channel": "cases",
    "log_channel": "mod-log",
}
SETUP_CREATE_REASON = "Confidant /setup: Create missing, pressed by user {user}"
SETUP_CREATED = "Created {items}. Press **Save** to keep them in your setup."
SETUP_CREATED_NOTHING = (
    "Nothing to create: every role and channel is picked. (Monitored channels are yours to choose; the lead role is "
    "optional and never created.)"
)
SETUP_CREATE_FAILED = (
    "I couldn't create {item} (HTTP {status}). Fix: give me {permission}, then press Create missing again."
)
SETUP_SAVED = "Saved: Confidant now uses this setup in {guild}, ahead of config.toml."
SETUP_SAVED_NOTHING = "Nothing was picked, so nothing changed."
SETUP_PROBLEMS_HEADER = "**To fix ({count}):**"
SETUP_NOTES_HEADER = "**Optional:**"
SETUP_NO_PROBLEMS = "Everything checks out: roles, channels, role order and my permissions."
SETUP_PROBLEM_LINE = "• {problem}"
SETUP_MORE_PROBLEMS = "…and {count} more; fix these first and check again."
SETUP_SHOW_TITLE = "**Confidant's setup in {guild}**"
SETUP_SHOW_UNRESOLVED = " — `{ref}` from {source} isn't in this server"
SETUP_SOURCE_NAMES = {"database": "/setup", "config": "config.toml"}

# --- reminders -------------------------------------------------------------------------------------------------------
REMINDERS_TITLE = "A confidentiality reminder"
REMINDERS_FOOTER = "Report a breach privately: send me a direct message, or use /report."
REMINDERS_EVERY = {
    "hours": ("every hour", "every {every} hours"),
    "days": ("every day at {at}", "every {every} days at {at}"),
}
REMINDERS_OWN_TEXT = "your text"
REMINDERS_DEFAULT_TEXT = "the default reminders in turn"
REMINDERS_ADDED = (
    "Reminder #{id} added: {schedule} ({zone} time) in {channel}, with {text}. The first one is posted {first}."
)
REMINDERS_LIST_HEADER = "**Reminders in this server** (times of day are {zone} time):"
REMINDERS_LIST_LINE = "**#{id}** {channel} · {schedule} · {text} · next {next}{last}"
REMINDERS_LIST_LAST = " · last posted {when}"
REMINDERS_LIST_NONE = "There are no scheduled reminders in this server. Add one with `/reminders add`."
REMINDERS_REMOVED = "Reminder #{id} in {channel} removed."
REMINDERS_NOT_FOUND = "There is no reminder #{id} in this server. `/reminders list` shows their numbers."
REMINDERS_BAD_EVERY = "For a schedule in {unit}, every must be a whole number from 1 to {high}."
REMINDERS_BAD_AT = "Give the time of day as 24-hour HH:MM, like 09:30 or 18:00."
REMINDERS_AT_WITH_HOURS = "A time of day only goes with a schedule in days: leave at out, or choose days."
REMINDERS_TEXT_MAX = "A reminder's text can be at most {limit} characters; yours has {length}. Please shorten it."
REMINDERS_TEXT_EMPTY = "The reminder's text is empty. Leave text out to use the default reminders."
REMINDERS_FULL = "This server already has {limit} reminders. Remove one with `/reminders remove` first."
REMINDERS_CANNOT_POST_HERE = (
    "I can't post in {channel}. Fix: give me View Channel, Send Messages and Embed Links there, then add the "
    "reminder again."
)
REMINDERS_CANNOT_POST = (
    "Scheduled reminder #{id} couldn't be posted in {channel} (HTTP {status}). Fix: give me View Channel, Send "
    "Messages and Embed Links there. It will be tried again at its next time."
)
REMINDERS_CHANNEL_GONE = (
    "Scheduled reminder #{id} has no channel to post in any more. Remove it with `/reminders remove number:{id}`, "
    "then add it again in another channel."
)
REMINDERS_TIMEZONE_SET = (
    "Time zone set to {zone}: it is {local} there now. Day reminders keep {zone} time from now on, changes of "
    "daylight saving time included."
)
REMINDERS_TIMEZONE_BAD = (
    "I don't know the time zone {zone}. Use a name from the IANA time zone database, like Europe/London, "
    "America/New_York or Asia/Kolkata (start typing and pick one from the list)."
)
LEAVE_DM = (
    "You're no longer a member of **{guild}**.\n\n"
    "What members shared there stays confidential after leaving: please keep their names, stories and "
    "screenshots to yourself, as you agreed.\n\n"
    "If you ever see something from the group shared where it shouldn't be, you can still report it privately: "
    "send me a direct message (or use /report here), or tell one of {guild}'s moderators."
)

# --- errors -------------------------------------------------------------------------------------------------------
ERROR_APOLOGY = (
    "Sorry — something went wrong on our side and that didn't work. Nothing you wrote was shared. "
    "If it keeps happening, tell a moderator the error id `{error_id}`."
)
ERROR_NOT_ALLOWED = "Sorry, you don't have permission to do that."
ERROR_GUILD_ONLY = "That only works inside the group's server, not in direct messages."
ERROR_COOLDOWN = "Please wait {seconds:.0f} seconds and try again."

# --- command descriptions (shown in Discord's command picker) --------------------------------------------------------
CMD_CASE = "Moderators: cases (reports, questions and flags opened as cases)."
CMD_CASE_VIEW = "Moderators: one case, its evidence and its timeline (only you see it)."
CMD_CASE_NUMBER = "The case number."
CMD_CASE_LIST = "Moderators: the latest cases, optionally only those with one status."
CMD_CASE_LIST_STATUS = "Only cases with this status."
CMD_CASE_PENDING = "Moderators: cases that haven't reached the cases channel yet."
CMD_CASE_SUPPORT = "Moderators: send the support resources privately to a member affected by a case."
CMD_CASE_SUPPORT_MEMBER = "The member to send them to."
CMD_CASE_SETTINGS = "Admins: see the report settings, or change the ones you give."
CMD_CASE_SETTINGS_RETENTION = "Days after a case closes until its evidence and reporter are purged (0 to 3650)."
CMD_CASE_SETTINGS_LIMIT = "Most reports one member may file in a day (0: no limit; up to 100)."
CMD_CASE_SETTINGS_SUPPORT = "The support resources text moderators can send (write default for the built-in text)."
CMD_FLAGS = "Moderators: what gets flagged in this server."
CMD_FLAGS_ALLOW = "Moderators: a term that is fine here and never flagged (the group's name, say)."
CMD_FLAGS_DENY = "Moderators: a term that is always flagged (the meeting venue, say)."
CMD_FLAGS_TERM = "The word or words (up to 4 words)."
CMD_FLAGS_DENY_KIND = "What kind of detail it is."
CMD_FLAGS_TERMS = "Moderators: see the allowlist and denylist (only you see them)."
CMD_FLAGS_UNLIST = "Moderators: take a term off the allowlist or denylist."
CMD_FLAGS_UNLIST_NUMBER = "The term's number, shown by /flags terms."
CMD_FLAGS_STATS = "Moderators: flags per kind of detail, your decisions, and how often flags were right."
CMD_FLAGS_SETTINGS = "Admins: see the flagging settings, or change the ones you give."
CMD_FLAGS_SETTING_OPTIONS = {
    "threshold": "Risk from 0 to 1 above which a message is flagged.",
    "newcomer_threshold": "A stricter risk threshold for members in their first days.",
    "newcomer_days": "How many days a member counts as a newcomer (0: no newcomer mode).",
    "scan_moderators": "Scan moderators' messages too.",
    "nudge_authors": "Send authors of flagged messages a private, kind note.",
    "nudge_min_risk": "Nudge only at or above this risk (0 to 1).",
    "nudge_cooldown_minutes": "At most one nudge per member in this many minutes.",
    "auto_hold": "Remove phone numbers, e-mails and ID numbers at once (moderators can restore).",
    "remove_forwards": "Remove messages forwarded out of monitored channels.",
    "flag_text_days": "Days a decided flag keeps the original text (for Reveal).",
}
CMD_FLAGS_AUTOMOD = "Admins: have Discord block phone numbers and e-mails before they're posted."
CMD_FLAGS_AUTOMOD_STATE = "on installs Confidant's AutoMod rule; off removes it."
CMD_STRIKE = "Moderators: confirmed breaches of the confidentiality agreement."
CMD_STRIKE_ADD = "Moderators: record a confirmed breach; the member gets the ladder's next step."
CMD_STRIKE_REMOVE = "Moderators: take back a confirmed breach (it stops counting)."
CMD_STRIKE_LIST = "Moderators: a member's confirmed breaches."
CMD_STRIKE_SETTINGS = "Admins: see the strike ladder and when breaches expire, or change them."
CMD_STRIKE_LADDER = 'Steps, comma-separated: warn, timeout:<minutes>, remove (e.g. "warn, timeout:60, remove").'
CMD_STRIKE_EXPIRY = "Days after which a breach stops counting (0: never)."
CMD_STRIKE_MEMBER = "The member."
CMD_STRIKE_REASON = "Why: what happened (kept encrypted; the member is told the kind, not this text)."
CMD_STRIKE_NUMBER = "The breach's number from /strike list (default: the latest that counts)."
CMD_REMINDERS = "Moderators: scheduled confidentiality reminders in the group's channels."
CMD_REMINDERS_ADD = "Moderators: post a confidentiality reminder in a channel on a schedule."
CMD_REMINDERS_CHANNEL = "The channel to post in."
CMD_REMINDERS_EVERY = "How often: every this many hours or days (1 to 8760 hours, or 1 to 365 days)."
CMD_REMINDERS_UNIT = "Hours or days."
CMD_REMINDERS_AT = "For days: the time of day, 24-hour HH:MM in the server's time zone (default: now)."
CMD_REMINDERS_TEXT = "Your own reminder text (default: a few kind reminders, in turn)."
CMD_REMINDERS_LIST = "Moderators: the scheduled reminders and when each is posted next."
CMD_REMINDERS_REMOVE = "Moderators: stop a scheduled reminder."
CMD_REMINDERS_NUMBER = "The reminder's number, shown by /reminders list."
CMD_REMINDERS_TIMEZONE = "Admins: the time zone whose clock day reminders keep."
CMD_REMINDERS_TIMEZONE_NAME = "An IANA time zone name, like Europe/London or America/New_York."
CMD_HISTORY = "Moderators: a member's agreement answers, flags on their messages and confirmed breaches."
CMD_HISTORY_MEMBER = "The member."
CMD_SETUP = "Admins: Confidant's roles and channels in this server."
CMD_SETUP_START = "Admins: pick roles and channels, create what's missing, and check my permissions."
CMD_SETUP_SHOW = "Admins: the current setup, where each part comes from, and what needs fixing."
CMD_MYDATA = "Your own data: export it or delete it (in a DM with me)."
CMD_MYDATA_EXPORT = "Get a file with everything Confidant keeps that is yours."
CMD_MYDATA_DELETE = "Delete what Confidant keeps about you."
CMD_CONFIDENTIALITY = "Show the group's key confidentiality rules (only you see the answer)."
CMD_REPORT = "Report a breach of the group's confidentiality privately (anonymous unless you choose)."
CMD_REPORT_MESSAGE = "Report confidentiality breach"  # the message context-menu command's name (Apps → …)
CMD_AGREEMENT = "The group's confidentiality agreement."
CMD_AGREEMENT_SHOW = "Read the group's whole confidentiality agreement (only you see it)."
CMD_AGREEMENT_ACCEPT = "Get the agreement again privately, with the buttons to accept it."
CMD_AGREEMENT_STATUS = "Moderators: who accepted which version of the agreement, and who is waiting."
CMD_AGREEMENT_STATUS_MEMBER = "Show one member's answers instead of the whole group."
CMD_AGREEMENT_EDIT = "Admins: write a new agreement as a draft (type it, or attach a .md file)."
CMD_AGREEMENT_EDIT_FILE = "A Markdown (.md) file with the whole agreement; leave empty to type it instead."
CMD_AGREEMENT_PUBLISH = "Admins: put the draft in force as a new version and ask members to accept it."
CMD_AGREEMENT_RESEND = "Moderators: send the current agreement to a member again."
CMD_AGREEMENT_RESEND_MEMBER = "The member to send it to."
CMD_AGREEMENT_SETTINGS = "Admins: see the onboarding settings, or change the ones you give."
CMD_SETTINGS_KEEP_CONSENTS = "Keep members' agreement answers on record when they delete their data."
CMD_SETTINGS_QUIZ = "Ask a few questions about the default agreement before I agree lets someone in."
CMD_SETTINGS_GRACE_DAYS = "Days members keep access to read a newly published version (0 to 365)."
CMD_SETTINGS_REMINDER_HOURS = "Hours after the offer until one reminder (0: none; up to 8760)."
CMD_SETTINGS_REMOVAL_HOURS = "Hours after the offer until a newcomer who hasn't accepted is removed (0: never)."
CMD_SETTINGS_DECLINE_REMOVAL_HOURS = "Hours after declining until the member is removed (0: never; up to 8760)."

# --- /protect: protect my identity ----------------------------------------------------------------------------------
CMD_PROTECT = "Protect your identity: words that would identify you get flagged when someone else writes them."
CMD_PROTECT_ADD = "Add something that would identify you (your name, workplace, town, another handle)."
CMD_PROTECT_ADD_KIND = "What kind of thing it is."
CMD_PROTECT_LIST = "See what you've protected (only you see it)."
CMD_PROTECT_REMOVE = "Stop protecting one of your terms."
CMD_PROTECT_REMOVE_ID = "The number shown by /protect list."
# The kinds a member picks from; the keys are the option's values, see bot/cogs/protect.py.
PROTECT_KIND_CHOICES = {
    "name": "my name",
    "org": "my employer or school",
    "town": "my town",
    "handle": "another handle of mine",
    "other": "something else",
}
# How a protected term's stored label reads back in /protect list.
PROTECT_LABEL_NAMES = {
    "PERSON": "a name (or something else)",
    "ORG": "an employer or school",
    "LOCATION": "a town",
    "HANDLE": "another handle",
}
PROTECT_MODAL_TITLE = "Protect {kind}"
PROTECT_MODAL_LABEL = "Exactly as others might write it (1–4 words)"
PROTECT_MODAL_PLACEHOLDER = "e.g. Jane Doe"
PROTECT_ADDED = (
    "Saved: **{term}** ({kind}) is protected, as number {id}.\n\n"
    "Only a one-way fingerprint of it is kept — not the words themselves, so no one can read it back, not even "
    "the moderators. From now on, when someone else writes it in a group that uses Confidant, the message is "
    "flagged to that group's moderators as high risk. The flag never names you. You'll be told privately when "
    "that happens. Writing it yourself never raises this flag.\n\n"
    "Add other spellings separately (a nickname, with or without a middle name). `/protect list` shows what you've "
    "protected; `/protect remove` stops it."
)
PROTECT_DUPLICATE = "You've already protected that, so nothing changed. `/protect list` shows what you've protected."
PROTECT_LIMIT = "You can protect up to {limit} things. Remove one with `/protect remove` first, then add this one."
PROTECT_EMPTY = "That has no letters or digits in it, so there is nothing to protect. Please try again."
PROTECT_TOO_COMMON = (
    "That's an everyday word, so protecting it on its own would flag ordinary messages all the time. Add the words "
    "around it that make it yours — your full name, say, or the place's full name — and try again."
)
PROTECT_TOO_SHORT = (
    "That's too short to protect: it would match too many everyday messages. Use at least {minimum} letters or "
    "digits — for a short name, add your surname."
)
PROTECT_TOO_MANY_WORDS = (
    "That's more than {limit} words. Protect the shortest form that would identify you (e.g. your first and last "
    "name); add other spellings separately."
)
PROTECT_LIST_TITLE = "What you've protected"
PROTECT_LIST_EMPTY = (
    "You haven't protected anything yet. `/protect add` lets you register your name, employer, town or another "
    "handle, so that messages by others naming it are flagged to the moderators."
)
PROTECT_LIST_LINE = "**{id}** — {kind}, added {added}"
PROTECT_LIST_FOOTER = (
    "Only a one-way fingerprint of each is kept, never the words, so they can't be shown here. "
    "To stop protecting one, use /protect remove with its number."
)
PROTECT_REMOVED = "Done: number {id} is no longer protected."
PROTECT_NOT_YOURS = "You have nothing protected with the number {id}. `/protect list` shows your numbers."
