"""The group's confidentiality agreement: the default text shipped with Confidant and its short summary."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rules.agreement.quiz import Quiz, QuizQuestion, default_quiz, load_quiz

__all__ = ["Agreement", "Quiz", "QuizQuestion", "default_agreement", "default_quiz", "load_quiz"]


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
    def body(self) -> str:
        """The text without its title heading, each paragraph and list item on one line (as chat apps want it)."""
        lines = self.text.strip().splitlines()
        if lines and lines[0].startswith("# "):
            lines = lines[1:]
        return unwrap("\n".join(lines)).strip()

    @property
    def title(self) -> str:
        """The first Markdown heading, or a generic title."""
        for line in self.text.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
        return "Confidentiality agreement"


_BLOCK_START = re.compile(r"^(?:#{1,6} |[-*] |\d+[.)] |>|```)")


def unwrap(markdown: str) -> str:
    """Join hard-wrapped lines, keeping blank lines, headings and list items as they are."""
    out: list[str] = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped and out and out[-1].strip() and not _BLOCK_START.match(stripped) and not out[-1].startswith("#"):
            out[-1] = f"{out[-1].rstrip()} {stripped}"
        else:
            out.append(line.rstrip())
    return "\n".join(out)


@cache
def default_agreement() -> Agreement:
    """Return the agreement that ships with Confidant (read once from this package's data files)."""
    here = resources.files(__name__)
    return Agreement(
        text=(here / "default.md").read_text(encoding="utf-8"),
        summary=(here / "summary.md").read_text(encoding="utf-8").strip(),
    )
