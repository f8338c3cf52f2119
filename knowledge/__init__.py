"""The model as data: levels, facts, scale, diagnostics, transitions and texts, in each language of the model."""

from branda.knowledge.loader import DiagnosticDef, FactDef, Knowledge, KnowledgeError, Level, Text, load_knowledge
from branda.knowledge.model import BUNDLED, Model, ModelError, check_model, load_model

__all__ = [
    "BUNDLED",
    "DiagnosticDef",
    "FactDef",
    "Knowledge",
    "KnowledgeError",
    "Level",
    "Model",
    "ModelError",
    "Text",
    "check_model",
    "load_knowledge",
    "load_model",
]
