"""Running a check without root's rights: as root every file is readable, so permission tests run their
check in a forked child that became `nobody` (CI runs as root; a test skipped there would never run)."""

from __future__ import annotations

import os
from typing import Callable


def as_nobody(fn: Callable[[], int]) -> int:
    """fn() in a forked child that dropped root for `nobody` (or fn() itself when not root); its exit status."""
    if os.geteuid() != 0:
        return fn()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 3
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            code = fn()
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
