"""Bad input gets a clear error and loses nothing."""

import gzip
import os
import pathlib
import shutil
import tempfile

import pytest

import logcodes
from privileges import as_nobody


def test_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        logcodes.scan(tmp_path / "nope.log")
    assert "nope.log" in str(e.value)


def test_glob_matching_nothing(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file matches"):
        logcodes.scan(str(tmp_path / "*.log"))


def test_directory(tmp_path):
    with pytest.raises(IsADirectoryError):
        logcodes.scan(tmp_path)


def test_permission_denied():
    # Not under pytest's tmp_path: its parents are closed to other users, and nobody must reach the file.
    d = pathlib.Path(tempfile.mkdtemp(prefix="logcodes-perm-"))
    try:
        d.chmod(0o755)
        p = d / "secret.log"
        p.write_text("x\n")
        p.chmod(0)

        def check() -> int:
            try:
                logcodes.scan(p)
            except PermissionError as e:
                return 0 if e.filename == str(p) else 4
            return 5

        assert as_nobody(check) == 0
    finally:
        shutil.rmtree(d)


def test_unknown_format_lists_valid_names(data):
    with pytest.raises(ValueError) as e:
        logcodes.scan(data / "nginx_lab_combined.log", format="apache-ish")
    assert isinstance(e.value, logcodes.FormatError)
    for name in ("auto", "combined", "common", "vhost_combined", "nginx_main", "tomcat_combined"):
        assert name in str(e.value)


@pytest.mark.parametrize("by,match", [("colour", "unknown dimension"), ("code,code", "twice"),
                                      ("time:0s", "at least 1"), ("time:fortnight", "duration"),
                                      ("code:5", "only the time")])
def test_bad_dimensions(data, by, match):
    with pytest.raises(ValueError, match=match):
        logcodes.scan(data / "nginx_lab_combined.log", by=by)


@pytest.mark.parametrize("kw", [{"threads": 0}, {"threads": -2}, {"threads": 1.5}, {"block_size": 0},
                                {"block_size": "lots"}, {"on_error": "explode"}])
def test_bad_arguments(data, kw):
    with pytest.raises((ValueError, TypeError)):
        logcodes.scan(data / "nginx_lab_combined.log", **kw)


def test_truncated_gzip_keeps_what_came_before(tmp_path, data):
    body = (data / "shop_nginx_main_1000.log").read_bytes()
    packed = gzip.compress(body)
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(logcodes.TruncatedInputError) as e:
        logcodes.scan(cut, by="code")
    err = e.value
    assert isinstance(err, EOFError) and isinstance(err, logcodes.LogcodesError)
    assert err.path == str(cut)
    assert err.offset > 0
    assert str(cut) in str(err) and "truncated" in str(err)
    partial = err.summary
    assert partial is not None
    assert 0 < partial.total < 1000
    assert partial.total == partial.counted + partial.invalid + partial.unparsed
    assert partial.problems[0].kind == "truncated"
    # every complete line before the cut is counted: compare with scanning the same prefix as plain text
    whole_lines = partial.lines
    prefix = b"".join(body.splitlines(keepends=True)[:whole_lines])
    ref = logcodes.Stream(by="code")
    ref.feed(prefix)
    assert ref.close().counts("code") == partial.counts("code")


def test_truncated_gzip_with_other_files(tmp_path, data):
    body = (data / "nginx_lab_combined.log").read_bytes()
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(body)[:-12])
    with pytest.warns(RuntimeWarning, match="truncated"):
        s = logcodes.scan([data / "shop_nginx_main_1000.log", cut], on_error="warn")
    assert s.total >= 1000
    assert s.problems and s.problems[0].path == str(cut)
    s2 = logcodes.scan([data / "shop_nginx_main_1000.log", cut], on_error="ignore")
    assert s2 == s


def test_corrupt_gzip(tmp_path, data):
    packed = bytearray(gzip.compress((data / "shop_nginx_main_1000.log").read_bytes()))
    packed[200:260] = b"\xff" * 60
    p = tmp_path / "bad.gz"
    p.write_bytes(bytes(packed))
    with pytest.raises(logcodes.InputError) as e:
        logcodes.scan(p)
    assert isinstance(e.value, (logcodes.CorruptInputError, logcodes.TruncatedInputError))
    assert e.value.summary is not None


def test_random_binary_is_unparsed_not_a_crash(tmp_path):
    import random

    rnd = random.Random(3)
    p = tmp_path / "junk.bin"
    p.write_bytes(bytes(rnd.randrange(256) for _ in range(200_000)))
    s = logcodes.scan(p)
    assert s.counted == 0
    assert s.total == s.unparsed > 0
    assert len(s.unparsed_samples) == 5
    assert s.files[0].format is None


def test_empty_file(tmp_path):
    p = tmp_path / "empty.log"
    p.write_bytes(b"")
    s = logcodes.scan(p)
    assert (s.total, s.counted, s.unparsed) == (0, 0, 0)
