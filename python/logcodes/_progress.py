"""Progress reporting for long scans: a tqdm bar on stderr, or the caller's callback."""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional, Union

ProgressArg = Union[bool, Callable[[int, int], None], None]


class Progress:
    """Receives (bytes done, bytes total) a few times a second while a scan runs."""

    def __init__(self, progress: ProgressArg, description: str = "scanning") -> None:
        self._callback: Optional[Callable[[int, int], None]] = None
        self._bar: Any = None
        self._description = description
        if callable(progress):
            self._callback = progress
        elif progress:
            self._callback = self._update_bar

    def _update_bar(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

            self._bar = tqdm(total=total or None, unit="B", unit_scale=True, unit_divisor=1024,
                             desc=self._description, file=sys.stderr, leave=False, dynamic_ncols=True)
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.update(max(0, min(done, total or done) - self._bar.n))

    def __call__(self, done: int, total: int) -> None:
        if self._callback is not None:
            self._callback(done, total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
