"""Small inline SVG charts (no external assets, no JavaScript) for notebooks and the HTML report."""

from __future__ import annotations

import html
from typing import Any, Mapping, Optional, Sequence, Tuple

CLASS_COLORS = {"1xx": "#8c8c8c", "2xx": "#2ca02c", "3xx": "#1f77b4", "4xx": "#ff7f0e", "5xx": "#d62728",
                "6xx": "#9467bd"}
_PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
            "#bab0ac"]


def color_for(label: Any, i: int) -> str:
    """The class colour for ``"5xx"`` (and for a code, its class's), else a palette colour."""
    text = str(label)
    if text in CLASS_COLORS:
        return CLASS_COLORS[text]
    if text.isdigit() and len(text) == 3 and f"{text[0]}xx" in CLASS_COLORS:
        return CLASS_COLORS[f"{text[0]}xx"]
    return _PALETTE[i % len(_PALETTE)]


def bar_chart(items: Sequence[Tuple[Any, int]], *, width: int = 360, bar: int = 16, label_width: int = 120,
              title: Optional[str] = None) -> str:
    """Horizontal bars, one per ``(label, value)``, largest scale first as given."""
    e = html.escape
    top = 20 if title else 4
    height = top + bar * len(items) + 4
    peak = max((v for _, v in items), default=0) or 1
    area = width - label_width - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="logcodes-chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="11">']
    if title:
        parts.append(f'<text x="0" y="13" font-weight="bold">{e(title)}</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * bar
        w = max(1.0, area * value / peak) if value else 0
        text = str(label)
        fits = max(8, label_width // 7)  # ~7 px per character at 11 px, wide letters included
        short = text if len(text) <= fits else text[:fits - 1] + "…"
        parts.append(f'<text x="{label_width - 4}" y="{y + bar - 4}" text-anchor="end"><title>{e(text)}</title>'
                     f'{e(short)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{bar - 4}" '
                     f'fill="{color_for(label, i)}"/>')
        parts.append(f'<text x="{label_width + w + 4:.1f}" y="{y + bar - 4}">{value:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_area(times: Sequence[str], series: Mapping[Any, Sequence[int]], *, width: int = 720,
                 height: int = 220, title: Optional[str] = None) -> str:
    """Stacked areas over time: ``series`` maps a label to one count per entry of ``times``."""
    e = html.escape
    left, right, top, bottom = 50, 90, 22 if title else 6, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(times)
    totals = [sum(s[i] for s in series.values()) for i in range(n)]
    peak = max(totals, default=0) or 1

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="logcodes-chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="11">']
    if title:
        parts.append(f'<text x="0" y="13" font-weight="bold">{e(title)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>')
    parts.append(f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{peak:,}</text>')
    parts.append(f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>')
    below = [0] * n
    for k, (label, values) in enumerate(series.items()):
        above = [below[i] + values[i] for i in range(n)]
        if n == 1:
            pts_top = [(x(0) - 4, y(above[0])), (x(0) + 4, y(above[0]))]
            pts_bottom = [(x(0) + 4, y(below[0])), (x(0) - 4, y(below[0]))]
        else:
            pts_top = [(x(i), y(above[i])) for i in range(n)]
            pts_bottom = [(x(i), y(below[i])) for i in reversed(range(n))]
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in pts_top + pts_bottom)
        color = color_for(label, k)
        parts.append(f'<polygon points="{points}" fill="{color}" fill-opacity="0.85" stroke="{color}">'
                     f'<title>{e(str(label))}: {sum(values):,}</title></polygon>')
        ly = top + 12 + 14 * k
        parts.append(f'<rect x="{left + plot_w + 8}" y="{ly - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{left + plot_w + 22}" y="{ly}">{e(str(label))}</text>')
        below = above
    if n:
        parts.append(f'<text x="{left}" y="{height - 6}">{e(times[0])}</text>')
        if n > 1:
            parts.append(f'<text x="{left + plot_w}" y="{height - 6}" text-anchor="end">{e(times[-1])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, its start and end kept around "…" (a path's file name stays)."""
    if len(text) <= width:
        return text
    head = (width - 1) * 3 // 5
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, pre: Sequence[int] = (), labelled: bool = False,
          cut: int = 0) -> str:
    """An HTML table of already formatted cells; the columns in ``pre`` keep their line breaks. ``labelled``:
    each cell names its column (``data-h``) and the table has class ``rows``, so the report's CSS can turn
    rows into blocks on narrow screens. ``cut``: cells longer than that many characters are cut, their
    whole text in a hover title (notebooks: one long URL does not widen the whole table)."""
    e = html.escape

    def cell(i: int, c: Any) -> str:
        text = str(c)
        if cut and len(text) > cut:
            return f'<td title="{e(text)}">{e(clip(text, cut))}</td>'

        # Only a long unbroken word (a path, a URL) may break anywhere; short ones keep whole. data-h names
        # the column for narrow screens, where each row becomes a block (the report's CSS).
        long = " long" if any(len(w) > 24 for w in text.split()) else ""
        # A short cell (a number and its unit, "53.8 %") is never broken in two.
        short = " short" if labelled and len(text) <= 12 else ""
        head = f' data-h="{e(str(header[i]))}"' if labelled and i < len(header) else ""
        if i in pre or long or short:
            return f'<td class="{"pre" if i in pre else ""}{long}{short}"{head}>{e(text)}</td>'
        return f"<td{head}>{e(text)}</td>"

    head = "".join(f"<th>{e(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(i, c) for i, c in enumerate(r)) + "</tr>" for r in rows)
    opening = '<table class="rows">' if labelled else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bars(items: Sequence[Tuple[Any, int]], *, notes: Optional[Sequence[str]] = None, colors: Optional[Sequence[str]] = None,
         unit: str = "") -> str:
    """Horizontal bars in HTML and CSS (no SVG): they take the width of their card at any window size, long
    labels wrap instead of being cut, and every bar ends with its number, which always fits (the bar's
    length is a share of what the number leaves). ``notes`` adds a small line under a label (its codes or
    causes); ``unit`` follows each number."""
    if not items:
        return ""
    e = html.escape
    peak = max((v for _, v in items), default=0) or 1
    texts = [f"{v:,}{unit}" for _, v in items]
    room = max(len(t) for t in texts) + 1   # characters kept free for the number after the longest bar
    rows = []
    for i, ((label, value), number) in enumerate(zip(items, texts)):
        text = "(none)" if label is None else str(label)
        shown = text if len(text) <= 160 else text[:159] + "…"   # the whole value stays in the hover title
        note = f'<small>{e(notes[i])}</small>' if notes and notes[i] else ""
        color = colors[i] if colors else color_for(label, i)
        share = value / peak
        rows.append(f'<div class="lbl" title="{e(text)}">{e(shown)}{note}</div>'
                    f'<div class="track"><span class="fill" style="width:calc((100% - {room}ch) * {share:.4f});'
                    f'background:{color}"></span><span class="num">{e(number)}</span></div>')
    return f'<div class="bars">{"".join(rows)}</div>'


def lines(times: Sequence[str], series: Mapping[Any, Sequence[Optional[float]]], *, unit: str = "%",
          width: int = 1100, height: int = 220, colors: Optional[Mapping[Any, str]] = None) -> str:
    """Lines over time (a rate per bucket, say): one polyline per series, the y axis from 0 to the highest
    value with its unit, a legend, the first and last times under the axis. ``None`` values (no records in
    that bucket) break the line. Scales to its container (viewBox)."""
    e = html.escape
    left, right, top, bottom = 52, 70, 8, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(times)
    values = [v for s in series.values() for v in s if v is not None]
    peak = max(values, default=0.0) or 1.0

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="logcodes-chart" viewBox="0 0 {width} {height}" '
             f'role="img" font-family="sans-serif" font-size="11">']
    for frac in (0.0, 0.5, 1.0):
        yy = y(peak * frac)
        parts.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{left + plot_w}" y2="{yy:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{yy + 4:.1f}" text-anchor="end">{_number(peak * frac)} {e(unit)}</text>')
    for k, (label, vals) in enumerate(series.items()):
        color = (colors or {}).get(label) or color_for(label, k)
        run: list = []
        for i, v in enumerate(list(vals) + [None]):
            if v is not None:
                run.append(f"{x(i):.1f},{y(v):.1f}")
                continue
            if len(run) == 1:
                cx, cy = run[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{color}"/>')
            elif run:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2"/>')
            run = []
        ly = top + 12 + 14 * k
        parts.append(f'<rect x="{left + plot_w + 8}" y="{ly - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{left + plot_w + 22}" y="{ly}">{e(str(label))}</text>')
    if n:
        parts.append(f'<text x="{left}" y="{height - 6}">{e(times[0])}</text>')
        if n > 1:
            parts.append(f'<text x="{left + plot_w}" y="{height - 6}" text-anchor="end">{e(times[-1])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _number(v: float) -> str:
    """An axis number: no needless decimals (0, 2.5, 12, 0.04)."""
    if v == 0:
        return "0"
    digits = 0 if v >= 10 else 1 if v >= 1 else 2 if v >= 0.1 else 3
    return f"{v:,.{digits}f}"


def time_labels(times: Any, step: int) -> list:
    """Time axis labels: to the second when the buckets are shorter than a minute, else to the minute."""
    fmt = "%Y-%m-%d %H:%M:%S" if step < 60 else "%Y-%m-%d %H:%M"
    return [t.strftime(fmt) for t in times]
