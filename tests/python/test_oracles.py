"""Independent oracles: lines written from each format's own documentation with fields whose truth is known
(they were drawn first), then read back by ``records()``: the status *and* every field the format defines
must come back as drawn. Nothing here is derived from the C++ parsers.

Layouts, from the servers' documentation:
- Apache ``combined``: ``%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`` (mod_log_config).
- nginx ``main`` (the commented default of nginx.conf): ``$remote_addr - $remote_user [$time_local] "$request"
  $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"``.
- HAProxy HTTP log (configuration manual §8.2.3): ``client:port [accept_date] frontend backend/server
  TR/Tw/Tc/Tr/Ta status bytes_read req_cookie res_cookie termination_state
  actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue "request"``, Ta in milliseconds.
- AWS ALB (Elastic Load Balancing user guide, "Access log entries"): ``type time elb client:port target:port
  request_processing_time target_processing_time response_processing_time elb_status_code target_status_code
  received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id"
  "domain_name" "chosen_cert_arn" matched_rule_priority request_creation_time "actions_executed"
  "redirect_url" "error_reason" "target:port_list" "target_status_code_list" "classification"
  "classification_reason" conn_trace_id`` — the request holds the full URL; a target that never answered is
  ``-``.
- W3C extended (IIS): ``#Fields:`` names the columns in any order; ``date time`` in UTC, ``time-taken`` in
  milliseconds, ``cs-uri-stem`` and ``cs-uri-query`` apart (``-`` when empty), ``+`` for a space in text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logcodes

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])
COLUMNS = ["time", "code", "method", "path_raw", "query", "bytes", "duration", "upstream_code"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# RFC 9110 §9 and WebDAV (RFC 4918) methods, as clients send them.
METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
                           "PROPFIND", "MKCOL"])
_SEG = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%", min_size=1, max_size=12)
PATHS = st.lists(_SEG, min_size=0, max_size=5).map(lambda segs: "/" + "/".join(segs))
QUERIES = st.one_of(st.none(), st.lists(st.tuples(_SEG, _SEG), min_size=1, max_size=3).map(
    lambda kv: "&".join(f"{k}={v}" for k, v in kv)))
STATUS = st.integers(min_value=100, max_value=599)
TIMES = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31))
ZONES = st.integers(min_value=-12, max_value=14).map(lambda h: dt.timezone(dt.timedelta(hours=h)))


@st.composite
def request(draw) -> Dict[str, Any]:
    return {"method": draw(METHODS), "path_raw": draw(PATHS), "query": draw(QUERIES), "code": draw(STATUS),
            "bytes": draw(st.integers(min_value=0, max_value=10**9))}


def target(r: Dict[str, Any]) -> str:
    return r["path_raw"] + (f"?{r['query']}" if r["query"] else "")


def clf_time(t: dt.datetime) -> str:
    return f"{t.day:02d}/{MONTHS[t.month - 1]}/{t.year}:{t:%H:%M:%S} {t:%z}"


def read_back(tmp_path: Path, name: str, text: str, fmt: str) -> List[Dict[str, Any]]:
    p = tmp_path / name
    p.write_text(text)
    recs = logcodes.records(str(p), format=fmt, columns=COLUMNS)
    rows = recs.to_arrow().to_pylist()
    assert recs.summary.unparsed == 0 and recs.summary.invalid == 0, recs.summary
    return rows


def check(rows: List[Dict[str, Any]], truth: List[Dict[str, Any]]) -> None:
    assert len(rows) == len(truth)
    for got, want in zip(rows, truth):
        for key, value in want.items():
            same = got[key] == pytest.approx(value, rel=1e-12) if key == "duration" else got[key] == value
            assert same, f"{key}: {got[key]!r} instead of {value!r} in {got}"


@SETTINGS
@given(reqs=st.lists(st.tuples(request(), TIMES, ZONES, st.booleans()), min_size=1, max_size=6))
def test_combined_from_mod_log_config(tmp_path, reqs):
    lines, truth = [], []
    for r, t, zone, dash in reqs:
        t = t.replace(microsecond=0, tzinfo=zone)
        size = "-" if dash else str(r["bytes"])      # %b writes "-" for no body
        lines.append(f'10.1.2.3 - alice [{clf_time(t)}] "{r["method"]} {target(r)} HTTP/1.1" {r["code"]} {size} '
                     f'"https://ref.example/" "Mozilla/5.0 (X11; Linux x86_64)"\n')
        truth.append({**r, "bytes": None if dash else r["bytes"], "time": t.astimezone(dt.timezone.utc)})
    check(read_back(tmp_path, "combined.log", "".join(lines), "combined"), truth)


@SETTINGS
@given(reqs=st.lists(st.tuples(request(), TIMES, ZONES), min_size=1, max_size=6))
def test_nginx_main_from_nginx_conf(tmp_path, reqs):
    lines, truth = [], []
    for r, t, zone in reqs:
        t = t.replace(microsecond=0, tzinfo=zone)
        lines.append(f'192.0.2.7 - - [{clf_time(t)}] "{r["method"]} {target(r)} HTTP/2.0" {r["code"]} {r["bytes"]} '
                     f'"-" "curl/8.5.0" "198.51.100.9, 10.0.0.1"\n')
        truth.append({**r, "time": t.astimezone(dt.timezone.utc)})
    check(read_back(tmp_path, "main.log", "".join(lines), "nginx_main"), truth)


@SETTINGS
@given(reqs=st.lists(st.tuples(request(), st.lists(st.integers(min_value=0, max_value=99999), min_size=4,
                                                    max_size=4)), min_size=1, max_size=6))
def test_haproxy_http_log_from_the_manual(tmp_path, reqs):
    lines, truth = [], []
    for r, (tr, tw, tc, tres) in reqs:
        ta = tr + tw + tc + tres
        lines.append(f"Feb  6 12:14:14 lb1 haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in "
                     f"static/srv1 {tr}/{tw}/{tc}/{tres}/{ta} {r['code']} {r['bytes']} - - ---- 1/1/1/1/0 0/0 "
                     f'"{r["method"]} {target(r)} HTTP/1.1"\n')
        truth.append({**r, "duration": ta / 1000})
    check(read_back(tmp_path, "haproxy.log", "".join(lines), "haproxy_http"), truth)


@SETTINGS
@given(reqs=st.lists(st.tuples(request(), TIMES, st.one_of(st.none(), STATUS), st.booleans()), min_size=1,
                     max_size=6))
def test_alb_from_the_elb_guide(tmp_path, reqs):
    lines, truth = [], []
    for r, t, upstream, newer in reqs:
        t = t.replace(tzinfo=dt.timezone.utc)
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        target_code = "-" if upstream is None else str(upstream)
        url = f"https://shop.example.com:443{target(r)}"
        line = (f'https {stamp} app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.001 0.002 0.000 '
                f'{r["code"]} {target_code} 34 {r["bytes"]} "{r["method"]} {url} HTTP/1.1" "curl/8.5.0" '
                f'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:'
                f'targetgroup/t/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "shop.example.com" '
                f'"-" 0 {stamp} "forward" "-" "-" "10.0.0.1:80" "{target_code}"')
        if newer:   # the fields added since 2022: classification, its reason, and (2024) conn_trace_id
            line += ' "-" "-" TID_1234abcd'
        lines.append(line + "\n")
        truth.append({**r, "upstream_code": upstream,
                      "time": t.replace(microsecond=t.microsecond // 1000 * 1000)})
    check(read_back(tmp_path, "alb.log", "".join(lines), "alb"), truth)


W3C_FIELDS = ["date", "time", "s-ip", "cs-method", "cs-uri-stem", "cs-uri-query", "s-port", "cs-username",
              "c-ip", "cs(User-Agent)", "sc-status", "sc-substatus", "sc-win32-status", "sc-bytes", "time-taken"]


@SETTINGS
@given(order=st.permutations(W3C_FIELDS),
       reqs=st.lists(st.tuples(request(), TIMES, st.integers(min_value=0, max_value=600000)), min_size=1, max_size=6))
def test_w3c_fields_in_any_order(tmp_path, order, reqs):
    lines = ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
             "#Date: 2026-12-06 00:00:00", "#Fields: " + " ".join(order)]
    truth = []
    for r, t, taken in reqs:
        t = t.replace(microsecond=0)
        values = {"date": t.strftime("%Y-%m-%d"), "time": t.strftime("%H:%M:%S"), "s-ip": "10.0.0.5",
                  "cs-method": r["method"], "cs-uri-stem": r["path_raw"], "cs-uri-query": r["query"] or "-",
                  "s-port": "443", "cs-username": "-", "c-ip": "203.0.113.4",
                  "cs(User-Agent)": "Mozilla/5.0+(Windows+NT+10.0)", "sc-status": str(r["code"]),
                  "sc-substatus": "0", "sc-win32-status": "0", "sc-bytes": str(r["bytes"]), "time-taken": str(taken)}
        lines.append(" ".join(values[f] for f in order))
        truth.append({**r, "time": t.replace(tzinfo=dt.timezone.utc), "duration": taken / 1000})
    check(read_back(tmp_path, "u_ex.log", "\n".join(lines) + "\n", "w3c"), truth)


def test_each_oracle_can_fail(tmp_path):
    """The comparison is not vacuous: a line whose written status differs from the truth is caught."""
    r = {"method": "GET", "path_raw": "/a", "query": None, "code": 503, "bytes": 7}
    t = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.timezone.utc)
    rows = read_back(tmp_path, "one.log", f'1.2.3.4 - - [{clf_time(t)}] "GET /a HTTP/1.1" 502 7 "-" "x"\n', "combined")
    try:
        check(rows, [{**r, "time": t}])
    except AssertionError as e:
        assert "code" in str(e)
    else:  # pragma: no cover - the oracle would be blind
        raise AssertionError("a wrong status passed the check")


@SETTINGS
@given(reqs=st.lists(st.tuples(request(), st.floats(min_value=0, max_value=100, allow_nan=False).map(
    lambda x: round(x, 3))), min_size=1, max_size=6))
def test_nginx_json_from_escape_json(tmp_path, reqs):
    """nginx ``log_format ... escape=json '{"status":"$status","request_method":"$request_method",
    "uri":"$uri","args":"$args","body_bytes_sent":"$body_bytes_sent","request_time":"$request_time"}'``:
    the path and the query are logged apart ($uri, $args: empty when there is none)."""
    import json

    lines, truth = [], []
    for r, took in reqs:
        lines.append(json.dumps({"time_iso8601": "2026-12-06T10:00:00+00:00", "remote_addr": "10.0.0.1",
                                 "request_method": r["method"], "uri": r["path_raw"], "args": r["query"] or "",
                                 "status": str(r["code"]), "body_bytes_sent": str(r["bytes"]),
                                 "request_time": f"{took:.3f}"}) + "\n")
        truth.append({**r, "duration": took})
    check(read_back(tmp_path, "json.log", "".join(lines), "nginx_json"), truth)
