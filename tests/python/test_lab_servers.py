"""Real servers' logs of the same requests, in several formats, read with the format lines from their
configs: identical counts."""

import json

import pytest

import logcodes
from logcodes import formats


@pytest.fixture(scope="module")
def nginx_lab(data):
    d = data / "lab_nginx_formats"
    return d, json.loads((d / "EXPECTED.json").read_text())


def test_nginx_three_logs_identical(nginx_lab):
    d, expected = nginx_lab
    custom = formats.nginx(expected["log_format_custom"])
    jsonfmt = formats.nginx(expected["log_format_json"])
    results = [
        logcodes.scan(d / "access_combined.log", by="code"),
        logcodes.scan(d / "access_custom.log", format=custom, by="code"),
        logcodes.scan(d / "access_json.log", format=jsonfmt, by="code"),
        logcodes.scan(d / "access_json.log", by="code"),  # the simdjson preset, auto-detected
    ]
    want = {int(c): n for c, n in expected["counts"].items()}
    for s in results:
        assert s.counts("code") == want
        assert (s.unparsed, s.invalid) == (0, 0)
    assert results[3].files[0].format == "nginx_json"


def test_nginx_custom_fields(nginx_lab):
    d, expected = nginx_lab
    custom = formats.nginx(expected["log_format_custom"])
    s = logcodes.scan(d / "access_custom.log", format=custom, by="code,upstream_code")
    counts = s.counts()
    assert counts[(200, 200)] >= 3                 # includes the "502, 200" retries
    assert counts[(502, 502)] == 5                 # refused (4) and closed (1)
    assert counts[(504, 504)] == 1
    assert counts[(403, None)] == 2                # answered by nginx itself
    raw = logcodes.scan(d / "access_custom.log", format=custom, by="upstream_status")
    text = (d / "access_custom.log").read_text()
    assert raw.counts("upstream_status")["502, 200"] == text.count('us="502, 200"') > 0
    timed = logcodes.scan(d / "access_json.log", by="code", format="nginx_json")
    assert timed.total == expected["lines"]


def test_apache_two_logs_identical(data):
    d = data / "lab_apache_formats"
    expected = json.loads((d / "EXPECTED.json").read_text())
    want = {int(c): n for c, n in expected["counts"].items()}
    custom = formats.apache(expected["logformat_custom"])
    whole_line = formats.apache(f'LogFormat {expected["logformat_custom"]} custom_d')
    a = logcodes.scan(d / "access_combined.log", by="code")
    b = logcodes.scan(d / "access_custom.log", format=custom, by="code")
    c = logcodes.scan(d / "access_custom.log", format=whole_line, by="code")
    assert a.counts("code") == b.counts("code") == c.counts("code") == want
    assert a.files[0].format == "combined"
    hosts = logcodes.scan(d / "access_custom.log", format=custom, by="host")
    text = (d / "access_custom.log").read_text()
    assert hosts.counts("host")["api.example.org"] == text.count('"api.example.org"')
    durations = custom.parse(text.splitlines()[0])
    assert durations["duration"].isdigit()


def test_nginx_lab_upstream_causes(nginx_lab):
    # Independently (grep on error.log): 4 refused connections for /dead/x, one timeout for /app/slow, one
    # prematurely closed upstream for /app/close (upstream_closed_early); the flaky upstream's refusals ended
    # in 200 (retried).
    d, expected = nginx_lab
    custom = formats.nginx(expected["log_format_custom"])
    for path, fmt in (("access_combined.log", "auto"), ("access_custom.log", custom)):
        s = logcodes.scan(d / path, format=fmt, errors=d / "error.log", by="code,path,cause")
        c = s.counts()
        assert c[(502, "/dead/x", "upstream_refused")] == 4
        assert c[(504, "/app/slow", "upstream_timeout")] == 1
        assert c[(502, "/app/close", "upstream_closed_early")] == 1
    # the backend's own 500 and 503 are not the proxy's doing: the custom log says so (upstream status)
    s = logcodes.scan(d / "access_custom.log", format=custom, errors=d / "error.log", by="code,cause")
    assert s.counts()[(500, "upstream_500")] == 1 and s.counts()[(503, "upstream_503")] == 1
