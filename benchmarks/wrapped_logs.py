"""Copies of a generated combined log inside the envelopes logcodes peels, for the envelope benchmark.

    syslog  each line as nginx sends it with `access_log syslog:server=...` (RFC 3164: "<PRI>TIME HOST TAG: ",
            src/core/ngx_syslog.c), the time moving one second every 128 lines
    cri     each line as containerd writes a container's stdout ("TIME stdout F ", kubelet's CRI log format)

The records are those of the combined file, so its truth holds for the copies (a blank line becomes an
envelope around an empty line: neither is a record).
"""

from __future__ import annotations

import os
from pathlib import Path

WRAPPERS = ("syslog", "cri")
_BATCH = 1 << 16  # lines per write


def _headers(wrapper: str, n: int) -> bytes:
    sec = n // 128
    h, m, s = 10 + sec // 3600 % 12, sec // 60 % 60, sec % 60
    if wrapper == "syslog":
        return b"<190>Dec  5 %02d:%02d:%02d web1 nginx: " % (h, m, s)
    return b"2026-12-05T%02d:%02d:%02d.%09dZ stdout F " % (h, m, s, n % 1_000_000_000)


def ensure(path: Path, wrapper: str) -> Path:
    """`path` wrapped in `wrapper`, written beside it unless a copy newer than it is already there."""
    if wrapper not in WRAPPERS:
        raise ValueError(f"unknown wrapper {wrapper!r} (one of {', '.join(WRAPPERS)})")
    out = path.with_name(f"{path.stem}.{wrapper}{path.suffix}")
    if out.exists() and out.stat().st_mtime >= path.stat().st_mtime:
        return out
    tmp = out.with_name(out.name + ".tmp")
    n = 0
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        batch: list[bytes] = []
        for line in src:
            batch.append(_headers(wrapper, n) + line)
            n += 1
            if len(batch) >= _BATCH:
                dst.write(b"".join(batch))
                batch.clear()
        dst.write(b"".join(batch))
    os.replace(tmp, out)
    return out
