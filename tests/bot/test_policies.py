"""The policy cache: guild lists and protected terms from a real Store, built once and rebuilt when invalidated."""

import asyncio

import pytest

from bot.policies import PolicyCache
from models.crypto import FieldCipher, generate_key
from models.records import TermKind
from models.store import Store
from rules.detection import Engine, Label, ScanInput

GUILD = 111111111111111111
OTHER_GUILD = 222222222222222222
MODERATOR = 333333333333333333
OWNER = 444444444444444444
SOMEONE = 555555555555555555


@pytest.fixture
async def store(tmp_path):
    async with Store.open(tmp_path / "confidant.db", FieldCipher([generate_key()])) as opened:
        yield opened


@pytest.fixture
def engine() -> Engine:
    return Engine(nlp=None)


def labels(engine: Engine, text: str, policy, author_id: int = SOMEONE) -> list[tuple[str, str]]:
    result = engine.scan(ScanInput(text, author_id=author_id), policy)
    return [(text[f.start : f.end], f.label) for f in result.findings]


async def test_lists_become_the_guilds_policy(store, engine):
    """Allow terms are fine and deny terms always flag, with their label, only in their own guild."""
    await store.add_guild_term(GUILD, TermKind.DENY, "Quillan Hall", MODERATOR, label="LOCATION")
    await store.add_guild_term(GUILD, TermKind.ALLOW, "rainbow circle", MODERATOR)
    cache = PolicyCache(store)
    policy = await cache.policy(GUILD)
    assert policy.allows("Rainbow  Circle") and not policy.allows("Quillan Hall")
    assert ("quillan hall", Label.LOCATION) in labels(engine, "see you at quillan hall", policy)
    assert labels(engine, "see you at quillan hall", await cache.policy(OTHER_GUILD)) == []


async def test_policies_are_cached_until_invalidated(store):
    """A guild's policy is the same object until invalidate(guild) or invalidate(), which rebuild it."""
    cache = PolicyCache(store)
    first = await cache.policy(GUILD)
    await store.add_guild_term(GUILD, TermKind.ALLOW, "rainbow circle", MODERATOR)
    assert await cache.policy(GUILD) is first
    cache.invalidate(OTHER_GUILD)
    assert await cache.policy(GUILD) is first
    cache.invalidate(GUILD)
    second = await cache.policy(GUILD)
    assert second is not first and second.allows("rainbow circle")
    cache.invalidate()
    assert await cache.policy(GUILD) is not second


async def test_protected_terms_flag_others_but_never_the_owner(store, engine):
    """A digest made by the cache's ProtectedTerms is found in someone else's message in every guild, not the owner's."""
    cache = PolicyCache(store)
    protected = await cache.protected()
    await store.add_protected_term(OWNER, protected.digest("Wilhelmina  Quist"), "PERSON")
    cache.invalidate()
    text = "I saw WILHELMINA QUIST at the shop"
    for guild_id in (GUILD, OTHER_GUILD):
        policy = await cache.policy(guild_id)
        assert ("WILHELMINA QUIST", Label.PERSON) in labels(engine, text, policy, author_id=SOMEONE)
        assert ("WILHELMINA QUIST", Label.PERSON) not in labels(engine, text, policy, author_id=OWNER)


async def test_a_term_protected_by_two_members_belongs_to_both(store, engine):
    """The same words protected by two members flag in a third member's message, in neither owner's own."""
    cache = PolicyCache(store)
    digest = (await cache.protected()).digest("St Brigid's Hospital")
    await store.add_protected_term(OWNER, digest, "ORG")
    await store.add_protected_term(SOMEONE, digest, "ORG")
    cache.invalidate()
    policy = await cache.policy(GUILD)
    text = "long shift at st brigid's hospital again"
    assert ("st brigid's hospital", Label.ORG) not in labels(engine, text, policy, author_id=OWNER)
    assert ("st brigid's hospital", Label.ORG) not in labels(engine, text, policy, author_id=SOMEONE)
    assert ("st brigid's hospital", Label.ORG) in labels(engine, text, policy, author_id=OWNER + SOMEONE)


async def test_protected_terms_survive_a_restart(tmp_path, engine):
    """The salt is kept, so digests registered before a restart still match after it."""
    cipher = FieldCipher([generate_key()])
    async with Store.open(tmp_path / "c.db", cipher) as store:
        digest = (await PolicyCache(store).protected()).digest("Quistborough")
        await store.add_protected_term(OWNER, digest, "LOCATION")
    async with Store.open(tmp_path / "c.db", cipher) as store:
        policy = await PolicyCache(store).policy(GUILD)
        assert ("Quistborough", Label.LOCATION) in labels(engine, "she lives in Quistborough", policy)


async def test_unknown_labels_are_skipped(store, caplog):
    """A stored label the engine does not know is left out with a warning that does not quote the term."""
    await store.add_guild_term(GUILD, TermKind.DENY, "Quillan Hall", MODERATOR, label="VENUE")
    policy = await PolicyCache(store).policy(GUILD)
    assert dict(policy.deny) == {}
    assert "VENUE" in caplog.text and "Quillan" not in caplog.text


async def test_an_invalidation_during_a_build_is_not_lost(store):
    """A policy built from data read before an invalidate() is returned but not cached."""
    cache = PolicyCache(store)
    started = asyncio.Event()
    real = store.guild_terms

    async def slow(guild_id, kind=None):
        rows = await real(guild_id, kind)
        started.set()
        await asyncio.sleep(0.05)
        return rows

    store.guild_terms = slow  # type: ignore[method-assign]
    building = asyncio.create_task(cache.policy(GUILD))
    await started.wait()
    await store.add_guild_term(GUILD, TermKind.ALLOW, "rainbow circle", MODERATOR)
    cache.invalidate(GUILD)
    assert not (await building).allows("rainbow circle")
    store.guild_terms = real  # type: ignore[method-assign]
    assert (await cache.policy(GUILD)).allows("rainbow circle")
