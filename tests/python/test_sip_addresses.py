"""Who SIP messages are from and to (``from_user``, ``from_host``, ``to_user``, ``to_host``) equal tshark's
reading of the same captures, message by message; the report names the destinations and sources that fail.

tshark's SIP dissector parses From and To itself (``sip.from.user``, ``sip.to.host`` ...): an independent
reader of the same packets."""

import collections
import re
import shutil
import subprocess

import pytest

import logcodes
import logcodes.report

PARTY = ("to_user", "to_host", "from_user", "from_host")
TSHARK_FIELDS = ("sip.Status-Code", "sip.to.user", "sip.to.host", "sip.from.user", "sip.from.host")


def tshark_parties(capture):
    out = subprocess.run(["tshark", "-r", str(capture), "-Y", "sip.Status-Code", "-T", "fields",
                          *[a for f in TSHARK_FIELDS for a in ("-e", f)]],
                         capture_output=True, text=True, check=True).stdout
    got = collections.Counter()
    for line in out.splitlines():
        columns = [c.split(",") for c in line.split("\t")]
        for i, code in enumerate(columns[0]):  # several messages in one frame (TCP): one value each
            values = [c[i] if i < len(c) and c[i] else None for c in columns[1:]]
            got[(int(code), *values)] += 1
    return dict(got)


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")
@pytest.mark.parametrize("name", ["aaa.pcap", "heplify_FAX-Call-t38-CA-TDM-SIP-FB-1.siponly.pcap",
                                  "heplify_erspan_sip_ipv4_udp.pcapng", "heplify_sip_ipv4_tcp.pcap",
                                  "heplify_sip_ipv6_udp.pcap", "heplify_sip_tcp_websocket.pcap"])
def test_responses_from_and_to_equal_tsharks(corpus, name):
    capture = corpus / "sip" / "pcap" / name
    s = logcodes.scan(capture, by=("code", *PARTY), count="messages")
    assert s.counts() == tshark_parties(capture)


def test_a_trace_with_proxy_challenges_names_each_party(data):
    # SIPp's UAC against the lab Kamailio: the uac scenarios dial answer, busy, decline and cancel as users.
    s = logcodes.scan(data / "lab_sipp" / "uac_messages.log", by=("code", "to_user", "from_user"))
    busy = s.where(code=486).counts("to_user", "from_user")
    assert set(busy) == {("busy", "sipp")}
    assert s.where(to_user="answer").counts("code").get(200)


def test_report_lists_failing_destinations_and_sources(corpus):
    capture = corpus / "sip" / "pcap" / "aaa.pcap"
    page = logcodes.report.render(logcodes.report.collect(capture))
    start = page.index("SIP failures by destination and source")
    text = " ".join(re.sub(r"<[^>]+>", " ", page[start:page.index("Causes of failures", start)]).split())
    to, sources = text.split("Destinations (To)")[1].split("Sources (From)")
    # tshark's reading of the failure responses (see the test above), 401/407 challenges left out: 403 to
    # 0097239287044 from 35104723 and from voi18062, 403 voi18063 to itself, 408 to 97239287044 from 816666
    # (its INVITE and its CANCEL: two transactions), 480 to 35104724 from 35104723 (Q.850 21 in Reason).
    assert to.split(" failure responses")[0].strip() == (
        "0097239287044@sip.cybercity.dk codes 403 ×2 2 "
        "97239287044@voip.brujula.net codes 408 ×2 — causes sip_warning_392 ×2 2 "
        "35104724@sip.cybercity.dk codes 480 ×1 — causes q850_21_call_rejected ×1 1 "
        "voi18063@sip.cybercity.dk codes 403 ×1 1")
    assert sources.split(" failure responses")[0].strip() == (
        "35104723@sip.cybercity.dk codes 403 ×1 · 480 ×1 — causes q850_21_call_rejected ×1 2 "
        "816666@voip.brurjula.net codes 408 ×2 — causes sip_warning_392 ×2 2 "
        "voi18062@sip.cybercity.dk codes 403 ×1 1 "
        "voi18063@sip.cybercity.dk codes 403 ×1 1")


def test_http_reports_have_no_party_panel(data):
    page = logcodes.report.render(logcodes.report.collect(data / "nginx_lab_combined.log"))
    assert "SIP failures by destination and source" not in page


# --- failed calls, step by step ---------------------------------------------------------------------------
# tshark -r aaa.pcap -Y 'sip.Call-ID == "11894297-4432a9f8@192.168.1.2"' -T fields -e frame.time_epoch
#   -e sip.Method -e sip.Status-Code -e sip.CSeq (TShark 4.0): INVITE 1 at 1120470966.443914, 407 at .601590,
#   INVITE 2 at 1120470983.863488, 100 at 984.035091, 183 at 984.289950, 480 at 984.332623 (milliseconds
#   after the first INVITE, on millisecond times: 158, 17,420, 17,846, 17,889). From and To: 35104723 and
#   35104724 at sip.cybercity.dk; the 480 carries "Reason: q.850;cause=21" and the phrase "Error".
AAA_LADDER = ("35104723@sip.cybercity.dk -> 35104724@sip.cybercity.dk\n"
              "INVITE (CSeq 1) +0 ms\n407 authentication required +158 ms\nINVITE (CSeq 2) +17,420 ms\n"
              "18x +17,846 ms\n480 Error +17,889 ms (Reason: q.850;cause=21)")


def test_failed_calls_come_with_their_ladder(corpus):
    s = logcodes.scan(corpus / "sip" / "pcap" / "aaa.pcap", count="calls", by="outcome")
    assert s.counts() == {"rejected": 3, "cancelled": 1}
    ladders = {x.text: x.why for x in s.failed_call_samples}
    # The three rejected calls (the cancelled one is no failure), first by Call-ID.
    assert sorted(ladders) == ["11894297-4432a9f8@192.168.1.2", "24487391-449bf2a0@192.168.1.2",
                               "85216695-42dcdb1d@192.168.1.2"]
    assert ladders["11894297-4432a9f8@192.168.1.2"] == AAA_LADDER
    assert "failed call 11894297-4432a9f8@192.168.1.2" in str(s)


def test_failed_call_ladders_do_not_depend_on_threads_or_blocks(data):
    trace = data / "lab_sipp" / "uac_messages.log"
    one = logcodes.scan(trace, count="calls", by="outcome", threads=1)
    assert one.failed_call_samples
    assert all(x.why.startswith("sipp@lab.local -> ") for x in one.failed_call_samples)
    for threads, block in ((2, 4096), (2, 65536)):
        many = logcodes.scan(trace, count="calls", by="outcome", threads=threads, block_size=block)
        assert many.failed_call_samples == one.failed_call_samples


def test_report_draws_failed_calls_step_by_step(corpus):
    page = logcodes.report.render(logcodes.report.collect(corpus / "sip" / "pcap" / "aaa.pcap"))
    start = page.index("Failed calls, step by step")
    text = " ".join(re.sub(r"<[^>]+>", " ", page[start:page.index("</section>", start)]).split())
    assert ("35104723@sip.cybercity.dk → 35104724@sip.cybercity.dk Call-ID 11894297-4432a9f8@192.168.1.2 · aaa.pcap "
            "→ INVITE (CSeq 1) +0 ms ← 407 authentication required +158 ms → INVITE (CSeq 2) +17,420 ms "
            "← 18x +17,846 ms ← 480 Error +17,889 ms (Reason: q.850;cause=21)") in text
    assert "the first 3 of 3 failed calls" in text


def test_report_draws_the_rfc6076_figures_over_time(data):
    """The lab capture's calls span three seconds (read by the second): SER, SEER, ISA and SCR in %, and the
    delays in s, each a line with its name spelled out; an HTTP log has no such panel."""
    page = logcodes.report.render(logcodes.report.collect(data / "lab_kamailio" / "capture.pcap"))
    start = page.index("SIP ratios and delays over time (RFC 6076)")
    panel = page[start:page.index("</section>", start)]
    assert panel.count("<polyline") >= 6
    text = " ".join(re.sub(r"<[^>]+>", " ", panel).split())
    for name in ("SER = session establishment ratio", "SEER = session establishment effectiveness ratio",
                 "ISA = ineffective session attempts", "SCR = session completion ratio",
                 "SRD = session request delay", "PDD = post-dial delay", "calls per 1 s (UTC)"):
        assert name in text
    assert "0 %" in text and "100 %" in text and " s " in text
    http = logcodes.report.render(logcodes.report.collect(data / "nginx_lab_combined.log"))
    assert "RFC 6076" not in http
