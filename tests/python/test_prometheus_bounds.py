"""Prometheus families stay within max_series whatever the number of sources: the documented contract of
PrometheusExporter (first max_series - 1 sources by name, the rest under source="other")."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client import generate_latest

import logcodes
from logcodes.prometheus import PrometheusExporter


def test_sources_beyond_the_limit_share_the_other_slot(data):
    s = logcodes.scan(data / "nginx_lab_combined.log", by="protocol,class,code,cause")
    exp = PrometheusExporter(max_series=3)
    exp.observe({f"/var/log/site{i}.log": s for i in range(5)})
    families = {f.name: f for f in text_string_to_metric_families(generate_latest(exp.registry).decode())}
    lines = families["logcodes_lines_read"].samples
    sources = sorted(x.labels["source"] for x in lines)
    # Two named sources and "other" holding the three others' lines: never more than max_series label sets.
    assert sources == ["/var/log/site0.log", "/var/log/site1.log", "other"]
    by_source = {x.labels["source"]: x.value for x in lines}
    assert by_source["other"] == 3 * by_source["/var/log/site0.log"] == 3 * s.lines
    assert len(families["logcodes_responses"].samples) <= 3
