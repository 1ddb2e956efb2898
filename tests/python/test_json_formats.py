"""JSON-lines formats (simdjson): presets, field maps, broken lines."""

import json

import pytest

import logcodes
from logcodes import formats


def test_nginx_json_lab_log_equals_its_combined_twin(corpus):
    d = corpus / "lab_generated" / "nginx"
    j = logcodes.scan(d / "access_json.log", by="code")
    c = logcodes.scan(d / "access_combined.log", by="code")
    assert j.files[0].format == "nginx_json"
    assert j.counts("code") == c.counts("code")
    # line 20 is invalid JSON exactly as nginx wrote it ("status":009): read, and judged invalid
    assert (j.invalid, j.unparsed) == (1, 0) and j.invalid_samples[0].line == 20


def test_nginx_json_upstream_codes(corpus):
    s = logcodes.scan(corpus / "lab_generated" / "nginx" / "access_json.log", by="code,upstream_code")
    raw = [json.loads(l) for l in (corpus / "lab_generated" / "nginx" / "access_json.log").read_text().splitlines()
           if '"status":009' not in l]
    # independently: the last code of each upstream_status list
    expected = {}
    for r in raw:
        ups = [t for t in r.get("upstream_status", "").replace(":", ",").split(",") if t.strip().isdigit()]
        key = (r["status"], int(ups[-1]) if ups else None)
        expected[key] = expected.get(key, 0) + 1
    assert s.counts() == expected


def test_caddy_access_and_startup_lines(corpus):
    d = corpus / "haproxy_envoy_caddy_traefik"
    a = logcodes.scan(d / "lnav_caddy_access_json.log", by="code,method")
    assert a.files[0].format == "caddy_json" and a.counts("code") == {200: 4}
    b = logcodes.scan(d / "lnav_caddy_docker_compose.log", by="code")
    assert b.files[0].format == "caddy_json"
    assert b.counts("code") == {200: 1, 304: 3}
    assert (b.meta, b.unparsed) == (35, 0)  # startup and TLS lines of the same server


@pytest.mark.parametrize("line,fmt,status,extra", [
    ('{"ClientHost":"10.0.0.1","DownstreamStatus":502,"OriginStatus":0,"RequestMethod":"GET","RequestPath":"/x",'
     '"RequestHost":"a.example","Duration":1500000,"RouterName":"web@docker","StartUTC":"2023-05-01T10:00:00.5Z"}',
     "traefik_json", "502", ("router", "web@docker")),
    ('{"@timestamp":"2023-05-01T10:00:00Z","http":{"request":{"method":"POST"},"response":{"status_code":404}},'
     '"url":{"path":"/missing","domain":"b.example"},"source":{"ip":"10.1.1.1"}}', "ecs_json", "404", None),
    ('{"start_time":"2023-05-01T10:00:00.000Z","method":"GET","path":"/api","protocol":"HTTP/1.1",'
     '"response_code":503,"response_flags":"UF","duration":12,"upstream_host":"10.0.0.5:8080","authority":"svc"}',
     "envoy_json", "503", ("response_flags", "UF")),
])
def test_presets_detected_and_read(tmp_path, line, fmt, status, extra):
    p = tmp_path / "x.json"
    p.write_text(line + "\n")
    assert logcodes.detect(p).format == fmt
    rec = formats.get(fmt).parse(line)
    assert rec["status"] == status
    if extra:
        assert rec["fields"][extra[0]] == extra[1]


def test_broken_lines_are_counted(tmp_path):
    p = tmp_path / "b.json"
    p.write_bytes(b'{"status":200,"request":"GET / HTTP/1.1"}\n'
                  b'{"status":200,"request":"GET / HTT\n'                     # cut mid-string
                  b'not json at all\n'
                  b'{"request":"GET / HTTP/1.1"}\n'                          # no status
                  b'\xff\xfe{"status":\n'
                  b'{"status":"404","request":"GET /x HTTP/1.1"}\n')
    s = logcodes.scan(p, format="nginx_json", by="code")
    assert s.counts("code") == {200: 1, 404: 1}
    assert s.unparsed == 4 and s.total == 6


def test_user_field_map(tmp_path):
    f = formats.json({"status": ["resp.status", "status"], "path": "req.path", "tenant": "ctx.tenant"})
    p = tmp_path / "m.json"
    p.write_text('{"req":{"path":"/a"},"resp":{"status":503},"ctx":{"tenant":"acme"}}\n'
                 '{"req":{"path":"/b"},"status":"200","ctx":{"tenant":"zeta"}}\n')
    s = logcodes.scan(p, format=f, by="tenant,code,path")
    assert s.counts() == {("acme", 503, "/a"): 1, ("zeta", 200, "/b"): 1}
    import pickle

    assert pickle.loads(pickle.dumps(f)).parse('{"resp":{"status":500}}')["status"] == "500"


@pytest.mark.parametrize("bad", [{}, {"path": "a"}, {"status": ""}, {"status": "a..b"}, {"status": ".a"}])
def test_bad_field_maps(bad):
    with pytest.raises(logcodes.FormatError):
        formats.json(bad)


def test_json_stream_pieces_equal_scan(corpus):
    path = corpus / "lab_generated" / "nginx" / "access_json.log"
    data = path.read_bytes()
    st = logcodes.Stream(by="code")
    for i in range(0, len(data), 13):
        st.feed(data[i:i + 13])
    assert st.close() == logcodes.scan(path, by="code")
