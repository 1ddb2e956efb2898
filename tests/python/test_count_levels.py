"""What the counters mean at each SIP count level, and that every record lands in exactly one of them.

* messages: ``total == counted + filtered + invalid + unparsed``
* transactions: ``total == counted + retransmissions + filtered + invalid + unparsed``
* calls: ``total == call_responses + http records + invalid + unparsed``, ``counted == calls + http records``

Each identity is checked on real captures and traces, and against the other levels (the responses counted
at the messages level are the transactions plus their retransmissions, and the responses read into calls),
so none of them holds by construction. The headline's figures must add up to ``total`` too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

import pytest

import logcodes


def sip_inputs(corpus: Path, data: Path) -> List[Path]:
    found = sorted((corpus / "sip" / "pcap").glob("*.pcap*")) + sorted((corpus / "sip" / "text").glob("*.txt"))
    return found + [data / "lab_sipp" / "uac_messages.log"]


@pytest.fixture(scope="module")
def inputs(corpus, data):
    paths = sip_inputs(corpus, data)
    if len(paths) < 3:
        pytest.skip("the SIP corpus is not available")
    return paths


def headline_sum(s: logcodes.Summary) -> int:
    """The figures after the dash of the headline, added up."""
    text = s.headline()
    total, parts = re.match(r".*?: ([\d,]+) records — ([^;]*)", text).groups()
    assert int(total.replace(",", "")) == s.total
    # Each part begins with its figure: "34 counted", "4 retransmissions", "34 responses folded into 4 calls".
    return sum(int(m.replace(",", "")) for m in re.findall(r"(?:^|, )([\d,]+) ", parts))


def test_every_level_adds_up(inputs):
    retransmitted = 0
    for path in inputs:
        m = logcodes.scan(path, count="messages")
        t = logcodes.scan(path, count="transactions")
        c = logcodes.scan(path, count="calls", by="outcome,code")
        for s in (m, t, c):
            assert s.total == m.total and s.invalid == m.invalid and s.unparsed == m.unparsed, path
            assert headline_sum(s) == s.total, s.headline()
        assert m.retransmissions == 0 and m.call_responses == 0
        assert m.total == m.counted + m.filtered + m.invalid + m.unparsed, path
        assert t.total == t.counted + t.retransmissions + t.filtered + t.invalid + t.unparsed, path
        assert t.counted + t.retransmissions == m.counted, path
        assert c.counted == c.calls and c.retransmissions == 0, path
        assert c.call_responses == m.counted, path     # every valid response is read into the call table
        assert c.total == c.call_responses + c.invalid + c.unparsed, path
        retransmitted += t.retransmissions
    assert retransmitted > 0      # the corpus has retransmissions: the transaction identity is exercised


def test_mixed_calls_scan_adds_up(inputs, data):
    http = data / "nginx_lab_combined.log"
    sip = data / "lab_sipp" / "uac_messages.log"
    h = logcodes.scan(http)
    c = logcodes.scan([http, sip], count="calls")
    assert c.protocols == ("http", "sip")
    by = c.counted_by_protocol()
    assert by == {"http": h.counted, "sip": c.calls}
    assert c.total == c.call_responses + by["http"] + c.invalid + c.unparsed
    assert headline_sum(c) == c.total
    assert f"{h.counted:,} counted" in c.headline() and "responses folded into 14 calls" in c.headline()


def test_filters_and_transactions_add_up(inputs):
    path = next(p for p in inputs if "FAX" in p.name)
    s = logcodes.scan(path, codes="2xx")
    assert s.filtered > 0 and s.retransmissions > 0
    assert s.total == s.counted + s.retransmissions + s.filtered + s.invalid + s.unparsed
    assert headline_sum(s) == s.total


def test_http_headline_has_no_sip_counters(data):
    s = logcodes.scan(data / "nginx_lab_combined.log")
    assert "retransmissions" not in s.headline() and "SIP" not in s.headline()
    assert headline_sum(s) == s.total == s.counted + s.invalid + s.unparsed


def test_merged_summaries_add_up(inputs):
    parts = [logcodes.scan(p, count="calls") for p in inputs[:3]]
    merged = parts[0] + parts[1] + parts[2]
    assert merged.call_responses == sum(p.call_responses for p in parts)
    assert merged.total == merged.call_responses + merged.invalid + merged.unparsed
    d = merged.to_dict()
    assert d["call_responses"] == merged.call_responses and d["calls"] == merged.calls
