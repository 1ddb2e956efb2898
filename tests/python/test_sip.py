"""SIP: per-message counts equal tshark's, transactions fold retransmissions, calls get outcomes."""

import collections
import shutil
import subprocess

import pytest

import logcodes

# `tshark -r FILE -Y 'sip.Status-Code' -T fields -e sip.Status-Code -e sip.CSeq.method` on each capture
# (TShark 4.0, Debian 12), counted per (code, CSeq method).
TSHARK = {
    "aaa": "100/INVITE:3 100/REGISTER:4 183/INVITE:1 200/REGISTER:3 401/REGISTER:14 403/INVITE:2 403/REGISTER:1 "
           "407/INVITE:3 408/CANCEL:1 408/INVITE:1 480/INVITE:1",
    "heplify_FAX-Call-t38-CA-TDM-SIP-FB-1": "100/INVITE:16 180/INVITE:4 200/BYE:4 200/INVITE:12 200/OPTIONS:8 488/INVITE:4",
    "heplify_erspan_sip_ipv4_udp": "100/INVITE:14 180/INVITE:6 200/BYE:6 200/INVITE:18 200/NOTIFY:6 202/SUBSCRIBE:8 "
                                   "401/NOTIFY:1 407/INVITE:2 407/REFER:2 481/NOTIFY:4 481/SUBSCRIBE:4 488/REFER:2",
    "heplify_rtp_rtcp_sip_ipv4_udp": "100/INVITE:2 180/INVITE:2 200/INVITE:1 200/REGISTER:3",
    "heplify_sip_ipv4_tcp": "100/INVITE:1 180/INVITE:1 200/BYE:1 200/INVITE:1",
    "heplify_sip_ipv4_tcp_retrans": "200/REGISTER:2 401/REGISTER:2",
    "heplify_sip_ipv6_udp": "100/INVITE:1 200/BYE:1 200/INVITE:1",
    "heplify_sip_sctp": "100/INVITE:1 403/INVITE:1",
    "heplify_sip_tcp_websocket": "100/INVITE:4 180/INVITE:2 183/INVITE:8 200/BYE:4 200/INVITE:4 200/OPTIONS:1 407/INVITE:1",
}


def parse_expected(text):
    out = {}
    for item in text.split():
        key, n = item.split(":")
        code, method = key.split("/")
        out[(int(code), method)] = int(n)
    return out


@pytest.mark.parametrize("name", sorted(TSHARK))
def test_text_dumps_match_tshark(corpus, name):
    s = logcodes.scan(corpus / "sip" / "text" / f"{name}.sip.txt", by="code,method", count="messages")
    assert s.files[0].format == "sip_trace"
    assert s.counts() == parse_expected(TSHARK[name])
    assert s.unparsed == 0 and s.invalid == 0


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")
@pytest.mark.parametrize("name", sorted(TSHARK))
def test_expected_counts_are_tsharks(corpus, name):
    pcaps = sorted((corpus / "sip" / "pcap").glob(f"{name}.*"))
    out = subprocess.run(["tshark", "-r", str(pcaps[0]), "-Y", "sip.Status-Code", "-T", "fields", "-e",
                          "sip.Status-Code", "-e", "sip.CSeq.method"], capture_output=True, text=True, check=True).stdout
    got = collections.Counter()
    for line in out.splitlines():
        codes, methods = line.split("\t")
        for c, m in zip(codes.split(","), methods.split(",")):
            got[(int(c), m)] += 1
    assert dict(got) == parse_expected(TSHARK[name])


SIPP = "/lab_generated/kamailio_sipp/"


@pytest.mark.parametrize("scenario,expected", [
    ("uac_answer", {(200, "answered", None): 2}),
    ("uac_busy", {(486, "busy", "q850_17_user_busy"): 3}),
    ("uac_decline", {(603, "rejected", "q850_21_call_rejected"): 2}),
    ("uac_unavail", {(480, "no_answer", "q850_19_no_answer"): 2}),
    ("uac_notfound", {(404, "failed", "unknown"): 2}),
    ("uac_noanswer", {(408, "no_answer", "unknown"): 1}),
])
def test_sipp_call_outcomes(corpus, scenario, expected):
    s = logcodes.scan(corpus / "lab_generated" / "kamailio_sipp" / f"{scenario}_messages.log", by="code,outcome,cause",
                      count="calls")
    assert s.counts() == expected
    assert s.calls == sum(expected.values()) and s.incomplete_calls == 0


def test_acc_lines_equal_what_the_proxy_saw(corpus):
    d = corpus / "lab_generated" / "kamailio_sipp"
    acc = logcodes.scan(d / "kamailio_acc_lines.log", by="code", count="transactions")
    assert acc.files[0].format == "sip_acc"
    # failed calls are logged twice by acc ("call missed" + "transaction answered"): one transaction each
    assert acc.counts("code") == {200: 4, 404: 2, 408: 1, 480: 2, 486: 3, 603: 2}
    assert acc.retransmissions == 10
    assert logcodes.scan(d / "kamailio_acc_lines.log", by="code", count="messages").counts("code")[486] == 6
    # the same from the full proxy log, whose other lines are not records
    full = logcodes.scan(d / "kamailio.log", by="code", count="transactions")
    assert full.counts("code") == acc.counts("code") and full.unparsed == 0
    # and the final responses the UACs received
    uac = logcodes.scan(sorted(d.glob("uac_*_messages.log")), by="code", count="transactions")
    finals = {c: n for c, n in uac.counts("code").items() if c >= 200}
    invites = {c: n for c, n in acc.counts("code").items()}
    invites[200] -= 2  # the two BYEs answered 200 are in both
    finals[200] -= 2
    assert finals == invites


MSG = ("SIP/2.0 {code} {reason}\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK{branch}\r\nFrom: <sip:a@x>;tag=1\r\n"
       "To: <sip:b@x>;tag=2\r\nCall-ID: {callid}\r\nCSeq: {cseq} {method}\r\n{extra}Content-Length: {length}\r\n\r\n{body}")


def msg(code=200, reason="OK", branch="a", callid="c1", cseq=1, method="INVITE", extra="", body=""):
    return MSG.format(code=code, reason=reason, branch=branch, callid=callid, cseq=cseq, method=method, extra=extra,
                      length=len(body.encode()), body=body).encode()


def test_retransmissions_fold_per_transaction(tmp_path):
    p = tmp_path / "t.txt"
    p.write_bytes(msg(180, "Ringing") + msg(180, "Ringing") + msg(486, "Busy Here") + msg(486, "Busy Here") +
                  msg(486, "Busy Here", branch="b"))
    tx = logcodes.scan(p, by="code", format="sip_trace")
    assert tx.counts("code") == {180: 1, 486: 2} and tx.retransmissions == 2
    assert tx.total == tx.counted + tx.retransmissions + tx.invalid + tx.unparsed
    assert logcodes.scan(p, by="code", format="sip_trace", count="messages").counts("code") == {180: 2, 486: 3}


def test_sipfrag_body_is_not_a_response(tmp_path):
    notify = (b"NOTIFY sip:a@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKn\r\nCall-ID: r1\r\nCSeq: 5 NOTIFY\r\n"
              b"Event: refer\r\nContent-Type: message/sipfrag\r\nContent-Length: 16\r\n\r\nSIP/2.0 200 OK\r\n")
    p = tmp_path / "refer.txt"
    p.write_bytes(notify + msg(200, "OK", callid="r1", cseq=5, method="NOTIFY", branch="n"))
    s = logcodes.scan(p, by="code,method", count="messages")
    assert s.counts() == {(200, "NOTIFY"): 1}
    assert s.requests == 1
    # dumps that turned CRLF into LF keep the body out too
    p.write_bytes(notify.replace(b"\r\n", b"\n") + b"\n" + msg(200, "OK", callid="r1", cseq=5, method="NOTIFY"))
    assert logcodes.scan(p, by="code", count="messages").counts("code") == {200: 1}


def test_compact_headers_and_folding(tmp_path):
    text = (b"SIP/2.0 480 Temporarily Unavailable\r\nv: SIP/2.0/UDP h;branch=z9hG4bKq\r\nf: <sip:a@x>;tag=9\r\n"
            b"t: <sip:b@x>;tag=8\r\ni: compact-1\r\nCSeq: 1 INVITE\r\nReason: Q.850\r\n ;cause=19;text=\"NO_ANSWER\"\r\n"
            b"l: 0\r\n\r\n")
    p = tmp_path / "c.txt"
    p.write_bytes(text + text)
    s = logcodes.scan(p, by="code,cause", format="sip_trace")
    assert s.counts() == {(480, "q850_19_no_answer"): 1}  # the folded Reason header is joined
    assert s.retransmissions == 1  # same Call-ID (compact i:), CSeq and branch (compact v:)


def test_stream_in_pieces_equals_scan_for_sip(corpus):
    path = corpus / "sip" / "text" / "heplify_erspan_sip_ipv4_udp.sip.txt"
    data = path.read_bytes()
    whole = logcodes.scan(path, by="code,method", count="calls")
    st = logcodes.Stream(by="code,method", count="calls")
    for i in range(0, len(data), 777):
        st.feed(data[i:i + 777])
    assert st.close().counts() == whole.counts()


def test_q850_table():
    assert logcodes.codes.q850(17).name == "User busy"
    assert logcodes.codes.q850(19).sip_code == 480
    assert logcodes.codes.q850_consistent(486, 17)
    assert not logcodes.codes.q850_consistent(486, 16)
    with pytest.raises(ValueError):
        logcodes.codes.q850(200)


def test_bad_count_level(data):
    with pytest.raises(ValueError, match="count"):
        logcodes.scan(data / "nginx_lab_combined.log", count="dialogs")


@pytest.mark.parametrize("name", sorted(TSHARK))
def test_captures_match_tshark(corpus, name):
    capture = sorted((corpus / "sip" / "pcap").glob(f"{name}.*"))[0]
    s = logcodes.scan(capture, by="code,method", count="messages")
    assert s.files[0].format == "sip_trace"
    assert s.counts() == parse_expected(TSHARK[name])
    assert s.unparsed == 0 and not s.problems


def test_capture_equals_its_text_dump_at_every_level(corpus):
    for level in ("messages", "transactions", "calls"):
        a = logcodes.scan(corpus / "sip" / "pcap" / "heplify_sip_tcp_websocket.pcap", by="code,method", count=level)
        b = logcodes.scan(corpus / "sip" / "text" / "heplify_sip_tcp_websocket.sip.txt", by="code,method", count=level)
        assert a.counts() == b.counts(), level


def test_compressed_and_cut_captures(tmp_path, corpus):
    import gzip

    raw = (corpus / "sip" / "pcap" / "aaa.pcap").read_bytes()
    gz = tmp_path / "aaa.pcap.gz"
    gz.write_bytes(gzip.compress(raw))
    whole = logcodes.scan(corpus / "sip" / "pcap" / "aaa.pcap", by="code", count="messages")
    assert logcodes.scan(gz, by="code", count="messages").counts() == whole.counts()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(raw[: len(raw) // 2 + 7])  # ends inside a packet
    with pytest.raises(logcodes.InputError) as e:
        logcodes.scan(cut, by="code", count="messages")
    partial = e.value.summary
    assert 0 < partial.total < whole.total
    # tshark: 691 frames, 81 of them SIP (aaa.pcap has no fragmented or TCP SIP)
    assert whole.files[0].packets == 691 and whole.files[0].skipped_packets == 691 - 81


def test_call_kpis(corpus):
    d = corpus / "lab_generated" / "kamailio_sipp"
    s = logcodes.scan(sorted(d.glob("uac_*_messages.log")), by="outcome,code", count="calls")
    k = s.kpis().iloc[0]
    # 2 answered, 3 busy, 2 declined, 2 unavailable (no answer), 2 not found, 1 timeout (no answer)
    assert (k["calls"], k["answered"], k["busy"], k["rejected"], k["no_answer"], k["failed"]) == (12, 2, 3, 2, 3, 2)
    assert k["ASR"] == pytest.approx(2 / 12)
    assert k["NER"] == pytest.approx(10 / 12)
    # RFC 6076 §4.7: 200, 480, 486, 600, 603 are effective; §4.8: 408 is ineffective
    assert k["SEER"] == pytest.approx((2 + 2 + 3 + 2) / 12)
    assert k["ISA"] == pytest.approx(1 / 12)
    per_hour = logcodes.scan(sorted(d.glob("uac_*_messages.log")), by="time:1h,outcome", count="calls").kpis(by="time")
    assert per_hour["calls"].sum() == 12 and list(per_hour.columns[:2]) == ["time", "calls"]
    with pytest.raises(ValueError, match="count="):
        logcodes.scan(d / "uac_busy_messages.log", by="code").kpis()


def test_sipp_lab_run_at_every_level(data):
    import json

    d = data / "lab_sipp"
    expected = json.loads((d / "EXPECTED.json").read_text())
    msgs = logcodes.scan(d / "uac_messages.log", by="code", count="messages")
    assert {str(c): n for c, n in msgs.counts("code").items()} == expected["responses"]
    tx = logcodes.scan(d / "uac_messages.log", by="code", count="transactions")
    assert tx.counts("code") == msgs.counts("code") and tx.retransmissions == 0  # loopback: none
    calls = logcodes.scan(d / "uac_messages.log", by="code,outcome", count="calls")
    assert {str(c): n for c, n in calls.counts("code").items()} == expected["calls"]
    assert calls.counts("outcome") == expected["outcomes"]
    assert calls.incomplete_calls == 0


def invite(callid, cseq=1):
    return (f"INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKi{cseq}\r\nFrom: <sip:a@x>;tag=1\r\n"
            f"To: <sip:b@x>\r\nCall-ID: {callid}\r\nCSeq: {cseq} INVITE\r\nContent-Length: 0\r\n\r\n").encode()


def test_inconsistent_code_and_cause_flagged(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes(invite("ok") + msg(486, "Busy Here", callid="ok", extra='Reason: Q.850;cause=17;text="USER_BUSY"\r\n') +
                  invite("odd") + msg(486, "Busy Here", callid="odd", extra='Reason: Q.850;cause=16\r\n') +
                  invite("fine") + msg(480, "Temporarily Unavailable", callid="fine", extra="Reason: Q.850;cause=19\r\n"))
    s = logcodes.scan(p, by="code,cause", count="calls", format="sip_trace")
    assert s.inconsistent_calls == 1
    assert s.inconsistent_samples[0].text == "odd" and "486 with Q.850 cause 16" in s.inconsistent_samples[0].why
    assert s.counts() == {(486, "q850_17_user_busy"): 1, (486, "q850_16_normal_clearing"): 1, (480, "q850_19_no_answer"): 1}
    # the same responses without their INVITEs are not guessed into calls
    p.write_bytes(msg(486, "Busy Here", callid="ok") + msg(480, "Temporarily Unavailable", callid="fine"))
    s = logcodes.scan(p, by="code", count="calls", format="sip_trace")
    assert s.counts() == {} and s.calls == 0 and s.calls_without_invite == 2
    assert [x.text for x in s.without_request_samples] == ["fine", "ok"]
    assert "without the INVITE request" in s.without_request_samples[0].why


def _summary_facts(s):
    return (s.counts(), s.lines, s.total, s.unparsed, s.invalid, s.retransmissions,
            [(x.line, x.text) for x in s.unparsed_samples])


@pytest.mark.parametrize("count", ["messages", "transactions", "calls"])
def test_every_trace_reads_the_same_in_any_blocks_and_as_a_stream(corpus, data, count):
    """A scan lets the trace parser read a message's lines ahead of the framer; a Stream hands it one line
    at a time. Both, at any read size, must see the same messages, lines and samples."""
    traces = sorted((corpus / "sip" / "text").glob("*.txt")) + [data / "lab_sipp" / "uac_messages.log"]
    by = "code,method,reason,cause"
    for path in traces:
        whole = logcodes.scan(path, by=by, format="sip_trace", count=count)
        assert whole.total > 0, path
        for block in (1, 7, 64, 333, 4096):
            s = logcodes.scan(path, by=by, format="sip_trace", count=count, block_size=block)
            assert _summary_facts(s) == _summary_facts(whole), (path.name, block)
        if count != "calls":
            st = logcodes.Stream(by=by, format="sip_trace", count=count)
            st.feed(path.read_bytes())
            assert st.close().counts() == whole.counts(), path.name
