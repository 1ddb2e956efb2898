"""logcodes.dask: the same Summary as a local scan, from byte ranges and whole files scanned on workers."""

import dataclasses
import gzip
import pickle

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import logcodes

distributed = pytest.importorskip("distributed")
import logcodes.dask as ldask  # noqa: E402

from conftest import make_combined  # noqa: E402

SIP_INPUTS = ["sip/text/aaa.sip.txt", "sip/text/heplify_sip_tcp_websocket.sip.txt", "sip/pcap/aaa.pcap"]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, corpus):
    """Plain files with hostile lines (generated, and a real one), the same as gzip, SIP text traces, a capture."""
    d = tmp_path_factory.mktemp("dask")
    body, *_ = make_combined(1500, seed=11)
    hostile = d / "hostile.log"
    hostile.write_bytes(body)
    packed = d / "hostile.log.gz"
    packed.write_bytes(gzip.compress(body))
    return [str(hostile), str(packed), str(corpus / "access_combined" / "lnav_zanbil_shop_access_1000.log"),
            *(str(corpus / p) for p in SIP_INPUTS)]


# -- without a cluster first: nothing here must see the module's client (it would become the default) --

def test_local_scheduler_without_a_client(inputs):
    assert ldask._default_client() is None
    by = "class,code"
    assert_same(ldask.scan(inputs, blocksize="50KiB", by=by), logcodes.scan(inputs, by=by))


@pytest.fixture(scope="module")
def small_hostile(tmp_path_factory):
    p = tmp_path_factory.mktemp("dask_small") / "small.log"
    p.write_bytes(make_combined(200, seed=5)[0])
    return str(p)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blocksize=st.integers(min_value=100, max_value=30_000), by=st.sampled_from(["code", "method,code", "file,class"]))
def test_any_blocksize_adds_up_to_the_whole(small_hostile, blocksize, by):
    # Blocks shorter than a line too: pieces where no record starts must add nothing.
    assert ldask._default_client() is None
    assert_same(ldask.scan(small_hostile, blocksize=blocksize, by=by), logcodes.scan(small_hostile, by=by))


def _same_samples(piecewise, whole):
    # Offsets are exact everywhere; a line number is known only in a file's first piece (else 0).
    assert len(piecewise) == len(whole)
    for p, w in zip(piecewise, whole):
        assert (p.file, p.offset, p.text, p.why) == (w.file, w.offset, w.text, w.why)
        assert p.line in (0, w.line)


def assert_same(dist, local):
    assert dist == local
    assert dist.files == local.files
    assert dist.problems == local.problems
    assert (dist.bytes, dist.meta, dist.events, dist.explained, dist.unexplained_count) == \
        (local.bytes, local.meta, local.events, local.explained, local.unexplained_count)
    assert dist.unexplained(None) == local.unexplained(None)
    assert dist.error_files == local.error_files
    _same_samples(dist.unparsed_samples, local.unparsed_samples)
    _same_samples(dist.invalid_samples, local.invalid_samples)
    _same_samples(dist.unexplained_samples, local.unexplained_samples)


# -- on a LocalCluster --------------------------------------------------------------------------------


@pytest.mark.parametrize("blocksize", ["1KiB", "37KiB", "1MiB", None])
def test_cluster_scan_equals_local_scan(client, inputs, blocksize):
    by = "protocol,class,code,file"
    kwargs = {} if blocksize is None else {"blocksize": blocksize}
    if blocksize == "1KiB":
        inputs = [p for p in inputs if "shop" not in p]   # a few hundred tasks are enough
    dist = ldask.scan(inputs, client=client, by=by, **kwargs)
    local = logcodes.scan(inputs, by=by)
    assert_same(dist, local)
    assert dist.unparsed > 0 and dist.invalid > 0 and dist.total > 3000   # the hostile lines are there


def test_time_buckets_and_messages(client, inputs):
    by = "time:15min,code"
    dist = ldask.scan(inputs, client=client, blocksize="64KiB", by=by, count="messages")
    assert_same(dist, logcodes.scan(inputs, by=by, count="messages"))


def test_plan_cuts_only_what_can_be_cut(inputs):
    tasks = ldask.plan(inputs, blocksize="37KiB")
    by_file = {}
    for t in tasks:
        by_file.setdefault(t.index, []).append(t)
    hostile, packed, shop, *traces = range(len(inputs))
    size = len(open(inputs[hostile], "rb").read())
    assert [t.byte_range for t in by_file[hostile]] == [(b, min(b + 37 * 1024, size)) for b in range(0, size, 37 * 1024)]
    for whole in (packed, *traces):   # gzip, SIP traces, the capture: one task each, the whole input
        assert [t.byte_range for t in by_file[whole]] == [None]
    assert len(by_file[shop]) == 9
    # A file smaller than a block is one whole task.
    assert [t.byte_range for t in ldask.plan(inputs[hostile], blocksize="1GiB")] == [None]


def test_correlation_with_error_logs(client):
    access, errors = logcodes.samples.path("nginx_lab"), logcodes.samples.path("nginx_lab_errors")
    dist = ldask.scan(access, client=client, errors=errors, blocksize=500, by="code,cause")
    local = logcodes.scan(access, errors=errors, by="code,cause")
    assert len(ldask.plan(access, blocksize=500)) > 4
    assert_same(dist, local)
    assert dist.events == local.events > 0        # the error log's events are not counted once per task


def test_truncated_input_raises_with_the_whole_summary(client, inputs, tmp_path):
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(open(inputs[1], "rb").read()[:-200])
    paths = [inputs[0], str(cut)]
    with pytest.raises(logcodes.TruncatedInputError) as dist_err:
        ldask.scan(paths, client=client, blocksize="32KiB")
    with pytest.raises(logcodes.TruncatedInputError) as local_err:
        logcodes.scan(paths)
    assert str(dist_err.value) == str(local_err.value)
    assert_same(dist_err.value.summary, local_err.value.summary)
    assert ldask.scan(paths, client=client, blocksize="32KiB", on_error="ignore") == local_err.value.summary


def test_progress_reports_every_byte(client, inputs):
    seen = []
    ldask.scan(inputs[:3], client=client, blocksize="64KiB", progress=lambda done, total: seen.append((done, total)))
    total = sum(t.size for t in ldask.plan(inputs[:3], blocksize="64KiB"))
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_the_default_client_is_used(client, inputs):
    with distributed.get_task_stream(client) as stream:
        s = ldask.scan(inputs[:2], blocksize="100KiB", by="code")     # client=None: the current client
    assert s == logcodes.scan(inputs[:2], by="code")
    assert sum("logcodes-scan" in str(t["key"]) for t in stream.data) == len(ldask.plan(inputs[:2], blocksize="100KiB"))


class _NoSubmit:
    def submit(self, *args, **kwargs):
        raise AssertionError("a task was submitted")


def test_errors_are_raised_before_any_task(inputs, tmp_path):
    with pytest.raises(FileNotFoundError):
        ldask.scan([inputs[0], str(tmp_path / "missing.log")], client=_NoSubmit())
    with pytest.raises(FileNotFoundError):
        ldask.scan(inputs[0], client=_NoSubmit(), errors=str(tmp_path / "missing_error.log"))
    for bad in ("12 parsecs", 0, -5, "MiB"):
        with pytest.raises(ValueError, match="blocksize"):
            ldask.scan(inputs[0], client=_NoSubmit(), blocksize=bad)
    with pytest.raises(ValueError, match="calls"):
        ldask.scan(inputs[3], client=_NoSubmit(), count="calls")
    with pytest.raises(ValueError, match="byte_range"):
        ldask.scan(inputs[0], client=_NoSubmit(), byte_range=(0, 10))
    with pytest.raises(ValueError, match="standard input"):
        ldask.scan("-", client=_NoSubmit())
    with pytest.raises(TypeError, match="colour"):
        ldask.scan(inputs[0], client=_NoSubmit(), colour="red")
    with pytest.raises(ValueError, match="dimension"):
        ldask.scan(inputs[0], client=_NoSubmit(), by="code,nonsense")
    for bad in ({"count": "dialogs"}, {"on_error": "shrug"}, {"threads": 0}, {"explain": "7xx"}, {"window": "soon"},
                {"max_record": "huge"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            ldask.scan(inputs[0], client=_NoSubmit(), **bad)
    with pytest.raises(logcodes.FormatError):
        ldask.scan(inputs[0], client=_NoSubmit(), format="no_such_format")


def test_a_scanned_summary_pickles_whole(inputs):
    s = logcodes.scan(inputs, by="code,file")
    t = pickle.loads(pickle.dumps(s))
    assert t == s
    assert t.files == s.files and t.unparsed_samples == s.unparsed_samples and t.invalid_samples == s.invalid_samples
    assert [f.as_dict() for f in t.files] == [f.as_dict() for f in s.files]
    assert t.to_dict() == s.to_dict()



def test_records_as_a_dask_dataframe(client, inputs):
    """One partition per file, computed on the cluster: the codes (and the filters) agree with the local scan."""
    df = ldask.records(inputs, columns=["code", "method", "file"], count="transactions")
    assert df.npartitions == len(inputs)
    got = df["code"].value_counts().compute()
    assert {int(k): int(v) for k, v in got.items()} == logcodes.scan(inputs, by="code").counts("code")
    five = ldask.records(inputs, columns=["code"], codes="5xx")["code"].value_counts().compute()
    assert {int(k): int(v) for k, v in five.items()} == logcodes.scan(inputs, by="code", codes="5xx").counts("code")
    with pytest.raises(FileNotFoundError):
        ldask.records(inputs + ["/no/such.log"])
    with pytest.raises(ValueError):
        ldask.records(inputs, columns=["nope"])
