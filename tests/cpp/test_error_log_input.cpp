// Error logs as main inputs: detection by kind, severities, and events counted by level and cause.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "logcodes/event_counts.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/rules.hpp"
#include "logcodes/scanner.hpp"
#include "logcodes/severity.hpp"

namespace {

using namespace logcodes;

std::string detected(const std::string& text) {
    const Detection d = detect_format(text, true);
    return d.format ? std::string(d.format->name()) : "unknown: " + d.explanation;
}

// Apache 2.2's server/log.c writes "[%s] [%s] " (ap_recent_ctime, level name) and "[client %s] " for a request;
// 2.4 adds microseconds, the module and [pid:tid].
const char* kApache22 =
    "[Thu Jun 09 14:32:55 2011] [notice] Apache/2.2.16 (Ubuntu) configured -- resuming normal operations\n"
    "[Thu Jun 09 14:55:33 2011] [error] [client 127.0.0.1] File does not exist: /var/www/favicon.ico\n"
    "[Thu Jun 09 14:55:36 2011] [error] [client 127.0.0.1] File does not exist: /var/www/favicon.ico\n"
    "[Fri Jun 10 00:37:03 2011] [warn] RSA server certificate CommonName (CN) does NOT match server name!?\n"
    "[Fri Jun 10 00:44:35 2011] [notice] caught SIGTERM, shutting down\n";

TEST(ErrorLogDetection, EachLayoutIsItsKind) {
    EXPECT_EQ(detected(kApache22), "apache_error");
    EXPECT_EQ(detected("[Thu Dec 05 10:00:01.123456 2026] [proxy:error] [pid 1:tid 2] (111)Connection refused: "
                       "AH00957: http: attempt to connect to 127.0.0.1:8080 failed\n"),
              "apache_error");
    EXPECT_EQ(detected("2026/12/05 10:00:01 [error] 123#123: *5 connect() failed (111: Connection refused)\n"),
              "nginx_error");
    EXPECT_EQ(detected("05-Dec-2026 10:00:01.123 SEVERE [http-nio-8080-exec-1] org.apache.x.Y.z boom\n"
                       "\tat org.apache.x.Y.z(Y.java:1)\n"),
              "tomcat_juli");
    EXPECT_EQ(detected("Dec 05, 2026 10:00:01 AM org.apache.catalina.core.StandardWrapperValve invoke\n"
                       "SEVERE: Servlet.service() threw exception\n"),
              "tomcat_simple");
    EXPECT_EQ(detected("2026-12-05 10:00:01,123 ERROR [main] com.x.Y - msg\n"), "log4j");
    EXPECT_EQ(detected("2026-12-05 10:00:01,123 ERROR [main] com.x.Y - msg\n"
                       "05-Dec-2026 10:00:01.123 INFO [main] org.apache.x.Y.z started\n"),
              "catalina_out");
    EXPECT_EQ(detected("[05-Dec-2026 10:00:01] WARNING: [pool www] server reached pm.max_children setting (5)\n"),
              "php_fpm");
    EXPECT_EQ(detected("[05-Dec-2026 10:00:01 UTC] PHP Fatal error:  Uncaught Error in /x.php:1\n"), "php_error");
    EXPECT_EQ(detected("ERROR:root:boom\n"), "python_log");
    EXPECT_EQ(detected("Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nKeyError: 'a'\n"),
              "python_log");
}

TEST(ErrorLogDetection, AccessLogsStayAccessLogs) {
    EXPECT_EQ(detected("1.2.3.4 - - [05/Dec/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n"),
              "combined");
    // W3C lines start with a date too, without the milliseconds of a logging layout.
    EXPECT_EQ(detected("#Fields: date time cs-method cs-uri-stem sc-status\n2026-12-05 10:00:01 GET / 200\n"), "w3c");
}

TEST(ErrorLogDetection, WeakEvidenceIsUnknown) {
    std::string text;
    for (int i = 0; i < 5; ++i) text += "some words on a line\n";
    text += "2026/12/05 10:00:01 [error] 1#1: *5 boom\n";
    const Detection d = detect_format(text, true);
    EXPECT_EQ(d.format, nullptr);
    EXPECT_EQ(d.explanation, "weak evidence in 6 sample lines: nginx_error events cover only 1 lines");
}

TEST(Severity, OneScale) {
    const std::map<std::string, std::string> cases = {
        {"error", "error"}, {"SEVERE", "error"},  {"WARNING", "warn"},  {"warn", "warn"},   {"CRITICAL", "crit"},
        {"FATAL", "crit"},  {"CONFIG", "info"},   {"FINE", "debug"},    {"FINEST", "trace"}, {"trace5", "trace"},
        {"emerg", "emerg"}, {"NOTICE", "notice"}, {"custom", "custom"}, {"", ""}};
    for (const auto& [in, out] : cases) EXPECT_EQ(severity(in), out) << in;
}

TEST(EventCounts, ErrorLogScannedAloneCountsItsEvents) {
    const auto dir = std::filesystem::temp_directory_path() / "logcodes_event_counts_test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "error_log").string();
    std::ofstream(path) << kApache22;
    Error err;
    std::shared_ptr<const RuleSet> rules = RuleSet::compile({Rule{"file_not_found", "", "File does not exist", {}}}, err);
    ASSERT_TRUE(rules);
    ScanOptions o;
    o.paths = {path};
    o.rules = rules;
    o.threads = 2;
    ScanResult r = Scanner::run_blocking(o);
    EXPECT_EQ(r.files.at(0).format, "apache_error");
    EXPECT_EQ(r.stats.events, 5u);
    EXPECT_EQ(r.stats.invalid, 0u);
    EXPECT_EQ(r.counts.counted(), 0u);  // no responses
    std::map<std::pair<std::string, std::string>, std::uint64_t> got;
    r.events_read.counts().for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
        got[{std::string(key[0].text), std::string(key[1].text)}] += n;
    });
    const std::map<std::pair<std::string, std::string>, std::uint64_t> want = {
        {{"notice", "unknown"}, 2}, {{"error", "file_not_found"}, 2}, {{"warn", "unknown"}, 1}};
    EXPECT_EQ(got, want);
    std::uint64_t unnamed = 0;
    for (const auto& [t, info] : r.events_read.unnamed()) unnamed += info.count;
    EXPECT_EQ(unnamed, 3u);
    std::filesystem::remove_all(dir);
}

TEST(EventCounts, TemplatesAreBounded) {
    EventCounter c(GroupSpec{{Dim::level}}, nullptr);
    Record r;
    std::string text;
    for (std::size_t i = 0; i < EventCounter::kMaxTemplates + 5; ++i) {
        r.clear();
        r.kind = RecordKind::event;
        text = "2026/12/05 10:00:01 [error] 1#1: message kind " + std::string(1, static_cast<char>('a' + i % 26)) +
               std::string(i / 26 % 26 + 1, 'x') + std::string(i / 676 + 1, 'y');
        r.event_text = text;
        r.level = "error";
        c.add(r, "f", 0, i + 1);
    }
    EXPECT_EQ(c.unnamed().size(), EventCounter::kMaxTemplates);
    std::uint64_t kept = 0;
    for (const auto& [t, info] : c.unnamed()) kept += info.count;
    EXPECT_EQ(kept + c.untemplated(), EventCounter::kMaxTemplates + 5);
    EXPECT_EQ(c.counts().counted(), EventCounter::kMaxTemplates + 5);
}

TEST(EventCounts, TemplateMasksNumbersAndQuotes) {
    EXPECT_EQ(event_template("2026/12/05 10:00:01 [error] 12#12: *345 open() \"/x/y\" failed (2: No such file)"),
              "open() \"<s>\" failed (<n> No such file)");
}

}  // namespace
