import gzip
import os
import pathlib
import random

import pytest

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"
CORPUS = HERE.parents[2] / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> pathlib.Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the project ({CORPUS})")
    return CORPUS


@pytest.fixture(scope="session")
def data() -> pathlib.Path:
    return DATA


_METHODS = ["GET", "GET", "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"]
_CODES = ["200"] * 30 + ["304"] * 4 + ["404"] * 3 + ["301", "302", "206", "500", "502", "503", "504", "499", "403",
                                                      "401", "400", "429", "298", "432"]
_BAD_STATUS = ["-", "000", "009", "1000", "abc"]


def make_combined(n: int, seed: int = 7, junk: bool = True):
    """Combined-log lines with exact truth: (bytes, {code: count}, invalid, unparsed)."""
    rnd = random.Random(seed)
    out = []
    truth: dict = {}
    invalid = unparsed = 0
    for i in range(n):
        r = rnd.random()
        if junk and r < 0.01:
            out.append(rnd.choice([b"GARBAGE", b"\x00\xff\xfe binary \x80", b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /cut']))
            unparsed += 1
            continue
        if junk and r < 0.02:
            out.append(b"")  # blank: not a record
            continue
        client = rnd.choice(["10.0.0.%d" % rnd.randrange(256), "2001:db8::%x" % rnd.randrange(65536), "::1"])
        t = "%02d/%s/20%02d:%02d:%02d:%02d %s" % (rnd.randrange(1, 29), rnd.choice(["Jan", "Feb", "Oct", "Dec"]),
                                                  rnd.randrange(0, 30), rnd.randrange(24), rnd.randrange(60),
                                                  rnd.randrange(60), rnd.choice(["+0000", "-0700", "+0330"]))
        path = rnd.choice(["/", "/index.html", "/a b.html", "/q?x=1&y=2", "/caf\u00e9", "/x\\\"y", "/p\\x22q",
                           "/api/v1/users/%d" % rnd.randrange(1000)])
        req = rnd.choice(['%s %s HTTP/1.1' % (rnd.choice(_METHODS), path), "-", '%s %s HTTP/2.0' % (rnd.choice(_METHODS), path)])
        if junk and r < 0.03:
            status = rnd.choice(_BAD_STATUS)
            invalid += 1
        else:
            status = rnd.choice(_CODES)
            truth[int(status)] = truth.get(int(status), 0) + 1
        size = rnd.choice(["-", str(rnd.randrange(100000))])
        ua = rnd.choice(['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.0', 'evil \\"agent\\"', '-'])
        line = f'{client} - {rnd.choice(["-", "bob"])} [{t}] "{req}" {status} {size} "-" "{ua}"'
        if rnd.random() < 0.05:
            line += "\r"
        out.append(line.encode("utf-8"))
    body = b"\n".join(out) + b"\n"
    return body, truth, invalid, unparsed


@pytest.fixture(scope="session")
def combined_file(tmp_path_factory):
    body, truth, invalid, unparsed = make_combined(20000)
    p = tmp_path_factory.mktemp("gen") / "gen_combined.log"
    p.write_bytes(body)
    return p, truth, invalid, unparsed
