"""logcodes.spark on a local SparkSession (Debian's OpenJDK, pyspark from pip): scan and records over local
files and over objects on the S3 server equal the local scan."""

from __future__ import annotations

import gzip
import os
import shutil
import sys

import pytest

import logcodes

from cloud_servers import missing, sanitized, seaweed
from conftest import make_combined


@pytest.fixture(scope="module")
def spark():
    if sanitized():
        # The JVM would inherit the preloaded ASan runtime; the plain `make test` run covers Spark.
        pytest.skip("not in the sanitizer run: Spark's JVM cannot carry the preloaded ASan runtime "
                    "(the plain run of `make test` runs these tests)")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        missing("pyspark is not installed (pip install 'logcodes[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing("no Java runtime for Spark (Debian package 'default-jre-headless'; `make test` installs it)")
    import logcodes.spark  # noqa: F401

    # The executors' Python must have logcodes: this one (a virtualenv's), for RDD and DataFrame tasks alike.
    os.environ["PYSPARK_PYTHON"] = sys.executable

    session = (SparkSession.builder.master("local[2]").appName("logcodes-test")
               .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "2")
               .config("spark.ui.showConsoleProgress", "false")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    d = tmp_path_factory.mktemp("spark")
    (d / "a.log").write_bytes(make_combined(30_000, seed=11)[0])
    (d / "b.log.gz").write_bytes(gzip.compress(make_combined(4000, seed=12)[0]))
    return d


def test_scan_local_files_equals_local(spark, logs):
    import logcodes.spark

    paths = [logs / "a.log", logs / "b.log.gz"]
    got = logcodes.spark.scan(spark, paths, blocksize="256KiB", by="class,code,method")
    want = logcodes.scan(paths, by="class,code,method")
    assert got == want


def test_records_local_files(spark, logs):
    import logcodes.spark

    paths = [str(logs / "a.log"), str(logs / "b.log.gz")]
    df = logcodes.spark.records(spark, paths, columns=["time", "code", "method", "path"])
    assert df.columns == ["time", "code", "method", "path"]
    by_code = {r["code"]: r["count"] for r in df.groupBy("code").count().collect()}
    assert by_code == logcodes.scan(paths, by="code").counts("code")


def test_scan_and_records_from_s3(spark, logs, tmp_path):
    import logcodes.spark

    with seaweed(tmp_path / "seaweed") as s3:
        fs = s3.filesystem()
        fs.mkdir("spark")
        fs.put(str(logs / "a.log"), "spark/a.log")
        fs.put(str(logs / "b.log.gz"), "spark/b.log.gz")
        opts = s3.storage_options()
        got = logcodes.spark.scan(spark, "s3://spark/*", blocksize="256KiB", by="class,code", storage_options=opts)
        want = logcodes.scan([logs / "a.log", logs / "b.log.gz"], by="class,code")
        assert got.counts() == want.counts()
        assert (got.total, got.counted, got.invalid, got.unparsed) == (want.total, want.counted, want.invalid,
                                                                       want.unparsed)
        df = logcodes.spark.records(spark, "s3://spark/*", columns=["code"], codes="5xx", storage_options=opts)
        assert df.count() == logcodes.scan([logs / "a.log", logs / "b.log.gz"], codes="5xx").counted
