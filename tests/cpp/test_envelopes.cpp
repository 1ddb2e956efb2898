// Envelopes (syslog, CRI, Docker json-file, journald, shippers' JSON) and formats read inside them.
#include "logcodes/formats/envelope.hpp"
#include "logcodes/aggregator.hpp"
#include "logcodes/scanner.hpp"
#include "logcodes/time.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <fstream>
#include <string>
#include <string_view>

namespace {

using namespace logcodes;

const std::string kCombined =
    R"(192.168.1.10 - - [05/Dec/2026:10:00:01 +0000] "GET /api HTTP/1.1" 200 512 "-" "curl/8.5.0")";

// What an envelope peeled from one line; the views in `p` point into `padded` or `buf`, kept here.
struct Peel {
    bool ok = false;
    Peeled p;
    std::string scratch;  // the carried line
    std::unique_ptr<std::string> padded = std::make_unique<std::string>(), buf = std::make_unique<std::string>();
};

Peel peel(std::string_view envelope, const std::string& line) {
    Peel r;
    *r.padded = line;
    r.padded->append(kLinePadding, '\0');
    r.ok = find_envelope(envelope)->peel(std::string_view(r.padded->data(), line.size()), r.p, *r.buf);
    if (r.ok) r.scratch = std::string(r.p.line);
    return r;
}

// --- syslog: RFC 3164, RFC 5424, rsyslog's file formats, octet counting -------------------------------

TEST(Syslog, Rfc3164AsNginxSendsIt) {
    // src/core/ngx_syslog.c: "<%ui>%V %V %V: " (PRI, time, hostname, tag), then the access line.
    const Peel r = peel("syslog", "<190>Dec  5 10:00:01 web1 nginx: " + kCombined);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.scratch, kCombined);
    EXPECT_EQ(r.p.host, "web1");
    EXPECT_EQ(r.p.app, "nginx");
    EXPECT_EQ(r.p.time, "Dec  5 10:00:01");
    EXPECT_EQ(r.p.time_kind, EnvelopeTime::bsd);
}

TEST(Syslog, NoHostnameAndTraditionalFileFormat) {
    const Peel nohost = peel("syslog", "<190>Dec 15 10:00:01 nginx: " + kCombined);  // syslog:...,nohostname
    ASSERT_TRUE(nohost.ok);
    EXPECT_EQ(nohost.scratch, kCombined);
    EXPECT_TRUE(nohost.p.host.empty());
    // nginx's first lines, sent before it knows its hostname: "%V %V %V: " with an empty one.
    const Peel empty = peel("syslog", "<189>Dec  6 04:06:40  nginxerr: 2026/12/06 04:06:40 [notice] 1#1: start");
    ASSERT_TRUE(empty.ok);
    EXPECT_EQ(empty.p.app, "nginxerr");
    EXPECT_EQ(empty.scratch, "2026/12/06 04:06:40 [notice] 1#1: start");
    const Peel file = peel("syslog", "Dec  5 10:00:01 web1 nginx[812]: " + kCombined);  // rsyslog, no PRI
    ASSERT_TRUE(file.ok);
    EXPECT_EQ(file.scratch, kCombined);
    EXPECT_EQ(file.p.app, "nginx");
    const Peel iso = peel("syslog", "2026-12-05T10:00:01.123456+00:00 web1 nginx: " + kCombined);  // RSYSLOG_FileFormat
    ASSERT_TRUE(iso.ok);
    EXPECT_EQ(iso.scratch, kCombined);
    EXPECT_EQ(iso.p.time_kind, EnvelopeTime::iso8601);
}

TEST(Syslog, Rfc5424WithStructuredDataBomAndNil) {
    const Peel r = peel("syslog", "<165>1 2026-12-05T10:00:01.003Z web1 nginx 812 ID47 "
                                  "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]x\"][b@1 c=\"d\"] \xEF\xBB\xBF" +
                                      kCombined);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.scratch, kCombined);
    EXPECT_EQ(r.p.host, "web1");
    EXPECT_EQ(r.p.app, "nginx");
    const Peel nil = peel("syslog", "<165>1 - - - - - - " + kCombined);
    ASSERT_TRUE(nil.ok);
    EXPECT_EQ(nil.scratch, kCombined);
    EXPECT_TRUE(nil.p.host.empty());
    EXPECT_EQ(nil.p.time_kind, EnvelopeTime::none);
}

TEST(Syslog, OctetCounting) {
    const std::string msg = "<190>Dec  5 10:00:01 web1 nginx: " + kCombined;
    const Peel r = peel("syslog", std::to_string(msg.size()) + " " + msg);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.scratch, kCombined);
    // rsyslog's omfwd counts the LF that ends the message (its templates end in "\n").
    EXPECT_TRUE(peel("syslog", std::to_string(msg.size() + 1) + " " + msg).ok);
    // A count that does not cover the line is not one framed message.
    EXPECT_FALSE(peel("syslog", std::to_string(msg.size() + 5) + " " + msg).ok);
    EXPECT_FALSE(peel("syslog", std::to_string(msg.size() - 1) + " " + msg).ok);
}

TEST(Syslog, NotSyslog) {
    EXPECT_FALSE(peel("syslog", kCombined).ok);
    EXPECT_FALSE(peel("syslog", "<999>Dec  5 10:00:01 web1 nginx: x").ok);      // PRI over 191
    EXPECT_FALSE(peel("syslog", "Dec  5 10:00:01 web1 no tag here").ok);         // no PRI needs a TAG
    EXPECT_FALSE(peel("syslog", "2026-12-05T10:00:01Z 10.0.0.1 GET / 200").ok);  // a time and words
    EXPECT_FALSE(peel("syslog", "").ok);
    EXPECT_FALSE(peel("syslog", "<1").ok);
    EXPECT_FALSE(peel("syslog", "<165>1 2026-12-05T10:00:01Z h a p m [unterminated").ok);
}

// --- CRI ------------------------------------------------------------------------------------------------

TEST(Cri, FullPartialAndTags) {
    const Peel f = peel("cri", "2026-12-05T10:00:01.123456789Z stdout F " + kCombined);
    ASSERT_TRUE(f.ok);
    EXPECT_EQ(f.scratch, kCombined);
    EXPECT_EQ(f.p.stream, "stdout");
    EXPECT_FALSE(f.p.partial);
    const Peel p = peel("cri", "2026-12-05T10:00:01.123456789Z stderr P:x 192.168.1.10 - -");
    ASSERT_TRUE(p.ok);
    EXPECT_TRUE(p.p.partial);
    EXPECT_EQ(p.p.stream, "stderr");
    const Peel empty = peel("cri", "2026-12-05T10:00:01.123456789Z stdout F");
    ASSERT_TRUE(empty.ok);
    EXPECT_TRUE(empty.scratch.empty());
    EXPECT_FALSE(peel("cri", "2026-12-05T10:00:01.123456789Z stdin F x").ok);
    EXPECT_FALSE(peel("cri", "2026-12-05T10:00:01.123456789Z stdout X x").ok);
    EXPECT_FALSE(peel("cri", kCombined).ok);
}

// --- JSON envelopes ---------------------------------------------------------------------------------

TEST(Docker, JsonFileEntries) {
    // moby's jsonlog MarshalJSONBuf escapes '"', '\', control bytes and <, >, & (\u003c ...).
    const Peel r = peel("docker", R"({"log":"192.168.1.10 - - [05/Dec/2026:10:00:01 +0000] \"GET /a?b=1\u0026c HTTP/1.1\" 200 512 \"-\" \"curl\"\n","stream":"stdout","time":"2026-12-05T10:00:01.123456789Z"})");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.scratch, R"(192.168.1.10 - - [05/Dec/2026:10:00:01 +0000] "GET /a?b=1&c HTTP/1.1" 200 512 "-" "curl")");
    EXPECT_FALSE(r.p.partial);
    const Peel cut = peel("docker", R"({"log":"192.168.1.10 - - [05/Dec","stream":"stdout","time":"2026-12-05T10:00:01Z"})");
    ASSERT_TRUE(cut.ok);
    EXPECT_TRUE(cut.p.partial);
    EXPECT_FALSE(peel("docker", R"({"log":"x\n","stream":"stdout"})").ok);  // json-file always writes "time"
    EXPECT_FALSE(peel("docker", R"({"log":"x\q","time":"2026-12-05T10:00:01Z"})").ok);
    EXPECT_FALSE(peel("docker", R"({"log":"x)").ok);
}

TEST(Journald, JsonOutput) {
    const Peel r = peel("journald", R"({"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1796464801000000","_HOSTNAME":"web1","SYSLOG_IDENTIFIER":"nginx","MESSAGE":"GET \u00e9 200"})");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.scratch, "GET \xC3\xA9 200");
    EXPECT_EQ(r.p.host, "web1");
    EXPECT_EQ(r.p.app, "nginx");
    EXPECT_EQ(r.p.time_kind, EnvelopeTime::epoch);
    EXPECT_EQ(parse_epoch_time(r.p.time), 1796464801);
    // Not UTF-8: an array of the bytes.
    const Peel bytes = peel("journald", R"({"__REALTIME_TIMESTAMP":"1796464801000000","MESSAGE":[71,69,84,32,255]})");
    ASSERT_TRUE(bytes.ok);
    EXPECT_EQ(bytes.scratch, "GET \xFF");
    EXPECT_FALSE(peel("journald", R"({"__REALTIME_TIMESTAMP":"1","MESSAGE":null})").ok);
}

TEST(Shipper, FilebeatVectorFluentBit) {
    const Peel fb = peel("json", R"({"@timestamp":"2026-12-05T10:00:01.000Z","log":{"offset":0,"file":{"path":"/var/log/nginx/access.log"}},"message":"GET / 200","host":{"name":"web1"}})");
    ASSERT_TRUE(fb.ok);
    EXPECT_EQ(fb.scratch, "GET / 200");
    EXPECT_EQ(fb.p.host, "web1");
    EXPECT_EQ(fb.p.time, "2026-12-05T10:00:01.000Z");
    const Peel vector = peel("json", R"({"file":"/var/log/a.log","host":"web2","message":"GET / 404","source_type":"file","timestamp":"2026-12-05T10:00:01Z"})");
    ASSERT_TRUE(vector.ok);
    EXPECT_EQ(vector.p.host, "web2");
    const Peel fluent = peel("json", R"({"date":1796464801.5,"log":"GET / 500\n","stream":"stderr"})");
    ASSERT_TRUE(fluent.ok);
    EXPECT_EQ(fluent.scratch, "GET / 500");
    EXPECT_EQ(fluent.p.time_kind, EnvelopeTime::epoch);
    EXPECT_FALSE(peel("json", R"({"status":200,"uri":"/"})").ok);
}

// --- formats inside envelopes -------------------------------------------------------------------------

TEST(Wrapped, NamesAndFields) {
    const Format* f = find_format("syslog+combined");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f, find_format("syslog+combined"));  // made once
    EXPECT_EQ(format_label(f), "combined");
    EXPECT_EQ(wrapper_label(f), "syslog");
    EXPECT_EQ(find_format("syslog+nope"), nullptr);
    EXPECT_EQ(find_format("nope+combined"), nullptr);
    EXPECT_EQ(format_label(find_format("combined")), "combined");
    EXPECT_EQ(wrapper_label(find_format("combined")), "");
}

TEST(Wrapped, HostAndTimeFallback) {
    auto parser = find_format("syslog+common")->make_parser();
    std::string line = "<190>Dec  5 10:00:01 web1 nginx: " + kCombined;
    line.append(kLinePadding, '\0');
    Record r;
    ASSERT_EQ(parser->parse(std::string_view(line.data(), line.size() - kLinePadding), r), ParseResult::record);
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(r.host, "web1");
    EXPECT_EQ(r.time, "05/Dec/2026:10:00:01 +0000");  // the line's own time wins
    EXPECT_EQ(r.extra(intern_field("app")), "nginx");

    // Kamailio acc lines have no time of their own: the envelope's is taken.
    auto acc = find_format("cri+sip_acc")->make_parser();
    std::string a = "2026-12-05T10:00:01.5Z stdout F ACC: transaction answered: method=INVITE;"
                    "from_tag=a;to_tag=b;call_id=c1;code=486;reason=Busy Here";
    a.append(kLinePadding, '\0');
    r.clear();
    ASSERT_EQ(acc->parse(std::string_view(a.data(), a.size() - kLinePadding), r), ParseResult::record);
    EXPECT_EQ(r.status, "486");
    EXPECT_EQ(record_time(r.time_syntax, r.time, r.time2), parse_iso8601_time("2026-12-05T10:00:01Z"));
    EXPECT_EQ(r.extra(intern_field("stream")), "stdout");
}

TEST(Wrapped, CriPartsJoinedAndCutAtEnd) {
    auto parser = find_format("cri+combined")->make_parser();
    Record r;
    auto feed = [&](std::string line) {
        line.append(kLinePadding, '\0');
        r.clear();
        return parser->parse(std::string_view(line.data(), line.size() - kLinePadding), r);
    };
    EXPECT_EQ(feed("2026-12-05T10:00:01Z stdout P " + kCombined.substr(0, 20)), ParseResult::part);
    EXPECT_TRUE(parser->in_record());
    EXPECT_EQ(feed("2026-12-05T10:00:01Z stdout P " + kCombined.substr(20, 30)), ParseResult::part);
    EXPECT_EQ(feed("2026-12-05T10:00:01Z stdout F " + kCombined.substr(50)), ParseResult::record);
    EXPECT_EQ(r.status, "200");
    EXPECT_EQ(r.target, "/api");
    EXPECT_FALSE(parser->in_record());
    // A cut line whose end never comes: flushed, and a line that is no record is said to be cut.
    EXPECT_EQ(feed("2026-12-05T10:00:01Z stdout P 192.168.1.10 - -"), ParseResult::part);
    r.clear();
    EXPECT_FALSE(parser->flush(r));
    EXPECT_TRUE(parser->cut_at_end());
    EXPECT_EQ(feed("not a cri line"), ParseResult::unparsed);
}

// --- detection and scans ----------------------------------------------------------------------------

TEST(WrappedDetection, EnvelopeThenInnerFormat) {
    std::string head;
    for (int i = 0; i < 10; ++i) head += "<190>Dec  5 10:00:0" + std::to_string(i) + " web1 nginx: " + kCombined + "\n";
    const Detection d = detect_format(head, true);
    ASSERT_NE(d.format, nullptr) << d.explanation;
    EXPECT_EQ(d.format->name(), "syslog+combined") << d.explanation;
    EXPECT_NE(d.explanation.find("in syslog envelopes (10 of 10 sample lines)"), std::string::npos) << d.explanation;
    // The bare log is not taken for an envelope.
    std::string bare;
    for (int i = 0; i < 10; ++i) bare += kCombined + "\n";
    EXPECT_EQ(detect_format(bare, true).format->name(), "combined");
}

class WrappedScan : public ::testing::Test {
protected:
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("logcodes_env_" + std::to_string(::getpid()));
    void SetUp() override { std::filesystem::create_directories(dir); }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& bytes) {
        const auto p = dir / name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p.string();
    }
};

// A CRI file with long lines cut in parts, scanned in byte ranges that fall inside cut lines: every record
// is counted once whatever the range size.
TEST_F(WrappedScan, CriRangesNeverSplitAJoinedLine) {
    std::string bytes;
    std::size_t records = 0, not_found = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::string code = i % 7 == 0 ? "404" : "200";
        std::string inner = "10.0.0." + std::to_string(i % 250) + " - - [05/Dec/2026:10:00:01 +0000] \"GET /p/" +
                            std::string(static_cast<std::size_t>(i % 40) * 10, 'x') + " HTTP/1.1\" " + code + " 12 \"-\" \"ua\"";
        ++records;
        not_found += code == "404";
        // Cut every third line into pieces of 37 bytes, as a runtime with a small max line size would.
        if (i % 3 == 0) {
            for (std::size_t at = 0; at < inner.size(); at += 37) {
                const bool last = at + 37 >= inner.size();
                bytes += std::string("2026-12-05T10:00:01.000000001Z stdout ") + (last ? "F " : "P ") + inner.substr(at, 37) + "\n";
            }
        } else {
            bytes += "2026-12-05T10:00:01.000000001Z stdout F " + inner + "\n";
        }
    }
    const std::string path = write("cri.log", bytes);
    for (const unsigned threads : {1u, 4u}) {
        for (const std::uint64_t range : {std::uint64_t{300}, std::uint64_t{4096}, std::uint64_t{1} << 20}) {
            ScanOptions o;
            o.paths = {path};
            o.threads = threads;
            o.min_range = range;
            o.block_size = 512;
            ScanResult r = Scanner::run_blocking(o);
            EXPECT_EQ(r.stats.total, records) << threads << " threads, ranges of " << range;
            EXPECT_EQ(r.stats.unparsed, 0u);
            EXPECT_EQ(r.stats.lines, static_cast<std::uint64_t>(std::count(bytes.begin(), bytes.end(), '\n')));
            std::uint64_t n404 = 0;
            r.counts.for_each([&](std::span<const KeyValue> key, std::uint64_t count) {
                if (key.size() == 2 && key[1].number == 404) n404 += count;
            });
            EXPECT_EQ(n404, not_found);
            ASSERT_EQ(r.files.size(), 1u);
            EXPECT_EQ(r.files[0].format, "combined");
            EXPECT_EQ(r.files[0].wrapper, "cri");
        }
    }
}

TEST_F(WrappedScan, MalformedEnvelopesAreUnparsedWithSamples) {
    std::string bytes;
    for (int i = 0; i < 20; ++i) bytes += "<190>Dec  5 10:00:01 web1 nginx: " + kCombined + "\n";
    bytes += "garbage that is no syslog\n";
    bytes += "<190>Dec  5 10:00:01 web1 nginx: not an access line\n";
    const std::string path = write("s.log", bytes);
    ScanOptions o;
    o.paths = {path};
    ScanResult r = Scanner::run_blocking(o);
    EXPECT_EQ(r.stats.total, 22u);
    EXPECT_EQ(r.stats.unparsed, 2u);
    ASSERT_EQ(r.stats.unparsed_samples.size(), 2u);
    EXPECT_EQ(r.stats.unparsed_samples[0].line, 21u);
    EXPECT_EQ(r.stats.unparsed_samples[0].text, "garbage that is no syslog");
}

}  // namespace
