"""Guild allow/deny terms and members' protected terms, against a real SQLite file."""

import hashlib

import pytest

from models.records import ERASED_USER_ID, TermKind
from models.store import Store
from models.terms import MAX_GUILD_TERMS, MAX_PROTECTED_TERMS, normalise_term
from rules.detection.policy import term_key
from tests.models.helpers import GUILD, MEMBER, MODERATOR, OTHER_GUILD, OTHER_MEMBER

VENUE = "St Quillan's Community Hall"


def on_disk(db_path) -> bytes:
    return b"".join(p.read_bytes() for p in db_path.parent.glob("confidant.db*"))


def digest(n: int) -> bytes:
    return hashlib.blake2b(str(n).encode(), digest_size=16).digest()


async def test_guild_terms_round_trip_per_guild_and_list(store, clock):
    """Terms read back decrypted with kind, label, who and when, per guild and list, oldest first."""
    deny = await store.add_guild_term(GUILD, TermKind.DENY, f"  {VENUE} ", MODERATOR, label="LOCATION")
    allow = await store.add_guild_term(GUILD, TermKind.ALLOW, "Rainbow Circle", MODERATOR)
    await store.add_guild_term(OTHER_GUILD, TermKind.ALLOW, "Elsewhere", MODERATOR)
    assert (deny.kind, deny.term, deny.label, deny.added_by, deny.added_at) == (
        TermKind.DENY,
        VENUE,
        "LOCATION",
        MODERATOR,
        clock.now,
    )
    assert await store.guild_terms(GUILD) == [deny, allow]
    assert await store.guild_terms(GUILD, TermKind.ALLOW) == [allow]
    assert await store.guild_terms(GUILD, TermKind.DENY) == [deny]
    assert [t.term for t in await store.guild_terms(OTHER_GUILD)] == ["Elsewhere"]


async def test_a_term_already_on_the_list_is_not_added_twice(store):
    """The same term after NFKC, case folding and spacing is a repeat (None); the other list may hold it."""
    assert await store.add_guild_term(GUILD, TermKind.ALLOW, "Rainbow Circle", MODERATOR) is not None
    assert await store.add_guild_term(GUILD, TermKind.ALLOW, "  RAINBOW   circle ", MODERATOR) is None
    assert await store.add_guild_term(GUILD, TermKind.ALLOW, "Ｒａｉｎｂｏｗ Circle", MODERATOR) is None
    assert await store.add_guild_term(OTHER_GUILD, TermKind.ALLOW, "rainbow circle", MODERATOR) is not None
    assert await store.add_guild_term(GUILD, TermKind.DENY, "Rainbow Circle", MODERATOR, label="ORG") is not None
    assert len(await store.guild_terms(GUILD, TermKind.ALLOW)) == 1


@pytest.mark.parametrize(
    "text",
    ["Rainbow Circle", "  o'BRIEN’s   st.-mary  ", "Ｆｕｌｌ width", "a_b c", "!!!", "İstanbul Straße"],
)
def test_normalise_term_matches_the_engine(text):
    """models' normalised form is exactly rules.detection.policy.term_key, so repeats match what the engine matches."""
    assert normalise_term(text) == term_key(text)


async def test_guild_terms_are_encrypted_at_rest(store, db_path):
    """Neither the term nor its normalised form is in the database file."""
    await store.add_guild_term(GUILD, TermKind.DENY, VENUE, MODERATOR, label="LOCATION")
    data = on_disk(db_path)
    assert b"Quillan" not in data and b"quillan" not in data


async def test_removing_a_guild_term(store):
    """remove_guild_term returns the removed term; another guild's id or a missing one gives None."""
    term = await store.add_guild_term(GUILD, TermKind.ALLOW, "Rainbow Circle", MODERATOR)
    assert await store.remove_guild_term(OTHER_GUILD, term.id) is None
    assert await store.remove_guild_term(GUILD, term.id) == term
    assert await store.remove_guild_term(GUILD, term.id) is None
    assert await store.guild_terms(GUILD) == []
    assert await store.add_guild_term(GUILD, TermKind.ALLOW, "Rainbow Circle", MODERATOR) is not None


# fmt: off
@pytest.mark.parametrize("kind, term, label, message", [
    (TermKind.ALLOW, "  ?! ",                     None,       "letter or digit"),
    (TermKind.ALLOW, "x" * 101,                   None,       "at most 100 characters"),
    (TermKind.ALLOW, "fine",                      "PERSON",   "takes no label"),
    (TermKind.DENY,  "venue",                     None,       "needs a label"),
    (TermKind.DENY,  "venue",                     "location", "needs a label"),
    (TermKind.DENY,  "one two three four five",   "ORG",      "at most 4 words"),
])
# fmt: on
async def test_bad_guild_terms_are_refused_without_quoting_them(store, kind, term, label, message):
    """Empty, over-long, mislabelled and over-wordy terms raise ValueError that never quotes the term."""
    with pytest.raises(ValueError, match=message) as raised:
        await store.add_guild_term(GUILD, kind, term, MODERATOR, label=label)
    assert term.strip() not in str(raised.value) or not term.strip()
    assert await store.guild_terms(GUILD) == []


async def test_a_guild_list_holds_at_most_200_terms(store):
    """The 201st term on one list raises ValueError; the other list and other guilds are unaffected."""
    for n in range(MAX_GUILD_TERMS):
        await store.add_guild_term(GUILD, TermKind.ALLOW, f"term {n}", MODERATOR)
    with pytest.raises(ValueError, match="full"):
        await store.add_guild_term(GUILD, TermKind.ALLOW, "one more", MODERATOR)
    assert await store.add_guild_term(GUILD, TermKind.DENY, "one more", MODERATOR, label="ORG") is not None
    assert await store.add_guild_term(OTHER_GUILD, TermKind.ALLOW, "one more", MODERATOR) is not None
    assert len(await store.guild_terms(GUILD, TermKind.ALLOW)) == MAX_GUILD_TERMS


async def test_protected_terms_round_trip(store, clock):
    """A member's digests read back with label and time; everyone's are listed together, oldest first."""
    mine = await store.add_protected_term(MEMBER, digest(1), "PERSON")
    theirs = await store.add_protected_term(OTHER_MEMBER, digest(2), "LOCATION")
    assert (mine.user_id, mine.digest, mine.label, mine.created_at) == (MEMBER, digest(1), "PERSON", clock.now)
    assert await store.protected_terms(MEMBER) == [mine]
    assert await store.protected_terms() == [mine, theirs]


async def test_a_protected_term_is_registered_once_per_member(store):
    """The same digest twice for one member gives None; another member may register the same digest."""
    assert await store.add_protected_term(MEMBER, digest(1), "PERSON") is not None
    assert await store.add_protected_term(MEMBER, digest(1), "ORG") is None
    assert await store.add_protected_term(OTHER_MEMBER, digest(1), "PERSON") is not None
    assert len(await store.protected_terms(MEMBER)) == 1


async def test_a_member_protects_at_most_25_terms(store):
    """The 26th term raises ValueError saying how many are allowed; a repeat still answers None."""
    for n in range(MAX_PROTECTED_TERMS):
        await store.add_protected_term(MEMBER, digest(n), "PERSON")
    with pytest.raises(ValueError, match=f"at most {MAX_PROTECTED_TERMS}"):
        await store.add_protected_term(MEMBER, digest(99), "PERSON")
    assert await store.add_protected_term(MEMBER, digest(0), "PERSON") is None
    assert await store.add_protected_term(OTHER_MEMBER, digest(99), "PERSON") is not None


@pytest.mark.parametrize("bad, label", [(b"short", "PERSON"), ("text" * 8, "PERSON"), (digest(1), "person")])
async def test_bad_protected_terms_are_refused(store, bad, label):
    """A digest that is not 16–64 bytes, or a label that is not one, raises ValueError."""
    with pytest.raises(ValueError, match="digest|label"):
        await store.add_protected_term(MEMBER, bad, label)


async def test_members_remove_only_their_own_protected_terms(store):
    """remove_protected_term is True for the member's own id and False for another member's or a gone one."""
    mine = await store.add_protected_term(MEMBER, digest(1), "PERSON")
    assert await store.remove_protected_term(OTHER_MEMBER, mine.id) is False
    assert await store.remove_protected_term(MEMBER, mine.id) is True
    assert await store.remove_protected_term(MEMBER, mine.id) is False
    assert await store.protected_terms() == []


async def test_protection_salt_is_random_stable_and_encrypted(db_path, cipher, clock):
    """The salt is 32 bytes, the same after reopening, and not in the database file in the clear."""
    async with Store.open(db_path, cipher, clock=clock) as store:
        salt = await store.protection_salt()
        assert len(salt) == 32 and await store.protection_salt() == salt
    assert salt not in on_disk(db_path) and salt.hex().encode() not in on_disk(db_path)
    async with Store.open(db_path, cipher, clock=clock) as store:
        assert await store.protection_salt() == salt


async def test_each_database_has_its_own_salt(tmp_path, cipher, clock):
    """Two databases never share a salt."""
    async with Store.open(tmp_path / "a.db", cipher, clock=clock) as a, Store.open(tmp_path / "b.db", cipher) as b:
        assert await a.protection_salt() != await b.protection_salt()


async def test_deleting_user_data_erases_their_terms(store):
    """A member's protected terms go; terms a moderator listed stay with their id erased."""
    await store.add_protected_term(MEMBER, digest(1), "PERSON")
    await store.add_protected_term(OTHER_MEMBER, digest(2), "PERSON")
    term = await store.add_guild_term(GUILD, TermKind.DENY, VENUE, MEMBER, label="LOCATION")
    assert await store.delete_user_data(MEMBER) >= 2
    assert [t.user_id for t in await store.protected_terms()] == [OTHER_MEMBER]
    [kept] = await store.guild_terms(GUILD)
    assert (kept.id, kept.term, kept.added_by) == (term.id, VENUE, ERASED_USER_ID)
