#include "logcodes/formats/access_log.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/record.hpp"
#include "logcodes/time.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using logcodes::Detection;
using logcodes::Format;
using logcodes::Record;
using logcodes::TimeSyntax;
using logcodes::detect_format;
using logcodes::find_format;

const Format& fmt(std::string_view name) {
    const Format* f = find_format(name);
    if (!f) throw std::runtime_error("no format " + std::string(name));
    return *f;
}

// Parsers may read kLinePadding bytes past a line: parse from a padded copy, as the framer hands out.
struct Padded {
    std::string buf;
    std::string_view line;
    explicit Padded(std::string_view l) : buf(l) {
        buf.append(logcodes::kLinePadding, '\0');
        line = std::string_view(buf.data(), l.size());
    }
};

// Keeps the padded line alive as long as the record's views.
struct Parsed {
    Padded padded;
    Record r;
    bool ok;
    Parsed(std::string_view name, std::string_view line) : padded(line) {
        r.clear();
        ok = fmt(name).parse(padded.line, r);
    }
};

bool matches(std::string_view name, std::string_view line) {
    Padded p(line);
    return fmt(name).matches(p.line);
}

constexpr std::string_view kCombined =
    R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=1&y=2 HTTP/1.0" 200 2326 )"
    R"x("http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)")x";
constexpr std::string_view kCommon =
    R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326)";
constexpr std::string_view kNginxMain =
    R"(10.1.2.3 - - [22/Jan/2019:03:56:14 +0330] "POST /api/v1/items HTTP/1.1" 201 512 "-" "curl/8.0" "-")";
constexpr std::string_view kVhost =
    R"(www.example.com:443 10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.1" 301 0 "-" "curl/8.0")";
constexpr std::string_view kTraefik =
    R"(192.168.33.1 - - [02/Oct/2017:20:22:07 +0000] "GET /ui/favicons/favicon-16x16.png HTTP/1.1" 304 0 )"
    R"x("http://example.com/login" "Mozilla/5.0 (X11; Linux x86_64)" 262 "Host-host-1" "http://172.19.0.3:5601" 2ms)x";

// --- find_format -----------------------------------------------------------------------------------

TEST(FindFormat, BuiltInNames) {
    for (std::string_view name : {"combined", "common", "vhost_combined", "nginx_main", "tomcat_common", "tomcat_combined"}) {
        const Format* f = find_format(name);
        ASSERT_NE(f, nullptr) << name;
        EXPECT_EQ(f->name(), name);
        EXPECT_FALSE(f->description().empty()) << name;
        EXPECT_EQ(f->time_syntax(), TimeSyntax::clf) << name;
        EXPECT_TRUE(f->splittable()) << name;
    }
}

TEST(FindFormat, Aliases) {
    EXPECT_EQ(find_format("clf"), find_format("common"));
    EXPECT_EQ(find_format("ncsa"), find_format("common"));
    EXPECT_EQ(find_format("nginx_combined"), find_format("combined"));
}

TEST(FindFormat, UnknownNames) {
    EXPECT_EQ(find_format(""), nullptr);
    EXPECT_EQ(find_format("auto"), nullptr);
    EXPECT_EQ(find_format("Combined"), nullptr);
    EXPECT_EQ(find_format("combined "), nullptr);
    EXPECT_EQ(find_format("no_such_format"), nullptr);
}

TEST(FindFormat, NamesListIncludesAliasesAndFindsThemAll) {
    const auto names = logcodes::format_names();
    for (std::string_view n : {"combined", "common", "vhost_combined", "nginx_main", "tomcat_common", "tomcat_combined",
                               "clf", "ncsa", "nginx_combined"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
    for (auto n : names) EXPECT_NE(find_format(n), nullptr) << n;
}

// --- parse -----------------------------------------------------------------------------------------

TEST(AccessLogParse, PlainCombinedLine) {
    Parsed p("combined", kCombined);
    ASSERT_TRUE(p.ok);
    const Record& r = p.r;
    EXPECT_EQ(r.protocol, logcodes::Protocol::http);
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/apache_pb.gif?x=1&y=2");
    EXPECT_EQ(r.path(), "/apache_pb.gif");
    EXPECT_EQ(r.time, "10/Oct/2000:13:55:36 -0700");
    EXPECT_EQ(r.time_syntax, TimeSyntax::clf);
    EXPECT_EQ(logcodes::parse_clf_time(r.time), 971211336);
    EXPECT_EQ(r.client, "127.0.0.1");
    EXPECT_EQ(r.bytes, "2326");
    EXPECT_TRUE(r.host.empty());
    EXPECT_TRUE(r.reason.empty());
}

// A reader that needs neither method nor target turns the request split off; the rest is the same.
TEST(AccessLogParse, RequestSplitCanBeTurnedOff) {
    const Format* f = logcodes::find_format("combined");
    ASSERT_NE(f, nullptr);
    Record r;
    r.split_requests = false;
    ASSERT_TRUE(f->parse(kCombined, r));
    EXPECT_TRUE(r.method.empty());
    EXPECT_TRUE(r.target.empty());
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(r.bytes, "2326");
    r.clear();
    EXPECT_FALSE(r.split_requests);  // clear() keeps the reader's choice
    r.split_requests = true;
    ASSERT_TRUE(f->parse(kCombined, r));
    EXPECT_EQ(r.method, "GET");
}

TEST(AccessLogParse, CommonLine) {
    Parsed p("common", kCommon);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.status, "200");
    EXPECT_EQ(p.r.bytes, "2326");
    EXPECT_EQ(p.r.target, "/apache_pb.gif");
}

TEST(AccessLogParse, RequestDash) {
    Parsed p("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "-" 408 0 "-" "-")");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.status, "408");
    EXPECT_TRUE(p.r.method.empty());
    EXPECT_TRUE(p.r.target.empty());
    EXPECT_TRUE(p.r.path().empty());
}

TEST(AccessLogParse, SpacesInsideTheUri) {
    Parsed p("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a b  c?q=1 2 HTTP/1.1" 404 12 "-" "ua")");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.method, "GET");
    EXPECT_EQ(p.r.target, "/a b  c?q=1 2");
    EXPECT_EQ(p.r.path(), "/a b  c");
    EXPECT_EQ(p.r.status, "404");
    EXPECT_EQ(p.r.bytes, "12");
}

TEST(AccessLogParse, RequestWithoutProtocol) {
    Parsed p("common", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /old-style" 200 5)");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.method, "GET");
    EXPECT_EQ(p.r.target, "/old-style");
}

TEST(AccessLogParse, AbsoluteUriTargetPath) {
    Parsed p("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET http://example.com:80/x/y?z HTTP/1.1" 502 0 "-" "-")");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.target, "http://example.com:80/x/y?z");
    EXPECT_EQ(p.r.path(), "/x/y");
}

TEST(AccessLogParse, ApacheEscapedQuotes) {
    const std::string_view line =
        R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a\"b\" c HTTP/1.1" 400 0 "-" "Mozilla \"quoted\" agent\\")";
    Parsed p("combined", line);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.method, "GET");
    EXPECT_EQ(p.r.target, R"(/a\"b\" c)");
    EXPECT_EQ(p.r.status, "400");
    EXPECT_EQ(p.r.bytes, "0");
    EXPECT_TRUE(matches("combined", line));
}

TEST(AccessLogParse, EscapedQuoteFollowedBySpaceAndDigitsInRequest) {
    // `\" 200` inside the request must not end it: the quote is escaped.
    const std::string_view line =
        R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /x\" 200 y HTTP/1.1" 404 7 "-" "ua")";
    Parsed p("combined", line);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.status, "404");
    EXPECT_EQ(p.r.target, R"(/x\" 200 y)");
    EXPECT_EQ(p.r.bytes, "7");
}

TEST(AccessLogParse, NginxHexEscapedQuotes) {
    const std::string_view line =
        R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /q?\x22a\x22 HTTP/1.1" 200 3 "-" "agent \x22x\x22" "-")";
    Parsed p("nginx_main", line);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.target, R"(/q?\x22a\x22)");
    EXPECT_EQ(p.r.path(), "/q");
    EXPECT_EQ(p.r.status, "200");
    EXPECT_TRUE(matches("nginx_main", line));
}

TEST(AccessLogParse, Ipv6Client) {
    const std::string_view line =
        R"(2001:db8::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/2.0" 200 10 "-" "ua")";
    Parsed p("combined", line);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.client, "2001:db8::1");
    EXPECT_EQ(p.r.status, "200");
    EXPECT_TRUE(matches("combined", line));
    // A client address ending in ":digits" is not a vhost:port prefix.
    EXPECT_FALSE(matches("vhost_combined", line));
}

TEST(AccessLogParse, DashSize) {
    const std::string_view line = R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "HEAD / HTTP/1.1" 304 - "-" "ua")";
    Parsed p("combined", line);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.status, "304");
    EXPECT_EQ(p.r.bytes, "-");
    EXPECT_EQ(p.r.method, "HEAD");
    EXPECT_TRUE(matches("combined", line));
}

TEST(AccessLogParse, MissingTrailingFields) {
    // A common line read as combined: no referer, no user agent.
    Parsed p("combined", kCommon);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.status, "200");
    EXPECT_EQ(p.r.bytes, "2326");
    EXPECT_FALSE(matches("combined", kCommon));
    // Even the size may be missing.
    Parsed q("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 503)");
    ASSERT_TRUE(q.ok);
    EXPECT_EQ(q.r.status, "503");
    EXPECT_TRUE(q.r.bytes.empty());
}

TEST(AccessLogParse, ExtraTrailingFieldsTraefik) {
    Parsed p("combined", kTraefik);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.status, "304");
    EXPECT_EQ(p.r.bytes, "0");
    EXPECT_EQ(p.r.method, "GET");
    EXPECT_EQ(p.r.target, "/ui/favicons/favicon-16x16.png");
    EXPECT_EQ(p.r.client, "192.168.33.1");
    EXPECT_FALSE(matches("combined", kTraefik));
    EXPECT_FALSE(matches("nginx_main", kTraefik));
    EXPECT_FALSE(matches("common", kTraefik));
}

TEST(AccessLogParse, CrlfLineEnding) {
    const std::string line = std::string(kCombined) + "\r";
    Parsed p("combined", line);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.status, "200");
    EXPECT_TRUE(matches("combined", line));
    const std::string common = std::string(kCommon) + "\r";
    Parsed q("common", common);
    ASSERT_TRUE(q.ok);
    EXPECT_EQ(q.r.bytes, "2326");  // no '\r' left in the last field
    EXPECT_TRUE(matches("common", common));
}

TEST(AccessLogParse, NonUtf8Bytes) {
    const std::string line = "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /\xff\xfe\x80%C3 HTTP/1.1\" 200 1 \"-\" \"\xc3\x28\"";
    Parsed p("combined", line);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.target, "/\xff\xfe\x80%C3");
    EXPECT_EQ(p.r.status, "200");
    EXPECT_TRUE(matches("combined", line));
}

TEST(AccessLogParse, OddStatusTokensAreKeptAsWritten) {
    for (std::string_view status : {"009", "-", "abc", "1000", "000", "600", "20x"}) {
        const std::string line =
            R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /s HTTP/1.1" )" + std::string(status) + R"( 0 "-" "ua")";
        Parsed p("combined", line);
        ASSERT_TRUE(p.ok) << status;
        EXPECT_EQ(p.r.status, status);
        EXPECT_EQ(p.r.target, "/s") << status;
        EXPECT_EQ(p.r.bytes, "0") << status;
    }
}

TEST(AccessLogParse, NotAccessLogLines) {
    for (std::string_view line : {
             "",
             "\r",
             "GARBAGE",
             R"({"status":200,"method":"GET","path":"/"})",
             "127.0.0.1 - - no brackets \"GET / HTTP/1.1\" 200 1",
             "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700]",
             "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] GET / 200 1",
             "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1",
             "#Fields: date time cs-method",
         }) {
        for (std::string_view name : {"combined", "common", "nginx_main", "vhost_combined"}) {
            Parsed p(name, line);
            EXPECT_FALSE(p.ok) << name << ": " << line;
            EXPECT_FALSE(matches(name, line)) << name << ": " << line;
        }
    }
}

TEST(AccessLogParse, ParseClearsThePreviousRecord) {
    Padded a(kVhost);
    Padded b(kCombined);
    Record r;
    r.clear();
    ASSERT_TRUE(fmt("vhost_combined").parse(a.line, r));
    EXPECT_EQ(r.host, "www.example.com");
    ASSERT_TRUE(fmt("combined").parse(b.line, r));
    EXPECT_TRUE(r.host.empty());
}

TEST(AccessLogParse, VhostCombinedFields) {
    Parsed p("vhost_combined", kVhost);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.host, "www.example.com");
    EXPECT_EQ(p.r.client, "10.0.0.1");
    EXPECT_EQ(p.r.status, "301");
    EXPECT_EQ(p.r.bytes, "0");
    EXPECT_EQ(p.r.target, "/index.html");
    EXPECT_TRUE(matches("vhost_combined", kVhost));
}

TEST(AccessLogParse, VhostCombinedNeedsAPort) {
    const std::string_view no_port =
        R"(www.example.com 10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 0 "-" "ua")";
    Parsed p("vhost_combined", no_port);
    EXPECT_FALSE(p.ok);
    EXPECT_FALSE(matches("vhost_combined", no_port));
    const std::string_view empty_port =
        R"(www.example.com: 10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 0 "-" "ua")";
    EXPECT_FALSE(Parsed("vhost_combined", empty_port).ok);
    const std::string_view ipv6_vhost =
        R"([::1]:8080 10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 0 "-" "ua")";
    Parsed q("vhost_combined", ipv6_vhost);
    ASSERT_TRUE(q.ok);
    EXPECT_EQ(q.r.host, "[::1]");
    EXPECT_EQ(q.r.client, "10.0.0.1");
}

// --- matches(): the exact shape -----------------------------------------------------------------------

TEST(AccessLogMatches, EachSampleMatchesOnlyItsLayout) {
    struct Case {
        std::string_view line;
        std::vector<std::string_view> yes;
    };
    const std::vector<Case> cases = {
        {kCombined, {"combined", "tomcat_combined"}},
        {kCommon, {"common", "tomcat_common"}},
        {kNginxMain, {"nginx_main"}},
        {kVhost, {"vhost_combined"}},
        {kTraefik, {}},
    };
    for (const auto& c : cases) {
        for (std::string_view name : {"combined", "common", "nginx_main", "vhost_combined", "tomcat_common", "tomcat_combined"}) {
            const bool want = std::find(c.yes.begin(), c.yes.end(), name) != c.yes.end();
            EXPECT_EQ(matches(name, c.line), want) << name << ": " << c.line;
        }
    }
}

TEST(AccessLogMatches, StrictAgreesWithMatches) {
    for (std::string_view line : {kCombined, kCommon, kNginxMain, kVhost, kTraefik}) {
        for (std::string_view name : {"combined", "common", "nginx_main", "vhost_combined"}) {
            Parsed p(name, line);
            if (!p.ok) continue;
            EXPECT_EQ(fmt(name).strict(p.padded.line, p.r), matches(name, line)) << name << ": " << line;
        }
    }
}

TEST(AccessLogMatches, RejectsWrongShapes) {
    // A bad time, a non-numeric size or status, an extra prefix token, an unclosed trailing quote.
    EXPECT_FALSE(matches("combined", R"(1.2.3.4 - - [yesterday] "GET / HTTP/1.1" 200 1 "-" "ua")"));
    EXPECT_FALSE(matches("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 abc "-" "ua")"));
    EXPECT_FALSE(matches("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" abc 1 "-" "ua")"));
    EXPECT_FALSE(matches("combined", R"(1.2.3.4 x - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "ua")"));
    EXPECT_FALSE(matches("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "ua)"));
    EXPECT_FALSE(matches("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "ua" )"));
    EXPECT_FALSE(matches("combined", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" ua)"));
    EXPECT_FALSE(matches("common", R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 extra)"));
    // The user field may not hold a space in a strict match (it would be another token).
    EXPECT_FALSE(matches("common", R"(1.2.3.4 - john doe [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1)"));
}

TEST(SplitRequest, Shapes) {
    Record r;
    r.clear();
    logcodes::split_request("GET /a HTTP/1.1", r);
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/a");
    logcodes::split_request("-", r);
    EXPECT_TRUE(r.method.empty());
    EXPECT_TRUE(r.target.empty());
    logcodes::split_request("\x16\x03\x01\x02\x00 junk", r);  // TLS bytes sent to a plain port
    EXPECT_TRUE(r.method.empty());
    logcodes::split_request("- - -", r);
    EXPECT_TRUE(r.method.empty());
    logcodes::split_request("PROPFIND /dav/ HTTP/1.1", r);
    EXPECT_EQ(r.method, "PROPFIND");
    EXPECT_EQ(r.target, "/dav/");
    logcodes::split_request("GET /x HTTP/1.1 HTTP/1.1", r);
    EXPECT_EQ(r.target, "/x HTTP/1.1");
}

// --- detect_format ------------------------------------------------------------------------------------

std::string lines_of(std::string_view line, int n, std::string_view sep = "\n") {
    std::string s;
    for (int i = 0; i < n; ++i) {
        s += line;
        s += sep;
    }
    return s;
}

std::string name_of(const Detection& d) { return d.format ? std::string(d.format->name()) : std::string("<none>"); }

TEST(DetectFormat, EachAccessLogFormat) {
    struct Case {
        std::string_view line;
        std::string_view want;
    };
    for (const Case& c : {Case{kCombined, "combined"}, Case{kCommon, "common"}, Case{kNginxMain, "nginx_main"},
                          Case{kVhost, "vhost_combined"}}) {
        const Detection d = detect_format(lines_of(c.line, 10), false);
        EXPECT_EQ(name_of(d), c.want) << d.explanation;
        EXPECT_EQ(d.sample_lines, 10u);
        EXPECT_EQ(d.matched, 10u) << c.want;
        EXPECT_FALSE(d.ranking.empty());
        EXPECT_NE(d.explanation.find(std::string(c.want)), std::string::npos) << d.explanation;
    }
}

TEST(DetectFormat, NginxMainPreferredOverCombinedForThreeTrailingQuotedFields) {
    const Detection d = detect_format(lines_of(kNginxMain, 20), true);
    ASSERT_NE(d.format, nullptr);
    EXPECT_EQ(d.format->name(), "nginx_main");
    EXPECT_EQ(d.matched, 20u);
    // combined parses those lines too, but never exactly.
    bool saw_combined = false;
    for (const auto& c : d.ranking) {
        if (c.format == find_format("combined")) {
            saw_combined = true;
            EXPECT_EQ(c.strict, 0u);
            EXPECT_EQ(c.lenient, 20u);
        }
    }
    EXPECT_TRUE(saw_combined);
}

TEST(DetectFormat, MixedCombinedWithSomeGarbage) {
    std::string head = lines_of(kCombined, 8) + "GARBAGE\n\n" + lines_of(kCombined, 3);
    const Detection d = detect_format(head, false);
    EXPECT_EQ(name_of(d), "combined");
    EXPECT_EQ(d.sample_lines, 12u);  // the blank line does not count
    EXPECT_EQ(d.matched, 11u);
}

TEST(DetectFormat, CrlfFile) {
    const Detection d = detect_format(lines_of(kCombined, 5, "\r\n"), false);
    EXPECT_EQ(name_of(d), "combined");
    EXPECT_EQ(d.matched, 5u);
}

TEST(DetectFormat, EmptyHead) {
    for (bool at_end : {false, true}) {
        const Detection d = detect_format("", at_end);
        EXPECT_EQ(d.format, nullptr);
        EXPECT_EQ(d.sample_lines, 0u);
        EXPECT_EQ(d.matched, 0u);
        EXPECT_TRUE(d.ranking.empty());
    }
    const Detection blank = detect_format("\n  \n\t\r\n", true);
    EXPECT_EQ(blank.format, nullptr);
    EXPECT_EQ(blank.sample_lines, 0u);
}

TEST(DetectFormat, BinaryJunk) {
    std::string junk;
    unsigned x = 12345;
    for (int i = 0; i < 4000; ++i) {
        x = x * 1103515245u + 12345u;
        junk.push_back(static_cast<char>((x >> 16) & 0xff));
    }
    const Detection d = detect_format(junk, true);
    EXPECT_EQ(d.format, nullptr) << name_of(d) << ": " << d.explanation;
    EXPECT_EQ(d.matched, 0u);
    // Binary lines are skipped by the sample, and the explanation says so.
    EXPECT_EQ(d.sample_lines, 0u);
    EXPECT_NE(d.explanation.find("binary line"), std::string::npos) << d.explanation;
}

TEST(DetectFormat, TraefikLikeLinesFallBackToALenientMatch) {
    // Nothing matches these exactly; the fallback must still be a format that reads the status.
    struct Case {
        std::string_view line;
        std::string_view status;
    };
    const Case cases[] = {
        // Combined plus fields no built-in layout has.
        {R"(192.168.33.1 - - [02/Oct/2017:20:22:07 +0000] "GET /x HTTP/1.1" 404 0 "-" "ua" 262 extra:tok 2ms zz)", "404"},
        // Line 2 of tests/data/traefik_clf_beats.log: Traefik CLF with a broken router quote.
        {R"x(85.181.35.98 - - [02/Oct/2017:20:22:08 +0000] "GET /ui/favicons/favicon.ico HTTP/1.1" 304 0 "http://example.com/login" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/61.0.3163.100 Safari/537.36" 271 "Host-host1 "http://172.19.0.3:5601" 3ms)x",
         "304"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.line));
        const Detection d = detect_format(lines_of(c.line, 6), false);
        ASSERT_NE(d.format, nullptr) << d.explanation;
        EXPECT_EQ(d.matched, 6u);
        EXPECT_EQ(d.ranking.front().strict, 0u);
        EXPECT_EQ(d.ranking.front().lenient, 6u);
        EXPECT_NE(d.explanation.find("extra or missing"), std::string::npos) << d.explanation;
        Padded p(c.line);
        Record r;
        r.clear();
        ASSERT_TRUE(d.format->parse(p.line, r));
        EXPECT_EQ(r.status, c.status) << "fallback chose " << name_of(d) << ": " << d.explanation;
        EXPECT_EQ(r.client, c.line.substr(0, c.line.find(' '))) << name_of(d);
    }
}

TEST(DetectFormat, TraefikSampleFromTheTestData) {
    // The Traefik CLF lines (combined + count, router, server URL, duration) are not taken for combined.
    const Detection d = detect_format(lines_of(kTraefik, 4), false);
    ASSERT_NE(d.format, nullptr) << d.explanation;
    EXPECT_NE(d.format->name(), "combined");
    EXPECT_EQ(d.matched, 4u);
}

TEST(DetectFormat, SampleHonoursAtEnd) {
    const std::string head = lines_of(kCombined, 3) + std::string(kCombined);  // the last line unterminated
    const Detection open = detect_format(head, false);
    EXPECT_EQ(open.sample_lines, 3u);
    EXPECT_EQ(open.matched, 3u);
    const Detection closed = detect_format(head, true);
    EXPECT_EQ(closed.sample_lines, 4u);
    EXPECT_EQ(closed.matched, 4u);
    // A single unterminated line: nothing to sample unless it is the end of the input.
    EXPECT_EQ(detect_format(kCombined, false).sample_lines, 0u);
    EXPECT_EQ(detect_format(kCombined, false).format, nullptr);
    EXPECT_EQ(name_of(detect_format(kCombined, true)), "combined");
}

TEST(DetectFormat, SampleIsCappedAtDetectLines) {
    const Detection d = detect_format(lines_of(kCommon, 200), false);
    EXPECT_EQ(d.sample_lines, logcodes::kDetectLines);
    EXPECT_EQ(d.matched, logcodes::kDetectLines);
    EXPECT_EQ(name_of(d), "common");
}

}  // namespace

// A "-" status (nginx and Apache write it for a request that never got one: a client gone before the
// request line ended, a 400 from the TLS layer) ends the request like a number does, even when a later
// field holds a number after a quote: the line is one invalid status, not a 200 read from the wrong field.
TEST(AccessLogParse, DashStatusEndsTheRequest) {
    Parsed p("nginx_main", R"(10.0.0.1 - - [06/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" - 0 "-" "curl/8" 200)");
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.r.status, "-");
    EXPECT_EQ(p.r.target, "/");
    EXPECT_EQ(p.r.bytes, "0");
}
