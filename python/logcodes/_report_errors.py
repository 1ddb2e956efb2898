"""The report's error-first panels: error rate and its change, error rate over time, failing paths with their
causes, failing hosts and upstreams, latency per code, causes with the error-log events behind them, and what
was not counted. Each returns None when the summaries hold nothing for it, so no panel is ever empty."""

from __future__ import annotations

import collections
import datetime as _dt
import html
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from . import _svg
from .summary import Summary


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, pre: Sequence[int] = ()) -> str:
    return _svg.table(header, rows, pre=pre, labelled=True)

# Classes that are failures, per protocol (SIP 6xx: global failures, RFC 3261 §21.6).
ERROR_CLASSES = {"http": ("4xx", "5xx"), "sip": ("4xx", "5xx", "6xx")}
# Fields that name an upstream (a backend) in the formats that log one; the first a scan has values for is shown.
UPSTREAM_FIELDS = ("upstream_addr", "upstream_host", "upstream_cluster", "traefik_server_url", "backend")
# What a cause of None or "unknown" means: an error no rule or error-log event explained.
UNEXPLAINED = (None, "unknown")
_E = html.escape


def error_classes(protocol: Optional[str]) -> Tuple[str, ...]:
    return ERROR_CLASSES.get(protocol or "http", ERROR_CLASSES["http"])


# SIP 401/407 ask the client for credentials, which it sends in a new request (RFC 3261 §22): no failure.
SIP_CHALLENGES = (401, 407)


def _is_error(protocol: Optional[str], klass: Any, code: Any = None) -> bool:
    return klass in error_classes(protocol) and not (protocol == "sip" and code in SIP_CHALLENGES)


def _rows(s: Summary, with_time: bool) -> Iterator[Tuple[Any, Optional[str], Any, bool, int]]:
    """(time or None, protocol, class, is a failure, count) for every group with a class."""
    dims = [d for d in (("time",) if with_time else ()) + ("protocol", "class", "code") if d in s.dims]
    only = s.protocols[0] if s.protocols else None
    for key, n in s.counts(*dims).items():
        k = dict(zip(dims, key if isinstance(key, tuple) else (key,)))
        protocol = k.get("protocol", only)
        yield k.get("time"), protocol, k["class"], _is_error(protocol, k["class"], k.get("code")), n


def _rate(errors: int, total: int) -> str:
    return f"{100.0 * errors / total:.2f} %" if total else "-"


def _change(rows: Sequence[Tuple[Any, Optional[str], Any, bool, int]]) -> Optional[str]:
    """The error rate of the first and the second half of the rows' time span, as "a → b": how it moved."""
    rows = [r for r in rows if r[0] is not None]
    if not rows:
        return None
    start, end = min(r[0] for r in rows), max(r[0] for r in rows)
    if start == end:
        return None
    middle = start + (end - start) / 2
    halves = [[0, 0], [0, 0]]
    for t, _, _, e, n in rows:
        half = halves[0 if t < middle else 1]
        half[1] += n
        half[0] += n if e else 0
    return f"{_rate(*halves[0])} → {_rate(*halves[1])}"


def rate_over_time(s: Summary, step: int) -> Optional[str]:
    """Per failing class, its share of the records of each time bucket (of its own protocol), in percent."""
    if "time" not in s.dims or "class" not in s.dims or not s.counted:
        return None
    rows = [r for r in _rows(s, True) if r[0] is not None]
    if not rows:
        return None
    several = len(s.protocols) > 1
    totals: Dict[Tuple[int, Any], int] = collections.Counter()
    failing: Dict[Tuple[int, Any, Any], int] = collections.Counter()
    for t, protocol, klass, e, n in rows:
        bucket = int(t.timestamp()) // step * step
        totals[(bucket, protocol)] += n
        if e:
            failing[(bucket, protocol, klass)] += n
    if not failing:
        return None
    buckets = range(min(b for b, _ in totals), max(b for b, _ in totals) + step, step)
    series: Dict[str, List[Optional[float]]] = {}
    colors: Dict[str, str] = {}
    for protocol, klass in sorted({(p, c) for _, p, c in failing}, key=str):
        label = f"{protocol} {klass}" if several else str(klass)
        series[label] = [None if not totals.get((b, protocol)) else 100.0 * failing.get((b, protocol, klass), 0)
                         / totals[(b, protocol)] for b in buckets]
        colors[label] = _svg.CLASS_COLORS.get(str(klass), "#555")
    times = _svg.time_labels([_dt.datetime.fromtimestamp(b, _dt.timezone.utc) for b in buckets], step)
    note = "; SIP 401/407 (challenges) are no failures" if "sip" in s.protocols and "code" in s.dims else ""
    return _svg.lines(times, series, unit="%", colors=colors) + (
        f'<p class="meta">share of each bucket\'s records ({_step_text(step)}, UTC){note}; '
        "a gap: no records in that bucket</p>")


def _step_text(step: int) -> str:
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if step % size == 0:
            return f"per {step // size} {unit}"
    return f"per {step} s"


def _path_dim(s: Summary) -> Optional[str]:
    return next((d for d in ("path", "path_raw") if d in s.dims), None)


def _ranked(counts: Dict[Any, int], n: int) -> List[Tuple[Any, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]


def _breakdown(counts: Dict[Any, int], n: int = 4, what: str = "") -> str:
    items = _ranked({k: v for k, v in counts.items() if k is not None}, n)
    more = len([k for k in counts if k is not None]) - len(items)
    text = " · ".join(f"{k} ×{v:,}" for k, v in items) + (f" · {more} more" if more > 0 else "")
    return f"{what}{text}" if text else ""


def codes_and_causes(one: Summary, codes: int = 4) -> str:
    """'codes 502 ×3 · 504 ×1 — causes upstream_refused ×3': the codes of a group of failures and the causes
    that explain them (the unexplained left out), for a bar's note."""
    note = _breakdown(one.counts("code"), codes, "codes ")
    if "cause" in one.dims:
        causes = {c: m for c, m in one.counts("cause").items() if c not in UNEXPLAINED}
        if causes:
            note += " — causes " + _breakdown(causes, 3)
    return note


def failing_by(f: Summary, dim: str, klass: Optional[str] = None, n: int = 12) -> Optional[str]:
    """The values of ``dim`` (a path, host or upstream) with most failures of ``klass`` (all failures when
    None), each with its codes and causes under it; None when no failure has a value of ``dim``."""
    if dim not in f.dims or "code" not in f.dims:
        return None
    sub = f
    if klass is not None:
        sub = f.where(**{"class": klass}) if "class" in f.dims else f.where(code=klass)
    counts = {k: v for k, v in sub.counts(dim).items() if k is not None}
    if not counts:
        return None
    top = _ranked(counts, n)
    notes = [codes_and_causes(sub.where(**{dim: value})) for value, _ in top]
    more = len(counts) - len(top)
    tail = f'<p class="meta">… {more:,} more; {sum(counts.values()):,} failures in all</p>' if more > 0 else ""
    color = _svg.CLASS_COLORS.get(klass or "", "#d62728")
    return _svg.bars(top, notes=notes, colors=[color] * len(top)) + tail


def upstream_field(f: Summary) -> Optional[str]:
    return next((d for d in UPSTREAM_FIELDS if d in f.dims and any(k is not None for k in f.counts(d))), None)


def latency(s: Summary, lang: Optional[str]) -> Optional[str]:
    """Duration quantiles per code (from the scan's sketches): a table and the p99 of each code as bars."""
    if s.quantiles_of != "duration" or "code" not in s.dims:
        return None
    by = ("protocol", "code") if "protocol" in s.dims else ("code",)
    df = s.quantiles("duration", [0.5, 0.9, 0.99], by=by)
    df = df[df["count"] > 0]
    if df.empty:
        return None
    reasons = {tuple(r[:-2]): r[-2] for r in s.rows(*by, lang=lang)}
    rows, items = [], []
    for rec in df.itertuples(index=False):
        key = tuple(rec[:len(by)])
        code = key[-1] if len(by) == 1 or key[0] != "sip" else f"sip {key[-1]}"
        rows.append([code, reasons.get(key, ""), f"{int(rec.count):,}", _ms(rec.p50), _ms(rec.p90), _ms(rec.p99)])
        items.append((code, round(rec.p99 * 1000)))
    return (_svg.bars(items, unit=" ms")
            + _table(["code", "reason", "with a duration", "p50", "p90", "p99"], rows)
            + f'<p class="meta">bars: p99 per code; quantiles within {100 * (s.accuracy or 0):g} % of the exact '
              "value (DDSketch)</p>")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.2f} s"


def causes(f: Summary) -> Optional[str]:
    """Failures by cause, each with its codes, how it was found (an error-log event joined by request id,
    path or time, or a rule on the access line) and the error-log events behind it (``cause_detail``)."""
    if "cause" not in f.dims:
        return None
    counts = {c: n for c, n in f.counts("cause").items() if c not in UNEXPLAINED}
    if not counts:
        return None
    top = _ranked(counts, 15)
    rows = []
    for cause, n in top:
        one = f.where(cause=cause)
        codes = _breakdown(one.counts("code")) if "code" in f.dims else ""
        how = _breakdown(one.counts("cause_source"), 3) if "cause_source" in f.dims else ""
        details = ""
        if "cause_detail" in f.dims:
            seen = _ranked({k: v for k, v in one.counts("cause_detail").items() if k is not None}, 3)
            details = "\n".join(f"{d} (×{m:,})" for d, m in seen)
        rows.append([cause, f"{n:,}", codes, how, details])
    explained = sum(counts.values())
    unexplained = sum(n for c, n in f.counts("cause").items() if c in UNEXPLAINED)
    return (_svg.bars(top)
            + _table(["cause", "failures", "codes", "found by", "error-log events (detail)"], rows, pre=(4,))
            + f'<p class="meta">{explained:,} failures with a cause, {unexplained:,} without one</p>')


def not_counted(s: Summary) -> Optional[str]:
    """What was read but not counted (unparsed lines, invalid statuses, filtered records), why, with samples;
    and the errors no error-log event explained, with the events no rule names."""
    parts: List[str] = []
    figures = [("lines not in the format (unparsed)", s.unparsed), ("records whose status is not a code", s.invalid),
               ("records left out by filters", s.filtered)]
    rows = [[what, f"{n:,}"] for what, n in figures if n]
    samples = [(x, "unparsed") for x in s.unparsed_samples[:5]] + [(x, "invalid") for x in s.invalid_samples[:5]]
    if rows:
        parts.append(_table(["not counted", "records"], rows))
    if samples:
        text = "\n".join(f"{kind} {x.file}:{x.line}: {x.text[:300]}\n    why: {x.why}" for x, kind in samples)
        parts.append(f"<pre>{_E(text)}</pre>")
    if s.error_files:
        j = s.joins
        parts.append(f'<p>errors to explain: {sum(j.values()):,} — joined with an error-log event by request id '
                     f'{j["request_id"]:,}, by path {j["path"]:,}, by time {j["time"]:,}; not explained '
                     f'{j["none"]:,}</p>')
        templates = s.unexplained(5)
        if templates:
            parts.append("<h3>Error-log events no rule names</h3>" + _table(
                ["events", "template", "example"], [[f'{t["count"]:,}', t["template"][:200], t["example"][:300]]
                                                    for t in templates], pre=(2,)))
    return "".join(parts) or None


def tiles(s: Summary) -> List[Tuple[str, str, str]]:
    """Headline tiles as (value, label, css class), per protocol (HTTP and SIP are never added up): the error
    rate, its change from the first to the second half of the span, and each failing class."""
    out: List[Tuple[str, str, str]] = []
    if "class" not in s.dims:
        return out
    rows = list(_rows(s, False))
    timed = list(_rows(s, True)) if "time" in s.dims else []
    protocols = sorted({r[1] for r in rows}, key=str)
    for protocol in protocols:
        prefix = f"{protocol} " if len(protocols) > 1 else ""
        mine = [r for r in rows if r[1] == protocol]
        errors, total = sum(r[4] for r in mine if r[3]), sum(r[4] for r in mine)
        if not total:
            continue
        classes = error_classes(protocol)
        challenges = "; 401/407 challenges left out" if protocol == "sip" and "code" in s.dims else ""
        out.append((_rate(errors, total), f"{prefix}error rate ({'/'.join(classes)}{challenges})",
                    "bad" if errors else ""))
        change = _change([r for r in timed if r[1] == protocol])
        if change:
            out.append((change, f"{prefix}error rate, first → second half of the span", ""))
        for klass in classes:
            n = sum(r[4] for r in mine if r[2] == klass)
            out.append((f"{n:,}", f"{prefix}{klass}", "bad" if n else ""))
    return out
