"""Odd but real lines: each either counts correctly or is counted as unparsed/invalid — never lost."""

import pytest

import logcodes

T = "[10/Oct/2000:13:55:36 -0700]"


def scan_lines(tmp_path, lines, **kw):
    p = tmp_path / "x.log"
    p.write_bytes(b"\n".join(lines) + b"\n")
    return logcodes.scan(p, **kw)


@pytest.mark.parametrize("line,code", [
    (f'1.2.3.4 - - {T} "GET /a HTTP/1.1" 200 12 "-" "curl"', 200),
    (f'2001:db8::1 - - {T} "GET /a HTTP/1.1" 404 - "-" "curl"', 404),
    (f'1.2.3.4 - - {T} "-" 408 0 "-" "-"', 408),
    (f'1.2.3.4 - - {T} "GET /a b c.html HTTP/1.1" 200 5 "-" "x"', 200),
    (f'1.2.3.4 - - {T} "GET /q?\\"x\\"=1 HTTP/1.1" 301 5 "-" "a \\"quoted\\" agent"', 301),
    (f'1.2.3.4 - - {T} "GET /q?\\x22x\\x22 HTTP/1.1" 302 5 "-" "nginx \\x22agent\\x22"', 302),
    (f'1.2.3.4 - - {T} "GET /a HTTP/1.1" 503 12', 503),
    (f'1.2.3.4 - - {T} "GET /a HTTP/1.1" 503', 503),
    (f'1.2.3.4 - - {T} "GET /a HTTP/1.1" 500 12 "-" "ua" extra 7 "more" 3ms', 500),
    (f'1.2.3.4 - - {T} "GET /a HTTP/1.1" 204 0 "-" "ua"\r', 204),
    (f'1.2.3.4 - - {T} "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 226 "-" "-"', 400),
    (f'1.2.3.4 - - {T} "GET /a HTTP/1.1" 298 0 "-" "ua"', 298),
])
def test_counted(tmp_path, line, code):
    raw = line.encode("latin-1") if "\x16" in line else line.encode("utf-8")
    s = scan_lines(tmp_path, [raw], format="combined", by="code")
    assert s.counts("code") == {code: 1}, (s.unparsed_samples, s.invalid_samples)


def test_non_utf8_bytes(tmp_path):
    line = b'1.2.3.4 - - ' + T.encode() + b' "GET /caf\xe9\xff HTTP/1.1" 200 1 "-" "\xc3\x28"'
    s = scan_lines(tmp_path, [line], by="path")
    assert s.counts("path") == {"/caf\\xe9\\xff": 1}


@pytest.mark.parametrize("status", ["-", "000", "009", "1000", "abc", "600", "99"])
def test_invalid_status(tmp_path, status):
    s = scan_lines(tmp_path, [f'1.2.3.4 - - {T} "GET / HTTP/1.1" {status} 1 "-" "ua"'.encode()], format="combined")
    assert (s.invalid, s.counted, s.unparsed) == (1, 0, 0)
    assert status in s.invalid_samples[0].why


def test_unregistered_counted_and_flagged(tmp_path):
    s = scan_lines(tmp_path, [f'1.2.3.4 - - {T} "GET / HTTP/1.1" 432 1 "-" "ua"'.encode()], format="combined")
    assert s.counts("code") == {432: 1}
    assert s.unregistered == 1
    assert "(unregistered)" in repr(s)


def test_blank_lines_are_not_records(tmp_path):
    good = f'1.2.3.4 - - {T} "GET / HTTP/1.1" 200 1 "-" "ua"'.encode()
    s = scan_lines(tmp_path, [good, b"", b"   ", b"\r", good])
    assert (s.total, s.blank, s.lines) == (2, 3, 5)


def test_no_final_newline_and_cr_only(tmp_path):
    good = f'1.2.3.4 - - {T} "GET / HTTP/1.1" 200 1 "-" "ua"'.encode()
    p = tmp_path / "x.log"
    p.write_bytes(good + b"\n" + good)
    assert logcodes.scan(p).counted == 2
    p.write_bytes(good + b"\r" + good + b"\r")  # old-Mac line ends: one line, not silently two
    s = logcodes.scan(p, format="combined")
    assert s.total == 1


def test_very_long_line_is_counted_unparsed(tmp_path):
    good = f'1.2.3.4 - - {T} "GET / HTTP/1.1" 200 1 "-" "ua"'.encode()
    huge = f'1.2.3.4 - - {T} "GET /'.encode() + b"a" * 3_000_000 + b' HTTP/1.1" 200 1 "-" "ua"'
    s = scan_lines(tmp_path, [good, huge, good], max_record="1MiB", block_size=65536, format="combined")
    assert (s.counted, s.unparsed) == (2, 1)
    assert s.unparsed_samples[0].line == 2 and "longer" in s.unparsed_samples[0].why
    # under the limit the same line is parsed
    s = scan_lines(tmp_path, [good, huge, good], format="combined")
    assert (s.counted, s.unparsed) == (3, 0)


def test_nul_bytes(tmp_path):
    good = f'1.2.3.4 - - {T} "GET / HTTP/1.1" 200 1 "-" "ua"'.encode()
    s = scan_lines(tmp_path, [good, b"\x00" * 100, good.replace(b"GET", b"G\x00T")], format="combined")
    assert s.total == 3 and s.counted + s.unparsed + s.invalid == 3
