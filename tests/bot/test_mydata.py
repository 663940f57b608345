"""/mydata over the wire: a member exports their own data as a file and deletes it, in a DM with the bot."""

import json

import pytest

from bot.config import Config
from bot.fakediscord import FakeDiscord, Guild, User
from models.crypto import FieldCipher
from models.records import BreachSource, CaseKind, Decision, GuildSettings, ReportCategory, Via
from models.store import Store
from rules.agreement import default_agreement
from tests.conftest import confidant

EMAIL = "email me at sam.jones@example.com any time"


async def seed(config: Config, key: str, guild: Guild, alice: User, bob: User) -> None:
    """alice consented, filed a report, had a breach recorded; bob reported alice."""
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        await store.current_agreement(guild.id, default_agreement().text)
        await store.start_onboarding(guild.id, alice.id, 1)
        await store.record_decision(guild.id, alice.id, 1, Decision.ACCEPTED, Via.DM, None)
        await store.open_case(guild.id, CaseKind.REPORT, alice.id, "my own report", category=ReportCategory.OTHER)
        about_alice = await store.open_case(guild.id, CaseKind.REPORT, bob.id, "alice screenshotted my share")
        await store.close_case(guild.id, about_alice.number, "resolved", 1, outcome="warned", subject_id=alice.id)
        await store.record_breach(guild.id, alice.id, BreachSource.CASE, 2, 1, reason="bob's report")


async def export(fake: FakeDiscord, user: User) -> dict:
    pressed = await fake.slash("mydata export", user)
    message = await pressed.wait_followup()
    assert message.ephemeral and message.attachments
    return json.loads(message.attachments[0].data)


async def test_export_holds_a_members_own_data_and_nothing_about_reports_on_them(fake, guild, alice, group_config, key):
    bob = fake.add_user("bob")
    fake.add_member(guild, bob, roles=[guild.role("Member")])
    await seed(group_config, key, guild, alice, bob)
    async with fake.running(confidant(group_config)):
        await fake.user_message(guild.channel("group-chat"), alice, EMAIL)
        await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral, timeout=10)
        await fake.wait_for_message(to=alice)
        data = await export(fake, alice)
    assert data["user_id"] == str(alice.id)
    assert [c["decision"] for c in data["consents"]] == ["accepted"]
    assert [r["what_i_wrote"] for r in data["reports"]] == ["my own report"]
    assert [f["my_text"] for f in data["flags_on_my_messages"]] == [EMAIL]
    assert [b["from"] for b in data["confirmed_breaches"]] == ["case"]
    text = json.dumps(data)
    assert "screenshotted" not in text and "bob's report" not in text and str(bob.id) not in text


async def test_delete_erases_the_members_data_after_confirmation(fake, guild, alice, group_config, key):
    bob = fake.add_user("bob")
    fake.add_member(guild, bob, roles=[guild.role("Member")])
    await seed(group_config, key, guild, alice, bob)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        await store.save_guild_settings(guild.id, GuildSettings(keep_consents=False))
    async with fake.running(confidant(group_config)):
        asked = await (await fake.slash("mydata delete", alice)).wait_message()
        assert "can't be undone" in asked.text
        confirm = asked.custom_ids()[0]
        done = await fake.click(asked, confirm, alice)
        await done.wait_response()
        await fake.wait_for(lambda: "deleted" in fake.state.messages[asked.id].text)
        data = await export(fake, alice)
    assert data["consents"] == data["reports"] == data["flags_on_my_messages"] == data["confirmed_breaches"] == []
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        kept = await store.case(guild.id, 1)
        assert kept.member_id == 0 and kept.text == "my own report"  # the report stays, without her name
        assert await store.consents(guild.id, alice.id) == []


async def test_mydata_is_only_offered_in_dms(fake, guild, alice, group_config):
    async with fake.running(confidant(group_config)):
        with pytest.raises(Exception):  # noqa: B017, PT011 - the fake refuses a command not available there
            await fake.slash("mydata export", alice, guild.channel("general"))
