"""The report's SIP panels: calls by outcome with the RFC 6076 / E.411 ratios and delays, ASR and NER over time,
failure codes with their Q.850 and Warning causes, the destinations and sources that fail most, and
registrations. Each returns None when the summaries
hold nothing for it."""

from __future__ import annotations

import html
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import _kpis, _svg
from ._report_errors import UNEXPLAINED, _breakdown, _ranked, _step_text, codes_and_causes
from .summary import Summary


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, pre: Sequence[int] = ()) -> str:
    return _svg.table(header, rows, pre=pre, labelled=True)

_OUTCOME_COLORS = {"answered": "#2ca02c", "busy": "#ff7f0e", "no_answer": "#bcbd22", "rejected": "#9467bd",
                   "cancelled": "#8c8c8c", "failed": "#d62728"}


def _percent(value: Optional[float]) -> str:
    return "-" if value is None else f"{100.0 * value:.1f} %"


def _seconds(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.3f} s"


def tiles(c: Optional[Summary]) -> List[Tuple[str, str, str]]:
    """Calls, ASR and NER as headline tiles (value, label, css class)."""
    k = _kpis.kpi_row(c) if c is not None else None
    if k is None or not k["calls"]:
        return []
    return [(f'{k["calls"]:,}', "SIP calls", ""), (_percent(k["ASR"]), "ASR (answered / calls)", ""),
            (_percent(k["NER"]), "NER (network effectiveness)", "")]


def calls(c: Optional[Summary]) -> Optional[str]:
    """Calls by outcome, the ratios and mean delays of docs/sip.md (each with its name, unit and definition)
    and the registrations; None when the summary has neither calls nor registrations."""
    k = _kpis.kpi_row(c) if c is not None else None
    if k is None or not (k["calls"] or k["registrations"]):
        return None
    n = k["calls"]
    outcomes = [(o, k[o]) for o in _kpis.OUTCOMES]
    shown = [item for item in outcomes if item[1]]
    left = ("<h3>Calls by outcome</h3>"
            + _svg.bars(shown, colors=[_OUTCOME_COLORS.get(o, "#555") for o, _ in shown],
                        notes=[f"{100.0 * v / n:.1f} % of calls" for _, v in shown])
            + _table(["outcome", "calls", "share"],
                     [[o, f"{v:,}", f"{100.0 * v / n:.1f} %" if n else "-"] for o, v in outcomes])
            + f'<p class="meta">{n:,} calls (attempts with a final response) from {k["invites"]:,} INVITEs, '
              f'{k["auth_rounds"]:,} of them answered 401/407; not in any figure: {k["incomplete_calls"]:,} without '
              f'a final response, {k["calls_without_invite"]:,} Call-IDs without their INVITE</p>')
    ratios = _table(["ratio", "name", "value", "definition"],
                        [[r.column, r.name, _percent(k[r.column]), r.definition] for r in _kpis.RATIOS])
    delays = _table(["delay", "name", "mean", "definition"],
                        [[d.column, d.name, _seconds(k[d.column]), d.definition] for d in _kpis.DELAYS])
    reg, rrd = _kpis.REGISTRATION_RATIO, _kpis.RRD
    registrations = _table(["registrations", "value", "definition"], [
        ["registrations", f"{k['registrations']:,}", "REGISTERs to the first final answer that is no challenge"],
        ["registered", f"{k['registered']:,}", "registrations answered 2xx"],
        [f"{reg.column} ({reg.name})", _percent(k[reg.column]), reg.definition],
        [f"{rrd.column} ({rrd.name})", _seconds(k[rrd.column]), rrd.definition]])
    right = f"<h3>Ratios</h3>{ratios}<h3>Delays (means)</h3>{delays}<h3>Registrations</h3>{registrations}"
    return f'<div class="split"><div>{left}</div><div>{right}</div></div>'


def ratios_over_time(c: Optional[Summary], step: int) -> Optional[str]:
    """ASR and NER per time bucket, in percent (a bucket without calls leaves a gap)."""
    if c is None or c.count != "calls" or "time" not in c.dims:
        return None
    df = c.kpis(by="time")
    if df.empty or not df["calls"].sum():
        return None
    df = df.set_index("time")[["calls", "answered", "busy", "no_answer", "rejected"]].resample(f"{step}s").sum()
    if len(df) < 2:
        return None
    asr = [None if n == 0 else 100.0 * a / n for n, a in zip(df["calls"], df["answered"])]
    effective = df["answered"] + df["busy"] + df["no_answer"] + df["rejected"]
    ner = [None if n == 0 else 100.0 * a / n for n, a in zip(df["calls"], effective)]
    times = _svg.time_labels(df.index, step)
    return (_svg.lines(times, {"ASR": asr, "NER": ner}, unit="%", colors={"ASR": "#2ca02c", "NER": "#1f77b4"})
            + f'<p class="meta">calls {_step_text(step)} (UTC); ASR = answered / calls (E.411), NER = answered, busy, '
              "no answer or rejected / calls (E.425)</p>")


def failures(f: Optional[Summary], lang: Optional[str]) -> Optional[str]:
    """SIP failure responses (4xx-6xx) by code and reason, each with its causes (Q.850 from the Reason header,
    Warning codes) and the methods they answered."""
    if f is None or "code" not in f.dims:
        return None
    sip = f.where(protocol="sip")
    if not sip.counted or not ("sip" in sip.protocols):
        return None
    dims = ("protocol", "code") if "protocol" in sip.dims else ("code",)
    reasons = {r[-3]: r[-2] for r in sip.rows(*dims, lang=lang)}
    counts = sip.counts("code")
    top = _ranked(counts, 15)
    notes = []
    for code, _ in top:
        one = sip.where(code=code)
        note = _breakdown(one.counts("method"), 3, "answering ") if "method" in sip.dims else ""
        if "cause" in sip.dims:
            named: Dict[Any, int] = {k: v for k, v in one.counts("cause").items() if k not in UNEXPLAINED}
            if named:
                note += (" — " if note else "") + "causes " + _breakdown(named, 3)
        notes.append(note)
    items = [(f"{code} {reasons.get(code, '')}".strip(), n) for code, n in top]
    colors = [_svg.color_for(str(code), i) for i, (code, _) in enumerate(top)]
    return _svg.bars(items, notes=notes, colors=colors) + (
        '<p class="meta">each transaction once (retransmissions left out); 401/407 are challenges a client '
        "answers with credentials</p>")


# Who a failure was for and from: the To and From URIs' user and host (named fields of both SIP formats). A
# response does not repeat the request-URI, but To is the request's logical recipient (RFC 3261 §8.1.1.2)
# and every response copies it.
PARTY_DIMS = ("from_user", "from_host", "to_user", "to_host")
_PARTIES = (("to", "Destinations (To)"), ("from", "Sources (From)"))


def _address(user: Any, host: Any) -> Optional[str]:
    if user is None and host is None:
        return None
    if host is None:
        return str(user)
    return f"{user}@{host}" if user is not None else str(host)


def parties(f: Optional[Summary], n: int = 10) -> Optional[str]:
    """The SIP destinations and sources with most failure responses (4xx-6xx, 401/407 challenges left out:
    a client answers them with credentials), each with its codes and causes; None when the failures carry
    no From or To (the summary is not grouped by :data:`PARTY_DIMS`, or the inputs are not SIP)."""
    if f is None or "code" not in f.dims or not all(d in f.dims for d in PARTY_DIMS):
        return None
    sip = f.where(protocol="sip") if "protocol" in f.dims else f
    sip = sip.where(code=lambda c: c is not None and c >= 400 and c not in (401, 407))
    columns = []
    for side, title in _PARTIES:
        user, host = f"{side}_user", f"{side}_host"
        counts: Dict[str, int] = {}
        parts: Dict[str, Tuple[Any, Any]] = {}
        for (u, h), v in sip.counts(user, host).items():
            address = _address(u, h)
            if address is not None:
                counts[address] = counts.get(address, 0) + v
                parts[address] = (u, h)
        if not counts:
            continue
        top = _ranked(counts, n)
        notes = []
        for address, _ in top:
            u, h = parts[address]
            notes.append(codes_and_causes(sip.where(**{user: lambda x, u=u: x == u, host: lambda x, h=h: x == h}), 3))
        more = len(counts) - len(top)
        tail = f'<p class="meta">… {more:,} more</p>' if more > 0 else ""
        columns.append(f"<div><h3>{title}</h3>"
                       + _svg.bars(top, notes=notes, colors=[_svg.CLASS_COLORS.get("4xx", "#d62728")] * len(top))
                       + tail + "</div>")
    if not columns:
        return None
    return (f'<div class="split">{"".join(columns)}</div>'
            '<p class="meta">failure responses (4xx-6xx, without 401/407 challenges), each transaction once, by '
            "the user@host of To (the request's recipient, RFC 3261 §8.1.1.2, copied into every response) and of "
            "From; acc lines give the request-URI's and From's as logged</p>")


def _step(line: str) -> str:
    # Requests go from the caller, responses come back from the callee's side (a proxy's challenge too).
    arrow = "→" if line.startswith(("INVITE", "CANCEL")) else "←"
    return f"<li><span class=\"arrow\">{arrow}</span> {html.escape(line)}</li>"


def ladders(c: Optional[Summary], n: int = 5) -> Optional[str]:
    """A few failed calls (busy, no answer, rejected, failed) step by step: who called whom, each INVITE of
    the attempt with its first 18x and final response and their times after the first INVITE
    (:attr:`Summary.failed_call_samples`, the first by input and Call-ID); None without any."""
    if c is None or c.count != "calls":
        return None
    samples = c.failed_call_samples[:n]
    if not samples:
        return None
    blocks = []
    for x in samples:
        parties, *steps = x.why.split("\n")
        blocks.append(f'<div class="ladder"><b>{html.escape(parties.replace(" -> ", " → "))}</b> '
                      f'<span class="meta">Call-ID {html.escape(x.text)} · {html.escape(os.path.basename(x.file))}'
                      f'</span><ol>{"".join(_step(s) for s in steps)}</ol></div>')
    failed = None
    if "outcome" in c.dims:
        failed = sum(v for k, v in c.counts("outcome").items() if k not in ("answered", "cancelled"))
    more = f"the first {len(samples)} of {failed:,} failed calls" if failed else f"{len(samples)} failed calls"
    return ("".join(blocks) + f'<p class="meta">{more} by input and Call-ID; → sent by the caller, ← answered '
            "towards it (by the callee or a proxy: 401/407 challenges come from proxies); times after the first "
            "INVITE; 18x is the first provisional response from 180 to 189</p>")


_RATIO_COLORS = {"SER": "#2ca02c", "SEER": "#1f77b4", "ISA": "#d62728", "SCR": "#9467bd"}
_DELAY_COLORS = {"SRD": "#1f77b4", "PDD": "#ff7f0e", "setup_time": "#2ca02c", "SDD": "#8c564b"}


def rfc6076_over_time(c: Optional[Summary]) -> Optional[str]:
    """The RFC 6076 ratios (SER, SEER, ISA, SCR, in %) and mean delays (SRD, PDD, SDD; E.411's setup time; in s) per
    time bucket of the calls scan, as :meth:`Summary.kpis` gives them. Each ratio has its own denominator, so
    buckets are not merged into wider ones: drawn only when the scan's own buckets make 2 to 240 points."""
    if c is None or c.count != "calls" or "time" not in c.dims or not c.time_bucket:
        return None
    df = c.kpis(by="time")
    df = df[df["calls"] > 0].set_index("time").sort_index()
    if not 2 <= len(df) <= 240:
        return None
    step = int(c.time_bucket)
    full = df.reindex(_pd_range(df.index, step))  # a bucket without calls leaves a gap
    times = _svg.time_labels(full.index, step)

    def series(columns: Sequence[str], scale: float) -> Dict[str, List[Optional[float]]]:
        out = {}
        for col in columns:
            values = [None if v != v else scale * float(v) for v in full[col]]  # NaN: no such call in the bucket
            if any(v is not None for v in values):
                out[col] = values
        return out

    ratios = series([r.column for r in _kpis.RATIOS if r.column not in ("ASR", "NER")], 100.0)
    delays = series([d.column for d in _kpis.DELAYS if d.column in _DELAY_COLORS], 1.0)
    if not ratios and not delays:
        return None
    names = {k.column: k.name for k in (*_kpis.RATIOS, *_kpis.DELAYS)}
    legend = "; ".join(f"{col} = {names[col]}" for col in (*ratios, *delays))
    return ((_svg.lines(times, ratios, unit="%", colors=_RATIO_COLORS) if ratios else "")
            + (_svg.lines(times, delays, unit="s", colors=_DELAY_COLORS) if delays else "")
            + f'<p class="meta">calls {_step_text(step)} (UTC), each figure as RFC 6076 (setup time: ITU-T E.411) '
              f"defines it over the calls of its bucket: {html.escape(legend)}; a gap: no call in that bucket had "
              "the figure</p>")


def _pd_range(index: Any, step: int) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    return pd.date_range(index[0], index[-1], freq=f"{step}s")
