"""`/protect` over the wire: members register terms that would identify them, stored only as salted digests."""

import logging

import pytest

from bot.fakediscord import FakeDiscord, User
from models.crypto import FieldCipher
from models.store import Store
from models.terms import MAX_PROTECTED_TERMS
from rules.detection import Engine, Label, ScanInput
from tests.conftest import confidant

NAME = "Wilhelmina Quist"
TERM_FIELD = "confidant:protect:term"


async def protect(fake: FakeDiscord, user: User, term: str, kind: str = "name"):
    """Run /protect add in the member's DM, fill in the form, and return the bot's final reply."""
    opened = await fake.slash("protect add", user, None, kind=kind)
    await opened.wait_response()
    assert opened.modal is not None and opened.modal["custom_id"].startswith(f"confidant:protect:add:{kind}:")
    submitted = await fake.submit_modal(opened, {TERM_FIELD: term})
    return await submitted.wait_message()


def found(text: str, policy, author_id: int) -> list[tuple[str, Label]]:
    result = Engine(nlp=None).scan(ScanInput(text, author_id=author_id), policy)
    return [(text[f.start : f.end], f.label) for f in result.findings if f.rule == "protected.v1"]


async def test_added_term_flags_others_but_not_the_owner_and_is_never_stored(fake, guild, alice, config, key, caplog):
    """/protect add stores a digest only; the guild's policy finds the term in others' messages, not the owner's."""
    caplog.set_level(logging.DEBUG)
    bob = fake.add_user("bob")
    async with fake.running(confidant(config)) as bot:
        reply = await protect(fake, alice, f"  {NAME} ", kind="name")
        assert reply.ephemeral and reply.visible_to(alice)
        assert NAME in reply.text and "my name" in reply.text and "never names you" in reply.text
        [term] = await bot.store.protected_terms(alice.id)
        assert term.label == "PERSON"
        policy = await bot.policies.policy(guild.id)
        text = "guess who I saw: wilhelmina   QUIST!"
        assert found(text, policy, bob.id) == [("wilhelmina   QUIST", Label.PERSON)]
        assert found(text, policy, alice.id) == []
    on_disk = b"".join(p.read_bytes() for p in config.storage.path.parent.glob("confidant.db*"))
    assert on_disk and b"Quist" not in on_disk and b"quist" not in on_disk
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("bot", "models", "rules")]
    assert ours and not [line for line in ours if "Quist" in line or "quist" in line]


async def test_list_shows_kinds_and_numbers_and_remove_takes_only_ones_own(fake, guild, alice, config):
    """/protect list shows each term's kind and number, not its text; remove refuses another member's number."""
    bob = fake.add_user("bob")
    async with fake.running(confidant(config)) as bot:
        await protect(fake, alice, NAME, kind="name")
        await protect(fake, alice, "Quistborough", kind="town")
        await protect(fake, bob, "Bobsworth Ltd", kind="org")
        [name, town] = await bot.store.protected_terms(alice.id)
        [bobs] = await bot.store.protected_terms(bob.id)
        listed = await (await fake.slash("protect list", alice)).wait_message()
        assert listed.ephemeral and "a name" in listed.text and "a town" in listed.text
        assert (
            f"**{name.id}**" in listed.text and f"**{town.id}**" in listed.text and f"**{bobs.id}**" not in listed.text
        )
        assert NAME not in listed.text and "never the words" in listed.text
        refused = await (await fake.slash("protect remove", alice, None, id=bobs.id)).wait_message()
        assert "nothing protected" in refused.text
        assert await bot.store.protected_terms(bob.id) == [bobs]
        policy = await bot.policies.policy(guild.id)
        assert found("I met Wilhelmina Quist", policy, bob.id)
        removed = await (await fake.slash("protect remove", alice, None, id=name.id)).wait_message()
        assert "no longer protected" in removed.text
        assert await bot.store.protected_terms(alice.id) == [town]
        assert found("I met Wilhelmina Quist", await bot.policies.policy(guild.id), bob.id) == []
        empty = await (await fake.slash("protect list", bob)).wait_message()
        assert "Bobsworth" not in empty.text and "an employer or school" in empty.text


async def test_nothing_protected_yet_says_how_to_start(fake, alice, config):
    """/protect list with nothing registered explains /protect add."""
    async with fake.running(confidant(config)):
        reply = await (await fake.slash("protect list", alice)).wait_message()
        assert "/protect add" in reply.text


# fmt: off
@pytest.mark.parametrize("term, expected", [
    ("?! …",                          "no letters or digits"),
    ("Jo",                            "too short"),
    ("one two three four five",       "more than 4 words"),
    ("Meeting",                       "everyday word"),
    ("the",                           "everyday word"),
])
# fmt: on
async def test_bad_terms_are_explained_and_nothing_is_stored(fake, alice, config, term, expected):
    """An empty, too short or too wordy term gets a clear private answer and stores nothing."""
    async with fake.running(confidant(config)) as bot:
        reply = await protect(fake, alice, term)
        assert reply.ephemeral and expected in reply.text
        assert await bot.store.protected_terms() == []


async def test_repeats_and_the_limit_are_explained(fake, alice, config, key):
    """The same term again (in any case or spacing) is a repeat; past the limit the member is told to remove one."""
    async with fake.running(confidant(config)) as bot:
        await protect(fake, alice, NAME)
        again = await protect(fake, alice, "wilhelmina QUIST", kind="other")
        assert "already protected" in again.text
        for n in range(MAX_PROTECTED_TERMS - 1):
            await bot.store.add_protected_term(alice.id, bytes([n + 1]) * 16, "PERSON")
        full = await protect(fake, alice, "Quistborough", kind="town")
        assert f"up to {MAX_PROTECTED_TERMS}" in full.text and "/protect remove" in full.text
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        assert len(await store.protected_terms(alice.id)) == MAX_PROTECTED_TERMS


async def test_protect_is_only_offered_in_direct_messages(fake, guild, alice, config):
    """The /protect commands are registered for DMs only, so no one types their name into a group channel."""
    async with fake.running(confidant(config)):
        with pytest.raises(AssertionError, match="not available in guilds"):
            await fake.slash("protect list", alice, guild.channel("general"))
