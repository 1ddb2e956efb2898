"""Every access log of the shared corpus, read with format="auto": exact per-code counts.

The expected numbers were worked out by reading each file (they are small) and checked with grep/awk;
the notes say what happens to each line that breaks its own format.
"""

import pytest

import logcodes

CASES = [
    # path, format, counts, (total records, invalid, unparsed, meta)
    ("access_combined/elastic_apache_logs_2015.log", "combined",
     {200: 9126, 304: 445, 404: 213, 301: 164, 206: 45, 500: 3, 416: 2, 403: 2}, (10000, 0, 0, 0)),
    ("access_combined/lnav_zanbil_shop_access_1000.log", "nginx_main",
     {200: 938, 404: 24, 302: 20, 301: 11, 304: 7}, (1000, 0, 0, 0)),
    # ALB doc examples (2018 field set: no classification / conn_trace_id); the Lambda line is 502 with
    # target_status_code "-".
    ("aws_lb_cdn/aws_alb_access_doc_examples.log", "alb", {200: 4, 101: 2, 502: 1}, (7, 0, 0, 0)),
    # Classic ELB: the two TCP/SSL listener lines have "-" statuses: records without a code (invalid).
    ("aws_lb_cdn/aws_classic_elb_access_doc_examples.log", "elb_classic", {200: 2}, (4, 2, 0, 0)),
    ("aws_lb_cdn/aws_cloudfront_standard_log_doc_example.log", "cloudfront", {200: 3, 502: 3}, (6, 0, 0, 2)),
    ("haproxy_envoy_caddy_traefik/beats_haproxy_syslog_test.log", "haproxy_http",
     {200: 5, 302: 1, 304: 1, 403: 1, 404: 2}, (10, 0, 0, 0)),
    # three "Proxy ... started" lines and one "SSL handshake failure": the proxy's other lines (meta)
    ("haproxy_envoy_caddy_traefik/lnav_haproxy_syslog.log", "haproxy_http", {200: 13}, (13, 0, 0, 4)),
    # line 2's unbalanced quote lies after the status: read unambiguously
    ("haproxy_envoy_caddy_traefik/beats_traefik_access_test.log", "traefik_clf", {304: 2}, (2, 0, 0, 0)),
    ("haproxy_envoy_caddy_traefik/lnav_caddy_access_json.log", "caddy_json", {200: 4}, (4, 0, 0, 0)),
    # 35 start-up/TLS/admin lines of Caddy (meta) around four access lines
    ("haproxy_envoy_caddy_traefik/lnav_caddy_docker_compose.log", "caddy_json", {200: 1, 304: 3}, (4, 0, 0, 35)),
    # three #Fields layouts; the last two lines (Struts probes, 401 and 404) have the 15 columns of the first
    # layout while the third (22 columns) is in force: they break their format, so they are unparsed
    ("iis_w3c/beats_iis_access_test.log", "w3c", {200: 3}, (5, 0, 2, 12)),
    # HTTPERR: the Timer_MinBytesPerSecond line has no status ("-"): a record without a code (invalid)
    ("iis_w3c/beats_iis_httperr_test.log", "iis_httperr", {503: 1, 400: 1, 505: 1}, (4, 1, 0, 4)),
    ("iis_w3c/lnav_iis85_w3c_big.log", "w3c", {404: 202, 200: 8}, (210, 0, 0, 44)),
    # quoted values, CSV-style "" inside a quoted sc-substatus, blank lines between directives
    ("iis_w3c/lnav_iis_advanced_logging.log", "w3c", {200: 1, 301: 1, 404: 1}, (3, 0, 0, 4)),
    # runs of spaces between fields, quoted cookie / referrer / user agent
    ("iis_w3c/lnav_oracle_webcache_w3c.log", "w3c", {200: 1}, (1, 0, 0, 6)),
    # the 009 status (HTTP/0.9 upstream) is a record with an invalid status, in both files
    ("lab_generated/nginx/access_combined.log", "combined",
     {200: 6, 301: 2, 400: 1, 403: 2, 404: 2, 413: 1, 499: 1, 500: 1, 502: 8, 503: 1, 504: 2}, (28, 1, 0, 0)),
    ("lab_generated/nginx/access_json.log", "nginx_json",
     {200: 6, 301: 2, 400: 1, 403: 2, 404: 2, 413: 1, 499: 1, 500: 1, 502: 8, 503: 1, 504: 2}, (28, 1, 0, 0)),
]


@pytest.mark.parametrize("path,fmt,counts,totals", CASES, ids=[c[0].split("/")[-1] for c in CASES])
def test_corpus_file(corpus, path, fmt, counts, totals):
    s = logcodes.scan(corpus / path, by="code")
    assert s.files[0].format == fmt, s.files[0].detection
    assert s.counts("code") == counts
    assert (s.total, s.invalid, s.unparsed, s.meta) == totals
    assert s.total == s.counted + s.invalid + s.unparsed


def test_unparsed_lines_are_named(corpus):
    s = logcodes.scan(corpus / "iis_w3c" / "beats_iis_access_test.log")
    assert [x.line for x in s.unparsed_samples] == [16, 17]


def test_all_corpus_access_logs_in_one_call(corpus):
    paths = [corpus / c[0] for c in CASES]
    s = logcodes.scan(paths, by="file,code")
    assert {f.format for f in s.files} == {c[1] for c in CASES}
    total = {}
    for c in CASES:
        for code, n in c[2].items():
            total[code] = total.get(code, 0) + n
    assert s.counts("code") == total


def test_alb_fields(corpus):
    s = logcodes.scan(corpus / "aws_lb_cdn" / "aws_alb_access_doc_examples.log", by="code,upstream_code,error_reason,path")
    assert s.counts()[(502, None, "LambdaInvalidResponse", "/")] == 1
    assert s.counts("path") == {"/": 7}


def test_httperr_reason_is_a_field(corpus):
    s = logcodes.scan(corpus / "iis_w3c" / "beats_iis_httperr_test.log", by="code,s-reason")
    assert s.counts() == {(503, "ConnLimit"): 1, (400, "Hostname"): 1, (505, "Version_N/S"): 1}
    assert "Timer_MinBytesPerSecond" in s.invalid_samples[0].text


def test_haproxy_fields(corpus):
    s = logcodes.scan(corpus / "haproxy_envoy_caddy_traefik" / "beats_haproxy_syslog_test.log",
                      by="termination_state,backend,code")
    assert sum(n for (t, b, c), n in s.counts().items() if t == "----") == 10
