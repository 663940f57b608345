"""The set of rules an engine runs; rejects anything that is not a rule and any name used twice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rules.detection.errors import Errors
from rules.detection.recognizer import Recognizer

__all__ = ["RuleRegistry"]


class RuleRegistry:
    """An ordered set of rules, unique by name."""

    def __init__(self, rules: Iterable[Recognizer] = ()) -> None:
        self._rules: dict[str, Recognizer] = {}
        for rule in rules:
            self.add(rule)

    def add(self, rule: Recognizer) -> None:
        """Register `rule`; raise if it is not a `Recognizer` or its name is taken."""
        if not isinstance(rule, Recognizer):
            raise TypeError(Errors.R005.format(kind=type(rule).__name__))
        if rule.name in self._rules:
            raise ValueError(Errors.R001.format(name=rule.name))
        self._rules[rule.name] = rule

    def remove(self, name: str) -> None:
        """Unregister the rule called `name` (KeyError if there is none)."""
        del self._rules[name]

    def __iter__(self) -> Iterator[Recognizer]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, name: object) -> bool:
        return name in self._rules

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the registered rules, in order."""
        return tuple(self._rules)
