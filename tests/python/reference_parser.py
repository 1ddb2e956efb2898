"""A small pure-Python reading of the NCSA access-log family (``common``, ``combined``, ``nginx_main``).

It is the yardstick the C++ parser is checked against (``test_properties.py``): written from the format
description in the README, not from the C++ code, and kept slow and obvious on purpose.

A line is ``CLIENT IDENT USER [TIME] "REQUEST" STATUS BYTES`` followed by the format's quoted fields.
logcodes reads such lines leniently, as servers really write them:

- the request may hold spaces and escaped quotes (``\\"``); it ends at the first unescaped ``"`` that is
  followed by a space and a status-like token (``-`` or 1–6 digits), else at the first unescaped ``"``
  followed by a space and any token (the status is then invalid, but the line is not lost);
- missing or extra fields after the status do not matter;
- one trailing CR is ignored; lines of only spaces, tabs and CRs are blank (not records).

A status counts when it is three digits from 100 to 599; anything else is an invalid status.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import List, Optional

_STATUS_LIKE = re.compile(rb"-|[0-9]{1,6}")
_HTTP_CODE = re.compile(rb"[1-5][0-9][0-9]")


@dataclasses.dataclass
class Tally:
    """What a scan of some bytes must report."""

    codes: Counter = dataclasses.field(default_factory=Counter)
    invalid: int = 0
    unparsed: int = 0
    blank: int = 0
    lines: int = 0

    @property
    def total(self) -> int:
        return sum(self.codes.values()) + self.invalid + self.unparsed


def _escaped(line: bytes, q: int) -> bool:
    """Is the quote at ``q`` escaped (preceded by an odd number of backslashes)?"""
    n = 0
    while q - n - 1 >= 0 and line[q - n - 1:q - n] == b"\\":
        n += 1
    return n % 2 == 1


def _token_at(line: bytes, start: int) -> bytes:
    end = line.find(b" ", start)
    return line[start:] if end < 0 else line[start:end]


def status_of(line: bytes) -> Optional[bytes]:
    """The status token of one access-log line, or None when the line is not in the format."""
    if line.endswith(b"\r"):
        line = line[:-1]
    bracket = line.find(b" [")
    if bracket < 0:
        return None
    close = line.find(b"]", bracket + 2)
    if close < 0 or line[close + 1:close + 3] != b' "':
        return None
    # Candidate ends of the request: unescaped quotes followed by " " and a non-space.
    first_any = None
    for q in range(close + 3, len(line)):
        if line[q:q + 1] != b'"' or _escaped(line, q):
            continue
        if q + 2 >= len(line) or line[q + 1:q + 2] != b" " or line[q + 2:q + 3] == b" ":
            continue
        token = _token_at(line, q + 2)
        if _STATUS_LIKE.fullmatch(token):
            return token
        if first_any is None:
            first_any = token
    return first_any


def tally(body: bytes) -> Tally:
    """Counts for ``body`` read as an access log (split at ``\\n``; an unterminated last line counts)."""
    t = Tally()
    lines: List[bytes] = body.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for line in lines:
        t.lines += 1
        if line.strip(b" \t\r") == b"":
            t.blank += 1
            continue
        status = status_of(line)
        if status is None:
            t.unparsed += 1
        elif _HTTP_CODE.fullmatch(status):
            t.codes[int(status)] += 1
        else:
            t.invalid += 1
    return t
