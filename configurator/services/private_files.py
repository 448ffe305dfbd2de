"""Writing files that hold configuration, logs, captures or recordings: readable by the user
only, and never left half-written under their real name.

On Unix the file is created 0600 (and a leftover ``.partial`` of someone else's is set back
to 0600 before anything is written into it); on Windows a file in the user's own folders is
private through its inherited ACL, and ``os.fchmod`` does not exist there.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE = 0o600


def write_private(path: str | os.PathLike[str], content: bytes) -> None:
    """Write ``content`` to ``path`` atomically (a ``.partial`` beside it, then a rename) and
    privately. Raises ``OSError`` (the partial file removed) when it cannot."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(partial, flags, PRIVATE)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), PRIVATE)
            fh.write(content)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
