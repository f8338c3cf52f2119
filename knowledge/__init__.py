"""The five-level model as data: levels, facts, diagnostics and texts, in English and Lithuanian."""

from knowledge.loader import (
    LANGUAGES,
    DiagnosticDef,
    FactDef,
    Knowledge,
    KnowledgeError,
    Level,
    Text,
    load_knowledge,
)

__all__ = [
    "LANGUAGES",
    "DiagnosticDef",
    "FactDef",
    "Knowledge",
    "KnowledgeError",
    "Level",
    "Text",
    "load_knowledge",
]
