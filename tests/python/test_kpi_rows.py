"""The call KPI row that watch's JSON lines, the report and Prometheus print (logcodes._kpis.kpi_row): the calls
left out of the ratios are said, with the numbers the trace written here holds."""

from __future__ import annotations

from pathlib import Path

import logcodes
from logcodes._kpis import kpi_row


def message(start: str, call: int, cseq: str, to_tag: str = "") -> str:
    tag = f";tag={to_tag}" if to_tag else ""
    return (f"{start}\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK{call}{cseq.split()[0]}\r\n"
            f"From: <sip:a@h>;tag=f{call}\r\nTo: <sip:b@h>{tag}\r\nCall-ID: {call}@h\r\nCSeq: {cseq}\r\n"
            "Content-Length: 0\r\n\r\n")


def test_incomplete_calls_are_said(tmp_path: Path):
    msgs = [
        # call 1: answered and hung up
        message("INVITE sip:b@h SIP/2.0", 1, "1 INVITE"), message("SIP/2.0 200 OK", 1, "1 INVITE", "t1"),
        message("BYE sip:b@h SIP/2.0", 1, "2 BYE", "t1"), message("SIP/2.0 200 OK", 1, "2 BYE", "t1"),
        # call 2: busy
        message("INVITE sip:b@h SIP/2.0", 2, "1 INVITE"), message("SIP/2.0 486 Busy Here", 2, "1 INVITE", "t2"),
        # calls 3 and 4: still ringing when the trace ends, no final response
        message("INVITE sip:b@h SIP/2.0", 3, "1 INVITE"), message("SIP/2.0 180 Ringing", 3, "1 INVITE", "t3"),
        message("INVITE sip:b@h SIP/2.0", 4, "1 INVITE"), message("SIP/2.0 100 Trying", 4, "1 INVITE"),
    ]
    p = tmp_path / "trace.log"
    p.write_text("".join(m + "\n" for m in msgs))
    s = logcodes.scan(p, format="sip_trace", count="calls")
    row = kpi_row(s)
    assert row is not None
    assert (row["calls"], row["answered"], row["busy"]) == (2, 1, 1)
    assert row["incomplete_calls"] == 2
    assert row["calls_without_invite"] == 0
    assert row["ASR"] == 0.5
    assert kpi_row(logcodes.scan(p, format="sip_trace", count="transactions")) is None
