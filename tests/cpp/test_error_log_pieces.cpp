// Error logs read in pieces on several threads give what one reader of the whole logs gives: the same
// events kept, grouped, dropped and templated, the same line numbers, and so the same joins.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "logcodes/formats/error_logs.hpp"
#include "logcodes/rules.hpp"
#include "logcodes/scanner.hpp"

namespace logcodes {
namespace {

namespace fs = std::filesystem;

// Lines as the servers write them (nginx ngx_log.c, Apache 2.4 log.c, Tomcat JULI, log4j, Python logging);
// %S is the second, %P a path, %C a connection number, %N a client port.
const char* const kEvents[] = {
    "2026/12/05 10:00:%S [error] 12#12: *%C connect() failed (111: Connection refused) while connecting to upstream, "
    "client: 10.0.0.1, server: x, request: \"GET %P HTTP/1.1\", upstream: \"http://10.0.0.9:8080%P\", host: \"x\"",
    "2026/12/05 10:00:%S [error] 12#12: *%C upstream timed out (110: Connection timed out) while reading response "
    "header from upstream, client: 10.0.0.1, server: x, request: \"GET %P HTTP/1.1\", upstream: \"http://u%P\"",
    // The same connection's next line: one request's event (nginx tries the next upstream).
    "2026/12/05 10:00:%S [error] 12#12: *%C no live upstreams while connecting to upstream, client: 10.0.0.1, "
    "server: x, request: \"GET %P HTTP/1.1\", upstream: \"http://backend%P\", host: \"x\"",
    "2026/12/05 10:00:%S [warn] 12#12: *%C an upstream response is buffered to a temporary file "
    "/var/cache/nginx/proxy_temp/1/00/0000000%C while reading upstream, client: 10.0.0.1, request: \"GET %P HTTP/1.1\"",
    "2026/12/05 10:00:%S [error] 12#12: *%C open() \"/srv/www%P\" failed (2: No such file or directory), client: "
    "10.0.0.1, server: x, request: \"GET %P HTTP/1.1\", host: \"x\"",
    "2026/12/05 10:00:%S [crit] 12#12: *%C something nobody wrote a rule for %C times",
    "[Sat Dec 05 10:00:%S.123456 2026] [proxy:error] [pid 7:tid 3] (111)Connection refused: AH00957: http: attempt "
    "to connect to 127.0.0.1:8080 (127.0.0.1:8080) failed",
    "[Sat Dec 05 10:00:%S.223456 2026] [proxy_http:error] [pid 7:tid 3] [client 10.0.0.2:%N] AH01114: HTTP: failed "
    "to make connection to backend: 127.0.0.1",
    "[Sat Dec 05 10:00:%S.323456 2026] [proxy:error] [pid 7:tid 4] [client 10.0.0.3:%N] AH00898: Error reading from "
    "remote server returned by %P",
    "05-Dec-2026 10:00:%S.123 SEVERE [http-nio-8080-exec-1] org.apache.catalina.core.StandardWrapperValve.invoke "
    "Servlet.service() for servlet [jsp] in context with path [/shop] threw exception [An exception occurred "
    "processing [%P] at line [5]\n\n2: <%\n] with root cause\njava.lang.NullPointerException\n\tat "
    "org.apache.jsp.x_jsp._jspService(x_jsp.java:120)\n\tat jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
    "05-Dec-2026 10:00:%S.456 SEVERE [http-nio-8080-exec-2] org.apache.catalina.core.StandardWrapperValve.invoke "
    "Servlet.service() for servlet [fail] in context with path [] threw exception\njava.lang.IllegalStateException: "
    "not ready\n\tat lab.Fail.doGet(Fail.java:12)\nCaused by: java.lang.ArithmeticException: / by zero\n\t... 3 more",
    "2026-12-05 10:00:%S,123 ERROR [main] com.example.Shop - order %C failed\njava.lang.IllegalStateException: x\n\tat "
    "com.example.Shop.order(Shop.java:42)",
    "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    1 / 0\nZeroDivisionError: "
    "division by zero",
    "ERROR:django.request:Internal Server Error: %P",
    "",                                  // blank
    "\tat some.orphan.Frame(Frame.java:1)",  // a continuation with nothing open, or of the event above
    "garbage that is no header at all",
};

std::string fill(std::string text, int second, const std::string& path, int conn, int port) {
    auto put = [&](const std::string& key, const std::string& value) {
        for (std::size_t p = text.find(key); p != std::string::npos; p = text.find(key, p + value.size()))
            text.replace(p, key.size(), value);
    };
    char s[8];
    std::snprintf(s, sizeof s, "%02d", second % 60);
    put("%S", s);
    put("%P", path);
    put("%C", std::to_string(conn));
    put("%N", std::to_string(port));
    return text;
}

// An error log of `n` events drawn at random (some with '\r\n' endings, some lines over the record limit),
// and an access log with a 5xx or two for most seconds and paths it names.
void generate(std::mt19937& rng, int n, std::string& errors, std::string& access) {
    const std::vector<std::string> paths = {"/api/a", "/api/b", "/shop/x.jsp", "/x.jsp", "/p%20q"};
    int second = 0, conn = 1;
    for (int i = 0; i < n; ++i) {
        if (rng() % 3 == 0) ++second;
        if (rng() % 4 != 0) ++conn;  // else the same connection goes on: one request's further lines
        const std::string& path = paths[rng() % paths.size()];
        std::string event = fill(kEvents[rng() % std::size(kEvents)], second, path, conn, 40000 + static_cast<int>(rng() % 3));
        if (rng() % 50 == 0) event.append(300, 'z');  // longer than the scans' record limit below
        if (rng() % 10 == 0) {
            for (std::size_t p = event.find('\n'); p != std::string::npos; p = event.find('\n', p + 2))
                event.insert(p, "\r");
            event += '\r';
        }
        errors += event + '\n';
        if (rng() % 2 == 0) {
            char t[64];
            std::snprintf(t, sizeof t, "05/Dec/2026:10:00:%02d +0000", second % 60);
            const int code = rng() % 3 == 0 ? 500 : 502 + static_cast<int>(rng() % 3);
            access += "10.0.0.1 - - [" + std::string(t) + "] \"GET " + path + " HTTP/1.1\" " + std::to_string(code) + " 5\n";
        }
    }
    if (rng() % 2 == 0 && !errors.empty()) errors.pop_back();  // an unterminated last line
}

std::shared_ptr<const RuleSet> rules() {
    Error err;
    std::shared_ptr<const RuleSet> r = RuleSet::compile(
        {{"upstream_refused", "", R"re(\(111: [^)]*\) while [^,]*upstream|\(111\)[^\n]*AH00957)re", {"502"}},
         {"upstream_timeout", "", "upstream timed out", {"504"}},
         {"no_live_upstreams", "", "no live upstreams", {"502", "503"}},
         {"upstream_connect_failed", "", "failed to make connection to backend", {"5xx"}},
         {"upstream_read_error", "", "Error reading from remote server", {"502"}},
         {"file_not_found", "", R"re(open\(\) "(.+?)" failed \(2: No such file or directory\))re", {"404"}},
         {"null_pointer_exception", "", "NullPointerException", {"5xx"}},
         {"illegal_state_exception", "", "IllegalStateException", {"5xx"}},
         {"zero_division", "", "ZeroDivisionError", {"5xx"}}},
        err);
    EXPECT_TRUE(r) << err.message;
    return r;
}

// Everything a scan with error logs gives, written out to compare.
std::string outcome(const ScanResult& r) {
    std::ostringstream o;
    std::vector<std::string> rows;
    r.counts.for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
        std::string row;
        for (const KeyValue& k : key) row += (k.is_text ? std::string(k.text) : std::to_string(k.number)) + "|";
        rows.push_back(row + std::to_string(n));
    });
    std::sort(rows.begin(), rows.end());
    for (const auto& row : rows) o << row << "\n";
    const ScanStats& s = r.stats;
    o << "events " << s.events << " explained " << s.explained << " unexplained " << s.unexplained_errors << " by id "
      << s.joined_by_id << " path " << s.joined_by_path << " time " << s.joined_by_time << "\n";
    for (const Sample& x : s.unexplained_samples) o << "sample " << x.file_index << ":" << x.line << " " << x.text << "\n";
    for (const FileReport& f : r.error_files)
        o << "error file " << f.path << " lines " << f.lines << " events " << f.records << " error '" << f.error.message << "'\n";
    if (r.events) {
        o << "kept " << r.events->size() << " classified " << r.events->classified() << " dropped " << r.events->dropped() << "\n";
        for (const auto& [key, t] : r.events->unexplained())
            o << "template " << key << " x" << t.count << " at " << t.file << ":" << t.line << " " << t.example << "\n";
    }
    return o.str();
}

// The first line where two outcomes differ (the whole texts are long).
std::string first_difference(const std::string& a, const std::string& b) {
    std::istringstream x(a), y(b);
    std::string la, lb;
    for (int n = 1;; ++n) {
        const bool more_a = static_cast<bool>(std::getline(x, la)), more_b = static_cast<bool>(std::getline(y, lb));
        if (!more_a && !more_b) return {};
        if (la != lb || more_a != more_b) return "line " + std::to_string(n) + ":\n  " + la + "\n  " + lb;
    }
}

class ErrorLogPiecesTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/logcodes_pieces_XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& bytes) {
        const std::string path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    ScanOptions options(const std::string& access, std::vector<std::string> errors, unsigned threads, std::size_t block,
                        std::uint64_t min_range, std::size_t max_events = EventStore::kDefaultMaxEvents) {
        ScanOptions o;
        o.paths = {access};
        Error unknown;
        o.format = FormatChoice::named("combined", unknown);
        Dim code, cause, detail, source, path;
        parse_dim("code", code);
        parse_dim("cause", cause);
        parse_dim("cause_detail", detail);
        parse_dim("cause_source", source);
        parse_dim("path", path);
        o.group.dims = {code, cause, detail, source, path};
        o.error_paths = std::move(errors);
        o.rules = rules_;
        o.threads = threads;
        o.block_size = block;
        o.min_range = min_range;
        o.max_record = 400;
        o.max_events = max_events;
        o.max_samples = 1000000;
        return o;
    }
    fs::path dir_;
    std::shared_ptr<const RuleSet> rules_ = rules();
};

TEST_F(ErrorLogPiecesTest, PiecesOnAnyThreadsGiveWhatOneReaderGives) {
    for (unsigned seed = 1; seed <= 24; ++seed) {
        std::mt19937 rng(seed);
        std::string errors_a, errors_b, access;
        generate(rng, 150 + static_cast<int>(rng() % 300), errors_a, access);
        generate(rng, 50 + static_cast<int>(rng() % 100), errors_b, access);
        const std::string a = write("a_error.log", errors_a), b = write("b_error.log", errors_b);
        const std::string acc = write("access.log", access);
        const std::size_t max_events = seed % 4 == 0 ? 40 : EventStore::kDefaultMaxEvents;
        const std::string whole = outcome(Scanner::run_blocking(options(acc, {a, b}, 1, 1 << 20, 0, max_events)));
        ASSERT_NE(whole.find("explained"), std::string::npos);
        for (unsigned threads : {2u, 3u, 8u}) {
            for (std::size_t block : {std::size_t{61}, std::size_t{4096}}) {
                for (std::uint64_t min_range : {std::uint64_t{1}, std::uint64_t{300}}) {
                    SCOPED_TRACE("seed " + std::to_string(seed) + " threads " + std::to_string(threads) + " block " +
                                 std::to_string(block) + " min_range " + std::to_string(min_range));
                    const ScanResult r = Scanner::run_blocking(options(acc, {a, b}, threads, block, min_range, max_events));
                    ASSERT_EQ(first_difference(outcome(r), whole), "");
                }
            }
        }
    }
}

TEST_F(ErrorLogPiecesTest, TheTestDataIsNotTrivial) {
    // The generated logs must exercise what the pieces could get wrong: joins of each kind, events that one
    // request's lines make one, events beyond max_events, templates and pieces cut inside stack traces.
    std::mt19937 rng(5);
    std::string errors, access;
    generate(rng, 400, errors, access);
    const std::string e = write("error.log", errors), acc = write("access.log", access);
    const ScanResult r = Scanner::run_blocking(options(acc, {e}, 1, 1 << 20, 0));
    EXPECT_GT(r.stats.joined_by_path, 20u);
    EXPECT_GT(r.stats.joined_by_time, 0u);
    EXPECT_GT(r.stats.unexplained_errors, 20u);
    ASSERT_TRUE(r.events);
    EXPECT_LT(r.events->size() + 20, r.stats.events);  // warnings and 404 events are not kept, lines are grouped
    EXPECT_GT(r.events->unexplained().size(), 0u);
    const ScanResult few = Scanner::run_blocking(options(acc, {e}, 4, 61, 1, 40));
    ASSERT_TRUE(few.events);
    EXPECT_EQ(few.events->size(), 40u);
    EXPECT_GT(few.events->dropped(), 0u);
}

TEST(ErrorLogEventStart, HeadersOfEveryLayoutAndNothingElse) {
    EXPECT_TRUE(error_log_event_start("2026/12/05 10:00:01 [error] 1#1: *5 x"));
    EXPECT_TRUE(error_log_event_start("2026/12/05 10:00:01 [error] 1#1: *5 x\r"));
    EXPECT_TRUE(error_log_event_start("[Sat Dec 05 10:00:01.123456 2026] [proxy:error] [pid 1:tid 2] x"));
    EXPECT_TRUE(error_log_event_start("05-Dec-2026 10:00:01.123 SEVERE [main] a.b.C.d x"));
    EXPECT_TRUE(error_log_event_start("2026-12-05 10:00:01,123 ERROR [main] a.b.C - x"));
    EXPECT_TRUE(error_log_event_start("ERROR:root:x"));
    EXPECT_FALSE(error_log_event_start("\tat a.b.C.d(C.java:1)"));
    EXPECT_FALSE(error_log_event_start("Caused by: java.lang.IllegalStateException"));
    EXPECT_FALSE(error_log_event_start(""));
    // A bare traceback starts an event only when the open one is not a traceback itself: not a cut point.
    EXPECT_FALSE(error_log_event_start("Traceback (most recent call last):"));
}

}  // namespace
}  // namespace logcodes
