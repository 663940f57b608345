"""Flagging over the wire: scanning monitored channels, the masked queue, moderators' buttons, author nudges."""

import dataclasses

from bot.config import Config
from bot.fakediscord import FakeDiscord, Guild, User
from models.crypto import FieldCipher
from models.records import AuditAction, BreachSource, CaseKind, FlagStatus, GuildSettings
from models.store import Store
from rules.detection import ProtectedTerms
from tests.conftest import confidant

PHONE_AND_FRIEND = "call me on 07700 900123, my friend Jess Miller works at the Tesco on Kirkstall Road"
EMAIL = "email me at sam.jones@example.com any time"
CLEAN = "feeling a bit better today, thanks everyone"


async def settings(config: Config, key: str, guild: Guild, **values: object) -> None:
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        await store.save_guild_settings(guild.id, GuildSettings(**values))


async def stored(config: Config, key: str, guild: Guild, message_id: int):
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        return await store.flag_for_message(guild.id, message_id)


def button(flag_post, action: str) -> str:
    return next(c for c in flag_post.custom_ids() if c.startswith(f"confidant:flag:{action}:"))


def queue_posts(fake: FakeDiscord, guild: Guild) -> list:
    """The flags posted in the queue (not the ephemeral answers to moderators' presses there)."""
    return [m for m in fake.find_messages(guild.channel("mod-queue")) if not m.ephemeral]


async def flagged(fake: FakeDiscord, guild: Guild, author: User, text: str = PHONE_AND_FRIEND):
    """Post `text` in group-chat and return (message, its flag's post in the queue)."""
    message = await fake.user_message(guild.channel("group-chat"), author, text)
    post = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral, timeout=10)
    return message, post


async def test_a_message_with_details_reaches_the_queue_masked_and_its_author_is_nudged(
    fake, guild, alice, group_config, key
):
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice)
        assert "[PHONE]" in post.text and "[PERSON]" in post.text
        for detail in ("07700", "900123", "Jess", "Miller", "Kirkstall"):
            assert detail not in post.text
        assert "PHONE" in post.text and f"<@{alice.id}>" in post.text and "group-chat" not in post.text
        assert str(message.id) in post.text  # the jump link
        assert [c.split(":")[2] for c in post.custom_ids()] == ["reveal", "dismiss", "remove", "warn", "edit", "case"]
        nudge = await fake.wait_for_message(to=alice)
        assert "a phone number" in nudge.text and "07700" not in nudge.text
        assert [c.split(":")[2] for c in nudge.custom_ids()] == ["howto", "keep", "ask"]
    flag = await stored(group_config, key, guild, message.id)
    assert flag.status is FlagStatus.OPEN and "PHONE" in flag.labels and flag.nudged_at is not None
    raw = b"".join(p.read_bytes() for p in group_config.storage.path.parent.glob("confidant.db*"))
    assert b"900123" not in raw and b"Kirkstall" not in raw


async def test_unmonitored_channels_bots_and_clean_messages_are_not_flagged(fake, guild, alice, group_config, key):
    other_bot = fake.add_user("helper-bot", bot=True)
    fake.add_member(guild, other_bot)
    async with fake.running(confidant(group_config)):
        await fake.user_message(guild.channel("general"), alice, PHONE_AND_FRIEND)
        await fake.user_message(guild.channel("check-ins"), other_bot, PHONE_AND_FRIEND)
        clean = await fake.user_message(guild.channel("check-ins"), alice, CLEAN)
        # A flagged message afterwards proves the earlier ones were processed, not just slow.
        await flagged(fake, guild, alice, EMAIL)
        await fake.wait_for_message(to=alice)
        assert len(queue_posts(fake, guild)) == 1
    assert await stored(group_config, key, guild, clean.id) is None


async def test_reveal_is_for_moderators_only_and_logged(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice)
        refused = await (await fake.click(post, button(post, "reveal"), alice)).wait_message()
        assert refused.ephemeral and "permission" in refused.text and "07700" not in refused.text
        shown = await (await fake.click(post, button(post, "reveal"), mod)).wait_message()
        assert shown.ephemeral and shown.visible_to(mod) and "07700 900123" in shown.text
        await fake.wait_for(lambda: "Revealed 1×" in fake.state.messages[post.id].text)
        await fake.wait_for_message(to=alice)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        entries = await store.audit_entries(guild.id)
        flag = await store.flag_for_message(guild.id, message.id)
        reveals = await store.flag_reveals(flag.id)
    assert [(e.action, e.actor_id, e.subject_id) for e in entries] == [(AuditAction.REVEAL, mod.id, alice.id)]
    assert [who for who, _ in reveals] == [mod.id]


async def test_remove_gives_the_author_their_text_then_deletes_the_message(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice)
        await fake.wait_for_message(to=alice)  # the nudge
        done = await (await fake.click(post, button(post, "remove"), mod)).wait_followup()
        assert "Removed" in done.text
        returned = await fake.wait_for_message(to=alice)
        assert PHONE_AND_FRIEND in returned.text and "removed" in returned.text
        assert fake.state.messages[message.id].deleted
        updated = fake.state.messages[post.id]
        assert "Removed by" in updated.text and f"<@{mod.id}>" in updated.text
        assert [c.split(":")[2] for c in updated.custom_ids()] == ["reveal"]
    flag = await stored(group_config, key, guild, message.id)
    assert flag.status is FlagStatus.REMOVED and flag.decided_by == mod.id


async def test_remove_and_warn_records_a_confirmed_breach(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice)
        await (await fake.click(post, button(post, "warn"), mod)).wait_followup()
        await fake.wait_for(lambda: fake.state.messages[message.id].deleted)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        breaches = await store.breaches(guild.id, alice.id)
        flag = await store.flag_for_message(guild.id, message.id)
    assert [(b.source, b.ref, b.confirmed_by) for b in breaches] == [(BreachSource.FLAG, flag.id, mod.id)]
    assert flag.status is FlagStatus.WARNED


async def test_remove_keeps_the_message_when_the_text_cannot_be_returned(fake, guild, mod, group_config, key):
    closed = fake.add_user("closed", dms_open=False)
    fake.add_member(guild, closed, roles=[guild.role("Member")])
    no_gate = dataclasses.replace(group_config, guild=(dataclasses.replace(group_config.guild[0], gate_channel=None),))
    async with fake.running(confidant(no_gate)):
        message, post = await flagged(fake, guild, closed)
        done = await (await fake.click(post, button(post, "remove"), mod)).wait_followup()
        assert "couldn't give the author their text back" in done.text
        assert not fake.state.messages[message.id].deleted
    assert (await stored(group_config, key, guild, message.id)).status is FlagStatus.OPEN


async def test_not_identifying_dismisses_and_can_allowlist_the_terms(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice, "Jess Miller is running tonight's meeting")
        pressed = await fake.click(post, button(post, "dismiss"), mod)
        offer = await pressed.wait_followup()
        select_id = offer.custom_ids()[0]
        options = [o["label"] for o in offer.component(select_id)["options"]]
        assert offer.ephemeral and "allowlist" in offer.text and options == ["Jess Miller"]
        picked = await fake.select(offer, select_id, mod, ["0"])
        await picked.wait_response()
        assert "Dismissed" in fake.state.messages[post.id].text or "dismissed" in fake.state.messages[post.id].text
        again = await fake.user_message(guild.channel("group-chat"), alice, "Jess Miller is running tonight's meeting")
        await flagged(fake, guild, alice, EMAIL)  # processed after `again`
        assert len(queue_posts(fake, guild)) == 2
    assert await stored(group_config, key, guild, again.id) is None
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        stats = {s.label: s for s in await store.label_stats(guild.id)}
    assert stats["PERSON"].dismissed == 1


async def test_an_edit_updates_the_flag_and_editing_the_details_out_closes_it(fake, guild, alice, group_config, key):
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice, EMAIL)
        await fake.edit_message(message, "email me at sam.jones@example.com or call 07700 900123")
        await fake.wait_for(lambda: "[PHONE]" in fake.state.messages[post.id].text)
        await fake.edit_message(message, "message me here any time")
        await fake.wait_for(lambda: "edited the details out" in fake.state.messages[post.id].text)
        assert len(queue_posts(fake, guild)) == 1
    assert (await stored(group_config, key, guild, message.id)).status is FlagStatus.EDITED


async def test_a_deleted_message_closes_its_flag(fake, guild, alice, group_config, key):
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice, EMAIL)
        await fake.wait_for_message(to=alice)
        await fake.delete_message(message)
        await fake.wait_for(lambda: "deleted the message" in fake.state.messages[post.id].text)
        assert [c.split(":")[2] for c in fake.state.messages[post.id].custom_ids()] == ["reveal"]
    assert (await stored(group_config, key, guild, message.id)).status is FlagStatus.GONE


async def test_the_authors_answer_is_recorded_and_shown_to_moderators(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice, EMAIL)
        nudge = await fake.wait_for_message(to=alice)
        keep = next(c for c in nudge.custom_ids() if ":keep:" in c)
        refused = await (await fake.click(nudge, keep, mod)).wait_message()
        assert "someone else" in refused.text
        answered = await (await fake.click(nudge, keep, alice)).wait_message()
        assert "let the moderators know" in answered.text
        await fake.wait_for(lambda: "about themselves" in fake.state.messages[post.id].text)


async def test_nudges_are_rate_limited(fake, guild, alice, group_config, key):
    async with fake.running(confidant(group_config)):
        await flagged(fake, guild, alice, EMAIL)
        await fake.wait_for_message(to=alice)
        await flagged(fake, guild, alice, "or call me on 07700 900123")
        assert len(fake.find_messages(to=alice)) == 1


async def test_an_author_with_dms_closed_is_nudged_in_a_private_gate_thread(fake, guild, group_config, key):
    closed = fake.add_user("closed", dms_open=False)
    fake.add_member(guild, closed, roles=[guild.role("Member")])
    async with fake.running(confidant(group_config)):
        await flagged(fake, guild, closed, EMAIL)
        note = await fake.wait_for_message(predicate=lambda m: "may include" in m.text)
        thread = fake.state.channels[note.channel_id]
        assert thread.parent_id == guild.channel("welcome").id and thread.type == 12  # private thread
        assert "sam.jones" not in note.text


async def test_ask_author_to_edit_and_open_case(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        _, post = await flagged(fake, guild, alice, EMAIL)
        await fake.wait_for_message(to=alice)
        asked = await (await fake.click(post, button(post, "edit"), mod)).wait_followup()
        assert "asked the author" in asked.text
        by_mod = await fake.wait_for_message(to=alice)
        assert "a moderator" in by_mod.text and "sam.jones" not in by_mod.text
        post = fake.state.messages[post.id]
        opened = await (await fake.click(post, button(post, "case"), mod)).wait_followup()
        assert "Opened case #1" in opened.text
        case_post = await fake.wait_for_message(guild.channel("cases"))
        assert "[EMAIL]" in case_post.text and "sam.jones" not in case_post.text
        await fake.wait_for(lambda: "opened case #1" in fake.state.messages[post.id].text)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        case = await store.case(guild.id, 1)
    assert case.kind is CaseKind.FLAG and case.flag_id is not None


async def test_the_automatic_hold_removes_at_once_and_restore_reposts(fake, guild, alice, mod, group_config, key):
    await settings(group_config, key, guild, auto_hold=True)
    async with fake.running(confidant(group_config)):
        message, post = await flagged(fake, guild, alice, EMAIL)
        returned = await fake.wait_for_message(to=alice)
        assert EMAIL in returned.text and "held" in returned.text
        await fake.wait_for(lambda: fake.state.messages[message.id].deleted)
        post = (
            await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: "Held" in m.text)
            if "Held" not in fake.state.messages[post.id].text
            else fake.state.messages[post.id]
        )
        await (await fake.click(post, button(post, "restore"), mod)).wait_followup()
        restored = await fake.wait_for_message(
            guild.channel("group-chat"), author=None, predicate=lambda m: m.webhook_id is not None
        )
        assert EMAIL in restored.content and "Restored by the moderators" in restored.content
        assert restored.webhook_name == "alice" or "alice" in (restored.webhook_name or "")
    assert (await stored(group_config, key, guild, message.id)).status is FlagStatus.RESTORED


async def test_a_forward_out_of_the_group_is_flagged(fake, guild, alice, group_config, key):
    async with fake.running(confidant(group_config)):
        original = await fake.user_message(guild.channel("check-ins"), alice, CLEAN)
        forward = await fake.user_message(guild.channel("general"), alice, forward_of=original)
        post = await fake.wait_for_message(guild.channel("mod-queue"), timeout=10)
        assert "forwarded out of" in post.text
    assert (await stored(group_config, key, guild, forward.id)) is not None


async def test_deny_terms_always_flag_and_stats_show_decisions(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        refused = await (
            await fake.slash("flags deny", alice, guild.channel("general"), term="Elm Hall")
        ).wait_message()
        assert "permission" in refused.text
        added = await (await fake.slash("flags deny", mod, guild.channel("general"), term="Elm Hall")).wait_message()
        assert "denylist" in added.text
        _, post = await flagged(fake, guild, alice, "see you all at elm hall on thursday")
        assert "[LOCATION]" in post.text
        await (await fake.click(post, button(post, "dismiss"), mod)).wait_followup()
        stats = await (await fake.slash("flags stats", mod, guild.channel("general"))).wait_message()
        assert "LOCATION" in stats.text and "1 dismissed" in stats.text


async def test_flag_buttons_work_after_a_restart(fake, guild, alice, mod, group_config, key):
    async with fake.running(confidant(group_config)):
        _, post = await flagged(fake, guild, alice, EMAIL)
        await fake.wait_for_message(to=alice)
    async with fake.running(confidant(group_config)):
        shown = await (await fake.click(post, button(post, "reveal"), mod)).wait_message()
        assert "sam.jones@example.com" in shown.text


async def test_a_flag_waits_for_a_missing_queue_and_is_posted_later(fake, guild, alice, group_config, key):
    no_queue = dataclasses.replace(
        group_config, guild=(dataclasses.replace(group_config.guild[0], mod_queue_channel=None),)
    )
    async with fake.running(confidant(no_queue)):
        message = await fake.user_message(guild.channel("group-chat"), alice, EMAIL)
        await fake.wait_for_message(guild.channel("mod-log"))  # the setup problem, with its fix
        await fake.wait_for_message(to=alice)
    assert (await stored(group_config, key, guild, message.id)).queue_message_id is None
    bot = confidant(group_config)
    async with fake.running(bot):
        await bot.get_cog("Flagging")._retry_tick()
        post = await fake.wait_for_message(guild.channel("mod-queue"))
        assert "[EMAIL]" in post.text


async def test_a_members_protected_term_is_flagged_high_and_they_are_told_privately(
    fake, guild, alice, group_config, key
):
    bob = fake.add_user("bob")
    fake.add_member(guild, bob, roles=[guild.role("Member")])
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        digest = ProtectedTerms(await store.protection_salt()).digest("Rob Quillfeather")
        await store.add_protected_term(bob.id, digest, "PERSON")
    async with fake.running(confidant(group_config)):
        _, post = await flagged(fake, guild, alice, "i think i know rob quillfeather from somewhere")
        assert "[PERSON]" in post.text and "high risk" in post.text
        assert "bob" not in post.text and str(bob.id) not in post.text
        told = await fake.wait_for_message(to=bob)
        assert "Something you asked me to protect" in told.text and "quillfeather" not in told.text.lower()
        await fake.wait_for_message(to=alice)
        # bob's own message with his own term raises nothing.
        own = await fake.user_message(guild.channel("group-chat"), bob, "rob quillfeather here, hi all")
        await flagged(fake, guild, alice, EMAIL)
    assert await stored(group_config, key, guild, own.id) is None


async def test_a_forward_out_of_the_group_can_be_removed_with_the_forwarder_told_why(
    fake, guild, alice, group_config, key
):
    await settings(group_config, key, guild, remove_forwards=True)
    async with fake.running(confidant(group_config)):
        original = await fake.user_message(guild.channel("group-chat"), alice, CLEAN)
        forward = await fake.user_message(guild.channel("general"), alice, forward_of=original)
        told = await fake.wait_for_message(to=alice)
        assert "forwarded a message" in told.text and "removed" in told.text
        await fake.wait_for(lambda: fake.state.messages[forward.id].deleted)
        post = await fake.wait_for_message(guild.channel("mod-queue"))
        await fake.wait_for(lambda: "Forward removed by" in fake.state.messages[post.id].text)
    assert (await stored(group_config, key, guild, forward.id)).status is FlagStatus.REMOVED


async def test_a_member_with_closed_dms_gets_one_private_thread_for_every_note(fake, guild, group_config, key):
    """Later notes go to the same private thread (none per note), and it survives a restart."""
    closed = fake.add_user("closed", dms_open=False)
    fake.add_member(guild, closed, roles=[guild.role("Member")])
    await settings(group_config, key, guild, nudge_cooldown_minutes=0)
    async with fake.running(confidant(group_config)):
        await flagged(fake, guild, closed, EMAIL)
        first = await fake.wait_for_message(predicate=lambda m: "may include" in m.text)
    async with fake.running(confidant(group_config)):
        await flagged(fake, guild, closed, "or call me on 07700 900123")
        second = await fake.wait_for_message(predicate=lambda m: "may include" in m.text and m.id != first.id)
    assert second.channel_id == first.channel_id
    assert len([t for t in guild.threads if t.parent_id == guild.channel("welcome").id]) == 1


async def test_the_nudge_buttons_work_after_a_restart(fake, guild, alice, group_config, key):
    async with fake.running(confidant(group_config)):
        _, post = await flagged(fake, guild, alice, EMAIL)
        nudge = await fake.wait_for_message(to=alice)
    async with fake.running(confidant(group_config)):
        keep = next(c for c in nudge.custom_ids() if ":keep:" in c)
        await (await fake.click(nudge, keep, alice)).wait_message()
        await fake.wait_for(lambda: "about themselves" in fake.state.messages[post.id].text)
