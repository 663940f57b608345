"""Each guild's detection policy (its allow and deny lists, and members' protected terms), built once and cached.

The flagging cog asks for a guild's policy on every message, so the policy is built from the database once and kept
until something changes: the cogs that change a guild's lists call `invalidate(guild_id)`, and `/protect` calls
`invalidate()` (protected terms are global: one salt, and a member's terms protect them in every guild).
"""

from __future__ import annotations

import logging

from models.records import GuildTerm, TermKind
from models.store import Store
from rules.detection.findings import Label
from rules.detection.policy import GuildPolicy, ProtectedTerms

__all__ = ["PolicyCache"]

log = logging.getLogger(__name__)


class PolicyCache:
    """Builds `GuildPolicy` values from the Store and keeps them until invalidated."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._policies: dict[int, GuildPolicy] = {}
        self._protected: ProtectedTerms | None = None
        # Bumped by every invalidate(): a build that read the database before an invalidation finished is not
        # cached, so a change made meanwhile is never hidden behind a stale policy.
        self._generation = 0

    async def policy(self, guild_id: int) -> GuildPolicy:
        """The guild's policy: its lists and everyone's protected terms."""
        cached = self._policies.get(guild_id)
        if cached is not None:
            return cached
        generation = self._generation
        protected = await self.protected()
        terms = await self._store.guild_terms(guild_id)
        allow = [term.term for term in terms if term.kind is TermKind.ALLOW]
        deny = {term.term: label for term in terms if term.kind is TermKind.DENY and (label := _label(term))}
        policy = GuildPolicy.build(allow=allow, deny=deny, protected=protected)
        if generation == self._generation:
            self._policies[guild_id] = policy
        return policy

    async def protected(self) -> ProtectedTerms:
        """Every member's protected terms, keyed by digest under the store's protection salt."""
        cached = self._protected
        if cached is not None:
            return cached
        generation = self._generation
        salt = await self._store.protection_salt()
        entries: dict[bytes, tuple[frozenset[int], Label]] = {}
        for term in await self._store.protected_terms():
            try:
                label = Label(term.label)
            except ValueError:
                log.warning("Protected term #%d has unknown label %r; ignoring it", term.id, term.label)
                continue
            # Two members may protect the same text (a shared workplace): it is theirs both, with the first's label.
            owners, first_label = entries.get(term.digest, (frozenset(), label))
            entries[term.digest] = (owners | {term.user_id}, first_label)
        protected = ProtectedTerms(salt=salt, entries=entries)
        if generation == self._generation:
            self._protected = protected
        return protected

    def invalidate(self, guild_id: int | None = None) -> None:
        """Forget one guild's policy, or (None) every policy and the protected terms."""
        self._generation += 1
        if guild_id is None:
            self._policies.clear()
            self._protected = None
        else:
            self._policies.pop(guild_id, None)


def _label(term: GuildTerm) -> Label | None:
    """The label a deny term flags as; None (and a warning) if the stored label is not one the engine knows."""
    try:
        return Label(term.label)
    except ValueError:
        log.warning("Deny term #%d of guild %s has unknown label %r; ignoring it", term.id, term.guild_id, term.label)
        return None
