#!/usr/bin/env bash
# Tomcat shaped like production, for JSP and servlet error causes. A real Tomcat (Debian's tomcat10; tomcat9 as
# well where the Debian release still has it — Debian 12 does not, so there the lab runs Tomcat 10 only) in a
# private CATALINA_BASE on 127.0.0.1 serves two apps: a WAR under a context path (webapps/shop.war, /shop) and
# an exploded ROOT app. Both hold the pages in webapp/ — a good JSP, one that does not compile (Java error), two
# with translation errors (unterminated <%= and <jsp:include), a static and a dynamic include of a missing
# file, NullPointerException and ArithmeticException pages — and the CheckoutServlet (src/, compiled with javac
# against the install's servlet API) that throws IllegalStateException; root/ and shop/ add pages of the same
# name that fail differently in each app (profile.jsp) and a page whose name needs percent-encoding.
# requests.txt is sent in order with pauses (about 15 s, interleaved between the apps), with ;jsessionid= path
# parameters, query strings and a %20 path; every status is checked against the table. Kept in
# tests/data/lab_tomcat/ (one subdirectory per Tomcat version when there are two): the access log, localhost
# and catalina logs, catalina.out, VERSION, SOURCES.md and EXPECTED.json (from requests.txt and the answers, not
# from logcodes). Re-runnable; about 40 s per version (the JVM starts slowly). As root, installs what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$here/../../data/lab_tomcat"
port=28380 shutdown_port=28305
root() { [ "$(id -u)" = 0 ]; }
command -v javac >/dev/null || { root && apt-get install -y -qq default-jdk-headless >/dev/null; } ||
  { echo "javac is missing (Debian: default-jdk-headless); run as root to install it" >&2; exit 1; }
versions=()
for v in 9 10; do
  if [ ! -x "/usr/share/tomcat$v/bin/catalina.sh" ] && root && apt-cache policy "tomcat$v" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get install -y -qq "tomcat$v" >/dev/null
  fi
  [ -x "/usr/share/tomcat$v/bin/catalina.sh" ] && versions+=("$v")
done
[ ${#versions[@]} -gt 0 ] || { echo "no Debian Tomcat (tomcat9/tomcat10) installed; run as root to install it" >&2; exit 1; }

base="" home=""
cleanup() {
  [ -n "$base" ] || return 0
  CATALINA_BASE="$base" CATALINA_HOME="$home" CATALINA_PID="$base/tomcat.pid" "$home/bin/catalina.sh" stop 5 -force >/dev/null 2>&1 || true
  rm -rf "$base"
  base=""
}
trap cleanup EXIT

# An app's files: the shared pages, the app's own ones, the servlet class (jakarta.* for Tomcat 10, javax.* for 9).
build_app() {  # version, destination directory, extra pages directory
  mkdir -p "$2/WEB-INF/classes"
  cp -r "$here/webapp/." "$2/"
  cp "$here/$3/"*.jsp "$2/"
  local src="$base/src/lab"
  mkdir -p "$src"
  if [ "$1" = 9 ]; then sed 's/jakarta\./javax./' "$here/src/lab/CheckoutServlet.java" > "$src/CheckoutServlet.java"
  else cp "$here/src/lab/CheckoutServlet.java" "$src/"; fi
  javac -nowarn --release 11 -cp "$home/lib/servlet-api.jar" -d "$2/WEB-INF/classes" "$src/CheckoutServlet.java"
}

run_version() {  # version, output directory
  home="/usr/share/tomcat$1"
  base="$(mktemp -d)"
  local out="$2"
  mkdir -p "$base"/{conf,logs,temp,work,webapps} "$out"
  cp -r "/etc/tomcat$1/." "$base/conf/"
  sed -i -e "s/port=\"8005\"/port=\"$shutdown_port\"/" -e "s/port=\"8080\"/port=\"$port\" address=\"127.0.0.1\"/" "$base/conf/server.xml"
  build_app "$1" "$base/webapps/ROOT" root
  build_app "$1" "$base/shop" shop
  (cd "$base/shop" && jar cf "$base/webapps/shop.war" .)
  export CATALINA_BASE="$base" CATALINA_HOME="$home" CATALINA_PID="$base/tomcat.pid"
  "$home/bin/catalina.sh" start >/dev/null
  # Ready when Catalina says so (no probe requests: the access log holds only the table's requests).
  for _ in $(seq 1 120); do grep -qs "Server startup in" "$base"/logs/catalina.*.log && break; sleep 0.5; done
  grep -qs "Server startup in" "$base"/logs/catalina.*.log || { echo "Tomcat $1 did not start" >&2; exit 1; }
  local server
  server="$("$home/bin/version.sh" 2>/dev/null | sed -n 's/^Server version: *//p')"
  python3 "$here/../send_requests.py" "$here/requests.txt" "http://127.0.0.1:$port" "$out" --server "$server"
  sleep 1  # the JULI handlers are asynchronous
  "$home/bin/catalina.sh" stop 10 >/dev/null 2>&1 || true
  sleep 1
  rm -f "$out"/*.log "$out"/*.txt "$out"/catalina.out
  cp "$base"/logs/localhost_access_log.*.txt "$out/localhost_access_log.txt"
  cp "$base"/logs/localhost.*.log "$out/localhost.log"
  cp "$base"/logs/catalina.*.log "$out/catalina.log"
  [ -s "$base/logs/catalina.out" ] && cp "$base/logs/catalina.out" "$out/catalina.out"
  chmod 644 "$out"/*
  python3 "$here/check_log.py" "$here/requests.txt" "$out/localhost.log"
  "$home/bin/version.sh" 2>/dev/null | grep -E "Server version|JVM Version" > "$out/VERSION" || true
  local jvm
  jvm="$(sed -n 's/^JVM Version: *//p' "$out/VERSION")"
  sed -e "s|@VERSION@|$server on Java $jvm|" -e "s|@DATE@|$(date -u +%Y-%m-%d)|" "$here/SOURCES.md.in" > "$out/SOURCES.md"
  cleanup
}

if [ ${#versions[@]} = 1 ]; then
  run_version "${versions[0]}" "$data"
else
  for v in "${versions[@]}"; do run_version "$v" "$data/tomcat$v"; done
fi
