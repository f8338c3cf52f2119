"""Make experta 1.9.4 importable on Python 3.10+: its pinned frozendict 1.2 uses ``collections.Mapping``."""

from __future__ import annotations

import collections
import collections.abc

_REMOVED_ALIASES = ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "Hashable")

for _name in _REMOVED_ALIASES:
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import experta  # noqa: E402  (must come after the aliases above)

if not hasattr(experta, "KnowledgeEngine"):  # experta's __init__ swallows ImportError
    raise ImportError("experta failed to import: experta.KnowledgeEngine is missing")

__all__ = ["experta"]
