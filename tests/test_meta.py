"""The project's structure keeps its promises: pure packages stay pure, cogs load, docs match the code."""

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import extension_names

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["rules", "models"])
def test_pure_packages_never_import_discord_or_bot(package):
    """No module in rules/ or models/ imports discord or the bot package."""
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if name.split(".")[0] in {"discord", "bot"}:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_importing_pure_packages_does_not_load_discord():
    """Importing every module of rules/ and models/ leaves discord out of sys.modules."""
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in ("rules", "models")
        for path in (ROOT / package).rglob("*.py")
    ]
    code = f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\nprint('discord' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"


def test_every_cog_module_has_setup():
    """Each cog module defines an async setup(bot) entry point."""
    names = list(extension_names())
    assert "bot.cogs.errors" in names
    for name in names:
        module = importlib.import_module(name)
        assert inspect.iscoroutinefunction(getattr(module, "setup", None)), name


def test_app_command_names_are_unique():
    """No two cogs define an app command with the same name."""
    from discord import app_commands
    from discord.ext import commands

    seen: dict[str, str] = {}
    for name in extension_names():
        module = importlib.import_module(name)
        for _, cog in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cog, commands.Cog) or cog.__module__ != name:
                continue
            for command in cog.__cog_app_commands__:
                assert isinstance(command, app_commands.Command | app_commands.Group | app_commands.ContextMenu)
                assert command.name not in seen, f"/{command.name} in {name} and {seen.get(command.name)}"
                seen[command.name] = name
    assert "confidentiality" in seen


def test_readme_invite_link_matches_required_permissions():
    """The invite link and the optional-permissions total in the README are the bot's real permission values."""
    from bot.permissions import NEEDS, required_permissions

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"permissions={required_permissions().value}\n" in readme
    assert f"permissions={required_permissions(with_optional=True).value}`" in readme
    for need in NEEDS:
        assert need.why in readme or need.optional, need.flag


def test_no_machine_paths_in_tracked_sources():
    """No committed source names a machine-specific path."""
    suspicious = tuple(f"/{top}/" for top in ("work", "root", "home"))  # spelled out, or this line would match
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("bot", "rules", "models")
        for path in (ROOT / package).rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".md", ".toml", ".sql"}
        and any(s in path.read_text(encoding="utf-8", errors="ignore") for s in suspicious)
    ]
    assert offenders == []
