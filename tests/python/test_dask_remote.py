"""logcodes.dask over object storage: a local Dask cluster whose workers run in another working directory
and, when the tests run as root, in a mount namespace of their own where pytest's temporary directories are
an empty tmpfs (they cannot read the test's files), and read their own byte ranges from the S3 server."""

from __future__ import annotations

import gzip
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import pytest

import logcodes

from cloud_servers import free_ports, seaweed
from conftest import make_combined

distributed = pytest.importorskip("distributed", reason="distributed is not installed (pip install 'logcodes[dask]')")
import logcodes.dask  # noqa: E402


def _hidden(hide: pathlib.Path, cmd):
    """`cmd` in a private mount namespace where `hide` is an empty tmpfs (root only)."""
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount -t tmpfs none "$0" && shift && exec "$@"',
            str(hide), "sh", *cmd]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two one-thread workers on 127.0.0.1; yields (client, the workers' directory)."""
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="logcodes-workers-"))
    workdir.chmod(0o777)
    port = free_ports(1)[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", str(port), "--no-dashboard"], cwd=workdir, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    yield_env = dict(env)
    try:
        yield workdir, port, procs, yield_env
    finally:
        for p in procs:
            p.kill()
            p.wait()


def _start_workers(workdir, port, procs, env, s3_env, hide):
    for i in range(2):
        wd = workdir / f"w{i}"
        wd.mkdir(exist_ok=True)
        wd.chmod(0o777)
        cmd = [sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1",
               "--nworkers", "1", "--no-dashboard", "--local-directory", str(wd)]
        if os.geteuid() == 0:
            cmd = _hidden(hide, cmd)
        procs.append(subprocess.Popen(cmd, cwd=wd, env={**env, **s3_env, "HOME": str(wd)},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))


def test_workers_read_their_ranges_from_s3(cluster, tmp_path, tmp_path_factory, monkeypatch):
    workdir, port, procs, env = cluster
    data, _, _, _ = make_combined(40_000, seed=3)
    (tmp_path / "a.log").write_bytes(data)
    (tmp_path / "b.log.gz").write_bytes(gzip.compress(make_combined(5000, seed=4)[0]))
    with seaweed(tmp_path / "seaweed") as s3:
        fs = s3.filesystem()
        fs.mkdir("dask")
        fs.put(str(tmp_path / "a.log"), "dask/a.log")
        fs.put(str(tmp_path / "b.log.gz"), "dask/b.log.gz")
        _start_workers(workdir, port, procs, env, s3.env(), tmp_path_factory.getbasetemp())
        for k, v in s3.env().items():
            monkeypatch.setenv(k, v)          # the client lists with the same usual variables
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()   # not one made for another server earlier in this process
        with distributed.Client(f"tcp://127.0.0.1:{port}", timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
            where = client.run(os.getcwd)
            assert all(pathlib.Path(w).parent == workdir for w in where.values())
            if os.geteuid() == 0:
                seen = client.run(os.path.exists, str(tmp_path / "a.log"))
                assert not any(seen.values())      # the workers cannot see the test's files
            tasks = logcodes.dask.plan("s3://dask/*", blocksize="512KiB")
            assert len(tasks) > 4
            got = logcodes.dask.scan("s3://dask/*", client=client, blocksize="512KiB", by="class,code,method")
        want = logcodes.scan([tmp_path / "a.log", tmp_path / "b.log.gz"], by="class,code,method")
        assert got.counts() == want.counts()
        assert (got.total, got.counted, got.invalid, got.unparsed) == (want.total, want.counted, want.invalid,
                                                                       want.unparsed)
        assert [f.path for f in got.files] == ["s3://dask/a.log", "s3://dask/b.log.gz"]
        assert [(f.lines, f.records, f.format) for f in got.files] == \
            [(f.lines, f.records, f.format) for f in want.files]
