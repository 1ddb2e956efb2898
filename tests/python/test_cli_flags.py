"""The command-line flags no other test reads: each checked for what the user sees, with expectations written
from the scenario (the lab's EXPECTED.json, the lines written here, the registries), not from a run of logcodes.

--explain, --rules, --window, --hosts, the custom-format flags, watch --from-end, `formats --json` and
`codes --json`.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Dict, Tuple

import pytest

from logcodes.cli import main

LAB = "lab_nginx_proxy"   # real nginx 1.22 behind which upstreams refuse, time out, reset ... (EXPECTED.json)


def lab_truth(data: Path) -> collections.Counter:
    """(code, cause) -> requests, from the lab's own account of what each request met."""
    requests = json.loads((data / LAB / "EXPECTED.json").read_text())["requests"]
    return collections.Counter((r["status"], r["cause"]) for r in requests)


def by_code_cause(capsys, args) -> Dict[Tuple[int, str], int]:
    assert main(["summarize", *args, "--by", "code,cause", "--json", "--no-progress"]) == 0
    out = json.loads(capsys.readouterr().out)
    return {(g["code"], g["cause"]): g["count"] for g in groups(out)}


def groups(out: dict) -> list:
    """The JSON output's groups as dicts: each group is a row of ``columns``."""
    return [dict(zip(out["columns"], row)) for row in out["groups"]]


def lab_args(data: Path):
    return [str(data / LAB / "access_combined.log"), "--errors", str(data / LAB / "error.log")]


def test_explain_default_is_5xx_and_the_flag_widens_it(capsys, data):
    truth = lab_truth(data)
    default = by_code_cause(capsys, lab_args(data))
    # 5xx are explained by default; the 413s (client_max_body_size) and the 404 (no such file) are not.
    for (code, cause), n in truth.items():
        if code >= 500:
            assert default[(code, cause)] == n
    assert default[(413, "unknown")] == truth[(413, "request_too_large")] == 2
    assert default[(404, "unknown")] == 1
    wide = by_code_cause(capsys, lab_args(data) + ["--explain", "4xx,5xx"])
    assert wide[(413, "request_too_large")] == 2
    # nginx writes "open() ... failed (2: No such file or directory)" for the missing file.
    assert wide[(404, "file_not_found")] == 1
    assert (413, "unknown") not in wide and (404, "unknown") not in wide


def test_user_rules_go_before_the_pack(capsys, data, tmp_path):
    rules = tmp_path / "mine.toml"
    rules.write_text('[[rule]]\nname = "backend_down"\nlabel = "the backend refuses connections"\n'
                     "pattern = 'connect\\(\\) failed \\(111: Connection refused\\)'\ncodes = [\"5xx\"]\n")
    got = by_code_cause(capsys, lab_args(data) + ["--rules", str(rules)])
    refused = lab_truth(data)[(502, "upstream_refused")]
    assert refused == 3
    assert got[(502, "backend_down")] == refused
    assert (502, "upstream_refused") not in got
    # The rest of the pack still names the other causes.
    assert got[(504, "upstream_timeout")] == lab_truth(data)[(504, "upstream_timeout")]


def test_bad_rules_file_is_a_clear_error(capsys, data, tmp_path):
    rules = tmp_path / "bad.toml"
    rules.write_text('[[rule]]\nname = "x"\npattern = "(unclosed"\n')
    assert main(["summarize", *lab_args(data), "--rules", str(rules), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err or "(unclosed" in err


ACCESS = ('10.0.0.1 - - [06/Dec/2026:10:00:00 +0000] "GET /pay HTTP/1.1" 502 157 "-" "curl/8"\n'
          '10.0.0.1 - - [06/Dec/2026:10:05:00 +0000] "GET /pay HTTP/1.1" 200 2 "-" "curl/8"\n')
# The event naming /pay comes 20 s after the 502 was logged (a slow upstream connect, a clock apart).
ERROR = ('2026/12/06 10:00:20 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to '
         'upstream, client: 10.0.0.1, server: _, request: "GET /pay HTTP/1.1", upstream: "http://127.0.0.1:9/pay", '
         'host: "shop"\n')


def test_window_decides_how_far_an_event_may_be(capsys, tmp_path):
    access, error = tmp_path / "access.log", tmp_path / "error.log"
    access.write_text(ACCESS)
    error.write_text(ERROR)
    args = [str(access), "--errors", str(error)]
    assert by_code_cause(capsys, args)[(502, "unknown")] == 1                       # default 2s: too far
    assert by_code_cause(capsys, args + ["--window", "30s"])[(502, "upstream_refused")] == 1
    assert by_code_cause(capsys, args + ["--window", "1min"])[(502, "upstream_refused")] == 1
    assert by_code_cause(capsys, args + ["--window", "10s"])[(502, "unknown")] == 1
    assert main(["summarize", *args, "--window", "soon"]) == 2
    assert "soon" in capsys.readouterr().err


VHOSTS = [("shop.example.com", 200), ("shop.example.com", 502), ("api.example.com", 404),
          ("static.example.org", 200), ("example.com", 503)]


def test_hosts_filter_on_a_vhost_log(capsys, tmp_path):
    log = tmp_path / "vhost.log"
    log.write_text("".join(f'{h}:443 10.0.0.{i} - - [06/Dec/2026:10:00:0{i} +0000] "GET / HTTP/1.1" {c} 5 "-" "x"\n'
                           for i, (h, c) in enumerate(VHOSTS)))
    assert main(["summarize", str(log), "--hosts", "*.example.com", "--by", "code", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # The glob needs a label before ".example.com": example.com itself is not under it.
    assert {g["code"]: g["count"] for g in groups(out)} == {200: 1, 502: 1, 404: 1}
    assert out["counted"] == 3 and out["filtered"] == 2 and out["total"] == 5
    assert main(["summarize", str(log), "--hosts", "re:static\\..*", "--by", "code", "--json"]) == 0
    assert {g["code"]: g["count"] for g in groups(json.loads(capsys.readouterr().out))} == {200: 1}


# (flag, a format of that server, a line it writes, a format it refuses and what the error names)
CUSTOM = [
    ("--nginx-format", '$remote_addr [$time_local] "$request" $status $request_time',
     '10.0.0.{i} [06/Dec/2026:10:00:0{i} +0000] "GET /a HTTP/1.1" {c} 0.00{i}\n', "$remote_addr", "status"),
    ("--apache-format", '%h %t "%r" %>s %D',
     '10.0.0.{i} [06/Dec/2026:10:00:0{i} +0000] "GET /a HTTP/1.1" {c} 12{i}\n', "%h %{", "unclosed"),
    ("--tomcat-format", '%a %t "%r" %s %D',
     '10.0.0.{i} [06/Dec/2026:10:00:0{i} +0000] "GET /a HTTP/1.1" {c} 12{i}\n', "%h %{", "unclosed"),
    ("--envoy-format", '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" '
                       '%RESPONSE_CODE% %RESPONSE_FLAGS% %DURATION%\n',
     '[2026-12-06T10:00:0{i}.000Z] "GET /a HTTP/1.1" {c} - {i}\n', "%START_TIME", "not closed"),
]
CODES = [200, 503, 404, 200, 499]


@pytest.mark.parametrize("flag,fmt,line,bad,why", CUSTOM, ids=[c[0] for c in CUSTOM])
def test_custom_format_flags(capsys, tmp_path, flag, fmt, line, bad, why):
    log = tmp_path / "custom.log"
    log.write_text("".join(line.format(i=i, c=c) for i, c in enumerate(CODES)) + "not a line of this format\n")
    assert main(["summarize", str(log), flag, fmt, "--by", "code", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {g["code"]: g["count"] for g in groups(out)} == {200: 2, 503: 1, 404: 1, 499: 1}
    assert out["unparsed"] == 1 and out["total"] == 6
    assert main(["summarize", str(log), flag, bad, "--no-progress"]) == 2
    err = capsys.readouterr().err
    # The message names the fault and shows the format on its own line with a caret under it.
    head, shown, caret = err.rstrip("\n").split("\n")
    assert why in head and "offset" in head
    assert shown.strip() == bad and caret.strip() == "^"


def test_watch_from_end_skips_what_is_there(capsys, data, tmp_path):
    log = tmp_path / "access.log"
    log.write_bytes((data / "shop_nginx_main_1000.log").read_bytes())
    assert main(["watch", str(log), "--once", "--jsonl"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["records"] == 1000 and first["counted"] == 1000
    assert main(["watch", str(log), "--once", "--jsonl", "--from-end"]) == 0
    skipped = json.loads(capsys.readouterr().out.splitlines()[0])
    assert skipped["records"] == 0 and skipped["lines"] == 0 and skipped["bytes"] == 0


# Formats the README and docs name, in the words of the servers' own documentation.
NAMED = {"combined", "common", "nginx_main", "vhost_combined", "sip_trace", "alb", "w3c", "haproxy_http"}


def test_formats_json_lists_the_builtins(capsys):
    assert main(["formats", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert isinstance(listed, dict)
    missing = NAMED - set(listed)
    assert not missing, missing
    assert all(isinstance(v, str) and v for v in listed.values())
    assert "%>s" in listed["vhost_combined"] and "$status" in listed["nginx_main"]


# RFC 3261 §21 and the IANA HTTP registry, with nginx's de-facto 499.
@pytest.mark.parametrize("protocol,code,reason,klass,class_name", [
    ("sip", 100, "Trying", "1xx", "Provisional"),
    ("sip", 486, "Busy Here", "4xx", "Request Failure"),
    ("sip", 603, "Decline", "6xx", "Global Failure"),
    ("http", 100, "Continue", "1xx", "Informational"),
    ("http", 413, "Content Too Large", "4xx", "Client Error"),
    ("http", 499, "Client Closed Request", "4xx", "Client Error"),
])
def test_codes_json(capsys, protocol, code, reason, klass, class_name):
    assert main(["codes", protocol, str(code), "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert (one["protocol"], one["code"], one["reason"], one["class_"], one["class_name"]) == \
        (protocol, code, reason, klass, class_name)
    assert one["source"] == ("defacto" if code == 499 else "iana")
    assert main(["codes", protocol, "--json"]) == 0
    table = {e["code"]: e for e in json.loads(capsys.readouterr().out)}
    assert table[code]["reason"] == reason


def test_code_meaning_reads_as_english(capsys):
    # Class names starting with a vowel take "an": "an informational response", not "a informational".
    assert main(["codes", "http", "100", "--json"]) == 0
    meaning = json.loads(capsys.readouterr().out)["meaning"]
    assert " a informational" not in meaning.lower()


def test_progress_goes_to_stderr_and_leaves_the_output_alone(capsys, data):
    log = data / "shop_nginx_main_1000.log"
    assert main(["summarize", str(log), "--progress", "--json", "--by", "code"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)   # the JSON is whole: no bar inside it
    assert out["total"] == 1000
    # The bar names what it does and the input's size in KiB (308,554 bytes = 301k).
    assert "scanning" in captured.err and "301k" in captured.err
    assert main(["summarize", str(log), "--no-progress", "--json", "--by", "code"]) == 0
    assert capsys.readouterr().err == ""
