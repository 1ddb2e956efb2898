"""Prometheus export of followed logs: cumulative counters of responses by protocol, class, code (with its
reason phrase), cause and source, served on ``/metrics`` with ``prometheus_client`` (``logcodes watch
--prometheus``)."""

from __future__ import annotations

import threading
from typing import Any, Dict, Iterator, Mapping, Optional, Set, Tuple

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from . import _languages, codes
from .summary import Summary

__all__ = ["PrometheusExporter", "parse_listen_address", "RESPONSE_LABELS", "OTHER"]

RESPONSE_LABELS = ("protocol", "class", "code", "reason", "cause", "source")
OTHER = "other"   # the labels of what is folded to stay within max_series

_SeriesKey = Tuple[str, str, str, str, str, str]
_GROUP_LABELS = ("class", "code", "cause")


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
            if lag_bytes is not None:
                lag: Dict[str, int] = {}
                for path, n in lag_bytes.items():
                    label = self._source_label(path)
                    lag[label] = lag.get(label, 0) + n
                self._lag = lag

    def _source_label(self, path: str) -> str:
        if path in self._sources:
            return path
        if len(self._sources) < self.max_series - 1:   # one slot is kept for "other"
            self._sources.add(path)
            return path
        return OTHER

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
        yield CounterMetricFamily("logcodes_windows", "Windows read", value=windows)
        yield CounterMetricFamily("logcodes_dropped_series", "Label sets folded into code/cause 'other' "
                                  "because of the series limit", value=dropped)
