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
