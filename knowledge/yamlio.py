"""Read YAML safely and fast: libyaml's C loader when PyYAML has it, and a cache of parsed data files.

The bundled knowledge and rule files are parsed once; the parsed data is kept (as `marshal` data, which
holds only plain values) in BRANDA_CACHE_DIR, else $XDG_CACHE_HOME/branda or ~/.cache/branda, keyed by
the file's path, size and modification time. BRANDA_CACHE_DIR set to an empty value turns the cache off;
a cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
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


def _cache_dir() -> Path | None:
    configured = os.environ.get("BRANDA_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "branda"


def load_yaml_file(path: Path) -> Any:
    """Parse a data file, through the cache when its parsed data is there for this very version of it."""
    stat = path.stat()
    folder = _cache_dir()
    entry = None
    if folder is not None:
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{sys.version_info[:2]}|{yaml.__version__}"
        entry = folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.marshal"
        try:
            return marshal.loads(entry.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass
    data = load_yaml(path.read_text(encoding="utf-8"))
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temp = entry.with_suffix(f".{os.getpid()}.tmp")
            temp.write_bytes(marshal.dumps(data))
            os.replace(temp, entry)
        except (OSError, ValueError):  # unwritable cache, or data marshal cannot hold
            pass
    return data
