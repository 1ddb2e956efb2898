"""Prometheus export of followed logs: cumulative counters of responses by protocol, class, code (with its
reason phrase), cause and source, and for SIP calls their outcomes, KPIs and delays, served on ``/metrics``
with ``prometheus_client`` (``logcodes watch --prometheus``)."""

from __future__ import annotations

import threading
from typing import Any, Dict, Iterator, Mapping, Optional, Set, Tuple

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector

from . import _kpis, _languages, codes
from .summary import Summary

__all__ = ["PrometheusExporter", "parse_listen_address", "RESPONSE_LABELS", "OTHER"]

RESPONSE_LABELS = ("protocol", "class", "code", "reason", "cause", "source")
OTHER = "other"   # the labels of what is folded to stay within max_series

_SeriesKey = Tuple[str, str, str, str, str, str]
_GROUP_LABELS = ("class", "code", "cause")

# Call counters: metric name -> (figure or Summary field, HELP). Every one is labelled ``source``.
_CALL_COUNTERS = {
    "logcodes_sip_calls_completed": ("completed", "Answered SIP calls ended by a BYE answered 2xx (RFC 6076 "
                                     "§4.9 SCR numerator)"),
    "logcodes_sip_invites": ("invites", "INVITEs sent for the calls counted, re-sent ones after 401/407 or 3xx "
                             "included"),
    "logcodes_sip_auth_challenges": ("auth_rounds", "401/407 challenges to the INVITEs of the calls counted"),
    "logcodes_sip_incomplete_calls": ("incomplete_calls", "SIP calls whose last INVITE got no final response "
                                      "(in no other figure)"),
    "logcodes_sip_calls_without_invite": ("calls_without_invite", "SIP Call-IDs with INVITE responses or BYEs "
                                          "but no INVITE read (not counted as calls)"),
    "logcodes_sip_registrations_without_request": ("registrations_without_request", "SIP REGISTER answers "
                                                   "without their REGISTER (not counted as registrations)"),
}
# Delays (docs/sip.md): metric name -> (figure prefix, HELP); exported as summaries (_sum, _count).
_CALL_DELAYS = {
    "logcodes_sip_srd_seconds": ("srd", "Session request delay of answered SIP calls: first INVITE to the "
                                 "first 18x or the 200 (RFC 6076 §4.3.1)"),
    "logcodes_sip_srd_failed_seconds": ("srd_failed", "Session request delay of failed SIP calls: first INVITE "
                                        "to the 4xx-6xx final response (RFC 6076 §4.3.2)"),
    "logcodes_sip_pdd_seconds": ("pdd", "Post-dial delay: first INVITE to the first 18x (ITU-T E.411)"),
    "logcodes_sip_setup_seconds": ("setup", "Call setup time: first INVITE to the 2xx"),
    "logcodes_sip_sdd_seconds": ("sdd", "Session disconnect delay: BYE to its 2xx (RFC 6076 §4.4)"),
    "logcodes_sip_sdt_seconds": ("sdt", "Session duration: 2xx to the BYE of answered calls (RFC 6076 §4.5.1; "
                                 "the mean is E.411 ACD)"),
    "logcodes_sip_rrd_seconds": ("rrd", "Registration request delay: first REGISTER to its 2xx, challenges "
                                 "included (RFC 6076 §4.1)"),
}
# Ratios of the last window (a fraction; NaN when the window had nothing to divide): metric -> (KPI, HELP).
_CALL_RATIOS = {"logcodes_sip_" + k.column.lower().replace("_ratio", "") + "_ratio":
                (k.column, f"{k.name.capitalize()} (SIP) in the last window, NaN when it had none: {k.definition}")
                for k in (*_kpis.RATIOS, _kpis.REGISTRATION_RATIO)}


def parse_listen_address(text: str) -> Tuple[str, int]:
    """``"127.0.0.1:9464"``, ``"[::1]:9464"``, ``":9464"`` (all addresses) -> (host, port).

    >>> parse_listen_address("127.0.0.1:9464"), parse_listen_address("[::1]:80"), parse_listen_address(":9")
    (('127.0.0.1', 9464), ('::1', 80), ('0.0.0.0', 9))
    """
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"listen address {text!r} is not HOST:PORT (e.g. 127.0.0.1:9464)")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    return host or "0.0.0.0", int(port)


class PrometheusExporter:
    """Keeps cumulative counters from window Summaries and exposes them in the Prometheus format.

    Metrics (every one also labelled ``source``, the followed path, except the last two):

    - ``logcodes_responses_total{protocol,class,code,reason,cause,source}``: responses counted. ``protocol``
      is the group's own (also when the summary is not grouped by it) and ``reason`` the code's phrase in
      that protocol's registry, in ``lang`` (English by default, whatever ``codes.set_lang()`` says, so
      series keep their names).

    No family holds more than ``max_series`` label sets, however many sources and codes there are: the
    first ``max_series - 1`` sources keep their path as ``source``, later ones are counted under
    ``source="other"``; once ``logcodes_responses_total`` has ``max_series - 1`` label sets, a new
    combination is counted under ``code="other", reason="other", cause="other"`` of its protocol, class and
    source when that series exists, else under the series whose labels are all ``"other"`` (the last slot
    is kept for it). ``logcodes_dropped_series_total`` counts the combinations folded that way.
    - ``logcodes_unparsed_lines_total``, ``logcodes_invalid_status_total``: records not counted (not in the
      format; a status that is no code).
    - ``logcodes_lines_read_total``, ``logcodes_bytes_read_total``: what was read.
    - ``logcodes_lag_bytes`` (gauge): bytes appended to the source and not read yet.
    - ``logcodes_windows_total``, ``logcodes_dropped_series_total``.

    Windows of SIP calls (``count="calls"``; a call is counted in the window in which it ended) add, each
    labelled ``source``: ``logcodes_sip_calls_total{outcome}`` (answered, busy, no_answer, rejected,
    cancelled, failed), ``logcodes_sip_registrations_total{result}`` (registered, failed),
    ``logcodes_sip_calls_completed_total``, ``logcodes_sip_invites_total``,
    ``logcodes_sip_auth_challenges_total``, ``logcodes_sip_incomplete_calls_total``,
    ``logcodes_sip_calls_without_invite_total``, ``logcodes_sip_registrations_without_request_total``; the
    delays as summaries (``_sum`` in seconds and ``_count`` of the calls measured): ``logcodes_sip_srd_seconds``,
    ``..._srd_failed_seconds``, ``..._pdd_seconds``, ``..._setup_seconds``, ``..._sdd_seconds``,
    ``..._sdt_seconds``, ``..._rrd_seconds``; and the ratios of the last window as gauges (fractions, NaN when
    it had no call): ``logcodes_sip_asr_ratio``, ``..._ner_ratio``, ``..._ser_ratio``, ``..._seer_ratio``,
    ``..._isa_ratio``, ``..._scr_ratio``, ``..._registration_ratio``. Labels never carry a Call-ID or
    a number.

    >>> import logcodes
    >>> exp = PrometheusExporter(max_series=100)
    >>> s = logcodes.scan(logcodes.samples.path("apache_combined"), by="protocol,class,code,cause")
    >>> exp.observe({"access.log": s})
    >>> exp.value("logcodes_responses_total", protocol="http", code="404", reason="Not Found", source="access.log")
    213.0
    """

    def __init__(self, *, max_series: int = 2000, registry: Optional[CollectorRegistry] = None,
                 lang: str = "en") -> None:
        if max_series < 1:
            raise ValueError(f"max_series must be at least 1, got {max_series}")
        self.max_series = max_series
        self.lang = _languages.check(lang)
        self.registry = registry if registry is not None else CollectorRegistry()
        self._lock = threading.Lock()
        self._responses: Dict[_SeriesKey, int] = {}
        self._dropped: Set[_SeriesKey] = set()
        self._sources: Set[str] = set()             # sources shown under their own name (the rest: "other")
        self._per_source: Dict[str, Dict[str, int]] = {}
        self._lag: Dict[str, int] = {}
        self._calls: Dict[Tuple[str, str], int] = {}            # (source, outcome)
        self._registrations: Dict[Tuple[str, str], int] = {}    # (source, result)
        self._call_counts: Dict[Tuple[str, str], int] = {}      # (source, metric of _CALL_COUNTERS)
        self._delays: Dict[Tuple[str, str], Tuple[int, int]] = {}   # (source, metric): (ms, calls)
        self._ratios: Dict[Tuple[str, str], float] = {}         # (source, metric): last window's value
        self._live: Dict[Tuple[str, str], int] = {}             # (source, result): packets
        self._live_drops: Dict[Tuple[str, str], int] = {}       # (source, where): packets dropped
        self._open_calls: Dict[str, int] = {}
        self._windows = 0
        self._server: Any = None
        self.registry.register(_Collector(self))

    def observe(self, sources: Mapping[str, Summary], *, lag_bytes: Optional[Mapping[str, int]] = None) -> None:
        """Adds one window: a Summary per source (grouped by any of protocol, class, code, cause)."""
        with self._lock:
            self._windows += 1
            for path, s in sources.items():
                source = self._source_label(path)
                positions = [s.dims.index(d) if d in s.dims else -1 for d in _GROUP_LABELS]
                for key, n in s.counts().items():
                    key = key if isinstance(key, tuple) else (key,)
                    klass, code, cause = ("" if i < 0 or key[i] is None else str(key[i]) for i in positions)
                    protocol = s.protocol_of(key) or ""
                    reason = codes.phrase(protocol or None, int(code), lang=self.lang) if code else ""
                    self._add((protocol, klass, code, reason, cause, source), n)
                totals = self._per_source.setdefault(source, {"unparsed": 0, "invalid": 0, "lines": 0, "bytes": 0})
                totals["unparsed"] += s.unparsed
                totals["invalid"] += s.invalid
                totals["lines"] += s.lines
                totals["bytes"] += s.bytes
                if s.count == "calls":
                    self._observe_calls(source, s)
            if lag_bytes is not None:
                lag: Dict[str, int] = {}
                for path, n in lag_bytes.items():
                    label = self._source_label(path)
                    lag[label] = lag.get(label, 0) + n
                self._lag = lag

    def observe_live(self, stats: Mapping[str, Mapping[str, Any]], *,
                     open_calls: Optional[Mapping[str, int]] = None) -> None:
        """Sets the counters of live sources (``LiveFollower.source_stats``: counts since the start):
        ``logcodes_live_packets_total{result,source}`` (result: ``sip``, ``not_sip``, ``malformed`` for
        HEP; ``sip``, ``skipped`` for a capture), ``logcodes_live_dropped_total{where,source}`` (where:
        ``socket`` — the kernel's drops on a HEP UDP socket —, ``kernel``, ``interface`` — libpcap's) and the
        gauge ``logcodes_sip_calls_open{source}`` (Call-IDs read and not counted yet)."""
        with self._lock:
            for path, st in stats.items():
                source = self._source_label(path)
                if "not_sip" in st:
                    results = {"sip": st["messages"], "not_sip": st["not_sip"], "malformed": st["malformed"]}
                    drops = {"socket": st["socket_drops"]}
                else:
                    results = {"sip": st["packets"] - st["skipped"], "skipped": st["skipped"]}
                    drops = {"kernel": st["kernel_dropped"], "interface": st["interface_dropped"]}
                for result, n in results.items():
                    self._live[(source, result)] = int(n)
                for where, n in drops.items():
                    self._live_drops[(source, where)] = int(n)
            for path, n in (open_calls or {}).items():
                self._open_calls[self._source_label(path)] = int(n)

    def _source_label(self, path: str) -> str:
        if path in self._sources:
            return path
        if len(self._sources) < self.max_series - 1:   # one slot is kept for "other"
            self._sources.add(path)
            return path
        return OTHER

    def _observe_calls(self, source: str, s: Summary) -> None:
        k = _kpis.kpi_row(s)
        assert k is not None
        figures = _kpis.figure_sums(s)
        for outcome in _kpis.OUTCOMES:
            self._calls[(source, outcome)] = self._calls.get((source, outcome), 0) + int(k[outcome])
        for result, n in (("registered", k["registered"]), ("failed", k["registrations"] - k["registered"])):
            self._registrations[(source, result)] = self._registrations.get((source, result), 0) + int(n)
        for metric, (field, _doc) in _CALL_COUNTERS.items():
            n = int(k[field]) if field in k and k[field] is not None else figures.get(field, 0)
            self._call_counts[(source, metric)] = self._call_counts.get((source, metric), 0) + n
        for metric, (prefix, _doc) in _CALL_DELAYS.items():
            ms, n = self._delays.get((source, metric), (0, 0))
            self._delays[(source, metric)] = (ms + figures.get(prefix + "_ms", 0), n + figures.get(prefix + "_n", 0))
        for metric, (column, _doc) in _CALL_RATIOS.items():
            self._ratios[(source, metric)] = float("nan") if k[column] is None else float(k[column])

    def _add(self, key: _SeriesKey, n: int) -> None:
        if key not in self._responses and len(self._responses) >= self.max_series - 1:
            folded = (key[0], key[1], OTHER, OTHER, OTHER, key[5])
            if folded not in self._responses:
                folded = (OTHER,) * 6  # the slot kept for it: the limit holds whatever comes
            if folded != key:
                self._dropped.add(key)
            key = folded
        self._responses[key] = self._responses.get(key, 0) + n

    def value(self, metric: str, **labels: str) -> float:
        """The sum of the samples of ``metric`` whose labels include ``labels`` (for checks and tests)."""
        total = 0.0
        for family in self.registry.collect():
            for sample in family.samples:
                if sample.name == metric and all(sample.labels.get(k) == v for k, v in labels.items()):
                    total += sample.value
        return total

    def serve(self, host: str, port: int) -> Tuple[str, int]:
        """Serves ``/metrics`` on ``host:port`` from a background thread; returns the bound address."""
        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        self._server = server
        return str(server.server_address[0]), int(server.server_address[1])

    def shutdown(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __repr__(self) -> str:
        return (f"<logcodes.PrometheusExporter series={len(self._responses)}/{self.max_series} "
                f"dropped={len(self._dropped)} windows={self._windows}>")


class _Collector(Collector):
    def __init__(self, exporter: PrometheusExporter) -> None:
        self._exp = exporter

    def collect(self) -> Iterator[Any]:
        exp = self._exp
        with exp._lock:
            responses = dict(exp._responses)
            per_source = {k: dict(v) for k, v in exp._per_source.items()}
            lag = dict(exp._lag)
            windows, dropped = exp._windows, len(exp._dropped)
            calls, registrations = dict(exp._calls), dict(exp._registrations)
            call_counts, delays, ratios = dict(exp._call_counts), dict(exp._delays), dict(exp._ratios)
            live, live_drops, open_calls = dict(exp._live), dict(exp._live_drops), dict(exp._open_calls)
        fam = CounterMetricFamily("logcodes_responses", "Responses counted, by protocol, class, code, its reason "
                                  "phrase, cause and source ('other' past the series limit)", labels=RESPONSE_LABELS)
        for key, n in sorted(responses.items()):
            fam.add_metric(list(key), n)
        yield fam
        for name, field, doc in (
                ("logcodes_unparsed_lines", "unparsed", "Records not in the format of their source"),
                ("logcodes_invalid_status", "invalid", "Records whose status is not a status code"),
                ("logcodes_lines_read", "lines", "Lines read"),
                ("logcodes_bytes_read", "bytes", "Bytes read")):
            c = CounterMetricFamily(name, doc, labels=["source"])
            for source, totals in sorted(per_source.items()):
                c.add_metric([source], totals[field])
            yield c
        g = GaugeMetricFamily("logcodes_lag_bytes", "Bytes appended to the source and not read yet",
                              labels=["source"])
        for source, n in sorted(lag.items()):
            g.add_metric([source], n)
        yield g
        if calls or registrations:
            yield from _call_families(calls, registrations, call_counts, delays, ratios)
        if live:
            fam = CounterMetricFamily("logcodes_live_packets", "Packets a live source (HEP, capture) received, by "
                                      "what they held", labels=["result", "source"])
            for (source, result), n in sorted(live.items()):
                fam.add_metric([result, source], n)
            yield fam
            fam = CounterMetricFamily("logcodes_live_dropped", "Packets dropped before a live source read them "
                                      "(socket buffer, capture buffer, interface)", labels=["where", "source"])
            for (source, where), n in sorted(live_drops.items()):
                fam.add_metric([where, source], n)
            yield fam
        if open_calls:
            g = GaugeMetricFamily("logcodes_sip_calls_open", "SIP Call-IDs read and not counted yet (in flight, "
                                  "or ended and waiting 64*T1 for retransmissions)", labels=["source"])
            for source, n in sorted(open_calls.items()):
                g.add_metric([source], n)
            yield g
        yield CounterMetricFamily("logcodes_windows", "Windows read", value=windows)
        yield CounterMetricFamily("logcodes_dropped_series", "Label sets folded into code/cause 'other' "
                                  "because of the series limit", value=dropped)


def _call_families(calls: Mapping[Tuple[str, str], int], registrations: Mapping[Tuple[str, str], int],
                   call_counts: Mapping[Tuple[str, str], int], delays: Mapping[Tuple[str, str], Tuple[int, int]],
                   ratios: Mapping[Tuple[str, str], float]) -> Iterator[Any]:
    """The ``logcodes_sip_*`` families of windows of calls (see PrometheusExporter)."""
    fam = CounterMetricFamily("logcodes_sip_calls", "SIP call attempts counted when they ended, by ITU-T E.411 "
                              "outcome", labels=["outcome", "source"])
    for (source, outcome), n in sorted(calls.items()):
        fam.add_metric([outcome, source], n)
    yield fam
    fam = CounterMetricFamily("logcodes_sip_registrations", "SIP registrations finished, by result (registered: "
                              "answered 2xx)", labels=["result", "source"])
    for (source, result), n in sorted(registrations.items()):
        fam.add_metric([result, source], n)
    yield fam
    for metric, (_field, doc) in _CALL_COUNTERS.items():
        fam = CounterMetricFamily(metric, doc, labels=["source"])
        for (source, m), n in sorted(call_counts.items()):
            if m == metric:
                fam.add_metric([source], n)
        yield fam
    for metric, (_prefix, doc) in _CALL_DELAYS.items():
        summ = SummaryMetricFamily(metric, doc, labels=["source"])
        for (source, m), (ms, n) in sorted(delays.items()):
            if m == metric:
                summ.add_metric([source], count_value=n, sum_value=ms / 1000)
        yield summ
    for metric, (_column, doc) in _CALL_RATIOS.items():
        g = GaugeMetricFamily(metric, doc, labels=["source"])
        for (source, m), v in sorted(ratios.items()):
            if m == metric:
                g.add_metric([source], v)
        yield g
