"""The detection engine's error catalogue: each message has a code and says what to do next."""

from __future__ import annotations

__all__ = ["Errors"]


class Errors:
    """Messages of errors in rules and their registration."""

    R001 = "[R001] Rule '{name}' is registered twice. Give each rule class a unique `name`."
    R002 = "[R002] Rule class {cls} has no `name`. Set a unique, lowercase `name` such as 'phone'."
    R003 = "[R003] Rule '{name}' declares no `labels`. List the labels it can report, e.g. `labels = (Label.PHONE,)`."
    R004 = "[R004] Rule '{name}' has score {score}; scores are between 0 and 1."
    R005 = "[R005] Registry.add() takes a Recognizer instance, not {kind}. Instantiate the rule class first."
    R006 = "[R006] Pattern '{name}' in rule '{rule}' does not compile: {error}."
