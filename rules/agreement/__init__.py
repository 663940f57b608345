"""The group's confidentiality agreement: the default text shipped with Confidant and its short summary."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Agreement", "default_agreement"]


@dataclass(frozen=True, slots=True)
class Agreement:
    """An agreement text (Markdown) with the short summary shown by `/confidentiality` and in reminders."""

    text: str
    summary: str

    @property
    def sha256(self) -> str:
        """Hex digest of the exact text, as recorded in the consent ledger."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def title(self) -> str:
        """The first Markdown heading, or a generic title."""
        for line in self.text.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
        return "Confidentiality agreement"


@cache
def default_agreement() -> Agreement:
    """Return the agreement that ships with Confidant (read once from this package's data files)."""
    here = resources.files(__name__)
    return Agreement(
        text=(here / "default.md").read_text(encoding="utf-8"),
        summary=(here / "summary.md").read_text(encoding="utf-8").strip(),
    )
