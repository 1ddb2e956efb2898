"""How a Summary looks: its headline, the text table of ``print(summary)`` and the notebook view."""

from __future__ import annotations

import datetime as _dt
import html as _html
from typing import TYPE_CHECKING, Any, List, Optional, Tuple

from ._safe_text import terminal

if TYPE_CHECKING:  # pragma: no cover
    from .summary import Summary


def _has_sip(s: "Summary") -> bool:
    return bool("sip" in s.protocols or s.requests or s.retransmissions or s.call_responses or s.calls)


def accounting(s: "Summary") -> List[Tuple[str, int]]:
    """Where the records went, as (label, number) pairs that add up to ``s.total`` at the summary's count
    level: counted, retransmissions (SIP transactions), responses read into calls (SIP calls), filtered,
    invalid and unparsed."""
    parts: List[Tuple[str, int]] = []
    if s.count == "events":  # error logs read as inputs: no status codes, so no invalid ones
        parts.append(("error-log events counted", s.counted))
        if s.filtered:
            parts.append(("filtered out", s.filtered))
        return parts + [("lines outside any event", s.unparsed)]
    if s.count == "calls" and _has_sip(s):
        # SIP counts are calls here, each made of the responses read into it; HTTP records count once.
        records = s.counted_by_protocol().get("http", 0)
        if records:
            parts.append(("counted", records))
        calls = f"{s.calls:,} call{'' if s.calls == 1 else 's'}"
        if s.incomplete_calls:
            calls += f" (+{s.incomplete_calls:,} without a final response)"
        parts.append((f"responses folded into {calls}", s.call_responses))
    else:
        parts.append(("counted", s.counted))
        if s.count == "transactions" and _has_sip(s):
            parts.append(("retransmissions", s.retransmissions))
    if s.filtered:
        parts.append(("filtered out", s.filtered))
    return parts + [("invalid status", s.invalid), ("unparsed", s.unparsed)]


def headline(s: "Summary") -> str:
    """What was read and where each record went; the figures after the dash add up to ``s.total``."""
    files = len(s.files)
    # A format read inside an envelope shows as "combined in syslog".
    formats = sorted({f.format + (f" in {f.wrapper}" if getattr(f, "wrapper", None) else "") for f in s.files if f.format})
    what = f"{files} input{'s' if files != 1 else ''}" + (f" ({', '.join(formats)})" if formats else "")
    line = f"{what}: {s.total:,} records — " + ", ".join(f"{n:,} {label}" for label, n in accounting(s))
    if _has_sip(s):
        line += f"; SIP {s.count}, {s.requests:,} requests"
    return line


TEXT_CELL = 60    # characters of a cell in a printed table: one long URL must not widen every row
HTML_CELL = 80    # ... in a notebook table, the whole value in the cell's hover title
HTML_ROWS = 40    # rows of a notebook table of quantiles


def format_changes(s: "Summary") -> List[str]:
    """One line per format change found part-way through an input (a reload with a new log_format)."""
    out = []
    for f in s.files:
        for line, offset, name, wrapper, why in f.changes:
            where = f"line {line:,}, byte {offset:,}" if line else f"byte {offset:,}"
            out.append(f"format change in {f.path} at {where}: {name}{f' in {wrapper}' if wrapper else ''} "
                       f"from there on ({why})")
    return out


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return terminal(str(value))  # log text never reaches a terminal raw


def _clip(text: str, width: int = TEXT_CELL) -> str:
    """``text`` in at most ``width`` columns: its start and its end (a URL's path, a file's name) around "…"."""
    if _width(text) <= width:
        return text
    head = _take(text, (width - 1) * 3 // 5)
    tail = _take(text[::-1], width - 1 - _width(head))[::-1]
    return head + "…" + tail


def _take(text: str, width: int) -> str:
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def table(s: "Summary", *, lang: Optional[str] = None, limit: int = 40) -> Tuple[List[str], List[List[str]], int]:
    """(header, rows of text, groups left out): every dimension, the code's name, count and share."""
    rows = s.rows(lang=lang)
    columns = s.columns()
    header = columns[:-1] + ["count", "share"]
    # HTTP and SIP are never added up: with a protocol column, a row's share is of its own protocol's counts.
    at = columns.index("protocol") if "protocol" in columns else None
    by_protocol = s.counts("protocol") if at is not None else {}
    body: List[List[str]] = []
    for row in rows[:limit]:
        n = row[-1]
        of = s.counted if at is None else by_protocol.get(row[at], 0)
        share = f"{100.0 * n / of:.1f}%" if of else "-"
        body.append([_cell(v) for v in row[:-1]] + [f"{n:,}", share])
    return header, body, max(0, len(rows) - limit)


def _width(text: str) -> int:
    # East Asian wide characters take two columns in a terminal.
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text(s: "Summary", *, lang: Optional[str] = None, limit: int = 40) -> str:
    header, body, more = table(s, lang=lang, limit=limit)
    body = [[_clip(c) for c in row] for row in body]
    widths = [max(_width(h), *(_width(r[i]) for r in body)) if body else _width(h) for i, h in enumerate(header)]
    numeric = {len(header) - 2, len(header) - 1}

    def pad(cell: str, width: int, right: bool) -> str:
        gap = " " * (width - _width(cell))
        return gap + cell if right else cell + gap

    def fmt(cells: List[str]) -> str:
        return "  ".join(pad(c, w, i in numeric) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    lines = [f"<logcodes.Summary {headline(s)}>", fmt(header), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in body]
    if more:
        lines.append(f"… {more} more groups")
    for p in s.problems:
        lines.append(f"problem: {p}")
    lines += format_changes(s)
    for x in s.unparsed_samples[:3]:
        lines.append(f"unparsed {x.file}:{x.line}: {x.text[:100]!r} ({x.why})")
    for x in s.invalid_samples[:3]:
        lines.append(f"invalid {x.file}:{x.line}: {x.why}")
    for x in s.inconsistent_samples[:3]:
        lines.append(f"inconsistent call {x.text} in {x.file}: {x.why}")
    for x in s.failed_call_samples[:3]:
        parties, *steps = x.why.split("\n")
        lines.append(f"failed call {x.text} in {x.file}: {parties}: {' · '.join(steps)}")
    return "\n".join(terminal(line) for line in lines)


def html(s: "Summary", *, lang: Optional[str] = None) -> str:
    """The notebook view: the headline, the first 20 groups and a small chart."""
    from . import _svg, codes

    header, body, more = table(s, lang=lang, limit=20)
    e = _html.escape
    extra = f"<p>… {more} more groups</p>" if more else ""
    problems = "".join(f"<p><b>problem:</b> {e(str(p))}</p>" for p in s.problems)
    chart = ""
    dim = next((d for d in ("class", "code", "cause", "outcome") if d in s.dims), None)
    if dim is not None and len(s):
        several = len(s.protocols) > 1
        keys = ("protocol", dim) if several else (dim,)
        counts = s.counts(*keys)
        items = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:8]
        label = lambda k: (f"{k[0]} {_cell(k[1])}" if several else _cell(k))  # noqa: E731
        chart = _svg.bar_chart([(label(k), n) for k, n in items], width=320, label_width=110, title=f"by {dim}")
    lang_attr = codes.get_lang() if lang is None else lang
    return (f"<div class='logcodes-summary' lang='{e(lang_attr)}'><p><b>logcodes.Summary</b> {e(headline(s))}</p>"
            f"<div style='display:flex;gap:16px;align-items:flex-start'>"
            f"<div>{_svg.table(header, body, cut=HTML_CELL)}{extra}</div><div>{chart}</div></div>{problems}</div>")
