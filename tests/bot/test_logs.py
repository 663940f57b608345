"""Logging: text or JSON lines on stderr; discord.py kept at WARNING."""

import json
import logging

import pytest

from bot.logs import configure_logging


@pytest.fixture(autouse=True)
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_time_level_logger_message_and_error(capsys):
    configure_logging("INFO", "json")
    log = logging.getLogger("bot.cogs.flagging")
    log.info("Flag %d raised in guild %s", 7, 42)
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("Failed for flag %d", 8)
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert first["level"] == "INFO" and first["logger"] == "bot.cogs.flagging"
    assert first["message"] == "Flag 7 raised in guild 42" and first["time"].endswith("+00:00")
    assert second["level"] == "ERROR" and "ValueError: boom" in second["error"]


def test_text_lines_and_discord_stays_quiet(capsys):
    configure_logging("DEBUG", "text")
    logging.getLogger("bot").debug("hello %s", 1)
    logging.getLogger("discord.gateway").info("payload with message content")
    err = capsys.readouterr().err
    assert "DEBUG   bot: hello 1" in err and "payload" not in err
