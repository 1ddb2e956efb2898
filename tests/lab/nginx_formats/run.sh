#!/usr/bin/env bash
# A real nginx (Debian's) on 127.0.0.1 writes six access logs of the same scripted requests — combined,
# a custom log_format with $upstream_status and $request_time, escape=json, ingress-nginx's default
# log-format-upstream and its pre-0.22 shape, and nginx 'main' with the request and upstream times — into
# tests/data/lab_nginx_formats/, with the exact nginx.conf used. Re-runnable; about 15 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_nginx_formats"
command -v nginx >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq nginx-light >/dev/null; }
work="$(mktemp -d)"
port=28080 app=28081 dead=28089
cleanup() { [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; kill "${backend_pid:-0}" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/tmp" "$work/html/static" "$out"
chmod 755 "$work" "$work/html" "$work/html/static"  # nginx workers run as www-data
echo hello > "$work/html/static/index.html"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@APP@|$app|g" -e "s|@DEAD@|$dead|g" "$here/nginx.conf.in" > "$work/nginx.conf"
python3 "$here/backend.py" "$app" 2>/dev/null & backend_pid=$!
sleep 0.5
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3
base="http://127.0.0.1:$port"
get() { curl -s -o /dev/null -A "logcodes-lab/1.0 (\"quoted\")" "$@" || true; }
for i in 1 2 3 4 5; do get "$base/static/index.html"; get "$base/app/ok"; done      # 200 x10
for i in 1 2 3; do get "$base/static/missing.css"; done                              # 404 x3
get "$base/forbidden"; get "$base/forbidden"                                          # 403 x2
get "$base/moved"; get "$base/gone"; get -H "X-Request-ID: lab-teapot-1" "$base/teapot"                              # 301 410 418
for c in 201 204 302 304 400 401 429 500 503; do get "$base/app/code/$c"; done        # from the backend
for i in 1 2 3 4; do get "$base/dead/x"; done                                        # 502: refused
for i in 1 2 3; do get "$base/flaky/ok"; done                                        # "502, 200" -> 200
get "$base/app/slow"                                                                  # 504 upstream timeout
get "$base/app/close"                                                                 # 502 closed
get -X POST --data-binary @"$here/backend.py" "$base/app/upload"                      # 413 body too large
get --max-time 0.3 "$base/app/slow"                                                   # 499 client gave up
get "$base/drop"                                                                      # 444 (no response)
printf 'GARBAGE\r\n\r\n' | timeout 2 bash -c "cat > /dev/tcp/127.0.0.1/$port" || true # 400 bad request
get "$base/a%20b/with spaces?q=\"x\""                                                  # odd URI: 400 or 404
sleep 3.5  # the client that gave up: nginx logs 499 once the upstream answers or times out
kill "$(cat "$work/nginx.pid")"; sleep 0.5
for f in access_combined.log access_custom.log access_json.log access_ingress.log access_ingress_legacy.log \
         access_main_times.log error.log; do cp "$work/$f" "$out/$f"; done
sed -e "s|$work|/tmp/nginx-lab|g" "$work/nginx.conf" > "$out/nginx.conf"
nginx -v 2>&1 | sed 's/.*\///' > "$out/VERSION"
python3 "$here/expected.py" "$out"
