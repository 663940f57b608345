"""The built-in rules, listed in one place. Each module groups the rules for related labels."""

from __future__ import annotations

from rules.detection.recognizer import Recognizer
from rules.detection.recognizers.contact import contact_rules
from rules.detection.recognizers.entities import entity_rules
from rules.detection.recognizers.ids import id_rules
from rules.detection.recognizers.places import place_rules
from rules.detection.recognizers.when import time_rules

__all__ = ["builtin_rules"]


def builtin_rules() -> list[Recognizer]:
    """Fresh instances of every built-in rule, in the order they run."""
    return [*contact_rules(), *id_rules(), *place_rules(), *time_rules(), *entity_rules()]
