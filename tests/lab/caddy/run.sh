#!/usr/bin/env bash
# A real Caddy (Debian's) on 127.0.0.1 writes its JSON access log of scripted requests — a static file,
# a working upstream, a refusing upstream (502), an upstream that times out (504), answers of its own —
# into tests/data/lab_caddy/, with the exact Caddyfile used. Re-runnable; about 10 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_caddy"
command -v caddy >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq caddy >/dev/null; }
work="$(mktemp -d)"
port=28280 app=28281 dead=28289
cleanup() { kill "${caddy_pid:-0}" "${backend_pid:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/html/static" "$work/data" "$out"
echo hello > "$work/html/static/index.html"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@APP@|$app|g" -e "s|@DEAD@|$dead|g" "$here/Caddyfile.in" > "$work/Caddyfile"
python3 "$here/../nginx_formats/backend.py" "$app" 2>/dev/null & backend_pid=$!
sleep 0.5
HOME="$work" XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work/data" caddy run --config "$work/Caddyfile" --adapter caddyfile \
  >"$work/caddy.out" 2>&1 & caddy_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
base="http://127.0.0.1:$port"
get() { curl -s -o /dev/null -A "logcodes-lab/1.0 (\"quoted\")" "$@" || true; }
for i in 1 2 3; do get "$base/static/index.html"; get "$base/app/ok"; done           # 200 x6
get "$base/static/missing.css"; get "$base/elsewhere"                                 # 404 x2
get "$base/forbidden"                                                                 # 403
for c in 201 302 401 500 503; do get "$base/app/code/$c"; done                        # from the backend
get -H "X-Request-ID: lab-dead-1" "$base/dead/x"; get "$base/dead/y"                  # 502: refused
get "$base/slow/slow"                                                                 # 504: no header in 1 s
sleep 0.5
kill "$caddy_pid"; wait "$caddy_pid" 2>/dev/null || true
cp "$work/access.log" "$out/access.log"
sed -e "s|$work|/tmp/caddy-lab|g" "$work/Caddyfile" > "$out/Caddyfile"
caddy version | cut -d' ' -f1 > "$out/VERSION"
python3 "$here/expected.py" "$out"
