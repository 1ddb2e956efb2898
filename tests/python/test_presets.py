"""Built-in presets of the formats servers write by default or with the usual edit (issue 17, part 2).

Where Debian packages the server, the lines are the real server's: nginx (ingress-nginx's default
log-format-upstream, its pre-0.22 shape and nginx 'main' + times, tests/lab/nginx_formats), Apache httpd
(vcommon, tests/lab/apache_formats) and Caddy (tests/lab/caddy). Elsewhere they come from the server's
documentation (tests/data/SOURCES.md says which): Envoy Gateway's default JSON, Azure Front Door and Application
Gateway, Cloudflare Logpush http_requests, AWS ALB's current field list, CloudFront real-time logs. For each:
the detection picks it on its own lines, status and code counts, the upstream code, durations, and named
fields through records() and by=.
"""

from __future__ import annotations

import collections
import json
import re

import pyarrow as pa
import pytest

import logcodes
from logcodes import formats


@pytest.fixture(scope="module")
def nginx_lab(data):
    d = data / "lab_nginx_formats"
    return d, json.loads((d / "EXPECTED.json").read_text())


def expected_counts(expected):
    return {int(c): n for c, n in expected["counts"].items()}


def rows(path, *columns, **kw):
    return pa.table(logcodes.records(path, columns=list(columns), **kw)).to_pylist()


# --- ingress-nginx and nginx 'main' + times: lines written by a real nginx ---------------------------------

NGINX_PRESETS = [
    ("access_ingress.log", "ingress_nginx", "log_format_ingress"),
    ("access_ingress_legacy.log", "ingress_nginx_legacy", "log_format_ingress_legacy"),
    ("access_main_times.log", "nginx_main_times", "log_format_main_times"),
]


@pytest.mark.parametrize("log,preset,directive", NGINX_PRESETS)
def test_nginx_presets_detected_and_counted(nginx_lab, log, preset, directive):
    d, expected = nginx_lab
    s = logcodes.scan(d / log, by="code")
    assert s.files[0].format == preset, s.files[0].detection
    assert "match exactly" in s.files[0].detection
    assert s.counts("code") == expected_counts(expected)
    assert (s.total, s.unparsed, s.invalid) == (expected["lines"], 0, 0)
    # The preset reads every line as the server's own log_format directive does, field by field.
    own = formats.nginx(expected[directive])
    builtin = formats.get(preset)
    for line in (d / log).read_text().splitlines():
        a, b = own.parse(line), builtin.parse(line)
        keys = ("status", "upstream_status", "duration", "target", "method", "time")
        assert [a.get(k) for k in keys] == [b.get(k) for k in keys]
        assert a["fields"].get("req_id", a["fields"].get("request_id")) == b["fields"].get("request_id")


@pytest.mark.parametrize("log,preset", [(log, preset) for log, preset, _ in NGINX_PRESETS])
def test_nginx_presets_upstream_codes_and_durations(nginx_lab, log, preset):
    d, _ = nginx_lab
    text = (d / log).read_text()
    s = logcodes.scan(d / log, by="code,upstream_code,path")
    c = s.counts()
    if preset != "nginx_main_times":   # main + times logs no $upstream_status
        assert c[(502, 502, "/dead/x")] == 4                      # refused
        assert c[(504, 504, "/app/slow")] == 1                    # timed out
        assert c[(200, 200, "/flaky/ok")] == 3                    # "502, 200": the last one tried answered
        retried = logcodes.scan(d / log, by="upstream_status").counts("upstream_status")["502, 200"]
        assert retried == text.count(" 502, 200 ") > 0
        assert c[(403, None, "/forbidden")] == 2                  # "-": nginx answered itself
    # $request_time is the duration, in seconds, for every record.
    pattern = r'" \d+ (\d+\.\d+) \[' if preset != "nginx_main_times" else r'" (\d+\.\d+) (?:-|[\d., :]+)$'
    times = [float(m) for m in re.findall(pattern, text, re.M)]
    got = sorted(r["duration"] for r in rows(d / log, "duration"))
    assert len(got) == len(times) == 40 and got == pytest.approx(sorted(times))


def test_ingress_fields(nginx_lab):
    d, _ = nginx_lab
    path = d / "access_ingress.log"
    up = logcodes.scan(path, by="proxy_upstream_name,code")
    assert up.counts()[("lab-dead-80", 502)] == 4
    assert up.counts()[("lab-flaky-80", 200)] == 3
    ids = logcodes.scan(path, by="request_id").counts("request_id")
    assert ids["lab-teapot-1"] == 1                                # the client's X-Request-ID, kept by the map
    assert len(ids) == 40                                          # else nginx's $request_id, one per request
    rec = formats.get("ingress_nginx").parse(next(line for line in path.read_text().splitlines()
                                                  if "/flaky/" in line and ", " in line))
    f = rec["fields"]
    assert f["upstream_status"] == "502, 200" and f["upstream_addr"].count(", ") == 1
    assert f["upstream_response_time"].count(", ") == 1 and f["request_length"].isdigit()
    assert f["proxy_alternative_upstream_name"] == ""


def test_ingress_errors_explained_by_the_error_log(nginx_lab):
    d, _ = nginx_lab
    s = logcodes.scan(d / "access_ingress.log", errors=d / "error.log", by="code,path,cause")
    c = s.counts()
    assert c[(502, "/dead/x", "upstream_refused")] == 4
    assert c[(504, "/app/slow", "upstream_timeout")] == 1


def test_main_times_keeps_upstream_time_lists(nginx_lab):
    d, _ = nginx_lab
    text = (d / "access_main_times.log").read_text()
    s = logcodes.scan(d / "access_main_times.log", by="upstream_response_time")
    tried_twice = sum(n for k, n in s.counts("upstream_response_time").items() if k and ", " in k)
    assert tried_twice == sum(", " in line for line in text.splitlines()) > 0   # both tries, kept whole


def test_plain_main_and_combined_stay_theirs(data, tmp_path):
    """The new presets win only on their own lines: nginx main, combined and a custom format keep their
    detection (exact matches decide; a loose reading goes to the most general format)."""
    assert logcodes.scan(data / "shop_nginx_main_1000.log").files[0].format != "nginx_main_times"
    assert logcodes.scan(data / "lab_nginx_formats" / "access_combined.log").files[0].format == "combined"
    # A custom log_format no format reads exactly: the most general of the formats reading it alike, never a
    # preset that happens to read it loosely (docs/detection.md).
    assert logcodes.scan(data / "lab_nginx_formats" / "access_custom.log").files[0].format == "common"


def test_unquoted_upstream_lists_in_a_users_format(tmp_path):
    """Unquoted $upstream_* lists hold spaces after ',' and around ':' only: the matcher ends such a field at
    another space, whatever the number of upstreams tried."""
    f = formats.nginx("'$remote_addr [$time_local] \"$request\" $status $upstream_addr $upstream_status "
                      "$upstream_response_time $request_id'")
    line = ('10.0.0.1 [05/Dec/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 10.0.0.5:80, 10.0.0.6:80 : 10.0.1.1:80 '
            '502, 504 : 200 0.001, 1.000 : 0.002 abc')
    rec = f.parse(line)
    assert rec["upstream_status"] == "502, 504 : 200"
    assert rec["fields"]["upstream_addr"] == "10.0.0.5:80, 10.0.0.6:80 : 10.0.1.1:80"
    assert rec["fields"]["upstream_response_time"] == "0.001, 1.000 : 0.002"
    assert rec["fields"]["request_id"] == "abc"
    p = tmp_path / "u.log"
    p.write_text(line + "\n")
    assert logcodes.scan(p, format=f, by="upstream_code").counts("upstream_code") == {200: 1}


# --- Apache vcommon and Caddy: lines written by the real servers -----------------------------------------

def test_apache_vcommon(data):
    d = data / "lab_apache_formats"
    expected = json.loads((d / "EXPECTED.json").read_text())
    s = logcodes.scan(d / "access_vcommon.log", by="code")
    assert s.files[0].format == "vcommon", s.files[0].detection
    assert s.counts("code") == expected_counts(expected) and (s.unparsed, s.invalid) == (0, 0)
    text = (d / "access_vcommon.log").read_text()
    hosts = logcodes.scan(d / "access_vcommon.log", by="host").counts("host")
    first = collections.Counter(line.split(" ", 1)[0] for line in text.splitlines())
    assert hosts == dict(first) and hosts["api.example.org"] == 4
    # The same requests in combined stay combined.
    assert logcodes.scan(d / "access_combined.log").files[0].format == "combined"


def test_caddy_json_lab(data):
    d = data / "lab_caddy"
    expected = json.loads((d / "EXPECTED.json").read_text())
    s = logcodes.scan(d / "access.log", by="code")
    assert s.files[0].format == "caddy_json", s.files[0].detection
    assert s.counts("code") == expected_counts(expected) and (s.unparsed, s.invalid) == (0, 0)
    r = rows(d / "access.log", "code", "duration", "path", "host")
    assert max(x["duration"] for x in r) == pytest.approx(expected["max_duration"])
    assert [x["path"] for x in r if x["code"] == 504] == ["/slow/slow"]
    assert sorted(x["path"] for x in r if x["code"] == 502) == ["/dead/x", "/dead/y"]
    assert all(x["duration"] >= 0 for x in r)                        # zap writes small ones as 7.7e-05
    ua = logcodes.scan(d / "access.log", by="user_agent").counts("user_agent")
    assert ua['logcodes-lab/1.0 ("quoted")'] == expected["lines"] - 1   # all but the start-up probe


# --- presets from the servers' documentation ----------------------------------------------------------------

DOCS = {
    "envoy_gateway.jsonl": ("envoy_gateway_json", {200: 1, 404: 1, 503: 1, 504: 1}, 0),
    "azure_front_door.jsonl": ("azure_front_door", {200: 1, 403: 1}, 0),
    "azure_app_gateway.jsonl": ("azure_app_gateway", {200: 1, 404: 1}, 0),
    "cloudflare_http.jsonl": ("cloudflare_http", {200: 1, 502: 1, 522: 1}, 0),
    "alb_current.log": ("alb", {200: 1, 460: 1, 502: 1}, 0),
    "cloudfront_realtime.log": ("cloudfront_realtime", {200: 1, 502: 1}, 1),   # 000: the viewer left first
}


@pytest.mark.parametrize("name", sorted(DOCS))
def test_documented_presets_detected_and_counted(data, name):
    preset, codes, invalid = DOCS[name]
    s = logcodes.scan(data / "presets" / name, by="code")
    assert s.files[0].format == preset, s.files[0].detection
    assert "match exactly" in s.files[0].detection
    assert s.counts("code") == codes and (s.unparsed, s.invalid) == (0, invalid)
    assert preset in formats.available()


def test_envoy_gateway_fields(data):
    path = data / "presets" / "envoy_gateway.jsonl"
    r = {x["code"]: x for x in rows(path, "code", "duration", "path", "host", "time")}
    assert r[504]["duration"] == pytest.approx(15.002) and r[200]["duration"] == pytest.approx(0.001)
    assert r[503]["path"] == "/api/orders" and r[503]["host"] == "shop.example.com"
    flags = logcodes.scan(path, by="code,response_flags").counts()
    assert flags[(503, "UF")] == 1 and flags[(404, "NR")] == 1
    ids = logcodes.scan(path, by="request_id").counts("request_id")
    assert "ab1e4da7-5f1d-45ea-bb4a-fa1ccd03b82b" in ids
    # The plain Envoy JSON preset still takes Envoy's own key names.
    envoy = '{"response_code":200,"method":"GET","path":"/","response_flags":"-","upstream_host":"10.0.0.1:80"}\n'
    assert logcodes.detect(envoy.encode()).format == "envoy_json"


def test_azure_front_door_fields(data):
    path = data / "presets" / "azure_front_door.jsonl"
    r = {x["code"]: x for x in rows(path, "code", "duration", "path", "query", "method", "time")}
    assert r[200]["duration"] == pytest.approx(0.598) and r[403]["duration"] == pytest.approx(0.003)
    assert r[403]["path"] == "/" and r[403]["query"] == "q=%27%20or%201=1" and r[403]["method"] == "GET"
    c = logcodes.scan(path, by="code,pop,cache_status").counts()
    assert c[(403, "SJC", "CONFIG_NOCACHE")] == 1
    ids = logcodes.scan(path, by="request_id").counts("request_id")
    assert len(ids) == 2 and all(k.startswith("0") for k in ids)


def test_azure_app_gateway_fields(data):
    path = data / "presets" / "azure_app_gateway.jsonl"
    r = {x["code"]: x for x in rows(path, "code", "upstream_code", "duration", "host", "path")}
    assert r[200]["upstream_code"] == 200 and r[200]["duration"] == pytest.approx(0.034)   # v2: seconds
    assert r[200]["host"] == "20.110.30.194" and r[404]["path"] == "/phpmyadmin/scripts/setup.php"
    c = logcodes.scan(path, by="code,error_info,server_routed").counts()
    assert c[(200, "ERRORINFO_NO_ERROR", "52.239.221.65:443")] == 1
    assert logcodes.scan(path, by="request_id").counts("request_id")["592d1649f75a8d480a3c4dc6a975309d"] == 1


def test_cloudflare_fields(data):
    path = data / "presets" / "cloudflare_http.jsonl"
    r = {x["code"]: x for x in rows(path, "code", "upstream_code", "time", "host", "path", "bytes")}
    assert r[502]["upstream_code"] == 502 and r[522]["upstream_code"] is None   # 0: no origin reached
    # unixnano (the default), RFC 3339 and unix seconds, as a job's timestamp_format chooses.
    assert [r[c]["time"].year for c in (200, 502, 522)] == [2017, 2026, 2026]
    assert r[200]["host"] == "www.theburritobot.com" and r[200]["bytes"] == 69045
    assert r[502]["path"] == "/api/cart"
    c = logcodes.scan(path, by="code,cache_status,edge_colo").counts()
    assert c[(522, "unknown", "IAD")] == 1
    assert logcodes.scan(path, by="request_id").counts("request_id")["3a6050bcbe121a87"] == 1


def test_alb_with_and_without_newer_fields(data):
    old = logcodes.scan(data / "alb_access_aws_docs.log", by="code")
    assert old.files[0].format == "alb" and old.unparsed == 0
    path = data / "presets" / "alb_current.log"
    c = logcodes.scan(path, by="code,upstream_code,classification,classification_reason").counts()
    assert c[(502, 502, "Ambiguous", "UndefinedContentLengthSemantics")] == 1
    assert c[(460, None, None, None)] == 1                            # "-": the client left before a target
    traces = logcodes.scan(path, by="conn_trace_id").counts("conn_trace_id")
    assert traces["TID_1234abcd5678ef90"] == 1 and traces["TID_1234abcd5678ef91"] == 1
    both = logcodes.scan([data / "alb_access_aws_docs.log", path], by="code")
    assert both.total == 7 + 3 and both.unparsed == 0


def test_cloudfront_realtime_fields(data):
    path = data / "presets" / "cloudfront_realtime.log"
    r = {x["code"]: x for x in rows(path, "code", "duration", "path", "query", "host", "time")}
    assert r[200]["path"] == "/images/cat.jpg" and r[200]["query"] == "mobile=true"
    assert r[502]["duration"] == pytest.approx(1.023) and r[502]["host"] == "www.example.com"
    assert r[200]["time"].microsecond == 123000
    c = logcodes.scan(path, by="code,x-edge-detailed-result-type").counts()
    assert c[(502, "OriginConnectError")] == 1
    s = logcodes.scan(path)
    assert s.invalid_samples[0].text.split("\t")[3] == "000"


def test_traefik_common_from_its_formatter(tmp_path):
    """Traefik v2/v3's CommonLogFormatter (pkg/middlewares/accesslog/logger_formatters.go) writes
    `%s - %s [%s] "%s %s %s" %v %v %s %s %v %s %s %dms`: combined, then the request count, the router and the
    service URL quoted, and the duration in milliseconds."""
    lines = ['10.0.0.1 - - [05/Dec/2026:10:00:01 +0000] "GET /api HTTP/1.1" 502 11 "-" "curl/8.5.0" 17 '
             '"api@docker" "http://172.18.0.3:8080" 3ms',
             '10.0.0.1 - bob [05/Dec/2026:10:00:02 +0000] "POST /login HTTP/2.0" 200 512 "https://a.example/" '
             '"Mozilla/5.0 (X11)" 18 "web@file" "http://172.18.0.4:80" 1204ms']
    p = tmp_path / "traefik.log"
    p.write_text("\n".join(lines) + "\n")
    s = logcodes.scan(p, by="code,traefik_router")
    assert s.files[0].format == "traefik_clf" and s.counts() == {(502, "api@docker"): 1, (200, "web@file"): 1}
    assert sorted(r["duration"] for r in rows(p, "duration")) == [0.003, 1.204]


def test_cloudfront_realtime_with_the_fields_configured(tmp_path):
    """A real-time log configuration keeps some fields; records hold them in the documented order whatever order
    the configuration lists them in (real-time-logs.md, "Creating a Kinesis Data Streams consumer")."""
    f = formats.cloudfront("c-country, time-taken, sc-status, cs-uri-stem, timestamp")
    assert f.fields == ("timestamp", "sc-status", "cs-uri-stem", "time-taken", "c-country")
    assert formats.compile("cloudfront", "timestamp sc-status").fields == ("timestamp", "sc-status")
    p = tmp_path / "rt.log"
    p.write_text("1796464800.123\t200\t/a?b=1\t0.002\tUS\n1796464801.456\t504\t/slow\t30.001\tDE\n")
    s = logcodes.scan(p, format=f, by="code,c-country")
    assert s.counts() == {(200, "US"): 1, (504, "DE"): 1} and s.unparsed == 0
    assert [r["duration"] for r in rows(p, "duration", format=f)] == [0.002, 30.001]
    with pytest.raises(logcodes.FormatError, match="not a CloudFront real-time log field"):
        formats.cloudfront("timestamp sc-status cs-uri")
    with pytest.raises(logcodes.FormatError, match="no response status"):
        formats.cloudfront(["timestamp", "c-ip"])
