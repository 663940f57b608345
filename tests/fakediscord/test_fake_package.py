"""The fake stays a standalone package that any discord.py client can use."""

import ast
from pathlib import Path

import bot.fakediscord

PACKAGE = Path(bot.fakediscord.__file__).parent


def test_fake_imports_nothing_else_from_bot():
    """No module of bot/fakediscord imports the rest of the bot package."""
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n == "bot" or n.startswith("bot.")]
    assert offenders == []


def test_public_names_are_exported():
    """The package re-exports the fake, the interaction and request records, and the entities."""
    for name in ("FakeDiscord", "Interaction", "Request", "Guild", "Channel", "User", "Message", "Role", "Member"):
        assert hasattr(bot.fakediscord, name), name
