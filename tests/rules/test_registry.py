"""Rules declare who they are, and the registry refuses anything that is not a rule or reuses a name."""

import pytest

from rules.detection.findings import Label
from rules.detection.recognizer import Pattern, PatternRecognizer, Recognizer
from rules.detection.recognizers import builtin_rules
from rules.detection.registry import RuleRegistry


class Colour(PatternRecognizer):
    """A test rule."""

    name = "colour"
    labels = (Label.ORG,)
    PATTERNS = (Pattern("colour", r"\bteal\b", 0.5),)


def test_duplicate_names_are_rejected_with_a_coded_message():
    """Registering two rules with one name raises R001 naming it."""
    registry = RuleRegistry([Colour()])
    with pytest.raises(ValueError, match=r"\[R001\] Rule 'colour' is registered twice"):
        registry.add(Colour())


def test_only_rules_can_be_registered():
    """Registering a class or any other object raises R005."""
    with pytest.raises(TypeError, match=r"\[R005\].*not ABCMeta"):
        RuleRegistry().add(Colour)  # the class, not an instance


def test_a_rule_without_name_or_labels_cannot_be_defined():
    """Defining a concrete rule without a name (R002) or without labels (R003) fails at class creation."""
    with pytest.raises(TypeError, match=r"\[R002\]"):

        class Nameless(Recognizer):
            labels = (Label.ORG,)

            def analyze(self, ctx):
                return iter(())

    with pytest.raises(TypeError, match=r"\[R003\]"):

        class Labelless(Recognizer):
            name = "labelless"

            def analyze(self, ctx):
                return iter(())


def test_pattern_scores_and_regexes_are_checked():
    """A pattern with a score outside 0..1 (R004) or a broken regex (R006) is refused."""
    with pytest.raises(ValueError, match=r"\[R004\]"):
        Pattern("bad", "x", 1.5)
    with pytest.raises(ValueError, match=r"\[R006\]"):
        Pattern("bad", "(", 0.5)


def test_builtin_rules_have_unique_names_and_cover_every_label():
    """The built-in rule set registers cleanly and covers every label of the contract."""
    registry = RuleRegistry(builtin_rules())
    assert len(registry) == len(builtin_rules())
    covered = {label for rule in registry for label in rule.labels}
    assert covered == set(Label)
    assert all(rule.rule_id == f"{rule.name}.v{rule.version}" for rule in registry)


def test_remove_and_membership():
    """A rule can be removed by name; membership is by name."""
    registry = RuleRegistry([Colour()])
    assert "colour" in registry
    registry.remove("colour")
    assert "colour" not in registry and registry.names == ()
