"""Results never depend on threads, block sizes or where the input is cut."""

import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logcodes

from conftest import make_combined


def test_generated_truth(combined_file):
    path, truth, invalid, unparsed = combined_file
    s = logcodes.scan(path, by="code", threads=1)
    assert s.counts("code") == truth
    assert (s.invalid, s.unparsed) == (invalid, unparsed)
    assert s.total == s.counted + s.invalid + s.unparsed


@pytest.mark.parametrize("threads", [1, 2, 3, 8])
@pytest.mark.parametrize("block_size", [1, 97, 4096, "1MiB"])
def test_threads_and_block_sizes_agree(combined_file, threads, block_size):
    path, truth, invalid, unparsed = combined_file
    ref = logcodes.scan(path, by="class,code,method,time:1d", threads=1)
    s = logcodes.scan(path, by="class,code,method,time:1d", threads=threads, block_size=block_size)
    assert s == ref
    assert s.counts("code") == truth
    assert s.unparsed_samples == ref.unparsed_samples
    assert s.invalid_samples == ref.invalid_samples


def test_sample_line_numbers_are_real(combined_file):
    path, *_ = combined_file
    lines = path.read_bytes().split(b"\n")
    s = logcodes.scan(path, threads=4, block_size=333)
    for sample in s.unparsed_samples + s.invalid_samples:
        raw = lines[sample.line - 1]
        assert sample.text == raw.decode("utf-8", "backslashreplace")[:512]


def test_gzip_equals_plain(tmp_path, combined_file):
    path, *_ = combined_file
    gz = tmp_path / "gen.log.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert logcodes.scan(gz, by="code,method") == logcodes.scan(path, by="code,method", threads=2, block_size=1000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=0, max_value=200_000), max_size=30), seed=st.integers(0, 10))
def test_stream_in_pieces_equals_scan(tmp_path_factory, cuts, seed):
    body, *_ = make_combined(300, seed=seed)
    p = tmp_path_factory.mktemp("s") / "x.log"
    p.write_bytes(body)
    ref = logcodes.scan(p, by="class,code,path")
    stream = logcodes.Stream(by="class,code,path")
    points = sorted({c % (len(body) + 1) for c in cuts})
    prev = 0
    for c in points + [len(body)]:
        stream.feed(body[prev:c])
        prev = c
    got = stream.close()
    assert got == ref
    assert got.unparsed_samples == [s._replace(file="<stream>") for s in ref.unparsed_samples]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(split=st.integers(min_value=0, max_value=400), seed=st.integers(0, 5))
def test_merge_equals_scan_of_concatenation(tmp_path_factory, split, seed):
    body, *_ = make_combined(400, seed=seed)
    lines = body.splitlines(keepends=True)
    a, b = b"".join(lines[:split]), b"".join(lines[split:])
    d = tmp_path_factory.mktemp("m")
    (d / "a.log").write_bytes(a)
    (d / "b.log").write_bytes(b)
    (d / "ab.log").write_bytes(a + b)
    fmt = "combined"  # both halves read with the same format, as the whole is
    sa = logcodes.scan(d / "a.log", format=fmt, by="code,method")
    sb = logcodes.scan(d / "b.log", format=fmt, by="code,method")
    whole = logcodes.scan(d / "ab.log", format=fmt, by="code,method")
    assert sa.merge(sb) == whole
    assert sb + sa == whole


def test_merge_rejects_different_dims(data):
    a = logcodes.scan(data / "nginx_lab_combined.log", by="code")
    b = logcodes.scan(data / "nginx_lab_combined.log", by="class")
    with pytest.raises(ValueError, match="grouped differently"):
        a.merge(b)


def test_pickle_round_trip(data):
    import pickle

    s = logcodes.scan(data / "nginx_lab_combined.log", by="time:1min,code")
    t = pickle.loads(pickle.dumps(s))
    assert t == s and t.files == s.files and t.invalid_samples == s.invalid_samples


@pytest.mark.parametrize("block_size", [1, 7, 4096])
@pytest.mark.parametrize("codec", ["gzip", "zstd"])
def test_compressed_tiny_reads_equal_plain(tmp_path, combined_file, block_size, codec):
    import shutil
    import subprocess

    path, *_ = combined_file
    if codec == "gzip":
        packed = tmp_path / "g.log.gz"
        packed.write_bytes(gzip.compress(path.read_bytes()))
    else:
        if shutil.which("zstd") is None:
            pytest.skip("zstd not installed")
        packed = tmp_path / "g.log.zst"
        packed.write_bytes(subprocess.run(["zstd", "-c", str(path)], capture_output=True, check=True).stdout)
    assert logcodes.scan(packed, by="code", block_size=block_size) == logcodes.scan(path, by="code")


@pytest.mark.parametrize("pieces", [1, 2, 3, 7])
def test_byte_range_pieces_add_up_to_the_whole(combined_file, pieces):
    path, *_ = combined_file
    size = path.stat().st_size
    cuts = [size * i // pieces for i in range(pieces + 1)]
    whole = logcodes.scan(path, by="code,method", threads=1)
    parts = [logcodes.scan(path, by="code,method", threads=2, block_size=512, byte_range=(cuts[i], cuts[i + 1]))
             for i in range(pieces)]
    total = parts[0]
    for p in parts[1:]:
        total = total.merge(p)
    assert total == whole
    # sample offsets are exact; line numbers are unknown past the first piece
    assert all(s.line == 0 for p in parts[1:] for s in p.unparsed_samples)


def test_byte_range_of_an_uncutable_input(tmp_path, combined_file):
    path, *_ = combined_file
    gz = tmp_path / "g.log.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    first = logcodes.scan(gz, by="code", byte_range=(0, 10))
    later = logcodes.scan(gz, by="code", byte_range=(10, 20))
    assert first == logcodes.scan(gz, by="code") and later.total == 0
    with pytest.raises(ValueError):
        logcodes.scan(path, byte_range=(5, 2))
