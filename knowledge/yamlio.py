"""Read YAML safely and fast: libyaml's C loader when PyYAML has it, and a cache of parsed data files.

The bundled knowledge and rule files are parsed once; the parsed data is kept (as `marshal` data, which
holds only plain values) in BRANDA_CACHE_DIR, else $XDG_CACHE_HOME/branda or ~/.cache/branda, keyed by
the file's path, size and modification time, the Python version and the PyYAML installed (its own file's
path, size and time). BRANDA_CACHE_DIR set to an empty value turns the cache off; a cache that cannot be
read or written is simply not used. PyYAML itself is imported only when a file has to be parsed: a
command whose files are all in the cache starts some 12 ms sooner.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any


@cache
def safe_loader() -> Any:
    """PyYAML's safe loader: libyaml's C one when PyYAML was built with it."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text with a safe loader (never constructs arbitrary objects)."""
    import yaml

    return yaml.load(text, Loader=safe_loader())  # noqa: S506 - both loaders are safe loaders


def _cache_dir() -> Path | None:
    configured = os.environ.get("BRANDA_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "branda"


@cache
def _parser_stamp() -> str:
    """Which PyYAML would parse: its package file's path, size and time (read without importing it)."""
    spec = find_spec("yaml")
    origin = spec.origin if spec is not None else None
    if not origin:
        return "no-yaml"
    try:
        info = os.stat(origin)
    except OSError:
        return origin
    return f"{origin}|{info.st_size}|{info.st_mtime_ns}"


def load_yaml_file(path: Path) -> Any:
    """Parse a data file, through the cache when its parsed data is there for this very version of it."""
    stat = path.stat()
    folder = _cache_dir()
    entry = key = None
    if folder is not None:
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{sys.version_info[:2]}|{_parser_stamp()}"
        entry = folder / f"{zlib.crc32(key.encode()):08x}{len(key):04x}.marshal"
        try:
            kept_key, data = marshal.loads(entry.read_bytes())
            if kept_key == key:  # the name is a short checksum: the entry says whose it is
                return data
        except (OSError, EOFError, ValueError, TypeError):
            pass
    data = load_yaml(path.read_text(encoding="utf-8"))
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temp = entry.with_suffix(f".{os.getpid()}.tmp")
            temp.write_bytes(marshal.dumps((key, data)))
            os.replace(temp, entry)
        except (OSError, ValueError):  # unwritable cache, or data marshal cannot hold
            pass
    return data
