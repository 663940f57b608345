"""One module per user-facing capability; `bot.app` loads every module here whose name does not start with `_`."""
