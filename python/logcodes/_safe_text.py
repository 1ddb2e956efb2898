"""Log text where it is shown: terminals, CSV cells and JSON documents.

Text from the core is already valid UTF-8 in which every byte that was not UTF-8 reads ``\\xNN`` and a
log's own backslash is doubled where it would read as such an escape (``raw_bytes`` undoes that). It can
still hold characters that act on a terminal (``ESC [2J``, a bidi override) or that a spreadsheet runs as
a formula (``=cmd|...``). The renderers pass it through these helpers:

- ``terminal``: control characters (C0, DEL, C1), bidi controls and line separators are shown as
  ``\\x1b`` / ``\\u202e``; lone surrogates (from a file name that is not UTF-8) as the byte they stand for;
- ``csv_cell``: ``terminal``, and a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR
  gets a leading ``'`` (OWASP's advice against CSV injection); numbers stay numbers;
- ``json_dumps``: JSON with the same characters written as ``\\uXXXX`` escapes (nothing is lost).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["terminal", "terminal_lines", "csv_cell", "json_dumps", "raw_bytes"]

# What a terminal acts on or that reorders the text around it.
_ACTIVE = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# Those characters, and a backslash just before one (doubled, so the escape that follows stays readable).
_SHOWN = re.compile(f"\\\\(?=[{_ACTIVE}])|[{_ACTIVE}]")
_ACTIVE_ONLY = re.compile(f"[{_ACTIVE}]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = re.compile(r"\\\\|\\x([0-9a-fA-F]{2})")


def _shown(m: "re.Match[str]") -> str:
    c = m.group()
    if c == "\\":
        return "\\\\"
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # os.fsdecode's stand-in for a byte that is not UTF-8
        return f"\\x{n - 0xDC00:02x}"
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def terminal(text: str) -> str:
    """``text`` safe to print: control and bidi characters shown as escapes, never written raw.

    >>> terminal("GET /\\x1b[2J")
    'GET /\\\\x1b[2J'
    """
    if text.isprintable():  # the common case: nothing to show differently
        return text
    return _SHOWN.sub(_shown, text)


def terminal_lines(text: str) -> str:
    """An error message safe to print: as ``terminal`` for each of its lines, keeping the line breaks that
    the message itself has (a format error shows the format on its own line with a caret under the fault).

    >>> print(terminal_lines("bad format (at offset 3)\\n    %h %{\\n       ^"))
    bad format (at offset 3)
        %h %{
           ^
    """
    return "\n".join(terminal(line) for line in text.split("\n"))


def csv_cell(value: Any) -> Any:
    """A CSV cell: text made terminal-safe and, when a spreadsheet would read it as a formula, prefixed
    with ``'``; numbers and other values unchanged.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("-1"), csv_cell(-1), csv_cell("/a")
    ('\\'=HYPERLINK("http://x")', "'-1", -1, '/a')
    """
    if not isinstance(value, str):
        return value
    text = terminal(value)  # a leading tab or CR is shown as \x09 / \x0d, and still marked
    return "'" + text if value.startswith(_FORMULA_START) else text


def json_dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, **kwargs)`` with control, bidi and surrogate characters as
    ``\\uXXXX`` escapes: the same data, safe to print."""
    text = json.dumps(obj, ensure_ascii=False, **kwargs)
    if text.isprintable():
        return text
    # Outside strings JSON has only ASCII (and the whitespace of indent=, kept as it is).
    return _ACTIVE_ONLY.sub(lambda m: m.group() if m.group() in "\n\t\r " else f"\\u{ord(m.group()):04x}", text)


def raw_bytes(text: str) -> bytes:
    """The bytes of the log behind a text logcodes returned (a key, a sample, a record column): ``\\xNN``
    is the byte NN and ``\\\\`` one backslash; the rest is UTF-8. Distinct bytes give distinct texts, and
    this gives them back.

    >>> raw_bytes("/caf\\\\xe9"), raw_bytes("/a\\\\\\\\xe9")
    (b'/caf\\xe9', b'/a\\\\xe9')
    """
    if "\\" not in text:
        return text.encode("utf-8", "surrogateescape")
    out = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(text):
        out += text[pos:m.start()].encode("utf-8", "surrogateescape")
        out += b"\\" if m.group(1) is None else bytes([int(m.group(1), 16)])
        pos = m.end()
    out += text[pos:].encode("utf-8", "surrogateescape")
    return bytes(out)
