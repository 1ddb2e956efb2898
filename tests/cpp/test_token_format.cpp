// The token-format engine and the nginx / Apache / Tomcat / Envoy compilers.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

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

TEST(NginxFormat, UnquotedUpstreamLists) {
    // ngx_http_upstream.c writes one value per server tried, ", " between them and " : " between upstream
    // groups (X-Accel-Redirect, error_page): unquoted, such a list holds spaces but ends at any other one.
    auto c = compile_nginx("'$remote_addr [$time_local] \"$request\" $status $upstream_addr $upstream_status "
                           "$upstream_response_time $request_id'");
    ASSERT_TRUE(c) << c.error;
    Record r = parse_ok(*c.format, "1.2.3.4 [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 10.0.0.5:80, "
                                   "10.0.0.6:80 : 10.0.1.1:80 502, 504 : 200 0.001, 1.000 : 0.002 abc");
    EXPECT_EQ(r.upstream_status, "502, 504 : 200");
    EXPECT_EQ(r.extra(find_field("upstream_addr")), "10.0.0.5:80, 10.0.0.6:80 : 10.0.1.1:80");
    EXPECT_EQ(r.extra(find_field("upstream_response_time")), "0.001, 1.000 : 0.002");
    EXPECT_EQ(r.extra(find_field("request_id")), "abc");
    EXPECT_EQ(final_upstream_code(r.upstream_status), 200);
    r = parse_ok(*c.format, "1.2.3.4 [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 403 - - - def");
    EXPECT_EQ(r.upstream_status, "-");
    EXPECT_EQ(r.extra(find_field("request_id")), "def");
}

TEST(BuiltinTokenFormats, IngressNginx) {
    const Format* f = find_format("ingress_nginx");
    ASSERT_NE(f, nullptr);
    const Line line("10.244.0.1 - - [05/Dec/2026:10:00:02 +0000] \"GET /flaky HTTP/1.1\" 200 12 \"-\" "
                    "\"Mozilla/5.0 (X11; Linux x86_64)\" 80 0.010 [default-flaky-80] [] 10.244.1.6:8080, "
                    "10.244.1.7:8080 0, 12 0.001, 0.008 502, 200 aa11");
    Record r;
    r.clear();
    ASSERT_TRUE(f->parse(line.view(), r));
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(r.upstream_status, "502, 200");
    EXPECT_EQ(r.duration, "0.010");
    EXPECT_EQ(r.extra(find_field("proxy_upstream_name")), "default-flaky-80");
    EXPECT_EQ(r.extra(find_field("request_id")), "aa11");  // $req_id, under the name the error-log join reads
    EXPECT_TRUE(f->strict(line.view(), r));
    // Plain combined and nginx main lines are not ingress lines.
    const Line main_line("1.2.3.4 - - [05/Dec/2026:10:00:02 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"ua\" \"-\"");
    r.clear();
    EXPECT_FALSE(f->parse(main_line.view(), r) && f->strict(main_line.view(), r));
}

TEST(BuiltinTokenFormats, AlbWithFewerAndMoreTrailingFields) {
    // ALB appends fields over the years (classification, classification_reason, conn_trace_id ...): a quoted
    // field must not run on across fields the format does not know yet.
    const Format* alb = find_format("alb");
    ASSERT_NE(alb, nullptr);
    const std::string head =
        "https 2018-07-02T22:23:00.186641Z app/lb/50dc 192.168.131.39:2817 10.0.0.1:80 0.000 0.002 0.000 502 502 34 "
        "366 \"GET https://www.example.com:443/api HTTP/1.1\" \"curl/7.46.0\" - - arn:tg \"Root=1-5\" "
        "\"www.example.com\" \"-\" 1 2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"502\"";
    for (const std::string& tail : {std::string(""), std::string(" \"Ambiguous\" \"UndefinedContentLengthSemantics\""),
                                    std::string(" \"Ambiguous\" \"UndefinedContentLengthSemantics\" TID_1"),
                                    std::string(" \"Ambiguous\" \"UndefinedContentLengthSemantics\" TID_1 \"x\" \"-\" y")}) {
        const Line line(head + tail);
        Record r;
        r.clear();
        ASSERT_TRUE(alb->parse(line.view(), r)) << line.text;
        EXPECT_EQ(r.status, "502");
        EXPECT_EQ(r.extra(find_field("user_agent")), "curl/7.46.0") << line.text;
        EXPECT_EQ(r.extra(find_field("target_status_code_list")), "502") << line.text;
        EXPECT_EQ(r.extra(find_field("classification")), tail.empty() ? "" : "Ambiguous") << line.text;
        EXPECT_EQ(r.extra(find_field("classification_reason")), tail.empty() ? "" : "UndefinedContentLengthSemantics");
        EXPECT_EQ(r.extra(find_field("conn_trace_id")), tail.find("TID_1") == std::string::npos ? "" : "TID_1");
        EXPECT_TRUE(alb->strict(line.view(), r));
    }
}

TEST(BuiltinTokenFormats, CloudFrontRealtimeAndVcommon) {
    const Format* cf = find_format("cloudfront_realtime");
    ASSERT_NE(cf, nullptr);
    std::string text = "1796464801.456\t2001:db8::1\t1.022\t502\t951\tGET\thttps\twww.example.com\t/api?x=1\t390\t"
                       "FRA56-P1\tk6WG==\td111.cloudfront.net\t1.023";
    for (int i = 14; i < 40; ++i) text += "\t-";
    const Line line(text);
    Record r;
    r.clear();
    ASSERT_TRUE(cf->parse(line.view(), r));
    EXPECT_EQ(r.status, "502");
    EXPECT_EQ(r.target, "/api?x=1");
    EXPECT_EQ(r.duration, "1.023");
    EXPECT_EQ(r.host, "www.example.com");
    EXPECT_EQ(record_time(r.time_syntax, r.time, r.time2), 1796464801);
    EXPECT_TRUE(cf->strict(line.view(), r));
    const Format* v = find_format("vcommon");
    ASSERT_NE(v, nullptr);
    const Line vl("www.example.org 127.0.0.1 - - [06/Dec/2026:07:16:26 +0000] \"GET /a HTTP/1.1\" 404 6");
    r.clear();
    ASSERT_TRUE(v->parse(vl.view(), r));
    EXPECT_EQ(r.host, "www.example.org");
    EXPECT_TRUE(v->strict(vl.view(), r));
    // A syslog header before a CLF line is not a vhost and three more words.
    const Line sl("<13>Dec 15 10:00:01 host prog: 127.0.0.1 - - [06/Dec/2026:07:16:26 +0000] \"GET /a HTTP/1.1\" 404 6");
    r.clear();
    EXPECT_FALSE(v->parse(sl.view(), r) && v->strict(sl.view(), r));
}

TEST(CloudFrontRealtime, FieldsInTheDocumentedOrder) {
    auto c = compile_cloudfront_realtime("c-country, time-taken,sc-status\n- cs-uri-stem ['timestamp']");
    ASSERT_TRUE(c) << c.error;
    EXPECT_EQ(c.format->field_names(),
              (std::vector<std::string>{"timestamp", "sc-status", "cs-uri-stem", "time-taken", "c-country"}));
    Record r = parse_ok(*c.format, "1796464801.456\t504\t/slow?x=1\t30.001\tDE");
    EXPECT_EQ(r.status, "504");
    EXPECT_EQ(r.target, "/slow?x=1");
    EXPECT_EQ(r.duration, "30.001");
    auto bad = compile_cloudfront_realtime("timestamp sc-status cs-uri");
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.token, "cs-uri");
    EXPECT_EQ(bad.position, 20u);
    EXPECT_FALSE(compile_cloudfront_realtime("timestamp sc-status timestamp"));
    EXPECT_FALSE(compile_cloudfront_realtime("timestamp c-ip"));  // no status
    EXPECT_FALSE(compile_cloudfront_realtime(" , "));
    ASSERT_NE(find_format_compiler("cloudfront"), nullptr);
}

TEST(BuiltinTokenFormats, Listed) {
    bool traefik = false, envoy = false, ingress = false, vcommon = false;
    for (const auto& b : token_formats()) {
        traefik = traefik || b.name == "traefik_clf";
        envoy = envoy || b.name == "envoy";
        ingress = ingress || b.name == "ingress_nginx";
        vcommon = vcommon || b.name == "vcommon";
        EXPECT_NE(b.format, nullptr);
    }
    EXPECT_TRUE(traefik && envoy && ingress && vcommon);
}

}  // namespace
}  // namespace logcodes
