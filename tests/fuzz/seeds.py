#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target from the project's test data.

Seeds are small slices of real logs from tests/data (and, when ../shared/corpus is beside the checkout,
of the files there: they are read, never copied into the project), wrapped the way each target's
FuzzedDataProvider reads its input: strings and the log text from the front, the integers that pick a
format, block size and so on from the back. Usage: seeds.py OUT_DIR  (writes OUT_DIR/<target>/seed-*).
"""
from __future__ import annotations

import gzip
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared" / "corpus"
SLICE = 3000  # bytes of each log per seed: the fuzzer mutates, it does not need whole files

# Built-in format name -> sample logs (paths under tests/data, or under ../shared/corpus with "shared:").
FORMAT_SAMPLES = {
    "sip_trace": ["lab_sipp/uac_messages.log", "shared:sip/text/aaa.sip.txt"],
    "sip_acc": ["shared:lab_generated/kamailio_sipp/kamailio_acc_lines.log"],
    "caddy_json": ["shared:haproxy_envoy_caddy_traefik/lnav_caddy_access_json.log"],
    "nginx_json": ["lab_nginx_formats/access_json.log"],
    "alb": ["shared:aws_lb_cdn/aws_alb_access_doc_examples.log"],
    "elb_classic": ["shared:aws_lb_cdn/aws_classic_elb_access_doc_examples.log"],
    "haproxy_http": ["shared:haproxy_envoy_caddy_traefik/lnav_haproxy_syslog.log"],
    "cloudfront": ["shared:aws_lb_cdn/aws_cloudfront_standard_log_doc_example.log"],
    "iis_httperr": ["shared:iis_w3c/beats_iis_httperr_test.log"],
    "w3c": ["shared:iis_w3c/beats_iis_access_test.log", "shared:iis_w3c/lnav_oracle_webcache_w3c.log"],
    "traefik_clf": ["traefik_clf_beats.log"],
    "nginx_main": ["shop_nginx_main_1000.log"],
    "combined": ["nginx_lab_combined.log", "lab_apache_formats/access_combined.log"],
    "common": ["lab_tomcat/localhost_access_log.txt"],
    "error_log": ["lab_nginx_formats/error.log", "lab_apache_formats/error.log", "lab_tomcat/localhost.log",
                  "lab_tomcat/catalina.log"],
}
DEFAULT_SAMPLES = ["nginx_lab_combined.log"]
# Every built-in format (fuzz_formats and fuzz_stream read the name at the front of their input).
ALL_FORMATS = ["sip_trace", "sip_acc", "caddy_json", "traefik_json", "ecs_json", "envoy_json", "nginx_json", "alb",
               "elb_classic", "haproxy_http", "json", "cloudfront", "iis_httperr", "w3c", "envoy", "envoy_legacy",
               "traefik_clf", "vhost_combined", "nginx_main", "combined", "common", "tomcat_combined",
               "tomcat_common", "error_log"]

# Format strings as written in the servers' configurations (tests/data/lab_*) and documentation defaults.
FORMAT_STRINGS = [
    (0, "'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
        "\"$http_referer\" \"$http_user_agent\" rt=$request_time us=\"$upstream_status\" "
        "ua=\"$upstream_addr\" urt=\"$upstream_response_time\" host=$host rid=$request_id';",
     "lab_nginx_formats/access_custom.log"),
    (0, "escape=json '{\"time\":\"$time_iso8601\",\"remote_addr\":\"$remote_addr\",\"request\":\"$request\","
        "\"status\":$status,\"upstream_status\":\"$upstream_status\",\"host\":\"$host\"}';",
     "lab_nginx_formats/access_json.log"),
    (1, "\"%h %l %u %t \\\"%r\\\" %>s %b %D \\\"%{Host}i\\\" \\\"%{User-Agent}i\\\" %{X-Request-Id}i\"",
     "lab_apache_formats/access_custom.log"),
    (1, "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" combined",
     "lab_apache_formats/access_combined.log"),
    (2, "%h %l %u %t \"%r\" %s %b", "lab_tomcat/localhost_access_log.txt"),
    (2, "combined", "lab_apache_formats/access_combined.log"),
    (3, "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% "
        "%RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "
        "\"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" "
        "\"%UPSTREAM_HOST%\"\n", "nginx_lab_combined.log"),
]


class Seed:
    """Builds one FuzzedDataProvider input: front() for strings and text, back() for integers in the
    order the target consumes them (FuzzedDataProvider takes integers from the end of the data)."""

    def __init__(self) -> None:
        self.head = bytearray()
        self.tail = bytearray()

    def string(self, s: bytes) -> "Seed":  # ConsumeRandomLengthString: '\\' escapes, "\\n" ends it
        self.head += s.replace(b"\\", b"\\\\") + b"\\n"
        return self

    def front(self, b: bytes) -> "Seed":
        self.head += b
        return self

    def back(self, *values: int) -> "Seed":  # one byte per small integer (ranges below 256)
        self.tail += bytes(v & 0xFF for v in values)
        return self

    def data(self) -> bytes:
        return bytes(self.head) + bytes(reversed(self.tail))


def read(sample: str) -> bytes | None:
    path = SHARED / sample[7:] if sample.startswith("shared:") else DATA / sample
    try:
        return path.read_bytes()[:SLICE]
    except OSError:
        return None



def main(out: Path) -> None:
    seeds: dict[str, list[bytes]] = {}

    def add(target: str, data: bytes | None) -> None:
        if data:
            seeds.setdefault(target, []).append(data)

    logs = {name: [d for d in map(read, paths) if d] for name, paths in FORMAT_SAMPLES.items()}
    every_log = [d for ds in logs.values() for d in ds]

    for d in every_log:
        add("fuzz_framer", d)
        add("fuzz_stream", Seed().front(d).back(1).data())  # detect the format
        add("fuzz_compressed", Seed().front(gzip.compress(d)).back(4, 0xFF, 0xFF).data())
        add("fuzz_compressed", Seed().front(d).back(2, 0xFF, 0xFF).data())   # round trip through gzip
        add("fuzz_compressed", Seed().front(d).back(3, 0xFF, 0xFF).data())   # ... and zstd

    for name in ALL_FORMATS:
        for d in logs.get(name) or [read(p) for p in DEFAULT_SAMPLES]:
            add("fuzz_formats", Seed().string(name.encode()).front(d).back(0).data())
            add("fuzz_stream", Seed().string(name.encode()).front(d).back(0, 0).data())  # the named format

    for i, name in enumerate(["caddy_json", "traefik_json", "ecs_json", "envoy_json", "nginx_json", "json"]):
        for d in logs["caddy_json"] + logs["nginx_json"]:
            add("fuzz_json", Seed().front(d).back(i).data())
    for d in logs["nginx_json"]:  # a user's field map
        add("fuzz_json", Seed().string(b"status").string(b"status").string(b"path").string(b"request_uri")
            .front(d).back(192, 2, 1, 1).data())
    for d in logs["error_log"]:
        add("fuzz_error_logs", Seed().front(d).back(0xFF, 0xFF).data())
    for i, name in enumerate(["sip_trace", "sip_acc"]):
        for d in logs[name]:
            for level in range(3):
                add("fuzz_sip", Seed().front(d).back(i + 2 * level).data())
    # Envelopes (fuzz_envelopes: the envelope's index in envelopes() order docker, journald, json, cri, syslog,
    # then the carried format's name) around the labs' real syslog and journald output.
    for envelope, name, log in [(4, "combined", "lab_syslog/access_wire.log"), (4, "combined", "lab_syslog/access_rfc5424.log"),
                                (4, "combined", "lab_syslog/access_octet_counted.log"),
                                (4, "nginx_error", "lab_syslog/error_rfc3339.log"),
                                (1, "combined", "lab_journald/access_journal.json")]:
        add("fuzz_envelopes", Seed().string(name.encode()).front(read(log) or b"").back(envelope, 0).data())
    for which, fmt, log in FORMAT_STRINGS:
        add("fuzz_format_compilers", Seed().string(fmt.encode()).front(read(log) or b"").back(which).data())

    # Rule patterns: the built-in rule pack, matched against error-log text.
    rules = (ROOT / "python" / "logcodes" / "rules" / "builtin.toml").read_text()
    patterns = [line.split("=", 1)[1].strip().strip("'\"") for line in rules.splitlines() if line.startswith("pattern")]
    for k in range(0, len(patterns), 4):
        group = patterns[k:k + 4]
        seed = Seed().back(len(group))
        for p in group:
            seed.string(b"label").string(p.encode()).back(1, 0, 0)  # one code, picked from the list
        for d in logs["error_log"]:
            add("fuzz_rules", bytes(seed.head) + d + bytes(reversed(seed.tail)))

    pcaps = sorted((SHARED / "sip" / "pcap").glob("*.pcap*")) if (SHARED / "sip" / "pcap").is_dir() else []
    for p in pcaps:
        add("fuzz_pcap", p.read_bytes()[:16384] + b"\xff\xff\xff\xff\xff\xff")
        add("fuzz_compressed", Seed().front(gzip.compress(p.read_bytes()[:16384])).back(4, 0xFF, 0xFF).data())

    # fuzz_pcap_formats: the lab's SIP messages at the front (the packets' fuzzed pieces come from there); at
    # the back, read first: the mode (pcap resolution, byte orders, cut, gzip), read sizes, the cut's place,
    # then the link type (index into the decoded links) and the packet count.
    sip = read("lab_sipp/uac_messages.log")
    if sip:
        for link in range(8):
            for mode in (0x00, 0x07, 0x08, 0x13):
                add("fuzz_pcap_formats", Seed().front(sip).back(mode, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 7, 0, 9, 0, 9,
                                                                link, 39).data())

    # HEP: the lab's SIP messages as HEPv3 (plain, compressed, with a correlation id) and HEPv2/v1, written by
    # benchmarks/hep_wire.py; and the packets Kamailio itself sent in the HEP lab.
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from hep_wire import hep2, hep3, pcap_messages, udp_payloads

    lab_pcap = DATA / "lab_kamailio" / "capture.pcap"
    if lab_pcap.is_file():
        for i, m in enumerate(list(pcap_messages(str(lab_pcap)))[:40]):
            add("fuzz_hep", [hep3(m), hep3(m, compress=True), hep3(m, correlation_id=b"corr"), hep2(m),
                             hep2(m._replace(src="2001:db8::1", dst="2001:db8::2"), version=1)][i % 5])
    hep_pcap = DATA / "lab_hep" / "hep.pcap"
    if hep_pcap.is_file():
        for payload in udp_payloads(str(hep_pcap))[:20]:
            add("fuzz_hep", payload)

    for target, items in seeds.items():
        d = out / target
        d.mkdir(parents=True, exist_ok=True)
        for data in items:
            (d / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)
        print(f"{target}: {len(items)} seeds")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
