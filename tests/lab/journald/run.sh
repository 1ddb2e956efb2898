#!/usr/bin/env bash
# A real nginx (Debian's) sends its access and error lines to a real systemd-journald through journald's
# syslog socket (`access_log syslog:server=unix:/run/systemd/journal/dev-log`), as on a systemd machine, and to
# plain files; `journalctl -o json` of those entries lands in tests/data/lab_journald/ with the config.
# journald runs by hand in a private mount namespace (tmpfs on /run/systemd and /run/log), so the machine's
# own /run is never touched and no systemd has to be PID 1. Needs root. Re-runnable; about 5 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ "$(id -u)" = 0 ] || { echo "run as root (journald in a private mount namespace)" >&2; exit 1; }
if [ "${LOGCODES_JOURNALD_NS:-}" != 1 ]; then
    exec env LOGCODES_JOURNALD_NS=1 unshare --mount --propagation private "$0" "$@"
fi
out="$here/../../data/lab_journald"
command -v nginx >/dev/null || apt-get install -y -qq nginx-light >/dev/null
[ -x /lib/systemd/systemd-journald ] || apt-get install -y -qq systemd >/dev/null
work="$(mktemp -d)"
port=28280
mount -t tmpfs tmpfs /run/systemd
mount -t tmpfs tmpfs /run/log
cleanup() {
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
    kill "${journald_pid:-0}" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p /run/systemd/journal "$work/tmp" "$work/html/static" "$out"
chmod 755 "$work" "$work/html" "$work/html/static"  # nginx workers run as www-data
echo hello > "$work/html/static/index.html"
/lib/systemd/systemd-journald & journald_pid=$!
for _ in $(seq 50); do [ -S /run/systemd/journal/dev-log ] && break; sleep 0.1; done
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" "$here/nginx.conf.in" > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3
base="http://127.0.0.1:$port"
get() { curl -s -o /dev/null -A "logcodes-lab/1.0 (\"quoted\")" "$@" || true; }
for i in $(seq 1 20); do get "$base/static/index.html"; done                            # 200 x20
for i in $(seq 1 6); do get "$base/static/missing-$i.css"; done                         # 404 x6
for p in forbidden forbidden gone moved teapot oops oops busy; do get "$base/$p"; done  # 403 403 410 301 418 500 500 503
get "$base/a%20b/with spaces?q=\"x\""                                                    # odd URI: 400
printf 'GARBAGE\r\n\r\n' | timeout 2 bash -c "cat > /dev/tcp/127.0.0.1/$port" || true   # 400 bad request
sleep 0.5
kill "$(cat "$work/nginx.pid")"; sleep 0.5
journalctl --directory /run/log/journal --no-pager -o json SYSLOG_IDENTIFIER=nginx > "$out/access_journal.json"
journalctl --directory /run/log/journal --no-pager -o json SYSLOG_IDENTIFIER=nginxerr > "$out/error_journal.json"
cp "$work/access_combined.log" "$out/access_combined.log"
cp "$work/error.log" "$out/error.log"
sed -e "s|$work|/tmp/journald-lab|g" "$work/nginx.conf" > "$out/nginx.conf"
{ nginx -v 2>&1 | sed "s/.*\//nginx /"; journalctl --version | head -1; } > "$out/VERSION"
wc -l "$out"/*.log "$out"/*.json
