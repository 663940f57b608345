"""The Store's queries for words a guild or a member taught Confidant: allow/deny terms and protected terms."""

from __future__ import annotations

from models._queries import Queries

__all__ = ["TermQueries"]


class TermQueries(Queries):
    """Allowlist and denylist terms per guild; members' protected terms, as salted hashes only."""
