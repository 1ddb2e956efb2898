#!/usr/bin/env bash
# A real Tomcat (Debian's tomcat10) in a private CATALINA_BASE on 127.0.0.1 serves four JSPs — one good, one
# that does not compile, one that throws NullPointerException, one that throws ArithmeticException — each
# requested a known number of times; the access log, localhost log and catalina log are kept as fixtures in
# tests/data/lab_tomcat/. Re-runnable; about 30 s (the JVM starts slowly).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_tomcat"
home=/usr/share/tomcat10
[ -x "$home/bin/catalina.sh" ] || { [ "$(id -u)" = 0 ] && apt-get install -y -qq tomcat10 >/dev/null; }
base="$(mktemp -d)"
port=28380 shutdown_port=28305
cleanup() { CATALINA_BASE="$base" CATALINA_HOME="$home" "$home/bin/catalina.sh" stop 5 -force >/dev/null 2>&1 || true; rm -rf "$base"; }
trap cleanup EXIT
mkdir -p "$base"/{conf,logs,temp,work,webapps/ROOT} "$out"
cp -r /etc/tomcat10/* "$base/conf/"
sed -i -e "s/port=\"8005\"/port=\"$shutdown_port\"/" -e "s/port=\"8080\"/port=\"$port\" address=\"127.0.0.1\"/" "$base/conf/server.xml"
cp "$here"/webapp/*.jsp "$base/webapps/ROOT/"
export CATALINA_BASE="$base" CATALINA_HOME="$home" CATALINA_PID="$base/tomcat.pid"
"$home/bin/catalina.sh" start >/dev/null
for i in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$port/good.jsp" && break; sleep 0.5; done
get() { curl -s -o /dev/null "http://127.0.0.1:$port/$1" || true; }
for i in 1 2 3; do get good.jsp; done       # 200 (plus the readiness probes above)
for i in 1 2 3 4; do get broken.jsp; done   # 500 jsp_compile_error
for i in 1 2 3; do get npe.jsp; done        # 500 NullPointerException
for i in 1 2; do get divide.jsp; done       # 500 ArithmeticException
get missing.jsp                             # 404
sleep 1
"$home/bin/catalina.sh" stop 10 >/dev/null 2>&1 || true
sleep 1
rm -f "$out"/*.log "$out"/*.txt
cp "$base"/logs/localhost_access_log.*.txt "$out/localhost_access_log.txt"
cp "$base"/logs/localhost.*.log "$out/localhost.log"
cp "$base"/logs/catalina.*.log "$out/catalina.log"
"$home/bin/version.sh" 2>/dev/null | grep -E "Server version|JVM Version" > "$out/VERSION" || true
# Expected numbers, without logcodes: statuses per page from the access log (grep).
python3 - "$out" <<'PY'
import collections, json, re, sys
out = sys.argv[1]
per = collections.Counter()
for line in open(f"{out}/localhost_access_log.txt"):
    m = re.search(r'"GET /(\S+) HTTP/1\.1" (\d{3})', line)
    if m:
        per[f"{m.group(1)} {m.group(2)}"] += 1
json.dump({"per_page": dict(sorted(per.items()))}, open(f"{out}/EXPECTED.json", "w"), indent=1)
print(dict(per))
PY
