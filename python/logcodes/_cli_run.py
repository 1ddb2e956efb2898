"""What the command line does around a command: relative times as option values, a closed output, and a
scan that recognised nothing."""

from __future__ import annotations

import os
import re
import sys
from typing import List, Optional, Sequence

from .summary import Summary

EXIT_EMPTY = 3               # nothing at all was recognised (--allow-empty: 0)
EXIT_CLOSED_OUTPUT = 128 + 13  # what a shell reports for a process ended by SIGPIPE: `logcodes codes | head`

# Options whose value may be a relative time before now: "-1h", "-30min", "-2d".
_TIME_OPTIONS = ("--since", "--until")
_NEGATIVE = re.compile(r"-\d")


def join_negative_times(argv: Sequence[str]) -> List[str]:
    """``--since -1h`` -> ``--since=-1h``: argparse takes a value that starts with "-" and is not a plain
    number for an option, so the README's own ``--since -1h`` would be refused."""
    out: List[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out.extend(argv[i:])
            break
        if arg in _TIME_OPTIONS and i + 1 < len(argv) and _NEGATIVE.match(argv[i + 1]):
            out.append(f"{arg}={argv[i + 1]}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def closed_output_status() -> int:
    """The reader of our output went away (``| head``): end quietly, with the status a shell gives a
    process ended by SIGPIPE. Standard output is pointed at /dev/null so the interpreter's last flush
    cannot complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # no real file descriptor (an in-process caller's captured stdout): nothing to silence
    return EXIT_CLOSED_OUTPUT


def nothing_recognised(summary: Summary, *, format: str = "auto") -> Optional[str]:
    """A one-line reason when no record, message or event at all was recognised in the inputs; None otherwise
    (records left out by filters or with an invalid status were recognised)."""
    if summary.total - summary.unparsed > 0:
        return None
    packets = sum(f.packets for f in summary.files)
    if summary.lines == 0 and packets == 0:
        return "nothing recognised: the input is empty (--allow-empty exits 0)"
    read = f"{summary.lines:,} lines" if summary.lines else f"{packets:,} packets"
    if format != "auto":
        why = f"none is in the format {format!r}"
    else:
        detections = [f.detection for f in summary.files if f.format is None and f.detection]
        why = detections[0] if detections else "no known format matches them"
    return (f"nothing recognised in {read} read ({why}); see `logcodes detect FILE` and `logcodes formats`, "
            "or --allow-empty to exit 0")
