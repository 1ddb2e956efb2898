// JSON-lines formats: presets on real logs, field maps, broken and hostile lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/json.hpp"
#include "logcodes/time.hpp"

namespace logcodes {
namespace {

const Format& preset(std::string_view name) {
    for (const auto& b : json_formats())
        if (b.name == name) return *b.format;
    ADD_FAILURE() << "no preset " << name;
    return *json_formats()[0].format;
}

// Lines handed to parsers are followed by kLinePadding readable bytes.
struct Line {
    explicit Line(std::string s) : text(std::move(s)), padded(text + std::string(kLinePadding, '\0')) {}
    std::string_view view() const { return {padded.data(), text.size()}; }
    std::string text, padded;
};

// A parser with the lines it was given kept alive: records are views into them (or into the parser).
struct Reader {
    explicit Reader(const Format& f) : parser(f.make_parser()) {}
    ParseResult parse(const std::string& s) {
        r.clear();
        return parser->parse(keep.emplace_back(s).view(), r);
    }
    Record read(const std::string& s) {
        EXPECT_EQ(parse(s), ParseResult::record) << s;
        return r;
    }
    std::unique_ptr<Parser> parser;
    std::deque<Line> keep;
    Record r;
};

std::string_view field(const Record& r, std::string_view name) { return r.extra(find_field(name)); }

struct Tally {
    std::size_t records = 0, unparsed = 0, meta = 0, strict = 0;
    std::map<std::string, std::size_t> status;
};

std::filesystem::path corpus(const std::string& rel) { return std::filesystem::path(LOGCODES_CORPUS) / rel; }

// Reads a file the way the framer hands it over: one buffer, each line followed by at least the padding.
Tally read_file(const Format& f, const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string data = ss.str();
    const std::size_t size = data.size();
    data.append(kLinePadding, '\0');
    auto parser = f.make_parser();
    Tally t;
    Record r;
    std::size_t pos = 0;
    while (pos < size) {
        std::size_t nl = data.find('\n', pos);
        if (nl == std::string::npos || nl > size) nl = size;
        const std::string_view line(data.data() + pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) continue;
        r.clear();
        switch (parser->parse(line, r)) {
            case ParseResult::record:
                ++t.records;
                ++t.status[std::string(r.status)];
                t.strict += f.strict(line, r);
                break;
            case ParseResult::unparsed: ++t.unparsed; break;
            case ParseResult::meta: ++t.meta; break;
            case ParseResult::part: ADD_FAILURE() << "JSON lines are never parts"; break;
        }
    }
    return t;
}

#define NEED_CORPUS(rel)                                                                  \
    if (!std::filesystem::exists(corpus(rel))) GTEST_SKIP() << "corpus file missing: " << rel

// Counts below were taken independently (python3 json.loads per line, grep -o '"status":[0-9]*').

TEST(JsonCorpus, CaddyAccessLog) {
    const std::string rel = "haproxy_envoy_caddy_traefik/lnav_caddy_access_json.log";
    NEED_CORPUS(rel);
    const Tally t = read_file(preset("caddy_json"), corpus(rel));
    EXPECT_EQ(t.records, 4u);
    EXPECT_EQ(t.unparsed, 0u);
    EXPECT_EQ(t.meta, 0u);
    EXPECT_EQ(t.strict, 4u);
    EXPECT_EQ(t.status, (std::map<std::string, std::size_t>{{"200", 4}}));
    // Another product's preset reads no exact line of it.
    for (auto other : {"traefik_json", "ecs_json", "envoy_json", "nginx_json"})
        EXPECT_EQ(read_file(preset(other), corpus(rel)).strict, 0u) << other;
    EXPECT_EQ(read_file(preset("json"), corpus(rel)).strict, 4u);
}

TEST(JsonCorpus, CaddyDockerComposeWithStartupLines) {
    const std::string rel = "haproxy_envoy_caddy_traefik/lnav_caddy_docker_compose.log";
    NEED_CORPUS(rel);
    // 39 lines "caddy  | {...}": 4 from logger http.log.access*, 35 start-up / TLS / admin / shutdown lines.
    const Tally t = read_file(preset("caddy_json"), corpus(rel));
    EXPECT_EQ(t.records, 4u);
    EXPECT_EQ(t.meta, 35u);
    EXPECT_EQ(t.unparsed, 0u);
    EXPECT_EQ(t.strict, 4u);
    EXPECT_EQ(t.status, (std::map<std::string, std::size_t>{{"200", 1}, {"304", 3}}));
    // The generic preset has no notion of Caddy's other lines: they have no status, so they are unparsed.
    const Tally g = read_file(preset("json"), corpus(rel));
    EXPECT_EQ(g.records, 4u);
    EXPECT_EQ(g.unparsed, 35u);
}

TEST(JsonCorpus, NginxEscapeJsonLabLog) {
    const std::string rel = "lab_generated/nginx/access_json.log";
    NEED_CORPUS(rel);
    const Tally t = read_file(preset("nginx_json"), corpus(rel));
    // Line 20 has "status":009 (invalid JSON written by nginx for an HTTP/0.9 upstream). Only the structure
    // is validated, so it is a record whose status "009" the classifier later counts as invalid.
    EXPECT_EQ(t.records, 28u);
    EXPECT_EQ(t.unparsed, 0u);
    EXPECT_EQ(t.meta, 0u);
    EXPECT_EQ(t.strict, 28u);
    EXPECT_EQ(t.status, (std::map<std::string, std::size_t>{{"009", 1},
                                                            {"200", 6},
                                                            {"301", 2},
                                                            {"400", 1},
                                                            {"403", 2},
                                                            {"404", 2},
                                                            {"413", 1},
                                                            {"499", 1},
                                                            {"500", 1},
                                                            {"502", 8},
                                                            {"503", 1},
                                                            {"504", 2}}));
    EXPECT_EQ(read_file(preset("caddy_json"), corpus(rel)).strict, 0u);
    EXPECT_EQ(read_file(preset("traefik_json"), corpus(rel)).records, 0u);
}

const char* kCaddyLine =
    R"({"level":"info","ts":1716723772.6014807,"logger":"http.log.access.log17","msg":"handled request",)"
    R"("request":{"remote_ip":"10.5.1.1","remote_port":"38574","client_ip":"10.10.10.117","proto":"HTTP/2.0",)"
    R"("method":"GET","host":"mirrors.example.net:400","uri":"/gentoo/distfiles/x.tar.xz?v=1","headers":)"
    R"({"Accept":["*/*"],"User-Agent":["facebookexternalhit/1.1"],"X-Forwarded-For":["10.10.10.117"]}},)"
    R"("bytes_read":0,"user_id":"","duration":0.017557019,"size":3768,"status":200,"resp_headers":)"
    R"({"Server":["Caddy"],"Etag":["\"cacq4sswpg5c2wo\""]}})";

TEST(JsonPresets, CaddyFields) {
    Reader rd(preset("caddy_json"));
    const Record r = rd.read(std::string("caddy  | ") + kCaddyLine);
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/gentoo/distfiles/x.tar.xz?v=1");
    EXPECT_EQ(r.path(), "/gentoo/distfiles/x.tar.xz");
    EXPECT_EQ(r.host, "mirrors.example.net:400");
    EXPECT_EQ(r.client, "10.10.10.117");
    EXPECT_EQ(r.bytes, "3768");
    EXPECT_EQ(r.duration, "0.017557019");
    EXPECT_EQ(r.duration_unit, DurationUnit::seconds);
    EXPECT_EQ(r.time_syntax, TimeSyntax::epoch);
    EXPECT_EQ(record_time(r.time_syntax, r.time, r.time2), 1716723772);
    EXPECT_EQ(field(r, "user_agent"), "facebookexternalhit/1.1");  // first element of the header array
    EXPECT_EQ(field(r, "request.headers.User-Agent"), "facebookexternalhit/1.1");
    EXPECT_EQ(field(r, "protocol"), "HTTP/2.0");
    EXPECT_EQ(field(r, "logger"), "http.log.access.log17");
    // Roles are also fields under their JSON path.
    EXPECT_EQ(field(r, "status"), "200");
    EXPECT_EQ(field(r, "request.uri"), "/gentoo/distfiles/x.tar.xz?v=1");
    EXPECT_EQ(field(r, "request.client_ip"), "10.10.10.117");
    EXPECT_EQ(field(r, "request.remote_ip"), "10.5.1.1");
    EXPECT_TRUE(preset("caddy_json").strict(rd.keep.back().view(), r));
}

TEST(JsonPresets, CaddyOtherLinesAreMeta) {
    Reader rd(preset("caddy_json"));
    EXPECT_EQ(rd.parse(R"({"level":"info","ts":1761019822.3164804,"msg":"serving initial configuration"})"),
              ParseResult::meta);
    EXPECT_EQ(rd.parse(R"({"level":"info","ts":1761019822.316192,"logger":"admin","msg":"admin endpoint started"})"),
              ParseResult::meta);
    // The reverse proxy's debug line carries a status, but is not an access record: not counted twice.
    EXPECT_EQ(rd.parse(R"({"level":"debug","ts":1.5,"logger":"http.handlers.reverse_proxy","msg":"upstream roundtrip",)"
                       R"("status":502,"duration":0.1})"),
              ParseResult::meta);
    // Not Caddy's envelope and no status: not Caddy's at all.
    EXPECT_EQ(rd.parse(R"({"hello":"world"})"), ParseResult::unparsed);
    // An access line with its logger stripped still reads (no logger: no gate).
    EXPECT_EQ(rd.parse(R"({"request":{"method":"GET","uri":"/"},"status":404,"duration":0.1,"resp_headers":{}})"),
              ParseResult::record);
    EXPECT_TRUE(preset("caddy_json").strict(rd.keep.back().view(), rd.r));
    EXPECT_EQ(rd.r.status, "404");
    // time_format iso8601 instead of the default epoch seconds.
    const Record r = rd.read(R"({"ts":"2024-05-26T11:42:52.601Z","logger":"http.log.access","status":200})");
    EXPECT_EQ(record_time(r.time_syntax, r.time, r.time2), 1716723772);
}

const char* kTraefikLine =
    R"({"ClientAddr":"10.0.0.1:51234","ClientHost":"10.0.0.1","DownstreamContentSize":21,"DownstreamStatus":502,)"
    R"("Duration":1500000,"OriginContentSize":0,"OriginStatus":0,"RequestHost":"a.example","RequestMethod":"GET",)"
    R"("RequestPath":"/x?y=1","RequestProtocol":"HTTP/1.1","RouterName":"web@docker","ServiceName":"web@docker",)"
    R"("StartUTC":"2023-05-01T10:00:00.5Z","entryPointName":"websecure","level":"info","msg":"",)"
    R"("request_User-Agent":"curl/8.0","time":"2023-05-01T10:00:00Z"})";

TEST(JsonPresets, Traefik) {
    Reader rd(preset("traefik_json"));
    const Record r = rd.read(kTraefikLine);
    EXPECT_EQ(r.status, "502");
    EXPECT_EQ(r.upstream_status, "0");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/x?y=1");
    EXPECT_EQ(r.host, "a.example");
    EXPECT_EQ(r.client, "10.0.0.1");
    EXPECT_EQ(r.duration, "1500000");
    EXPECT_EQ(r.duration_unit, DurationUnit::nanoseconds);
    EXPECT_EQ(r.time, "2023-05-01T10:00:00.5Z");
    EXPECT_EQ(r.time_syntax, TimeSyntax::iso8601);
    EXPECT_EQ(field(r, "router"), "web@docker");
    EXPECT_EQ(field(r, "user_agent"), "curl/8.0");
    EXPECT_EQ(field(r, "DownstreamStatus"), "502");
    EXPECT_EQ(field(r, "OriginStatus"), "0");
    // Traefik's own log lines in the same stream.
    EXPECT_EQ(rd.parse(R"({"level":"info","msg":"Configuration loaded from flags.","time":"2023-05-01T10:00:00Z"})"),
              ParseResult::meta);
}

TEST(JsonPresets, EcsNestedAndDotted) {
    Reader rd(preset("ecs_json"));
    const Record r = rd.read(
        R"({"@timestamp":"2023-05-01T10:00:00Z","ecs":{"version":"8.11"},"http":{"request":{"method":"POST",)"
        R"("referrer":"https://r.example/"},"response":{"status_code":404,"body":{"bytes":12}}},)"
        R"("url":{"path":"/missing","original":"/missing?a=b","query":"a=b","domain":"b.example"},)"
        R"("source":{"ip":"10.1.1.1"},"event":{"duration":2500000},"user_agent":{"original":"UA"}})");
    EXPECT_EQ(r.status, "404");
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path(), "/missing");
    EXPECT_EQ(r.target, "/missing?a=b");
    EXPECT_EQ(r.host, "b.example");
    EXPECT_EQ(r.client, "10.1.1.1");
    EXPECT_EQ(r.bytes, "12");
    EXPECT_EQ(r.duration_unit, DurationUnit::nanoseconds);
    EXPECT_EQ(record_time(r.time_syntax, r.time, r.time2), 1682935200);
    EXPECT_EQ(field(r, "query"), "a=b");
    EXPECT_EQ(field(r, "referer"), "https://r.example/");
    EXPECT_EQ(field(r, "user_agent"), "UA");
    EXPECT_EQ(field(r, "http.response.status_code"), "404");
    // Flattened keys (as some shippers write ECS) are the same paths.
    const Record d = rd.read(R"({"@timestamp":"2023-05-01T10:00:00Z","http.response.status_code":"503",)"
                             R"("http":{"request.method":"GET"},"url.path":"/p"})");
    EXPECT_EQ(d.status, "503");
    EXPECT_EQ(d.method, "GET");
    EXPECT_EQ(d.path(), "/p");
    EXPECT_TRUE(preset("ecs_json").strict(rd.keep.back().view(), d));
    // An ECS event without a response is meta.
    EXPECT_EQ(rd.parse(R"({"@timestamp":"2023-05-01T10:00:00Z","ecs.version":"8.11","message":"started"})"),
              ParseResult::meta);
}

const char* kEnvoyLine =
    R"({"start_time":"2023-05-01T10:00:00.000Z","method":"GET","path":"/api?x=1","protocol":"HTTP/1.1",)"
    R"("response_code":503,"response_flags":"UF,URX","bytes_received":0,"bytes_sent":91,"duration":12,)"
    R"("upstream_host":"10.0.0.5:8080","upstream_cluster":"outbound|8080||svc","x_forwarded_for":null,)"
    R"("user_agent":"curl/8.0","request_id":"abc-123","authority":"svc:8080",)"
    R"("downstream_remote_address":"10.0.0.9:41000"})";

TEST(JsonPresets, Envoy) {
    Reader rd(preset("envoy_json"));
    const Record r = rd.read(kEnvoyLine);
    EXPECT_EQ(r.status, "503");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/api?x=1");
    EXPECT_EQ(r.host, "svc:8080");
    EXPECT_EQ(r.client, "10.0.0.9:41000");
    EXPECT_EQ(r.duration, "12");
    EXPECT_EQ(r.duration_unit, DurationUnit::milliseconds);
    EXPECT_EQ(r.request_id, "abc-123");
    EXPECT_EQ(field(r, "request_id"), "abc-123");
    EXPECT_EQ(field(r, "response_flags"), "UF,URX");
    EXPECT_EQ(field(r, "upstream_cluster"), "outbound|8080||svc");
    EXPECT_EQ(field(r, "x_forwarded_for"), "");  // null
    EXPECT_EQ(field(r, "protocol"), "HTTP/1.1");
}

TEST(JsonPresets, NginxRequestSplitAndUpstream) {
    Reader rd(preset("nginx_json"));
    Record r = rd.read(R"({"time_local":"23/Nov/2026:23:46:27 +0000","remote_addr":"127.0.0.1",)"
                       R"("request":"GET /a%20b?x=1 HTTP/1.1","status":"502","upstream_status":"502, 504",)"
                       R"("upstream_addr":"10.0.0.1:80, 10.0.0.2:80","request_time":"0.001","http_user_agent":"ua"})");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/a%20b?x=1");
    EXPECT_EQ(r.upstream_status, "502, 504");
    EXPECT_EQ(r.duration_unit, DurationUnit::seconds);
    EXPECT_EQ(record_time(r.time_syntax, r.time, r.time2), parse_clf_time("23/Nov/2026:23:46:27 +0000"));
    EXPECT_EQ(field(r, "upstream_addr"), "10.0.0.1:80, 10.0.0.2:80");
    EXPECT_EQ(field(r, "http_user_agent"), "ua");
    EXPECT_EQ(field(r, "user_agent"), "ua");
    // escape=json writes "" for an unset variable: no upstream was involved, as "-" in the plain log.
    r = rd.read(R"({"remote_addr":"127.0.0.1","request":"GARBAGE","status":400,"upstream_status":""})");
    EXPECT_EQ(r.upstream_status, "-");
    EXPECT_EQ(r.method, "");
    // $request_method and $request_uri, when logged, win over the split request line.
    r = rd.read(R"({"request":"GET /x HTTP/1.1","request_method":"HEAD","request_uri":"/y","status":200})");
    EXPECT_EQ(r.method, "HEAD");
    EXPECT_EQ(r.target, "/y");
}

// Envoy Gateway's default JSON (envoyproxy/gateway docs, proxy-accesslog.md): header-like keys, nulls.
const char* kEnvoyGatewayLine =
    R"({":authority":"backend:3000","bytes_received":0,"bytes_sent":24,"connection_termination_details":null,)"
    R"("downstream_remote_address":"10.244.0.12:34808","duration":15002,"method":"GET","protocol":"HTTP/1.1",)"
    R"("response_code":504,"response_code_details":"response_timeout","response_flags":"UT",)"
    R"("start_time":"2025-04-09T11:44:48.004Z","upstream_cluster":"httproute/default/backend/rule/0",)"
    R"("upstream_host":"10.244.0.13:3000","user-agent":"curl/7.88.1","x-envoy-origin-path":"/slow?a=1",)"
    R"("x-envoy-upstream-service-time":null,"x-forwarded-for":"10.244.0.12","x-request-id":"c2a1f0e4"})";
// Azure Front Door (MicrosoftDocs/azure-docs, waf-front-door-monitor.md's access-log record).
const char* kFrontDoorLine =
    R"({"time":"2020-06-09T22:32:17.8383427Z","category":"FrontdoorAccessLog","properties":{"trackingReference":)"
    R"("08Q3gXgAAAAA","httpMethod":"GET","httpVersion":"2.0","requestUri":"https://x.azurefd.net:443/?q=1",)"
    R"("responseBytes":"380","clientIp":"192.0.2.1","timeTaken":"0.003","rulesEngineMatchNames":[],)"
    R"("httpStatusCode":"403","httpStatusDetails":"403","pop":"SJC","cacheStatus":"CONFIG_NOCACHE"}})";
// Azure Application Gateway v2 (MicrosoftDocs/azure-docs, application-gateway-diagnostics.md).
const char* kAppGatewayLine =
    R"({"timeStamp":"2021-10-14T22:17:11+00:00","listenerName":"HTTP-Listener","category":)"
    R"("ApplicationGatewayAccessLog","properties":{"instanceId":"appgw_2","clientIP":"185.42.129.24",)"
    R"("httpMethod":"GET","originalRequestUriWithArgs":"\/a?b=1","requestUri":"\/a","httpStatus":502,)"
    R"("sentBytes":466,"timeTaken":0.034,"transactionId":"592d","serverStatus":"-","originalHost":"h.example",)"
    R"("error_info":"ERRORINFO_UPSTREAM_TIMED_OUT"}})";
// Cloudflare Logpush http_requests (cloudflare-docs, log-fields/_partials/http_requests.md).
const char* kCloudflareLine =
    R"({"ClientIP":"89.163.242.206","ClientRequestHost":"www.theburritobot.com","ClientRequestMethod":"GET",)"
    R"("ClientRequestURI":"/static/img/a.png","EdgeEndTimestamp":1506702504461999900,"EdgeResponseBytes":69045,)"
    R"("EdgeResponseStatus":520,"EdgeStartTimestamp":1506702504433000200,"OriginResponseStatus":0,"RayID":"3a6050bc"})";

TEST(JsonPresets, EnvoyGateway) {
    Reader rd(preset("envoy_gateway_json"));
    const Record r = rd.read(kEnvoyGatewayLine);
    EXPECT_EQ(r.status, "504");
    EXPECT_EQ(r.target, "/slow?a=1");
    EXPECT_EQ(r.host, "backend:3000");
    EXPECT_EQ(r.duration, "15002");
    EXPECT_EQ(r.duration_unit, DurationUnit::milliseconds);
    EXPECT_EQ(r.request_id, "c2a1f0e4");
    EXPECT_EQ(field(r, "response_flags"), "UT");
    EXPECT_EQ(field(r, "upstream_service_time"), "");  // null
}

TEST(JsonPresets, AzureAndCloudflare) {
    Reader fd(preset("azure_front_door"));
    Record r = fd.read(kFrontDoorLine);
    EXPECT_EQ(r.status, "403");
    EXPECT_EQ(r.path(), "/");
    EXPECT_EQ(r.duration, "0.003");
    EXPECT_EQ(r.duration_unit, DurationUnit::seconds);
    EXPECT_EQ(r.request_id, "08Q3gXgAAAAA");
    EXPECT_EQ(field(r, "pop"), "SJC");
    Reader ag(preset("azure_app_gateway"));
    r = ag.read(kAppGatewayLine);
    EXPECT_EQ(r.status, "502");
    EXPECT_EQ(r.target, "/a?b=1");
    EXPECT_EQ(r.host, "h.example");
    EXPECT_EQ(r.upstream_status, "-");
    EXPECT_EQ(field(r, "error_info"), "ERRORINFO_UPSTREAM_TIMED_OUT");
    EXPECT_EQ(field(r, "listener"), "HTTP-Listener");
    Reader cf(preset("cloudflare_http"));
    r = cf.read(kCloudflareLine);
    EXPECT_EQ(r.status, "520");
    EXPECT_EQ(r.upstream_status, "0");
    EXPECT_EQ(r.request_id, "3a6050bc");
    EXPECT_EQ(record_time(r.time_syntax, r.time, r.time2), 1506702504);  // unixnano
}

TEST(JsonPresets, StrictTellsPresetsApart) {
    struct Case {
        const char* line;
        const char* strict_for;
        bool generic = true;  // the generic json reading finds its status too (under a common key)
    };
    const Case cases[] = {
        {kCaddyLine, "caddy_json"},
        {kTraefikLine, "traefik_json"},
        {R"({"@timestamp":"2023-05-01T10:00:00Z","http":{"response":{"status_code":404}},"url":{"path":"/m"}})",
         "ecs_json"},
        {kEnvoyLine, "envoy_json"},
        {R"({"time":"2026-11-23T23:46:27+00:00","remote_addr":"127.0.0.1","request":"GET / HTTP/1.1","status":200})",
         "nginx_json"},
        {kFrontDoorLine, "azure_front_door", false},
        {kAppGatewayLine, "azure_app_gateway", false},
        {kCloudflareLine, "cloudflare_http", false},
    };
    for (const auto& c : cases) {
        const Line line(c.line);
        for (const auto& b : json_formats()) {
            const bool want = b.name == c.strict_for || (c.generic && b.name == "json");
            EXPECT_EQ(b.format->matches(line.view()), want) << b.name << " on " << c.line;
        }
    }
    // Envoy Gateway's lines are Envoy's too (and the generic reading's): its own preset ranks first.
    const Line eg(kEnvoyGatewayLine);
    EXPECT_TRUE(preset("envoy_gateway_json").matches(eg.view()));
    EXPECT_TRUE(preset("envoy_json").matches(eg.view()));
    EXPECT_FALSE(preset("caddy_json").matches(eg.view()));
    // A status that is not three digits is never exact.
    const Line odd(R"({"status":20,"remote_addr":"1.2.3.4"})");
    EXPECT_FALSE(preset("nginx_json").matches(odd.view()));
    EXPECT_FALSE(preset("json").matches(odd.view()));
}

TEST(JsonParse, StatusNumbersStringsAndAbsence) {
    Reader rd(preset("json"));
    EXPECT_EQ(rd.read(R"({"status":404})").status, "404");
    EXPECT_EQ(rd.read(R"({"status":"404"})").status, "404");
    EXPECT_EQ(rd.read(R"({ "status" : 201 , "x":1 })").status, "201");  // whitespace around the token
    EXPECT_EQ(rd.read(R"({"res":{"statusCode":500}})").status, "500");
    // The first candidate present with a value wins, wherever it stands in the line.
    EXPECT_EQ(rd.read(R"({"response_code":503,"status":200})").status, "200");
    EXPECT_EQ(rd.read(R"({"status":null,"response_code":503})").status, "503");
    EXPECT_EQ(rd.parse(R"({"status":null})"), ParseResult::unparsed);
    EXPECT_EQ(rd.parse(R"({"status":true})"), ParseResult::unparsed);
    EXPECT_EQ(rd.parse(R"({"status":""})"), ParseResult::unparsed);
    EXPECT_EQ(rd.parse(R"({"request":"GET / HTTP/1.1"})"), ParseResult::unparsed);
    EXPECT_EQ(rd.parse(R"({"status":{"code":200}})"), ParseResult::unparsed);
    // HTTP/0.9 upstream in nginx: not JSON, but read as written.
    EXPECT_EQ(rd.read(R"({"status":009,"request":"GET /x HTTP/1.1"})").status, "009");
}

TEST(JsonParse, BrokenLinesAreUnparsed) {
    Reader rd(preset("json"));
    const char* bad[] = {
        "",
        "not json at all",
        "{",
        "}",
        "[{\"status\":200}]",
        "\"status\":200",
        R"({"status":200,"request":"GET / HTT)",
        R"({"status":200,"request":)",
        R"({"status":200,)",
        R"({"status":200})"
        R"( trailing)",
        R"({"status":200}{"status":201})",
        R"({"status":200,"x":[1,2})",
        R"({"status":200,"x":{"y":1})",
        R"({"status":200 "x":1})",
        R"({"status":abc})",
        "\xff\xfe{\"status\":",
        "{\"status\":200,\"a\":\"\x01\"}",  // control character inside a string
    };
    for (const char* b : bad) EXPECT_EQ(rd.parse(b), ParseResult::unparsed) << b;
    // Every truncation of a real line is unparsed (and never crashes).
    const std::string full = kCaddyLine;
    for (std::size_t n = 0; n < full.size(); ++n)
        EXPECT_EQ(rd.parse(full.substr(0, n)), ParseResult::unparsed) << n;
    EXPECT_EQ(rd.parse(full), ParseResult::record);
}

TEST(JsonParse, RandomJunkNeverCrashes) {
    std::mt19937 rng(12345);
    const std::string alphabet = "{}[]\":,\\ 0123456789.-eEtrufalsn\x80\xff\xc3\xa9statusrequest";
    for (const auto& b : json_formats()) {
        auto parser = b.format->make_parser();
        Record r;
        for (int i = 0; i < 3000; ++i) {
            std::string s;
            const int len = static_cast<int>(rng() % 200);
            if (i % 2 == 0) s = "{\"status\":";
            for (int k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
            const Line line(s);
            r.clear();
            const ParseResult pr = parser->parse(line.view(), r);
            if (pr == ParseResult::record) {
                EXPECT_FALSE(r.status.empty());
            }
            (void)b.format->matches(line.view());
        }
    }
}

TEST(JsonParse, LineAtTheVeryEndOfTheBuffer) {
    // Exactly kLinePadding bytes after the line, the minimum the framer guarantees; the bytes are not zero.
    // A vector holds exactly that many bytes, so a sanitizer sees any read beyond them.
    const std::string line = R"({"status":302,"request":"GET /end HTTP/1.1"})";
    std::vector<char> buffer(line.begin(), line.end());
    buffer.insert(buffer.end(), kLinePadding, '"');
    auto parser = preset("nginx_json").make_parser();
    Record r;
    ASSERT_EQ(parser->parse(std::string_view(buffer.data(), line.size()), r), ParseResult::record);
    EXPECT_EQ(r.status, "302");
    EXPECT_EQ(r.target, "/end");
    // A line ending in "\r" (CRLF files), and one with invalid UTF-8 (read from a copy), too.
    for (const std::string& text : {line + "\r", std::string("{\"status\":303,\"request\":\"GET /\xff HTTP/1.1\"}")}) {
        std::vector<char> b(text.begin(), text.end());
        b.insert(b.end(), kLinePadding, 'x');
        ASSERT_EQ(parser->parse(std::string_view(b.data(), text.size()), r), ParseResult::record) << text;
        EXPECT_EQ(r.status.substr(0, 2), "30");
    }
}

TEST(JsonParse, EscapesAndNonUtf8) {
    Reader rd(preset("nginx_json"));
    Record r = rd.read(R"({"status":200,"request":"GET /a\"b\\c\u00e9 HTTP/1.1","http_user_agent":"x\ty"})");
    EXPECT_EQ(r.target, "/a\"b\\c\xc3\xa9");
    EXPECT_EQ(field(r, "user_agent"), "x\ty");
    // An escaped key matches its unescaped path.
    EXPECT_EQ(rd.read(R"({"st\u0061tus":418})").status, "418");
    // Raw bytes that are not UTF-8 (passed through by nginx escape=json): read as '?', the record kept.
    r = rd.read("{\"status\":400,\"request\":\"GET /\xff\xfe\xc3\xa9 HTTP/1.1\"}");
    EXPECT_EQ(r.status, "400");
    EXPECT_EQ(r.target, "/??\xc3\xa9");
}

TEST(JsonParse, ParserIsReusedAcrossManyLines) {
    auto parser = preset("caddy_json").make_parser();
    Record r;
    const Line small(R"({"status":200,"request":{"uri":"/"},"duration":1})");
    std::string big_text = R"({"status":201,"request":{"uri":"/)" + std::string(100000, 'a') + R"("}})";
    const Line big(big_text);
    for (int i = 0; i < 200; ++i) {
        r.clear();
        ASSERT_EQ(parser->parse(i % 3 == 0 ? big.view() : small.view(), r), ParseResult::record);
        EXPECT_EQ(r.status, i % 3 == 0 ? "201" : "200");
        EXPECT_EQ(r.target.size(), i % 3 == 0 ? 100001u : 1u);
    }
}

TEST(CompileJson, UserFieldMap) {
    const auto c = compile_json({{"status", {"resp.status", "status"}},
                                 {"path", {"req.path"}},
                                 {"tenant", {"ctx.tenant", "tenant"}},
                                 {"user_agent", {"req.headers.ua"}}},
                                "mine");
    ASSERT_TRUE(c) << c.error;
    EXPECT_EQ(c.format->name(), "mine");
    EXPECT_EQ(c.format->time_syntax(), TimeSyntax::any);
    Reader rd(*c.format);
    Record r = rd.read(R"({"req":{"path":"/a","headers":{"ua":"UA"}},"resp":{"status":503},"ctx":{"tenant":"acme"}})");
    EXPECT_EQ(r.status, "503");
    EXPECT_EQ(r.path(), "/a");
    EXPECT_EQ(field(r, "tenant"), "acme");
    EXPECT_EQ(field(r, "user_agent"), "UA");
    EXPECT_EQ(field(r, "resp.status"), "503");
    EXPECT_EQ(field(r, "req.path"), "/a");
    r = rd.read(R"({"req":{"path":"/b"},"status":"200","tenant":"zeta"})");
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(field(r, "tenant"), "zeta");
    EXPECT_EQ(rd.parse(R"({"req":{"path":"/c"}})"), ParseResult::unparsed);
    const auto names = c.format->field_names();
    for (auto n : {"tenant", "user_agent", "resp.status", "status", "req.path", "req.headers.ua"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
    EXPECT_TRUE(c.format->matches(Line(R"({"status":200})").view()));
}

// Keys are taken up to the blanks before their colon, with escapes or not, nested or at the top.
TEST(CompileJson, KeysWithBlanksEscapesAndBackslashes) {
    const auto c = compile_json({{"status", {"status"}},
                                 {"method", {"request.method"}},
                                 {"odd", {"a\\b"}},
                                 {"empty", {"e"}}},
                                "keys");
    ASSERT_TRUE(c) << c.error;
    Reader rd(*c.format);
    Record r = rd.read("{ \"status\" \t: 201 , \"request\"\t:\t{ \"method\" : \"PUT\" } ,\"\":\"x\",\"e\" :\"\"}");
    EXPECT_EQ(r.status, "201");
    EXPECT_EQ(r.method, "PUT");
    EXPECT_EQ(field(r, "empty"), "");
    r = rd.read(R"({"st\u0061tus":202,"r\u0065quest":{"meth\u006fd":"GET"}})");
    EXPECT_EQ(r.status, "202");
    EXPECT_EQ(r.method, "GET");
    // The path a\b is the JSON key "a\\b"; the key "a\b" holds a backspace.
    EXPECT_EQ(field(rd.read(R"({"status":200,"a\\b":"yes"})"), "odd"), "yes");
    EXPECT_EQ(field(rd.read(R"({"status":200,"a\b":"no"})"), "odd"), "");
    // A long escaped key is read by what it stands for.
    std::string key;
    for (int i = 0; i < 60; ++i) key += "\\u0020";
    EXPECT_EQ(rd.parse(R"({")" + key + R"(":1,"st\u0061tus":203})"), ParseResult::record);
}

// More leaves and slots than one 64-bit word holds: the present ones read, their fields in map order.
TEST(CompileJson, ManyFields) {
    std::vector<std::pair<std::string, std::vector<std::string>>> map{{"status", {"s"}}};
    for (int i = 0; i < 70; ++i) map.push_back({"f" + std::to_string(i), {"k" + std::to_string(i)}});
    const std::vector<int> present{69, 68, 65, 64, 63, 9, 1, 0};
    std::string line = R"({"s":200)";
    for (int i : present) line += ",\"k" + std::to_string(i) + "\":\"v" + std::to_string(i) + "\"";
    const auto c = compile_json(map, "many");
    ASSERT_TRUE(c) << c.error;
    Reader rd(*c.format);
    const Record r = rd.read(line + "}");
    ASSERT_EQ(r.extra_count, present.size() + 1);  // and the status under its key "s", last
    for (std::size_t i = 0; i < present.size(); ++i) {
        const std::string n = std::to_string(present[present.size() - 1 - i]);
        EXPECT_EQ(r.extras[i].id, find_field("f" + n));
        EXPECT_EQ(r.extras[i].value, "v" + n);
    }
    EXPECT_EQ(r.extras[present.size()].id, find_field("s"));
    EXPECT_EQ(field(r, "f2"), "");
}

TEST(CompileJson, Errors) {
    using Map = std::vector<std::pair<std::string, std::vector<std::string>>>;
    struct Case {
        Map map;
        std::string token;
    };
    const Case cases[] = {
        {{}, ""},
        {{{"path", {"a"}}}, "status"},
        {{{"status", {}}}, "status"},
        {{{"status", {""}}}, ""},
        {{{"status", {"a..b"}}}, "a..b"},
        {{{"status", {".a"}}}, ".a"},
        {{{"status", {"a."}}}, "a."},
        {{{"status", {"s"}}, {"", {"x"}}}, ""},
        {{{"status", {"s"}}, {"tenant", {"ok", "x..y"}}}, "x..y"},
        {{{"status", {std::string(JsonFormat::kMaxPath + 1, 'k')}}}, std::string(JsonFormat::kMaxPath + 1, 'k')},
    };
    for (const auto& c : cases) {
        const auto r = compile_json(c.map);
        EXPECT_FALSE(r);
        EXPECT_FALSE(r.error.empty());
        EXPECT_EQ(r.position, 0u);
        EXPECT_EQ(r.token, c.token) << r.error;
    }
    EXPECT_EQ(compile_json({{"status", {"s"}}}, "").format->name(), "json");
}

TEST(JsonFormats, Catalogue) {
    const std::map<std::string_view, int> want = {
        {"caddy_json", 100},       {"traefik_json", 110},      {"ecs_json", 120},        {"envoy_gateway_json", 125},
        {"envoy_json", 130},       {"nginx_json", 140},        {"azure_front_door", 150}, {"azure_app_gateway", 151},
        {"cloudflare_http", 152},  {"json", 190}};
    ASSERT_EQ(json_formats().size(), want.size());
    for (const auto& b : json_formats()) {
        ASSERT_TRUE(want.count(b.name)) << b.name;
        EXPECT_EQ(b.priority, want.at(b.name));
        EXPECT_TRUE(b.detectable);
        EXPECT_EQ(b.format->name(), b.name);
        EXPECT_FALSE(b.format->description().empty());
    }
    const auto names = preset("envoy_json").field_names();
    EXPECT_NE(std::find(names.begin(), names.end(), "response_flags"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "response_code"), names.end());
}

}  // namespace
}  // namespace logcodes
