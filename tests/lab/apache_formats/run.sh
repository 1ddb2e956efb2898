#!/usr/bin/env bash
# A real Apache httpd (Debian's apache2) on 127.0.0.1 writes three access logs of the same scripted requests —
# combined, a LogFormat with %D and %{Host}i, and mass virtual hosting's vcommon — into tests/data/lab_apache_formats/, with the config
# used. Reuses the nginx lab's backend. Re-runnable; about 10 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_apache_formats"
command -v apache2 >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq apache2 >/dev/null; }
work="$(mktemp -d)"
port=28180 app=28181 dead=28189
cleanup() { [ -f "$work/httpd.pid" ] && kill "$(cat "$work/httpd.pid")" 2>/dev/null; kill "${backend_pid:-0}" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/html/static" "$out"
chmod 755 "$work" "$work/html" "$work/html/static"
echo hello > "$work/html/static/index.html"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@APP@|$app|g" -e "s|@DEAD@|$dead|g" "$here/httpd.conf.in" > "$work/httpd.conf"
python3 "$here/../nginx_formats/backend.py" "$app" 2>/dev/null & backend_pid=$!
sleep 0.5
APACHE_RUN_DIR="$work" APACHE_LOCK_DIR="$work" apache2 -f "$work/httpd.conf" -k start
sleep 0.5
base="http://127.0.0.1:$port"
get() { curl -s -o /dev/null -A "logcodes-lab/1.0 \"quoted\"" "$@" || true; }
n=0
for host in www.example.org api.example.org shop.example.org; do
  n=$((n + 1))
  for i in 1 2; do get -H "Host: $host" -H "X-Request-Id: r$n$i" "$base/static/index.html"; done  # 200
  get -H "Host: $host" "$base/static/missing.css"                                            # 404
  get -H "Host: $host" -H "If-Modified-Since: $(date -u -R -d tomorrow)" "$base/static/index.html"  # 304
done
get "$base/forbidden"; get "$base/forbidden"                                                # 403 x2
get "$base/moved"; get "$base/elsewhere"                                                    # 301, 302
for c in 201 204 400 401 429 500 503; do get "$base/app/code/$c"; done                       # from the backend
get "$base/dead/x"; get "$base/dead/y"                                                      # 503: refused
get "$base/app/slow"                                                                        # 504: timeout
get -X DELETE "$base/static/index.html"                                                     # 405
get "$base/a b"                                                                             # 400: space
sleep 1
kill "$(cat "$work/httpd.pid")"; sleep 1
for f in access_combined.log access_custom.log access_vcommon.log error.log; do cp "$work/$f" "$out/$f"; done
sed -e "s|$work|/tmp/apache-lab|g" "$work/httpd.conf" > "$out/httpd.conf"
apache2 -v | head -1 | sed 's/Server version: //' > "$out/VERSION"
python3 - "$out" <<'PY'
import collections, json, re, sys
out = sys.argv[1]
count = lambda f: collections.Counter(m.group(1) for m in re.finditer(r'" (\d{3}) \S+', open(f"{out}/{f}").read()))
a, b, v = count("access_combined.log"), count("access_custom.log"), count("access_vcommon.log")
assert a == b == v, (a, b, v)
conf = open(f"{out}/httpd.conf").read()
custom = re.search(r'^LogFormat (".*") custom_d$', conf, re.M).group(1)
json.dump({"counts": dict(sorted(a.items())), "lines": sum(a.values()), "logformat_custom": custom},
          open(f"{out}/EXPECTED.json", "w"), indent=1)
print("counts", dict(sorted(a.items())))
PY
