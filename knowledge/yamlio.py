"""Read YAML safely and fast: libyaml's C loader when PyYAML has it, the pure-Python one otherwise."""

from __future__ import annotations

from typing import Any

import yaml

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

YAMLError = yaml.YAMLError


def load_yaml(text: str) -> Any:
    """Parse YAML text with a safe loader (never constructs arbitrary objects)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - both loaders are safe loaders
