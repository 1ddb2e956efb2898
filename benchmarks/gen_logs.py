#!/usr/bin/env python3
"""Seeded generator of Apache/nginx *combined* access logs, with an exact truth file.

    python benchmarks/gen_logs.py OUT.log --size 1GiB --seed 1 [--gzip] [--zstd]

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
        inv = [f"{t} {make_bytes(r, 200)} " for t in INVALID_TOKENS for _ in range(4)]
        self.inv, self.inv_len = self._arr(inv)

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


class Clock:
    """Advancing request times, formatted per (second, zone) with a small cache."""

    def __init__(self, t0: float):
        self.t = float(t0)
        self.cache: dict[int, bytes] = {}

    def stamps(self, u_gap: np.ndarray, zone: np.ndarray) -> np.ndarray:
        t = self.t + np.cumsum(-np.log1p(-u_gap) * MEAN_GAP_S)
        self.t = float(t[-1])
        keys = np.floor(t).astype(np.int64) * len(ZONES) + zone
        uniq, inv = np.unique(keys, return_inverse=True)
        if len(self.cache) > 200_000:
            self.cache.clear()
        out = np.empty(len(uniq), dtype=object)
        for i, k in enumerate(uniq.tolist()):
            s = self.cache.get(k)
            if s is None:
                sec, z = divmod(k, len(ZONES))
                name, off, _ = ZONES[z]
                tm = time.gmtime(sec + off)
                s = (f"{tm.tm_mday:02d}/{MONTHS[tm.tm_mon - 1]}/{tm.tm_year}:"
                     f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} {name}").encode()
                self.cache[k] = s
            out[i] = s
        return out[inv.reshape(-1)]


def generate(path: str, size: int, seed: int, *, compress=(), quiet: bool = False) -> dict:
    """Writes `path` (at most `size` bytes, whole lines) and its truth file; returns the truth."""
    started = time.perf_counter()
    pools = Pools(seed)
    rng = np.random.Generator(np.random.PCG64(seed))
    clock = Clock(pools.t0)
    codes = np.zeros(len(pools.codes), dtype=np.int64)
    written = lines = invalid = unparsed = blank = 0
    tmp = path + ".tmp"
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

            hi, ri = pick(pools.heads_cdf, u[0]), pick(pools.req_cdf, u[1])
            ci = pick(pools.code_cdf, u[2])
            si = ci * BYTES_VARIANTS + (u[3] * BYTES_VARIANTS).astype(np.int64)
            fi, ai = pick(pools.ref_cdf, u[4]), pick(pools.ua_cdf, u[5])
            zi = pick(pools.zone_cdf, u[6])

            p0, p2, p3 = pools.heads[hi], pools.req[ri], pools.st[si]
            p4, p5 = pools.ref[fi], pools.ua[ai]
            p1 = clock.stamps(u[7], zi)
            length = pools.heads_len[hi] + TS_LEN + pools.req_len[ri] + pools.st_len[si] \
                + pools.ref_len[fi] + pools.ua_len[ai]

            m = kind == 1
            if m.any():
                ii = (u[8][m] * len(pools.inv)).astype(np.int64)
                p3[m] = pools.inv[ii]
                length[m] += pools.inv_len[ii] - pools.st_len[si[m]]
            m = kind == 2
            if m.any():
                mi = (u[8][m] * len(pools.mal)).astype(np.int64)
                p0[m] = pools.mal[mi]
                length[m] = pools.mal_len[mi]
            m = kind == 3
            if m.any():
                p0[m] = b"\n"
                length[m] = 1
            m = kind >= 2
            if m.any():
                for p in (p1, p2, p3, p4, p5):
                    p[m] = b""

            # Keep whole lines only, up to `size` bytes in total.
            ends = np.cumsum(length)
            keep = int(np.searchsorted(ends, size - written, side="right"))
            if keep == 0:
                break
            out = np.empty(6 * keep, dtype=object)
            for j, p in enumerate((p0, p1, p2, p3, p4, p5)):
                out[j::6] = p[:keep]
            f.write(b"".join(out.tolist()))

            kk = kind[:keep]
            codes += np.bincount(ci[:keep][kk == 0], minlength=len(codes))
            invalid += int(np.count_nonzero(kk == 1))
            unparsed += int(np.count_nonzero(kk == 2))
            blank += int(np.count_nonzero(kk == 3))
            written += int(ends[keep - 1])
            lines += keep
            batch_no += 1
            if keep < n:
                break
    actual = os.path.getsize(tmp)
    if actual != written:
        raise RuntimeError(f"size bookkeeping is off: wrote {actual}, counted {written}")
    os.replace(tmp, path)
    gen_s = time.perf_counter() - started

    truth = {
        "format": "combined",
        "seed": seed,
        "bytes": written,
        "lines": lines,
        "records": lines - blank,
        "codes": {str(int(c)): int(n) for c, n in sorted(zip(pools.codes, codes)) if n},
        "invalid": invalid,
        "unparsed": unparsed,
        "blank": blank,
        "size_requested": size,
        "generator_version": GEN_VERSION,
    }
    assert truth["records"] == sum(truth["codes"].values()) + invalid + unparsed
    with open(path + ".truth.json.tmp", "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    os.replace(path + ".truth.json.tmp", path + ".truth.json")
    if not quiet:
        print(f"{path}: {lines} lines, {written} bytes in {gen_s:.1f}s "
              f"({written / 1e6 / gen_s:.0f} MB/s)", file=sys.stderr)
    if compress:
        compress_copies(path, compress, quiet=quiet)
    return truth


COMPRESSORS = {"gz": ["gzip", "-n", "-c"], "zst": ["zstd", "-q", "-c"]}


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


def verify(path: str) -> bool:
    """Slow reference count of `path` (one regex per line) compared with its truth file."""
    with open(path + ".truth.json") as f:
        truth = json.load(f)
    codes: dict[str, int] = {}
    lines = records = invalid = unparsed = 0
    with open(path, "rb") as f:
        for line in f:
            lines += 1
            body = line.rstrip(b"\n")
            if not body:
                continue
            records += 1
            m = _REF_LINE.fullmatch(body)
            if not m:
                unparsed += 1
            elif _REF_CODE.fullmatch(m.group(4)):
                k = m.group(4).decode()
                codes[k] = codes.get(k, 0) + 1
            else:
                invalid += 1
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
    ap.add_argument("--size", default="64MiB", help="64MiB, 1GiB, 4GiB, 1GB (decimal) or a byte count")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gzip", action="store_true", help="also write OUT.gz (gzip -n -c)")
    ap.add_argument("--zstd", action="store_true", help="also write OUT.zst (zstd -q -c)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.verify:
        return 0 if verify(a.out) else 1
    compress = [e for e, on in (("gz", a.gzip), ("zst", a.zstd)) if on]
    generate(a.out, parse_size(a.size), a.seed, compress=compress, quiet=a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
