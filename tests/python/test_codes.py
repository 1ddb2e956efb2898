import pytest

import logcodes
from logcodes import codes

SIP_REQUIRED = [199, 204, 417, 420, 421, 422, 428, 429, 430, 433, 436, 437, 438, 439, 440, 469, 470, 494, 555, 580,
                607, 608, 100, 180, 181, 182, 183, 200, 202, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404, 405,
                406, 407, 408, 410, 412, 413, 414, 415, 416, 423, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489,
                491, 493, 500, 501, 502, 503, 504, 505, 513, 600, 603, 604, 606]
HTTP_IANA = [100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305,
             306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416,
             417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507,
             508, 510, 511]
HTTP_DEFACTO = [444, 494, 495, 496, 497, 498, 499]


def test_lookup_sip_busy():
    info = codes.lookup("sip", 486)
    assert (info.reason, info.class_, info.class_name, info.registered) == ("Busy Here", "4xx", "Request Failure", True)
    assert str(info) == "SIP 486 Busy Here"


@pytest.mark.parametrize("code", SIP_REQUIRED)
def test_every_required_sip_code_is_registered(code):
    info = codes.lookup("sip", code)
    assert info.registered and info.reason and info.source == "iana"


@pytest.mark.parametrize("code", HTTP_IANA)
def test_every_iana_http_code_is_registered(code):
    info = codes.lookup("http", code)
    assert info.registered and info.source == "iana"


@pytest.mark.parametrize("code", HTTP_DEFACTO)
def test_defacto_http_codes(code):
    info = codes.lookup("http", code)
    assert info.registered and info.source == "defacto" and info.origin


def test_nginx_499_and_reason_phrases():
    assert codes.reason("http", 499) == "Client Closed Request"
    assert codes.lookup("http", 499).origin == "nginx"
    assert codes.reason("http", 413) == "Content Too Large"
    assert codes.reason("sip", 603) == "Decline"
    assert codes.reason("sip", 608) == "Rejected"


def test_unregistered_in_range_is_kept():
    info = codes.lookup("http", 298)
    assert not info.registered and info.reason is None and info.class_ == "2xx"
    assert not codes.lookup("sip", 699).registered


@pytest.mark.parametrize("value", [9, 99, 1000, 600, -1, "-", "abc"])
def test_not_a_status_code(value):
    with pytest.raises(ValueError):
        codes.lookup("http", value)


def test_class_names():
    assert codes.class_name("http", "1xx") == "Informational"
    assert codes.class_name("sip", "1xx") == "Provisional"
    assert codes.class_name("sip", 6) == "Global Failure"
    assert codes.class_name("http", "5xx") == "Server Error"
    with pytest.raises(ValueError):
        codes.class_name("http", "6xx")
    assert codes.class_of(503) == "5xx"


def test_unknown_protocol():
    with pytest.raises(ValueError, match="protocol"):
        codes.lookup("ftp", 200)


def test_entries_sorted_and_complete():
    http = list(codes.entries("http"))
    sip = list(codes.entries("sip"))
    assert [e.code for e in http] == sorted(e.code for e in http)
    assert {e.code for e in sip} >= set(SIP_REQUIRED)
    assert len(list(codes.entries())) == len(http) + len(sip)


@pytest.mark.parametrize("code", SIP_REQUIRED)
def test_every_sip_code_has_a_meaning(code):
    text = codes.describe("sip", code)
    assert text.startswith(f"SIP {code} ") and len(text) > 40


def test_describe_examples():
    assert "queued" in codes.describe("sip", 182).lower()
    assert "busy" in codes.describe("sip", 486).lower()
    assert codes.describe("http", 404).startswith("HTTP 404 Not Found")
    assert "(unregistered)" in codes.describe("http", 298)


def test_class_code_scans_count_like_the_general_path(tmp_path):
    """A class/code scan counts HTTP codes on a short path (no filter, sink or join); a filter that keeps
    every record sends each one through the general path. Both count, judge and sample alike."""
    statuses = ["200", "404", "299", "599", "000", "600", "abc", "1000", "-", "500", "200", "299", "009"]
    lines = [f'1.2.3.{i % 250} - - [10/Oct/2026:13:55:{i % 60:02d} +0000] "GET /p{i} HTTP/1.1" {s} 12 "-" "ua"\n'
             for i, s in enumerate(statuses * 7)]
    p = tmp_path / "codes.log"
    p.write_text("".join(lines))
    short = logcodes.scan(p, format="combined", by="class,code")
    general = logcodes.scan(p, format="combined", by="class,code", since="2000-01-01")
    assert short.counts() == general.counts()
    assert (short.total, short.counted, short.invalid, short.unregistered, short.unparsed) == \
           (general.total, general.counted, general.invalid, general.unregistered, general.unparsed)
    assert short.unregistered == 2 * 7  # 299 twice a round (599 is a de-facto code, registered)
    assert [(s.line, s.why) for s in short.invalid_samples] == [(s.line, s.why) for s in general.invalid_samples]
    assert short.counts("code")[200] == 2 * 7
