"""branda: a rule-based expert system that rates customer-service maturity on a maturity model, and explains why.

The repository's folders install as one import package: `branda.knowledge` (the model as data), `branda.rules`
(conditions compiled into experta, the fast evaluator), `branda.expert` (the engine session and every feature)
and `branda.cli` (the command line).
"""
