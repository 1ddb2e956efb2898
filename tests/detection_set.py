#!/usr/bin/env python3
"""The labelled detection set: files whose format is known, and what ``logcodes.detect`` makes of each.

    python tests/detection_set.py [--out DIR] [--table docs/detection.md]

Three sources, each labelled with the format that wrote it:

- **generated**: for every detectable built-in format (enumerated from the registry, ``formats.detectable()``)
  whose definition is a server format string (the description of the CLF family, Envoy, Tomcat ...), lines are
  written from that string by a writer of the servers' documented variables (nginx ``$var``, Apache/Tomcat
  ``%x``/``%{Name}i``, Envoy ``%COMMAND%``) — never from the project's parsers. Each sample is written bare and
  inside every wrapper (``formats.wrappers()``), as the wrappers' own documentation lays the envelope out.
- **corpus**: the shared corpus files named in tests/data/corpus_expected.json, with the format given there.
- **fixtures**: the lab outputs and error logs under tests/data, labelled below.
- **wrapped**: one real file of each format the generator cannot write (JSON presets, W3C, HAProxy, SIP, error
  logs ...), its first lines inside every wrapper.

A detection is *right* when it names the label, or a format that reads the file alike (every line the same
kind of record with the same code: the counts are the same), *unknown* when it names none, and *wrong*
otherwise. The acceptance: wrong is 0 everywhere.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pathlib
import re
import sys
from typing import Callable, Dict, List, Optional, Tuple

import logcodes
from logcodes import formats

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "data"
CORPUS = pathlib.Path(os.environ.get("LOGCODES_CORPUS", HERE.parent.parent / "shared" / "corpus"))
if not CORPUS.exists():
    CORPUS = pathlib.Path("/work/shared/corpus")

LINES = 40
CODES = [200, 200, 404, 301, 500, 502, 304, 200, 403, 503, 201, 200, 204, 302, 429]

# Lab outputs and error logs under tests/data: which format wrote each (their SOURCES.md say how). Files
# written in a custom layout no built-in format names are labelled with the built-in format whose fields
# they start with: the codes read are then the same.
FIXTURES: Dict[str, str] = {
    "alb_access_aws_docs.log": "alb",
    "iis85_w3c_lnav.log": "w3c",
    "iis_httperr_beats.log": "iis_httperr",
    "nginx_lab_combined.log": "combined",
    "shop_nginx_main_1000.log": "nginx_main",
    "traefik_clf_beats.log": "traefik_clf",
    "lab_apache_formats/access_combined.log": "combined",
    "lab_apache_formats/access_custom.log": "combined",
    "lab_apache_formats/error.log": "apache_error",
    "lab_apache_proxy/access.log": "combined",
    "lab_apache_proxy/error_log": "apache_error",
    "lab_error_logs/app_log4j.log": "log4j",
    "lab_error_logs/catalina.out": "catalina_out",
    "lab_error_logs/localhost_simple.log": "tomcat_simple",
    "lab_error_logs/php_error.log": "php_error",
    "lab_error_logs/php_fpm.log": "php_fpm",
    "lab_error_logs/python_asctime.log": "python_log",
    "lab_error_logs/python_basic.log": "python_log",
    "lab_journald/access_combined.log": "combined",
    "lab_journald/access_journal.json": "journald+combined",
    "lab_journald/error.log": "nginx_error",
    "lab_journald/error_journal.json": "journald+nginx_error",
    "lab_kamailio/sipp/uac_answered_messages.log": "sip_trace",
    "lab_sipp/uac_messages.log": "sip_trace",
    "lab_nginx_formats/access_combined.log": "combined",
    "lab_nginx_formats/access_custom.log": "combined",
    "lab_nginx_formats/access_json.log": "nginx_json",
    "lab_nginx_formats/error.log": "nginx_error",
    "lab_nginx_proxy/access_combined.log": "combined",
    "lab_nginx_proxy/access_upstream.log": "combined",
    "lab_nginx_proxy/error.log": "nginx_error",
    "lab_syslog/access_combined.log": "combined",
    "lab_syslog/access_octet_counted.log": "syslog+combined",
    "lab_syslog/access_rfc3339.log": "syslog+combined",
    "lab_syslog/access_rfc5424.log": "syslog+combined",
    "lab_syslog/access_traditional.log": "syslog+combined",
    "lab_syslog/access_wire.log": "syslog+combined",
    "lab_syslog/error.log": "nginx_error",
    "lab_syslog/error_rfc3339.log": "syslog+nginx_error",
    "lab_tomcat/catalina.log": "tomcat_juli",
    "lab_tomcat/localhost.log": "tomcat_juli",
    # The presets: lines written by the real servers (nginx with ingress-nginx's log formats, Apache, Caddy),
    # else taken from the vendors' documentation (tests/data/SOURCES.md says which).
    "lab_nginx_formats/access_ingress.log": "ingress_nginx",
    "lab_nginx_formats/access_ingress_legacy.log": "ingress_nginx_legacy",
    "lab_nginx_formats/access_main_times.log": "nginx_main_times",
    "lab_apache_formats/access_vcommon.log": "vcommon",
    "lab_caddy/access.log": "caddy_json",
    "presets/alb_current.log": "alb",
    "presets/azure_app_gateway.jsonl": "azure_app_gateway",
    "presets/azure_front_door.jsonl": "azure_front_door",
    "presets/cloudflare_http.jsonl": "cloudflare_http",
    "presets/cloudfront_realtime.log": "cloudfront_realtime",
    "presets/envoy_gateway.jsonl": "envoy_gateway_json",
}
# Files of the labs that are no logs of a known kind (SIPp's screens and CSV statistics, configs): detection
# must say unknown.
NOT_LOGS = ["lab_kamailio/sipp/uac_answered_screen.log", "lab_kamailio/sipp/uac_answered_stat.csv",
            "lab_kamailio/sipp/uas_answer_counts.csv", "lab_kamailio/kamailio.cfg", "lab_kamailio/tshark_sip_fields.tsv",
            "lab_nginx_formats/nginx.conf", "lab_nginx_formats/SOURCES.md", "lab_nginx_formats/EXPECTED.json",
            "lab_apache_formats/httpd.conf", "lab_caddy/Caddyfile", "corpus_expected.md"]


# -- writing lines from a format string -------------------------------------------------------------------

@dataclasses.dataclass
class Request:
    i: int
    code: int

    @property
    def ip(self) -> str:
        return f"10.{self.i % 7}.{self.i % 250}.{(self.i * 7) % 250 + 1}"

    @property
    def path(self) -> str:
        return f"/shop/item/{self.i}"

    @property
    def query(self) -> str:
        return f"?page={self.i % 5}" if self.i % 3 == 0 else ""

    @property
    def method(self) -> str:
        return ["GET", "POST", "GET", "HEAD", "PUT"][self.i % 5]

    @property
    def clf_time(self) -> str:
        return f"05/Dec/2026:10:{self.i % 60:02d}:{(self.i * 7) % 60:02d} +0000"

    @property
    def iso_time(self) -> str:
        return f"2026-12-05T10:{self.i % 60:02d}:{(self.i * 7) % 60:02d}.{self.i % 1000:03d}Z"

    @property
    def request_line(self) -> str:
        return f"{self.method} {self.path}{self.query} HTTP/1.1"

    @property
    def size(self) -> int:
        return 0 if self.code in (204, 304) else 100 + self.i * 13

    @property
    def agent(self) -> str:
        return f"Mozilla/5.0 (X11; Linux x86_64) detection-set/{self.i}"


# nginx variables (nginx.org/en/docs/http/ngx_http_log_module.html, ngx_http_core_module.html#variables)
def nginx_var(name: str, r: Request) -> str:
    values: Dict[str, Callable[[Request], object]] = {
        "remote_addr": lambda r: r.ip, "remote_user": lambda r: "-", "time_local": lambda r: r.clf_time,
        "time_iso8601": lambda r: r.iso_time.replace("Z", "+00:00"), "request": lambda r: r.request_line,
        "status": lambda r: r.code, "body_bytes_sent": lambda r: r.size, "bytes_sent": lambda r: r.size + 200,
        "http_referer": lambda r: "-" if r.i % 2 else "https://shop.example/",
        "http_user_agent": lambda r: r.agent, "http_x_forwarded_for": lambda r: "-",
        "request_time": lambda r: f"{(r.i % 40) / 1000:.3f}", "upstream_response_time": lambda r: f"{(r.i % 30) / 1000:.3f}",
        "upstream_status": lambda r: r.code, "upstream_addr": lambda r: "10.9.0.2:8080", "host": lambda r: "shop.example",
        "request_length": lambda r: 300 + r.i, "request_method": lambda r: r.method, "uri": lambda r: r.path,
        "request_uri": lambda r: r.path + r.query, "server_protocol": lambda r: "HTTP/1.1",
    }
    return str(values[name](r)) if name in values else "-"


# Apache mod_log_config directives (httpd.apache.org/docs/2.4/mod/mod_log_config.html#formats); Tomcat's
# AccessLogValve patterns use the same letters.
def apache_directive(letter: str, arg: Optional[str], r: Request) -> str:
    if letter == "i":
        return {"referer": "-" if r.i % 2 else "https://shop.example/", "user-agent": r.agent,
                "host": "shop.example"}.get((arg or "").lower(), "-")
    values: Dict[str, Callable[[Request], object]] = {
        "h": lambda r: r.ip, "a": lambda r: r.ip, "l": lambda r: "-", "u": lambda r: "-", "t": lambda r: f"[{r.clf_time}]",
        "r": lambda r: r.request_line, "s": lambda r: r.code, "b": lambda r: r.size or "-", "B": lambda r: r.size,
        "O": lambda r: r.size + 200, "I": lambda r: 300 + r.i, "v": lambda r: "shop.example", "p": lambda r: 443,
        "D": lambda r: 1000 + r.i, "T": lambda r: r.i % 3, "m": lambda r: r.method, "U": lambda r: r.path,
        "q": lambda r: r.query, "H": lambda r: "HTTP/1.1", "V": lambda r: "shop.example",
    }
    return str(values[letter](r)) if letter in values else "-"


# Envoy command operators (envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage)
def envoy_operator(op: str, r: Request) -> str:
    if op.startswith("START_TIME"):
        return r.iso_time
    if op.startswith("REQ(") or op.startswith("RESP("):
        header = op[op.index("(") + 1:op.rindex(")")].split("?")[0].upper()
        return {":METHOD": r.method, "X-ENVOY-ORIGINAL-PATH": r.path + r.query, ":PATH": r.path + r.query,
                "USER-AGENT": r.agent, "X-FORWARDED-FOR": "-", "X-REQUEST-ID": f"5d3c0e3a-0b6f-4b7e-9d4c-{r.i:012d}",
                ":AUTHORITY": "shop.example", "X-ENVOY-UPSTREAM-SERVICE-TIME": str(r.i % 20)}.get(header, "-")
    values: Dict[str, Callable[[Request], object]] = {
        "PROTOCOL": lambda r: "HTTP/1.1", "RESPONSE_CODE": lambda r: r.code, "RESPONSE_FLAGS": lambda r: "-",
        "RESPONSE_CODE_DETAILS": lambda r: "via_upstream", "CONNECTION_TERMINATION_DETAILS": lambda r: "-",
        "UPSTREAM_TRANSPORT_FAILURE_REASON": lambda r: "-", "BYTES_RECEIVED": lambda r: 0, "BYTES_SENT": lambda r: r.size,
        "DURATION": lambda r: r.i % 50, "UPSTREAM_HOST": lambda r: "10.9.0.2:8080",
        "UPSTREAM_CLUSTER": lambda r: "shop", "UPSTREAM_LOCAL_ADDRESS": lambda r: "10.9.0.1:40000",
        "DOWNSTREAM_LOCAL_ADDRESS": lambda r: "10.9.0.1:8443", "DOWNSTREAM_REMOTE_ADDRESS": lambda r: f"{r.ip}:50000",
        "REQUESTED_SERVER_NAME": lambda r: "shop.example", "ROUTE_NAME": lambda r: "default",
    }
    return str(values[op](r)) if op in values else "-"


def format_string(description: str) -> Optional[Tuple[str, str]]:
    """(kind, text) of the server format string a description gives after its name, or None."""
    m = re.search(r"'(\[%START_TIME%\].*)'", description)
    if m:
        return "envoy", m.group(1)
    m = re.search(r'pattern="[a-z]+": (.*)$', description)
    if m:
        return "apache", m.group(1)
    if ": $" in description or description.startswith("$"):
        return "nginx", description[description.index("$"):]
    m = re.search(r": (%[a-zA-Z{].*)$", description)
    if m:
        return "apache", m.group(1)
    return None


def render(kind: str, text: str, r: Request) -> str:
    if kind == "nginx":
        return re.sub(r"\$(\w+)", lambda m: nginx_var(m.group(1), r), text)
    if kind == "envoy":
        return re.sub(r"%([A-Z_]+(?:\([^)]*\))?(?::\d+)?)%", lambda m: envoy_operator(m.group(1), r), text)
    return re.sub(r"%[<>]?(?:\{([^}]*)\})?([a-zA-Z])", lambda m: apache_directive(m.group(2), m.group(1), r), text)


# Formats defined by a documented record layout rather than a format string: the keys each server documents.
def _traefik(r: Request) -> object:  # doc.traefik.io/traefik/observability/access-logs/ (JSON format fields)
    return {"ClientHost": r.ip, "DownstreamStatus": r.code, "OriginStatus": r.code, "RequestMethod": r.method,
            "RequestPath": r.path + r.query, "RequestProtocol": "HTTP/1.1", "RequestHost": "shop.example",
            "Duration": 1000000 + r.i, "RouterName": "shop@docker", "StartUTC": r.iso_time}


def _ecs(r: Request) -> object:  # Elastic Common Schema: http.*, url.*, source.ip, @timestamp
    return {"@timestamp": r.iso_time, "http": {"request": {"method": r.method}, "response": {"status_code": r.code}},
            "url": {"path": r.path, "domain": "shop.example"}, "source": {"ip": r.ip}}


def _envoy_json(r: Request) -> object:  # Envoy's default JSON access-log keys (json_format of the default operators)
    return {"start_time": r.iso_time, "method": r.method, "path": r.path + r.query, "protocol": "HTTP/1.1",
            "response_code": r.code, "response_flags": "-", "bytes_received": 0, "bytes_sent": r.size,
            "duration": r.i % 50, "upstream_host": "10.9.0.2:8080", "authority": "shop.example"}


def _json_status(r: Request) -> object:  # an application's own JSON lines, the status under "status"
    return {"ts": r.iso_time, "status": r.code, "uri": r.path, "verb": r.method, "latency_ms": r.i % 50}


def _acc(r: Request) -> str:  # Kamailio acc module, log_flag line (kamailio.org/docs/modules/stable/modules/acc.html)
    return (f"ACC: transaction answered: timestamp={1796464801 + r.i};method=INVITE;from_tag=ft{r.i};"
            f"to_tag=tt{r.i};call_id=c{r.i}@pbx;code={[200, 486, 404, 603, 180][r.i % 5]};reason=OK;src_user=alice")


def _gcp(r: Request) -> object:  # Cloud Logging LogEntry with httpRequest (LogEntry and HttpRequest reference)
    return {"httpRequest": {"requestMethod": r.method, "requestUrl": f"https://shop.example{r.path}{r.query}",
                            "status": r.code, "responseSize": str(r.size), "userAgent": r.agent, "remoteIp": r.ip,
                            "latency": f"{(r.i % 40) / 1000:.3f}s", "protocol": "HTTP/1.1"},
            "insertId": f"i{r.i}", "logName": "projects/shop/logs/requests", "severity": "INFO",
            "timestamp": r.iso_time, "receiveTimestamp": r.iso_time, "resource": {"type": "http_load_balancer"}}


RECORDS: Dict[str, Callable[[Request], object]] = {
    "gcp_http_request": _gcp, "traefik_json": _traefik, "ecs_json": _ecs, "envoy_json": _envoy_json, "json": _json_status, "sip_acc": _acc,
}


def generated_lines(name: str) -> Optional[List[str]]:
    if name in RECORDS:
        made = [RECORDS[name](Request(i, CODES[i % len(CODES)])) for i in range(LINES)]
        return [m if isinstance(m, str) else _json(m) for m in made]
    found = format_string(formats.available()[name])
    if found is None:
        return None
    kind, text = found
    return [render(kind, text, Request(i, CODES[i % len(CODES)])) for i in range(LINES)]


# -- envelopes, as each wrapper's writer lays them out (docs/wrappers.md, "Sources of each grammar") ------

def _json(obj: object) -> str:
    return json.dumps(obj, separators=(",", ":"))


WRAPPERS: Dict[str, Callable[[int, str], str]] = {
    # RFC 3164 as nginx's access_log syslog: sends it (PRI local7.info)
    "syslog": lambda i, line: f"<190>Dec  5 10:{i % 60:02d}:01 web1 nginx: {line}",
    # CRI (kubernetes/cri-api, kubelet's log format): time stream tag content
    "cri": lambda i, line: f"2026-12-05T10:{i % 60:02d}:01.123456789Z stdout F {line}",
    # Docker json-file: the line with its newline in "log"
    "docker": lambda i, line: _json({"log": line + "\n", "stream": "stdout", "time": f"2026-12-05T10:{i % 60:02d}:01.5Z"}),
    # journalctl -o json
    "journald": lambda i, line: _json({"__REALTIME_TIMESTAMP": str(1796464801000000 + i), "_HOSTNAME": "web1",
                                       "SYSLOG_IDENTIFIER": "nginx", "MESSAGE": line}),
    # journalctl -o export (systemd.io/JOURNAL_EXPORT_FORMATS): NAME=value fields, an empty line ends the entry
    "journal_export": lambda i, line: (f"__CURSOR=s=739ad463;i={i:x};b=6d8d;m={i:x};t=5e5c;x=f0\n"
                                       f"__REALTIME_TIMESTAMP={1796464801000000 + i}\n_BOOT_ID=6d8d1f3e5a2b4c7d\n"
                                       f"PRIORITY=6\nSYSLOG_IDENTIFIER=nginx\nMESSAGE={line}\n_PID={100 + i}\n"
                                       f"_HOSTNAME=web1\n_TRANSPORT=syslog\n"),
    # Filebeat / Elastic Agent event
    "json": lambda i, line: _json({"@timestamp": f"2026-12-05T10:{i % 60:02d}:01.000Z", "message": line,
                                   "host": {"name": "web1"}}),
}


# -- the set ------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Case:
    source: str         # generated, corpus, fixtures
    name: str           # what the file is
    path: pathlib.Path
    label: Optional[str]  # the format that wrote it ("syslog+combined"); None: no known format
    detected: Optional[str] = None
    confidence: float = 0.0
    outcome: str = ""   # right, unknown, wrong
    why: str = ""


def build(out: pathlib.Path) -> List[Case]:
    out.mkdir(parents=True, exist_ok=True)
    cases: List[Case] = []
    for name in formats.detectable():
        lines = generated_lines(name)
        if lines is None:
            continue
        bare = out / f"{name}.log"
        bare.write_text("".join(line + "\n" for line in lines))
        cases.append(Case("generated", name, bare, name))
        for wrapper, wrap in WRAPPERS.items():
            if wrapper not in formats.wrappers():
                continue
            p = out / f"{wrapper}+{name}.log"
            p.write_text("".join(wrap(i, line) + "\n" for i, line in enumerate(lines)))
            cases.append(Case("generated", f"{wrapper}+{name}", p, f"{wrapper}+{name}"))
    expected = json.loads((DATA / "corpus_expected.json").read_text())
    for rel, e in sorted(expected.items()):
        if (CORPUS / rel).exists():
            cases.append(Case("corpus", rel, CORPUS / rel, e["format"]))
    for rel, label in sorted(FIXTURES.items()):
        cases.append(Case("fixtures", rel, DATA / rel, label))
    for rel in NOT_LOGS:
        cases.append(Case("fixtures", rel, DATA / rel, None))
    # The real files of every other format, wrapped in each wrapper too (their first lines).
    wrapped = out / "wrapped"
    wrapped.mkdir(exist_ok=True)
    seen = set()
    for c in [c for c in cases if c.source in ("corpus", "fixtures") and c.label and "+" not in c.label]:
        if c.label in seen or c.label in {x.label for x in cases if x.source == "generated"}:
            continue
        seen.add(c.label)
        lines = c.path.read_bytes().decode("utf-8", "replace").splitlines()[:LINES * 2]
        for wrapper, wrap in WRAPPERS.items():
            if wrapper not in formats.wrappers():
                continue
            p = wrapped / f"{wrapper}+{c.label}.log"
            p.write_text("".join(wrap(i, line) + "\n" for i, line in enumerate(lines)))
            cases.append(Case("wrapped", f"{wrapper}+{c.label} ({c.name})", p, f"{wrapper}+{c.label}"))
    return cases


def _reading(fmt: logcodes.formats.Format, lines: List[bytes]) -> List[Tuple[str, str]]:
    return [(r.get("kind", "response"), r.get("status", "")) if isinstance(r, dict) else (r, "")
            for r in fmt.parse_lines(lines)]


def reads_alike(a: str, b: str, path: pathlib.Path) -> bool:
    """Whether formats a and b read every line of the file's head as the same kind of record with the same code."""
    lines = path.read_bytes()[: 1 << 20].splitlines()[:500]
    return _reading(formats.get(a), lines) == _reading(formats.get(b), lines)


def judge(case: Case) -> Case:
    d = logcodes.detect(case.path)
    case.detected, case.confidence = d.format, getattr(d, "confidence", 0.0)
    if d.format is None:
        case.outcome, case.why = ("right" if case.label is None else "unknown"), d.explanation
    elif case.label is None:
        case.outcome, case.why = "wrong", d.explanation
    elif d.format == case.label or reads_alike(d.format, case.label, case.path):
        case.outcome = "right"
    else:
        case.outcome, case.why = "wrong", d.explanation
    return case


def run(out: pathlib.Path) -> List[Case]:
    return [judge(c) for c in build(out)]


def table(cases: List[Case]) -> str:
    rows = ["| source | files | right | unknown | wrong |", "|---|---:|---:|---:|---:|"]
    for source in ("generated", "corpus", "fixtures", "wrapped"):
        group = [c for c in cases if c.source == source]
        rows.append(f"| {source} | {len(group)} | {sum(c.outcome == 'right' for c in group)} | "
                    f"{sum(c.outcome == 'unknown' for c in group)} | {sum(c.outcome == 'wrong' for c in group)} |")
    rows.append(f"| **all** | {len(cases)} | {sum(c.outcome == 'right' for c in cases)} | "
                f"{sum(c.outcome == 'unknown' for c in cases)} | {sum(c.outcome == 'wrong' for c in cases)} |")
    detail = ["| file | label | detected | confidence | outcome |", "|---|---|---|---:|---|"]
    for c in cases:
        detail.append(f"| {c.name} | {c.label or '(none)'} | {c.detected or 'unknown'} | {c.confidence:.2f} | {c.outcome} |")
    return "\n".join(rows) + "\n\n" + "\n".join(detail) + "\n"


BEGIN, END = "<!-- detection-set:begin -->", "<!-- detection-set:end -->"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=None, help="where the generated files go (default: a temporary directory)")
    ap.add_argument("--table", default=None, help="a Markdown file whose detection-set section is rewritten")
    args = ap.parse_args(argv)
    import tempfile
    out = pathlib.Path(args.out or tempfile.mkdtemp(prefix="detection-set-"))
    cases = run(out)
    text = table(cases)
    if args.table:
        doc = pathlib.Path(args.table)
        body = doc.read_text()
        start, end = body.index(BEGIN) + len(BEGIN), body.index(END)
        doc.write_text(body[:start] + "\n" + text + body[end:])
    else:
        print(text)
    for c in cases:
        if c.outcome == "wrong":
            print(f"WRONG {c.name}: label {c.label}, detected {c.detected}: {c.why}", file=sys.stderr)
    return 1 if any(c.outcome == "wrong" for c in cases) else 0


if __name__ == "__main__":
    sys.exit(main())
