"""Formats compiled from the server's own format string, and detection among all formats."""

import pytest

import logcodes
from logcodes import formats

from conftest import make_combined

NGINX_COMBINED = """'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'"""
APACHE_COMBINED = r'"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\""'


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    body, truth, invalid, unparsed = make_combined(5000, seed=11)
    p = tmp_path_factory.mktemp("fmt") / "gen.log"
    p.write_bytes(body)
    return p, truth, invalid, unparsed


@pytest.mark.parametrize("make", [lambda: formats.nginx(NGINX_COMBINED), lambda: formats.apache(APACHE_COMBINED),
                                  lambda: formats.apache("LogFormat " + APACHE_COMBINED + " combined"),
                                  lambda: formats.nginx("log_format main " + NGINX_COMBINED + ";"),
                                  lambda: formats.tomcat("combined")])
def test_compiled_combined_equals_builtin(generated, make):
    path, truth, invalid, unparsed = generated
    fmt = make()
    s = logcodes.scan(path, format=fmt, by="code,method", threads=2, block_size=1000)
    ref = logcodes.scan(path, format="combined", by="code,method")
    assert s.counts("code") == truth == ref.counts("code")
    assert s.counts() == ref.counts()
    assert (s.invalid, s.unparsed) == (invalid, unparsed)


def test_nginx_multi_string_and_escapes():
    f = formats.nginx("""escape=json '{"t":"$time_iso8601",'
                      '"s":$status,"r":"$request","us":"$upstream_status","rt":$request_time}';""")
    rec = f.parse('{"t":"2026-11-23T23:46:27+00:00","s":502,"r":"GET /a\\"b HTTP/1.1","us":"502, 200","rt":0.004}')
    assert rec["status"] == "502" and rec["method"] == "GET" and rec["upstream_status"] == "502, 200"
    assert rec["epoch"] == 1795477587
    # nginx writes 009 for an HTTP/0.9 upstream: read, and judged invalid later
    assert f.parse('{"t":"2026-11-23T23:46:27+00:00","s":009,"r":"GET / HTTP/1.1","us":"009","rt":0.0}')["status"] == "009"


def test_upstream_code_dimension(tmp_path):
    f = formats.nginx("""'$remote_addr [$time_local] "$request" $status us="$upstream_status"'""")
    p = tmp_path / "u.log"
    p.write_text('1.1.1.1 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 us="502, 200"\n'
                 '1.1.1.1 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 504 us="504 : 504"\n'
                 '1.1.1.1 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 502 us="-"\n'
                 '1.1.1.1 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 499 us="-"\n')
    s = logcodes.scan(p, format=f, by="code,upstream_code")
    assert s.counts() == {(200, 200): 1, (504, 504): 1, (502, None): 1, (499, None): 1}
    by_raw = logcodes.scan(p, format=f, by="upstream_status")
    assert by_raw.counts("upstream_status") == {"502, 200": 1, "504 : 504": 1, None: 2}


def test_apache_percent_d_and_host(tmp_path):
    f = formats.apache(r'"%h %l %u %t \"%r\" %>s %b %D \"%{Host}i\""')
    p = tmp_path / "a.log"
    p.write_text('::1 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 404 12 532 "www.example.org"\n'
                 '::1 - - [10/Oct/2000:13:55:36 -0700] "GET /y HTTP/1.1" 200 12 1200 "api.example.org"\n')
    s = logcodes.scan(p, format=f, by="host,code")
    assert s.counts() == {("www.example.org", 404): 1, ("api.example.org", 200): 1}
    assert f.parse(p.read_text().splitlines()[0])["duration"] == "532"
    assert "time_us" in f.fields


def test_apache_final_status_wins():
    f = formats.apache('"%s %>s %r"')
    rec = f.parse("302 200 GET / HTTP/1.1")
    assert rec["status"] == "200" and rec["fields"]["original_status"] == "302"


def test_any_named_field_is_a_dimension(tmp_path):
    f = formats.nginx("""'$remote_addr [$time_local] "$request" $status cache=$upstream_cache_status'""")
    p = tmp_path / "c.log"
    p.write_text('1.1.1.1 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 cache=HIT\n'
                 '1.1.1.1 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 cache=MISS\n'
                 '1.1.1.1 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 503 cache=-\n')
    s = logcodes.scan(p, format=f, by="upstream_cache_status,code")
    assert s.counts() == {("HIT", 200): 1, ("MISS", 200): 1, (None, 503): 1}
    assert "upstream_cache_status" in formats.fields()


@pytest.mark.parametrize("kind,text,token", [
    ("apache", '"%h %Z %t"', "%Z"),
    ("apache", '"%h %{User-Agent"', "%{User-Agent"),
    ("apache", '"%h %l', '"'),
    ("nginx", "'$remote_addr$status'", "status"),
    ("nginx", "'$remote_addr - $'", "$"),
    ("nginx", "escape=yaml '$status'", "escape=yaml"),
    ("nginx", "'$remote_addr [$time_local]'", ""),   # no status at all
    ("envoy", "%START_TIME [x] %RESPONSE_CODE%", "%START_TIME ["),
])
def test_bad_format_strings_point_at_the_token(kind, text, token):
    with pytest.raises(logcodes.FormatError) as e:
        getattr(formats, kind)(text)
    err = e.value
    assert isinstance(err, ValueError)
    assert err.text == text
    if token:
        assert err.token.startswith(token.split()[0]) or token in err.token
        assert err.token in text[err.position: err.position + len(err.token) + 2]
    assert "^" in str(err)


def test_unknown_builtin_name():
    with pytest.raises(logcodes.FormatError, match="valid formats"):
        formats.get("nope")


def test_format_pickles_by_source():
    import pickle

    f = formats.nginx(NGINX_COMBINED)
    g = pickle.loads(pickle.dumps(f))
    assert g == f and g.fields == f.fields
    assert pickle.loads(pickle.dumps(formats.get("combined"))).name == "combined"


def test_stream_with_compiled_format():
    f = formats.apache('"%h %t \\"%r\\" %>s"')
    st = logcodes.Stream(format=f, by="code")
    st.feed(b'1.2.3.4 [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 2')
    st.feed(b'04\n')
    assert st.close().counts("code") == {204: 1}


def test_detect_reports_runners_up(data):
    d = logcodes.detect(data / "shop_nginx_main_1000.log")
    assert d.format == "nginx_main" and d.share == 1.0
    assert [n for n, *_ in d.runners_up][:1] and "nginx_main" not in [n for n, *_ in d.runners_up]
    assert "runners-up" in str(d)


def test_traefik_clf_detected(corpus):
    s = logcodes.scan(corpus / "haproxy_envoy_caddy_traefik" / "beats_traefik_access_test.log", by="code")
    assert s.files[0].format == "traefik_clf"
    assert s.counts("code") == {304: 2}


def test_envoy_default_lines():
    legacy = ('[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" '
              '"nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"')
    assert logcodes.detect(legacy.encode() + b"\n").format == "envoy_legacy"
    rec = formats.get("envoy_legacy").parse(legacy)
    assert (rec["status"], rec["host"], rec["fields"]["upstream_host"]) == ("204", "locations", "tcp://10.0.2.1:80")
    current = ('[2023-01-01T00:00:00.000Z] "GET /x HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - '
               '"delayed_connect_error:_111" 0 91 0 - "-" "curl/7.81.0" "5b7c" "svc" "10.0.0.5:8080" outbound|8080||svc '
               '- 10.0.0.9:8080 10.0.0.1:40000 - default')
    rec = formats.get("envoy").parse(current)
    assert rec["status"] == "503" and rec["fields"]["response_flags"] == "UF"
    assert logcodes.detect(current.encode() + b"\n").format == "envoy"


def test_w3c_quotes_written_as_they_are(tmp_path):
    """IIS does not quote or escape a user agent's quotes: a lone '"' or 'a "b' is one value, not the start of a
    quoted one (such lines were lost as unparsed)."""
    fields = "#Fields: date time cs-method cs-uri-stem c-ip cs(User-Agent) sc-status\n"
    rows = ['2024-01-01 00:00:00 GET /a 10.0.0.1 " 200',
            '2024-01-01 00:00:01 GET /b 10.0.0.1 curl/"8" 404',
            '2024-01-01 00:00:02 GET /c 10.0.0.1 "Mozilla/5.0 (X11)" 500',   # a quoted value with a space
            '2024-01-01 00:00:03 GET /d 10.0.0.1 a+"b 503']
    p = tmp_path / "u_ex240101.log"
    p.write_text("#Software: Microsoft Internet Information Services 10.0\n" + fields + "\n".join(rows) + "\n")
    s = logcodes.scan(p, format="w3c", by="code,path")
    assert s.counts() == {(200, "/a"): 1, (404, "/b"): 1, (500, "/c"): 1, (503, "/d"): 1}
    assert s.unparsed == 0
