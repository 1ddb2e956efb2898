"""Real logs from real servers: exact counts."""

import shutil
import subprocess

import pytest

import logcodes

ELASTIC = {200: 9126, 304: 445, 404: 213, 301: 164, 206: 45, 500: 3, 416: 2, 403: 2}
SHOP = {200: 938, 404: 24, 302: 20, 301: 11, 304: 7}


def test_elastic_apache_2015_exact(corpus):
    s = logcodes.scan(corpus / "access_combined" / "elastic_apache_logs_2015.log")
    assert s.counts("code") == ELASTIC
    assert (s.total, s.unparsed, s.invalid) == (10000, 0, 0)
    assert s.files[0].format == "combined"


def test_lnav_shop_exact(data):
    s = logcodes.scan(data / "shop_nginx_main_1000.log")
    assert s.counts("code") == SHOP
    assert s.unparsed == 0
    assert s.files[0].format == "nginx_main"


def test_bundled_samples_are_the_real_files():
    s = logcodes.scan(logcodes.samples.path("apache_combined"))
    assert s.counts("code") == ELASTIC
    assert s.files[0].compression == "gzip"
    assert logcodes.scan(logcodes.samples.path("shop_nginx")).counts("code") == SHOP


def test_nginx_lab_009_is_invalid_and_garbage_request_counted(data):
    s = logcodes.scan(data / "nginx_lab_combined.log", by="code")
    assert s.invalid == 1
    assert s.invalid_samples[0].line == 20 and "009" in s.invalid_samples[0].why
    assert s.counts("code")[400] == 1  # the "GARBAGE" request is a real 400
    assert s.counts("code")[499] == 1
    assert s.counts("code")[502] == 8
    assert s.total == 28 == s.counted + s.invalid


def test_traefik_extra_fields_parse(data):
    s = logcodes.scan(data / "traefik_clf_beats.log", by="code")
    # both lines carry 304; line 2's unbalanced quote sits after the status, so it still counts
    assert s.counts("code") == {304: 2}
    assert s.unparsed == 0


@pytest.mark.parametrize("tool,suffix", [("gzip", ".gz"), ("zstd", ".zst")])
def test_compressed_equals_plain(tmp_path, data, tool, suffix):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed")
    src = data / "shop_nginx_main_1000.log"
    out = tmp_path / ("shop" + suffix)
    out.write_bytes(subprocess.run([tool, "-c", str(src)], check=True, capture_output=True).stdout)
    plain = logcodes.scan(src, by="method,code")
    packed = logcodes.scan(out, by="method,code")
    assert packed == plain
    assert packed.files[0].compression == {"gzip": "gzip", "zstd": "zstd"}[tool]


def test_compression_detected_by_magic_not_name(tmp_path, data):
    import gzip

    p = tmp_path / "misleading.txt"
    p.write_bytes(gzip.compress((data / "nginx_lab_combined.log").read_bytes()))
    assert logcodes.scan(p).files[0].compression == "gzip"
    assert logcodes.scan(p).total == 28
