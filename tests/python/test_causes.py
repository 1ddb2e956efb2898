"""Causes carried in the records themselves."""

import pytest

import logcodes


def errors(summary):
    return {k: v for k, v in summary.counts().items() if k[0] >= 400}


def test_httperr_reasons(corpus):
    s = logcodes.scan(corpus / "iis_w3c" / "beats_iis_httperr_test.log", by="code,cause,cause_detail")
    assert errors(s) == {(503, "httperr_conn_limit", "ConnLimit"): 1, (400, "httperr_hostname", "Hostname"): 1,
                         (505, "httperr_version_n_s", "Version_N/S"): 1}


def test_iis_substatus(corpus):
    s = logcodes.scan(corpus / "iis_w3c" / "lnav_iis85_w3c_big.log", by="code,cause")
    assert errors(s) == {(404, "iis_404_0_not_found"): 202}
    assert logcodes.causes.label("iis_404_0_not_found") == "IIS 404.0: not found"


def test_alb_error_reason(corpus):
    s = logcodes.scan(corpus / "aws_lb_cdn" / "aws_alb_access_doc_examples.log", by="code,cause,cause_source")
    assert errors(s) == {(502, "alb_lambda_invalid_response", "record"): 1}


def test_cloudfront_detailed_result(corpus):
    s = logcodes.scan(corpus / "aws_lb_cdn" / "aws_cloudfront_standard_log_doc_example.log", by="code,cause")
    assert errors(s) == {(502, "cloudfront_origin_dns_error"): 3}


def test_nginx_upstream_vs_local(corpus):
    s = logcodes.scan(corpus / "lab_generated" / "nginx" / "access_json.log", by="code,cause")
    e = errors(s)
    assert e[(502, "upstream_502")] == 8 and e[(504, "upstream_504")] == 2
    assert e[(403, "proxy_local")] == 2 and e[(499, "proxy_local")] == 1 and e[(413, "proxy_local")] == 1


def test_haproxy_termination_and_envoy_flags(tmp_path):
    line = ('Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in '
            'static/srv1 10/0/30/-1/1009 504 115 - - sH-- 1/1/1/1/0 0/0 "GET /slow HTTP/1.1"\n')
    p = tmp_path / "h.log"
    p.write_text(line)
    s = logcodes.scan(p, by="code,cause")
    assert s.counts() == {(504, "haproxy_server_timeout_headers"): 1}
    assert logcodes.causes.label("haproxy_server_timeout_headers").startswith("HAProxy: server-side timeout")
    envoy = ('[2023-01-01T00:00:00.000Z] "GET /x HTTP/1.1" 503 UF,URX 0 91 0 - "-" "curl/7.81.0" "5b7c" "svc" '
             '"10.0.0.5:8080"\n')
    p.write_text(envoy)
    assert logcodes.scan(p, by="code,cause").counts() == {(503, "envoy_upstream_connection_failure"): 1}


def test_every_error_has_a_cause(corpus):
    s = logcodes.scan(corpus / "access_combined" / "elastic_apache_logs_2015.log", by="code,cause")
    for (code, cause), n in s.counts().items():
        assert (cause is not None) == (code >= 400)
    assert s.counts("cause")["unknown"] == 213 + 3 + 2 + 2
