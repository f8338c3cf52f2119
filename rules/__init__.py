"""The rule base: conditions as data (a model's rules.yaml), loaded into inspectable specs and compiled into experta."""

from branda.rules.model import (
    Condition,
    DiagnosticRule,
    IndicatorRule,
    RuleBase,
    StepRule,
    load_rulebase,
)

__all__ = [
    "Condition",
    "DiagnosticRule",
    "IndicatorRule",
    "RuleBase",
    "StepRule",
    "load_rulebase",
]
