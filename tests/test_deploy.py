"""The example systemd unit and environment file agree with the code they run."""

import configparser
import re
import shlex
from pathlib import Path

from bot.__main__ import EXIT_USAGE, build_parser
from bot.config import Config

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / "confidant.service", encoding="utf-8")
    return parser


def test_the_unit_runs_commands_the_cli_has():
    service = unit()["Service"]
    parser = build_parser()
    for key in ("ExecStartPre", "ExecStart"):
        argv = shlex.split(service[key])
        assert argv[0].endswith("/.venv/bin/confidant")
        parser.parse_args(argv[1:])  # exits (failing the test) on an unknown command or option


def test_configuration_errors_are_not_restarted():
    """`confidant run` exits EXIT_USAGE on a broken config or key; restarting would not help."""
    assert unit()["Service"]["RestartPreventExitStatus"] == str(EXIT_USAGE)
    assert unit()["Service"]["KillSignal"] == "SIGTERM"  # the signal the bot handles to stop cleanly


def test_the_environment_file_names_the_configured_variables():
    names = set(re.findall(r"^([A-Z_]+)=", (DEPLOY / "confidant.env.example").read_text(encoding="utf-8"), re.M))
    defaults = Config()
    assert names == {defaults.discord.token_env, defaults.storage.key_env}
