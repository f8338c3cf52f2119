"""The one writer: every file branda writes appears whole or not at all, and an OS error is one line naming it.

The content goes to a temporary file in the target's folder, `.NAME.branda-PID-XXXX.tmp`, that `os.replace`
puts in place when it is complete; on any error it is removed. One that a SIGKILL left behind (its process is
gone) is removed by the next write to that folder. (Linux's unnamed O_TMPFILE would leave nothing even then,
but linking it into place through /proc is refused on some systems, this sandbox among them.)
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from branda.expert.errors import InputError

_REASONS = {
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "the folder does not exist",
    errno.EISDIR: "it is a directory",
}
_STALE = re.compile(r"^\.(?P<name>.+)\.branda-(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")


def write_error(path: str | Path, exc: OSError) -> InputError:
    """The one-line error for an OS error met while writing `path`."""
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    return InputError(str(path), f"cannot write the file: {reason}; nothing was written")


def check_writable(path: str | Path) -> None:
    """Refuse (InputError naming the file) a target that cannot be written: a folder, a missing or read-only folder."""
    target = Path(path)
    if target.is_dir():
        raise InputError(str(target), "is a directory; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise InputError(str(target), f"the folder {str(folder)!r} does not exist")
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:  # statvfs unavailable: the write itself will tell
        read_only = False
    if read_only:
        raise write_error(target, OSError(errno.EROFS, "read-only"))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(str(target), f"cannot write to the folder {str(folder)!r}: permission denied")


def clean_stale(folder: str | Path) -> None:
    """Remove branda's own named temporaries in `folder` whose writing process no longer runs."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _STALE.match(name)
        if m and not _alive(int(m["pid"])):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _mode_for(target: Path) -> int:
    """The existing file's permissions, or what a newly created file would get."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _temp_name(target: Path) -> Path:
    return target.parent / f".{target.name}.branda-{os.getpid()}-{os.urandom(4).hex()}.tmp"


@contextmanager
def atomic_output(path: str | Path, *, newline: str = "",
                  hold: Callable[[int], None] | None = None) -> Iterator[IO[str]]:
    """A text file to write that replaces `path` only when the block ends without an error.

    `hold(fd)`, if given, is called with the finished file's descriptor just before it takes `path`'s place
    (the interview locks it there, so the lock is on the file from the moment it has the name).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    clean_stale(folder)
    mode = _mode_for(target)
    named: Path | None = _temp_name(target)
    try:
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
            os.fchmod(f.fileno(), mode)
            if hold is not None:
                hold(f.fileno())
            os.replace(named, target)
            named = None
    except OSError as exc:
        if exc.filename is not None and str(exc.filename) not in (str(folder), str(named), str(target)):
            raise  # not our write: an error of the caller's own (reading its input, say)
        raise write_error(target, exc) from None
    finally:
        if named is not None:
            try:
                named.unlink()
            except OSError:
                pass


def write_atomic(path: str | Path, text: str, *, hold: Callable[[int], None] | None = None) -> None:
    """Write `text` to `path` whole or not at all; an OS error is an InputError naming the file."""
    data_size = len(text.encode("utf-8", "surrogateescape"))
    target = Path(path)
    try:
        stat = os.statvfs(target.parent if str(target.parent) else ".")
        if stat.f_bavail * stat.f_frsize < data_size:
            raise write_error(target, OSError(errno.ENOSPC, "no space"))
    except OSError:
        pass
    with atomic_output(target, newline="\n", hold=hold) as f:
        f.write(text)
