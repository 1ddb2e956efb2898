// The token-format engine and the nginx / Apache / Tomcat / Envoy compilers.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/token_format.hpp"
#include "logcodes/time.hpp"
#include "logcodes/upstream.hpp"

namespace logcodes {
namespace {

// Lines handed to parsers are followed by kLinePadding readable bytes.
struct Line {
    explicit Line(std::string s) : text(std::move(s)), padded(text + std::string(kLinePadding, '\0')) {}
    std::string_view view() const { return {padded.data(), text.size()}; }
    std::string text, padded;
};

Record parse_ok(const Format& f, const std::string& s) {
    static std::deque<Line> keep;  // records are views: their lines must outlive them
    const Line& line = keep.emplace_back(s);
    Record r;
    r.clear();
    EXPECT_TRUE(f.parse(line.view(), r)) << s;
    return r;
}

const char* kCombined =
    "'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\"'";

TEST(NginxFormat, CombinedFields) {
    auto c = compile_nginx(kCombined);
    ASSERT_TRUE(c) << c.error;
    Record r = parse_ok(*c.format,
                        "::1 - bob [10/Oct/2000:13:55:36 -0700] \"GET /a b?x=1 HTTP/1.1\" 404 12 \"-\" \"Mozilla/5.0 (X)\"");
    EXPECT_EQ(r.status, "404");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/a b?x=1");
    EXPECT_EQ(r.path(), "/a b");
    EXPECT_EQ(r.client, "::1");
    EXPECT_EQ(record_time(r.time_syntax, r.time, r.time2), 971211336);
    EXPECT_EQ(r.extra(find_field("http_user_agent")), "Mozilla/5.0 (X)");
    EXPECT_EQ(r.extra(find_field("http_referer")), "");  // "-" is absent
}

TEST(NginxFormat, QuotesInsideQuotedFields) {
    auto c = compile_nginx(kCombined);
    ASSERT_TRUE(c);
    // Apache-style escaped quote, nginx-style \x22, and an unescaped quote followed by a space.
    EXPECT_EQ(parse_ok(*c.format, "1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /\\\"x HTTP/1.1\" 200 1 \"-\" \"a\"").status, "200");
    EXPECT_EQ(parse_ok(*c.format, "1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /\\x22x HTTP/1.1\" 301 1 \"-\" \"a\"").status, "301");
    Record r = parse_ok(*c.format, "1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /a\" b HTTP/1.1\" 302 1 \"-\" \"ua \" x\"");
    EXPECT_EQ(r.status, "302");
    EXPECT_EQ(r.extra(find_field("http_user_agent")), "ua \" x");
}

TEST(NginxFormat, LenientAndStrict) {
    auto c = compile_nginx(kCombined);
    ASSERT_TRUE(c);
    const Format& f = *c.format;
    Line missing("1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 503 12");
    Line extra("1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 503 12 \"-\" \"ua\" 7 \"more\"");
    Line exact("1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 503 12 \"-\" \"ua\"\r");
    for (const Line* l : {&missing, &extra, &exact}) {
        Record r;
        r.clear();
        ASSERT_TRUE(f.parse(l->view(), r)) << l->text;
        EXPECT_EQ(r.status, "503");
        EXPECT_EQ(f.strict(l->view(), r), l == &exact) << l->text;
    }
    Record r;
    for (const char* junk : {"", "GARBAGE", "{\"status\":200}", "1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /"}) {
        Line l(junk);
        r.clear();
        EXPECT_FALSE(f.parse(l.view(), r)) << junk;
    }
}

TEST(NginxFormat, DirectiveQuotingAndEscape) {
    auto c = compile_nginx("log_format  main escape=json '{\"s\":$status,'\n    '\"u\":\"$upstream_status\"}';");
    ASSERT_TRUE(c) << c.error;
    EXPECT_EQ(c.format->name(), "main");
    Record r = parse_ok(*c.format, "{\"s\":502,\"u\":\"502, 504 : 200\"}");
    EXPECT_EQ(r.status, "502");
    EXPECT_EQ(final_upstream_code(r.upstream_status), 200);
    EXPECT_EQ(parse_ok(*c.format, "{\"s\":009,\"u\":\"009\"}").status, "009");
}

TEST(NginxFormat, Errors) {
    auto adjacent = compile_nginx("'$remote_addr$status'");
    EXPECT_FALSE(adjacent);
    EXPECT_EQ(adjacent.position, 13u);
    auto unterminated = compile_nginx("'$status");
    EXPECT_FALSE(unterminated);
    EXPECT_EQ(unterminated.position, 0u);
    EXPECT_FALSE(compile_nginx("'$remote_addr'"));            // no status
    EXPECT_FALSE(compile_nginx("escape=xml '$status'"));
    EXPECT_FALSE(compile_nginx("'$status $'"));
    EXPECT_FALSE(compile_nginx(""));
}

TEST(ApacheFormat, LogFormatLine) {
    auto c = compile_apache(
        "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b %D \\\"%{Host}i\\\" \\\"%{User-Agent}i\\\"\" custom_d");
    ASSERT_TRUE(c) << c.error << " at " << c.position;
    EXPECT_EQ(c.format->name(), "custom_d");
    Record r = parse_ok(*c.format,
                        "10.0.0.1 - - [23/Nov/2026:23:46:27 +0000] \"GET /x HTTP/1.1\" 500 12 1532 \"www.example.org\" "
                        "\"curl/8\"");
    EXPECT_EQ(r.status, "500");
    EXPECT_EQ(r.host, "www.example.org");
    EXPECT_EQ(r.duration, "1532");
    EXPECT_EQ(r.duration_unit, DurationUnit::microseconds);
    EXPECT_NE(record_time(r.time_syntax, r.time, r.time2), kNoTime);
}

TEST(ApacheFormat, StatusChoiceAndErrors) {
    auto c = compile_apache("%s %>s %U%q");
    EXPECT_FALSE(c);  // %U and %q touch: cannot be split
    c = compile_apache("%<s %>s %U");
    ASSERT_TRUE(c) << c.error;
    Record r = parse_ok(*c.format, "302 200 /login");
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(r.path(), "/login");
    auto bad = compile_apache("%h %Z");
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.position, 3u);
    EXPECT_EQ(bad.token, "%Z");
    EXPECT_FALSE(compile_apache("%h %{Referer"));
}

TEST(TomcatFormat, NamedPatterns) {
    auto c = compile_tomcat("combined");
    ASSERT_TRUE(c);
    EXPECT_EQ(parse_ok(*c.format, "1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 - \"-\" \"ua\"").status, "200");
    auto d = compile_tomcat("%a %t %m %U %s %D %{yyyy-MM-dd HH:mm:ss}t");
    ASSERT_TRUE(d) << d.error;
    Record r = parse_ok(*d.format, "1.1.1.1 [10/Oct/2000:13:55:36 -0700] POST /x 500 12 2000-10-10 20:55:36");
    EXPECT_EQ(r.status, "500");
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.duration_unit, DurationUnit::milliseconds);
}

TEST(EnvoyFormat, CompileAndParse) {
    auto c = compile_envoy("[%START_TIME%] %RESPONSE_CODE% %RESPONSE_FLAGS% \"%REQ(:AUTHORITY)%\" %DURATION%\n");
    ASSERT_TRUE(c) << c.error;
    Record r = parse_ok(*c.format, "[2016-04-15T20:17:00.310Z] 503 UF,URX \"svc.local\" 12");
    EXPECT_EQ(r.status, "503");
    EXPECT_EQ(r.host, "svc.local");
    EXPECT_EQ(r.extra(find_field("response_flags")), "UF,URX");
    EXPECT_FALSE(compile_envoy("%START_TIME [x]"));
}

TEST(TokenFormat, HostileLinesStayBounded) {
    auto c = compile_nginx(kCombined);
    ASSERT_TRUE(c);
    // Many quotes and spaces: the matcher gives up within its budget instead of exploding.
    std::string line = "1.1.1.1 - - [10/Oct/2000:13:55:36 -0700] \"";
    for (int i = 0; i < 5000; ++i) line += "\" \" ";
    Line l(line);
    Record r;
    r.clear();
    (void)c.format->parse(l.view(), r);
    SUCCEED();
}

TEST(BuiltinTokenFormats, Listed) {
    bool traefik = false, envoy = false;
    for (const auto& b : token_formats()) {
        traefik = traefik || b.name == "traefik_clf";
        envoy = envoy || b.name == "envoy";
        EXPECT_NE(b.format, nullptr);
    }
    EXPECT_TRUE(traefik && envoy);
}

}  // namespace
}  // namespace logcodes
